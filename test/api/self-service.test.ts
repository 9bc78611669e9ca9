import { generateKeyPairSync } from "node:crypto";
import { decodeJwt, decodeProtectedHeader } from "jose";
import * as selfService from "../../providers/api/self-service";
import { isApiError, type ApiError } from "../../providers/lib/errors";
import { simulatorEndpoints } from "../../providers/lib/environments";
import type { ProviderContext } from "../../providers/lib/context";
import { DEMO_ORGNR, PROVISIONER_SCOPES, SELF_SERVICE_SCOPES } from "../../simulator/state";
import {
  DEMO_BUSINESS_CERTIFICATE,
  DEMO_SELF_SERVICE_CLIENT_ID,
  createdClient,
  selfServiceContext,
  tokenFor,
} from "../support/self-service";
import { useSimulator, writes } from "../support/simulator";

/**
 * The self-service API client (providers/api/self-service/) against the simulator's
 * self-service API over HTTP, and the simulator's contract: client model, JWKS rules and errors,
 * scope access, the org binding, and the link to the Maskinporten token endpoint (a registered key
 * gets tokens, a removed or expired one does not). What it does not prove: Digdir's exact message
 * texts, which are not published (see simulator/routes/self-service.ts).
 */

const simulator = useSimulator();
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const OTHER_ORGNR = "974760673";

interface TestKey {
  publicJwk: selfService.RegisteredJwk;
  privateJwk: string;
}

/** node:crypto rather than jose: jose refuses to make the 1024-bit key a test needs. */
async function makeKey(kid: string, modulusLength = 2048): Promise<TestKey> {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength });
  const pub = publicKey.export({ format: "jwk" });
  return {
    publicJwk: { kty: "RSA", kid, alg: "RS256", use: "sig", n: String(pub.n), e: String(pub.e) },
    privateJwk: JSON.stringify({ ...privateKey.export({ format: "jwk" }), kid }),
  };
}

function registration(
  overrides: Partial<selfService.ClientRegistration> = {},
): selfService.ClientRegistration {
  return {
    client_name: "melding sender",
    description: "Sends Altinn messages",
    integration_type: "maskinporten",
    application_type: "web",
    token_endpoint_auth_method: "private_key_jwt",
    grant_types: [JWT_BEARER],
    scopes: ["altinn:serviceowner", "altinn:correspondence.write"],
    ...overrides,
  };
}

/** The provider's clock follows the simulator's, as it does when both are moved together. */
function context(): ProviderContext {
  return selfServiceContext(simulator(), { now: () => simulator().context.nowMs() });
}

async function reset(): Promise<void> {
  await fetch(`${simulator().url}/__admin/reset?confirm=all`, { method: "POST" });
}

async function advanceClock(seconds: number): Promise<void> {
  await fetch(`${simulator().url}/__admin/clock`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });
}

