import { samePolicy } from "../policies/normalize";
import { parsePolicy } from "../policies/parse";
import * as accessLists from "../providers/api/access-lists";
import * as events from "../providers/api/events";
import * as registry from "../providers/api/resource-registry";
import * as selfService from "../providers/api/self-service";
import type { ProviderContext } from "../providers/lib/context";
import type { AcceptanceSetup } from "./setup";

/**
 * The acceptance tier's view of the remote side, read with the providers' API clients and never
 * from Pulumi's state: what a step left there, what a run or a failed run left, and the sweeper.
 */

const RESOURCE_URN = "urn:altinn:resource:";

/** The org's objects whose names match `pattern` (an acceptance prefix), by kind. */
export interface PrefixedObjects {
  resources: string[];
  accessLists: string[];
  clients: Array<{ clientId: string; clientName: string }>;
  subscriptions: Array<{ id: number; resource: string }>;
}

export async function prefixedObjects(
  ctx: ProviderContext,
  org: string,
  pattern: RegExp,
): Promise<PrefixedObjects> {
  const [resources, lists, clients, subscriptions] = await Promise.all([
    registry.listResources(ctx),
    accessLists.listAccessLists(ctx, org),
    selfService.listClients(ctx),
    events.listSubscriptions(ctx),
  ]);
  const ownedBy = (r: registry.ServiceResourceDto) =>
    String((r.hasCompetentAuthority as { orgcode?: unknown } | undefined)?.orgcode ?? "")
      .toLowerCase()
      .trim() === org;
  return {
    resources: resources
      .filter((r) => ownedBy(r) && pattern.test(r.identifier))
      .map((r) => r.identifier),
    accessLists: lists.filter((l) => pattern.test(l.identifier)).map((l) => l.identifier),
    clients: clients
      .filter((c) => c.client_id !== undefined && pattern.test(c.client_name))
      .map((c) => ({ clientId: c.client_id!, clientName: c.client_name })),
    subscriptions: subscriptions
      .map((s) => ({ id: s.id, resource: (s.resourceFilter ?? "").replace(RESOURCE_URN, "") }))
      .filter((s) => pattern.test(s.resource)),
  };
}

interface Removal {
  /** The object in words, such as `access list digdir/digdir-iacacc-0a1b2c3d-mottakere`. */
  what: string;
  remove(): Promise<string>;
}

/**
 * How to remove each object, in the order that leaves nothing dangling: subscriptions, access
 * lists (their connections go with them), resources with their policies, clients with their keys.
 */
function removals(ctx: ProviderContext, org: string, objects: PrefixedObjects): Removal[] {
  return [
    ...objects.subscriptions.map((s) => ({
      what: `subscription ${s.id} to ${s.resource}`,
      remove: () => events.deleteSubscription(ctx, String(s.id)),
    })),
    ...objects.accessLists.map((identifier) => ({
      what: `access list ${org}/${identifier}`,
      remove: () => accessLists.deleteAccessList(ctx, { owner: org, identifier }),
    })),
    ...objects.resources.map((id) => ({
      what: `resource ${id}`,
      remove: () => registry.deleteResource(ctx, id),
    })),
    ...objects.clients.map((c) => ({
      what: `Maskinporten client ${c.clientId} (${c.clientName})`,
      remove: () => selfService.deleteClient(ctx, c.clientId),
    })),
  ];
}

/** Each object in words, in removal order. */
export function describeObjects(
  ctx: ProviderContext,
  org: string,
  objects: PrefixedObjects,
): string[] {
  return removals(ctx, org, objects).map((r) => r.what);
}

/** What differs between the remote side and `setup`, one sentence each; empty when all is as declared. */
export async function remoteDifferences(
  ctx: ProviderContext,
  org: string,
  setup: AcceptanceSetup,
): Promise<string[]> {
  const found = await Promise.all([
    resourceDifferences(ctx, setup),
    listDifferences(ctx, org, setup),
    clientDifferences(ctx, setup),
    subscriptionDifferences(ctx, setup),
  ]);
  return found.flat();
}

async function resourceDifferences(ctx: ProviderContext, setup: AcceptanceSetup) {
  const id = setup.resourceId;
  const resource = await registry.getResource(ctx, id);
  if (!resource) return [`resource ${id} does not exist`];
  const problems: string[] = [];
  const title = (resource.title as Record<string, string> | undefined)?.nb;
  if (title !== setup.title) {
    problems.push(`resource ${id} has the title "${title}", declared "${setup.title}"`);
  }
  const xml = await registry.getPolicy(ctx, id);
  if (xml === undefined) return [...problems, `resource ${id} has no policy`];
  const live = parsePolicy(xml, { resourceId: id }).policy;
  if (!samePolicy(live, setup.policy, id)) {
    problems.push(
      `the policy of resource ${id} does not grant what was declared (authentication level ${setup.authenticationLevel}, DAGL reads, the owner writes and subscribes)`,
    );
  }
  return problems;
}

