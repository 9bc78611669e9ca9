import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { buildPolicyXml } from "../../policies/build";
import { correspondencePolicy } from "../../policies/templates";
import { startSimulator, type Simulator } from "../../simulator/server";
import { findResource } from "../../simulator/state";
import { admin, LISTS, orgUrn, rawCall } from "../support/access-lists";
import { TestStack } from "../support/pulumi-cli";
import { SELF_SERVICE_STACK_SECRETS, selfServiceStackValues } from "../support/self-service";
import { DEMO_ORGNR, demoContext, lastSeq, writes } from "../support/simulator";

/**
 * Adopting an org's existing setup with the real engine: objects made straight in the simulator
 * (admin API and raw HTTP, as Altinn Studio and Samarbeidsportalen would), exported with
 * `npm run export`, then `pulumi up` adopts each one and `preview` shows no change.
 *
 * "No object recreated" means: the adopting up makes no write call at all (no POST that would
 * make a new object, and no PUT, since each live object already is as exported), so every object
 * keeps its id, the resource keeps its versionId (a takeover PUT would append a version), the
 * access list its ETag, the client its client_id and its one key its kid.
 */
describe("export and adoption of an org's live setup", () => {
  let simulator: Simulator;
  let stack: TestStack;
  const RESOURCE = "digdir-studio-melding";
  const LIST = "digdir-studio-mottakere";
  const CLIENT = "portal-made-client";
  const KID = "portal-key-1";

  beforeAll(async () => {
    simulator = await startSimulator();
    // A resource and its policy as Altinn Studio leaves them. Access-list mode goes on last: with
    // it on, Events refuses the owner's subscription (no party to ask the lists about).
    const studioResource = {
      identifier: RESOURCE,
      title: { nb: "Melding", nn: "Melding", en: "Message" },
      description: { nb: "Meldinger", nn: "Meldingar", en: "Messages" },
      rightDescription: { nb: "Lese", nn: "Lese", en: "Read" },
      resourceType: "CorrespondenceService",
      hasCompetentAuthority: { organization: DEMO_ORGNR, orgcode: "digdir" },
      contactPoints: [
        { category: "Support", email: "support@digdir.example", telephone: "", contactPage: "" },
      ],
      status: "Completed",
      delegable: true,
      visible: true,
      accessListMode: "Enabled",
      selfIdentifiedUserEnabled: false,
      enterpriseUserEnabled: false,
      availableForType: ["Company"],
      keywords: [],
      resourceReferences: [],
    };
    await admin(simulator, "PUT", `/__admin/resources/${RESOURCE}`, {
      ...studioResource,
      accessListMode: "Disabled",
    });
    const policy = correspondencePolicy("digdir", {
      recipients: { roles: ["DAGL"] },
      authenticationLevel: 3,
    });
    await fetch(`${simulator.url}/__admin/policies/${RESOURCE}`, {
      method: "PUT",
      body: buildPolicyXml(policy, { resourceId: RESOURCE }),
    });
    // An access list with members and a connection, over the API by hand.
    const token = await demoContext(simulator).tokens.altinnToken([
      "altinn:resourceregistry/accesslist.write",
    ]);
    const list = `${LISTS}/digdir/${LIST}`;
    expect(
      (await rawCall(simulator, "PUT", list, { token, body: { name: "Mottakere" } })).status,
    ).toBe(200);
    await rawCall(simulator, "POST", `${list}/members`, {
      token,
      body: { data: [orgUrn("310000001"), orgUrn("310000002")] },
    });
    await rawCall(simulator, "PUT", `${list}/resource-connections/${RESOURCE}`, {
      token,
      body: { actionFilters: ["read"] },
    });
    // A Maskinporten client with one key, as Samarbeidsportalen leaves it.
    const pub = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({
      format: "jwk",
    });
    await admin(simulator, "POST", "/__admin/clients", {
      client_id: CLIENT,
      client_orgno: DEMO_ORGNR,
      client_name: "Melding sender",
      description: "Sends messages",
      scopes: ["altinn:serviceowner"],
      jwks: [
        { kty: "RSA", kid: KID, alg: "RS256", use: "sig", n: pub.n, e: pub.e, exp: 1_900_000_000 },
      ],
    });
    // An Events subscription to the resource's events, made by hand to the demo receiver.
    const eventsToken = await demoContext(simulator).tokens.altinnToken([
      "altinn:events.subscribe",
      "altinn:serviceowner",
    ]);
    expect(
      (
        await rawCall(simulator, "POST", "/events/api/v1/subscriptions", {
          token: eventsToken,
          body: {
            endPoint: `${simulator.url}/webhooks/studio`,
            resourceFilter: `urn:altinn:resource:${RESOURCE}`,
            typeFilter: "no.altinn.correspondence.correspondencepublished",
          },
        })
      ).status,
    ).toBe(201);
    await admin(simulator, "PUT", `/__admin/resources/${RESOURCE}`, studioResource);
    stack = await TestStack.create({
      values: selfServiceStackValues(simulator),
      secrets: SELF_SERVICE_STACK_SECRETS,
    });
  });

  afterAll(async () => {
    await stack?.remove();
    await simulator?.close();
  });

  it("exports the live setup with adopt on every object, and up adopts it all without a write", async () => {
    const listEtag = simulator.context.state.accessLists[`digdir/${LIST}`]!.version;
    const exported = await stack.exportSetup();
    expect(exported.code).toBe(0);
    expect(exported.stderr.split("\n")).toStrictEqual([
      `${stack.configFile}: added 4 object(s) that are live in local and not declared; kept the 0 declared object(s) found live as they are written`,
      `added: resource ${RESOURCE} as altinn-iac:resources.0`,
      `added: access list ${LIST} as altinn-iac:accessLists.0`,
      `added: client ${CLIENT} ("Melding sender") as altinn-iac:maskinportenClients.0`,
      `added: the subscription of ${RESOURCE} to ${simulator.url}/webhooks/studio as altinn-iac:subscriptions.0`,
      'note: client altinn-iac-local-provisioner ("altinn-iac local provisioner") is left out: it is this stack\'s own provisioning or self-service admin client',
      'note: client altinn-iac-local-selfservice ("altinn-iac local self-service admin") is left out: it is this stack\'s own provisioning or self-service admin client',
      "run pulumi preview to see what up adopts",
      "",
    ]);
    const config = (
      parse(readFileSync(stack.configFile, "utf8")) as { config: Record<string, unknown> }
    ).config;
    expect(config["altinn-iac:accessLists"]).toStrictEqual([
      {
        identifier: LIST,
        name: "Mottakere",
        members: ["310000001", "310000002"],
        resources: [{ identifier: RESOURCE, actionFilters: ["read"] }],
        adopt: true,
      },
    ]);
    expect(config["altinn-iac:subscriptions"]).toStrictEqual([
      {
        name: `${RESOURCE}-correspondencepublished`,
        resource: RESOURCE,
        endPoint: `${simulator.url}/webhooks/studio`,
        typeFilter: "no.altinn.correspondence.correspondencepublished",
      },
    ]);
    const clients = config["altinn-iac:maskinportenClients"] as Array<Record<string, unknown>>;
    expect(clients.map(({ key: _key, ...c }) => c)).toStrictEqual([
      {
        name: "melding-sender",
        clientName: "Melding sender",
        description: "Sends messages",
        scopes: ["altinn:serviceowner"],
        clientId: CLIENT,
      },
    ]);
    expect((clients[0]!.key as { publicJwk: { kid: string } }).publicJwk.kid).toBe(KID);
    const resources = config["altinn-iac:resources"] as Array<Record<string, unknown>>;
    expect(
      resources.map((r) => [r.identifier, r.adopt, Object.keys(r.policy as object)]),
    ).toStrictEqual([[RESOURCE, true, ["rules", "authenticationLevel"]]]);

    const preview = await stack.pulumiOk(["preview", "--diff"]);
    // The engine shows the derived input `adopting` as a string, quotes escaped.
    const adopting = [...preview.stdout.matchAll(/adopting\s*: "(.*)"\s*$/gm)].map((m) =>
      m[1]!.replace(/\\"/g, '"'),
    );
    expect(adopting.sort()).toStrictEqual([
      `existing access list digdir/${LIST} (name "Mottakere", 2 member(s), 1 resource connection(s)), already as declared: no write`,
      `existing client ${CLIENT} ("Melding sender"), already as declared: no write`,
      `existing resource ${RESOURCE} (version 2), already as declared: no write`,
      "existing subscription 1, already as declared: no write",
    ]);

    const before = lastSeq(simulator);
    await stack.up();
    expect(writes(simulator, before)).toStrictEqual([]);
    expect(findResource(simulator.context.state, RESOURCE)!.versions).toHaveLength(2);
    expect(simulator.context.state.accessLists[`digdir/${LIST}`]!.version).toBe(listEtag);
    expect(simulator.context.state.clients[CLIENT]!.jwks.map((k) => k.kid)).toStrictEqual([KID]);
    expect(Object.keys(simulator.context.state.subscriptions)).toStrictEqual(["1"]);
    expect((await stack.outputs()).subscriptions).toStrictEqual({
      [`${RESOURCE}-correspondencepublished`]: { id: 1, validated: true },
    });
    expect((await stack.outputs()).maskinportenClients).toStrictEqual({
      "melding-sender": {
        clientId: CLIENT,
        keyId: KID,
        keyExpiresAt: new Date(1_900_000_000 * 1000).toISOString(),
        previousKeyIds: [],
      },
    });

    const afterUp = lastSeq(simulator);
    const steps = await stack.previewSteps();
    expect(steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn}`)).toStrictEqual([]);
    expect(writes(simulator, afterUp)).toStrictEqual([]);
  });
});
