import * as pulumi from "@pulumi/pulumi";
import { accessListModeWarnings, type AccessList } from "../providers/access-list";
import type { AltinnResource } from "../providers/altinn-resource";
import { ACCESS_LIST_SCOPES } from "../providers/api/access-lists";
import { EVENTS_SCOPES } from "../providers/api/events";
import { RESOURCE_WRITE_SCOPES } from "../providers/api/resource-registry";
import {
  CorrespondenceVerification,
  verificationTrigger,
} from "../providers/correspondence-verification";
import type { Wiring } from "../providers/lib/object-kind";
import { MaskinportenClient } from "../providers/maskinporten-client";
import {
  MaskinportenClientKey,
  type MaskinportenClientKeyArgs,
} from "../providers/maskinporten-client-key";
import type { EventSubscription } from "../providers/event-subscription";
import type { ProviderKind } from "../providers/object-kinds";
import { ResourceAccessListMode } from "../providers/resource-access-list-mode";
import type { ResourcePolicy } from "../providers/resource-policy";
import { ServiceOwnerPreflight } from "../providers/service-owner-preflight";
import type { StackConfig } from "./config";
import { objectName } from "./declared-objects";
import { eventSubscriptions, subscriptionAccessListWarnings } from "./event-subscriptions";
import { resourcePolicies } from "./resource-policies";

/**
 * The wiring of the kinds whose objects follow from other kinds' entries (a resource's policy and
 * access-list mode, a client's keys, the verification) or wait for them in Altinn's order. Every
 * other kind is wired by its own stack collection (providers/lib/object-kind.ts).
 */
/** What the component holds while its kinds are wired: every object by kind and name. */
export interface SetupObjects extends pulumi.ComponentResource {
  readonly objects: Map<string, Map<string, pulumi.CustomResource>>;
  readonly clients: Map<string, ClientOutputs>;
  preflight?: ServiceOwnerPreflight;
  readonly resources: ReadonlyMap<string, AltinnResource>;
  readonly policies: ReadonlyMap<string, ResourcePolicy>;
  readonly accessLists: ReadonlyMap<string, AccessList>;
  readonly subscriptions: ReadonlyMap<string, EventSubscription>;
  readonly keys: ReadonlyMap<string, MaskinportenClientKey>;
  record(kind: string, name: string, object: pulumi.CustomResource): void;
}

export interface SetupStep {
  setup: SetupObjects;
  config: StackConfig;
  wiring: Wiring;
  deployed?: ReadonlySet<string>;
}

export interface ClientOutputs {
  clientId: pulumi.Output<string>;
  keyId: pulumi.Output<string>;
  keyExpiresAt: pulumi.Output<string | undefined>;
  previousKeyIds: pulumi.Output<string[]>;
}

export const PROGRAM_WIRING: Partial<Record<ProviderKind | string, (step: SetupStep) => void>> = {
  ServiceOwnerPreflight: ({ setup, config }) => {
    if (!config.preflight) return;
    setup.preflight = new ServiceOwnerPreflight(
      objectName.preflight(config.org.code),
      {
        orgCode: config.org.code,
        orgNumber: config.org.number,
        scopes: provisioningScopes(config),
        selfService: config.maskinportenClients.length > 0,
      },
      { parent: setup },
    );
  },

  ResourcePolicy: ({ setup, config, wiring }) => {
    const resources = config.resources.map((spec) => setup.resources.get(spec.identifier)!);
    for (const [id, policy] of resourcePolicies(config, resources, wiring.options)) {
      setup.record("ResourcePolicy", id, policy);
    }
  },

  EventSubscription: ({ setup, config, wiring }) => {
    for (const { name, subscription } of eventSubscriptions(
      config,
      setup.resources,
      setup.policies,
      wiring.options,
    )) {
      setup.record("EventSubscription", name, subscription);
    }
  },

  ResourceAccessListMode: ({ setup, config, wiring, deployed }) => {
    for (const spec of config.resources.filter((r) => r.accessListMode === "Enabled")) {
      const name = objectName.accessListMode(spec.identifier);
      const connected = config.accessLists
        .filter((list) => list.resources.some((r) => r.identifier === spec.identifier))
        .map((list) => setup.accessLists.get(list.identifier)!);
      // Events refuses an owner subscription without subjectFilter once the mode is on (no party
      // for the PDP's list check), so the resource's subscriptions are made first.
      const subscriptions = config.subscriptions
        .filter((s) => s.resource === spec.identifier)
        .map((s) => setup.subscriptions.get(s.name)!);
      const mode = new ResourceAccessListMode(
        name,
        { resourceIdentifier: spec.identifier, mode: "Enabled" },
        {
          ...wiring.options(name),
          dependsOn: [setup.resources.get(spec.identifier)!, ...connected, ...subscriptions],
        },
      );
      setup.record("ResourceAccessListMode", name, mode);
    }
    const warnings = [
      ...subscriptionAccessListWarnings(config, deployed),
      ...accessListModeWarnings(config),
    ];
    for (const warning of warnings) void pulumi.log.warn(warning, setup);
  },

  MaskinportenClient: ({ setup, config, wiring }) => {
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
        { ...wiring.options(spec.name, spec.aliases), dependsOn: wiring.after() },
      );
      setup.record("MaskinportenClient", spec.name, client);
      const keyName = objectName.clientKey(spec.name);
      const key = new MaskinportenClientKey(
        keyName,
        { ...(spec.key as Omit<MaskinportenClientKeyArgs, "clientId">), clientId: client.clientId },
        wiring.options(keyName, (spec.aliases ?? []).map(objectName.clientKey)),
      );
      addKey(setup, spec.name, key);
    }
  },

  MaskinportenClientKey: ({ setup, config, wiring }) => {
    for (const { name: clientName, aliases, ...spec } of config.maskinportenClientKeys) {
      const keyName = objectName.clientKey(clientName);
      const key = new MaskinportenClientKey(keyName, spec as MaskinportenClientKeyArgs, {
        ...wiring.options(keyName, (aliases ?? []).map(objectName.clientKey)),
        dependsOn: wiring.after(),
      });
      addKey(setup, clientName, key);
    }
  },

  CorrespondenceVerification: ({ setup, config }) => {
    const verification = config.verification;
    if (!verification?.runOnUp) return;
    const key = setup.keys.get(verification.client);
    const spec = config.resources.find((r) => r.identifier === verification.resource);
    if (!key || !spec) return;
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
        parent: setup,
        dependsOn: VERIFIED_KINDS.flatMap((kind) => [...(setup.objects.get(kind)?.values() ?? [])]),
      },
    );
  },
};

/** What the test message passes through, so the verification runs after all of it. */
const VERIFIED_KINDS: ProviderKind[] = [
  "AltinnResource",
  "ResourcePolicy",
  "AccessList",
  "ResourceAccessListMode",
  "MaskinportenClientKey",
  "EventSubscription",
];

function addKey(setup: SetupObjects, clientName: string, key: MaskinportenClientKey): void {
  setup.record("MaskinportenClientKey", clientName, key);
  setup.clients.set(clientName, {
    clientId: key.clientId,
    keyId: key.keyId,
    keyExpiresAt: key.keyExpiresAt,
    previousKeyIds: key.previousKeyIds,
  });
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
