import type * as selfService from "../../providers/api/self-service";
import type { ProviderContext } from "../../providers/lib/context";
import {
  fromClientRegistration,
  maskinportenClientImplementation as impl,
  scopeAccessFailures,
} from "../../providers/maskinporten-client";
import { DEMO_ORGNR } from "../../simulator/state";
import { maskinportenClientKeyImplementation as keyImpl } from "../../providers/maskinporten-client-key";
import { selfServiceContext } from "../support/self-service";
import { lastSeq, useSimulator, writes } from "../support/simulator";

/**
 * The MaskinportenClient provider called directly against the simulator's self-service API:
 * check (with the scope-access preflight), create, read (drift), update, diff, delete. What it
 * does not prove: the engine's handling of the results (test/e2e does that).
 */

const simulator = useSimulator();
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const PROVIDER = "serialized-provider";

const spec = {
  clientName: "melding sender",
  description: "Sends Altinn messages",
  scopes: ["altinn:serviceowner", "altinn:correspondence.write"],
};

const resolved = {
  ...spec,
  integrationType: "maskinporten",
  applicationType: "web",
  tokenEndpointAuthMethod: "private_key_jwt",
  grantTypes: [JWT_BEARER],
};

function context(): ProviderContext {
  return selfServiceContext(simulator());
}

beforeEach(async () => {
  await fetch(`${simulator().url}/__admin/reset?confirm=all`, { method: "POST" });
});

describe("MaskinportenClient check", () => {
  it("fills in the Maskinporten defaults", async () => {
    const result = await impl.check(context(), {}, { ...spec, __provider: PROVIDER });
    expect(result).toStrictEqual({
      inputs: { ...resolved, __provider: PROVIDER },
      failures: [],
    });
  });

  it("rejects bad input naming the property and the fix, before any call", async () => {
    const result = await impl.check(
      context(),
      {},
      {
        clientName: " ",
        description: "x",
        scopes: ["altinn:serviceowner", "altinn:serviceowner", "two words"],
        applicationType: "native",
        accessTokenLifetime: 1.5,
        __provider: PROVIDER,
      },
    );
    expect(result.failures).toStrictEqual([
      {
        property: "clientName",
        reason: "clientName must not be empty: give the client a display name",
      },
      { property: "scopes.2", reason: "a scope has no spaces, such as altinn:serviceowner" },
      { property: "scopes", reason: "scopes must not repeat a scope" },
      {
        property: "applicationType",
        reason: "applicationType must be web for a Maskinporten client",
      },
      {
        property: "accessTokenLifetime",
        reason: "accessTokenLifetime is a whole number of seconds",
      },
    ]);
    expect(simulator().calls).toStrictEqual([]);
  });

  it("fails preview when a scope is not APPROVED, saying what to ask servicedesk@altinn.no for", async () => {
    simulator().context.state.scopeGrants.push({
      scope: "altinn:instances.read",
      consumer_orgno: DEMO_ORGNR,
      owner_orgno: "991825827",
      state: "REQUESTED",
      created: "2026-01-01T00:00:00Z",
      last_updated: "2026-01-01T00:00:00Z",
    });
    const result = await impl.check(
      context(),
      {},
      {
        ...spec,
        scopes: [
          "altinn:serviceowner",
          "altinn:instances.read",
          "altinn:events.publish",
          "skatteetaten:mva",
        ],
        __provider: PROVIDER,
      },
    );
    expect(result.failures).toStrictEqual([
      {
        property: "scopes",
        reason:
          `organisation ${DEMO_ORGNR} has no APPROVED access to altinn:instances.read (requested, not yet approved), altinn:events.publish (not requested) and skatteetaten:mva (not requested): ` +
          `ask servicedesk@altinn.no to grant organisation ${DEMO_ORGNR} access to altinn:instances.read and altinn:events.publish in the test environment; ` +
          `ask the owner of skatteetaten:mva to grant organisation ${DEMO_ORGNR} access ` +
          `(in the local simulator: POST /__admin/scope-grants {"orgnr":"${DEMO_ORGNR}","scopes":["altinn:instances.read","altinn:events.publish","skatteetaten:mva"]}), then run pulumi preview again`,
      },
    ]);
    expect(writes(simulator())).toStrictEqual([]);
  });

  it("reads scope access only for the scopes a change adds", async () => {
    const olds = { ...resolved };
    const seq = lastSeq(simulator());
    await impl.check(context(), olds, { ...spec, __provider: PROVIDER });
    expect(simulator().calls.filter((c) => c.seq > seq)).toStrictEqual([]);

    const result = await impl.check(context(), olds, {
      ...spec,
      scopes: [...spec.scopes, "altinn:resourceregistry/resource.write"],
      __provider: PROVIDER,
    });
    expect(result.failures).toStrictEqual([]);
    expect(
      simulator()
        .calls.filter((c) => c.seq > seq)
        .map((c) => `${c.method} ${c.path}`),
    ).toStrictEqual(["POST /maskinporten/token", "GET /selfservice/api/v1/scopes/access/all"]);
  });

  it("reads scope access and the org's clients once per provider process for every client it checks", async () => {
    const ctx = context();
    const seq = lastSeq(simulator());
    for (const name of ["first client", "second client"]) {
      const result = await impl.check(ctx, {}, { ...spec, clientName: name, __provider: PROVIDER });
      expect(result.failures).toStrictEqual([]);
    }
    expect(
      simulator()
        .calls.filter((c) => c.seq > seq)
        .map((c) => `${c.method} ${c.path}`),
    ).toStrictEqual([
      "POST /maskinporten/token",
      "GET /selfservice/api/v1/clients",
      "GET /selfservice/api/v1/scopes/access/all",
    ]);
  });

  it("leaves scopes unknown in preview for up", async () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const news = { ...spec, scopes: unknown, __provider: PROVIDER };
    expect(await impl.check(context(), {}, news)).toStrictEqual({ inputs: news, failures: [] });
    expect(simulator().calls).toStrictEqual([]);
  });
});

