import { startSimulator, type Simulator } from "../../simulator/server";
import { admin } from "../support/access-lists";
import { webhook } from "../support/events";
import { TestStack } from "../support/pulumi-cli";
import { demoStackValues, DEMO_PRIVATE_KEY, lastSeq, writes } from "../support/simulator";

/**
 * An Events subscription through its life with the real Pulumi engine and a file backend, against
 * the simulator: up gives a validated subscription; a changed typeFilter previews as a replace and
 * up creates the new subscription before deleting the old; a subscription deleted behind the
 * tool's back is seen by refresh and made again by up; a policy that does not let the org
 * subscribe fails preview with the rule to add, before any write. What it does not prove:
 * behaviour of the real Events servers (public TLS, their retry timing).
 */

const IDENTIFIER = "digdir-e2e-events";
const SUBSCRIPTION_TYPE = "pulumi-nodejs:dynamic/altinn:EventSubscription";
const RESOURCE = {
  identifier: IDENTIFIER,
  title: { nb: "E2E-hendelser", nn: "E2E-hendingar", en: "E2E events" },
  description: { nb: "Testressurs", nn: "Testressurs", en: "Test resource" },
  rightDescription: { nb: "Lese", nn: "Lese", en: "Read" },
  contactPoints: [
    { category: "Support", email: "support@example.org", telephone: "", contactPage: "" },
  ],
  policy: { template: "correspondence", recipients: { roles: ["DAGL"] } },
};

describe("EventSubscription with the real engine", () => {
  let simulator: Simulator;
  let stack: TestStack;

  function values(subscription: Record<string, unknown>, resource: object = RESOURCE) {
    return {
      ...demoStackValues(simulator),
      resources: [resource],
      subscriptions: [
        {
          name: "melding-events",
          resource: IDENTIFIER,
          endPoint: `${simulator.url}/webhooks/e2e-events`,
          ...subscription,
        },
      ],
    };
  }

  async function configure(subscription: Record<string, unknown>, resource?: object) {
    await stack.setConfig({
      values: values(subscription, resource),
      secrets: { maskinportenPrivateKey: DEMO_PRIVATE_KEY },
    });
  }

  async function subscriptionOutput(): Promise<{ id: number; validated: boolean }> {
    const outputs = await stack.outputs();
    return (outputs.subscriptions as Record<string, { id: number; validated: boolean }>)[
      "melding-events"
    ]!;
  }

  beforeAll(async () => {
    simulator = await startSimulator();
    stack = await TestStack.create({
      values: values({ typeFilter: "no.altinn.correspondence.correspondencepublished" }),
      secrets: { maskinportenPrivateKey: DEMO_PRIVATE_KEY },
    });
  });

  afterAll(async () => {
    await stack?.remove();
    await simulator?.close();
  });

  it("creates a validated subscription, replaces it on a changed typeFilter, and recreates one deleted out of band", async () => {
    await stack.up();
    const first = await subscriptionOutput();
    expect(first).toStrictEqual({ id: first.id, validated: true });
    expect(simulator.context.state.subscriptions[String(first.id)]).toMatchObject({
      resourceFilter: `urn:altinn:resource:${IDENTIFIER}`,
      typeFilter: "no.altinn.correspondence.correspondencepublished",
      consumer: "/org/digdir",
      validated: true,
    });
    expect(
      (await webhook(simulator, "e2e-events")).received.map(
        (r) => (r.body as { type: string }).type,
      ),
    ).toStrictEqual(["platform.events.validatesubscription"]);

    // A changed filter is a new subscription: Events has no update.
    await configure({ typeFilter: "no.altinn.correspondence.correspondencereceiverread" });
    const beforePreview = lastSeq(simulator);
    const steps = await stack.previewSteps();
    expect(
      steps.filter((s) => s.op !== "same").map((s) => [s.op, s.urn.split("::").pop()]),
    ).toStrictEqual([["replace", "melding-events"]]);
    const preview = await stack.pulumiOk(["preview"]);
    expect(preview.output).toMatch(
      /\+-\s+pulumi-nodejs:dynamic\/altinn:EventSubscription\s+melding-events\s+replace\s+\[diff: ~typeFilter\]/,
    );
    expect(writes(simulator, beforePreview)).toStrictEqual([]);

    const beforeReplace = lastSeq(simulator);
    await stack.up();
    const second = await subscriptionOutput();
    expect(second).toStrictEqual({ id: second.id, validated: true });
    expect(second.id).not.toBe(first.id);
    expect(simulator.context.state.subscriptions[String(first.id)]).toBeUndefined();
    expect(simulator.context.state.subscriptions[String(second.id)]!.typeFilter).toBe(
      "no.altinn.correspondence.correspondencereceiverread",
    );
    // Created before the old one is deleted, so no event falls between the two.
    expect(writes(simulator, beforeReplace).map((c) => [c.method, c.path])).toStrictEqual([
      ["POST", "/events/api/v1/subscriptions"],
      ["DELETE", `/events/api/v1/subscriptions/${first.id}`],
    ]);

    // Someone deletes the subscription in another tool.
    await admin(simulator, "DELETE", `/__admin/subscriptions/${second.id}`);
    await stack.pulumiOk(["refresh", "--yes"]);
    const state = JSON.parse(await stack.exportedState()) as {
      deployment: { resources: Array<{ type: string }> };
    };
    expect(state.deployment.resources.filter((r) => r.type === SUBSCRIPTION_TYPE)).toStrictEqual(
      [],
    );
    const beforeRecreate = lastSeq(simulator);
    await stack.up();
    const third = await subscriptionOutput();
    expect(third).toStrictEqual({ id: third.id, validated: true });
    expect(third.id).not.toBe(second.id);
    expect(writes(simulator, beforeRecreate).map((c) => [c.method, c.path])).toStrictEqual([
      ["POST", "/events/api/v1/subscriptions"],
    ]);
  });

  it("fails preview before any write when the declared policy does not let the org subscribe", async () => {
    await configure(
      { typeFilter: "no.altinn.correspondence.correspondencereceiverread" },
      {
        ...RESOURCE,
        policy: {
          rules: [
            { subjects: [{ role: "DAGL" }], actions: ["read"] },
            { subjects: [{ org: "digdir" }], actions: ["write"] },
          ],
          authenticationLevel: 3,
        },
      },
    );
    const before = lastSeq(simulator);
    const preview = await stack.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain(
      `subscription melding-events: the policy of resource ${IDENTIFIER} does not let service owner digdir subscribe, so Altinn Events refuses the subscription (403 "Not authorized to create a subscription for resource urn:altinn:resource:${IDENTIFIER}."): add the rule { subjects: [{ org: "digdir" }], actions: ["subscribe"] } to its policy`,
    );
    expect(writes(simulator, before)).toStrictEqual([]);
  });
});

