/**
 * The altinn-iac program: one org's Correspondence setup in one environment, from the stack file
 * (Pulumi.<stack>.yaml). No HTTP and no XML here: the providers do the work.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "./program/config";
import { AccessList, accessListModeWarnings } from "./providers/access-list";
import { resourcePolicies } from "./program/resource-policies";
import { eventSubscriptions } from "./program/event-subscriptions";
import { AltinnResource, type AltinnResourceArgs } from "./providers/altinn-resource";
import { ResourceAccessListMode } from "./providers/resource-access-list-mode";
import { MaskinportenClient } from "./providers/maskinporten-client";
import {
  MaskinportenClientKey,
  type MaskinportenClientKeyArgs,
} from "./providers/maskinporten-client-key";

const config = loadStackConfig();

// A resource that enables access-list mode gets it only after its lists and connections exist
// (resource -> lists -> mode); enabling it earlier would deny every party in between.
const enablesAccessLists = (spec: { accessListMode?: string }) => spec.accessListMode === "Enabled";

const resources = config.resources.map(
  ({ policy: _policy, ...spec }) =>
    new AltinnResource(spec.identifier, {
      ...(spec as unknown as AltinnResourceArgs),
      hasCompetentAuthority: { organization: config.org.number, orgcode: config.org.code },
      ...(enablesAccessLists(spec)
        ? { accessListMode: undefined, accessListModeManagedSeparately: true }
        : {}),
    }),
);
const resourceNamed = new Map(config.resources.map((spec, i) => [spec.identifier, resources[i]!]));

const accessLists = config.accessLists.map(
  (spec) =>
    new AccessList(
      spec.identifier,
      {
        owner: config.org.code,
        identifier: spec.identifier,
        name: spec.name,
        description: spec.description,
        members: spec.members,
        resourceConnections: spec.resources.map((r) => ({
          resourceIdentifier: r.identifier,
          actionFilters: r.actionFilters,
        })),
        adopt: spec.adopt,
      },
      // A connection needs its resource to exist (400 RR-00002 otherwise).
      { dependsOn: spec.resources.flatMap((r) => resourceNamed.get(r.identifier) ?? []) },
    ),
);

config.resources.filter(enablesAccessLists).forEach((spec) => {
  const lists = accessLists.filter((_list, i) =>
    config.accessLists[i]!.resources.some((r) => r.identifier === spec.identifier),
  );
  new ResourceAccessListMode(
    `${spec.identifier}-access-list-mode`,
    { resourceIdentifier: spec.identifier, mode: "Enabled" },
    { dependsOn: [resourceNamed.get(spec.identifier)!, ...lists] },
  );
});

for (const warning of accessListModeWarnings({
  resources: config.resources,
  accessLists: config.accessLists.map((list) => ({
    identifier: list.identifier,
    members: list.members,
    resourceConnections: list.resources.map((r) => ({ resourceIdentifier: r.identifier })),
  })),
})) {
  void pulumi.log.warn(warning);
}

const policies = resourcePolicies(config, resources);

export const environment = config.environment;
export const resourceIds = resources.map((r) => r.identifier);
export const resourceUrls = resources.map((r) => r.resourceUrl);
export const accessListUrns = accessLists.map((l) => l.accessListUrn);

const managedClients = config.maskinportenClients.map((spec) => {
  const client = new MaskinportenClient(spec.name, {
    clientName: spec.clientName,
    description: spec.description,
    scopes: spec.scopes,
    ...(spec.accessTokenLifetime !== undefined
      ? { accessTokenLifetime: spec.accessTokenLifetime }
      : {}),
  });
  const key = new MaskinportenClientKey(`${spec.name}-key`, {
    ...(spec.key as Omit<MaskinportenClientKeyArgs, "clientId">),
    clientId: client.clientId,
  });
  return { name: spec.name, key };
});
const keysOfOtherClients = config.maskinportenClientKeys.map(({ name, ...spec }) => ({
  name,
  key: new MaskinportenClientKey(`${name}-key`, spec as MaskinportenClientKeyArgs),
}));

/** Per client: its client_id, the current key's kid and expiry (private keys stay in state). */
export const maskinportenClients = Object.fromEntries(
  [...managedClients, ...keysOfOtherClients].map(({ name, key }) => [
    name,
    {
      clientId: key.clientId,
      keyId: key.keyId,
      keyExpiresAt: key.keyExpiresAt,
      previousKeyIds: key.previousKeyIds,
    },
  ]),
);

// Event subscriptions: each after its resource and policy; preview fails when a declared policy
// does not let the org subscribe.
const policyNamed = new Map(
  config.resources.filter((spec) => spec.policy).map((spec, i) => [spec.identifier, policies[i]!]),
);
const declaredSubscriptions = eventSubscriptions(config, resourceNamed, policyNamed);

/** Per subscription: the id Events gave it and whether its endpoint has been validated. */
export const subscriptions = Object.fromEntries(
  declaredSubscriptions.map(({ name, subscription }) => [
    name,
    { id: subscription.subscriptionId, validated: subscription.validated },
  ]),
);