async function listDifferences(ctx: ProviderContext, org: string, setup: AcceptanceSetup) {
  const ref = { owner: org, identifier: setup.list.identifier };
  const label = accessLists.listLabel(ref);
  const list = await accessLists.getAccessList(ctx, ref);
  if (!list) return [`access list ${label} does not exist`];
  const problems: string[] = [];
  if (list.value.name !== setup.list.name) {
    problems.push(
      `access list ${label} is named "${list.value.name}", declared "${setup.list.name}"`,
    );
  }
  const members = ((await accessLists.readMembers(ctx, ref))?.value ?? [])
    .map((m) => m.identifiers?.["urn:altinn:organization:identifier-no"] ?? m.id)
    .sort();
  if (JSON.stringify(members) !== JSON.stringify([...setup.list.members].sort())) {
    problems.push(
      `access list ${label} has the members [${members.join(", ")}], declared [${setup.list.members.join(", ")}]`,
    );
  }
  const connections = ((await accessLists.readResourceConnections(ctx, ref))?.value ?? []).map(
    (c) => `${c.resourceIdentifier} [${[...(c.actionFilters ?? [])].sort().join(", ")}]`,
  );
  const declared = `${setup.resourceId} [${setup.list.actionFilters.join(", ")}]`;
  if (JSON.stringify(connections) !== JSON.stringify([declared])) {
    problems.push(
      `access list ${label} is connected to ${connections.join("; ") || "nothing"}, declared ${declared}`,
    );
  }
  return problems;
}

async function clientDifferences(ctx: ProviderContext, setup: AcceptanceSetup) {
  const name = setup.client.clientName;
  const clients = (await selfService.listClients(ctx)).filter((c) => c.client_name === name);
  if (clients.length !== 1)
    return [`${clients.length} Maskinporten clients are named ${name}, declared 1`];
  const client = clients[0]!;
  const problems: string[] = [];
  if (client.description !== setup.client.description) {
    problems.push(
      `Maskinporten client ${name} has the description "${client.description}", declared "${setup.client.description}"`,
    );
  }
  const scopes = [...client.scopes].sort().join(", ");
  if (scopes !== [...setup.client.scopes].sort().join(", ")) {
    problems.push(
      `Maskinporten client ${name} has the scopes [${scopes}], declared [${setup.client.scopes.join(", ")}]`,
    );
  }
  const keys = (await selfService.getJwks(ctx, client.client_id!))?.keys ?? [];
  if (keys.length !== 1)
    problems.push(`Maskinporten client ${name} has ${keys.length} keys, expected 1`);
  return problems;
}

async function subscriptionDifferences(ctx: ProviderContext, setup: AcceptanceSetup) {
  const filter = `${RESOURCE_URN}${setup.resourceId}`;
  const found = (await events.listSubscriptions(ctx)).filter((s) => s.resourceFilter === filter);
  if (found.length !== 1) return [`${found.length} subscriptions to ${filter}, declared 1`];
  const live = found[0]!;
  const problems: string[] = [];
  // Events keeps the endpoint as .NET's Uri.AbsoluteUri writes it; WHATWG URLs normalise alike.
  if (new URL(live.endPoint).href !== new URL(setup.subscription.endPoint).href) {
    problems.push(
      `subscription ${live.id} goes to ${live.endPoint}, declared ${setup.subscription.endPoint}`,
    );
  }
  if ((live.typeFilter ?? undefined) !== setup.subscription.typeFilter) {
    problems.push(
      `subscription ${live.id} has the type filter ${live.typeFilter ?? "(none)"}, declared ${setup.subscription.typeFilter ?? "(none)"}`,
    );
  }
  if (!live.validated) problems.push(`subscription ${live.id} is not validated by its endpoint`);
  return problems;
}

export interface SweepResult {
  removed: string[];
  failed: string[];
}

/**
 * Removes the org's objects with an acceptance prefix (any run's); objects without it are never
 * deleted. Each failure is reported and the rest still removed.
 */
export async function sweep(
  ctx: ProviderContext,
  org: string,
  pattern: RegExp,
  log: (line: string) => void,
): Promise<SweepResult> {
  const result: SweepResult = { removed: [], failed: [] };
  for (const removal of removals(ctx, org, await prefixedObjects(ctx, org, pattern))) {
    try {
      if ((await removal.remove()) === "forbidden-in-environment") {
        throw new Error("the environment forbids deleting it");
      }
      result.removed.push(removal.what);
      log(`removed ${removal.what}`);
    } catch (error) {
      result.failed.push(removal.what);
      log(
        `could not remove ${removal.what}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return result;
}
