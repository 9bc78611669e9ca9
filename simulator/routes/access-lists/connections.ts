import type { SimContext } from "../../context";
import { versionHeaders } from "../../http/conditional";
import { altinnProblem, validationProblem } from "../../http/problems";
import { empty, json } from "../../http/replies";
import { readJsonBody } from "../../http/requests";
import type { SimRequest, SimResponse } from "../../http/router";
import { currentResource, findResource } from "../../state";
import { authorizeConditional, isAdmin, ownsOwner } from "./access";
import { connectionDto } from "./dto";
import { listForWrite, now, touch } from "./store";

/**
 * Resource connections: a list connected to a resource of the same owner (403 `RR-00004`
 * otherwise, 400 `RR-00002` for an unknown resource), with optional action filters.
 */
export async function upsertConnection(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const auth = await authorizeConditional(ctx, req, true);
  if ("status" in auth) return auth;
  const read = readJsonBody(req, "model");
  if ("status" in read) return read;
  const filters = read.value.actionFilters;
  if (
    filters !== undefined &&
    filters !== null &&
    (!Array.isArray(filters) || filters.some((f) => typeof f !== "string"))
  ) {
    return validationProblem({
      "$.actionFilters": [
        "The JSON value could not be converted to System.Collections.Generic.IReadOnlyList`1[System.String]. Path: $.actionFilters | LineNumber: 0 | BytePositionInLine: 0.",
      ],
    });
  }
  const resourceIdentifier = req.params.resourceIdentifier!;
  const resource = currentResource(ctx.state, resourceIdentifier);
  if (!resource) {
    return altinnProblem(400, "RR-00002", "One or more resource references not found.");
  }
  const resourceOwner = (resource.hasCompetentAuthority ?? {}) as { orgcode?: unknown };
  if (!isAdmin(auth.claims) && !ownsOwner(ctx, auth.claims, String(resourceOwner.orgcode ?? ""))) {
    return altinnProblem(
      403,
      "RR-00004",
      "Cannot create a access-list connection to a resource not owned by the same service-owner as the access-list.",
    );
  }
  const list = listForWrite(ctx, auth.owner, req.params.identifier!, auth.conditions);
  if ("status" in list) return list;
  // The registry keys connections by the resource's own identifier.
  const id = findResourceKey(ctx, resourceIdentifier);
  const actions = [...new Set((filters ?? []) as string[])];
  const existing = list.connections[id];
  if (!existing) {
    const at = now(ctx);
    list.connections[id] = { actionFilters: actions, createdAt: at, updatedAt: at };
    touch(ctx, list);
    ctx.changed();
  } else if (!sameSet(existing.actionFilters, actions)) {
    existing.actionFilters = actions;
    existing.updatedAt = now(ctx);
    touch(ctx, list);
    ctx.changed();
  }
  return json(200, connectionDto(id, list.connections[id]!, true), versionHeaders(list));
}

export async function deleteConnection(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const auth = await authorizeConditional(ctx, req, true);
  if ("status" in auth) return auth;
  const list = listForWrite(ctx, auth.owner, req.params.identifier!, auth.conditions);
  if ("status" in list) return list;
  const id = Object.keys(list.connections).find(
    (k) => k.toLowerCase() === req.params.resourceIdentifier!.toLowerCase(),
  );
  if (id === undefined) return empty(204);
  const removed = list.connections[id]!;
  delete list.connections[id];
  touch(ctx, list);
  ctx.changed();
  return json(200, connectionDto(id, removed, true), versionHeaders(list));
}

function findResourceKey(ctx: SimContext, id: string): string {
  const stored = findResource(ctx.state, id);
  const key = Object.keys(ctx.state.resources).find((k) => ctx.state.resources[k] === stored);
  return key ?? id;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");
}
