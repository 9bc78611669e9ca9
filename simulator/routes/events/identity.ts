import type { JWTPayload } from "jose";
import type { SimContext } from "../../context";
import { empty } from "../../http/replies";
import type { SimRequest, SimResponse } from "../../http/router";
import { consumerOrgnr } from "../../tokens";

export const SUBSCRIBE_SCOPE = "altinn:events.subscribe";

/** An authenticated caller (401 otherwise) and the identity Events files its subscriptions under. */
export async function withIdentity(
  ctx: SimContext,
  req: SimRequest,
  handler: (claims: JWTPayload, entity: string) => SimResponse | Promise<SimResponse>,
): Promise<SimResponse> {
  const authenticated = await ctx.authenticateAltinn(req);
  if ("status" in authenticated) return authenticated;
  const entity = entityOf(authenticated.claims);
  // Events answers a token without an identity it knows with 400 "Invalid creator"-style errors;
  // every token the simulator issues carries an org number, so this is a guard only.
  if (entity === undefined) return empty(403);
  return handler(authenticated.claims, entity);
}

/** SubscriptionService.GetEntityFromPrincipal: the org code, else the organisation number. */
export function entityOf(claims: JWTPayload): string | undefined {
  const org = claims["urn:altinn:org"];
  if (typeof org === "string" && org !== "") return `/org/${org}`;
  const orgNumber = claims["urn:altinn:orgNumber"];
  const orgnr = typeof orgNumber === "string" ? orgNumber : consumerOrgnr(claims);
  return orgnr ? `/organisation/${orgnr}` : undefined;
}
