import { createPrivateKey, randomUUID, type JsonWebKey, type KeyObject } from "node:crypto";
import { decodeJwt, SignJWT } from "jose";
import type { Endpoints } from "../lib/environments";
import { send, type RetryPolicy } from "../lib/http";
import type { MaskinportenCredentials } from "../lib/types";

export type { MaskinportenCredentials };

/**
 * The Maskinporten JWT-bearer grant (docs/altinn-apis.md section 2.1) and the exchange of
 * its token for an Altinn token (section 2.2). A client signs a short-lived assertion with its own
 * key, named by `kid` (a key registered on the client) or by `x5c` (the business certificate, as
 * Digdir's self-service admin clients do).
 */

/** Maskinporten refuses assertions whose `exp - iat` exceeds 120 s; a minute leaves room for skew. */
const ASSERTION_LIFETIME_SECONDS = 60;

export function loadPrivateKey(privateKey: string): KeyObject {
  const text = privateKey.trim();
  try {
    if (text.startsWith("{")) {
      return createPrivateKey({ key: JSON.parse(text) as JsonWebKey, format: "jwk" });
    }
    return createPrivateKey(text);
  } catch {
    // The key itself is never echoed: the message names only what was expected.
    throw new Error(
      "the Maskinporten private key could not be read: expected a PEM private key (PKCS#8 or PKCS#1) or a private JWK in JSON",
    );
  }
}

export interface AssertionOptions {
  nowSeconds?: number;
  jti?: string;
}

/** Builds the signed client assertion for `POST {issuer}token`. */
export async function signClientAssertion(
  credentials: MaskinportenCredentials,
  issuer: string,
  scopes: readonly string[],
  options: AssertionOptions = {},
): Promise<string> {
  const key = loadPrivateKey(credentials.privateKey);
  const iat = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const header: { alg: "RS256"; kid?: string; x5c?: string[] } = { alg: "RS256" };
  if (credentials.certificateChain && credentials.certificateChain.length > 0) {
    header.x5c = credentials.certificateChain;
  } else if (credentials.keyId) {
    header.kid = credentials.keyId;
  } else {
    throw new Error(
      "the Maskinporten credentials need a key id (kid of a key registered on the client) or a certificate chain (x5c)",
    );
  }
  return new SignJWT({ scope: scopes.join(" ") })
    .setProtectedHeader(header)
    .setAudience(issuer)
    .setIssuer(credentials.clientId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ASSERTION_LIFETIME_SECONDS)
    .setJti(options.jti ?? randomUUID())
    .sign(key);
}

export interface IssuedToken {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  scopes: string[];
}

export interface TokenRequestOptions {
  retry?: RetryPolicy;
  now?: () => number;
}

/** Requests a Maskinporten access token with the JWT grant. */
export async function requestMaskinportenToken(
  endpoints: Endpoints,
  credentials: MaskinportenCredentials,
  scopes: readonly string[],
  options: TokenRequestOptions = {},
): Promise<IssuedToken> {
  const now = options.now ?? Date.now;
  // Each attempt signs a fresh assertion: Maskinporten refuses a jti it has seen, so a retry
  // after a lost answer must not resend the same body.
  const signedForm = async () => {
    const form = new URLSearchParams();
    form.set("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
    form.set(
      "assertion",
      await signClientAssertion(credentials, endpoints.maskinportenIssuer, scopes, {
        nowSeconds: Math.floor(now() / 1000),
      }),
    );
    return form.toString();
  };
  const response = await send({
    service: "Maskinporten",
    operation: `get a token for client ${credentials.clientId} with scopes "${scopes.join(" ")}"`,
    method: "POST",
    url: `${endpoints.maskinportenIssuer}token`,
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    bodyPerAttempt: signedForm,
    retry: options.retry,
    // A token request creates nothing: asking again after a failure cannot make a duplicate.
    safeToRetry: async () => true,
    fixFor: maskinportenFix,
  });
  const body = response.data as { access_token?: unknown; expires_in?: unknown; scope?: unknown };
  if (typeof body.access_token !== "string" || typeof body.expires_in !== "number") {
    throw new Error("Maskinporten: the token response has no access_token/expires_in");
  }
  return {
    token: body.access_token,
    expiresAt: now() + body.expires_in * 1000,
    scopes: typeof body.scope === "string" ? body.scope.split(" ").filter(Boolean) : [...scopes],
  };
}

/** Exchanges a Maskinporten token for an Altinn token, which Resource Registry and Events require. */
export async function exchangeForAltinnToken(
  endpoints: Endpoints,
  maskinportenToken: IssuedToken,
  options: TokenRequestOptions = {},
): Promise<IssuedToken> {
  const response = await send({
    service: "Altinn Authentication",
    operation: "exchange the Maskinporten token for an Altinn token",
    method: "GET",
    url: `${endpoints.platform}/authentication/api/v1/exchange/maskinporten`,
    // The body is the token as a plain string; with Accept: application/json ASP.NET may quote it.
    headers: { Accept: "text/plain" },
    token: async () => maskinportenToken.token,
    retry: options.retry,
    fixFor: (status) =>
      status === 401
        ? "Altinn refused the Maskinporten token: is the stack's environment right (a test token is refused in production)?"
        : undefined,
  });
  const token = response.text.trim().replace(/^"|"$/g, "");
  const { exp } = decodeJwt(token);
  if (typeof exp !== "number") {
    throw new Error("Altinn Authentication: the exchanged token has no exp claim");
  }
  return { token, expiresAt: exp * 1000, scopes: maskinportenToken.scopes };
}

function maskinportenFix(status: number, detail: string, code?: string): string | undefined {
  if (code === "invalid_scope" || /MP-20[01]/.test(detail)) {
    return "the client is not registered with every requested scope: add them to the client (MaskinportenClient scopes, or Samarbeidsportalen)";
  }
  if (/MP-250/.test(detail) || status === 403) {
    return "the org has not been granted this scope: ask servicedesk@altinn.no (altinn:* scopes) for access, then retry";
  }
  if (/MP-121/.test(detail)) {
    return "the client's key has expired (keys live one year): register a new key";
  }
  if (/MP-110/.test(detail)) {
    return "the assertion audience must be the Maskinporten issuer with its trailing slash";
  }
  if (/MP-130|iat is in the future/.test(detail)) {
    return "the assertion's time is off: check this machine's clock (Maskinporten allows about 10 seconds of skew)";
  }
  if (code === "invalid_grant" || code === "invalid_client") {
    return "check the client id, the key id and that the private key matches a key registered on the client";
  }
  return undefined;
}
