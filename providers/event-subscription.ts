/**
 * EventSubscription: an Altinn Events subscription of the service owner to the events of one of
 * its resources (Correspondence's `no.altinn.correspondence.*`). docs/altinn-apis.md
 * section 5; providers/api/events.ts.
 *
 * | step    | HTTP                                                                          |
 * |---------|-------------------------------------------------------------------------------|
 * | create  | POST /events/api/v1/subscriptions; then GET /subscriptions/{id} until validated |
 * |         | (bounded by validationWaitSeconds)                                            |
 * | read    | GET /subscriptions/{id}; 404 -> gone                                          |
 * | update  | none remote: only validationWaitSeconds, which is this tool's own setting     |
 * | delete  | DELETE /subscriptions/{id}; 404 -> done                                       |
 *
 * id: the number Events gives the subscription. Events has no update, so a change of endPoint,
 * resourceFilter, subjectFilter or typeFilter replaces it, and the replacement has a new id. The
 * engine creates the new one before deleting the old one (no gap in deliveries) unless the
 * resource sets `deleteBeforeReplace`. A create with the filters of an existing subscription of
 * the same org returns that one (Events' POST is idempotent), so a re-run after a failed step
 * takes over what the first run made instead of making a twin.
 *
 * Only what Events accepts for a resource that is not an app is sent: never sourceFilter or
 * alternativeSubjectFilter (400 for such resources). A subscription delivers nothing until its
 * endpoint answers the `platform.events.validatesubscription` event with 2xx; `validated` says
 * whether it has, and `pulumi refresh` updates it.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { closest } from "../policies/findings";
import { IDENTIFIER_PATTERN } from "./altinn-resource";
import * as events from "./api/events";
import * as registry from "./api/resource-registry";
import {
  checkWithSchema,
  containsUnknown,
  jsonEqual,
  userInputs,
  type CheckFailure,
} from "./lib/check";
import { oncePerContext, type ProviderContext } from "./lib/context";
import { isLoopbackHost, type EnvironmentName } from "./lib/environments";
import { hostFinding, simulatorAdminProblem } from "./lib/hostile";
import type { ProviderImplementation } from "./lib/provider";
import { runtimeProvider } from "./lib/shell";
import type { Inputs } from "./lib/types";

/**
 * The event types Correspondence publishes: `no.altinn.correspondence.` and the lower-cased name
 * of its AltinnEventType (altinn-correspondence AltinnEventBus).
 */
export const CORRESPONDENCE_EVENT_TYPES = [
  "no.altinn.correspondence.attachmentinitialized",
  "no.altinn.correspondence.attachmentuploadprocessing",
  "no.altinn.correspondence.attachmentpublished",
  "no.altinn.correspondence.attachmentuploadfailed",
  "no.altinn.correspondence.attachmentpurged",
  "no.altinn.correspondence.attachmentdownloaded",
  "no.altinn.correspondence.attachmentexpired",
  "no.altinn.correspondence.correspondenceinitialized",
  "no.altinn.correspondence.correspondencepublished",
  "no.altinn.correspondence.correspondencearchived",
  "no.altinn.correspondence.correspondencepurged",
  "no.altinn.correspondence.correspondencepublishfailed",
  "no.altinn.correspondence.correspondencereceiverread",
  "no.altinn.correspondence.correspondencereceiverconfirmed",
  "no.altinn.correspondence.correspondencereceiverreplied",
  "no.altinn.correspondence.correspondencereceiverneverconfirmed",
  "no.altinn.correspondence.correspondencereceiverreserved",
  "no.altinn.correspondence.correspondencereceiverneverread",
  "no.altinn.correspondence.notificationcreated",
  "no.altinn.correspondence.correspondencenotificationcreationfailed",
  "no.altinn.correspondence.correspondencenotificationfailed",
  "no.altinn.correspondence.correspondencenotificationallfailed",
  "no.altinn.correspondence.correspondencenotificationdelivered",
  "no.altinn.correspondence.correspondencenotificationreminderdelivered",
] as const;

export type CorrespondenceEventType = (typeof CORRESPONDENCE_EVENT_TYPES)[number];

const CORRESPONDENCE_TYPE_PREFIX = "no.altinn.correspondence.";
const RESOURCE_URN_PREFIX = "urn:altinn:resource:";

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

