import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { buildPolicyXml } from "../../policies/build";
import { parsePolicyModel } from "../../policies/model";
import { correspondencePolicy } from "../../policies/templates";
import {
  exchangeForAltinnToken,
  requestMaskinportenToken,
  type IssuedToken,
} from "../../providers/auth/maskinporten";
import { simulatorEndpoints } from "../../providers/lib/environments";
import { CORRESPONDENCE_ERRORS } from "../../simulator/routes/correspondence/errors";
import type { CloudEvent } from "../../simulator/state";
import {
  DEMO_CLIENT_ID,
  DEMO_KEY_ID,
  DEMO_ORG,
  DEMO_ORGNR,
  DEMO_PRIVATE_KEY,
  useSimulator,
} from "../support/simulator";

const RESOURCE = "digdir-verify-melding";
const RECIPIENT = "urn:altinn:organization:identifier-no:310654321";
const getSimulator = useSimulator();

function seedResource(id: string, resourceType = "CorrespondenceService", owner = DEMO_ORGNR) {
  getSimulator().context.state.resources[id] = {
    versions: [
      {
        identifier: id,
        resourceType,
        hasCompetentAuthority: { organization: owner, orgcode: DEMO_ORG },
      },
    ],
  };
}

function seedStandardPolicy(id: string) {
  const policy = correspondencePolicy(DEMO_ORG, { recipients: { roles: ["DAGL"] } });
  getSimulator().context.state.policies[id] = buildPolicyXml(policy, { resourceId: id });
}

async function token(scopes: string[], exchange: boolean): Promise<string> {
  const endpoints = simulatorEndpoints(getSimulator().url);
  const mp = await requestMaskinportenToken(
    endpoints,
    { clientId: DEMO_CLIENT_ID, keyId: DEMO_KEY_ID, privateKey: DEMO_PRIVATE_KEY },
    scopes,
  );
  const issued: IssuedToken = exchange ? await exchangeForAltinnToken(endpoints, mp) : mp;
  return issued.token;
}

const serviceOwnerMp = () => token(["altinn:serviceowner", "altinn:correspondence.write"], false);
const writeOnlyAltinn = () => token(["altinn:correspondence.write"], true);

function message(overrides: Record<string, unknown> = {}) {
  return {
    correspondence: {
      resourceId: RESOURCE,
      sendersReference: "verify-1",
      content: { language: "nb", messageTitle: "Test", messageBody: "Testmelding" },
    },
    recipients: [RECIPIENT],
    ...overrides,
  };
}

