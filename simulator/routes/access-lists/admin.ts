import type { SimContext } from "../../context";
import { empty } from "../../http/replies";
import { readJson } from "../../http/requests";
import type { Router, SimRequest } from "../../http/router";
import { lookupParty } from "../../parties";
import type { SimAccessList, SimAccessListRace } from "../../state-types";
import { keyOf, lists, now, races, touch } from "./store";

/** Admin: changes behind the tool's back, and races at an exact point (never logged as calls). */
export function registerAccessListAdmin(router: Router, ctx: SimContext): void {
  const base = "/__admin/access-lists/{owner}/{identifier}";
  const edit = (req: SimRequest, change: (list: SimAccessList, uuids: string[]) => boolean) => {
    const list = lists(ctx)[keyOf(req.params.owner!, req.params.identifier!)];
    if (!list) return empty(404);
    const { data } = readJson(req) as { data: string[] };
    const uuids = data.map((urn) => {
      const found = lookupParty(urn);
      if (!("party" in found)) throw new Error(`not a known party: ${urn}`);
      return found.party.uuid;
    });
    if (change(list, uuids)) {
      touch(ctx, list);
      ctx.changed();
    }
    return empty(204);
  };
  router.on("POST", `${base}/members`, (req) =>
    edit(req, (list, uuids) => {
      const fresh = uuids.filter((u) => !list.members[u]);
      for (const uuid of fresh) list.members[uuid] = { since: now(ctx) };
      return fresh.length > 0;
    }),
  );
  router.on("DELETE", `${base}/members`, (req) =>
    edit(req, (list, uuids) => {
      const present = uuids.filter((u) => list.members[u]);
      for (const uuid of present) delete list.members[uuid];
      return present.length > 0;
    }),
  );
  router.on("PUT", `${base}/resource-connections/{resourceIdentifier}`, (req) => {
    const list = lists(ctx)[keyOf(req.params.owner!, req.params.identifier!)];
    if (!list) return empty(404);
    const { actionFilters } = readJson(req) as { actionFilters?: string[] };
    const at = now(ctx);
    list.connections[req.params.resourceIdentifier!] = {
      actionFilters: actionFilters ?? [],
      createdAt: at,
      updatedAt: at,
    };
    touch(ctx, list);
    ctx.changed();
    return empty(204);
  });
  router.on("POST", `${base}/race`, (req) => {
    const body = readJson(req) as Partial<SimAccessListRace> & { times?: number };
    races(ctx)[keyOf(req.params.owner!, req.params.identifier!)] = {
      trigger: body.trigger ?? "write",
      addMembers: body.addMembers ?? [],
      removeMembers: body.removeMembers ?? [],
      remaining: body.times ?? 1,
    };
    ctx.changed();
    return empty(204);
  });
}
