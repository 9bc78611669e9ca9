import * as pulumi from "@pulumi/pulumi";
import type { AccessList } from "../providers/access-list";
import type { AltinnResource } from "../providers/altinn-resource";
import type { EventSubscription } from "../providers/event-subscription";
import { isProduction } from "../providers/lib/environments";
import type { Wiring } from "../providers/lib/object-kind";
import type { MaskinportenClientKey } from "../providers/maskinporten-client-key";
import { objectKinds, type ProviderKind } from "../providers/object-kinds";
import type { ResourcePolicy } from "../providers/resource-policy";
import type { ServiceOwnerPreflight } from "../providers/service-owner-preflight";
import { configWarnings, type StackConfig } from "./config";
import { collection } from "./config-schema";
import { PROGRAM_WIRING, type ClientOutputs, type SetupObjects } from "./setup-wiring";

export { provisioningScopes, type ClientOutputs } from "./setup-wiring";

/**
 * One org's Correspondence setup in one environment, wired in the order Altinn needs:
 *
 *   preflight -> resource -> policy -> access lists and connections -> accessListMode
 *                         policy -> Events subscriptions (Events asks the policy) -> accessListMode
 *   preflight -> Maskinporten client -> keys
 *   everything -> verification (when `verification.runOnUp`)
 *
 * A resource is created before its policy (the upload answers 400 "Unknown resource" otherwise),
 * lists after their resources (a connection to a missing resource is 400 RR-00002), and access-list
 * mode only after the lists exist (enabling it earlier denies every party in between).
 *
 * The object kinds are registered in the registry's order (providers/object-kinds.ts): a kind
 * whose objects follow from other kinds' entries is wired here (program/setup-wiring.ts), the
 * others by their own stack collection.
 *
 * In production every object is protected by default, and Resource Registry resources are retained
 * on destroy (the API forbids deleting them there).
 */
export interface ServiceOwnerSetupArgs {
  /** The validated stack config (program/config.ts `loadStackConfig`). */
  config: StackConfig;
  /**
   * The remote objects of the previous deployment, as the plan guards read them
   * (program/plan-guards.ts `guardPlan`); some warnings apply only to what this up makes anew.
   */
  deployed?: ReadonlySet<string>;
}

export class ServiceOwnerSetup extends pulumi.ComponentResource implements SetupObjects {
  // Maps, not objects: a name is data, never a property (see docs/security.md, hostile input).
  /** Every object registered, by kind and name. */
  readonly objects = new Map<string, Map<string, pulumi.CustomResource>>();
  readonly clients = new Map<string, ClientOutputs>();
  preflight?: ServiceOwnerPreflight;

  get resources(): ReadonlyMap<string, AltinnResource> {
    return this.named("AltinnResource");
  }
  get policies(): ReadonlyMap<string, ResourcePolicy> {
    return this.named("ResourcePolicy");
  }
  get accessLists(): ReadonlyMap<string, AccessList> {
    return this.named("AccessList");
  }
  get subscriptions(): ReadonlyMap<string, EventSubscription> {
    return this.named("EventSubscription");
  }
  /** The key set of each client, by client name. */
  get keys(): ReadonlyMap<string, MaskinportenClientKey> {
    return this.named("MaskinportenClientKey");
  }

  private named<T extends pulumi.CustomResource>(kind: ProviderKind): ReadonlyMap<string, T> {
    return (this.objects.get(kind) ?? new Map()) as ReadonlyMap<string, T>;
  }

  constructor(name: string, args: ServiceOwnerSetupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("altinn-iac:index:ServiceOwnerSetup", name, {}, opts);
    const { config } = args;
    const production = isProduction(config.environment);
    const protect = config.protect ?? production;
    const wiring: Wiring = {
      org: config.org,
      production,
      // An accepted replace (altinn-iac:acceptChanges) needs the object unprotected for that up.
      options: (name, aliases = []) => ({
        parent: this,
        protect:
          protect && !config.acceptChanges.some((a) => a.object === name && a.change === "replace"),
        ...(aliases.length > 0 ? { aliases: aliases.map((alias) => ({ name: alias })) } : {}),
      }),
      after: (kind, names = []) => [
        ...(this.preflight ? [this.preflight] : []),
        ...names.flatMap((n) => (kind && this.objects.get(kind)?.get(n)) || []),
      ],
    };

    for (const warning of configWarnings(config)) void pulumi.log.warn(warning, this);

    for (const kind of objectKinds()) {
      const wire = PROGRAM_WIRING[kind.kind];
      if (wire) {
        wire({ setup: this, config, wiring, deployed: args.deployed });
      } else if (kind.stack?.register) {
        const { stack } = kind;
        for (const entry of collection(config, stack.key)) {
          this.record(kind.kind, stack.name(entry), stack.register!(entry, wiring));
        }
      }
    }
    this.registerOutputs({});
  }

  /** Keeps an object registered by a kind's wiring, for the objects that wait for it. */
  record(kind: string, name: string, object: pulumi.CustomResource): void {
    let named = this.objects.get(kind);
    if (!named) this.objects.set(kind, (named = new Map()));
    named.set(name, object);
  }
}
