import { z } from "zod";
import type { Inputs } from "../lib/types";
import type { CorrespondenceEventType } from "./event-types";

export const RESOURCE_URN_PREFIX = "urn:altinn:resource:";

export const eventSubscriptionInputsSchema = z
  .object({
    /** Where Events POSTs the events: https (http only to a loopback host in the local stack). */
    endPoint: z.string(),
    /** The resource whose events to receive: `urn:altinn:resource:<identifier>`. */
    resourceFilter: z.string(),
    /** Only events about this party, such as `urn:altinn:organization:identifier-no:<orgnr>`. */
    subjectFilter: z.string().optional(),
    /** Only events of this one type, such as `no.altinn.correspondence.correspondencereceiverread`. */
    typeFilter: z.string().optional(),
    /**
     * How long create waits for the endpoint to answer Events' validation event.
     * @default 30 (seconds); 0 does not wait
     */
    validationWaitSeconds: z
      .number()
      .int("validationWaitSeconds is a whole number of seconds")
      .min(0, "validationWaitSeconds is 0 (do not wait) to 300 seconds")
      .max(300, "validationWaitSeconds is 0 (do not wait) to 300 seconds")
      .default(30),
  })
  .strict();

export type EventSubscriptionInputs = z.output<typeof eventSubscriptionInputsSchema>;

/** What a program passes; typeFilter offers the correspondence event types. */
export type EventSubscriptionArgs = Inputs<
  Omit<z.input<typeof eventSubscriptionInputsSchema>, "typeFilter"> & {
    typeFilter?: CorrespondenceEventType | (string & NonNullable<unknown>);
    /**
     * The resource is managed elsewhere: preview of a new subscription looks it up in the
     * Resource Registry, so a misspelled identifier fails there instead of as Events' 403 at
     * `up`. Not stored: it is no property of the subscription.
     */
    lookUpResource?: boolean;
  }
>;

export const LOOK_UP_RESOURCE = "lookUpResource";

export type EventSubscriptionOutputs = EventSubscriptionInputs & {
  /** The number Events gave the subscription (the resource id as a number). */
  subscriptionId: number;
  /** Whether the endpoint has answered Events' validation event; nothing is delivered before. */
  validated: boolean;
  /** Who the subscription belongs to, such as `/org/digdir`. */
  consumer: string;
  created: string;
};

/** The properties Events stores: a change of any of them is a new subscription. */
export const EVENT_SUBSCRIPTION_REPLACE_ON = [
  "endPoint",
  "resourceFilter",
  "subjectFilter",
  "typeFilter",
] as const;

/** Filters Events accepts only for Altinn apps; for any other resource they are a 400. */
export const APP_ONLY_FILTERS = ["sourceFilter", "alternativeSubjectFilter"] as const;
