import { z } from "zod";
import { asWritten } from "../lib/object-kind";
import { maskinportenClientKeyInputsSchema } from "./schema";

/** A client's key options as a stack-file entry writes them: the provider's fields and rules. */
export const keyOptionsSchema = asWritten(
  maskinportenClientKeyInputsSchema.pick({
    rotation: true,
    renewBeforeDays: true,
    publicJwk: true,
  }),
);

/**
 * `altinn-iac:maskinportenClientKeys[]`: the key set of a client made outside the stack (in
 * Samarbeidsportalen, say): the provider's fields, and the entry's name and aliases.
 */
export const clientKeyEntrySchema = asWritten(
  maskinportenClientKeyInputsSchema
    .pick({ clientId: true, rotation: true, renewBeforeDays: true, publicJwk: true })
    .extend({
      name: z
        .string()
        .regex(
          /^[a-z0-9][a-z0-9-]*$/,
          "name is the client's stable logical name in lowercase kebab-case, such as melding-sender",
        ),
      /**
       * Earlier names of this entry, so a rename keeps the object (a Pulumi alias) instead of
       * deleting it and making a new one. Keep them until every stack has run `up` once.
       */
      aliases: z.array(z.string()).optional(),
    }),
);
