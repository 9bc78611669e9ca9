import { type z } from "zod";
import { oncePerContext, type ProviderContext } from "../lib/context";
import type { HttpResponse } from "../lib/http";
import { serviceClient, type ServiceCall } from "../lib/service-client";
import {
  accessListInfoBody,
  accessListMemberBody,
  pageBody,
  resourceConnectionBody,
  type AccessListInfoDto,
  type AccessListMemberDto,
  type ResourceConnectionDto,
} from "./access-list-bodies";

export type { AccessListInfoDto, AccessListMemberDto, ResourceConnectionDto };

/**
 * Access lists of the Resource Rights Registry (docs/altinn-apis.md section 4), under
 * `/resourceregistry/api/v1/access-lists/{owner}` where `{owner}` is the org code.
 *
 * Scope: `altinn:resourceregistry/accesslist.write` alone, for reads too. The server's read policy
 * accepts the write scope, and one scope set means one token exchange per run. `altinn:serviceowner`
 * is not needed: without the `urn:altinn:org` claim it brings, the server maps the token's consumer
 * org number to the owner's org code through the service-owner list.
 *
 * Every list has one version, sent as a weak ETag. Writes here always carry `If-Match` with the
 * version they were computed from (or `If-None-Match: *` to create), and a 412 surfaces as
 * `PreconditionFailedError` so the caller can read again and retry. Paged reads follow `links.next`
 * and start over from page 1 when a concurrent change invalidates the page token (412).
 */

export const ACCESS_LIST_SCOPES = ["altinn:resourceregistry/accesslist.write"] as const;

/** The most members one POST, PUT or DELETE of members may carry (RR.VLD-00000/00001 above). */
export const MAX_MEMBERS_PER_WRITE = 100;

/** How often a paged read starts over because the list kept changing under it. */
const MAX_PAGING_RESTARTS = 5;

export interface AccessListRef {
  /** The owner's org code. */
  owner: string;
  identifier: string;
}

export interface Versioned<T> {
  value: T;
  /** The list version this value was read or written at: the weak ETag. */
  etag: string;
}

export type WriteCondition = { ifMatch: string } | { ifNoneMatch: "*" };

/** The server answered 412: the list's version is not the one the request was made against. */
export class PreconditionFailedError extends Error {
  constructor(
    readonly list: string,
    operation: string,
  ) {
    super(
      `access list ${list} changed while this tool was working on it (${operation}: 412 Precondition Failed)`,
    );
    this.name = "PreconditionFailedError";
  }
}

export function isPreconditionFailed(error: unknown): error is PreconditionFailedError {
  return error instanceof Error && error.name === "PreconditionFailedError";
}

export function listLabel(ref: AccessListRef): string {
  return `${ref.owner}/${ref.identifier}`;
}

const client = serviceClient({
  service: "Access lists",
  base: (ctx) => `${ctx.settings.endpoints.platform}/resourceregistry/api/v1/access-lists`,
  token: (ctx) => ctx.tokens.altinnToken(ACCESS_LIST_SCOPES),
});

function ownerUrl(ctx: ProviderContext, owner: string): string {
  return `${client.base(ctx)}/${encodeURIComponent(owner)}`;
}

function listUrl(ctx: ProviderContext, ref: AccessListRef): string {
  return `${ownerUrl(ctx, ref.owner)}/${encodeURIComponent(ref.identifier)}`;
}

/** One call with the access-list token; a 412 becomes PreconditionFailedError. */
async function call(
  ctx: ProviderContext,
  ref: AccessListRef,
  request: ServiceCall,
): Promise<HttpResponse> {
  const response = await client.send(ctx, {
    fixFor: (status, _detail, code) => accessListFix(ref, status, code),
    ...request,
    accept: [...(request.accept ?? []), 412],
  });
  if (response.status === 412) throw new PreconditionFailedError(listLabel(ref), request.operation);
  return response;
}

function accessListFix(ref: AccessListRef, status: number, code?: string): string | undefined {
  if (code === "RR-00001") {
    return "one or more members are not known parties: every organisation number must be registered (in tt02, a Tenor test organisation) and every urn:altinn:party:uuid must name an existing party";
  }
  if (code === "RR-00002") {
    return "a connected resource does not exist in the Resource Registry: declare it in the stack (it is created first) or fix resourceConnections";
  }
  if (code === "RR-00004") {
    return `a connected resource belongs to another service owner: an access list of ${ref.owner} can only be connected to ${ref.owner}'s own resources`;
  }
  if (status === 403) {
    return `the token's organisation may not manage access lists of "${ref.owner}": owner must be the org code of the Maskinporten client's organisation, and the client needs the scope altinn:resourceregistry/accesslist.write`;
  }
  return undefined;
}

function etagOf(response: HttpResponse, ref: AccessListRef, operation: string): string {
  const etag = response.headers.etag;
  if (etag === undefined || etag === "") {
    throw new Error(`Access lists: ${operation} of ${listLabel(ref)} answered without an ETag`);
  }
  return etag;
}

