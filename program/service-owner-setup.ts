import * as pulumi from "@pulumi/pulumi";
import { AccessList, accessListModeWarnings } from "../providers/access-list";
import { AltinnResource, type AltinnResourceArgs } from "../providers/altinn-resource";
import { ACCESS_LIST_SCOPES } from "../providers/api/access-lists";
import { EVENTS_SCOPES } from "../providers/api/events";
import { RESOURCE_WRITE_SCOPES } from "../providers/api/resource-registry";
import { MaskinportenClient } from "../providers/maskinporten-client";
import {
  MaskinportenClientKey,
  type MaskinportenClientKeyArgs,
} from "../providers/maskinporten-client-key";
import { ResourceAccessListMode } from "../providers/resource-access-list-mode";
import { type ResourcePolicy } from "../providers/resource-policy";
import { ServiceOwnerPreflight } from "../providers/service-owner-preflight";
import {
  CorrespondenceVerification,
  verificationTrigger,
} from "../providers/correspondence-verification";
import { accessListArgs, configWarnings, type StackConfig } from "./config";
import { objectName } from "./declared-objects";
import { eventSubscriptions, subscriptionAccessListWarnings } from "./event-subscriptions";
import { resourcePolicies } from "./resource-policies";
import type { EventSubscription } from "../providers/event-subscription";
import { isProduction } from "../providers/lib/environments";

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

export interface ClientOutputs {
  clientId: pulumi.Output<string>;
  keyId: pulumi.Output<string>;
  keyExpiresAt: pulumi.Output<string | undefined>;
  previousKeyIds: pulumi.Output<string[]>;
}

export class ServiceOwnerSetup extends pulumi.ComponentResource {
  // Maps, not objects: a name is data, never a property (see docs/security.md, hostile input).
  readonly resources = new Map<string, AltinnResource>();
  readonly policies: Map<string, ResourcePolicy>;
  readonly accessLists = new Map<string, AccessList>();
  readonly clients = new Map<string, ClientOutputs>();
  readonly subscriptions = new Map<string, EventSubscription>();
  /** The key set of each client, by client name. */
  readonly keys = new Map<string, MaskinportenClientKey>();
  readonly preflight?: ServiceOwnerPreflight;

