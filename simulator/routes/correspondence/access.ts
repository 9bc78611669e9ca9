import type { JWTPayload } from "jose";
import { decide, type DecisionRequest } from "../../../policies/evaluate";
import { readPolicy } from "../../../policies/parse";
import type { SimContext } from "../../context";
import { empty } from "../../http/replies";
import type { SimRequest, SimResponse } from "../../http/router";
import { bearer, consumerOrgnr, scopesOf } from "../../tokens";

/**
 * Who may send (altinn-correspondence Auth/DependencyInjection.cs, AltinnAuthorizationService):
 * an Altinn token with `altinn:correspondence.write`, or a raw Maskinporten token with both
 * `altinn:serviceowner` and `altinn:correspondence.write`; then the service-owner bypass or the PDP.
 */
const WRITE_SCOPE = "altinn:correspondence.write";
const SERVICE_OWNER_SCOPE = "altinn:serviceowner";

export interface Caller {
  claims: JWTPayload;
  scheme: "Altinn" | "Maskinporten";
}

/** The caller's token under either scheme, or the response the authentication layer gives. */
export async function authenticate(
  ctx: SimContext,
  req: SimRequest,
): Promise<Caller | SimResponse> {
  const token = bearer(req.headers);
  if (!token) return empty(401, { "www-authenticate": "Bearer" });
  const altinn = await ctx.verifyAltinn(token, req.origin);
  if (altinn) {
    return scopesOf(altinn).includes(WRITE_SCOPE)
      ? { claims: altinn, scheme: "Altinn" }
      : empty(403);
  }
  const mp = await ctx.verifyMaskinporten(token, req.origin);
  if (mp) {
    const scopes = scopesOf(mp);
    return scopes.includes(WRITE_SCOPE) && scopes.includes(SERVICE_OWNER_SCOPE)
      ? { claims: mp, scheme: "Maskinporten" }
      : empty(403);
  }
  return empty(401, { "www-authenticate": 'Bearer error="invalid_token"' });
}

/**
 * The subject of the PDP request as Altinn.Common.PEP's DecisionHelper builds it from the token's
 * claims: the org number claim becomes `urn:altinn:organizationnumber` and
 * `urn:altinn:organization:identifier-no`, scope becomes `urn:scope`, other `urn:` claims are kept.
 */
function subjectOf(claims: JWTPayload): DecisionRequest["subject"] {
  const subject: Record<string, string | string[]> = {};
  for (const [type, value] of Object.entries(claims)) {
    if (value === undefined || value === null || typeof value === "object") continue;
    const text = String(value);
    if (type === "urn:altinn:orgNumber") {
      subject["urn:altinn:organizationnumber"] = text;
      subject["urn:altinn:organization:identifier-no"] = text;
    } else if (type === "scope") {
      subject["urn:scope"] = text;
    } else if (type.startsWith("urn:")) {
      subject[type] = text;
    }
  }
  return subject;
}

/**
 * AltinnAuthorizationService.CheckUserAccess for `write`: the service-owner bypass, else the PDP
 * over the resource's stored policy. A policy that cannot be read decides nothing (deny).
 */
export function senderMayWrite(
  ctx: SimContext,
  caller: Caller,
  resourceId: string,
  ownerOrgnr: string,
): boolean {
  const consumer = consumerOrgnr(caller.claims);
  if (scopesOf(caller.claims).includes(SERVICE_OWNER_SCOPE) && consumer === ownerOrgnr) {
    return true;
  }
  const xml = Object.entries(ctx.state.policies).find(
    ([id]) => id.toLowerCase() === resourceId.toLowerCase(),
  )?.[1];
  if (xml === undefined) return false;
  const { policy } = readPolicy(xml, { resourceId });
  if (!policy) return false;
  return (
    decide(policy, { subject: subjectOf(caller.claims), action: "write" }, resourceId) === "Permit"
  );
}
