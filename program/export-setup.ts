import { policySchema } from "../policies/model";
import { readPolicy } from "../policies/parse";
import { memberKeys, projectConnections, projectMembers } from "../providers/access-list";
import { fromServiceResourceDto, validateResource } from "../providers/altinn-resource";
import * as accessLists from "../providers/api/access-lists";
import * as events from "../providers/api/events";
import * as registry from "../providers/api/resource-registry";
import * as selfService from "../providers/api/self-service";
import type { ProviderContext } from "../providers/lib/context";
import { fromClientRegistration } from "../providers/maskinporten-client";
import { validatePolicyInputs } from "../providers/resource-policy";
import type { ResourceSpec } from "./config";

/**
 * Export: an org's live setup in one environment, read with the providers' API clients, as the
 * stack config (program/config.ts) that adopts it; program/export-merge.ts merges it into a stack
 * file. Every object carries its adoption opt-in
 * (`adopt: true`, or a client's `clientId`), so `pulumi up` takes each over instead of creating
 * it, and writes nothing where the live object already is as exported. What cannot be expressed
 * in the config, or would not come up as it is, is reported in `notes` rather than guessed.
 */

export interface ExportOptions {
  org: { code: string; number: string };
  /**
   * Clients not to export: the stack's own provisioning and self-service admin clients, whose
   * keys the stack signs with (adopting their key set would replace it).
   */
  ownClientIds: string[];
}

/** The setup keys of a stack config, as `altinn-iac:<key>` takes them. */
export interface ExportedSetup {
  resources: Array<Record<string, unknown>>;
  accessLists: Array<Record<string, unknown>>;
  /** Undefined when the stack has no self-service admin client to read clients with. */
  maskinportenClients?: Array<Record<string, unknown>>;
  subscriptions: Array<Record<string, unknown>>;
}

export interface ExportResult {
  setup: ExportedSetup;
  /** What was left out or needs a person's decision, one sentence each. */
  notes: string[];
  /** Notes about one exported entry: shown only when that entry is added to the stack file. */
  entryNotes: Map<Record<string, unknown>, string[]>;
  /** Per access list identifier, every form that names each live member (orgnr, party uuid). */
  memberKeys: Map<string, string[][]>;
  /** The Events id of each exported subscription. */
  subscriptionIds: Map<Record<string, unknown>, string>;
}

/** Reads the org's live setup and returns it as stack config. */
export async function exportSetup(
  ctx: ProviderContext,
  options: ExportOptions,
): Promise<ExportResult> {
  const notes: Notes = {
    general: [],
    entries: new Map(),
    memberKeys: new Map(),
    subscriptionIds: new Map(),
  };
  const resources = await exportResources(ctx, options, notes);
  const identifiers = new Set(resources.map((r) => String(r.identifier)));
  const lists = await exportAccessLists(ctx, options, identifiers, notes);
  const clients = ctx.settings.selfService
    ? await exportClients(ctx, options, notes)
    : (notes.general.push(
        "Maskinporten clients were not read: the stack has no self-service admin client (altinn-iac:selfServiceClientId); altinn-iac:maskinportenClients is left as it was",
      ),
      undefined);
  const subscriptions = await exportSubscriptions(ctx, notes);
  return {
    setup: {
      resources,
      accessLists: lists,
      ...(clients ? { maskinportenClients: clients } : {}),
      subscriptions,
    },
    notes: notes.general,
    entryNotes: notes.entries,
    memberKeys: notes.memberKeys,
    subscriptionIds: notes.subscriptionIds,
  };
}

/** What export found, general or about one entry, collected while reading. */
interface Notes {
  general: string[];
  entries: Map<Record<string, unknown>, string[]>;
  memberKeys: Map<string, string[][]>;
  /** The Events id of each exported subscription. */
  subscriptionIds: Map<Record<string, unknown>, string>;
}

/**
 * The org's Events subscriptions as `subscriptions` entries. No opt-in is written: Events treats
 * an identical request as the existing subscription, so endpoint and filters are the natural key
 * and up takes it over (preview says "adopting").
 */