describe("EventSubscription endpoint normalisation with the real engine", () => {
  let simulator: Simulator;
  let stack: TestStack;

  afterAll(async () => {
    await stack?.remove();
    await simulator?.close();
  });

  it("declares the endpoint as Events stores it, so refresh and the next preview change nothing and the subscription survives", async () => {
    simulator = await startSimulator();
    const port = new URL(simulator.url).port;
    stack = await TestStack.create({
      values: {
        ...demoStackValues(simulator),
        resources: [RESOURCE],
        subscriptions: [
          {
            name: "melding-events",
            resource: IDENTIFIER,
            // Events stores EndPoint.AbsoluteUri: "http://localhost:<port>/webhooks/e2e-norm".
            endPoint: `HTTP://LocalHost:${port}/webhooks/e2e-norm`,
          },
        ],
      },
      secrets: { maskinportenPrivateKey: DEMO_PRIVATE_KEY },
    });
    await stack.up();
    const [id] = Object.keys(simulator.context.state.subscriptions);
    expect(simulator.context.state.subscriptions[id!]!.endPoint).toBe(
      `http://localhost:${port}/webhooks/e2e-norm`,
    );
    const refresh = await stack.pulumiOk(["refresh", "--yes", "--diff"]);
    expect(refresh.output).not.toMatch(/~ \d+ updated/);
    const before = lastSeq(simulator);
    const steps = await stack.previewSteps();
    expect(steps.filter((s) => s.op !== "same")).toStrictEqual([]);
    await stack.up();
    expect(writes(simulator, before)).toStrictEqual([]);
    expect(Object.keys(simulator.context.state.subscriptions)).toStrictEqual([id]);
  });
});
