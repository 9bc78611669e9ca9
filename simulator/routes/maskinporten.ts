import { createPublicKey, randomUUID } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from "jose";
import { json } from "../http/replies";
import type { SimRequest, SimResponse } from "../http/router";
import type { RouteModule, SimContext } from "../context";
import type { SimClient, SimJwk } from "../state-types";
import { signJwt } from "../tokens";

/**
 * Maskinporten's token endpoint with the JWT-bearer grant (docs/altinn-apis.md 2.1):
 * the assertion is checked as Maskinporten checks it, and errors use its `{error,
 * error_description}` form with the MP-codes of its troubleshooting page.
 */
export const maskinportenRoutes: RouteModule = (router, ctx) => {
  router.on("GET", "/maskinporten/.well-known/oauth-authorization-server", (req) =>
    json(200, {
      issuer: ctx.maskinportenIssuer(req.origin),
      token_endpoint: `${ctx.maskinportenIssuer(req.origin)}token`,
      jwks_uri: `${ctx.maskinportenIssuer(req.origin)}jwk`,
      token_endpoint_auth_methods_supported: ["private_key_jwt"],
      grant_types_supported: ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
      token_endpoint_auth_signing_alg_values_supported: ["RS256", "RS384", "RS512"],
    }),
  );
  router.on("GET", "/maskinporten/jwk", () => {
    const jwk = ctx.keys.maskinporten.publicKey.export({ format: "jwk" });
    return json(200, {
      keys: [{ ...jwk, kid: ctx.keys.maskinporten.kid, alg: "RS256", use: "sig" }],
    });
  });
  router.on("POST", "/maskinporten/token", (req) => token(ctx, req));
};

function oauthError(status: number, error: string, description: string): SimResponse {
  return json(status, { error, error_description: description });
}

const invalidGrant = (description: string) => oauthError(400, "invalid_grant", description);

