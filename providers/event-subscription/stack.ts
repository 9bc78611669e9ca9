import { z } from "zod";
import { asWritten } from "../lib/object-kind";
import { eventSubscriptionInputsSchema } from "./schema";

/**
 * `altinn-iac:subscriptions[]`: the subscription's own fields as the provider takes them (same
 * names and rules), the resource by its identifier (the program makes the URN filter), and the
 * entry's name and options.
 */
export const subscriptionEntrySchema = asWritten(
  eventSubscriptionInputsSchema
    .pick({ endPoint: true, typeFilter: true, subjectFilter: true, validationWaitSeconds: true })
    .extend({
      name: z
        .string()
        .regex(
          /^[a-z0-9][a-z0-9-]*$/,
          "name is the subscription's stable logical name in lowercase kebab-case, such as melding-read",
        ),
      /** The resource identifier (a resource of this stack, or one managed elsewhere). */
      resource: z.string(),
      /** Delete the old subscription before creating its replacement (default: create first). */
      deleteBeforeReplace: z.boolean().optional(),
      /**
       * Earlier names of this entry, so a rename keeps the object (a Pulumi alias) instead of
       * deleting it and making a new one. Keep them until every stack has run `up` once.
       */
      aliases: z.array(z.string()).optional(),
    }),
);