describe("scopeAccessFailures", () => {
  it("names the production environment and an org it cannot see", () => {
    expect(scopeAccessFailures(["altinn:serviceowner"], [], "prod")).toStrictEqual([
      {
        property: "scopes",
        reason:
          "your organisation has no APPROVED access to altinn:serviceowner (not requested): ask servicedesk@altinn.no to grant your organisation access to altinn:serviceowner in production, then run pulumi preview again",
      },
    ]);
  });

  it("names the scope the organisation has that a missing one is a typo of", () => {
    const access = [
      {
        scope: "altinn:correspondence.write",
        state: "APPROVED" as const,
        consumer_orgno: "991825827",
        owner_orgno: "991825827",
      },
    ];
    expect(scopeAccessFailures(["altinn:correspondance.write"], access, "test")).toStrictEqual([
      {
        property: "scopes",
        reason:
          "organisation 991825827 has no APPROVED access to altinn:correspondance.write (not requested: did you mean altinn:correspondence.write, which it has?): ask servicedesk@altinn.no to grant organisation 991825827 access to altinn:correspondance.write in the test environment (tt02 / Maskinporten test), then run pulumi preview again",
      },
    ]);
  });
});

describe("MaskinportenClient life cycle", () => {
  it("creates the client, reads it back unchanged, updates it in place and deletes it", async () => {
    const ctx = context();
    const inputs = (await impl.check(ctx, {}, { ...spec, __provider: PROVIDER })).inputs!;
    const created = await impl.create(ctx, inputs);
    const id = created.id;
    expect(created.outs).toStrictEqual({
      ...resolved,
      clientId: id,
      clientOrgno: DEMO_ORGNR,
    });
    const stored = simulator().context.state.clients[id]!;
    expect([
      stored.client_name,
      stored.description,
      stored.scopes,
      stored.client_orgno,
    ]).toStrictEqual([spec.clientName, spec.description, spec.scopes, DEMO_ORGNR]);

    const read = await impl.read(ctx, id, created.outs);
    expect(read).toStrictEqual({ id, props: created.outs, inputs: resolved });
    expect(await impl.diff(ctx, id, created.outs, inputs)).toStrictEqual({
      changes: false,
      replaces: [],
    });

    const news = { ...inputs, description: "Sends and reads", accessTokenLifetime: 300 };
    const diff = await impl.diff(ctx, id, created.outs, news);
    expect(diff).toStrictEqual({ changes: true, replaces: [] });
    const seq = lastSeq(simulator());
    const updated = await impl.update(ctx, id, created.outs, news);
    expect(updated.outs).toStrictEqual({
      ...resolved,
      description: "Sends and reads",
      accessTokenLifetime: 300,
      clientId: id,
      clientOrgno: DEMO_ORGNR,
    });
    expect(writes(simulator(), seq).map((c) => `${c.method} ${c.path}`)).toStrictEqual([
      `PUT /selfservice/api/v1/clients/${id}`,
    ]);
    expect(JSON.parse(writes(simulator(), seq)[0]!.body)).toStrictEqual({
      client_name: spec.clientName,
      description: "Sends and reads",
      integration_type: "maskinporten",
      application_type: "web",
      token_endpoint_auth_method: "private_key_jwt",
      grant_types: [JWT_BEARER],
      scopes: spec.scopes,
      access_token_lifetime: 300,
    });

    await impl.delete(ctx, id, updated.outs!);
    expect(simulator().context.state.clients[id]).toBeUndefined();
    expect(await impl.read(ctx, id, updated.outs!)).toStrictEqual({});
    await impl.delete(ctx, id, updated.outs!);
  });

  it("reads any number of clients in one run (refresh) from one list of the org's clients", async () => {
    const setup = context();
    const made = [
      await impl.create(setup, { ...resolved, clientName: "refresh one" }),
      await impl.create(setup, { ...resolved, clientName: "refresh two" }),
    ];
    const ctx = context();
    const seq = lastSeq(simulator());
    const reads = await Promise.all(made.map((m) => impl.read(ctx, m.id, m.outs)));
    expect(reads.map((r) => r.props!.clientName)).toStrictEqual(["refresh one", "refresh two"]);
    expect(
      simulator()
        .calls.filter((c) => c.seq > seq && c.path.startsWith("/selfservice/"))
        .map((c) => `${c.method} ${c.path} ${c.status}`),
    ).toStrictEqual(["GET /selfservice/api/v1/clients 200"]);
  });

  it("sees a description edited in Samarbeidsportalen as drift", async () => {
    const ctx = context();
    const inputs = (await impl.check(ctx, {}, { ...spec, __provider: PROVIDER })).inputs!;
    const { id, outs } = await impl.create(ctx, inputs);
    await fetch(`${simulator().url}/__admin/clients/${id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ description: "Edited by hand", scopes: ["altinn:serviceowner"] }),
    });
    const read = await impl.read(ctx, id, outs);
    expect(read.inputs).toStrictEqual({
      ...resolved,
      description: "Edited by hand",
      scopes: ["altinn:serviceowner"],
    });
    expect(await impl.diff(ctx, id, read.props!, inputs)).toStrictEqual({
      changes: true,
      replaces: [],
    });
  });
});

describe("MaskinportenClient create", () => {
  it("creates each client with one POST after one list of the org's clients", async () => {
    const ctx = context();
    const seq = lastSeq(simulator());
    for (const name of ["first sender", "second sender", "third sender"]) {
      await impl.create(ctx, { ...resolved, clientName: name });
    }
    expect(
      simulator()
        .calls.filter((c) => c.seq > seq)
        .map((c) => `${c.method} ${c.path} ${c.status}`),
    ).toStrictEqual([
      "POST /maskinporten/token 200",
      "GET /selfservice/api/v1/clients 200",
      "POST /selfservice/api/v1/clients 200",
      "POST /selfservice/api/v1/clients 200",
      "POST /selfservice/api/v1/clients 200",
    ]);
  });

  it("takes over with no write, as check previews, the client an interrupted create made", async () => {
    // The process died after its POST: the client exists, the engine recorded nothing.
    const made = await impl.create(context(), resolved);
    const seq = lastSeq(simulator());
    const ctx = context();
    const checked = await impl.check(ctx, {}, { ...spec, __provider: PROVIDER });
    expect(checked.inputs!.adopting).toBe(
      `existing client ${made.id} ("${spec.clientName}"), already as declared: no write`,
    );
    const again = await impl.create(ctx, checked.inputs!);
    expect(again).toStrictEqual(made);
    expect(writes(simulator(), seq)).toStrictEqual([]);
  });

  it("refuses at preview and at up a client with the natural key and other fields, naming the fix", async () => {
    await fetch(`${simulator().url}/__admin/clients`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        client_id: "made-in-samarbeidsportalen",
        client_orgno: DEMO_ORGNR,
        client_name: spec.clientName,
        description: spec.description,
      }),
    });
    const reason = `client made-in-samarbeidsportalen has the name "${spec.clientName}" and the description of this one, but other fields (scopes, token lifetime), and this stack does not manage it: a create finds what an interrupted create made by name and description, so set clientId: made-in-samarbeidsportalen to adopt it (its fields are then replaced by the declared ones), or give this client another clientName or description`;
    const checked = await impl.check(context(), {}, { ...spec, __provider: PROVIDER });
    expect(checked.failures).toStrictEqual([{ property: "clientName", reason }]);
    const before = structuredClone(simulator().context.state.clients["made-in-samarbeidsportalen"]);
    await expect(impl.create(context(), resolved)).rejects.toThrow(reason);
    expect(writes(simulator())).toStrictEqual([]);
    expect(simulator().context.state.clients["made-in-samarbeidsportalen"]).toStrictEqual(before);
  });

  it("registers the key of a client it has just made with one POST and no read", async () => {
    const ctx = context();
    const client = await impl.create(ctx, resolved);
    const seq = lastSeq(simulator());
    const key = await keyImpl.check(ctx, {}, { clientId: client.id, __provider: PROVIDER });
    expect(key.failures).toStrictEqual([]);
    const created = await keyImpl.create(ctx, key.inputs!);
    expect(
      simulator()
        .calls.filter((c) => c.seq > seq && c.path.startsWith("/selfservice/"))
        .map((c) => `${c.method} ${c.path}`),
    ).toStrictEqual([`POST /selfservice/api/v1/clients/${client.id}/jwks`]);
    expect(simulator().context.state.clients[client.id]!.jwks.map((k) => k.kid)).toStrictEqual([
      (created.outs as { keyId: string }).keyId,
    ]);
  });
});

describe("MaskinportenClient diff", () => {
  it("ignores the order of scopes and replaces on a new integration type", async () => {
    const ctx = context();
    expect(
      await impl.diff(ctx, "id", resolved, { ...resolved, scopes: [...spec.scopes].reverse() }),
    ).toStrictEqual({ changes: false, replaces: [] });
    expect(
      await impl.diff(ctx, "id", { ...resolved, integrationType: "idporten" }, resolved),
    ).toStrictEqual({ changes: true, replaces: ["integrationType"] });
  });
});

describe("fromClientRegistration", () => {
  it("keeps the server's token lifetime out unless the stack sets one", () => {
    const live = {
      client_id: "c",
      client_name: "n",
      description: "d",
      integration_type: "maskinporten",
      application_type: "web",
      token_endpoint_auth_method: "private_key_jwt",
      grant_types: [JWT_BEARER],
      scopes: [],
      access_token_lifetime: 120,
      client_orgno: DEMO_ORGNR,
    } satisfies selfService.ClientRegistration;
    const base = {
      clientName: "n",
      description: "d",
      scopes: [],
      integrationType: "maskinporten",
      applicationType: "web",
      tokenEndpointAuthMethod: "private_key_jwt",
      grantTypes: [JWT_BEARER],
    };
    expect(fromClientRegistration(live, {})).toStrictEqual(base);
    expect(fromClientRegistration(live, { accessTokenLifetime: 60 })).toStrictEqual({
      ...base,
      accessTokenLifetime: 120,
    });
  });
});
