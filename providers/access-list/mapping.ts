import * as api from "../api/access-lists";
import { jsonEqual } from "../lib/check";
import { canonicalParty, partyUrn } from "../lib/identifiers";
import type { AccessListInputs, ResourceConnection } from "./schema";

/**
 * An access list between its inputs and the API: members in their one kept form (an organisation
 * number or a party uuid URN, sorted, each once), connections sorted, and the deltas to write.
 */

/** A member as this resource keeps it; undefined when the value is not a member. */
export const canonicalMember = canonicalParty;

/** Every canonical form that names this live member: its organisation number and its party uuid. */
export function memberKeys(member: api.AccessListMemberDto): string[] {
  const orgnr = member.identifiers?.["urn:altinn:organization:identifier-no"];
  const uuid = canonicalMember(member.id);
  return [...(orgnr ? [orgnr] : []), ...(uuid ? [uuid] : [])];
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Members normalised: canonical forms, sorted, each once. Values that are not members are kept. */
export function normalizeMembers(members: string[]): string[] {
  return sortedUnique(members.map((m) => canonicalMember(m) ?? m));
}

/** Connections normalised: sorted by resource, actions sorted and each once. */
export function normalizeConnections(
  connections: Array<{ identifier: string; actionFilters?: string[] | null }>,
): ResourceConnection[] {
  return connections
    .map((c) => ({ identifier: c.identifier, actionFilters: sortedUnique(c.actionFilters ?? []) }))
    .sort((a, b) => compare(a.identifier, b.identifier));
}

/**
 * The managed inputs normalised. State written before the inputs took the stack file's names
 * holds `resourceConnections[].resourceIdentifier`: read as `resources[].identifier`.
 */
export function normalizeAccessList(inputs: AccessListInputs): AccessListInputs {
  const legacy = (inputs as { resourceConnections?: unknown }).resourceConnections;
  const connections = Array.isArray(inputs.resources)
    ? inputs.resources
    : Array.isArray(legacy)
      ? (legacy as Array<{ resourceIdentifier: string; actionFilters?: string[] }>).map((c) => ({
          identifier: c.resourceIdentifier,
          actionFilters: c.actionFilters,
        }))
      : [];
  return {
    ...inputs,
    description: typeof inputs.description === "string" ? inputs.description : "",
    members: Array.isArray(inputs.members) ? normalizeMembers(inputs.members.map(String)) : [],
    resources: normalizeConnections(connections),
    adopt: inputs.adopt === true,
  };
}

/** Members this stack may remove: the ones it knew and no longer declares, or every undeclared one. */
export type Removable = { known: string[] } | "every-undeclared";

export interface MemberDelta {
  /** Party URNs to POST. */
  add: string[];
  /** Party URNs (`urn:altinn:party:uuid:`) to DELETE. */
  remove: string[];
}

export function memberDelta(
  live: api.AccessListMemberDto[],
  declared: string[],
  removable: Removable,
): MemberDelta {
  const wanted = new Set(declared);
  const present = new Set(live.flatMap(memberKeys));
  const mayRemove = removable === "every-undeclared" ? undefined : new Set(removable.known);
  const remove = live
    .filter((member) => {
      const keys = memberKeys(member);
      if (keys.some((k) => wanted.has(k))) return false;
      return mayRemove === undefined || keys.some((k) => mayRemove.has(k));
    })
    .map((member) => member.id);
  return {
    add: declared.filter((m) => !present.has(m)).map(partyUrn),
    remove: sortedUnique(remove),
  };
}

export interface ConnectionDelta {
  upsert: ResourceConnection[];
  remove: string[];
}

export function connectionDelta(
  live: api.ResourceConnectionDto[],
  declared: ResourceConnection[],
  removable: Removable,
): ConnectionDelta {
  const liveActions = new Map(
    live.map((c) => [c.resourceIdentifier.toLowerCase(), sortedUnique(c.actionFilters ?? [])]),
  );
  const wanted = new Set(declared.map((c) => c.identifier.toLowerCase()));
  const mayRemove =
    removable === "every-undeclared"
      ? undefined
      : new Set(removable.known.map((id) => id.toLowerCase()));
  return {
    upsert: declared.filter(
      (c) => !jsonEqual(liveActions.get(c.identifier.toLowerCase()), c.actionFilters),
    ),
    remove: live
      .map((c) => c.resourceIdentifier)
      .filter((id) => !wanted.has(id.toLowerCase()))
      .filter((id) => mayRemove === undefined || mayRemove.has(id.toLowerCase())),
  };
}

/** Live members in the form the stack declares them where it does, else by organisation number. */
export function projectMembers(live: api.AccessListMemberDto[], declared: string[]): string[] {
  const hint = new Set(declared);
  return sortedUnique(
    live.map((member) => {
      const keys = memberKeys(member);
      return keys.find((k) => hint.has(k)) ?? keys[0] ?? member.id;
    }),
  );
}

export function projectConnections(live: api.ResourceConnectionDto[]): ResourceConnection[] {
  return normalizeConnections(
    live.map((c) => ({ identifier: c.resourceIdentifier, actionFilters: c.actionFilters })),
  );
}

export function batches<T>(items: T[], size: number = api.MAX_MEMBERS_PER_WRITE): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
