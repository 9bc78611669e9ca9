import { z } from "zod";
import { JWT_BEARER_GRANT } from "../api/self-service";
import type { Inputs } from "../lib/types";

export const maskinportenClientInputsSchema = z
  .object({
    /** The display name in Samarbeidsportalen. */
    clientName: z
      .string()
      .trim()
      .min(1, "clientName must not be empty: give the client a display name"),
    /** What the client is for; shown in Samarbeidsportalen. */
    description: z
      .string()
      .trim()
      .min(1, "description must not be empty: say what the client is used for"),
    /** Scopes the client may ask Maskinporten for; each must be APPROVED for the org. */
    scopes: z
      .array(z.string().regex(/^\S+$/, "a scope has no spaces, such as altinn:serviceowner"))
      .default([])
      .refine((scopes) => new Set(scopes).size === scopes.length, "scopes must not repeat a scope"),
    integrationType: z.literal("maskinporten").default("maskinporten"),
    applicationType: z
      .literal("web", { error: "applicationType must be web for a Maskinporten client" })
      .default("web"),
    tokenEndpointAuthMethod: z
      .literal("private_key_jwt", {
        error: "tokenEndpointAuthMethod must be private_key_jwt for a Maskinporten client",
      })
      .default("private_key_jwt"),
    grantTypes: z
      .array(
        z.literal(JWT_BEARER_GRANT, {
          error: `grantTypes must be ["${JWT_BEARER_GRANT}"] for a Maskinporten client`,
        }),
      )
      .length(1, `grantTypes must be ["${JWT_BEARER_GRANT}"] for a Maskinporten client`)
      .default([JWT_BEARER_GRANT]),
    /** Lifetime of the client's access tokens in seconds; the scope's own maximum applies. */
    accessTokenLifetime: z
      .number()
      .int("accessTokenLifetime is a whole number of seconds")
      .positive("accessTokenLifetime is a number of seconds greater than 0")
      .optional(),
    /**
     * Adopt the existing client with this client_id (made in Samarbeidsportalen) instead of
     * creating one; its fields are then replaced by the declared ones.
     * @default undefined (create a client)
     */
    clientId: z
      .string()
      .trim()
      .min(1, "clientId must not be empty: give the client_id to adopt")
      .optional(),
  })
  .strict();

export type MaskinportenClientInputs = z.output<typeof maskinportenClientInputsSchema>;
export type MaskinportenClientArgs = Inputs<z.input<typeof maskinportenClientInputsSchema>>;

export type MaskinportenClientOutputs = Omit<MaskinportenClientInputs, "clientId"> & {
  /** The client_id Digdir gave the client: the `iss` of its JWT grants. */
  clientId: string;
  /** The org number the client belongs to (the self-service admin client's org). */
  clientOrgno: string;
};

/**
 * The outputs of a create whose outcome is unknown (id `unconfirmed:<createAttemptedAt>`): the
 * declared fields, which with the time say which client the attempt may have made.
 */
export interface UnconfirmedClientOutputs extends MaskinportenClientInputs {
  /** When the attempt began, by this machine's clock (ISO 8601). */
  createAttemptedAt: string;
}

/** The API refuses to change the integration type of an existing client. */
export const MASKINPORTEN_CLIENT_REPLACE_ON = ["integrationType"] as const;
