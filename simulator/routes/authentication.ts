import { randomUUID } from "node:crypto";
import { empty, json, text } from "../http/replies";
import type { RouteModule } from "../context";
import { orgCodeOf } from "../state";
import { bearer, consumerOrgnr, scopesOf, signJwt } from "../tokens";

/**
 * Altinn Authentication's token exchange (altinn-authentication AuthenticationController,
 * docs/altinn-apis.md 2.2): a Maskinporten token in, an Altinn token out as a raw string.
 */
const ALTINN_TOKEN_MINUTES = 30;

export const authenticationRoutes: RouteModule = (router, ctx) => {
  router.on("GET", "/authentication/api/v1/exchange/{provider}", async (req) => {
    if (req.headers["x-altinn-enterpriseuser-authentication"] !== undefined) {
      return json(410, {
        type: "https://tools.ietf.org/html/rfc9110#section-15.5.11",
        title: "Enterprise user authentication is no longer supported",
        status: 410,
      });
    }
    if (req.params.provider!.toLowerCase() !== "maskinporten") {
      return text(400, `Invalid token provider: ${req.params.provider}`);
    }
    const token = bearer(req.headers);
    if (!token) return empty(401);
    const mp = await ctx.verifyMaskinporten(token, req.origin);
    const orgnr = mp ? consumerOrgnr(mp) : undefined;
    if (!mp || !orgnr) return empty(401);

    const { aud: _aud, iss: _iss, client_amr: _amr, sid: _sid, ...copied } = mp;
    const scopes = scopesOf(mp);
    let orgCode = scopes.includes("altinn:serviceowner") ? orgCodeOf(ctx.state, orgnr) : undefined;
    if (orgCode === "digdir" && req.query.get("test") === "true") orgCode = "ttd";
    const now = ctx.nowSeconds();
    const altinnToken = await signJwt(ctx.keys.altinn, {
      ...copied,
      ...(orgCode ? { "urn:altinn:org": orgCode } : {}),
      "urn:altinn:orgNumber": orgnr,
      "urn:altinn:authenticatemethod": "maskinporten",
      "urn:altinn:authlevel": 3,
      iss: ctx.altinnIssuer(req.origin),
      sid: randomUUID(),
      iat: now,
      nbf: now,
      exp: now + ALTINN_TOKEN_MINUTES * 60,
    });
    // ASP.NET's Ok(string): a JSON-quoted string when the client asks for JSON, else plain text.
    const accept = String(req.headers.accept ?? "");
    return /application\/json/i.test(accept) && !/text\/plain|\*\/\*/.test(accept)
      ? json(200, altinnToken)
      : text(200, altinnToken);
  });

  router.on("GET", "/authentication/api/v1/openid/.well-known/openid-configuration", (req) =>
    json(200, {
      issuer: ctx.altinnIssuer(req.origin),
      jwks_uri: `${req.origin}/authentication/api/v1/openid/.well-known/openid-configuration/jwks`,
    }),
  );
  router.on("GET", "/authentication/api/v1/openid/.well-known/openid-configuration/jwks", () => {
    const jwk = ctx.keys.altinn.publicKey.export({ format: "jwk" });
    return json(200, { keys: [{ ...jwk, kid: ctx.keys.altinn.kid, alg: "RS256", use: "sig" }] });
  });
};