/** A raw call with an admin token of `scopes`, for contract details the client does not expose. */
async function raw(
  ctx: ProviderContext,
  method: string,
  path: string,
  body?: unknown,
  scopes: readonly string[] = SELF_SERVICE_SCOPES,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const token = await ctx.selfServiceTokens.maskinportenToken(scopes);
  const response = await fetch(`${simulator().url}/selfservice/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === "" ? undefined : (JSON.parse(text) as unknown),
    headers: response.headers,
  };
}

function errorBody(
  status: number,
  errors: Array<{ field?: string; message: string }>,
  object = "Client",
) {
  const joined = errors.map((e) => `, ${e.message}`).join("");
  return {
    status,
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/),
    correlation_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    errors: errors.map((e) => ({
      errorMessage: e.message,
      isFieldError: e.field !== undefined,
      objectName: object,
      ...(e.field !== undefined ? { fieldIdentifier: e.field } : {}),
    })),
    error: joined,
    error_description: joined,
  };
}

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (isApiError(error)) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

beforeEach(reset);

describe("scope access", () => {
  it("lists the scopes the org has been granted", async () => {
    const access = await selfService.listScopeAccess(context());
    expect(access.map(({ created: _c, last_updated: _u, ...rest }) => rest)).toStrictEqual(
      [...PROVISIONER_SCOPES, ...SELF_SERVICE_SCOPES].map((scope) => ({
        scope,
        state: "APPROVED",
        consumer_orgno: DEMO_ORGNR,
        owner_orgno: "991825827",
      })),
    );
  });

  it("reads an org without any grant as an empty list: Digdir answers it with an error saying 'does not have any'", async () => {
    // The admin client's own idporten scopes are Digdir's grants, not listed as the org's access.
    simulator().context.state.scopeGrants = simulator().context.state.scopeGrants.filter((g) =>
      g.scope.startsWith("idporten:"),
    );
    const answer = await raw(context(), "GET", "/scopes/access/all", undefined, [
      "idporten:dcr.read",
    ]);
    expect(answer.status).toBe(400);
    expect((answer.body as { error_description: string }).error_description).toBe(
      `, Consumer ${DEMO_ORGNR} does not have any scope access`,
    );
    expect(await selfService.listScopeAccess(context())).toStrictEqual([]);
  });
});

describe("admin authentication", () => {
  it("signs the admin token with the business certificate chain (x5c), leaf first", async () => {
    await selfService.listClients(context());
    const tokenCall = simulator().calls.find((c) => c.path === "/maskinporten/token")!;
    const assertion = new URLSearchParams(tokenCall.body).get("assertion")!;
    const chain = [
      ...DEMO_BUSINESS_CERTIFICATE.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END/g),
    ].map((m) => m[1]!.replace(/\s+/g, ""));
    expect(decodeProtectedHeader(assertion)).toStrictEqual({ alg: "RS256", x5c: chain });
    expect(decodeJwt(assertion).iss).toBe(DEMO_SELF_SERVICE_CLIENT_ID);
    // One token with every scope the admin client holds (the default: dcr.read and dcr.write).
    expect(decodeJwt(assertion).scope).toBe("idporten:dcr.read idporten:dcr.write");
  });

  it("rejects a call without a token (401) and a token without the scope (403)", async () => {
    const anonymous = await fetch(`${simulator().url}/selfservice/api/v1/clients`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe("Bearer");
    const readOnly = await raw(context(), "POST", "/clients", registration(), [
      "idporten:dcr.read",
    ]);
    expect(readOnly.status).toBe(403);
    expect(readOnly.headers.get("www-authenticate")).toBe(
      'Bearer error="insufficient_scope", scope="idporten:dcr.write"',
    );
    expect(readOnly.body).toBeUndefined();
  });

  it("checks the scope per operation: dcr.modify changes but does not create, dcr.write does both", async () => {
    const made = await createdClient(context(), registration());
    const modifyOnly = ["idporten:dcr.modify"];
    expect(
      (await raw(context(), "PUT", `/clients/${made.client_id}`, registration(), modifyOnly))
        .status,
    ).toBe(200);
    expect((await raw(context(), "POST", "/clients", registration(), modifyOnly)).status).toBe(403);
    const writeOnly = ["idporten:dcr.write"];
    expect(
      (await raw(context(), "GET", `/clients/${made.client_id}`, undefined, writeOnly)).status,
    ).toBe(403);
    expect(
      (await raw(context(), "DELETE", `/clients/${made.client_id}`, undefined, writeOnly)).status,
    ).toBe(200);
  });

  it("fails with the fix when the admin client lacks a scope", async () => {
    await fetch(`${simulator().url}/__admin/clients/${DEMO_SELF_SERVICE_CLIENT_ID}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ scopes: ["idporten:dcr.read"] }),
    });
    const error = await caught(selfService.createClient(context(), registration()));
    expect(error.service).toBe("Maskinporten");
    expect(error.detail).toBe("MP-200: Scope(s) not registered on client: idporten:dcr.write");
  });
});

