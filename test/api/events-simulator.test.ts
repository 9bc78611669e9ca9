import { parsePolicyModel } from "../../policies/model";
import { admin, altinnTokenOf, rawCall } from "../support/access-lists";
import {
  eventually,
  seedResource,
  SUBSCRIBABLE_POLICY,
  SUBSCRIPTIONS,
  webhook,
} from "../support/events";
import { demoContext, useSimulator } from "../support/simulator";
import { newEvent, publish } from "../../simulator/event-bus";
import { partyOfOrganization } from "../../simulator/parties";
import { currentResource } from "../../simulator/state";

/**
 * The simulator's Events subscriptions speak Events' contract (SubscriptionController,
 * GenericSubscriptionService, SubscriptionService): 201 with Location and the Subscription, the
 * idempotent POST, the 400 texts as JSON strings, Forbid() without the scope, the PDP's 403 with
 * its text, creator-only reads and deletes, and the validation handshake. What this does not
 * prove: that tt02 answers the same today.
 */

const simulator = useSimulator();
const RESOURCE = "digdir-events-1";
const URN = `urn:altinn:resource:${RESOURCE}`;

function serviceOwnerToken(): Promise<string> {
  return demoContext(simulator()).tokens.altinnToken([
    "altinn:events.subscribe",
    "altinn:serviceowner",
  ]);
}

async function subscribe(body: unknown, token?: string) {
  return rawCall(simulator(), "POST", SUBSCRIPTIONS, {
    token: token ?? (await serviceOwnerToken()),
    body,
  });
}

beforeAll(async () => {
  await seedResource(simulator(), RESOURCE, SUBSCRIBABLE_POLICY);
});