  constructor(name: string, args: ServiceOwnerSetupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("altinn-iac:index:ServiceOwnerSetup", name, {}, opts);
    const { config } = args;
    const production = isProduction(config.environment);
    const protect = config.protect ?? production;
    const child: pulumi.CustomResourceOptions = { parent: this, protect };
    // An accepted replace (altinn-iac:acceptChanges) needs the object unprotected for that up.
    const childNamed = (name: string, aliases: string[] = []): pulumi.CustomResourceOptions => ({
      ...child,
      protect:
        protect && !config.acceptChanges.some((a) => a.object === name && a.change === "replace"),
      ...(aliases.length > 0 ? { aliases: aliases.map((alias) => ({ name: alias })) } : {}),
    });

    for (const warning of configWarnings(config)) void pulumi.log.warn(warning, this);

    if (config.preflight) {
      this.preflight = new ServiceOwnerPreflight(
        objectName.preflight(config.org.code),
        {
          orgCode: config.org.code,
          orgNumber: config.org.number,
          scopes: provisioningScopes(config),
          selfService: config.maskinportenClients.length > 0,
        },
        { parent: this },
      );
    }
    const afterPreflight = this.preflight ? [this.preflight] : [];

    const enablesAccessLists = (spec: { accessListMode?: string }) =>
      spec.accessListMode === "Enabled";
    const resources = config.resources.map(({ policy: _policy, ...spec }) => {
      const resource = new AltinnResource(
        spec.identifier,
        {
          ...(spec as unknown as AltinnResourceArgs),
          hasCompetentAuthority: { organization: config.org.number, orgcode: config.org.code },
          ...(enablesAccessLists(spec)
            ? { accessListMode: undefined, accessListModeManagedSeparately: true }
            : {}),
        },
        { ...childNamed(spec.identifier), dependsOn: afterPreflight, retainOnDelete: production },
      );
      this.resources.set(spec.identifier, resource);
      return resource;
    });

    this.policies = resourcePolicies(config, resources, childNamed);

    const lists = config.accessLists.map((spec) => {
      const list = new AccessList(spec.identifier, accessListArgs(spec, config.org.code), {
        ...childNamed(spec.identifier),
        dependsOn: [
          ...afterPreflight,
          ...spec.resources.flatMap((r) => this.resources.get(r.identifier) ?? []),
        ],
      });
      this.accessLists.set(spec.identifier, list);
      return list;
    });

    for (const { name: subscriptionName, subscription } of eventSubscriptions(
      config,
      this.resources,
      this.policies,
      childNamed,
    )) {
      this.subscriptions.set(subscriptionName, subscription);
    }

    const modes = config.resources.filter(enablesAccessLists).map((spec) => {
      const connected = lists.filter((_list, i) =>
        config.accessLists[i]!.resources.some((r) => r.identifier === spec.identifier),
      );
      // Events refuses an owner subscription without subjectFilter once the mode is on (no party
      // for the PDP's list check), so the resource's subscriptions are made first.
      const subscriptions = config.subscriptions
        .filter((s) => s.resource === spec.identifier)
        .map((s) => this.subscriptions.get(s.name)!);
      return new ResourceAccessListMode(
        objectName.accessListMode(spec.identifier),
        { resourceIdentifier: spec.identifier, mode: "Enabled" },
        {
          ...childNamed(objectName.accessListMode(spec.identifier)),
          dependsOn: [this.resources.get(spec.identifier)!, ...connected, ...subscriptions],
        },
      );
    });
    for (const warning of subscriptionAccessListWarnings(config, args.deployed)) {
      void pulumi.log.warn(warning, this);
    }
    for (const warning of accessListModeWarnings({
      resources: config.resources,
      accessLists: config.accessLists.map((list) => ({
        identifier: list.identifier,
        members: list.members,
        resourceConnections: list.resources.map((r) => ({ resourceIdentifier: r.identifier })),
      })),
    })) {
      void pulumi.log.warn(warning, this);
    }

    for (const spec of config.maskinportenClients) {
      const client = new MaskinportenClient(
        spec.name,
        {
          clientName: spec.clientName,
          description: spec.description,
          scopes: spec.scopes,
          ...(spec.accessTokenLifetime !== undefined
            ? { accessTokenLifetime: spec.accessTokenLifetime }
            : {}),
          ...(spec.clientId !== undefined ? { clientId: spec.clientId } : {}),
        },
        { ...childNamed(spec.name, spec.aliases), dependsOn: afterPreflight },
      );
      const keyName = objectName.clientKey(spec.name);
      const key = new MaskinportenClientKey(
        keyName,
        { ...(spec.key as Omit<MaskinportenClientKeyArgs, "clientId">), clientId: client.clientId },
        childNamed(keyName, (spec.aliases ?? []).map(objectName.clientKey)),
      );
      this.keys.set(spec.name, key);
      this.clients.set(spec.name, clientOutputs(key));
    }
    for (const { name: clientName, aliases, ...spec } of config.maskinportenClientKeys) {
      const keyName = objectName.clientKey(clientName);
      const key = new MaskinportenClientKey(keyName, spec as MaskinportenClientKeyArgs, {
        ...childNamed(keyName, (aliases ?? []).map(objectName.clientKey)),
        dependsOn: afterPreflight,
      });
      this.keys.set(clientName, key);
      this.clients.set(clientName, clientOutputs(key));
    }

    const verification = config.verification;
    if (verification?.runOnUp) {
      const key = this.keys.get(verification.client);
      const spec = config.resources.find((r) => r.identifier === verification.resource);
      if (key && spec) {
        new CorrespondenceVerification(
          objectName.verification(verification.resource),
          {
            orgCode: config.org.code,
            resourceId: verification.resource,
            clientId: key.clientId,
            keyId: key.keyId,
            privateKeyPem: key.privateKeyPem.apply((pem) => pem ?? ""),
            recipient: verification.recipient,
            // The declared content of what the message passes through: a change sends again.
            triggers: [
              verificationTrigger(`resource ${spec.identifier}`, spec),
              verificationTrigger(
                `client ${verification.client}`,
                config.maskinportenClients.find((c) => c.name === verification.client) ?? {},
              ),
            ],
            allowProd: verification.allowProd,
            eventsWaitSeconds: verification.eventsWaitSeconds,
          },
          {
            parent: this,
            dependsOn: [
              ...this.resources.values(),
              ...this.policies.values(),
              ...this.accessLists.values(),
              ...modes,
              ...this.keys.values(),
              ...this.subscriptions.values(),
            ],
          },
        );
      }
    }

    this.registerOutputs({});
  }
}

function clientOutputs(key: MaskinportenClientKey): ClientOutputs {
  return {
    clientId: key.clientId,
    keyId: key.keyId,
    keyExpiresAt: key.keyExpiresAt,
    previousKeyIds: key.previousKeyIds,
  };
}

/** The scopes the provisioning client needs for what the stack declares. */
export function provisioningScopes(config: StackConfig): string[] {
  const scopes = new Set<string>();
  if (config.resources.length > 0) RESOURCE_WRITE_SCOPES.forEach((s) => scopes.add(s));
  if (
    config.accessLists.length > 0 ||
    config.resources.some((r) => r.accessListMode === "Enabled")
  ) {
    ACCESS_LIST_SCOPES.forEach((s) => scopes.add(s));
  }
  if (config.subscriptions.length > 0) EVENTS_SCOPES.forEach((s) => scopes.add(s));
  return [...scopes].sort();
}