async function token(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const form = new URLSearchParams(req.body.toString("utf8"));
  if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") {
    return oauthError(
      400,
      "unsupported_grant_type",
      "Invalid grant_type: only urn:ietf:params:oauth:grant-type:jwt-bearer is supported",
    );
  }
  const assertion = form.get("assertion");
  if (!assertion) return oauthError(400, "invalid_request", "Missing assertion");

  let header: ReturnType<typeof decodeProtectedHeader>;
  let unverified: JWTPayload;
  try {
    header = decodeProtectedHeader(assertion);
    unverified = decodeJwt(assertion);
  } catch {
    return invalidGrant("Invalid assertion. The JWT could not be parsed");
  }
  if (!["RS256", "RS384", "RS512"].includes(String(header.alg))) {
    return invalidGrant(`Invalid assertion. Unsupported alg ${String(header.alg)}: use RS256`);
  }
  if ((header.kid === undefined) === (header.x5c === undefined)) {
    return invalidGrant("Invalid assertion. The JWT header must have exactly one of kid and x5c");
  }
  const clientId = typeof unverified.iss === "string" ? unverified.iss : "";
  const client = ctx.state.clients[clientId];
  if (!client || !client.active) {
    return invalidGrant(`MP-100: Invalid assertion. Client not found: ${clientId}`);
  }

  const nowSeconds = ctx.nowSeconds();
  let verificationKey: SimJwk | undefined;
  if (header.kid !== undefined) {
    verificationKey = client.jwks.find((k) => k.kid === header.kid);
    if (!verificationKey) {
      return invalidGrant(
        `MP-122: Invalid assertion. No key with kid ${String(header.kid)} is registered on the client`,
      );
    }
    if (verificationKey.exp !== undefined && verificationKey.exp < nowSeconds) {
      return invalidGrant(
        `MP-121: Expired key: the key ${verificationKey.kid} expired; register a new key`,
      );
    }
  } else {
    if (client.jwks.length > 0 && !client.certificate_auth) {
      return invalidGrant(
        "MP-120: Invalid assertion. A client with registered keys must sign with kid, not x5c",
      );
    }
    const chain = header.x5c ?? [];
    const certificates = ctx.state.businessCertificates[client.client_orgno] ?? [];
    verificationKey = certificates.find((c) => c.x5c?.[0] === chain[0]);
    if (!verificationKey) {
      return invalidGrant(
        "MP-123: Invalid assertion. The certificate is not a business certificate of the client's organisation",
      );
    }
  }

  try {
    await jwtVerify(
      assertion,
      createPublicKey({
        key: { kty: "RSA", n: verificationKey.n, e: verificationKey.e },
        format: "jwk",
      }),
      {
        algorithms: ["RS256", "RS384", "RS512"],
        currentDate: new Date(nowSeconds * 1000),
        clockTolerance: 10,
      },
    );
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_JWT_EXPIRED") {
      return invalidGrant("MP-130: Invalid assertion. The JWT has expired");
    }
    return invalidGrant("MP-122: Invalid assertion. The signature could not be verified");
  }

  const audience = ctx.maskinportenIssuer(req.origin);
  const aud = unverified.aud;
  if (!(aud === audience || (Array.isArray(aud) && aud.length === 1 && aud[0] === audience))) {
    return invalidGrant(`MP-110: Invalid assertion. Invalid audience: expected ${audience}`);
  }
  const { iat, exp, jti } = unverified;
  if (typeof iat !== "number" || typeof exp !== "number") {
    return invalidGrant("Invalid assertion. iat and exp are required");
  }
  if (exp - iat > 120) {
    return invalidGrant(
      "Invalid assertion. The JWT lifetime (exp - iat) must not exceed 120 seconds",
    );
  }
  if (iat > nowSeconds + 10) {
    return invalidGrant("Invalid assertion. iat is in the future: check the clock");
  }
  if (typeof jti === "string") {
    purgeJtis(ctx, nowSeconds);
    if (ctx.state.usedJtis[jti] !== undefined) {
      return invalidGrant("MP-012: Invalid assertion. Grant is used before (jti reuse)");
    }
    ctx.state.usedJtis[jti] = exp;
  }

  const requested =
    typeof unverified.scope === "string" ? unverified.scope.split(" ").filter(Boolean) : [];
  if (requested.length === 0) return oauthError(400, "invalid_scope", "MP-201: No scope requested");
  const unregistered = requested.filter((s) => !client.scopes.includes(s));
  if (unregistered.length > 0) {
    return oauthError(
      400,
      "invalid_scope",
      `MP-200: Scope(s) not registered on client: ${unregistered.join(" ")}`,
    );
  }
  const notGranted = requested.filter((s) => !isGranted(ctx, client, s));
  if (notGranted.length > 0) {
    return oauthError(
      403,
      "invalid_scope",
      `MP-250: Consumer has not been granted access to the scope(s): ${notGranted.join(" ")}`,
    );
  }

  const lifetime = client.access_token_lifetime ?? ctx.options.tokenLifetimeSeconds;
  const accessToken = await signJwt(ctx.keys.maskinporten, {
    iss: audience,
    client_amr: header.kid !== undefined ? "private_key_jwt" : "virksomhetssertifikat",
    token_type: "Bearer",
    aud: "unspecified",
    scope: requested.join(" "),
    client_id: client.client_id,
    consumer: { authority: "iso6523-actorid-upis", ID: `0192:${client.client_orgno}` },
    iat: nowSeconds,
    exp: nowSeconds + lifetime,
    jti: randomUUID(),
  });
  ctx.changed();
  return json(200, {
    access_token: accessToken,
    token_type: "Bearer",
    expires_in: lifetime,
    scope: requested.join(" "),
  });
}

/** Scopes owned by someone else (altinn:*, idporten:*) need a grant to the client's org. */
function isGranted(ctx: SimContext, client: SimClient, scope: string): boolean {
  return ctx.state.scopeGrants.some(
    (g) => g.scope === scope && g.consumer_orgno === client.client_orgno && g.state === "APPROVED",
  );
}

function purgeJtis(ctx: SimContext, nowSeconds: number): void {
  for (const [jti, exp] of Object.entries(ctx.state.usedJtis)) {
    if (exp < nowSeconds - 300) delete ctx.state.usedJtis[jti];
  }
}
