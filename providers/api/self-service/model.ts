import { z } from "zod";

/** The self-service API's models (snake_case), and the minimal schemas its answers are read with. */

export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** The most keys a client's JWKS may hold (Digdir: "inntil 5"). */
export const MAX_KEYS = 5;

/** The client model as the API speaks it (snake_case); the server adds the rest. */
export interface ClientRegistration {
  client_id?: string;
  client_name: string;
  description: string;
  integration_type: string;
  application_type: string;
  token_endpoint_auth_method: string;
  grant_types: string[];
  scopes: string[];
  access_token_lifetime?: number;
  client_orgno?: string;
  created?: string;
  last_updated?: string;
  active?: boolean;
  [field: string]: unknown;
}

/** A public RSA key as the JWKS endpoints take and return it; `exp` (epoch seconds) is the server's. */
export interface RegisteredJwk {
  kty: string;
  kid: string;
  alg?: string;
  use?: string;
  n: string;
  e: string;
  exp?: number;
  x5c?: string[];
}

export interface JwksResponse {
  keys: RegisteredJwk[];
  created?: string;
  last_updated?: string;
}

export interface ScopeAccess {
  scope: string;
  state: "APPROVED" | "REQUESTED" | "DENIED";
  consumer_orgno: string;
  owner_orgno: string;
  created?: string;
  last_updated?: string;
}

/** An absent list reads as empty, as the API leaves out what a client does not have. */
const strings = z
  .array(z.string())
  .nullish()
  .transform((list) => list ?? []);

export const clientSchema: z.ZodType<ClientRegistration> = z.looseObject({
  client_id: z.string().optional(),
  client_name: z.string(),
  description: z.string(),
  integration_type: z.string(),
  application_type: z.string(),
  token_endpoint_auth_method: z.string(),
  grant_types: strings,
  scopes: strings,
  access_token_lifetime: z.number().optional(),
  client_orgno: z.string().optional(),
  created: z.string().optional(),
});

/** A list answer; anything but an array (an empty body) is no clients. */
export const clientListSchema = z.preprocess(
  (body) => (Array.isArray(body) ? body : []),
  z.array(clientSchema),
);

const registeredJwkSchema: z.ZodType<RegisteredJwk> = z.looseObject({
  kty: z.string(),
  kid: z.string(),
  n: z.string(),
  e: z.string(),
  exp: z.number().optional(),
});

/** A key set answer; a body without `keys` is a client with no keys. */
export const jwksSchema: z.ZodType<JwksResponse> = z.preprocess(
  (body) => (body && typeof body === "object" ? body : {}),
  z.looseObject({
    keys: z.preprocess((keys) => (Array.isArray(keys) ? keys : []), z.array(registeredJwkSchema)),
  }),
);

/** Scope grants; anything but an array is none. */
export const scopeAccessListSchema: z.ZodType<ScopeAccess[]> = z.preprocess(
  (body) => (Array.isArray(body) ? body : []),
  z.array(
    z.looseObject({
      scope: z.string(),
      state: z.enum(["APPROVED", "REQUESTED", "DENIED"]),
      consumer_orgno: z.string(),
      owner_orgno: z.string(),
    }),
  ),
);