const LOOK_UP_RESOURCE = "lookUpResource";

export interface EventSubscriptionOutputs extends EventSubscriptionInputs {
  /** The number Events gave the subscription (the resource id as a number). */
  subscriptionId: number;
  /** Whether the endpoint has answered Events' validation event; nothing is delivered before. */
  validated: boolean;
  /** Who the subscription belongs to, such as `/org/digdir`. */
  consumer: string;
  created: string;
}

/** The properties Events stores: a change of any of them is a new subscription. */
export const EVENT_SUBSCRIPTION_REPLACE_ON = [
  "endPoint",
  "resourceFilter",
  "subjectFilter",
  "typeFilter",
] as const;

const MANAGED_FIELDS = Object.keys(eventSubscriptionInputsSchema.shape) as Array<
  keyof EventSubscriptionInputs
>;

/** Filters Events accepts only for Altinn apps; for any other resource they are a 400. */
const APP_ONLY_FILTERS = ["sourceFilter", "alternativeSubjectFilter"] as const;

/** Validation beyond the schema, for the properties that are known (preview may not know all). */
export function validateSubscription(
  inputs: Partial<Record<keyof EventSubscriptionInputs, unknown>>,
  environment: EnvironmentName,
): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const known = (value: unknown): value is string =>
    typeof value === "string" && !containsUnknown(value);
  if (known(inputs.endPoint)) {
    const reason = endPointProblem(inputs.endPoint, environment);
    if (reason) failures.push({ property: "endPoint", reason });
    const hostile =
      hostFinding(inputs.endPoint).problem ??
      (environment === "local" ? simulatorAdminProblem(inputs.endPoint) : undefined);
    if (hostile) failures.push({ property: "endPoint", reason: hostile });
  }
  if (known(inputs.resourceFilter)) {
    const reason = resourceFilterProblem(inputs.resourceFilter);
    if (reason) failures.push({ property: "resourceFilter", reason });
  }
  if (known(inputs.subjectFilter) && !/^\S+$/.test(inputs.subjectFilter)) {
    failures.push({
      property: "subjectFilter",
      reason:
        inputs.subjectFilter.trim() === ""
          ? "an empty subjectFilter matches no event: leave it out to receive events about every party"
          : `"${inputs.subjectFilter}" has spaces; Events compares the whole text, so it would match no event: write the party URN, such as "urn:altinn:organization:identifier-no:991825827"`,
    });
  }
  if (known(inputs.typeFilter)) {
    const reason = typeFilterProblem(inputs.typeFilter);
    if (reason) failures.push({ property: "typeFilter", reason });
  }
  return failures;
}

function endPointProblem(value: string, environment: EnvironmentName): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not an absolute URL: give the https URL Events should POST the events to, such as "https://example.org/altinn/events"`;
  }
  if (url.protocol === "https:") return undefined;
  const shown = describeEndPoint(value);
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) {
    return environment === "local"
      ? undefined
      : `${shown} is a loopback address, which Altinn Events in the ${environment} environment cannot reach: give a public https URL (http to 127.0.0.1 is only for the local simulator)`;
  }
  return `${shown} must use https: Altinn Events pushes events only to https endpoints with a publicly trusted certificate (http is allowed only to a loopback host in the local stack)`;
}

/**
 * Why Events would refuse a subscription to a resource the registry does not hold (its PDP
 * answers 403, which reads as a policy problem), or undefined when it exists or the registry
 * cannot be asked now (then `up` tells).
 */
async function missingResource(
  ctx: ProviderContext,
  resourceFilter: string,
): Promise<string | undefined> {
  const id = resourceFilter.slice(RESOURCE_URN_PREFIX.length);
  const found = await registry.getResource(ctx, id).then(
    (resource) => resource !== undefined,
    () => true,
  );
  return found
    ? undefined
    : `the Resource Registry (${ctx.settings.endpoints.platform}) has no resource "${id}", and the stack declares none by that name, so Events would refuse the subscription (403): check the identifier, or declare the resource under altinn-iac:resources`;
}

function resourceFilterProblem(value: string): string | undefined {
  const example = IDENTIFIER_PATTERN.test(value)
    ? `"${RESOURCE_URN_PREFIX}${value}"`
    : `"${RESOURCE_URN_PREFIX}digdir-melding"`;
  if (!value.startsWith(RESOURCE_URN_PREFIX)) {
    return `"${value}" is not a resource URN: write ${RESOURCE_URN_PREFIX}<resource identifier>, such as ${example} (an AltinnResource's resourceUrn output)`;
  }
  const id = value.slice(RESOURCE_URN_PREFIX.length);
  if (id.startsWith("app_")) {
    return `"${value}" is an Altinn app: app subscriptions need a sourceFilter, which EventSubscription does not manage; subscribe to a resource such as a correspondence resource`;
  }
  if (!IDENTIFIER_PATTERN.test(id)) {
    return `"${id}" is not a resource identifier (lowercase a-z, 0-9, "_" and "-", at least 4 characters), so Events would refuse the filter: write ${example}`;
  }
  return undefined;
}