async function exportSubscriptions(
  ctx: ProviderContext,
  notes: Notes,
): Promise<Array<Record<string, unknown>>> {
  const taken = new Set<string>();
  const entries: Array<Record<string, unknown>> = [];
  for (const s of await events.listSubscriptions(ctx)) {
    const resource = /^urn:altinn:resource:(.+)$/.exec(s.resourceFilter ?? "")?.[1];
    if (!resource || s.sourceFilter || s.alternativeSubjectFilter) {
      notes.general.push(
        `subscription ${s.id} (${s.resourceFilter ?? s.sourceFilter ?? "no resource"}) is left out: it is an app subscription, which altinn-iac does not manage`,
      );
      continue;
    }
    const base = `${resource}-${s.typeFilter ? s.typeFilter.split(".").pop()! : "events"}`
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-");
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    const entry = {
      name,
      resource,
      endPoint: s.endPoint,
      ...(s.typeFilter ? { typeFilter: s.typeFilter } : {}),
      ...(s.subjectFilter ? { subjectFilter: s.subjectFilter } : {}),
    };
    notes.entries.set(
      entry,
      s.validated
        ? []
        : [
            `subscription ${s.id} is not validated: its endpoint does not answer Events' validation event`,
          ],
    );
    notes.subscriptionIds.set(entry, String(s.id));
    entries.push(entry);
  }
  return entries;
}

function ownedBy(dto: registry.ServiceResourceDto, org: ExportOptions["org"]): boolean {
  const owner = (dto.hasCompetentAuthority ?? {}) as { orgcode?: string; organization?: string };
  return owner.orgcode?.toLowerCase() === org.code || owner.organization === org.number;
}

async function exportResources(
  ctx: ProviderContext,
  options: ExportOptions,
  notes: Notes,
): Promise<Array<Record<string, unknown>>> {
  const owned = (await registry.listResources(ctx))
    .filter((dto) => ownedBy(dto, options.org))
    .sort((a, b) => a.identifier.localeCompare(b.identifier));
  const result: Array<Record<string, unknown>> = [];
  for (const listed of owned) {
    // The list may be a summary: the resource's own document is the one the provider compares.
    const dto = (await registry.getResource(ctx, listed.identifier)) ?? listed;
    const owner = {
      organization: options.org.number,
      orgcode: options.org.code,
    };
    const inputs = fromServiceResourceDto(dto, {
      hasCompetentAuthority: owner,
    } as Parameters<typeof fromServiceResourceDto>[1]);
    const {
      hasCompetentAuthority: _owner,
      adopt: _adopt,
      accessListModeManagedSeparately: _separate,
      ...fields
    } = inputs;
    const spec: Record<string, unknown> = { ...stripUndefined(fields) };
    const own: string[] = [];
    const problems = validateResource({ ...inputs, hasCompetentAuthority: owner });
    for (const problem of problems) {
      own.push(
        `resource ${dto.identifier}: ${problem.property}: ${problem.reason}; up adopts it as the registry holds it, but a change to it is refused until this is fixed in the exported config`,
      );
    }
    const policy = await exportPolicy(
      ctx,
      dto.identifier,
      { resourceType: inputs.resourceType, owner: options.org.code },
      own,
    );
    const entry = { ...spec, ...(policy ? { policy } : {}), adopt: true };
    notes.entries.set(entry, own);
    result.push(entry);
  }
  return result;
}

/** The policy as rules when the model holds it exactly, else the live XML as it is. */
async function exportPolicy(
  ctx: ProviderContext,
  identifier: string,
  context: { resourceType: string; owner: string },
  notes: string[],
): Promise<ResourceSpec["policy"] | Record<string, unknown> | undefined> {
  const { resourceType, owner } = context;
  const xml = await registry.getPolicy(ctx, identifier);
  if (xml === undefined) {
    notes.push(`resource ${identifier} has no policy: none is declared`);
    return undefined;
  }
  const parsed = readPolicy(xml, { resourceId: identifier });
  const model = parsed.policy ? policySchema.safeParse(parsed.policy) : undefined;
  const errors = parsed.findings.filter((f) => f.severity === "error");
  const asRules = { resourceId: identifier, resourceType, owner };
  if (model?.success && errors.length === 0) {
    // Rules the linter refuses would stop up; the XML as the registry holds it does not.
    const lint = validatePolicyInputs({ ...asRules, policy: model.data });
    if (lint.failures.length === 0) return stripUndefined({ ...model.data });
    notes.push(
      `resource ${identifier}: the policy is kept as XML, since as rules it fails the linter: ${lint.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`,
    );
  } else {
    notes.push(
      `resource ${identifier}: the policy is kept as XML, since the rule model cannot hold it exactly${errors.length > 0 ? ` (${errors.map((e) => e.message).join("; ")})` : ""}`,
    );
  }
  for (const failure of validatePolicyInputs({ ...asRules, xml }).failures) {
    notes.push(
      `resource ${identifier}: the live policy fails the linter, so up stops at preview until it is fixed in the exported config: ${failure.reason}`,
    );
  }
  return { xml };
}

