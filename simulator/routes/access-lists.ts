import { createHash } from "node:crypto";
import type { JWTPayload } from "jose";
import {
  altinnProblem,
  altinnValidationProblem,
  empty,
  json,
  readJson,
  readJsonBody,
  traceId,
  validationProblem,
  type Router,
  type SimRequest,
  type SimResponse,
} from "../router";
import type { RouteModule, SimContext } from "../server";
import {
  currentResource,
  findResource,
  type SimAccessList,
  type SimAccessListConnection,
  type SimAccessListRace,
} from "../state";
import { consumerOrgnr, scopesOf } from "../tokens";

/**
 * Access lists of the Resource Rights Registry (altinn-resource-registry AccessListsController,
 * AccessListService, OwnerMustBeOrgcodeFilter, OwnedResourceAuthorizationHandler, ConditionalResult;
 * docs/altinn-apis.md section 4), as the real server answers:
 *
 * - auth: an Altinn token (401), a scope the policy accepts (403, empty body), the token must own
 *   `{owner}` (the `urn:altinn:org` claim, or the `consumer` org number mapped through the org
 *   list; the admin scope is exempt) (403), then `{owner}` must be a registered org code (400
 *   `RR.VLD-00010`; an org number passes the owner check but fails here);
 * - one version per list, sent as a weak ETag `W/"<base64url {"version":"n"}>"`; `If-Match`,
 *   `If-None-Match` (`*` or weak tags; a strong tag is a 400), `If-Modified-Since`,
 *   `If-Unmodified-Since`; 412 and 404 as ASP.NET ProblemDetails, 304 on a read that matches;
 * - pages: lists by owner 20, members and connections 100, with an opaque `token` in `links.next`
 *   (absolute). Member and connection tokens carry the list version, so following `next` after a
 *   change gives 412. The owner listing's next link names the query key `includes` while the
 *   endpoint reads `include`, as the real server does;
 * - members are party URNs (`urn:altinn:organization:identifier-no:`, `urn:altinn:party:uuid:`,
 *   `urn:altinn:party:id:`), at most 100 per write; an organisation number is only checked for 9
 *   digits and gets a deterministic party uuid and id (`partyOfOrganization`); an unknown uuid or
 *   id is 400 `RR-00001`. Writes that change nothing keep the version.
 *
 * Not simulated: the internal memberships endpoint (platform components only).
 */
export const ACCESS_LISTS_BASE = "/resourceregistry/api/v1/access-lists";

const ADMIN_SCOPE = "altinn:resourceregistry/resource.admin";
const READ_SCOPES = [
  ADMIN_SCOPE,
  "altinn:resourceregistry/accesslist.read",
  "altinn:resourceregistry/accesslist.write",
];
const WRITE_SCOPES = [ADMIN_SCOPE, "altinn:resourceregistry/accesslist.write"];

const LISTS_PAGE_SIZE = 20;
const MEMBERS_PAGE_SIZE = 100;
const CONNECTIONS_PAGE_SIZE = 100;
const MAX_MEMBERS_PER_WRITE = 100;

const ORGANIZATION_URN = "urn:altinn:organization:identifier-no:";
const PARTY_UUID_URN = "urn:altinn:party:uuid:";
const PARTY_ID_URN = "urn:altinn:party:id:";

// ---------------------------------------------------------------------------------------------
// Parties: organisations get a party uuid and id derived from their number, both invertible, so
// members can be named by any of the three URNs without a register.

/** Party ids of organisations: the organisation number offset into a range no real id uses. */
const PARTY_ID_OFFSET = 100_000_000;

export interface SimParty {
  uuid: string;
  partyId: number;
  orgnr: string;
}

/** The simulator's party for an organisation number: a stable uuid (ending in the number) and id. */
export function partyOfOrganization(orgnr: string): SimParty {
  const h = createHash("sha256").update(`altinn-iac simulator party ${orgnr}`).digest("hex");
  return {
    uuid: `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(12, 15)}-8${h.slice(15, 18)}-000${orgnr}`,
    partyId: PARTY_ID_OFFSET + Number(orgnr),
    orgnr,
  };
}

