import * as pulumi from "@pulumi/pulumi";
import type { Endpoints, EnvironmentName } from "./lib/environments";
import type { RetryPolicy } from "./lib/http";
import { CONFIG_KEYS } from "./lib/settings";

/** A Maskinporten client the providers sign their token requests with. */
export interface MaskinportenSigner {
  clientId: pulumi.Input<string>;
  /** The `kid` of the key registered on the client (without it, the JWT names no key). */
  keyId?: pulumi.Input<string>;
  /** PEM or JWK private key: stored as a secret, whether or not it is given as one. */
  privateKey: pulumi.Input<string>;
}

/** The Digdir self-service admin client (needed only for Maskinporten clients and keys). */
export interface SelfServiceSigner {
  clientId: pulumi.Input<string>;
  /** `kid` of a key registered on the admin client, instead of the certificate chain. */
  keyId?: pulumi.Input<string>;
  /** PEM chain for `x5c`: the business certificate (virksomhetssertifikat) and its issuers. */
  certificate?: pulumi.Input<string>;
  /** PEM or JWK private key: stored as a secret, whether or not it is given as one. */
  privateKey?: pulumi.Input<string>;
  /** The admin client's `idporten:dcr.*` scopes (default: idporten:dcr.read idporten:dcr.write). */
  scopes?: pulumi.Input<string[]>;
}

/**
 * How the altinn-iac resources reach Altinn and Digdir, the same settings a stack of this
 * repository gives under `altinn-iac:` (README, Configuration).
 *
 * @example
 * const altinnTest = new AltinnConnection("altinn-test", {
 *   environment: "test",
 *   maskinporten: { clientId: "…", keyId: "…", privateKey: config.requireSecret("altinnKey") },
 * });
 * new ServiceOwnerSetup("digdir", { config: setup }, { providers: [altinnTest] });
 * new AltinnResource("my-resource", { … }, { provider: altinnTest });
 */
export interface AltinnConnectionArgs {
  /** `local` (the simulator), `test` (tt02 and Maskinporten test) or `prod`: never assumed. */
  environment: pulumi.Input<EnvironmentName>;
  /** The simulator's origin, for `local` (default http://127.0.0.1:5055). */
  simulatorUrl?: pulumi.Input<string>;
  /** Endpoints that differ from the environment's, such as `{ platform: "https://…" }`. */
  endpoints?: pulumi.Input<Partial<Endpoints>>;
  /** The provisioning client (Altinn scopes). */
  maskinporten?: MaskinportenSigner;
  selfService?: SelfServiceSigner;
  /** Retries and the per-attempt time-out of every call. */
  http?: pulumi.Input<Partial<RetryPolicy>>;
}

/**
 * An explicit provider of the altinn-iac resources (whose dynamic providers belong to Pulumi's
 * `pulumi-nodejs` package), configured with `args` instead of the stack's `altinn-iac:` keys.
 * Pass it as `provider` to a resource or in `providers` to a ServiceOwnerSetup. Its settings are
 * its inputs, stored once in state with the private keys encrypted; the engine hands them to the
 * providers' `configure`, as it hands the stack config to the default provider.
 */
export class AltinnConnection extends pulumi.ProviderResource {
  constructor(name: string, args: AltinnConnectionArgs, opts?: pulumi.ResourceOptions) {
    super("pulumi-nodejs", name, connectionConfig(args), opts);
  }
}

/** The connection as `altinn-iac:<key>` config values, as a stack file would give them. */
export function connectionConfig(args: AltinnConnectionArgs): pulumi.Inputs {
  const json = (value: pulumi.Input<unknown> | undefined) =>
    value === undefined ? undefined : pulumi.output(value).apply((v) => JSON.stringify(v));
  const secret = (value: pulumi.Input<string> | undefined) =>
    value === undefined ? undefined : pulumi.secret(value);
  const scopes = args.selfService?.scopes;
  const values: Record<string, pulumi.Input<string> | undefined> = {
    [CONFIG_KEYS.environment]: args.environment,
    [CONFIG_KEYS.simulatorUrl]: args.simulatorUrl,
    [CONFIG_KEYS.endpoints]: json(args.endpoints),
    [CONFIG_KEYS.clientId]: args.maskinporten?.clientId,
    [CONFIG_KEYS.keyId]: args.maskinporten?.keyId,
    [CONFIG_KEYS.privateKey]: secret(args.maskinporten?.privateKey),
    [CONFIG_KEYS.selfServiceClientId]: args.selfService?.clientId,
    [CONFIG_KEYS.selfServiceKeyId]: args.selfService?.keyId,
    [CONFIG_KEYS.selfServiceCertificate]: args.selfService?.certificate,
    [CONFIG_KEYS.selfServicePrivateKey]: secret(args.selfService?.privateKey),
    [CONFIG_KEYS.selfServiceScopes]:
      scopes === undefined ? undefined : pulumi.output(scopes).apply((s) => s.join(" ")),
    [CONFIG_KEYS.http]: json(args.http),
  };
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [`altinn-iac:${key}`, value]),
  );
}
