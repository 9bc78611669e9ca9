import { createPrivateKey, generateKeyPairSync, randomUUID } from "node:crypto";
import { decodeJwt, SignJWT } from "jose";
import {
  exchangeForAltinnToken,
  requestMaskinportenToken,
  signClientAssertion,
} from "../../providers/auth/maskinporten";
import { CachedTokens } from "../../providers/auth/tokens";
import { isApiError } from "../../providers/lib/errors";
import { simulatorEndpoints } from "../../providers/lib/environments";
import { PROVISIONER_SCOPES } from "../../simulator/state";
import {
  DEMO_CLIENT_ID,
  DEMO_KEY_ID,
  DEMO_ORGNR,
  DEMO_PRIVATE_KEY,
  useSimulator,
} from "../support/simulator";

const simulator = useSimulator();
const credentials = { clientId: DEMO_CLIENT_ID, keyId: DEMO_KEY_ID, privateKey: DEMO_PRIVATE_KEY };
const noRetry = { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } };

async function postAssertion(assertion: string): Promise<{ status: number; body: unknown }> {
  const form = new URLSearchParams({
    grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
    assertion,
  });
  const response = await fetch(`${simulator().url}/maskinporten/token`, {
    method: "POST",
    body: form,
  });
  return { status: response.status, body: await response.json() };
}

async function assertion(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: "RS256", kid: DEMO_KEY_ID },
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    scope: "altinn:serviceowner",
    iss: DEMO_CLIENT_ID,
    aud: `${simulator().url}/maskinporten/`,
    iat: now,
    exp: now + 60,
    jti: randomUUID(),
    ...claims,
  })
    .setProtectedHeader(header as { alg: string })
    .sign(createPrivateKey(DEMO_PRIVATE_KEY));
}

describe("signClientAssertion", () => {
  it("signs RS256 with the kid and Maskinporten's claim set", async () => {
    const jwt = await signClientAssertion(
      credentials,
      "https://test.maskinporten.no/",
      ["a:b", "c:d"],
      {
        nowSeconds: 1_800_000_000,
        jti: "fixed-jti",
      },
    );
    const [header] = jwt.split(".");
    expect(JSON.parse(Buffer.from(header!, "base64url").toString())).toStrictEqual({
      alg: "RS256",
      kid: DEMO_KEY_ID,
    });
    expect(decodeJwt(jwt)).toStrictEqual({
      scope: "a:b c:d",
      aud: "https://test.maskinporten.no/",
      iss: DEMO_CLIENT_ID,
      iat: 1_800_000_000,
      exp: 1_800_000_060,
      jti: "fixed-jti",
    });
  });

  it("rejects credentials with neither kid nor certificate chain", async () => {
    await expect(
      signClientAssertion(
        { clientId: "c", privateKey: DEMO_PRIVATE_KEY },
        "https://test.maskinporten.no/",
        ["s"],
      ),
    ).rejects.toThrow(
      "the Maskinporten credentials need a key id (kid of a key registered on the client) or a certificate chain (x5c)",
    );
  });

  it("rejects an unreadable key without echoing it", async () => {
    const error = await signClientAssertion(
      { ...credentials, privateKey: "not-a-key-SECRET" },
      "https://x/",
      ["s"],
    ).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      "the Maskinporten private key could not be read: expected a PEM private key (PKCS#8 or PKCS#1) or a private JWK in JSON",
    );
  });
});

