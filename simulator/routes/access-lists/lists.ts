import type { SimContext } from "../../context";
import { readRefusal, versionHeaders, writeRefusal } from "../../http/conditional";
import { fromOpaque, toOpaque } from "../../http/opaque";
import { pageOf } from "../../http/paging";
import {
  altinnProblem,
  altinnValidationProblem,
  statusProblem,
  traceId,
  validationProblem,
} from "../../http/problems";
import { empty, json } from "../../http/replies";
import { readJsonBody } from "../../http/requests";
import type { Handler, SimRequest, SimResponse } from "../../http/router";
import type { SimAccessList } from "../../state-types";
import { authorize, authorizeConditional } from "./access";
import { ACCESS_LISTS_BASE, infoDto, type Includes } from "./dto";
import { keyOf, lists, now, races, runRace, touch } from "./store";

/** The lists themselves: by owner (20 to a page), one list, create or rename, delete. */
const LISTS_PAGE_SIZE = 20;

/** `include` as AccessListIncludesModelBinder reads it: a comma list of flags. */
function readIncludes(req: SimRequest): Includes | SimResponse {
  const includes: Includes = { resources: false, actions: false, members: false };
  for (const raw of req.query.getAll("include")) {
    for (const value of raw.split(",").map((v) => v.trim().toLowerCase())) {
      if (value === "" || value === "none") continue;
      if (value === "resources") includes.resources = true;
      else if (value === "resource-actions") includes.actions = true;
      else if (value === "members") includes.members = true;
      else return validationProblem({ include: [`The value '${raw}' is not valid for include.`] });
    }
  }
  return includes;
}

export function notImplemented(ctx: SimContext): Handler {
  return async (req) => {
    const auth = await authorize(ctx, req, true);
    if ("status" in auth) return auth;
    // NotImplementedFilter turns the controller's NotImplementedException into a bare 501.
    return json(
      501,
      { status: 501, traceId: traceId() },
      { "content-type": "application/problem+json; charset=utf-8" },
    );
  };
}

export async function getListsByOwner(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const auth = await authorize(ctx, req, false);
  if ("status" in auth) return auth;
  const includes = readIncludes(req);
  if ("status" in includes) return includes;
  if (includes.members) {
    return altinnProblem(
      501,
      "RR-00000",
      "Members are not supported yet as an include option for this endpoint.",
    );
  }
  const resource = req.query.get("resource") ?? undefined;
  if ((includes.resources || includes.actions) && (resource ?? "").trim() === "") {
    return altinnValidationProblem([
      {
        code: "RR.VLD-00002",
        detail: "Resource identifier is required when including resource connections.",
        paths: ["/$QUERY/include", "/$QUERY/resource"],
      },
    ]);
  }
  const rawToken = req.query.get("token");
  let continueFrom: string | undefined;
  if (rawToken !== null) {
    const decoded = fromOpaque(rawToken);
    if (typeof decoded !== "string") {
      return validationProblem({ token: [`The value '${rawToken}' is not valid for token.`] });
    }
    continueFrom = decoded;
  }
  const owned = new Map(
    Object.values(lists(ctx))
      .filter((l) => l.owner === auth.owner)
      .map((l) => [l.identifier, l]),
  );
  const identifiers = [...owned.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const { keys, next } = pageOf(identifiers, LISTS_PAGE_SIZE, continueFrom);
  const includeNames = [
    ...(includes.resources ? ["resources"] : []),
    ...(includes.actions ? ["resource-actions"] : []),
  ];
  // The real next link names the key `includes` (the endpoint reads `include`) and drops
  // `resource`: a client must add both back when it follows the link.
  const nextLink =
    next === undefined
      ? null
      : `${req.origin}${ACCESS_LISTS_BASE}/${encodeURIComponent(auth.owner)}?token=${toOpaque(next)}${
          includeNames.length > 0 ? `&includes=${encodeURIComponent(includeNames.join(","))}` : ""
        }`;
  const onlyResource = includes.resources || includes.actions ? resource : undefined;
  return json(200, {
    links: { next: nextLink },
    data: keys.map((identifier) => infoDto(owned.get(identifier)!, includes, onlyResource)),
  });
}

export async function getList(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const auth = await authorizeConditional(ctx, req, false);
  if ("status" in auth) return auth;
  const includes = readIncludes(req);
  if ("status" in includes) return includes;
  const list = lists(ctx)[keyOf(auth.owner, req.params.identifier!)];
  if (!list) return statusProblem(404);
  const refusal = readRefusal(auth.conditions, list);
  if (refusal) return refusal;
  return json(200, infoDto(list, includes), versionHeaders(list));
}

export async function upsertList(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const auth = await authorizeConditional(ctx, req, true);
  if ("status" in auth) return auth;
  const read = readJsonBody(req, "model");
  if ("status" in read) return read;
  const body = read.value;
  if (typeof body.name !== "string") {
    return validationProblem({ Name: ["The Name field is required."] });
  }
  if (body.description !== undefined && body.description !== null) {
    if (typeof body.description !== "string") {
      return validationProblem({
        "$.description": [
          "The JSON value could not be converted to System.String. Path: $.description | LineNumber: 0 | BytePositionInLine: 0.",
        ],
      });
    }
  }
  const name = body.name;
  const description = typeof body.description === "string" ? body.description : "";
  const key = keyOf(auth.owner, req.params.identifier!);
  runRace(ctx, key, "write");
  const existing = lists(ctx)[key];
  // If-Match (a tag or *) forbids creating; the rest are checked against an existing list.
  if (!existing) {
    if (auth.conditions.ifMatch !== undefined) return statusProblem(412);
    const at = now(ctx);
    const created: SimAccessList = {
      owner: auth.owner,
      identifier: req.params.identifier!,
      name,
      description,
      createdAt: at,
      updatedAt: at,
      version: 1,
      members: {},
      connections: {},
    };
    lists(ctx)[key] = created;
    ctx.changed();
    return json(200, infoDto(created), versionHeaders(created));
  }
  const refusal = writeRefusal(auth.conditions, existing);
  if (refusal) return refusal;
  if (existing.name !== name || existing.description !== description) {
    existing.name = name;
    existing.description = description;
    touch(ctx, existing);
    ctx.changed();
  }
  return json(200, infoDto(existing), versionHeaders(existing));
}

export async function deleteList(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const auth = await authorizeConditional(ctx, req, true);
  if ("status" in auth) return auth;
  const key = keyOf(auth.owner, req.params.identifier!);
  runRace(ctx, key, "write");
  const list = lists(ctx)[key];
  if (!list) return empty(204);
  const refusal = writeRefusal(auth.conditions, list);
  if (refusal) return refusal;
  delete lists(ctx)[key];
  delete races(ctx)[key];
  touch(ctx, list);
  ctx.changed();
  return json(200, infoDto(list), versionHeaders(list));
}
