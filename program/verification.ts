import * as pulumi from "@pulumi/pulumi";
import type { MaskinportenClientKey } from "../providers/maskinporten-client-key";
import type { StackConfig } from "./config";

/**
 * The stack output `npm run verify` reads: which client key to send with, for which resource, to
 * which test recipient. The private key stays a secret output (encrypted in state, shown only with
 * `--show-secrets`).
 */
export function verificationOutput(
  config: StackConfig,
  keys: Array<{ name: string; key: MaskinportenClientKey }>,
): pulumi.Output<unknown> | undefined {
  const spec = config.verification;
  if (!spec) return undefined;
  const key = keys.find((k) => k.name === spec.client)?.key;
  if (!key) {
    throw new pulumi.RunError(
      `altinn-iac:verification.client: no Maskinporten client named "${spec.client}"; use one of ${keys.map((k) => k.name).join(", ") || "(none)"}`,
    );
  }
  if (!config.resources.some((r) => r.identifier === spec.resource)) {
    throw new pulumi.RunError(
      `altinn-iac:verification.resource: no resource "${spec.resource}" in altinn-iac:resources`,
    );
  }
  return pulumi.output({
    environment: config.environment,
    simulatorUrl: new pulumi.Config("altinn-iac").get("simulatorUrl"),
    orgCode: config.org.code,
    resourceId: spec.resource,
    clientId: key.clientId,
    keyId: key.keyId,
    privateKeyPem: pulumi.secret(key.privateKeyPem),
    recipient: spec.recipient,
  });
}
