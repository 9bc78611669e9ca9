import { loadStackConfig } from "../../program/config";
import { declaredObjects, DYNAMIC_TYPE_PREFIX } from "../../program/declared-objects";
import { simulatorEndpoints } from "../../providers/lib/environments";
import { startSimulator, type Simulator } from "../../simulator/server";
import { TestStack } from "../support/pulumi-cli";
import { SELF_SERVICE_STACK_SECRETS, selfServiceStackValues } from "../support/self-service";
import { DEMO_PRIVATE_KEY, demoStackValues, lastSeq, writes } from "../support/simulator";

/**
 * The plan guards with the real engine and a file backend: a rename that takes over what the
 * plan deletes is refused at preview with no write and done by an alias with no write; on a
 * production stack each destructive change is refused until altinn-iac:acceptChanges lists it.
 */

const RESOURCE = "digdir-guard-melding";
const PROD_SECRETS = { maskinportenPrivateKey: DEMO_PRIVATE_KEY };

function resourceSpec(extra: Record<string, unknown> = {}) {
  return {
    identifier: RESOURCE,
    title: { nb: "Vakt", nn: "Vakt", en: "Guard" },
    description: { nb: "Testressurs", nn: "Testressurs", en: "Test resource" },
    rightDescription: { nb: "Lese", nn: "Lese", en: "Read" },
    contactPoints: [
      { category: "Support", email: "support@example.org", telephone: "", contactPage: "" },
    ],
    ...extra,
  };
}

/** The URNs in the stack's state, by name, of our objects. */
async function stateNames(stack: TestStack): Promise<string[]> {
  const exported = JSON.parse(await stack.exportedState()) as {
    deployment: { resources?: Array<{ urn: string; type: string }> };
  };
  return (exported.deployment.resources ?? [])
    .filter((r) => r.type.startsWith(DYNAMIC_TYPE_PREFIX))
    .map((r) => `${r.type.slice(DYNAMIC_TYPE_PREFIX.length)} ${r.urn.split("::").at(-1)!}`)
    .sort();
}

describe("a plan that deletes what it takes over", () => {
  let simulator: Simulator;
  let stack: TestStack;

  const values = (clientName: string, subscriptionName: string, extra = {}) => ({
    ...selfServiceStackValues(simulator),
    resources: [
      resourceSpec({
        policy: {
          template: "correspondence",
          recipients: { roles: ["DAGL"] },
          authenticationLevel: 3,
        },
      }),
    ],
    maskinportenClients: [
      {
        name: clientName,
        clientName: "Guard sender",
        description: "Sends guard messages",
        scopes: ["altinn:correspondence.write"],
        ...extra,
      },
    ],
    subscriptions: [
      {
        name: subscriptionName,
        resource: RESOURCE,
        endPoint: `${simulator.url}/webhooks/guard`,
      },
    ],
  });

  beforeAll(async () => {
    simulator = await startSimulator();
    stack = await TestStack.create({
      values: values("melding-sender", "melding-events"),
      secrets: SELF_SERVICE_STACK_SECRETS,
    });
    await stack.up();
  });

  afterAll(async () => {
    await stack?.remove();
    await simulator?.close();
  });

  it("registers the objects under the names declaredObjects gives", async () => {
    const config = loadStackConfig(
      Object.fromEntries(
        Object.entries(values("melding-sender", "melding-events")).map(([k, v]) => [
          `altinn-iac:${k}`,
          JSON.stringify(v),
        ]),
      ),
    );
    expect(await stateNames(stack)).toStrictEqual(
      declaredObjects(config)
        .map((o) => `${o.kind} ${o.name}`)
        .sort(),
    );
  });

  it("fails preview and up naming both objects and the fix, with no write", async () => {
    const clientId = (
      (await stack.outputs()).maskinportenClients as Record<string, { clientId: string }>
    )["melding-sender"]!.clientId;
    await stack.setConfig({
      values: values("sender", "events", { clientId }),
      secrets: SELF_SERVICE_STACK_SECRETS,
    });
    const since = lastSeq(simulator);

    const preview = await stack.pulumi(["preview"]);
    const up = await stack.pulumi(["up", "--yes", "--skip-preview"]);

    for (const result of [preview, up]) {
      expect(result.code).not.toBe(0);
      expect(result.output).toContain("altinn-iac: the plan is refused before any change:");
      expect(result.output).toContain(
        `altinn-iac:maskinportenClients.0: sender takes over client_id ${clientId}, which this stack manages as melding-sender, and the plan deletes melding-sender (that would delete the object sender holds): add aliases: ["melding-sender"] to altinn-iac:maskinportenClients.0 (a rename), or run pulumi state rename '`,
      );
      expect(result.output).toContain(
        `altinn-iac:maskinportenClients.0.key: sender-key takes over the keys of client_id ${clientId}, which this stack manages as melding-sender-key`,
      );
      expect(result.output).toContain(
        `altinn-iac:subscriptions.0: events takes over the Events subscription urn:altinn:resource:${RESOURCE} ${simulator.url}/webhooks/guard  , which this stack manages as melding-events`,
      );
      expect(result.output).not.toContain("    at ");
    }
    expect(writes(simulator, since)).toStrictEqual([]);
  });

  it("renames with aliases: no delete, no create, no write", async () => {
    const clientId = (
      (await stack.outputs()).maskinportenClients as Record<string, { clientId: string }>
    )["melding-sender"]!.clientId;
    const renamed = values("sender", "events", { clientId, aliases: ["melding-sender"] });
    (renamed.subscriptions[0] as Record<string, unknown>).aliases = ["melding-events"];
    await stack.setConfig({ values: renamed, secrets: SELF_SERVICE_STACK_SECRETS });
    const since = lastSeq(simulator);

    const steps = await stack.previewSteps();
    expect(steps.filter((s) => s.op !== "same").map((s) => s.op)).toStrictEqual([]);
    await stack.up();

    expect(writes(simulator, since)).toStrictEqual([]);
    expect(await stateNames(stack)).toStrictEqual([
      "AltinnResource digdir-guard-melding",
      "EventSubscription events",
      "MaskinportenClient sender",
      "MaskinportenClientKey sender-key",
      "ResourcePolicy digdir-guard-melding-policy",
      "ServiceOwnerPreflight digdir-preflight",
    ]);
  });
});

