import type { JWTPayload } from "jose";
import type { SimContext } from "../../context";
import { readConditions, type Conditions } from "../../http/conditional";
import { altinnValidationProblem } from "../../http/problems";
import { empty } from "../../http/replies";
import type { SimRequest, SimResponse } from "../../http/router";
import { consumerOrgnr, scopesOf } from "../../tokens";

/**
 * Who may call the access-list endpoints (AccessListsController's policies,
 * OwnedResourceAuthorizationHandler, OwnerMustBeOrgcodeFilter): an Altinn token (401), a scope the
 * policy accepts (403, empty body), ownership of `{owner}` (403; the admin scope is exempt), then
 * `{owner}` a registered org code (400 `RR.VLD-00010`).
 */
const ADMIN_SCOPE = "altinn:resourceregistry/resource.admin";
const READ_SCOPES = [
  ADMIN_SCOPE,
  "altinn:resourceregistry/accesslist.read",
  "altinn:resourceregistry/accesslist.write",
];
const WRITE_SCOPES = [ADMIN_SCOPE, "altinn:resourceregistry/accesslist.write"];

export function isAdmin(claims: JWTPayload): boolean {
  return scopesOf(claims).includes(ADMIN_SCOPE);
}

/** OwnedResourceAuthorizationHandler.MatchResourceOwner. */
export function ownsOwner(ctx: SimContext, claims: JWTPayload, owner: string): boolean {
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

export interface Authorized {
  claims: JWTPayload;
  /** The owner as the org list spells it. */
  owner: string;
}

export async function authorize(
  ctx: SimContext,
  req: SimRequest,
  write: boolean,
): Promise<Authorized | SimResponse> {
  const authenticated = await ctx.authenticateAltinn(req);
  if ("status" in authenticated) return authenticated;
  const { claims } = authenticated;
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

/** An authorized caller and the request's conditions, read in the server's order. */
export async function authorizeConditional(
  ctx: SimContext,
  req: SimRequest,
  write: boolean,
): Promise<(Authorized & { conditions: Conditions }) | SimResponse> {
  const auth = await authorize(ctx, req, write);
  if ("status" in auth) return auth;
  const conditions = readConditions(req);
  if ("status" in conditions) return conditions;
  return { ...auth, conditions };
}