function typeFilterProblem(value: string): string | undefined {
  if (value.trim() === "") {
    return "an empty typeFilter matches no event: leave it out to receive every event type";
  }
  const known = CORRESPONDENCE_EVENT_TYPES as readonly string[];
  const correspondenceLike =
    value.toLowerCase().startsWith(CORRESPONDENCE_TYPE_PREFIX) ||
    value.toLowerCase().startsWith("app.correspondence.");
  if (correspondenceLike && !known.includes(value)) {
    const name = value.slice(value.lastIndexOf(".") + 1).toLowerCase();
    const suggestion = closest(`${CORRESPONDENCE_TYPE_PREFIX}${name}`, known);
    return `"${value}" is not an event type Correspondence publishes, so the subscription would receive nothing: ${suggestion ? `did you mean "${suggestion}"?` : `use one of ${known.join(", ")}`}`;
  }
  if (/\s/.test(value)) {
    return `"${value}" has spaces; Events matches the type exactly, so it would match no event`;
  }
  return undefined;
}

/** The endpoint for messages: without its query string, which may carry a key (`?code=...`). */
export function describeEndPoint(endPoint: string): string {
  try {
    const url = new URL(endPoint);
    return `${url.origin}${url.pathname}`;
  } catch {
    return "the endpoint";
  }
}

/** The inputs, the endpoint and resource filter as Events stores them (events.absoluteUri). */
function managedInputs(props: Record<string, unknown>): EventSubscriptionInputs {
  const inputs = userInputs(props);
  const managed = Object.fromEntries(
    MANAGED_FIELDS.filter((f) => inputs[f] !== undefined).map((f) => [f, inputs[f]]),
  ) as EventSubscriptionInputs;
  if (typeof managed.endPoint === "string" && !containsUnknown(managed.endPoint)) {
    managed.endPoint = events.absoluteUri(managed.endPoint);
  }
  // SubscriptionRepository stores ResourceFilter.ToLower().
  if (typeof managed.resourceFilter === "string" && !containsUnknown(managed.resourceFilter)) {
    managed.resourceFilter = managed.resourceFilter.toLowerCase();
  }
  return managed;
}

/** The request body: only the filters that are set, and never the app-only ones. */
export function toSubscriptionRequest(inputs: EventSubscriptionInputs): events.SubscriptionRequest {
  return {
    endPoint: inputs.endPoint,
    resourceFilter: inputs.resourceFilter,
    ...(inputs.subjectFilter !== undefined ? { subjectFilter: inputs.subjectFilter } : {}),
    ...(inputs.typeFilter !== undefined ? { typeFilter: inputs.typeFilter } : {}),
  };
}

/** A live subscription as inputs, keeping this tool's own setting from the stack. */
export function fromSubscriptionDto(
  dto: events.SubscriptionDto,
  managed: EventSubscriptionInputs,
): EventSubscriptionInputs {
  return {
    endPoint: dto.endPoint,
    resourceFilter: dto.resourceFilter ?? "",
    ...(dto.subjectFilter ? { subjectFilter: dto.subjectFilter } : {}),
    ...(dto.typeFilter !== null && dto.typeFilter !== undefined
      ? { typeFilter: dto.typeFilter }
      : {}),
    validationWaitSeconds: managed.validationWaitSeconds ?? 30,
  };
}

function outputsOf(
  inputs: EventSubscriptionInputs,
  dto: events.SubscriptionDto,
): EventSubscriptionOutputs {
  return {
    ...inputs,
    subscriptionId: dto.id,
    validated: dto.validated,
    consumer: dto.consumer,
    created: dto.created,
  };
}