/** The organisation number of one of the simulator's organisation party ids, if it is one. */
export function organizationOfPartyId(partyId: number): string | undefined {
  const orgnr = String(partyId - PARTY_ID_OFFSET);
  return /^\d{9}$/.test(orgnr) ? orgnr : undefined;
}

type PartyLookup = { party: SimParty } | { unknown: true } | { invalid: true };

function lookupParty(urn: string): PartyLookup {
  if (urn.startsWith(ORGANIZATION_URN)) {
    const orgnr = urn.slice(ORGANIZATION_URN.length);
    return /^\d{9}$/.test(orgnr) ? { party: partyOfOrganization(orgnr) } : { invalid: true };
  }
  if (urn.startsWith(PARTY_UUID_URN)) {
    const uuid = urn.slice(PARTY_UUID_URN.length).toLowerCase();
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(uuid)) {
      return { invalid: true };
    }
    const orgnr = /-000(\d{9})$/.exec(uuid)?.[1];
    return orgnr !== undefined && partyOfOrganization(orgnr).uuid === uuid
      ? { party: partyOfOrganization(orgnr) }
      : { unknown: true };
  }
  if (urn.startsWith(PARTY_ID_URN)) {
    const text = urn.slice(PARTY_ID_URN.length);
    if (!/^\d{1,10}$/.test(text)) return { invalid: true };
    const orgnr = Number(text) - PARTY_ID_OFFSET;
    return orgnr >= 0 && orgnr <= 999_999_999
      ? { party: partyOfOrganization(String(orgnr).padStart(9, "0")) }
      : { unknown: true };
  }
  return { invalid: true };
}

function orgnrOfUuid(uuid: string): string | undefined {
  const found = lookupParty(`${PARTY_UUID_URN}${uuid}`);
  return "party" in found ? found.party.orgnr : undefined;
}

// ---------------------------------------------------------------------------------------------
// Versions, ETags and request conditions.

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

function fromBase64url(text: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

export function etagOf(version: number): string {
  return `W/"${base64url({ version: String(version) })}"`;
}

interface Conditions {
  ifMatch?: "*" | number[];
  ifNoneMatch?: "*" | number[];
  ifModifiedSince?: number;
  ifUnmodifiedSince?: number;
}

function header(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/** Request conditions as the model binder reads them; a strong or unreadable ETag is a 400. */
function readConditions(req: SimRequest): Conditions | SimResponse {
  const conditions: Conditions = {};
  for (const [name, key] of [
    ["if-match", "ifMatch"],
    ["if-none-match", "ifNoneMatch"],
  ] as const) {
    const raw = header(req, name);
    if (raw === undefined) continue;
    const tags = raw
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
    if (tags.includes("*")) {
      conditions[key] = "*";
      continue;
    }
    const versions: number[] = [];
    for (const tag of tags) {
      const weak = /^W\/"([^"]*)"$/.exec(tag);
      if (!weak) {
        return validationProblem({ [toHeaderName(name)]: ["Only weak etags are supported"] });
      }
      const decoded = fromBase64url(weak[1]!) as { version?: unknown } | undefined;
      const version = Number(decoded?.version);
      if (!Number.isSafeInteger(version)) {
        return validationProblem({ [toHeaderName(name)]: [`The value '${tag}' is not valid.`] });
      }
      versions.push(version);
    }
    conditions[key] = versions;
  }
  for (const [name, key] of [
    ["if-modified-since", "ifModifiedSince"],
    ["if-unmodified-since", "ifUnmodifiedSince"],
  ] as const) {
    const raw = header(req, name);
    if (raw === undefined) continue;
    const at = Date.parse(raw);
    if (Number.isNaN(at)) {
      return validationProblem({ [toHeaderName(name)]: [`The value '${raw}' is not valid.`] });
    }
    conditions[key] = at;
  }
  return conditions;
}

