import { generateKeyPairSync } from "node:crypto";
import * as selfService from "../../providers/api/self-service";
import type { ProviderContext } from "../../providers/lib/context";
import { isApiError } from "../../providers/lib/errors";
import {
  keyChange,
  maskinportenClientKeyImplementation as impl,
  type MaskinportenClientKeyOutputs,
} from "../../providers/maskinporten-client-key";
import { createdClient, selfServiceContext, tokenFor } from "../support/self-service";
import { lastSeq, useSimulator, writes } from "../support/simulator";

/**
 * The MaskinportenClientKey provider called directly against the simulator: generated and brought
 * keys, rotation with overlap, renewal on a clock the test moves, the whole-set rules, drift and
 * delete, with tokens from the simulator's Maskinporten proving which keys work.
 */

const simulator = useSimulator();
const PROVIDER = "serialized-provider";
const SCOPE = ["altinn:serviceowner"];
const DAY = 86_400;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let warnings: string[];

/** The provider's clock is the simulator's, which the tests move with /__admin/clock. */
function context(): ProviderContext {
  return selfServiceContext(simulator(), {
    now: () => simulator().context.nowMs(),
    warn: (message) => warnings.push(message),
  });
}

async function advanceDays(days: number): Promise<void> {
  await fetch(`${simulator().url}/__admin/clock`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ advanceSeconds: days * DAY }),
  });
}

async function newClient(ctx: ProviderContext): Promise<string> {
  const created = await createdClient(ctx, {
    client_name: "melding sender",
    description: "Sends Altinn messages",
    integration_type: "maskinporten",
    application_type: "web",
    token_endpoint_auth_method: "private_key_jwt",
    grant_types: ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
    scopes: SCOPE,
  });
  return created.client_id!;
}

function handMadeKey(kid: string) {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pub = publicKey.export({ format: "jwk" });
  return {
    publicJwk: { kty: "RSA", kid, alg: "RS256", use: "sig", n: String(pub.n), e: String(pub.e) },
    privateKey: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
  };
}

async function checked(ctx: ProviderContext, news: Record<string, unknown>) {
  const result = await impl.check(ctx, {}, { ...news, __provider: PROVIDER });
  expect(result.failures).toStrictEqual([]);
  return result.inputs!;
}

/** Whether the simulator's Maskinporten gives a token for the key: "ok" or its MP error. */
async function tokenWith(clientId: string, keyId: string, privateKey: string): Promise<string> {
  try {
    await tokenFor(simulator(), { clientId, keyId, privateKey }, SCOPE);
    return "ok";
  } catch (error) {
    if (isApiError(error)) return error.detail.split(":")[0]!;
    throw error;
  }
}

/** Outputs as the provider methods take them back (plain property bags). */
type KeyOutputs = MaskinportenClientKeyOutputs & Record<string, unknown>;

function outs(result: { outs?: unknown }): KeyOutputs {
  return result.outs as KeyOutputs;
}

beforeEach(async () => {
  warnings = [];
  await fetch(`${simulator().url}/__admin/reset?confirm=all`, { method: "POST" });
});

