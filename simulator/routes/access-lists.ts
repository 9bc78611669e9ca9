import type { RouteModule } from "../context";
import { connectionsPage, getPage, membersPage } from "./access-lists/pages";
import { deleteConnection, upsertConnection } from "./access-lists/connections";
import { ACCESS_LISTS_BASE } from "./access-lists/dto";
import {
  deleteList,
  getList,
  getListsByOwner,
  notImplemented,
  upsertList,
} from "./access-lists/lists";
import { writeMembers } from "./access-lists/members";

/**
 * Access lists of the Resource Rights Registry (altinn-resource-registry AccessListsController,
 * AccessListService, OwnerMustBeOrgcodeFilter, OwnedResourceAuthorizationHandler, ConditionalResult;
 * docs/altinn-apis.md section 4), as the real server answers:
 *
 * - auth: an Altinn token (401), a scope the policy accepts (403, empty body), the token must own
 *   `{owner}` (the `urn:altinn:org` claim, or the `consumer` org number mapped through the org
 *   list; the admin scope is exempt) (403), then `{owner}` must be a registered org code (400
 *   `RR.VLD-00010`; an org number passes the owner check but fails here): access-lists/access.ts;
 * - one version per list, sent as a weak ETag `W/"<base64url {"version":"n"}>"`; `If-Match`,
 *   `If-None-Match` (`*` or weak tags; a strong tag is a 400), `If-Modified-Since`,
 *   `If-Unmodified-Since`; 412 and 404 as ASP.NET ProblemDetails, 304 on a read that matches:
 *   http/conditional.ts;
 * - pages: lists by owner 20, members and connections 100, with an opaque `token` in `links.next`
 *   (absolute). Member and connection tokens carry the list version, so following `next` after a
 *   change gives 412. The owner listing's next link names the query key `includes` while the
 *   endpoint reads `include`, as the real server does: access-lists/pages.ts, lists.ts;
 * - members are party URNs (`urn:altinn:organization:identifier-no:`, `urn:altinn:party:uuid:`,
 *   `urn:altinn:party:id:`), at most 100 per write; an organisation number is only checked for 9
 *   digits and gets a deterministic party uuid and id (parties.ts); an unknown uuid or id is 400
 *   `RR-00001`. Writes that change nothing keep the version.
 *
 * Not simulated: the internal memberships endpoint (platform components only).
 */
export const accessListRoutes: RouteModule = (router, ctx) => {
  const base = `${ACCESS_LISTS_BASE}/{owner}`;
  const list = `${base}/{identifier}`;
  const connection = `${list}/resource-connections/{resourceIdentifier}`;
  router.on("GET", base, (req) => getListsByOwner(ctx, req));
  router.on("GET", list, (req) => getList(ctx, req));
  router.on("PUT", list, (req) => upsertList(ctx, req));
  router.on("DELETE", list, (req) => deleteList(ctx, req));
  router.on("PATCH", list, notImplemented(ctx));
  router.on("GET", `${list}/members`, (req) => getPage(ctx, req, membersPage));
  router.on("PUT", `${list}/members`, (req) => writeMembers(ctx, req, "replace"));
  router.on("POST", `${list}/members`, (req) => writeMembers(ctx, req, "add"));
  router.on("DELETE", `${list}/members`, (req) => writeMembers(ctx, req, "remove"));
  router.on("GET", `${list}/resource-connections`, (req) => getPage(ctx, req, connectionsPage));
  router.on("PUT", connection, (req) => upsertConnection(ctx, req));
  router.on("DELETE", connection, (req) => deleteConnection(ctx, req));
};