function toHeaderName(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

type ConditionResult = "succeeded" | "failed" | "unmodified";

function seconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** IVersionedEntityCondition.Validate against an existing list (reads may be "unmodified"). */
function validate(conditions: Conditions, list: SimAccessList, read: boolean): ConditionResult {
  const { ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince } = conditions;
  if (ifMatch !== undefined && ifMatch !== "*" && !ifMatch.includes(list.version)) return "failed";
  if (
    ifUnmodifiedSince !== undefined &&
    seconds(list.updatedAt) > Math.floor(ifUnmodifiedSince / 1000)
  ) {
    return "failed";
  }
  const noneMatched =
    ifNoneMatch !== undefined && (ifNoneMatch === "*" || ifNoneMatch.includes(list.version));
  const notModified =
    ifModifiedSince !== undefined && seconds(list.updatedAt) <= Math.floor(ifModifiedSince / 1000);
  if (noneMatched || notModified) return read ? "unmodified" : "failed";
  return "succeeded";
}

function versionHeaders(list: SimAccessList): Record<string, string> {
  return {
    etag: etagOf(list.version),
    "last-modified": new Date(list.updatedAt).toUTCString(),
  };
}

/** ASP.NET's client-error ProblemDetails ([ApiController] maps 404 and 412 to these). */
function clientError(status: 404 | 412): SimResponse {
  const [title, section] =
    status === 404 ? ["Not Found", "15.5.5"] : ["Precondition Failed", "15.5.13"];
  return json(
    status,
    {
      type: `https://tools.ietf.org/html/rfc9110#section-${section}`,
      title,
      status,
      traceId: traceId(),
    },
    { "content-type": "application/problem+json; charset=utf-8" },
  );
}

function conditionalFailure(result: ConditionResult, list: SimAccessList): SimResponse | undefined {
  if (result === "failed") return clientError(412);
  if (result === "unmodified") return empty(304, versionHeaders(list));
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Auth and owner.

function isAdmin(claims: JWTPayload): boolean {
  return scopesOf(claims).includes(ADMIN_SCOPE);
}

/** OwnedResourceAuthorizationHandler.MatchResourceOwner. */
function ownsOwner(ctx: SimContext, claims: JWTPayload, owner: string): boolean {
  const orgnr = consumerOrgnr(claims);
  if (/^\d{9}$/.test(owner)) return orgnr === owner;
  const orgClaim = claims["urn:altinn:org"];
  if (typeof orgClaim === "string" && orgClaim !== "") {
    return orgClaim.toLowerCase() === owner.toLowerCase();
  }
  if (orgnr === undefined) return false;
  return Object.entries(ctx.state.orgs).some(
    ([code, org]) => org.orgnr === orgnr && code.toLowerCase() === owner.toLowerCase(),
  );
}

interface Authorized {
  claims: JWTPayload;
  /** The owner as the org list spells it. */
  owner: string;
}

async function authorize(
  ctx: SimContext,
  req: SimRequest,
  write: boolean,
): Promise<Authorized | SimResponse> {
  const authenticated = await ctx.authenticateAltinn(req);
  if (!("iss" in authenticated) && "status" in authenticated) {
    return authenticated as SimResponse;
  }
  const claims = authenticated as JWTPayload;
  const allowed = write ? WRITE_SCOPES : READ_SCOPES;
  if (!scopesOf(claims).some((s) => allowed.includes(s))) return empty(403);
  const requested = req.params.owner!;
  if (!isAdmin(claims) && !ownsOwner(ctx, claims, requested)) return empty(403);
  const code = Object.keys(ctx.state.orgs).find((c) => c.toLowerCase() === requested.toLowerCase());
  if (code === undefined) {
    return altinnValidationProblem([
      {
        code: "RR.VLD-00010",
        detail: "Access list owner must be a valid and registered org-code.",
        paths: ["/$PATH/owner"],
      },
    ]);
  }
  return { claims, owner: code };
}

// ---------------------------------------------------------------------------------------------
// State access.

function lists(ctx: SimContext): Record<string, SimAccessList> {
  // A state file persisted before access lists existed has no such field.
  return (ctx.state.accessLists ??= {});
}

function races(ctx: SimContext): Record<string, SimAccessListRace> {
  return (ctx.state.accessListRaces ??= {});
}

function keyOf(owner: string, identifier: string): string {
  return `${owner}/${identifier}`;
}

function now(ctx: SimContext): string {
  return new Date(ctx.nowMs()).toISOString();
}

function touch(ctx: SimContext, list: SimAccessList): void {
  list.version += 1;
  list.updatedAt = now(ctx);
}

/** Applies another writer's change queued for this list, as if it landed just before this request. */
function runRace(ctx: SimContext, key: string, trigger: SimAccessListRace["trigger"]): void {
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

// ---------------------------------------------------------------------------------------------
// DTOs.

type Includes = { resources: boolean; actions: boolean; members: boolean };

function connectionDto(
  resourceIdentifier: string,
  connection: SimAccessListConnection,
  withActions: boolean,
): Record<string, unknown> {
  return {
    resourceIdentifier,
    createdAt: connection.createdAt,
    updatedAt: connection.updatedAt,
    // null (left out) means every action; the `resources` include never shows filters.
    ...(withActions && connection.actionFilters.length > 0
      ? { actionFilters: connection.actionFilters }
      : {}),
  };
}

function infoDto(
  list: SimAccessList,
  includes?: Includes,
  onlyResource?: string,
): Record<string, unknown> {
  const dto: Record<string, unknown> = {
    urn: `urn:altinn:access-list:${list.owner}:${list.identifier}`,
    identifier: list.identifier,
    name: list.name,
    description: list.description,
    createdAt: list.createdAt,
    updatedAt: list.updatedAt,
  };
  if (includes?.resources || includes?.actions) {
    dto.resourceConnections = Object.keys(list.connections)
      .sort()
      .filter((id) => onlyResource === undefined || id === onlyResource)
      .map((id) => connectionDto(id, list.connections[id]!, includes.actions));
  }
  return dto;
}

function memberDto(uuid: string, since: string): Record<string, unknown> {
  const orgnr = orgnrOfUuid(uuid);
  return {
    id: `${PARTY_UUID_URN}${uuid}`,
    since,
    identifiers: {
      "urn:altinn:party:uuid": uuid,
      ...(orgnr !== undefined
        ? {
            "urn:altinn:party:id": partyOfOrganization(orgnr).partyId,
            "urn:altinn:organization:identifier-no": orgnr,
          }
        : {}),
    },
  };
}

function listPath(list: SimAccessList): string {
  return `${ACCESS_LISTS_BASE}/${encodeURIComponent(list.owner)}/${encodeURIComponent(list.identifier)}`;
}

/** One page of members in party-uuid order, with the version-bound next link. */
function membersPage(req: SimRequest, list: SimAccessList, continueFrom?: string): unknown {
  const ids = Object.keys(list.members).sort();
  const start = continueFrom === undefined ? 0 : lowerBound(ids, continueFrom);
  const next = ids[start + MEMBERS_PAGE_SIZE];
  return {
    links: {
      next:
        next === undefined
          ? null
          : `${req.origin}${listPath(list)}/members?token=${base64url({ Version: list.version, ContinueFrom: next })}`,
    },
    data: ids
      .slice(start, start + MEMBERS_PAGE_SIZE)
      .map((uuid) => memberDto(uuid, list.members[uuid]!.since)),
  };
}

function connectionsPage(req: SimRequest, list: SimAccessList, continueFrom?: string): unknown {
  const ids = Object.keys(list.connections).sort();
  const start = continueFrom === undefined ? 0 : lowerBound(ids, continueFrom);
  const next = ids[start + CONNECTIONS_PAGE_SIZE];
  return {
    links: {
      next:
        next === undefined
          ? null
          : `${req.origin}${listPath(list)}/resource-connections?token=${base64url({ Version: list.version, ContinueFrom: next })}`,
    },
    data: ids
      .slice(start, start + CONNECTIONS_PAGE_SIZE)
      .map((id) => connectionDto(id, list.connections[id]!, true)),
  };
}

function lowerBound(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---------------------------------------------------------------------------------------------
// Request bodies and query values.

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

/** The continuation token of a versioned page: `{Version, ContinueFrom}` as opaque JSON. */
function readVersionedToken(
  req: SimRequest,
): { version: number; continueFrom: string } | undefined | SimResponse {
  const raw = req.query.get("token");
  if (raw === null) return undefined;
  const decoded = fromBase64url(raw) as { Version?: unknown; ContinueFrom?: unknown } | undefined;
  if (!decoded || typeof decoded.Version !== "number" || typeof decoded.ContinueFrom !== "string") {
    return validationProblem({ token: [`The value '${raw}' is not valid for token.`] });
  }
  return { version: decoded.Version, continueFrom: decoded.ContinueFrom };
}

/** UpsertAccessListPartyMembersListDto: `{"data": [PartyUrn, ...]}`. */
function readMembersBody(req: SimRequest): string[] | SimResponse {
  let body: unknown;
  try {
    body = readJson(req);
  } catch (error) {
    return validationProblem({ $: [`'${(error as Error).message}' is an invalid JSON literal.`] });
  }
  if (body === undefined || body === null) {
    return validationProblem({
      "": ["A non-empty request body is required."],
      members: ["The members field is required."],
    });
  }
  const data = (body as { data?: unknown }).data;
  if (!Array.isArray(data)) {
    return validationProblem({ data: ["The data field is required."] });
  }
  for (const [index, urn] of data.entries()) {
    if (typeof urn !== "string" || "invalid" in lookupParty(urn)) {
      return validationProblem({
        [`$.data[${index}]`]: [
          `The JSON value could not be converted to Altinn.ResourceRegistry.Core.Register.PartyUrn. Path: $.data[${index}] | LineNumber: 0 | BytePositionInLine: 0.`,
        ],
      });
    }
  }
  return data as string[];
}

/** Party uuids of the URNs, or 400 RR-00001 when one is not a known party. */
function resolveMembers(urns: string[]): string[] | SimResponse {
  const uuids: string[] = [];
  for (const urn of urns) {
    const found = lookupParty(urn);
    if (!("party" in found)) {
      return altinnProblem(400, "RR-00001", "One or more party references not found.");
    }
    uuids.push(found.party.uuid);
  }
  return uuids;
}

// ---------------------------------------------------------------------------------------------
// Handlers.

type Handler = (req: SimRequest) => Promise<SimResponse>;

export const accessListRoutes: RouteModule = (router, ctx) => {
  const base = `${ACCESS_LISTS_BASE}/{owner}`;
  router.on("GET", base, (req) => getListsByOwner(ctx, req));
  router.on("GET", `${base}/{identifier}`, (req) => getList(ctx, req));
  router.on("PUT", `${base}/{identifier}`, (req) => upsertList(ctx, req));
  router.on("DELETE", `${base}/{identifier}`, (req) => deleteList(ctx, req));
  router.on("PATCH", `${base}/{identifier}`, notImplemented(ctx));
  router.on("GET", `${base}/{identifier}/members`, (req) => getMembers(ctx, req));
  router.on("PUT", `${base}/{identifier}/members`, (req) => writeMembers(ctx, req, "replace"));
  router.on("POST", `${base}/{identifier}/members`, (req) => writeMembers(ctx, req, "add"));
  router.on("DELETE", `${base}/{identifier}/members`, (req) => writeMembers(ctx, req, "remove"));
  router.on("GET", `${base}/{identifier}/resource-connections`, (req) => getConnections(ctx, req));
  router.on("PUT", `${base}/{identifier}/resource-connections/{resourceIdentifier}`, (req) =>
    upsertConnection(ctx, req),
  );
  router.on("DELETE", `${base}/{identifier}/resource-connections/{resourceIdentifier}`, (req) =>
    deleteConnection(ctx, req),
  );
};

function notImplemented(ctx: SimContext): Handler {
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

async function getListsByOwner(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
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
    const decoded = fromBase64url(rawToken);
    if (typeof decoded !== "string") {
      return validationProblem({ token: [`The value '${rawToken}' is not valid for token.`] });
    }
    continueFrom = decoded;
  }
  const owned = Object.values(lists(ctx))
    .filter((l) => l.owner === auth.owner)
    .sort((a, b) => (a.identifier < b.identifier ? -1 : a.identifier > b.identifier ? 1 : 0));
  const identifiers = owned.map((l) => l.identifier);
  const start = continueFrom === undefined ? 0 : lowerBound(identifiers, continueFrom);
  const nextList = owned[start + LISTS_PAGE_SIZE];
  const includeNames = [
    ...(includes.resources ? ["resources"] : []),
    ...(includes.actions ? ["resource-actions"] : []),
  ];
  // The real next link names the key `includes` (the endpoint reads `include`) and drops
  // `resource`: a client must add both back when it follows the link.
  const next =
    nextList === undefined
      ? null
      : `${req.origin}${ACCESS_LISTS_BASE}/${encodeURIComponent(auth.owner)}?token=${base64url(nextList.identifier)}${
          includeNames.length > 0 ? `&includes=${encodeURIComponent(includeNames.join(","))}` : ""
        }`;
  return json(200, {
    links: { next },
    data: owned
      .slice(start, start + LISTS_PAGE_SIZE)
      .map((l) =>
        infoDto(l, includes, includes.resources || includes.actions ? resource : undefined),
      ),
  });
}

async function getList(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const auth = await authorize(ctx, req, false);
  if ("status" in auth) return auth;
  const conditions = readConditions(req);
  if ("status" in conditions) return conditions;
  const includes = readIncludes(req);
  if ("status" in includes) return includes;
  const list = lists(ctx)[keyOf(auth.owner, req.params.identifier!)];
  if (!list) return clientError(404);
  const failure = conditionalFailure(validate(conditions, list, true), list);
  if (failure) return failure;
  return json(200, infoDto(list, includes), versionHeaders(list));
}

async function upsertList(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const auth = await authorize(ctx, req, true);
  if ("status" in auth) return auth;
  const conditions = readConditions(req);
  if ("status" in conditions) return conditions;
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
    if (conditions.ifMatch !== undefined) return clientError(412);
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
  if (validate(conditions, existing, false) !== "succeeded") return clientError(412);
  if (existing.name !== name || existing.description !== description) {
    existing.name = name;
    existing.description = description;
    touch(ctx, existing);
    ctx.changed();
  }
  return json(200, infoDto(existing), versionHeaders(existing));
}

async function deleteList(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const auth = await authorize(ctx, req, true);
  if ("status" in auth) return auth;
  const conditions = readConditions(req);
  if ("status" in conditions) return conditions;
  const key = keyOf(auth.owner, req.params.identifier!);
  runRace(ctx, key, "write");
  const list = lists(ctx)[key];
  if (!list) return empty(204);
  if (validate(conditions, list, false) !== "succeeded") return clientError(412);
  delete lists(ctx)[key];
  delete races(ctx)[key];
  touch(ctx, list);
  ctx.changed();
  return json(200, infoDto(list), versionHeaders(list));
}

async function getMembers(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const auth = await authorize(ctx, req, false);
  if ("status" in auth) return auth;
  const conditions = readConditions(req);
  if ("status" in conditions) return conditions;
  const token = readVersionedToken(req);
  if (token && "status" in token) return token;
  const key = keyOf(auth.owner, req.params.identifier!);
  if (token) runRace(ctx, key, "next-page");
  const list = lists(ctx)[key];
  if (!list) return clientError(404);
  // The token carries the version it was made at: a changed list invalidates it (412).
  if (token && token.version !== list.version) return clientError(412);
  const failure = conditionalFailure(validate(conditions, list, true), list);
  if (failure) return failure;
  return json(200, membersPage(req, list, token?.continueFrom), versionHeaders(list));
}

async function writeMembers(
  ctx: SimContext,
  req: SimRequest,
  mode: "replace" | "add" | "remove",
): Promise<SimResponse> {
  const auth = await authorize(ctx, req, true);
  if ("status" in auth) return auth;
  const conditions = readConditions(req);
  if ("status" in conditions) return conditions;
  const urns = readMembersBody(req);
  if ("status" in urns) return urns;
  if (urns.length > MAX_MEMBERS_PER_WRITE) {
    return altinnValidationProblem([
      mode === "replace"
        ? {
            code: "RR.VLD-00000",
            detail:
              "Cannot replace more than 100 members at a time. Use POST and DELETE methods instead.",
            paths: ["/data"],
          }
        : {
            code: "RR.VLD-00001",
            detail: "Cannot add or remove more than 100 members at a time.",
            paths: ["/data"],
          },
    ]);
  }
  const key = keyOf(auth.owner, req.params.identifier!);
  runRace(ctx, key, "write");
  const list = lists(ctx)[key];
  if (!list) return clientError(404);
  if (validate(conditions, list, false) !== "succeeded") return clientError(412);
  const uuids = resolveMembers(urns);
  if ("status" in uuids) return uuids;
  const wanted = new Set(uuids);
  let changed = false;
  if (mode === "replace") {
    for (const uuid of Object.keys(list.members)) {
      if (!wanted.has(uuid)) {
        delete list.members[uuid];
        changed = true;
      }
    }
  }
  if (mode === "remove") {
    for (const uuid of wanted) {
      if (list.members[uuid]) {
        delete list.members[uuid];
        changed = true;
      }
    }
  } else {
    for (const uuid of wanted) {
      if (!list.members[uuid]) {
        list.members[uuid] = { since: now(ctx) };
        changed = true;
      }
    }
  }
  if (changed) {
    touch(ctx, list);
    ctx.changed();
  }
  return json(200, membersPage(req, list), versionHeaders(list));
}

async function getConnections(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const auth = await authorize(ctx, req, false);
  if ("status" in auth) return auth;
  const conditions = readConditions(req);
  if ("status" in conditions) return conditions;
  const token = readVersionedToken(req);
  if (token && "status" in token) return token;
  const key = keyOf(auth.owner, req.params.identifier!);
  if (token) runRace(ctx, key, "next-page");
  const list = lists(ctx)[key];
  if (!list) return clientError(404);
  if (token && token.version !== list.version) return clientError(412);
  const failure = conditionalFailure(validate(conditions, list, true), list);
  if (failure) return failure;
  return json(200, connectionsPage(req, list, token?.continueFrom), versionHeaders(list));
}

async function upsertConnection(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const auth = await authorize(ctx, req, true);
  if ("status" in auth) return auth;
  const conditions = readConditions(req);
  if ("status" in conditions) return conditions;
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
  const key = keyOf(auth.owner, req.params.identifier!);
  runRace(ctx, key, "write");
  const list = lists(ctx)[key];
  if (!list) return clientError(404);
  if (validate(conditions, list, false) !== "succeeded") return clientError(412);
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

async function deleteConnection(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const auth = await authorize(ctx, req, true);
  if ("status" in auth) return auth;
  const conditions = readConditions(req);
  if ("status" in conditions) return conditions;
  const key = keyOf(auth.owner, req.params.identifier!);
  runRace(ctx, key, "write");
  const list = lists(ctx)[key];
  if (!list) return clientError(404);
  if (validate(conditions, list, false) !== "succeeded") return clientError(412);
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

// ---------------------------------------------------------------------------------------------
// Admin: changes behind the tool's back, and races at an exact point (never logged as calls).

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