interface ValidationWaiter {
  latest: events.SubscriptionDto;
  deadline: number;
  done(answer: events.SubscriptionDto): void;
}

/**
 * Waits for Events to validate the subscriptions this run creates, all together: one list of the
 * org's subscriptions answers every create waiting at that moment, so N new subscriptions cost a
 * few lists, not N reads. Polls 200 ms after the newest waiter, doubling to 2 s, and at most every
 * 500 ms while creates keep coming (each waiting create holds one of the engine's parallel slots,
 * so waiting longer would slow `up` more than the reads cost).
 */
class ValidationWatch {
  private readonly waiting = new Map<string, ValidationWaiter>();
  private delay = 200;
  private lastPoll = 0;
  private polling = false;

  constructor(private readonly ctx: ProviderContext) {}

  /** The subscription once validated, gone, or out of time: the last answer seen. */
  wait(created: events.SubscriptionDto, waitMs: number): Promise<events.SubscriptionDto> {
    if (created.validated || waitMs <= 0) return Promise.resolve(created);
    return new Promise((done) => {
      this.waiting.set(String(created.id), {
        latest: created,
        deadline: Date.now() + waitMs,
        done,
      });
      this.delay = 200;
      if (!this.polling) void this.poll();
    });
  }

  private async poll(): Promise<void> {
    this.polling = true;
    while (this.waiting.size > 0) {
      const nextDeadline = Math.min(...[...this.waiting.values()].map((w) => w.deadline));
      const due = Math.max(this.delay, this.lastPoll + 500 - Date.now());
      await sleep(Math.max(0, Math.min(due, nextDeadline - Date.now())));
      this.delay = Math.min(this.delay * 2, 2_000);
      this.lastPoll = Date.now();
      // Only what was created before the list was asked for can be judged by it.
      const asked = [...this.waiting];
      let live: events.SubscriptionDto[] | undefined;
      try {
        live = await events.listSubscriptions(this.ctx);
      } catch {
        // The subscriptions exist; an unanswered poll only leaves `validated` to the next refresh.
      }
      for (const [id, waiter] of asked) {
        const answer = live?.find((s) => String(s.id) === id);
        if (answer) waiter.latest = answer;
        if (!live || !answer || answer.validated || Date.now() >= waiter.deadline) {
          this.waiting.delete(id);
          waiter.done(waiter.latest);
        }
      }
    }
    this.polling = false;
  }
}

const validationWatches = new WeakMap<ProviderContext, ValidationWatch>();

