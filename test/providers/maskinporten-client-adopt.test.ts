import { generateKeyPairSync } from "node:crypto";
import type { ProviderContext } from "../../providers/lib/context";
import { maskinportenClientImplementation as impl } from "../../providers/maskinporten-client";
import { maskinportenClientKeyImplementation as keys } from "../../providers/maskinporten-client-key";
import { DEMO_ORGNR } from "../../simulator/state";
import { selfServiceContext } from "../support/self-service";
import { lastSeq, useSimulator, writes } from "../support/simulator";

/**
 * Adopting a Maskinporten client by its client_id, against the simulator's self-service API: the
 * preview's `adopting`, a refusal of an unknown client_id, no write for a client that already
 * holds the declared fields, one PUT otherwise, and diff of the key.
 */

const simulator = useSimulator();

const declared = {
  clientName: "melding sender",
  description: "Sends Altinn messages",
  scopes: ["altinn:serviceowner"],
};

/** A client made in Samarbeidsportalen: stored straight in the simulator, not by the tool. */
async function madeInPortal(clientId: string, fields: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${simulator().url}/__admin/clients`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_id: clientId, client_orgno: DEMO_ORGNR, ...fields }),
  });
  expect(response.status).toBe(204);
}

function writeCalls(since: number): string[] {
  return writes(simulator(), since).map((c) => `${c.method} ${c.path} ${c.status}`);
}

let warnings: string[];
let ctx: ProviderContext;

beforeEach(async () => {
  await fetch(`${simulator().url}/__admin/reset?confirm=all`, { method: "POST" });
  warnings = [];
  ctx = selfServiceContext(simulator(), { warn: (m) => warnings.push(m) });
});

describe("MaskinportenClient adoption", () => {
  it("previews adopting a client that holds the declared fields, and adopts it without a write", async () => {
    await madeInPortal("portal-client-1", {
      client_name: "melding sender",
      description: "Sends Altinn messages",
      scopes: ["altinn:serviceowner"],
    });
    const checked = await impl.check(ctx, {}, { ...declared, clientId: "portal-client-1" });
    expect(checked.failures).toStrictEqual([]);
    expect(checked.inputs!.adopting).toBe(
      'existing client portal-client-1 ("melding sender"), already as declared: no write',
    );
    const before = lastSeq(simulator());
    const created = await impl.create(ctx, checked.inputs!);
    expect(writeCalls(before)).toStrictEqual([]);
    expect(created.id).toBe("portal-client-1");
    expect(created.outs).toStrictEqual({
      ...declared,
      integrationType: "maskinporten",
      applicationType: "web",
      tokenEndpointAuthMethod: "private_key_jwt",
      grantTypes: ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
      clientId: "portal-client-1",
      clientOrgno: DEMO_ORGNR,
    });
    expect(warnings).toStrictEqual([]);
  });

  it("takes over a client with other fields by one PUT, and warns at preview", async () => {
    await madeInPortal("portal-client-2", { client_name: "old name", description: "old" });
    const checked = await impl.check(ctx, {}, { ...declared, clientId: "portal-client-2" });
    expect(checked.inputs!.adopting).toBe('existing client portal-client-2 ("old name")');
    expect(warnings).toStrictEqual([
      'adopting existing client portal-client-2 ("old name"): up replaces its name, description and scopes with the declared ones',
    ]);
    const before = lastSeq(simulator());
    await impl.create(ctx, checked.inputs!);
    expect(writeCalls(before)).toStrictEqual([
      "PUT /selfservice/api/v1/clients/portal-client-2 200",
    ]);
    const live = simulator().context.state.clients["portal-client-2"]!;
    expect([live.client_name, live.description]).toStrictEqual([
      "melding sender",
      "Sends Altinn messages",
    ]);
  });

  it("rejects at preview a client_id that is not a client of the org", async () => {
    const result = await impl.check(ctx, {}, { ...declared, clientId: "no-such-client" });
    expect(result.failures).toStrictEqual([
      {
        property: "clientId",
        reason:
          "client no-such-client does not exist, or belongs to another organisation than the self-service admin client's: check clientId (the client_id in Samarbeidsportalen), or remove it to create a new client",
      },
    ]);
  });

  it("sees the adopted client's own id as no change, and another id as a replacement", async () => {
    const olds = {
      ...declared,
      integrationType: "maskinporten",
      applicationType: "web",
      tokenEndpointAuthMethod: "private_key_jwt",
      grantTypes: ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
      clientId: "portal-client-3",
      clientOrgno: DEMO_ORGNR,
    };
    const { clientOrgno: _orgno, ...same } = olds;
    expect(await impl.diff(ctx, "portal-client-3", olds, same)).toStrictEqual({
      changes: false,
      replaces: [],
    });
    const { clientId: _id, ...undeclared } = same;
    expect(await impl.diff(ctx, "portal-client-3", olds, undeclared)).toStrictEqual({
      changes: false,
      replaces: [],
    });
    expect(
      await impl.diff(ctx, "portal-client-3", olds, { ...same, clientId: "portal-client-4" }),
    ).toStrictEqual({ changes: true, replaces: ["clientId"] });
  });
});

function publicJwk(kid: string) {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pub = publicKey.export({ format: "jwk" });
  return { kty: "RSA", kid, alg: "RS256", use: "sig", n: String(pub.n), e: String(pub.e) };
}

describe("MaskinportenClientKey adoption", () => {
  it("adopts the client's only key, brought as publicJwk, without a write, and then sees no change", async () => {
    const jwk = publicJwk("portal-key-1");
    await madeInPortal("portal-client-5", { jwks: [{ ...jwk, exp: 1_900_000_000 }] });
    const checked = await keys.check(ctx, {}, { clientId: "portal-client-5", publicJwk: jwk });
    expect(checked.failures).toStrictEqual([]);
    const before = lastSeq(simulator());
    const created = await keys.create(ctx, checked.inputs!);
    expect(writeCalls(before)).toStrictEqual([]);
    const outs = created.outs as Record<string, unknown>;
    expect([outs.keyId, outs.previousKeyIds, outs.registeredKeyIds]).toStrictEqual([
      "portal-key-1",
      [],
      ["portal-key-1"],
    ]);
    expect(warnings).toStrictEqual([]);
    expect(await keys.diff(ctx, "portal-client-5", outs, checked.inputs!)).toStrictEqual({
      changes: false,
      replaces: [],
    });
  });

  it("adds a brought key that is not yet registered, keeping the others for one overlap", async () => {
    await madeInPortal("portal-client-6", { jwks: [{ ...publicJwk("portal-key-2") }] });
    const jwk = publicJwk("new-key");
    const checked = await keys.check(ctx, {}, { clientId: "portal-client-6", publicJwk: jwk });
    const created = await keys.create(ctx, checked.inputs!);
    const outs = created.outs as Record<string, unknown>;
    expect([outs.keyId, outs.previousKeyIds]).toStrictEqual(["new-key", ["portal-key-2"]]);
  });
});
