/**
 * What `import * as altinn from "altinn-iac"` gives a Pulumi program of your own: the component
 * that wires one org's whole setup, each resource on its own, and the policy builder. The
 * dynamic providers behind the resources run from this package's compiled code wherever it is
 * installed (providers/lib/shell.ts).
 */
import type { z } from "zod";
import { loadStackConfig, type stackConfigSchema, type StackConfig } from "./config";

export { ServiceOwnerSetup, type ServiceOwnerSetupArgs } from "./service-owner-setup";
export { type StackConfig };
export {
  AltinnConnection,
  type AltinnConnectionArgs,
  type MaskinportenSigner,
  type SelfServiceSigner,
} from "../providers/altinn-connection";
export { AccessList, type AccessListArgs } from "../providers/access-list";
export { AltinnResource, type AltinnResourceArgs } from "../providers/altinn-resource";
export {
  CorrespondenceVerification,
  verificationTrigger,
} from "../providers/correspondence-verification";
export { EventSubscription, type EventSubscriptionArgs } from "../providers/event-subscription";
export { MaskinportenClient, type MaskinportenClientArgs } from "../providers/maskinporten-client";
export {
  MaskinportenClientKey,
  type MaskinportenClientKeyArgs,
} from "../providers/maskinporten-client-key";
export {
  ResourceAccessListMode,
  type ResourceAccessListModeArgs,
} from "../providers/resource-access-list-mode";
export { ResourcePolicy, type ResourcePolicyArgs } from "../providers/resource-policy";
export { ServiceOwnerPreflight, type PreflightArgs } from "../providers/service-owner-preflight";
export { buildPolicyXml } from "../policies/build";
export { lintPolicy, lintPolicyXml } from "../policies/lint";
export { correspondencePolicy, type CorrespondenceTemplate } from "../policies/templates";

/** One org's setup as a stack file's `altinn-iac:` keys hold it (README, One org per stack file). */
export type ServiceOwnerSetupConfig = z.input<typeof stackConfigSchema>;

/**
 * The setup checked as a stack file is: every problem named by its key path, at preview, before
 * any remote call. `altinn-iac:include` paths are read from the Pulumi project's directory.
 */
export function serviceOwnerConfig(setup: ServiceOwnerSetupConfig): StackConfig {
  const asStackConfig = Object.fromEntries(
    Object.entries(setup).map(([key, value]) => [`altinn-iac:${key}`, JSON.stringify(value)]),
  );
  return loadStackConfig(asStackConfig, process.cwd(), () => false);
}
