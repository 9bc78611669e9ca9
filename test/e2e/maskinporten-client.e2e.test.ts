import { generateKeyPairSync } from "node:crypto";
import { startSimulator, type Simulator } from "../../simulator/server";
import { DEMO_ORGNR } from "../../simulator/state";
import { isApiError } from "../../providers/lib/errors";
import { TestStack } from "../support/pulumi-cli";
import {
  DEMO_BUSINESS_CERTIFICATE_KEY,
  SELF_SERVICE_STACK_SECRETS,
  selfServiceStackValues,
  tokenFor,
} from "../support/self-service";
import { lastSeq, writes } from "../support/simulator";

/**
 * A Maskinporten client and its key through the whole key life with the real Pulumi engine and a
 * file backend, against the simulator's self-service API and Maskinporten: create with a generated
 * key, get a token with it, rotate (both keys work during the overlap), the next up removes the
 * old key, renewal near the one-year expiry on a clock the test moves (the simulator's clock and
 * the provider's, through the local-only altinn-iac:clockOffsetSeconds), destroy. The state never
 * holds a private key in plaintext. What it does not prove: Digdir's real servers.
 */

// A dozen engine runs, each a few seconds.
jest.setTimeout(600_000);

const SCOPES = ["altinn:serviceowner", "altinn:correspondence.write"];
const DAY = 86_400;

const client = {
  name: "melding-sender",
  clientName: "digdir melding sender",
  description: "Sends Altinn messages for digdir-melding",
  scopes: SCOPES,
};

interface KeyState {
  privateKeyPem: string;
  privateJwk: string;
}

/** The key resource's secret outputs, decrypted: what a consumer of the key would be given. */
async function keySecrets(stack: TestStack): Promise<KeyState> {
  const exported = JSON.parse(
    (await stack.pulumiOk(["stack", "export", "--show-secrets"])).stdout,
  ) as { deployment: { resources: Array<{ type: string; outputs?: Record<string, unknown> }> } };
  const outputs = exported.deployment.resources.find((r) =>
    r.type.endsWith("MaskinportenClientKey"),
  )!.outputs!;
  const plain = (value: unknown): string =>
    typeof value === "string"
      ? value
      : (JSON.parse(String((value as { plaintext: string }).plaintext)) as string);
  return { privateKeyPem: plain(outputs.privateKeyPem), privateJwk: plain(outputs.privateJwk) };
}

interface ClientOutputs {
  clientId: string;
  keyId: string;
  keyExpiresAt: string;
  previousKeyIds: string[];
}

async function clientOutputs(stack: TestStack): Promise<ClientOutputs> {
  const outputs = (await stack.outputs()).maskinportenClients as Record<string, ClientOutputs>;
  return outputs[client.name]!;
}

async function tokenWith(
  simulator: Simulator,
  clientId: string,
  keyId: string,
  privateKey: string,
): Promise<string> {
  try {
    await tokenFor(simulator, { clientId, keyId, privateKey }, SCOPES);
    return "ok";
  } catch (error) {
    if (isApiError(error)) return error.detail.split(":")[0]!;
    throw error;
  }
}

function writeCalls(simulator: Simulator, since: number, clientId: string): string[] {
  return writes(simulator, since).map(
    (c) => `${c.method} ${c.path.replace(clientId, "{id}")} ${c.status}`,
  );
}

/** Fails when the exported state (secrets hidden) contains any of the key's private material. */
function expectNoPrivateKey(exported: string, secrets: KeyState[]): void {
  expect(exported).not.toContain("PRIVATE KEY");
  for (const secret of secrets) {
    const pemLines = secret.privateKeyPem.split("\n").filter((l) => l && !l.startsWith("-----"));
    for (const line of pemLines) expect(exported).not.toContain(line);
    const jwk = JSON.parse(secret.privateJwk) as Record<string, string>;
    for (const member of ["d", "p", "q", "dp", "dq", "qi"]) {
      expect(exported).not.toContain(jwk[member]);
    }
  }
  const adminKeyLines = DEMO_BUSINESS_CERTIFICATE_KEY.split("\n").filter(
    (l) => l && !l.startsWith("-----"),
  );
  for (const line of adminKeyLines) expect(exported).not.toContain(line);
}