describe("POST /events/api/v1/subscriptions", () => {
  it("creates a subscription filed under /org/{code}: 201, Location and the Subscription", async () => {
    const endPoint = `${simulator().url}/webhooks/create-1`;
    const response = await subscribe({
      endPoint,
      resourceFilter: URN,
      typeFilter: "no.altinn.correspondence.correspondencepublished",
    });
    expect(response.status).toBe(201);
    const body = response.body as { id: number };
    expect(response.headers.get("location")).toBe(`/events/api/v1/subscription/${body.id}`);
    expect(body).toStrictEqual({
      id: body.id,
      endPoint,
      sourceFilter: null,
      resourceFilter: URN,
      subjectFilter: null,
      alternativeSubjectFilter: null,
      typeFilter: "no.altinn.correspondence.correspondencepublished",
      consumer: "/org/digdir",
      createdBy: "/org/digdir",
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      validated: false,
      includeSubunits: false,
    });
  });

  it("returns the existing subscription for a request with the same filters and endpoint", async () => {
    const request = {
      endPoint: `${simulator().url}/webhooks/idempotent`,
      resourceFilter: URN,
      subjectFilter: "urn:altinn:organization:identifier-no:974760673",
    };
    const first = await subscribe(request);
    const again = await subscribe(request);
    const other = await subscribe({ ...request, typeFilter: "no.altinn.correspondence.x" });
    expect([first.status, again.status, other.status]).toStrictEqual([201, 201, 201]);
    const id = (first.body as { id: number }).id;
    expect((again.body as { id: number }).id).toBe(id);
    expect((other.body as { id: number }).id).not.toBe(id);
  });

  it("stores the endpoint as EndPoint.AbsoluteUri and matches a repeat in that form", async () => {
    const port = new URL(simulator().url).port;
    const first = await subscribe({
      endPoint: `HTTPS://Example.ORG:443`,
      resourceFilter: URN,
    });
    expect((first.body as { endPoint: string }).endPoint).toBe("https://example.org/");
    const again = await subscribe({ endPoint: "https://example.org/", resourceFilter: URN });
    expect((again.body as { id: number }).id).toBe((first.body as { id: number }).id);
    const local = await subscribe({
      endPoint: `http://LocalHost:${port}/webhooks/normalised`,
      resourceFilter: URN,
    });
    expect((local.body as { endPoint: string }).endPoint).toBe(
      `http://localhost:${port}/webhooks/normalised`,
    );
  });

  it.each([
    [{ resourceFilter: URN }, "Missing or invalid endpoint to push events towards"],
    [
      { endPoint: "/relative/hook", resourceFilter: URN },
      "Missing or invalid endpoint to push events towards",
    ],
    [
      { endPoint: "https://example.org/hook", resourceFilter: RESOURCE },
      "Resource filter must be a valid urn",
    ],
    [
      { endPoint: "https://example.org/hook", resourceFilter: "urn:altinn:resource:Digdir-X" },
      "Resource filter must be a valid urn",
    ],
    [{ endPoint: "https://example.org/hook" }, "Resource filter is required."],
    [
      { endPoint: "https://example.org/hook", resourceFilter: URN, sourceFilter: "not a uri" },
      "SourceFilter must be an absolute URI",
    ],
    [
      {
        endPoint: "https://example.org/hook",
        resourceFilter: URN,
        sourceFilter: "https://example.org/digdir/melding",
      },
      "Source filter is not supported for subscriptions on this resource.",
    ],
    [
      {
        endPoint: "https://example.org/hook",
        resourceFilter: URN,
        alternativeSubjectFilter: "/organisation/974760673",
      },
      "AlternativeSubject filter is not supported for subscriptions on this resource.",
    ],
    [
      { endPoint: "https://example.org/hook", resourceFilter: URN, includeSubunits: true },
      "IncludeSubunits requires a subject filter.",
    ],
  ])("rejects %j with 400 and Events' text as a JSON string", async (request, message) => {
    const response = await subscribe(request);
    expect([response.status, response.headers.get("content-type"), response.body]).toStrictEqual([
      400,
      "application/json; charset=utf-8",
      message,
    ]);
  });

  it("rejects a token without altinn:events.subscribe with an empty 403", async () => {
    const token = await demoContext(simulator()).tokens.altinnToken(["altinn:serviceowner"]);
    const response = await subscribe(
      { endPoint: "https://example.org/hook", resourceFilter: URN },
      token,
    );
    expect([response.status, response.body]).toStrictEqual([403, ""]);
  });

  it("rejects with 403 and the PDP's text when the policy does not let the org subscribe", async () => {
    await seedResource(
      simulator(),
      "digdir-events-nosub",
      parsePolicyModel({
        rules: [{ subjects: [{ org: "digdir" }], actions: ["write"] }],
      }),
    );
    await seedResource(simulator(), "digdir-events-nopolicy", undefined);
    const before = Object.keys(simulator().context.state.subscriptions).length;
    for (const id of ["digdir-events-nosub", "digdir-events-nopolicy"]) {
      const response = await subscribe({
        endPoint: "https://example.org/hook",
        resourceFilter: `urn:altinn:resource:${id}`,
      });
      expect([response.status, response.body]).toStrictEqual([
        403,
        `Not authorized to create a subscription for resource urn:altinn:resource:${id}.`,
      ]);
    }
    expect(Object.keys(simulator().context.state.subscriptions)).toHaveLength(before);
  });

  it("asks the policy about the organisation number for a token without altinn:serviceowner", async () => {
    await seedResource(
      simulator(),
      "digdir-events-orgnr",
      parsePolicyModel({
        rules: [
          {
            subjects: [{ attribute: "urn:altinn:organization:identifier-no", value: "991825827" }],
            actions: ["subscribe"],
          },
        ],
      }),
    );
    const token = await demoContext(simulator()).tokens.altinnToken(["altinn:events.subscribe"]);
    const byNumber = await subscribe(
      {
        endPoint: "https://example.org/hook",
        resourceFilter: "urn:altinn:resource:digdir-events-orgnr",
      },
      token,
    );
    expect([byNumber.status, (byNumber.body as { consumer: string }).consumer]).toStrictEqual([
      201,
      "/organisation/991825827",
    ]);
    const byCode = await subscribe({
      endPoint: "https://example.org/hook",
      resourceFilter: "urn:altinn:resource:digdir-events-orgnr",
    });
    expect(byCode.status).toBe(403);
  });
});

describe("GET and DELETE /events/api/v1/subscriptions/{id}", () => {
  it("lets only the identity that created a subscription read, list and delete it", async () => {
    const created = await subscribe({ endPoint: "https://example.org/owned", resourceFilter: URN });
    const id = (created.body as { id: number }).id;
    const other = await altinnTokenOf(simulator(), {
      clientId: "brg-events",
      orgnr: "974760673",
      scopes: ["altinn:events.subscribe", "altinn:serviceowner"],
    });
    const path = `${SUBSCRIPTIONS}/${id}`;
    const foreignRead = await rawCall(simulator(), "GET", path, { token: other });
    const foreignDelete = await rawCall(simulator(), "DELETE", path, { token: other });
    const foreignList = await rawCall(simulator(), "GET", SUBSCRIPTIONS, { token: other });
    expect([foreignRead.status, foreignRead.body]).toStrictEqual([403, ""]);
    expect([foreignDelete.status, foreignDelete.body]).toStrictEqual([403, ""]);
    expect(foreignList.body).toStrictEqual({ count: 0, subscriptions: [] });

    const token = await serviceOwnerToken();
    const own = await rawCall(simulator(), "GET", path, { token });
    expect(own.body).toStrictEqual(created.body);
    const list = await rawCall(simulator(), "GET", SUBSCRIPTIONS, { token });
    expect(
      (list.body as { subscriptions: Array<{ id: number }> }).subscriptions.map((s) => s.id),
    ).toContain(id);
    const deleted = await rawCall(simulator(), "DELETE", path, { token });
    expect([deleted.status, deleted.body]).toStrictEqual([200, ""]);
    const gone = await rawCall(simulator(), "GET", path, { token });
    const deletedAgain = await rawCall(simulator(), "DELETE", path, { token });
    expect([gone.status, deletedAgain.status]).toStrictEqual([404, 404]);
  });

  it("rejects an id that is not a number with ASP.NET's model error", async () => {
    const response = await rawCall(simulator(), "GET", `${SUBSCRIPTIONS}/abc`, {
      token: await serviceOwnerToken(),
    });
    expect(response.status).toBe(400);
    expect((response.body as { errors: unknown }).errors).toStrictEqual({
      id: ["The value 'abc' is not valid."],
    });
  });

  it("answers 401 without a token", async () => {
    const response = await rawCall(simulator(), "GET", `${SUBSCRIPTIONS}/1`);
    expect(response.status).toBe(401);
  });
});