describe("clients", () => {
  it("creates, reads, lists, updates and deletes a client", async () => {
    const ctx = context();
    const created = await createdClient(ctx, registration());
    const at = new Date(simulator().context.nowMs()).toISOString().slice(0, 15);
    expect(created).toStrictEqual({
      client_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ...registration(),
      client_orgno: DEMO_ORGNR,
      created: expect.stringContaining(at),
      last_updated: expect.stringContaining(at),
      active: true,
    });
    const id = created.client_id!;
    expect(await selfService.getClient(ctx, id)).toStrictEqual(created);
    expect((await selfService.listClients(ctx)).map((c) => c.client_id)).toContain(id);

    const updated = await selfService.updateClient(
      ctx,
      id,
      registration({ description: "Sends and reads", access_token_lifetime: 300 }),
    );
    expect(updated).toStrictEqual({
      ...created,
      description: "Sends and reads",
      access_token_lifetime: 300,
      last_updated: expect.any(String),
    });

    expect(await selfService.deleteClient(ctx, id)).toBe("deleted");
    expect(await selfService.getClient(ctx, id)).toBeUndefined();
    expect(await selfService.deleteClient(ctx, id)).toBe("absent");
    expect(
      writes(simulator()).map((c) => `${c.method} ${c.path.replace(id, "{id}")} ${c.status}`),
    ).toStrictEqual([
      "POST /selfservice/api/v1/clients 200",
      "PUT /selfservice/api/v1/clients/{id} 200",
      "DELETE /selfservice/api/v1/clients/{id} 200",
      "DELETE /selfservice/api/v1/clients/{id} 404",
    ]);
  });

  it("calls the API under the configured path prefix", async () => {
    const base = simulatorEndpoints(simulator().url);
    const ctx = selfServiceContext(simulator());
    ctx.settings.endpoints = { ...base, selfServicePathPrefix: "" };
    await selfService.listClients(ctx);
    const paths = simulator().calls.filter((c) => c.path.startsWith("/selfservice"));
    expect(paths.map((c) => `${c.method} ${c.path} ${c.status}`)).toStrictEqual([
      "GET /selfservice/clients 200",
    ]);
  });

  it("hides another org's client (404)", async () => {
    await fetch(`${simulator().url}/__admin/clients`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_id: "brg-client", client_orgno: OTHER_ORGNR }),
    });
    const ctx = context();
    expect(await selfService.getClient(ctx, "brg-client")).toBeUndefined();
    const error = await caught(selfService.updateClient(ctx, "brg-client", registration()));
    expect(error.status).toBe(404);
    expect(error.message).toBe(
      "Digdir self-service: update client brg-client failed (PUT /selfservice/api/v1/clients/brg-client -> 404): Client brg-client not found",
    );
  });

  it("rejects scopes the org has not been granted, naming each", async () => {
    const error = await caught(
      selfService.createClient(
        context(),
        registration({ scopes: ["altinn:serviceowner", "altinn:instances.read"] }),
      ),
    );
    expect(error.status).toBe(400);
    expect(error.fieldErrors).toStrictEqual({
      scopes: [
        `Organisation ${DEMO_ORGNR} has not been granted access to the scope altinn:instances.read`,
      ],
    });
    expect(writes(simulator()).map((c) => c.status)).toStrictEqual([400]);
  });

  it("rejects a change of integration_type and a non-Maskinporten auth method", async () => {
    const ctx = context();
    const { client_id: id } = await createdClient(ctx, registration());
    const response = await raw(
      ctx,
      "PUT",
      `/clients/${id}`,
      registration({ integration_type: "idporten", token_endpoint_auth_method: "none" }),
    );
    expect(response.status).toBe(400);
    expect(response.body).toStrictEqual(
      errorBody(400, [
        {
          field: "integration_type",
          message: "integration_type cannot be changed on an existing client (it is maskinporten)",
        },
      ]),
    );
    const created = await raw(
      ctx,
      "POST",
      "/clients",
      registration({ token_endpoint_auth_method: "client_secret_basic", grant_types: [] }),
    );
    expect(created.body).toStrictEqual(
      errorBody(400, [
        {
          field: "token_endpoint_auth_method",
          message:
            "token_endpoint_auth_method must be private_key_jwt for integration_type maskinporten",
        },
        {
          field: "grant_types",
          message: `grant_types must be [${JWT_BEARER}] for integration_type maskinporten`,
        },
      ]),
    );
  });
});