function awaitValidation(
  ctx: ProviderContext,
  created: events.SubscriptionDto,
  waitMs: number,
): Promise<events.SubscriptionDto> {
  let watch = validationWatches.get(ctx);
  if (!watch) validationWatches.set(ctx, (watch = new ValidationWatch(ctx)));
  return watch.wait(created, waitMs);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The org's subscriptions as check first saw them in this run: new subscriptions of one run are
 * compared against one list. A subscription this run creates cannot be identical to another one it
 * declares (the same endpoint and filters twice is one subscription to Events).
 */
const subscriptionsBefore = oncePerContext(events.listSubscriptions);

export const eventSubscriptionImplementation: ProviderImplementation = {
  async check(ctx, olds, news) {
    const raw = userInputs(news);
    const appOnly: CheckFailure[] = APP_ONLY_FILTERS.filter((key) => key in raw).map((key) => ({
      property: key,
      reason: `${key} is for Altinn app subscriptions; Events refuses it (400) for any other resource, such as a correspondence resource: remove it (resourceFilter names the resource)`,
    }));
    const rest = Object.fromEntries(
      Object.entries(news).filter(
        ([key]) =>
          !(APP_ONLY_FILTERS as readonly string[]).includes(key) && key !== LOOK_UP_RESOURCE,
      ),
    );
    const result = checkWithSchema(eventSubscriptionInputsSchema, rest);
    const failures = [
      ...appOnly,
      ...result.failures,
      ...validateSubscription(raw, ctx.settings.environment),
    ];
    if (failures.length > 0) return { inputs: news, failures };
    if (result.inputs === news) return { inputs: result.inputs, failures };
    const isNew = Object.keys(userInputs(olds)).length === 0;
    const filter = result.inputs.resourceFilter;
    if (
      isNew &&
      raw[LOOK_UP_RESOURCE] === true &&
      typeof filter === "string" &&
      !containsUnknown(filter)
    ) {
      const missing = await missingResource(ctx, filter);
      if (missing)
        return { inputs: news, failures: [{ property: "resourceFilter", reason: missing }] };
    }
    // Declared as Events will store it, so a refresh (which reads the stored form) is no change.
    const normalized = { ...result.inputs, ...managedInputs(result.inputs) };
    if (!isNew) return { inputs: normalized, failures };
    // A new subscription: Events answers an identical request with the existing one, so say now
    // that up takes it over (by endpoint and filters) rather than making a new one.
    const live = events.identicalSubscription(
      await subscriptionsBefore(ctx),
      toSubscriptionRequest(managedInputs(result.inputs)),
    );
    if (!live) return { inputs: normalized, failures };
    const state = live.validated ? "" : ", not validated yet";
    return {
      inputs: {
        ...normalized,
        adopting: `existing subscription ${live.id}${state}, already as declared: no write`,
      },
      failures,
    };
  },

  async diff(_ctx, _id, olds, news) {
    const before = managedInputs(olds);
    const after = managedInputs(news);
    const changed = MANAGED_FIELDS.filter((f) => !jsonEqual(before[f], after[f]));
    const replaces = changed.filter((f) =>
      (EVENT_SUBSCRIPTION_REPLACE_ON as readonly string[]).includes(f),
    );
    return { changes: changed.length > 0, replaces };
  },

  async create(ctx, props) {
    const inputs = managedInputs(props);
    const request = toSubscriptionRequest(inputs);
    // Check found an identical subscription: take it over without a POST (a write, even if
    // Events would answer it with the same subscription).
    const existing =
      userInputs(props).adopting !== undefined
        ? events.identicalSubscription(await events.listSubscriptions(ctx), request)
        : undefined;
    const created = existing ?? (await events.createSubscription(ctx, request));
    const live = await awaitValidation(ctx, created, inputs.validationWaitSeconds * 1000);
    if (!live.validated) {
      ctx.warn(
        `subscription ${live.id} to ${inputs.resourceFilter} is not validated yet: Events delivers nothing until ${describeEndPoint(inputs.endPoint)} answers its platform.events.validatesubscription event with 2xx (Events retries for a while); \`pulumi refresh\` shows when it is`,
      );
    }
    return { id: String(live.id), outs: outputsOf(inputs, live) };
  },

  async read(ctx, id, props) {
    const live = await events.readSubscription(ctx, id);
    if (!live) return {};
    const inputs = fromSubscriptionDto(live, managedInputs(props));
    return { id, props: outputsOf(inputs, live), inputs: { ...inputs } };
  },

  async update(ctx, id, _olds, news) {
    // diff replaces on every remote property, so only this tool's own setting changes here.
    const live = await events.getSubscription(ctx, id);
    if (!live) {
      throw new Error(
        `subscription ${id} no longer exists in Altinn Events: run \`pulumi refresh\`, then \`pulumi up\` creates it again`,
      );
    }
    return { outs: outputsOf(managedInputs(news), live) };
  },

  async delete(ctx, id) {
    await events.deleteSubscription(ctx, id);
  },
};

/**
 * An Altinn Events subscription, managed declaratively.
 *
 * ```ts
 * new EventSubscription("melding-read", {
 *   endPoint: "https://example.org/altinn/events",
 *   resourceFilter: resource.resourceUrn,
 *   typeFilter: "no.altinn.correspondence.correspondencereceiverread",
 * }, { dependsOn: [policy] });
 * ```
 */
export class EventSubscription extends pulumi.dynamic.Resource {
  declare readonly subscriptionId: pulumi.Output<number>;
  declare readonly validated: pulumi.Output<boolean>;
  declare readonly consumer: pulumi.Output<string>;
  declare readonly created: pulumi.Output<string>;
  declare readonly endPoint: pulumi.Output<string>;
  declare readonly resourceFilter: pulumi.Output<string>;

  constructor(name: string, args: EventSubscriptionArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      eventSubscriptionProvider,
      name,
      {
        ...args,
        subscriptionId: undefined,
        validated: undefined,
        consumer: undefined,
        created: undefined,
      },
      opts,
      "altinn",
      "EventSubscription",
    );
  }
}

const eventSubscriptionProvider = runtimeProvider("EventSubscription");