describe("the validation handshake", () => {
  it("posts the validation cloud event to the endpoint and marks the subscription validated on 2xx", async () => {
    const created = await subscribe({
      endPoint: `${simulator().url}/webhooks/validate-1`,
      resourceFilter: URN,
    });
    const id = (created.body as { id: number }).id;
    await eventually(
      () => (simulator().context.state.subscriptions[String(id)]?.validated ? true : undefined),
      "the subscription to be validated",
    );
    const receiver = await webhook(simulator(), "validate-1");
    expect(receiver).toStrictEqual({
      status: 200,
      received: [
        {
          receivedAt: expect.any(String),
          status: 200,
          body: {
            id: expect.stringMatching(/^[0-9a-f-]{36}$/),
            source: `${simulator().url}/events/api/v1/subscriptions/${id}`,
            type: "platform.events.validatesubscription",
            specversion: "1.0",
          },
        },
      ],
    });
  });

  it("retries the validation event while the endpoint refuses it, and validates once it answers 2xx", async () => {
    await admin(simulator(), "PUT", "/__admin/webhooks/validate-2", { status: 503 });
    const created = await subscribe({
      endPoint: `${simulator().url}/webhooks/validate-2`,
      resourceFilter: URN,
    });
    const id = String((created.body as { id: number }).id);
    await eventually(
      async () =>
        (await webhook(simulator(), "validate-2")).received.length >= 2 ? true : undefined,
      "a second validation attempt",
    );
    expect(simulator().context.state.subscriptions[id]!.validated).toBe(false);
    await admin(simulator(), "PUT", "/__admin/webhooks/validate-2", { status: 200 });
    await eventually(
      () => (simulator().context.state.subscriptions[id]!.validated ? true : undefined),
      "the subscription to be validated",
    );
    const statuses = (await webhook(simulator(), "validate-2")).received.map((r) => r.status);
    expect(statuses.slice(0, 2)).toStrictEqual([503, 503]);
    expect(statuses.at(-1)).toBe(200);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
  });
});