describe("client keys (JWKS)", () => {
  async function newClient(ctx: ProviderContext): Promise<string> {
    return (await createdClient(ctx, registration())).client_id!;
  }

  it("registers a key set that gets a token at once", async () => {
    const ctx = context();
    const id = await newClient(ctx);
    const key = await makeKey("key-a");
    const now = simulator().context.nowSeconds();
    const registered = await selfService.registerJwks(ctx, id, [key.publicJwk]);
    const exp = registered.keys[0]!.exp!;
    expect(registered).toStrictEqual({
      keys: [{ ...key.publicJwk, exp }],
      created: expect.any(String),
      last_updated: expect.any(String),
    });
    // One calendar year after the post.
    expect([365, 366]).toContain(Math.round((exp - now) / 86_400));
    expect(await selfService.getJwks(ctx, id)).toStrictEqual(registered);

    const token = await tokenFor(
      simulator(),
      { clientId: id, keyId: "key-a", privateKey: key.privateJwk },
      ["altinn:serviceowner"],
    );
    expect(decodeJwt(token.token)).toMatchObject({
      client_id: id,
      scope: "altinn:serviceowner",
      consumer: { authority: "iso6523-actorid-upis", ID: `0192:${DEMO_ORGNR}` },
    });
  });

  it("refuses a sixth key with a clear error", async () => {
    const ctx = context();
    const id = await newClient(ctx);
    const keys = await Promise.all(["k1", "k2", "k3", "k4", "k5", "k6"].map((k) => makeKey(k)));
    const error = await caught(
      selfService.registerJwks(
        ctx,
        id,
        keys.map((k) => k.publicJwk),
      ),
    );
    expect(error.message).toBe(
      `Digdir self-service: register the keys k1, k2, k3, k4, k5, k6 on client ${id} failed (POST /selfservice/api/v1/clients/${id}/jwks -> 400): the request has invalid fields\n  keys: A JWKS can hold at most 5 keys, got 6`,
    );
    expect((await selfService.getJwks(ctx, id))!.keys).toStrictEqual([]);
  });

  it.each([
    [
      "a kid twice",
      async () => [(await makeKey("same")).publicJwk, (await makeKey("same")).publicJwk],
      [{ field: "keys[1].kid", message: "kid same occurs more than once in the set" }],
    ],
    [
      "private key members",
      async () => {
        const key = await makeKey("leaky");
        return [{ ...JSON.parse(key.privateJwk), alg: "RS256", use: "sig" }];
      },
      [
        {
          field: "keys[0]",
          message:
            "keys[0] contains private key material (d, p, q, dp, dq, qi): send only the public key",
        },
      ],
    ],
    [
      "a 1024-bit key",
      async () => [(await makeKey("short", 1024)).publicJwk],
      [
        {
          field: "keys[0]",
          message: "keys[0] is a 1024-bit RSA key: only 2048-bit keys are supported",
        },
      ],
    ],
    [
      "a 3072-bit key",
      async () => [(await makeKey("long", 3072)).publicJwk],
      [
        {
          field: "keys[0]",
          message: "keys[0] is a 3072-bit RSA key: only 2048-bit keys are supported",
        },
      ],
    ],
    [
      "another algorithm and no use",
      async () => {
        const { use: _use, ...key } = (await makeKey("rs512")).publicJwk;
        return [{ ...key, alg: "RS512" }];
      },
      [
        { field: "keys[0].alg", message: "keys[0].alg must be RS256" },
        { field: "keys[0].use", message: "keys[0].use must be sig" },
      ],
    ],
    [
      "an empty set",
      async () => [],
      [
        {
          field: "keys",
          message:
            "keys must hold at least one key; remove every key with DELETE /clients/{client_id}/jwks",
        },
      ],
    ],
  ])("rejects %s with the API's error body", async (_name, keys, errors) => {
    const ctx = context();
    const id = await newClient(ctx);
    const response = await raw(ctx, "POST", `/clients/${id}/jwks`, { keys: await keys() });
    expect(response.status).toBe(400);
    expect(response.body).toStrictEqual(errorBody(400, errors, "JWKS"));
  });

  it("rejects a kid that another client uses", async () => {
    const ctx = context();
    const first = await newClient(ctx);
    const second = await newClient(ctx);
    const key = await makeKey("shared-kid");
    await selfService.registerJwks(ctx, first, [key.publicJwk]);
    const error = await caught(selfService.registerJwks(ctx, second, [key.publicJwk]));
    expect(error.fieldErrors).toStrictEqual({
      "keys[0].kid": [
        "kid shared-kid is already in use: a kid must be unique across all Maskinporten clients",
      ],
    });
  });

  it("keeps a key's expiry when the set is posted again and gives a new key a year", async () => {
    // The clock stands still but for the advance: a second boundary passed between the two posts
    // would move the new key's expiry by one second.
    const frozen = jest.spyOn(Date, "now").mockReturnValue(Date.now());
    try {
      const ctx = context();
      const id = await newClient(ctx);
      const a = await makeKey("key-a");
      const b = await makeKey("key-b");
      const first = await selfService.registerJwks(ctx, id, [a.publicJwk]);
      await advanceClock(10 * 86_400);
      const second = await selfService.registerJwks(ctx, id, [a.publicJwk, b.publicJwk]);
      expect(second.keys.map((k) => [k.kid, k.exp])).toStrictEqual([
        ["key-a", first.keys[0]!.exp],
        ["key-b", first.keys[0]!.exp! + 10 * 86_400],
      ]);
    } finally {
      frozen.mockRestore();
    }
  });

  it("gives no token to a removed key (MP-122) nor to an expired one (MP-121)", async () => {
    const ctx = context();
    const id = await newClient(ctx);
    const a = await makeKey("key-a");
    const b = await makeKey("key-b");
    await selfService.registerJwks(ctx, id, [a.publicJwk, b.publicJwk]);
    const withA = { clientId: id, keyId: "key-a", privateKey: a.privateJwk };
    const withB = { clientId: id, keyId: "key-b", privateKey: b.privateJwk };
    await tokenFor(simulator(), withA, ["altinn:serviceowner"]);

    await selfService.registerJwks(ctx, id, [b.publicJwk]);
    const removed = await caught(tokenFor(simulator(), withA, ["altinn:serviceowner"]));
    expect([removed.status, removed.code, removed.detail]).toStrictEqual([
      400,
      "invalid_grant",
      "MP-122: Invalid assertion. No key with kid key-a is registered on the client",
    ]);

    await advanceClock(367 * 86_400);
    const expired = await caught(tokenFor(simulator(), withB, ["altinn:serviceowner"]));
    expect([expired.status, expired.code, expired.detail]).toStrictEqual([
      400,
      "invalid_grant",
      "MP-121: Expired key: the key key-b expired; register a new key",
    ]);
  });

  it("removes every key with DELETE, and reports an unknown client as absent", async () => {
    const ctx = context();
    const id = await newClient(ctx);
    await selfService.registerJwks(ctx, id, [(await makeKey("key-a")).publicJwk]);
    expect(await selfService.deleteJwks(ctx, id)).toBe("deleted");
    expect((await selfService.getJwks(ctx, id))!.keys).toStrictEqual([]);
    expect(await selfService.getJwks(ctx, "no-such-client")).toBeUndefined();
    expect(await selfService.deleteJwks(ctx, "no-such-client")).toBe("absent");
  });
});