describe("production guards", () => {
  let simulator: Simulator;
  let stack: TestStack;
  const LIST = "guard-mottakere";
  const MEMBERS = ["991825827", "974760673"];

  const values = (overrides: Record<string, unknown> = {}) => ({
    ...demoStackValues(simulator),
    environment: "prod",
    endpoints: simulatorEndpoints(simulator.url),
    resources: [resourceSpec()],
    accessLists: [{ identifier: LIST, name: "Guard recipients", members: MEMBERS }],
    ...overrides,
  });

  beforeAll(async () => {
    simulator = await startSimulator({ environment: "prod" });
    stack = await TestStack.create({
      values: values(),
      secrets: PROD_SECRETS,
    });
    await stack.up();
  });

  afterAll(async () => {
    await simulator?.close();
    // Protected objects: the stack goes with its backend.
    await stack?.remove();
  });

  const accept = (object: string, change: string) => ({
    acceptChanges: [{ object, change, reason: "agreed in review" }],
  });

  it.each([
    [
      "an emptied member list",
      { accessLists: [{ identifier: LIST, name: "Guard recipients", members: [] }] },
      `altinn-iac:accessLists.0.members: the list is empty, so up removes all 2 members of ${LIST} in production (every recipient loses access): list the members, or, if that is intended, accept it in the stack file: altinn-iac:acceptChanges: [{ object: ${LIST}, change: empty-members, reason: "..." }]`,
    ],
    [
      "dropped protection",
      { protect: false },
      `altinn-iac:resources.0: ${RESOURCE} is protected and altinn-iac:protect: false drops its protection, which no preview shows as a change: keep altinn-iac:protect, or, if that is intended, accept it in the stack file: altinn-iac:acceptChanges: [{ object: ${RESOURCE}, change: unprotect, reason: "..." }]`,
    ],
    [
      "a delete (a list left out, or renamed without an alias)",
      { accessLists: [] },
      `${LIST}: the plan deletes this AccessList from the production stack (the access list digdir/${LIST}): declare it again, or, if that is intended, accept it in the stack file: altinn-iac:acceptChanges: [{ object: ${LIST}, change: delete, reason: "..." }]`,
    ],
    [
      "a replace",
      { resources: [resourceSpec({ resourceType: "GenericAccessResource" })] },
      `altinn-iac:resources.0: the change of resourceType replaces ${RESOURCE} in production (a new remote object; the old one is deleted): undo the change, or, if that is intended, accept it in the stack file: altinn-iac:acceptChanges: [{ object: ${RESOURCE}, change: replace, reason: "..." }]`,
    ],
    [
      "an accepted delete of a protected object",
      { accessLists: [], ...accept(LIST, "delete") },
      `${LIST}: the stack accepts its delete, but its state is protected, so the engine would refuse the delete after the rest of the update ran: first run pulumi state unprotect '`,
    ],
  ])(
    "refuses %s at preview with the key and the fix, with no write",
    async (_, change, message) => {
      await stack.setConfig({ values: values(change), secrets: PROD_SECRETS });
      const since = lastSeq(simulator);
      const preview = await stack.pulumi(["preview"]);
      expect(preview.code).not.toBe(0);
      expect(preview.output).toContain(message);
      expect(writes(simulator, since)).toStrictEqual([]);
    },
  );

  it("lets an accepted change through and warns about an acceptance the plan does not use", async () => {
    await stack.setConfig({
      values: values({
        accessLists: [{ identifier: LIST, name: "Guard recipients", members: [] }],
        acceptChanges: [
          { object: LIST, change: "empty-members", reason: "the service closes" },
          { object: RESOURCE, change: "delete", reason: "left over" },
        ],
      }),
      secrets: PROD_SECRETS,
    });
    const preview = await stack.pulumi(["preview"]);
    expect(preview.code).toBe(0);
    expect(preview.output).toContain(
      `altinn-iac:acceptChanges: this plan makes no delete of ${RESOURCE}: remove the entry, so it cannot accept a later change by mistake`,
    );
  });

  it("rejects an acceptance without a reason, naming the key", async () => {
    await stack.setConfig({
      values: values({ acceptChanges: [{ object: LIST, change: "remove", reason: "" }] }),
      secrets: PROD_SECRETS,
    });
    const preview = await stack.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain("altinn-iac:acceptChanges.0.change:");
    expect(preview.output).toContain(
      "altinn-iac:acceptChanges.0.reason: say why the change is wanted, for whoever reviews the deploy",
    );
  });
});