describe("Maskinporten token endpoint (simulator)", () => {
  it("issues a token with the consumer, client and scopes", async () => {
    const endpoints = simulatorEndpoints(simulator().url);
    const token = await requestMaskinportenToken(endpoints, credentials, [
      "altinn:serviceowner",
      "altinn:events.subscribe",
    ]);
    const claims = decodeJwt(token.token);
    expect(claims.client_id).toBe(DEMO_CLIENT_ID);
    expect(claims.scope).toBe("altinn:serviceowner altinn:events.subscribe");
    expect(claims.consumer).toStrictEqual({
      authority: "iso6523-actorid-upis",
      ID: `0192:${DEMO_ORGNR}`,
    });
    expect(token.scopes).toStrictEqual(["altinn:serviceowner", "altinn:events.subscribe"]);
  });

  it.each([
    [
      "an audience without the trailing slash",
      { aud: "AUD-NO-SLASH" },
      "MP-110: Invalid assertion. Invalid audience",
    ],
    [
      "a lifetime over 120 s",
      { iat: 1_900_000_000 - 60, exp: 1_900_000_000 + 61 },
      "Invalid assertion. The JWT lifetime (exp - iat) must not exceed 120 seconds",
    ],
    ["an unknown client", { iss: "nobody" }, "MP-100: Invalid assertion. Client not found: nobody"],
    [
      "a scope not on the client",
      { scope: "altinn:serviceowner other:scope" },
      "MP-200: Scope(s) not registered on client: other:scope",
    ],
  ])("refuses %s", async (_label, claims, description) => {
    const patched = { ...claims } as Record<string, unknown>;
    if (patched.aud === "AUD-NO-SLASH") patched.aud = `${simulator().url}/maskinporten`;
    const { status, body } = await postAssertion(await assertion(patched));
    expect(status).toBe(400);
    expect((body as { error_description: string }).error_description.startsWith(description)).toBe(
      true,
    );
  });

  it("refuses a reused jti", async () => {
    const jwt = await assertion({ jti: "same-jti" });
    expect((await postAssertion(jwt)).status).toBe(200);
    expect(await postAssertion(await assertion({ jti: "same-jti" }))).toStrictEqual({
      status: 400,
      body: {
        error: "invalid_grant",
        error_description: "MP-012: Invalid assertion. Grant is used before (jti reuse)",
      },
    });
  });

  it("refuses a signature from another key under the registered kid", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({ scope: "altinn:serviceowner" })
      .setProtectedHeader({ alg: "RS256", kid: DEMO_KEY_ID })
      .setIssuer(DEMO_CLIENT_ID)
      .setAudience(`${simulator().url}/maskinporten/`)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .setJti(randomUUID())
      .sign(other);
    expect(await postAssertion(jwt)).toStrictEqual({
      status: 400,
      body: {
        error: "invalid_grant",
        error_description: "MP-122: Invalid assertion. The signature could not be verified",
      },
    });
  });

  it("turns Maskinporten's error into an ApiError with a fix", async () => {
    const error = await requestMaskinportenToken(
      simulatorEndpoints(simulator().url),
      credentials,
      ["idporten:dcr.write"],
      noRetry,
    ).catch((e: unknown) => e);
    expect(isApiError(error)).toBe(true);
    expect((error as Error).message).toBe(
      `Maskinporten: get a token for client ${DEMO_CLIENT_ID} with scopes "idporten:dcr.write" failed (POST /maskinporten/token -> 400) [invalid_scope]: MP-200: Scope(s) not registered on client: idporten:dcr.write\n  fix: the client is not registered with every requested scope: add them to the client (MaskinportenClient scopes, or Samarbeidsportalen)`,
    );
  });
});

describe("exchange for an Altinn token (simulator)", () => {
  it("adds urn:altinn:org only when the scope has altinn:serviceowner", async () => {
    const endpoints = simulatorEndpoints(simulator().url);
    const withOwner = await exchangeForAltinnToken(
      endpoints,
      await requestMaskinportenToken(endpoints, credentials, [
        "altinn:serviceowner",
        "altinn:events.subscribe",
      ]),
    );
    const without = await exchangeForAltinnToken(
      endpoints,
      await requestMaskinportenToken(endpoints, credentials, ["altinn:events.subscribe"]),
    );
    const a = decodeJwt(withOwner.token);
    const b = decodeJwt(without.token);
    expect(a["urn:altinn:org"]).toBe("digdir");
    expect(a["urn:altinn:orgNumber"]).toBe(DEMO_ORGNR);
    expect(a.iss).toBe(`${simulator().url}/authentication/api/v1/openid/`);
    expect(a.client_amr).toBeUndefined();
    expect(b["urn:altinn:org"]).toBeUndefined();
    expect(b["urn:altinn:orgNumber"]).toBe(DEMO_ORGNR);
    expect(withOwner.expiresAt).toBe((a.exp as number) * 1000);
  });

  it("answers 401 to a token it did not issue", async () => {
    const response = await fetch(`${simulator().url}/authentication/api/v1/exchange/maskinporten`, {
      headers: { authorization: `Bearer ${await assertion({})}` },
    });
    expect(response.status).toBe(401);
    expect(await response.text()).toBe("");
  });
});

describe("CachedTokens", () => {
  it("fetches one token pair per scope set, however many callers ask at once", async () => {
    const sim = simulator();
    const before = sim.calls.length;
    const tokens = new CachedTokens(simulatorEndpoints(sim.url), () => credentials);
    const scopes = ["altinn:resourceregistry/resource.write"];
    const results = await Promise.all(Array.from({ length: 10 }, () => tokens.altinnToken(scopes)));
    expect(new Set(results).size).toBe(1);
    await tokens.altinnToken([...scopes].reverse());
    const made = sim.calls.slice(before).map((c) => `${c.method} ${c.path}`);
    expect(made).toStrictEqual([
      "POST /maskinporten/token",
      "GET /authentication/api/v1/exchange/maskinporten",
    ]);
  });

  it("refreshes a token that expires within 30 seconds", async () => {
    const sim = simulator();
    // Both clocks move together: the client's (injected) and the simulator's (admin offset).
    let offset = 0;
    const tokens = new CachedTokens(simulatorEndpoints(sim.url), () => credentials, {
      now: () => Date.now() + offset,
    });
    const advance = (ms: number) => {
      offset += ms;
      sim.context.state.clockOffsetMs += ms;
    };
    try {
      await tokens.maskinportenToken(PROVISIONER_SCOPES);
      const before = sim.calls.length;
      advance(60_000); // the simulator's tokens live 120 s: 60 s later there are 60 s left
      await tokens.maskinportenToken(PROVISIONER_SCOPES);
      expect(sim.calls.length).toBe(before);
      advance(31_000);
      await tokens.maskinportenToken(PROVISIONER_SCOPES);
      expect(sim.calls.slice(before).map((c) => c.path)).toStrictEqual(["/maskinporten/token"]);
    } finally {
      sim.context.state.clockOffsetMs -= offset;
    }
  });
});