function conditionHeaders(condition: WriteCondition): Record<string, string> {
  return "ifMatch" in condition
    ? { "If-Match": condition.ifMatch }
    : { "If-None-Match": condition.ifNoneMatch };
}

function versioned(
  response: HttpResponse,
  ref: AccessListRef,
  request: ServiceCall,
): Versioned<AccessListInfoDto> {
  return {
    value: client.parse(accessListInfoBody, response, request),
    etag: etagOf(response, ref, request.operation),
  };
}

export async function getAccessList(
  ctx: ProviderContext,
  ref: AccessListRef,
): Promise<Versioned<AccessListInfoDto> | undefined> {
  const operation = `read access list ${listLabel(ref)}`;
  const response = await call(ctx, ref, {
    operation,
    method: "GET",
    url: listUrl(ctx, ref),
    accept: [404],
  });
  if (response.status === 404) return undefined;
  return versioned(response, ref, { operation, method: "GET", url: listUrl(ctx, ref) });
}

/** PUT the list's name and description: create-only (`If-None-Match: *`) or at a version. */
export async function putAccessList(
  ctx: ProviderContext,
  ref: AccessListRef,
  body: { name: string; description: string },
  condition: WriteCondition,
): Promise<Versioned<AccessListInfoDto>> {
  ownerListsSnapshot.forget(ctx);
  const operation = `${"ifMatch" in condition ? "update" : "create"} access list ${listLabel(ref)}`;
  const request: ServiceCall = {
    operation,
    method: "PUT",
    url: listUrl(ctx, ref),
    headers: conditionHeaders(condition),
    body,
  };
  return versioned(await call(ctx, ref, request), ref, request);
}

/** DELETE the list with its members and connections; an absent list (204) is already done. */
export async function deleteAccessList(
  ctx: ProviderContext,
  ref: AccessListRef,
): Promise<"deleted" | "absent"> {
  ownerListsSnapshot.forget(ctx);
  const response = await call(ctx, ref, {
    operation: `delete access list ${listLabel(ref)}`,
    method: "DELETE",
    url: listUrl(ctx, ref),
  });
  return response.status === 204 ? "absent" : "deleted";
}

/**
 * Every item of a paged collection, following `links.next` on the platform origin; undefined on an
 * accepted 404 (the list is gone). `pageUrl` sets again what the server's next link drops.
 */
async function everyPage<T extends z.ZodType>(
  ctx: ProviderContext,
  ref: AccessListRef,
  first: { operation: string; url: string; accept?: number[] },
  item: T,
  pageUrl: (url: string) => string = (url) => url,
): Promise<{ items: Array<z.output<T>>; last: HttpResponse } | undefined> {
  const items: Array<z.output<T>> = [];
  let url: string | undefined = first.url;
  let last: HttpResponse | undefined;
  while (url !== undefined) {
    const request: ServiceCall = {
      operation: first.operation,
      method: "GET",
      url: pageUrl(url),
      accept: first.accept,
    };
    last = await call(ctx, ref, request);
    if (last.status === 404) return undefined;
    const page = client.parse(pageBody(item), last, request);
    items.push(...(page.data ?? []));
    url = page.links?.next ? onPlatform(ctx, page.links.next) : undefined;
  }
  return { items, last: last! };
}

/**
 * Every item of a list's paged collection, all read at one list version. A 412 on a `next` link
 * means the list changed between pages (the token carries the version), so the read starts over
 * from page 1. Undefined when the list does not exist.
 */
async function readAllPages<T extends z.ZodType>(
  ctx: ProviderContext,
  ref: AccessListRef,
  url: string,
  what: string,
  item: T,
): Promise<Versioned<Array<z.output<T>>> | undefined> {
  const operation = `read the ${what} of access list ${listLabel(ref)}`;
  for (let restart = 0; restart <= MAX_PAGING_RESTARTS; restart++) {
    try {
      const read = await everyPage(ctx, ref, { operation, url, accept: [404] }, item);
      return read && { value: read.items, etag: etagOf(read.last, ref, operation) };
    } catch (error) {
      if (!isPreconditionFailed(error)) throw error;
    }
  }
  throw new Error(
    `Access lists: ${operation} failed: the list changed ${MAX_PAGING_RESTARTS + 1} times while it was being read page by page; run the command again when other writers are done`,
  );
}

/**
 * A `links.next` as a URL on the configured platform origin: the server builds it from the host it
 * saw, and the bearer token must only go where the stack config points.
 */
export function onPlatform(ctx: ProviderContext, next: string): string {
  const platform = new URL(ctx.settings.endpoints.platform);
  const target = new URL(next, platform);
  return `${platform.origin}${target.pathname}${target.search}`;
}

export function readMembers(
  ctx: ProviderContext,
  ref: AccessListRef,
): Promise<Versioned<AccessListMemberDto[]> | undefined> {
  return readAllPages(ctx, ref, `${listUrl(ctx, ref)}/members`, "members", accessListMemberBody);
}