async function send(bearer: string, body: unknown) {
  const response = await fetch(`${getSimulator().url}/correspondence/api/v1/correspondence`, {
    method: "POST",
    headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

function problem([errorCode, status, detail]: readonly [number, number, string]) {
  return {
    type: expect.stringMatching(/^https:\/\/tools\.ietf\.org\/html\/rfc9110#section-15\.5\./),
    title: expect.any(String),
    status,
    detail,
    code: `CORR-${String(errorCode).padStart(5, "0")}`,
    traceId: expect.any(String),
    errorCode,
  };
}

describe("the Correspondence simulator", () => {
  let webhook: Server;
  let received: CloudEvent[];

  beforeAll(async () => {
    received = [];
    webhook = createServer((req, res) => {
      let data = "";
      req.on("data", (chunk: Buffer) => (data += chunk.toString("utf8")));
      req.on("end", () => {
        received.push(JSON.parse(data) as CloudEvent);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => webhook.close(() => resolve()));
  });

  beforeEach(() => {
    const state = getSimulator().context.state;
    state.correspondences = {};
    state.resources = {};
    state.policies = {};
    state.subscriptions = {};
    received.length = 0;
    seedResource(RESOURCE);
    seedStandardPolicy(RESOURCE);
  });

  it("accepts a message from the owner's service-owner token and pushes its events to a validated subscription", async () => {
    const port = (webhook.address() as AddressInfo).port;
    getSimulator().context.state.subscriptions[1] = {
      id: 1,
      endPoint: `http://127.0.0.1:${port}/events`,
      resourceFilter: `urn:altinn:resource:${RESOURCE}`,
      includeSubunits: false,
      consumer: `/org/${DEMO_ORG}`,
      createdBy: `/org/${DEMO_ORG}`,
      created: new Date().toISOString(),
      validated: true,
    };
    const bearer = await serviceOwnerMp();
    const sent = await send(bearer, message({ idempotentKey: randomUUID() }));

    expect(sent).toStrictEqual({
      status: 200,
      body: {
        correspondences: [
          {
            correspondenceId: expect.any(String),
            status: "Initialized",
            recipient: RECIPIENT,
            notifications: [],
          },
        ],
        attachmentIds: [],
      },
    });
    const id = (sent.body as { correspondences: Array<{ correspondenceId: string }> })
      .correspondences[0]!.correspondenceId;
    expect(received.map((e) => [e.type, e.resource, e.resourceinstance, e.subject])).toStrictEqual([
      [
        "no.altinn.correspondence.correspondenceinitialized",
        `urn:altinn:resource:${RESOURCE}`,
        id,
        RECIPIENT,
      ],
      [
        "no.altinn.correspondence.correspondencepublished",
        `urn:altinn:resource:${RESOURCE}`,
        id,
        RECIPIENT,
      ],
    ]);

    const read = await fetch(`${getSimulator().url}/correspondence/api/v1/correspondence/${id}`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ correspondenceId: id, status: "Published" });
  });

  it("lets the service-owner bypass skip the PDP: a policy without the owner's write still sends", async () => {
    getSimulator().context.state.policies[RESOURCE] = buildPolicyXml(
      parsePolicyModel({ rules: [{ subjects: [{ role: "DAGL" }], actions: ["read"] }] }),
      { resourceId: RESOURCE },
    );
    const sent = await send(await serviceOwnerMp(), message());
    expect(sent.status).toBe(200);
  });

  it("asks the PDP for a token without altinn:serviceowner: the owner's urn:altinn:org rule does not match it", async () => {
    const sent = await send(await writeOnlyAltinn(), message());
    expect(sent).toStrictEqual({
      status: 401,
      body: problem(CORRESPONDENCE_ERRORS.noAccessToResource),
    });
  });

  it("sends for a token without altinn:serviceowner when the policy grants write to the org number", async () => {
    getSimulator().context.state.policies[RESOURCE] = buildPolicyXml(
      parsePolicyModel({
        rules: [
          {
            subjects: [{ attribute: "urn:altinn:organization:identifier-no", value: DEMO_ORGNR }],
            actions: ["write"],
          },
        ],
      }),
      { resourceId: RESOURCE },
    );
    const sent = await send(await writeOnlyAltinn(), message());
    expect(sent.status).toBe(200);
  });

  it("rejects a reused idempotent key with 409 1034 and sends nothing more", async () => {
    const key = randomUUID();
    const bearer = await serviceOwnerMp();
    expect((await send(bearer, message({ idempotentKey: key }))).status).toBe(200);
    expect(await send(bearer, message({ idempotentKey: key }))).toStrictEqual({
      status: 409,
      body: problem(CORRESPONDENCE_ERRORS.duplicateInitCorrespondenceRequest),
    });
    expect(Object.keys(getSimulator().context.state.correspondences)).toHaveLength(1);
  });

  it("checks a reused idempotent key before the sender's authorization (InitializeCorrespondencesHandler)", async () => {
    const key = randomUUID();
    const bearer = await serviceOwnerMp();
    expect((await send(bearer, message({ idempotentKey: key }))).status).toBe(200);
    // Another owner now: a new send is refused (4001), the reused key still answers 409 1034.
    seedResource(RESOURCE, "CorrespondenceService", "974760673");
    expect((await send(bearer, message())).body).toStrictEqual(
      problem(CORRESPONDENCE_ERRORS.noAccessToResource),
    );
    expect(await send(bearer, message({ idempotentKey: key }))).toStrictEqual({
      status: 409,
      body: problem(CORRESPONDENCE_ERRORS.duplicateInitCorrespondenceRequest),
    });
  });

  it("rejects the checks in the server's order: idempotency key, resource, sender, type, recipients", async () => {
    const bearer = await serviceOwnerMp();
    const unknownResource = message();
    (unknownResource.correspondence as { resourceId: string }).resourceId = "digdir-missing";
    expect(await send(bearer, unknownResource)).toStrictEqual({
      status: 400,
      body: problem(CORRESPONDENCE_ERRORS.invalidResource),
    });

    seedResource(RESOURCE, "GenericAccessResource", "974760673");
    // Not the owner: the PDP decides before the resource type is looked at.
    expect((await send(bearer, message())).body).toStrictEqual(
      problem(CORRESPONDENCE_ERRORS.noAccessToResource),
    );

    seedResource(RESOURCE, "MaskinportenSchema");
    expect(await send(bearer, message())).toStrictEqual({
      status: 400,
      body: problem(CORRESPONDENCE_ERRORS.incorrectResourceType),
    });

    seedResource(RESOURCE);
    expect(
      await send(
        bearer,
        message({ recipients: ["urn:altinn:organization:identifier-no:999999999"] }),
      ),
    ).toStrictEqual({
      status: 404,
      body: {
        ...problem([1029, 404, ""]),
        detail:
          "Could not find partyId for the following recipients: urn:altinn:organization:identifier-no:999999999",
      },
    });
    expect(await send(bearer, message({ recipients: [RECIPIENT, RECIPIENT] }))).toStrictEqual({
      status: 400,
      body: problem(CORRESPONDENCE_ERRORS.duplicateRecipients),
    });
    // The idempotency key is checked first (InitializeCorrespondencesHandler.Process).
    expect(
      await send(
        bearer,
        message({ recipients: [RECIPIENT, RECIPIENT], idempotentKey: randomUUID() }),
      ),
    ).toStrictEqual({
      status: 400,
      body: problem(CORRESPONDENCE_ERRORS.idempotencyKeyNotAllowedWithMultipleRecipients),
    });
  });

  it("rejects a raw Maskinporten token without altinn:serviceowner with an empty 403", async () => {
    const sent = await send(await token(["altinn:correspondence.write"], false), message());
    expect(sent).toStrictEqual({ status: 403, body: undefined });
  });
});
