import type { SimContext } from "../../context";
import { writeRefusal, type Conditions } from "../../http/conditional";
import { statusProblem } from "../../http/problems";
import type { SimResponse } from "../../http/router";
import { lookupParty } from "../../parties";
import type { SimAccessList, SimAccessListRace } from "../../state-types";

/** Access lists in the state: one version per list, and the race hooks tests queue on a list. */
export function lists(ctx: SimContext): Record<string, SimAccessList> {
  // A state file persisted before access lists existed has no such field.
  return (ctx.state.accessLists ??= {});
}

export function races(ctx: SimContext): Record<string, SimAccessListRace> {
  return (ctx.state.accessListRaces ??= {});
}

export function keyOf(owner: string, identifier: string): string {
  return `${owner}/${identifier}`;
}

export function now(ctx: SimContext): string {
  return new Date(ctx.nowMs()).toISOString();
}

/** A change to the list: a new version (a new ETag). */
export function touch(ctx: SimContext, list: SimAccessList): void {
  list.version += 1;
  list.updatedAt = now(ctx);
}

/** Applies another writer's change queued for this list, as if it landed just before this request. */
export function runRace(ctx: SimContext, key: string, trigger: SimAccessListRace["trigger"]): void {
  const race = races(ctx)[key];
  const list = lists(ctx)[key];
  if (!race || !list || race.trigger !== trigger) return;
  let changed = false;
  for (const urn of race.addMembers) {
    const found = lookupParty(urn);
    if ("party" in found && !list.members[found.party.uuid]) {
      list.members[found.party.uuid] = { since: now(ctx) };
      changed = true;
    }
  }
  for (const urn of race.removeMembers) {
    const found = lookupParty(urn);
    if ("party" in found && list.members[found.party.uuid]) {
      delete list.members[found.party.uuid];
      changed = true;
    }
  }
  if (changed) touch(ctx, list);
  race.remaining -= 1;
  if (race.remaining <= 0) delete races(ctx)[key];
}

/**
 * The list a write to its members or connections changes: a queued race lands first, then 404
 * without the list and 412 when a condition fails.
 */
export function listForWrite(
  ctx: SimContext,
  owner: string,
  identifier: string,
  conditions: Conditions,
): SimAccessList | SimResponse {
  const key = keyOf(owner, identifier);
  runRace(ctx, key, "write");
  const list = lists(ctx)[key];
  if (!list) return statusProblem(404);
  return writeRefusal(conditions, list) ?? list;
}
