import { createPublicKey } from "node:crypto";
import type { SimContext } from "../../context";
import { json } from "../../http/replies";
import type { SimRequest, SimResponse } from "../../http/router";
import type { SimClient, SimJwk } from "../../state-types";
import { problem, readBodyObject, type Problem } from "./access";

/** A client's JWKS: replaced as a whole, at most 5 RSA keys of 2048 bits, one year each. */
const MAX_KEYS = 5;
const MODULUS_BITS = 2048;
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi"];

export function presentJwks(client: SimClient): Record<string, unknown> {
  return {
    keys: client.jwks.map((k) => ({
      kty: k.kty,
      kid: k.kid,
      ...(k.alg !== undefined ? { alg: k.alg } : {}),
      ...(k.use !== undefined ? { use: k.use } : {}),
      n: k.n,
      e: k.e,
      ...(k.exp !== undefined ? { exp: k.exp } : {}),
      ...(k.x5c !== undefined ? { x5c: k.x5c } : {}),
    })),
    ...(client.jwks_created ? { created: client.jwks_created } : {}),
    ...(client.jwks_last_updated ? { last_updated: client.jwks_last_updated } : {}),
  };
}

export function registerJwks(ctx: SimContext, req: SimRequest, client: SimClient): SimResponse {
  const body = readBodyObject(req);
  if (!body || !Array.isArray(body.keys)) {
    return problem(
      ctx,
      400,
      [{ message: 'The request body must be a JWK set: {"keys": [...]}' }],
      "JWKS",
    );
  }
  const keys = body.keys as unknown[];
  const problems: Problem[] = [];
  if (keys.length === 0) {
    problems.push({
      field: "keys",
      message:
        "keys must hold at least one key; remove every key with DELETE /clients/{client_id}/jwks",
    });
  }
  if (keys.length > MAX_KEYS) {
    problems.push({
      field: "keys",
      message: `A JWKS can hold at most ${MAX_KEYS} keys, got ${keys.length}`,
    });
  }
  const seen = new Set<string>();
  keys.forEach((raw, index) => {
    problems.push(...validateKey(ctx, raw, index, client, seen));
  });
  if (problems.length > 0) return problem(ctx, 400, problems, "JWKS");

  const now = ctx.nowMs();
  const at = new Date(now).toISOString();
  client.jwks = (keys as Array<Record<string, unknown>>).map((key) => {
    const kid = String(key.kid);
    const n = String(key.n);
    // A key keeps the expiry it got when first posted; a new key lives one year from now.
    const kept = client.jwks.find((k) => k.kid === kid && k.n === n);
    return {
      kid,
      kty: "RSA",
      alg: "RS256",
      use: "sig",
      n,
      e: String(key.e),
      exp: kept?.exp ?? oneYearAfter(now),
      ...(Array.isArray(key.x5c) ? { x5c: key.x5c.map(String) } : {}),
    } satisfies SimJwk;
  });
  client.jwks_created ??= at;
  client.jwks_last_updated = at;
  ctx.changed();
  return json(200, presentJwks(client));
}

function oneYearAfter(ms: number): number {
  const date = new Date(ms);
  date.setUTCFullYear(date.getUTCFullYear() + 1);
  return Math.floor(date.getTime() / 1000);
}

function validateKey(
  ctx: SimContext,
  raw: unknown,
  index: number,
  client: SimClient,
  seen: Set<string>,
): Problem[] {
  const at = `keys[${index}]`;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    return [{ field: at, message: `${at} must be a JWK object` }];
  }
  const key = raw as Record<string, unknown>;
  const problems: Problem[] = [];
  const privateMembers = PRIVATE_MEMBERS.filter((m) => key[m] !== undefined);
  if (privateMembers.length > 0) {
    problems.push({
      field: at,
      message: `${at} contains private key material (${privateMembers.join(", ")}): send only the public key`,
    });
  }
  if (key.kty !== "RSA") problems.push({ field: `${at}.kty`, message: `${at}.kty must be RSA` });
  if (key.alg !== "RS256") {
    problems.push({ field: `${at}.alg`, message: `${at}.alg must be RS256` });
  }
  if (key.use !== "sig") problems.push({ field: `${at}.use`, message: `${at}.use must be sig` });
  const kid = typeof key.kid === "string" ? key.kid.trim() : "";
  if (kid === "") {
    problems.push({ field: `${at}.kid`, message: `${at}.kid is required` });
  } else if (seen.has(kid)) {
    problems.push({ field: `${at}.kid`, message: `kid ${kid} occurs more than once in the set` });
  } else {
    seen.add(kid);
    const elsewhere = Object.values(ctx.state.clients).some(
      (c) => c.client_id !== client.client_id && c.jwks.some((k) => k.kid === kid),
    );
    if (elsewhere) {
      problems.push({
        field: `${at}.kid`,
        message: `kid ${kid} is already in use: a kid must be unique across all Maskinporten clients`,
      });
    }
  }
  if (typeof key.n !== "string" || typeof key.e !== "string") {
    problems.push({ field: at, message: `${at}.n and ${at}.e are required` });
  } else if (key.kty === "RSA") {
    try {
      const bits = createPublicKey({ key: { kty: "RSA", n: key.n, e: key.e }, format: "jwk" })
        .asymmetricKeyDetails?.modulusLength;
      if (bits !== MODULUS_BITS) {
        problems.push({
          field: at,
          message: `${at} is a ${bits}-bit RSA key: only ${MODULUS_BITS}-bit keys are supported`,
        });
      }
    } catch {
      problems.push({ field: at, message: `${at} is not a valid RSA public key` });
    }
  }
  return problems;
}