describe("MaskinportenClient and MaskinportenClientKey with the real engine", () => {
  let simulator: Simulator;
  let stack: TestStack;

  function values(extra: Record<string, unknown> = {}, key: Record<string, unknown> = {}) {
    return {
      ...selfServiceStackValues(simulator),
      maskinportenClients: [{ ...client, key }],
      ...extra,
    };
  }

  beforeAll(async () => {
    simulator = await startSimulator();
    stack = await TestStack.create({ values: values(), secrets: SELF_SERVICE_STACK_SECRETS });
  });

  afterAll(async () => {
    await stack?.remove();
    await simulator?.close();
  });

  it("creates a client with a generated key, rotates with overlap, renews before expiry and destroys", async () => {
    // Create: the key gets a token at once.
    await stack.up();
    const first = await clientOutputs(stack);
    const firstKey = await keySecrets(stack);
    const registered = simulator.context.state.clients[first.clientId]!;
    expect([registered.client_name, registered.scopes, registered.client_orgno]).toStrictEqual([
      client.clientName,
      SCOPES,
      DEMO_ORGNR,
    ]);
    expect(registered.jwks.map((k) => k.kid)).toStrictEqual([first.keyId]);
    expect(first).toStrictEqual({
      clientId: first.clientId,
      keyId: first.keyId,
      keyExpiresAt: new Date(registered.jwks[0]!.exp! * 1000).toISOString(),
      previousKeyIds: [],
    });
    expect(writeCalls(simulator, 0, first.clientId)).toStrictEqual([
      "POST /selfservice/api/v1/clients 200",
      "POST /selfservice/api/v1/clients/{id}/jwks 200",
    ]);
    expect(await tokenWith(simulator, first.clientId, first.keyId, firstKey.privateKeyPem)).toBe(
      "ok",
    );
    expect((await stack.previewSteps()).filter((s) => s.op !== "same")).toStrictEqual([]);

    // Rotate: one input changes; the new key is added and the old one kept.
    await stack.setConfig({
      values: values({}, { rotation: 1 }),
      secrets: SELF_SERVICE_STACK_SECRETS,
    });
    const rotation = (await stack.previewSteps()).filter((s) => s.op !== "same");
    expect(rotation.map((s) => `${s.op} ${s.urn.split("::").pop()}`)).toStrictEqual([
      "update melding-sender-key",
    ]);
    let seq = lastSeq(simulator);
    await stack.up();
    const second = await clientOutputs(stack);
    const secondKey = await keySecrets(stack);
    expect(second.clientId).toBe(first.clientId);
    expect(second.keyId).not.toBe(first.keyId);
    expect(second.previousKeyIds).toStrictEqual([first.keyId]);
    expect(writeCalls(simulator, seq, first.clientId)).toStrictEqual([
      "POST /selfservice/api/v1/clients/{id}/jwks 200",
    ]);
    expect(await tokenWith(simulator, first.clientId, first.keyId, firstKey.privateKeyPem)).toBe(
      "ok",
    );
    expect(await tokenWith(simulator, first.clientId, second.keyId, secondKey.privateKeyPem)).toBe(
      "ok",
    );

    // The next up, with no change to the stack, ends the overlap.
    seq = lastSeq(simulator);
    await stack.up();
    expect(await clientOutputs(stack)).toStrictEqual({ ...second, previousKeyIds: [] });
    expect(writeCalls(simulator, seq, first.clientId)).toStrictEqual([
      "POST /selfservice/api/v1/clients/{id}/jwks 200",
    ]);
    expect(await tokenWith(simulator, first.clientId, first.keyId, firstKey.privateKeyPem)).toBe(
      "MP-122",
    );
    expect(await tokenWith(simulator, first.clientId, second.keyId, secondKey.privateKeyPem)).toBe(
      "ok",
    );
    expect((await stack.previewSteps()).filter((s) => s.op !== "same")).toStrictEqual([]);

    // 340 days on (the simulator's clock and the provider's), the key is within 30 days of expiry.
    await fetch(`${simulator.url}/__admin/clock`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ advanceSeconds: 340 * DAY }),
    });
    await stack.setConfig({
      values: values({ clockOffsetSeconds: 340 * DAY }, { rotation: 1 }),
      secrets: SELF_SERVICE_STACK_SECRETS,
    });
    const renewal = (await stack.previewSteps()).filter((s) => s.op !== "same");
    expect(renewal.map((s) => `${s.op} ${s.urn.split("::").pop()}`)).toStrictEqual([
      "update melding-sender-key",
    ]);
    await stack.up();
    const renewed = await clientOutputs(stack);
    const renewedKey = await keySecrets(stack);
    expect(renewed.keyId).not.toBe(second.keyId);
    expect(renewed.previousKeyIds).toStrictEqual([second.keyId]);
    expect(Date.parse(renewed.keyExpiresAt) - simulator.context.nowMs()).toBeGreaterThan(
      364 * DAY * 1000,
    );
    expect(await tokenWith(simulator, first.clientId, second.keyId, secondKey.privateKeyPem)).toBe(
      "ok",
    );
    expect(
      await tokenWith(simulator, first.clientId, renewed.keyId, renewedKey.privateKeyPem),
    ).toBe("ok");
    await stack.up();
    expect(await tokenWith(simulator, first.clientId, second.keyId, secondKey.privateKeyPem)).toBe(
      "MP-122",
    );
    expect(
      await tokenWith(simulator, first.clientId, renewed.keyId, renewedKey.privateKeyPem),
    ).toBe("ok");

    // No private key in plaintext state, also after a refresh ran the provider's read.
    await stack.pulumiOk(["refresh", "--yes"]);
    const exported = await stack.exportedState();
    expectNoPrivateKey(exported, [firstKey, secondKey, renewedKey]);
    const keyResource = (
      JSON.parse(exported) as {
        deployment: { resources: Array<{ type: string; outputs?: Record<string, unknown> }> };
      }
    ).deployment.resources.find((r) => r.type.endsWith("MaskinportenClientKey"))!;
    for (const secret of ["privateKeyPem", "privateJwk"]) {
      expect(keyResource.outputs![secret]).toStrictEqual({
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        ciphertext: expect.any(String),
      });
    }

    seq = lastSeq(simulator);
    await stack.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    expect(simulator.context.state.clients[first.clientId]).toBeUndefined();
    expect(writeCalls(simulator, seq, first.clientId)).toStrictEqual([
      "DELETE /selfservice/api/v1/clients/{id}/jwks 200",
      "DELETE /selfservice/api/v1/clients/{id} 200",
    ]);
  });
});

