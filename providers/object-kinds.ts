/**
 * The registry of object kinds: every remote object type altinn-iac manages, one line each. The
 * provider runtime finds implementations here, the stack-file schema and included files their
 * collections, ServiceOwnerSetup its wiring and export its mapping (docs/architecture.md, "Adding
 * an object type"). The order is the order objects are registered in.
 */
import { accessListKind } from "./access-list";
import { altinnResourceKind } from "./altinn-resource";
import { correspondenceVerificationKind } from "./correspondence-verification";
import { eventSubscriptionKind } from "./event-subscription";
import type { ObjectKind } from "./lib/object-kind";
import { maskinportenClientKind } from "./maskinporten-client";
import { maskinportenClientKeyKind } from "./maskinporten-client-key";
import { resourceAccessListModeKind } from "./resource-access-list-mode";
import { resourcePolicyKind } from "./resource-policy";
import { serviceOwnerPreflightKind } from "./service-owner-preflight";

const BUILT_IN = [
  serviceOwnerPreflightKind,
  altinnResourceKind,
  resourcePolicyKind,
  accessListKind,
  eventSubscriptionKind,
  resourceAccessListModeKind,
  maskinportenClientKind,
  maskinportenClientKeyKind,
  correspondenceVerificationKind,
] as const satisfies readonly ObjectKind[];

/** The dynamic resource types altinn-iac registers (`pulumi-nodejs:dynamic/altinn:<kind>`). */
export type ProviderKind = (typeof BUILT_IN)[number]["kind"];

const registered = new Map<string, ObjectKind>(BUILT_IN.map((kind) => [kind.kind, kind]));

/**
 * Adds a kind after the built-in ones: for a kind that lives outside this repository's registry
 * (a test's own kind). A name is registered once.
 */
export function registerObjectKind(kind: ObjectKind): void {
  const earlier = registered.get(kind.kind);
  if (earlier && earlier !== kind) throw new Error(`altinn-iac: object kind ${kind.kind} is taken`);
  registered.set(kind.kind, kind);
}

/** The kind registered under `name`. */
export function objectKind(name: string): ObjectKind | undefined {
  return registered.get(name);
}

/** Every registered kind, in registration order. */
export function objectKinds(): ObjectKind[] {
  return [...registered.values()];
}