describe("access-list mode in the PDP (DecisionController.IsAccessListAuthorized)", () => {
  const ALM = "digdir-events-alm";
  const MEMBER = "310654321";
  const OUTSIDER = "311987654";

  async function enableWithList(actionFilters: string[]): Promise<void> {
    await seedResource(simulator(), ALM, SUBSCRIBABLE_POLICY);
    currentResource(simulator().context.state, ALM)!.accessListMode = "Enabled";
    const now = new Date().toISOString();
    simulator().context.state.accessLists[`digdir/${ALM}-list`] = {
      owner: "digdir",
      identifier: `${ALM}-list`,
      name: "Mottakere",
      description: "",
      createdAt: now,
      updatedAt: now,
      version: 1,
      members: { [partyOfOrganization(MEMBER).uuid]: { since: now } },
      connections: { [ALM]: { actionFilters, createdAt: now, updatedAt: now } },
    };
  }

  function subscribeTo(subjectFilter?: string) {
    return subscribe({
      endPoint: "https://example.org/hook",
      resourceFilter: `urn:altinn:resource:${ALM}`,
      ...(subjectFilter ? { subjectFilter } : {}),
    });
  }

  it("refuses the owner's subscription without a subject filter (no party: Indeterminate) and with a party the lists do not let subscribe", async () => {
    await enableWithList(["read"]);
    const refused = `Not authorized to create a subscription for resource urn:altinn:resource:${ALM}.`;
    for (const subject of [
      undefined,
      `urn:altinn:organization:identifier-no:${MEMBER}`,
      `urn:altinn:organization:identifier-no:${OUTSIDER}`,
      "urn:altinn:person:identifier-no:01017012345",
    ]) {
      const response = await subscribeTo(subject);
      expect([subject, response.status, response.body]).toStrictEqual([subject, 403, refused]);
    }
    await enableWithList(["read", "subscribe"]);
    expect((await subscribeTo(`urn:altinn:organization:identifier-no:${MEMBER}`)).status).toBe(201);
    expect((await subscribeTo()).status).toBe(403);
  });

  it("delivers an event only when the lists let its subject's organisation subscribe", async () => {
    await seedResource(simulator(), ALM, SUBSCRIBABLE_POLICY);
    const created = await subscribe({
      endPoint: `${simulator().url}/webhooks/alm`,
      resourceFilter: `urn:altinn:resource:${ALM}`,
    });
    expect(created.status).toBe(201);
    const id = String((created.body as { id: number }).id);
    simulator().context.state.subscriptions[id]!.validated = true;
    const event = (subject: string) =>
      newEvent(
        {
          source: "https://platform/correspondence/api/v1/correspondence",
          type: "no.altinn.correspondence.correspondencepublished",
          resource: `urn:altinn:resource:${ALM}`,
          subject: `urn:altinn:organization:identifier-no:${subject}`,
        },
        simulator().context.nowMs(),
      );
    await enableWithList(["read"]);
    expect(await publish(simulator().context, event(MEMBER))).toStrictEqual([]);
    await enableWithList([]);
    expect(
      (await publish(simulator().context, event(MEMBER))).map((d) => d.subscriptionId),
    ).toStrictEqual([Number(id)]);
    expect(await publish(simulator().context, event(OUTSIDER))).toStrictEqual([]);
  });
});

describe("GET /events/api/v1/events (EventsController.Get, getevents.sql)", () => {
  const LISTED = "digdir-events-listed";
  const LISTED_URN = `urn:altinn:resource:${LISTED}`;

  async function read(query: string) {
    return rawCall(simulator(), "GET", `/events/api/v1/events?${query}`, {
      token: await serviceOwnerToken(),
    });
  }

  it("lists events registered 30 s ago or more, oldest first, 50 to a page with a next link", async () => {
    await seedResource(simulator(), LISTED, SUBSCRIBABLE_POLICY);
    const old = simulator().context.nowMs() - 60_000;
    const events = Array.from({ length: 55 }, (_, i) =>
      newEvent(
        {
          source: "https://platform/correspondence/api/v1/correspondence",
          type: `no.altinn.correspondence.${i % 2 === 0 ? "correspondencepublished" : "correspondenceinitialized"}`,
          resource: LISTED_URN,
          subject: "urn:altinn:organization:identifier-no:310654321",
        },
        old,
      ),
    );
    simulator().context.state.events.push(...events);
    const first = await read(`resource=${LISTED_URN}&after=0`);
    expect((first.body as Array<{ id: string }>).map((e) => e.id)).toStrictEqual(
      events.slice(0, 50).map((e) => e.id),
    );
    const next = first.headers.get("next")!;
    expect(next).toBe(
      `${simulator().url}/events/api/v1/events?after=${events[49]!.id}&resource=${LISTED_URN}`,
    );
    const second = await read(new URL(next).search.slice(1));
    expect((second.body as Array<{ id: string }>).map((e) => e.id)).toStrictEqual(
      events.slice(50).map((e) => e.id),
    );
    const published = await read(
      `resource=${LISTED_URN}&after=0&size=1000&type=no.altinn.correspondence.%25published`,
    );
    expect((published.body as unknown[]).length).toBe(28);

    const fresh = newEvent(
      {
        source: "https://platform/correspondence/api/v1/correspondence",
        type: "no.altinn.correspondence.correspondencepublished",
        resource: LISTED_URN,
      },
      simulator().context.nowMs(),
    );
    simulator().context.state.events.push(fresh);
    const after = `resource=${LISTED_URN}&after=${events[54]!.id}`;
    const early = await read(after);
    expect([early.body, early.headers.get("next")]).toStrictEqual([[], null]);
    simulator().context.state.clockOffsetMs += 30_000;
    expect(((await read(after)).body as Array<{ id: string }>).map((e) => e.id)).toStrictEqual([
      fresh.id,
    ]);
  });

  it("answers a missing after and a resource that is not a resource URN with ProblemDetails", async () => {
    const missing = await read(`resource=${LISTED_URN}`);
    expect([missing.status, (missing.body as { detail: string }).detail]).toStrictEqual([
      400,
      "The 'after' parameter must be defined.",
    ]);
    const wrong = await read("resource=urn:altinn:app:x&after=0");
    expect((wrong.body as { detail: string }).detail).toBe(
      "The 'resource' parameter must begin with `urn:altinn:resource:`",
    );
  });
});
