import { randomBytes } from "node:crypto";
import type { JWTPayload } from "jose";
import type { SimContext } from "../../context";
import { empty, json } from "../../http/replies";
import { readJson } from "../../http/requests";
import type { SimRequest, SimResponse } from "../../http/router";
import type { SimClient } from "../../state-types";
import { bearer, consumerOrgnr, scopesOf } from "../../tokens";

/**
 * A raw Maskinporten token (401 without a valid one, as a bearer-token resource server answers),
 * holding one of `scopes` (403 insufficient_scope), whose `consumer` is the org the call acts for.
 */
export async function withOrg(
  ctx: SimContext,
  req: SimRequest,
  scopes: string[],
  handler: (orgnr: string, claims: JWTPayload) => SimResponse | Promise<SimResponse>,
): Promise<SimResponse> {
  const token = bearer(req.headers);
  if (!token) return empty(401, { "www-authenticate": "Bearer" });
  const claims = await ctx.verifyMaskinporten(token, req.origin);
  const orgnr = claims ? consumerOrgnr(claims) : undefined;
  if (!claims || !orgnr) {
    return empty(401, { "www-authenticate": 'Bearer error="invalid_token"' });
  }
  if (!scopesOf(claims).some((s) => scopes.includes(s))) {
    return empty(403, {
      "www-authenticate": `Bearer error="insufficient_scope", scope="${scopes.join(" ")}"`,
    });
  }
  return handler(orgnr, claims);
}

export async function withClient(
  ctx: SimContext,
  req: SimRequest,
  scopes: string[],
  handler: (client: SimClient, orgnr: string) => SimResponse | Promise<SimResponse>,
): Promise<SimResponse> {
  return withOrg(ctx, req, scopes, (orgnr) => {
    const client = ctx.state.clients[req.params.id!];
    // Another org's client is answered as unknown: the API never shows it to this token.
    if (!client || client.client_orgno !== orgnr) {
      return problem(ctx, 404, [{ message: `Client ${req.params.id} not found` }]);
    }
    return handler(client, orgnr);
  });
}

export interface Problem {
  field?: string;
  message: string;
}

/** The API's error body; see the header comment. */
export function problem(
  ctx: SimContext,
  status: number,
  problems: Problem[],
  objectName = "Client",
): SimResponse {
  const joined = problems.map((p) => `, ${p.message}`).join("");
  return json(
    status,
    {
      status,
      timestamp: new Date(ctx.nowMs()).toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z"),
      correlation_id: randomBytes(16).toString("hex"),
      errors: problems.map((p) => ({
        errorMessage: p.message,
        isFieldError: p.field !== undefined,
        objectName,
        ...(p.field !== undefined ? { fieldIdentifier: p.field } : {}),
      })),
      error: joined,
      error_description: joined,
    },
    { "content-type": "application/json;charset=UTF-8" },
  );
}

export function readBodyObject(req: SimRequest): Record<string, unknown> | undefined {
  try {
    const body = readJson(req);
    return body && typeof body === "object" && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
