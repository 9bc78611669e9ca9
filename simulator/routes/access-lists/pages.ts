import type { SimContext } from "../../context";
import { readRefusal, versionHeaders } from "../../http/conditional";
import { fromOpaque, toOpaque } from "../../http/opaque";
import { pageOf } from "../../http/paging";
import { statusProblem, validationProblem } from "../../http/problems";
import { json } from "../../http/replies";
import type { SimRequest, SimResponse } from "../../http/router";
import type { SimAccessList } from "../../state-types";
import { authorizeConditional } from "./access";
import { connectionDto, listPath, memberDto } from "./dto";
import { keyOf, lists, runRace } from "./store";

/**
 * Members and connections, 100 to a page in key order, with an opaque `token` in `links.next`
 * (absolute). The token carries the list version, so following `next` after a change gives 412.
 */
const MEMBERS_PAGE_SIZE = 100;
const CONNECTIONS_PAGE_SIZE = 100;

export type ListPage = (req: SimRequest, list: SimAccessList, continueFrom?: string) => unknown;

/** One page of members in party-uuid order, with the version-bound next link. */
export const membersPage: ListPage = (req, list, continueFrom) => {
  const { keys, next } = pageOf(Object.keys(list.members).sort(), MEMBERS_PAGE_SIZE, continueFrom);
  return {
    links: { next: nextLink(req, list, "members", next) },
    data: keys.map((uuid) => memberDto(uuid, list.members[uuid]!.since)),
  };
};

export const connectionsPage: ListPage = (req, list, continueFrom) => {
  const ids = Object.keys(list.connections).sort();
  const { keys, next } = pageOf(ids, CONNECTIONS_PAGE_SIZE, continueFrom);
  return {
    links: { next: nextLink(req, list, "resource-connections", next) },
    data: keys.map((id) => connectionDto(id, list.connections[id]!, true)),
  };
};

function nextLink(
  req: SimRequest,
  list: SimAccessList,
  collection: string,
  next: string | undefined,
): string | null {
  if (next === undefined) return null;
  const token = toOpaque({ Version: list.version, ContinueFrom: next });
  return `${req.origin}${listPath(list)}/${collection}?token=${token}`;
}

/** The continuation token of a versioned page: `{Version, ContinueFrom}` as opaque JSON. */
function readVersionedToken(
  req: SimRequest,
): { version: number; continueFrom: string } | undefined | SimResponse {
  const raw = req.query.get("token");
  if (raw === null) return undefined;
  const decoded = fromOpaque(raw) as { Version?: unknown; ContinueFrom?: unknown } | undefined;
  if (!decoded || typeof decoded.Version !== "number" || typeof decoded.ContinueFrom !== "string") {
    return validationProblem({ token: [`The value '${raw}' is not valid for token.`] });
  }
  return { version: decoded.Version, continueFrom: decoded.ContinueFrom };
}

/** GET of a list's members or connections: a page after a `next` token lets a queued race land. */
export async function getPage(
  ctx: SimContext,
  req: SimRequest,
  page: ListPage,
): Promise<SimResponse> {
  const auth = await authorizeConditional(ctx, req, false);
  if ("status" in auth) return auth;
  const token = readVersionedToken(req);
  if (token && "status" in token) return token;
  const key = keyOf(auth.owner, req.params.identifier!);
  if (token) runRace(ctx, key, "next-page");
  const list = lists(ctx)[key];
  if (!list) return statusProblem(404);
  // The token carries the version it was made at: a changed list invalidates it (412).
  if (token && token.version !== list.version) return statusProblem(412);
  const refusal = readRefusal(auth.conditions, list);
  if (refusal) return refusal;
  return json(200, page(req, list, token?.continueFrom), versionHeaders(list));
}