async function exportAccessLists(
  ctx: ProviderContext,
  options: ExportOptions,
  resources: Set<string>,
  notes: Notes,
): Promise<Array<Record<string, unknown>>> {
  const owner = options.org.code;
  const lists = (await accessLists.listAccessLists(ctx, owner)).sort((a, b) =>
    a.identifier.localeCompare(b.identifier),
  );
  const result: Array<Record<string, unknown>> = [];
  for (const list of lists) {
    const ref = { owner, identifier: list.identifier };
    const members = await accessLists.readMembers(ctx, ref);
    const connections = await accessLists.readResourceConnections(ctx, ref);
    if (!members || !connections) {
      notes.general.push(
        `access list ${owner}/${list.identifier} was deleted while it was read: left out`,
      );
      continue;
    }
    const own: string[] = [];
    const connected = projectConnections(connections.value).filter((c) => {
      if (resources.has(c.identifier)) return true;
      own.push(
        `access list ${owner}/${list.identifier}: the connection to resource ${c.identifier} is left out, since that resource is not ${owner}'s; up will remove it from the list`,
      );
      return false;
    });
    const entry = {
      identifier: list.identifier,
      name: list.name,
      ...(list.description ? { description: list.description } : {}),
      members: projectMembers(members.value, []),
      resources: connected.map((c) => ({
        identifier: c.identifier,
        ...(c.actionFilters.length > 0 ? { actionFilters: c.actionFilters } : {}),
      })),
      adopt: true,
    };
    notes.entries.set(entry, own);
    notes.memberKeys.set(list.identifier, members.value.map(memberKeys));
    result.push(entry);
  }
  return result;
}

async function exportClients(
  ctx: ProviderContext,
  options: ExportOptions,
  notes: Notes,
): Promise<Array<Record<string, unknown>>> {
  const clients = (await selfService.listClients(ctx)).sort((a, b) =>
    String(a.client_id).localeCompare(String(b.client_id)),
  );
  const names = new Set<string>();
  const result: Array<Record<string, unknown>> = [];
  for (const client of clients) {
    const clientId = String(client.client_id);
    if (options.ownClientIds.includes(clientId)) {
      notes.general.push(
        `client ${clientId} ("${client.client_name}") is left out: it is this stack's own provisioning or self-service admin client`,
      );
      continue;
    }
    if (client.integration_type !== "maskinporten") {
      notes.general.push(
        `client ${clientId} ("${client.client_name}") is left out: its integration type ${client.integration_type} is not a Maskinporten client`,
      );
      continue;
    }
    const inputs = fromClientRegistration(client, {
      ...(client.access_token_lifetime !== undefined
        ? { accessTokenLifetime: client.access_token_lifetime }
        : {}),
    });
    const own: string[] = [];
    if (inputs.description.trim() === "") {
      own.push(
        `client ${clientId}: it has no description, which the stack requires: write one in the exported config (up sets it on the client)`,
      );
    }
    const name = uniqueName(inputs.clientName, names);
    const key = await exportKey(ctx, clientId, own);
    const entry = {
      name,
      clientName: inputs.clientName,
      description: inputs.description,
      scopes: inputs.scopes,
      ...(inputs.accessTokenLifetime !== undefined
        ? { accessTokenLifetime: inputs.accessTokenLifetime }
        : {}),
      clientId,
      ...(key ? { key } : {}),
    };
    notes.entries.set(entry, own);
    result.push(entry);
  }
  return result;
}

/**
 * The client's key set as the stack declares it: one key it holds as `publicJwk` (adopted with no
 * write). The config holds one key per client, so the others are reported.
 */
async function exportKey(
  ctx: ProviderContext,
  clientId: string,
  notes: string[],
): Promise<{ publicJwk: Record<string, unknown> } | undefined> {
  const keys = (await selfService.getJwks(ctx, clientId))?.keys ?? [];
  if (keys.length === 0) {
    notes.push(
      `client ${clientId} has no key: up generates one (its private key is a secret output of the stack)`,
    );
    return undefined;
  }
  const newest = [...keys].sort((a, b) => (b.exp ?? 0) - (a.exp ?? 0))[0]!;
  if (keys.length > 1) {
    notes.push(
      `client ${clientId} has ${keys.length} keys (${keys.map((k) => k.kid).join(", ")}): the stack declares one key per client, so the newest (${newest.kid}) is declared and up keeps the others registered for one overlap only; the following up removes them unless you move their users to ${newest.kid} first`,
    );
  }
  const { exp: _exp, ...publicJwk } = newest;
  return { publicJwk: stripUndefined(publicJwk) };
}

/** A stable lowercase kebab-case name for a client, unique in the stack. */
export function uniqueName(clientName: string, taken: Set<string>): string {
  const base =
    clientName
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "client";
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  taken.add(name);
  return name;
}

function stripUndefined<T extends Record<string, unknown>>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