describe("MaskinportenClientKey with a generated key", () => {
  it("generates an RSA 2048 key, registers it and outputs the private key", async () => {
    const ctx = context();
    const clientId = await newClient(ctx);
    const inputs = await checked(ctx, { clientId });
    expect(inputs).toStrictEqual({
      clientId,
      rotation: 0,
      renewBeforeDays: 30,
      __provider: PROVIDER,
    });
    const created = await impl.create(ctx, inputs);
    const key = outs(created);
    const live = simulator().context.state.clients[clientId]!.jwks;
    expect(created.id).toBe(clientId);
    expect(key.keyId).toMatch(UUID);
    expect(key).toStrictEqual({
      clientId,
      rotation: 0,
      renewBeforeDays: 30,
      keyId: key.keyId,
      keyExpiresAt: new Date(live[0]!.exp! * 1000).toISOString(),
      keyPublicJwk: {
        kty: "RSA",
        kid: key.keyId,
        alg: "RS256",
        use: "sig",
        n: live[0]!.n,
        e: "AQAB",
      },
      previousKeys: [],
      previousKeyIds: [],
      registeredKeyIds: [key.keyId],
      privateKeyPem: expect.stringMatching(
        /^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/,
      ),
      privateJwk: expect.any(String),
    });
    expect(Buffer.from(live[0]!.n, "base64url").length * 8).toBe(2048);
    expect(Object.keys(JSON.parse(key.privateJwk!)).sort()).toStrictEqual([
      "alg",
      "d",
      "dp",
      "dq",
      "e",
      "kid",
      "kty",
      "n",
      "p",
      "q",
      "qi",
      "use",
    ]);
    expect(await tokenWith(clientId, key.keyId, key.privateKeyPem!)).toBe("ok");
    expect(await tokenWith(clientId, key.keyId, key.privateJwk!)).toBe("ok");
    expect(await impl.diff(ctx, clientId, key, inputs)).toStrictEqual({
      changes: false,
      replaces: [],
    });
  });

  it("rotates with overlap: both keys work until the next update removes the old one", async () => {
    const ctx = context();
    const clientId = await newClient(ctx);
    const inputs = await checked(ctx, { clientId });
    const first = outs(await impl.create(ctx, inputs));
    const rotated = { ...inputs, rotation: 1 };

    expect(await impl.diff(ctx, clientId, first, rotated)).toStrictEqual({
      changes: true,
      replaces: [],
    });
    // The plan says what the bump does to the keys, not only "rotation: 0 => 1".
    expect(warnings).toStrictEqual([
      `client ${clientId}: this up rotates its key: a new current key with a new kid; the current key ${first.keyId} stays registered as the previous one, so senders keep getting tokens while they switch, and the following up removes it`,
    ]);
    warnings = [];
    const seq = lastSeq(simulator());
    const second = outs(await impl.update(ctx, clientId, first, rotated));
    expect(second.keyId).not.toBe(first.keyId);
    expect(second.previousKeyIds).toStrictEqual([first.keyId]);
    expect(second.registeredKeyIds).toStrictEqual([second.keyId, first.keyId]);
    expect(second.previousKeys).toStrictEqual([
      { kid: first.keyId, expiresAt: first.keyExpiresAt, publicJwk: first.keyPublicJwk },
    ]);
    expect(writes(simulator(), seq).map((c) => `${c.method} ${c.path}`)).toStrictEqual([
      `POST /selfservice/api/v1/clients/${clientId}/jwks`,
    ]);
    expect(JSON.parse(writes(simulator(), seq)[0]!.body)).toStrictEqual({
      keys: [second.keyPublicJwk, first.keyPublicJwk],
    });
    expect(await tokenWith(clientId, first.keyId, first.privateKeyPem!)).toBe("ok");
    expect(await tokenWith(clientId, second.keyId, second.privateKeyPem!)).toBe("ok");

    // The overlap ends on the next up: diff says so even though no input changed.
    expect(await impl.diff(ctx, clientId, second, rotated)).toStrictEqual({
      changes: true,
      replaces: [],
    });
    expect(warnings).toStrictEqual([
      `client ${clientId}: this up removes the previous key ${first.keyId} (the overlap after the last rotation or renewal ends); a sender still using it gets no more tokens`,
    ]);
    const third = outs(await impl.update(ctx, clientId, second, rotated));
    expect(third).toStrictEqual({
      ...second,
      previousKeys: [],
      previousKeyIds: [],
      registeredKeyIds: [second.keyId],
    });
    expect(await tokenWith(clientId, first.keyId, first.privateKeyPem!)).toBe("MP-122");
    expect(await tokenWith(clientId, second.keyId, second.privateKeyPem!)).toBe("ok");
    expect(await impl.diff(ctx, clientId, third, rotated)).toStrictEqual({
      changes: false,
      replaces: [],
    });
  });

  it("renews the key inside the renewal window, on the clock the test moves", async () => {
    const ctx = context();
    const clientId = await newClient(ctx);
    const inputs = await checked(ctx, { clientId, renewBeforeDays: 20 });
    const first = outs(await impl.create(ctx, inputs));

    await advanceDays(340);
    expect(await impl.diff(ctx, clientId, first, inputs)).toStrictEqual({
      changes: false,
      replaces: [],
    });
    await advanceDays(6);
    expect(keyChange(first, inputs as never, simulator().context.nowMs())).toBe("renewal");
    expect(await impl.diff(ctx, clientId, first, inputs)).toStrictEqual({
      changes: true,
      replaces: [],
    });
    const renewed = outs(await impl.update(ctx, clientId, first, inputs));
    expect(renewed.keyId).not.toBe(first.keyId);
    expect(renewed.rotation).toBe(0);
    expect(renewed.previousKeyIds).toStrictEqual([first.keyId]);
    expect(Date.parse(renewed.keyExpiresAt!) - simulator().context.nowMs()).toBeGreaterThan(
      364 * DAY * 1000,
    );
    expect(await tokenWith(clientId, first.keyId, first.privateKeyPem!)).toBe("ok");
    expect(await tokenWith(clientId, renewed.keyId, renewed.privateKeyPem!)).toBe("ok");

    // Past the old key's expiry Maskinporten refuses it even before the next up removes it.
    await advanceDays(20);
    expect(await tokenWith(clientId, first.keyId, first.privateKeyPem!)).toBe("MP-121");
    const next = outs(await impl.update(ctx, clientId, renewed, inputs));
    expect(next.registeredKeyIds).toStrictEqual([renewed.keyId]);
    expect(await tokenWith(clientId, renewed.keyId, renewed.privateKeyPem!)).toBe("ok");
  });

  it("keeps keys made outside the stack until the next update, and warns about it", async () => {
    const ctx = context();
    const clientId = await newClient(ctx);
    const byHand = handMadeKey("made-by-hand");
    await selfService.registerJwks(ctx, clientId, [byHand.publicJwk]);
    const inputs = await checked(ctx, { clientId });
    const created = outs(await impl.create(ctx, inputs));
    expect(warnings).toStrictEqual([
      `client ${clientId} already has the keys made-by-hand: they stay registered until the next pulumi up, which removes them (this resource owns the client's whole key set)`,
    ]);
    expect(created.registeredKeyIds).toStrictEqual([created.keyId, "made-by-hand"]);
    expect(await tokenWith(clientId, "made-by-hand", byHand.privateKey)).toBe("ok");
    const updated = outs(await impl.update(ctx, clientId, created, inputs));
    expect(updated.registeredKeyIds).toStrictEqual([created.keyId]);
    expect(await tokenWith(clientId, "made-by-hand", byHand.privateKey)).toBe("MP-122");
  });

  it("refuses a sixth key at preview and at create, before any write", async () => {
    const ctx = context();
    const clientId = await newClient(ctx);
    const kids = ["k1", "k2", "k3", "k4", "k5"];
    await selfService.registerJwks(
      ctx,
      clientId,
      kids.map((kid) => handMadeKey(kid).publicJwk),
    );
    const message =
      `client ${clientId} already has 5 keys (k1, k2, k3, k4, k5), the most Digdir allows is 5: ` +
      `this resource adds a key and would make one too many. Remove a key from the client first ` +
      `(in Samarbeidsportalen, or in the stack that registered it), then run pulumi up again`;
    const seq = lastSeq(simulator());
    const result = await impl.check(ctx, {}, { clientId, __provider: PROVIDER });
    expect(result.failures).toStrictEqual([{ property: "clientId", reason: message }]);
    await expect(impl.create(ctx, { clientId, rotation: 0, renewBeforeDays: 30 })).rejects.toThrow(
      message,
    );
    expect(writes(simulator(), seq)).toStrictEqual([]);
  });

  it("fails preview for a client that does not exist", async () => {
    const result = await impl.check(
      context(),
      {},
      { clientId: "no-such-client", __provider: PROVIDER },
    );
    expect(result.failures).toStrictEqual([
      {
        property: "clientId",
        reason:
          "client no-such-client does not exist, or belongs to another organisation than the self-service admin client's: check clientId",
      },
    ]);
  });

  it("puts back its key after it was removed behind its back", async () => {
    const ctx = context();
    const clientId = await newClient(ctx);
    const inputs = await checked(ctx, { clientId });
    const key = outs(await impl.create(ctx, inputs));
    await fetch(`${simulator().url}/__admin/clients/${clientId}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jwks: [] }),
    });
    const read = await impl.read(ctx, clientId, key);
    expect(read).toStrictEqual({
      id: clientId,
      props: { ...key, registeredKeyIds: [] },
      inputs: { clientId, rotation: 0, renewBeforeDays: 30 },
    });
    expect(await impl.diff(ctx, clientId, read.props!, inputs)).toStrictEqual({
      changes: true,
      replaces: [],
    });
    const restored = outs(await impl.update(ctx, clientId, read.props!, inputs));
    expect([restored.keyId, restored.registeredKeyIds]).toStrictEqual([key.keyId, [key.keyId]]);
    expect(await tokenWith(clientId, key.keyId, key.privateKeyPem!)).toBe("ok");
  });

  it("removes only its own keys on delete, and is gone when the client is", async () => {
    const ctx = context();
    const clientId = await newClient(ctx);
    const inputs = await checked(ctx, { clientId });
    const key = outs(await impl.create(ctx, inputs));
    const other = handMadeKey("other-team");
    await selfService.registerJwks(ctx, clientId, [key.keyPublicJwk, other.publicJwk]);
    await impl.delete(ctx, clientId, key);
    expect(simulator().context.state.clients[clientId]!.jwks.map((k) => k.kid)).toStrictEqual([
      "other-team",
    ]);

    const again = outs(await impl.create(ctx, inputs));
    await selfService.registerJwks(ctx, clientId, [again.keyPublicJwk]);
    const seq = lastSeq(simulator());
    await impl.delete(ctx, clientId, { ...again, previousKeyIds: [] });
    expect(writes(simulator(), seq).map((c) => `${c.method} ${c.path}`)).toStrictEqual([
      `DELETE /selfservice/api/v1/clients/${clientId}/jwks`,
    ]);

    await selfService.deleteClient(ctx, clientId);
    expect(await impl.read(ctx, clientId, again)).toStrictEqual({});
    await impl.delete(ctx, clientId, again);
  });
});

describe("MaskinportenClientKey with a key the user brings", () => {
  it("registers the public key, outputs no private key, and rotates to a new brought key with overlap", async () => {
    const ctx = context();
    const clientId = await newClient(ctx);
    const first = handMadeKey("brought-1");
    const inputs = await checked(ctx, { clientId, publicJwk: first.publicJwk });
    const created = outs(await impl.create(ctx, inputs));
    expect(created.keyId).toBe("brought-1");
    expect(created.privateKeyPem).toBeUndefined();
    expect(created.privateJwk).toBeUndefined();
    expect(await tokenWith(clientId, "brought-1", first.privateKey)).toBe("ok");

    const second = handMadeKey("brought-2");
    const news = await checked(ctx, { clientId, publicJwk: second.publicJwk });
    expect(await impl.diff(ctx, clientId, created, news)).toStrictEqual({
      changes: true,
      replaces: [],
    });
    const rotated = outs(await impl.update(ctx, clientId, created, news));
    expect([rotated.keyId, rotated.previousKeyIds]).toStrictEqual(["brought-2", ["brought-1"]]);
    expect(await tokenWith(clientId, "brought-1", first.privateKey)).toBe("ok");
    expect(await tokenWith(clientId, "brought-2", second.privateKey)).toBe("ok");
  });

  it("warns, without a new key, when a brought key nears its expiry", async () => {
    const ctx = context();
    const clientId = await newClient(ctx);
    const inputs = await checked(ctx, { clientId, publicJwk: handMadeKey("brought").publicJwk });
    const created = outs(await impl.create(ctx, inputs));
    await advanceDays(350);
    expect(await impl.diff(ctx, clientId, created, inputs)).toStrictEqual({
      changes: false,
      replaces: [],
    });
    expect(warnings).toStrictEqual([
      `the key brought of client ${clientId} expires at ${created.keyExpiresAt}: Digdir then refuses it (MP-121). ` +
        "Make a new key pair and give its public JWK (with a new kid) as publicJwk; the old key stays registered until the following up",
    ]);
  });

  it("rejects a JWK with private members without showing them, and a key that is not 2048-bit", async () => {
    const key = handMadeKey("leaky");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const d = String(privateKey.export({ format: "jwk" }).d);
    const long = generateKeyPairSync("rsa", { modulusLength: 3072 }).publicKey.export({
      format: "jwk",
    });
    const result = await impl.check(
      context(),
      {},
      {
        clientId: "some-client",
        rotation: 2,
        publicJwk: { ...key.publicJwk, n: String(long.n), d },
        __provider: PROVIDER,
      },
    );
    expect(result.failures).toStrictEqual([
      {
        property: "publicJwk.d",
        reason:
          "publicJwk holds private key members (d): give only the public key (kty, kid, alg, use, n, e) and keep the private key with the client that signs",
      },
      {
        property: "publicJwk.n",
        reason:
          'publicJwk is a 3072-bit RSA key: Digdir takes RSA keys of exactly 2048 bits (docs.digdir.no oidc_api_admin.md: "Kun RS256 med nøkkellenge 2048 støttes"); make one with: openssl genrsa 2048',
      },
      {
        property: "rotation",
        reason:
          "rotation rotates a generated key: with publicJwk, rotate by bringing a new publicJwk with a new kid (remove rotation)",
      },
    ]);
    expect(JSON.stringify(result.failures)).not.toContain(d);
    expect(simulator().calls).toStrictEqual([]);
  });
});

describe("MaskinportenClientKey diff", () => {
  it("replaces the key set of another client", async () => {
    const ctx = context();
    const clientId = await newClient(ctx);
    const inputs = await checked(ctx, { clientId });
    const key = outs(await impl.create(ctx, inputs));
    expect(await impl.diff(ctx, clientId, key, { ...inputs, clientId: "another" })).toStrictEqual({
      changes: true,
      replaces: ["clientId"],
    });
  });
});
