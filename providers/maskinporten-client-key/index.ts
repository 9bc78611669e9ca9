/**
 * MaskinportenClientKey: the key set (JWKS) of one Maskinporten client, through Digdir's
 * self-service API (docs/altinn-apis.md section 6; providers/api/self-service/).
 *
 * | step    | HTTP                                                                          |
 * |---------|-------------------------------------------------------------------------------|
 * | check   | GET /clients/{id}/jwks for a new resource: the client exists and has room     |
 * | create  | GET /clients/{id}/jwks, then POST /clients/{id}/jwks with the new key added;  |
 * |         | none when the brought key is already the client's only key (adoption)         |
 * | read    | GET /clients/{id}/jwks; a 404 (client gone) -> gone                            |
 * | update  | POST /clients/{id}/jwks with the whole set this resource wants               |
 * | delete  | POST the set without this resource's keys, or DELETE /clients/{id}/jwks      |
 *
 * id: the client_id: one MaskinportenClientKey owns a client's whole key set, because every write
 * replaces the set. Replaced when `clientId` changes.
 *
 * The key: an RSA 2048 key pair made here with jose (the private key is a secret output, never in
 * plaintext state), or the public JWK the user brings (`publicJwk`). Every key gets a UUID `kid`,
 * as Digdir asks (a kid is unique across all its customers).
 *
 * Rotation with overlap: bumping `rotation` (or bringing a new `publicJwk`) makes a new current
 * key and keeps the old one registered, so running consumers keep getting tokens while they
 * switch; the next `pulumi up` removes the old key (any update ends an overlap that began in an
 * earlier one). Renewal: Digdir expires a key one year after it was posted. When the current key
 * expires within `renewBeforeDays`, `up` makes a new key the same way (a re-post is not documented
 * to renew a key, a new key works whatever Digdir does). A brought key cannot be renewed here: the
 * provider warns to bring a new one. The clock is `ctx.now()`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { RegisteredJwk } from "../api/self-service";
import type { ObjectKind } from "../lib/object-kind";
import { runtimeProvider } from "../lib/shell";
import { keyLifecycle, maskinportenClientKeyImplementation } from "./provider";
import { MASKINPORTEN_CLIENT_KEY_SECRET_OUTPUTS, type MaskinportenClientKeyArgs } from "./schema";

export { maskinportenClientKeyImplementation } from "./provider";
export { expectedKeyIds, keyChange, renewalDue } from "./rules";
export type {
  MaskinportenClientKeyArgs,
  MaskinportenClientKeyInputs,
  MaskinportenClientKeyOutputs,
} from "./schema";

/**
 * The key set of a Maskinporten client: a generated RSA key (or one you bring), rotated with
 * overlap and renewed before Digdir's one-year expiry.
 *
 * ```ts
 * const key = new MaskinportenClientKey("sender-key", { clientId: client.clientId, rotation: 1 });
 * export const keyId = key.keyId;
 * export const privateKey = key.privateKeyPem; // a secret
 * ```
 */
export class MaskinportenClientKey extends pulumi.dynamic.Resource {
  declare readonly clientId: pulumi.Output<string>;
  declare readonly keyId: pulumi.Output<string>;
  declare readonly keyExpiresAt: pulumi.Output<string | undefined>;
  declare readonly keyPublicJwk: pulumi.Output<RegisteredJwk>;
  declare readonly previousKeyIds: pulumi.Output<string[]>;
  declare readonly registeredKeyIds: pulumi.Output<string[]>;
  declare readonly privateKeyPem: pulumi.Output<string | undefined>;
  declare readonly privateJwk: pulumi.Output<string | undefined>;

  constructor(name: string, args: MaskinportenClientKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      maskinportenClientKeyProvider,
      name,
      {
        ...args,
        keyId: undefined,
        keyExpiresAt: undefined,
        keyPublicJwk: undefined,
        previousKeys: undefined,
        previousKeyIds: undefined,
        registeredKeyIds: undefined,
        privateKeyPem: undefined,
        privateJwk: undefined,
      },
      {
        ...opts,
        // Pulumi keeps a provider-made value secret only when told so; the private key is one.
        additionalSecretOutputs: [
          ...(opts?.additionalSecretOutputs ?? []),
          ...MASKINPORTEN_CLIENT_KEY_SECRET_OUTPUTS,
        ],
      },
      "altinn",
      "MaskinportenClientKey",
    );
  }
}

const maskinportenClientKeyProvider = runtimeProvider("MaskinportenClientKey");

export const maskinportenClientKeyKind = {
  kind: "MaskinportenClientKey",
  implementation: maskinportenClientKeyImplementation,
  lifecycle: keyLifecycle,
} as const satisfies ObjectKind;