export function readResourceConnections(
  ctx: ProviderContext,
  ref: AccessListRef,
): Promise<Versioned<ResourceConnectionDto[]> | undefined> {
  return readAllPages(
    ctx,
    ref,
    `${listUrl(ctx, ref)}/resource-connections`,
    "resource connections",
    resourceConnectionBody,
  );
}

/** POST (add) or DELETE (remove) at most 100 members at the list version `ifMatch`; the new ETag. */
export async function changeMembers(
  ctx: ProviderContext,
  ref: AccessListRef,
  change: "add" | "remove",
  partyUrns: string[],
  ifMatch: string,
): Promise<string> {
  if (partyUrns.length > MAX_MEMBERS_PER_WRITE) {
    throw new Error(
      `Access lists: at most ${MAX_MEMBERS_PER_WRITE} members per call, got ${partyUrns.length}`,
    );
  }
  const operation = `${change} ${partyUrns.length} member(s) ${change === "add" ? "to" : "from"} access list ${listLabel(ref)}`;
  const response = await call(ctx, ref, {
    operation,
    method: change === "add" ? "POST" : "DELETE",
    url: `${listUrl(ctx, ref)}/members`,
    headers: { "If-Match": ifMatch },
    body: { data: partyUrns },
    // Adding members is idempotent on the server, so a POST whose answer was lost may be sent again.
    safeToRetry: async () => true,
  });
  return etagOf(response, ref, operation);
}

/** PUT a resource connection (empty filters: every action) at the list version `ifMatch`. */
export async function putResourceConnection(
  ctx: ProviderContext,
  ref: AccessListRef,
  resourceIdentifier: string,
  actionFilters: string[],
  ifMatch: string,
): Promise<string> {
  const operation = `connect resource ${resourceIdentifier} to access list ${listLabel(ref)}`;
  const response = await call(ctx, ref, {
    operation,
    method: "PUT",
    url: `${listUrl(ctx, ref)}/resource-connections/${encodeURIComponent(resourceIdentifier)}`,
    headers: { "If-Match": ifMatch },
    body: { actionFilters },
  });
  return etagOf(response, ref, operation);
}

/** DELETE a resource connection; the new ETag, or undefined when it was already gone (204). */
export async function deleteResourceConnection(
  ctx: ProviderContext,
  ref: AccessListRef,
  resourceIdentifier: string,
  ifMatch: string,
): Promise<string | undefined> {
  const operation = `disconnect resource ${resourceIdentifier} from access list ${listLabel(ref)}`;
  const response = await call(ctx, ref, {
    operation,
    method: "DELETE",
    url: `${listUrl(ctx, ref)}/resource-connections/${encodeURIComponent(resourceIdentifier)}`,
    headers: { "If-Match": ifMatch },
  });
  return response.status === 204 ? undefined : etagOf(response, ref, operation);
}

/**
 * The owner's access lists with their connections to one resource (lists not connected to it have
 * none). The server's next link names the query key `includes`, which the endpoint does not read,
 * and drops `resource`, so both are set again on every page.
 */
export async function listsConnectedTo(
  ctx: ProviderContext,
  owner: string,
  resourceIdentifier: string,
): Promise<AccessListInfoDto[]> {
  const operation = `list the access lists of ${owner} connected to resource ${resourceIdentifier}`;
  const read = await everyPage(
    ctx,
    { owner, identifier: "*" },
    { operation, url: ownerUrl(ctx, owner) },
    accessListInfoBody,
    (url) => {
      const pageUrl = new URL(url);
      pageUrl.searchParams.delete("includes");
      pageUrl.searchParams.set("include", "resources");
      pageUrl.searchParams.set("resource", resourceIdentifier);
      return pageUrl.toString();
    },
  );
  return read?.items ?? [];
}

/** Every access list of the owner (name and description; no members or connections), all pages. */
export async function listAccessLists(
  ctx: ProviderContext,
  owner: string,
): Promise<AccessListInfoDto[]> {
  const read = await everyPage(
    ctx,
    { owner, identifier: "*" },
    { operation: `list the access lists of ${owner}`, url: ownerUrl(ctx, owner) },
    accessListInfoBody,
  );
  return read?.items ?? [];
}

/**
 * The owner's lists as `read` (refresh) first saw them in this run: the names and descriptions of
 * N lists cost one list (a page per 20), not N reads. Forgotten when this run creates, renames or
 * deletes a list.
 */
const ownerListsSnapshot = oncePerContext(listAccessLists);

/** The list's name and description as listed at this run's first read, or read by itself. */
export async function readAccessListInfo(
  ctx: ProviderContext,
  ref: AccessListRef,
): Promise<AccessListInfoDto | undefined> {
  const listed = (await ownerListsSnapshot(ctx, ref.owner)).find(
    (l) => l.identifier === ref.identifier,
  );
  return listed ?? (await getAccessList(ctx, ref))?.value;
}