describe("Maskinporten clients: bad stack config", () => {
  let simulator: Simulator;
  let stack: TestStack;

  beforeAll(async () => {
    simulator = await startSimulator();
  });

  afterAll(async () => {
    await stack?.remove();
    await simulator?.close();
  });

  it("fails preview for a scope the org lacks, saying what to ask servicedesk@altinn.no for", async () => {
    stack = await TestStack.create({
      values: {
        ...selfServiceStackValues(simulator),
        maskinportenClients: [{ ...client, scopes: [...SCOPES, "altinn:instances.read"] }],
      },
      secrets: SELF_SERVICE_STACK_SECRETS,
    });
    const result = await stack.pulumi(["preview"]);
    expect(result.code).not.toBe(0);
    expect(result.output.replace(/\s+/g, " ")).toContain(
      `resource 'melding-sender': property scopes value {[{altinn:serviceowner} {altinn:correspondence.write} {altinn:instances.read}]} has a problem: ` +
        `organisation ${DEMO_ORGNR} has no APPROVED access to altinn:instances.read (not requested): ` +
        `ask servicedesk@altinn.no to grant organisation ${DEMO_ORGNR} access to altinn:instances.read in the test environment ` +
        `(in the local simulator: POST /__admin/scope-grants {"orgnr":"${DEMO_ORGNR}","scopes":["altinn:instances.read"]}), then run pulumi preview again`,
    );
    expect(writes(simulator)).toStrictEqual([]);
  });

  it("refuses a sixth key on a client that has five, before any write", async () => {
    const jwks = ["k1", "k2", "k3", "k4", "k5"].map((kid) => {
      const jwk = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({
        format: "jwk",
      });
      return { kid, kty: "RSA", alg: "RS256", use: "sig", n: String(jwk.n), e: String(jwk.e) };
    });
    await fetch(`${simulator.url}/__admin/clients`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        client_id: "made-in-samarbeidsportalen",
        client_orgno: DEMO_ORGNR,
        jwks,
      }),
    });
    await stack.setConfig({
      values: {
        ...selfServiceStackValues(simulator),
        maskinportenClientKeys: [{ name: "legacy", clientId: "made-in-samarbeidsportalen" }],
      },
      secrets: SELF_SERVICE_STACK_SECRETS,
    });
    const result = await stack.pulumi(["preview"]);
    expect(result.code).not.toBe(0);
    expect(result.output.replace(/\s+/g, " ")).toContain(
      "resource 'legacy-key': property clientId value {made-in-samarbeidsportalen} has a problem: " +
        "client made-in-samarbeidsportalen already has 5 keys (k1, k2, k3, k4, k5), the most Digdir allows is 5: " +
        "this resource adds a key and would make one too many. Remove a key from the client first " +
        "(in Samarbeidsportalen, or in the stack that registered it), then run pulumi up again",
    );
    expect(writes(simulator)).toStrictEqual([]);
  });
});
