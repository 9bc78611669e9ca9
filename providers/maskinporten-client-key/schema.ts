import { z } from "zod";
import type { RegisteredJwk } from "../api/self-service";
import type { Inputs } from "../lib/types";

/** A public RSA signing key as Digdir takes it. Private members are refused by `check`. */
const publicJwkSchema = z
  .object({
    kty: z.literal("RSA", { error: 'publicJwk.kty must be "RSA": Digdir takes RSA keys only' }),
    kid: z.string().trim().min(1, "publicJwk.kid is required: use a UUID, unique across Digdir"),
    alg: z.literal("RS256", {
      error: 'publicJwk.alg must be "RS256", the only algorithm Digdir takes',
    }),
    use: z.literal("sig", { error: 'publicJwk.use must be "sig"' }),
    n: z.string().min(1, "publicJwk.n (the modulus) is required"),
    e: z.string().min(1, "publicJwk.e (the exponent) is required"),
    x5c: z.array(z.string()).optional(),
  })
  // Unknown members pass here so that private ones get their own failure (which names no value).
  .passthrough();

export type PublicJwk = z.output<typeof publicJwkSchema>;

export const maskinportenClientKeyInputsSchema = z
  .object({
    /** The client whose key set this resource owns (MaskinportenClient.clientId). */
    clientId: z
      .string()
      .trim()
      .min(1, "clientId is required: the client_id of the Maskinporten client")
      // It becomes a path segment of every call: no "/", "?", "#", "%" or spaces.
      .regex(
        /^[A-Za-z0-9._:-]{1,200}$/,
        'clientId must be a client_id as Digdir gives it (letters, digits, ".", "_", ":" and "-"), such as a UUID: use the MaskinportenClient\'s clientId output',
      ),
    /** Bump to rotate the generated key: a new key is added, the old one is removed on the next up. */
    rotation: z
      .number()
      .int("rotation is a whole number: bump it by one to rotate the key")
      .min(0, "rotation starts at 0")
      .default(0),
    /** A new key is made when the current one expires within this many days. */
    renewBeforeDays: z
      .number()
      .int("renewBeforeDays is a whole number of days")
      .min(1, "renewBeforeDays must be between 1 and 180")
      .max(180, "renewBeforeDays must be between 1 and 180: keys live one year")
      .default(30),
    /** Bring your own key: its public JWK. Without it the provider generates the key pair. */
    publicJwk: publicJwkSchema.optional(),
  })
  .strict();

export type MaskinportenClientKeyInputs = z.output<typeof maskinportenClientKeyInputsSchema>;
export type MaskinportenClientKeyArgs = Inputs<z.input<typeof maskinportenClientKeyInputsSchema>>;

/** A key registered on the client, as this resource remembers it. */
export interface KeyRecord {
  kid: string;
  /** When Digdir stops accepting the key (ISO 8601), from the server's `exp`. */
  expiresAt?: string;
  publicJwk: RegisteredJwk;
}

export interface MaskinportenClientKeyOutputs extends MaskinportenClientKeyInputs {
  /** kid of the current key: what consumers put in their JWT grant header. */
  keyId: string;
  keyExpiresAt?: string;
  keyPublicJwk: RegisteredJwk;
  /** Keys kept for the overlap after a rotation or renewal; removed on the next up. */
  previousKeys: KeyRecord[];
  previousKeyIds: string[];
  /** kids registered on the client as last seen (refresh shows drift here). */
  registeredKeyIds: string[];
  /** The generated private key: PKCS#8 PEM and a private JWK (JSON). Secret outputs. */
  privateKeyPem?: string;
  privateJwk?: string;
}

/** One resource owns a client's whole key set, because every write replaces the set. */
export const MASKINPORTEN_CLIENT_KEY_REPLACE_ON = ["clientId"] as const;
export const MASKINPORTEN_CLIENT_KEY_SECRET_OUTPUTS = ["privateKeyPem", "privateJwk"];
