import { startSimulator, type Simulator } from "../../simulator/server";
import { currentResource } from "../../simulator/state";
import { TestStack } from "../support/pulumi-cli";
import { demoStackValues, DEMO_PRIVATE_KEY, lastSeq, writes } from "../support/simulator";

/**
 * The Resource Registry resource through its whole life with the real Pulumi engine and a file
 * backend, against the simulator: up, no-change preview, drift made behind the tool's back,
 * refresh, up restores, destroy. What it does not prove: behaviour of the real tt02 servers.
 */

const IDENTIFIER = "digdir-e2e-melding";

function resourceSpec(overrides: Record<string, unknown> = {}) {
  return {
    identifier: IDENTIFIER,
    title: { nb: "E2E-melding", nn: "E2E-melding", en: "E2E message" },
    description: { nb: "Testressurs", nn: "Testressurs", en: "Test resource" },
    rightDescription: { nb: "Lese", nn: "Lese", en: "Read" },
    contactPoints: [
      { category: "Support", email: "support@example.org", telephone: "", contactPage: "" },
    ],
    ...overrides,
  };
}

describe("AltinnResource with the real engine", () => {
  let simulator: Simulator;
  let stack: TestStack;

  beforeAll(async () => {
    simulator = await startSimulator();
    stack = await TestStack.create({
      values: { ...demoStackValues(simulator), resources: [resourceSpec()] },
      secrets: { maskinportenPrivateKey: DEMO_PRIVATE_KEY },
    });
  });

  afterAll(async () => {
    await stack?.remove();
    await simulator?.close();
  });

  it("creates the resource, shows no changes, sees drift on refresh, restores it and destroys it", async () => {
    await stack.up();
    const created = currentResource(simulator.context.state, IDENTIFIER)!;
    expect(created.title).toStrictEqual({
      nb: "E2E-melding",
      nn: "E2E-melding",
      en: "E2E message",
    });
    expect(created.resourceType).toBe("CorrespondenceService");
    expect(created.hasCompetentAuthority).toStrictEqual({
      organization: "991825827",
      orgcode: "digdir",
    });
    expect(simulator.context.state.resources[IDENTIFIER]!.versions).toHaveLength(1);
    expect((await stack.outputs()).resources).toStrictEqual({
      [IDENTIFIER]: {
        urn: `urn:altinn:resource:${IDENTIFIER}`,
        url: `${simulator.url}/resourceregistry/api/v1/resource/${IDENTIFIER}`,
      },
    });

    const beforePreview = lastSeq(simulator);
    const steps = await stack.previewSteps();
    expect(steps.filter((s) => s.op !== "same")).toStrictEqual([]);
    expect(writes(simulator, beforePreview)).toStrictEqual([]);

    // The resource list answers authorizationReference [urn:altinn:resource = id] for every
    // non-app resource (ResourceRegistryService.GetResourceList); refresh must not take it as drift.
    const listed = (await (
      await fetch(`${simulator.url}/resourceregistry/api/v1/resource/resourcelist`)
    ).json()) as Array<Record<string, unknown>>;
    expect(listed.find((r) => r.identifier === IDENTIFIER)!.authorizationReference).toStrictEqual([
      { id: "urn:altinn:resource", value: IDENTIFIER },
    ]);
    const beforeCleanRefresh = lastSeq(simulator);
    const cleanRefresh = await stack.pulumiOk(["refresh", "--yes", "--diff"]);
    expect(cleanRefresh.output).not.toMatch(/~ \d+ updated/);
    await stack.up();
    expect(writes(simulator, beforeCleanRefresh)).toStrictEqual([]);
    expect(simulator.context.state.resources[IDENTIFIER]!.versions).toHaveLength(1);

    // Someone edits the English title in Studio.
    const edited = { ...created, title: { ...(created.title as object), en: "Edited in Studio" } };
    await fetch(`${simulator.url}/__admin/resources/${IDENTIFIER}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(edited),
    });

    const refresh = await stack.pulumiOk(["refresh", "--yes", "--diff"]);
    expect(refresh.output).toContain("Edited in Studio");
    expect(refresh.output).toMatch(/~ 1 updated/);
    const state = JSON.parse(await stack.exportedState()) as {
      deployment: { resources: Array<{ type: string; outputs: { title?: { en?: string } } }> };
    };
    const inState = state.deployment.resources.find((r) => r.type.endsWith("AltinnResource"))!;
    expect(inState.outputs.title?.en).toBe("Edited in Studio");

    const beforeRestore = lastSeq(simulator);
    await stack.up();
    expect(writes(simulator, beforeRestore).map((c) => `${c.method} ${c.path}`)).toStrictEqual([
      `PUT /resourceregistry/api/v1/resource/${IDENTIFIER}`,
    ]);
    expect(currentResource(simulator.context.state, IDENTIFIER)!.title).toStrictEqual({
      nb: "E2E-melding",
      nn: "E2E-melding",
      en: "E2E message",
    });

    await stack.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    expect(simulator.context.state.resources[IDENTIFIER]).toBeUndefined();
  });

  it("keeps every secret from config out of the exported state", async () => {
    await stack.up();
    const exported = await stack.exportedState();
    const keyBody = DEMO_PRIVATE_KEY.split("\n").filter((l) => l && !l.startsWith("-----"));
    expect(exported).not.toContain("PRIVATE KEY");
    for (const line of keyBody) expect(exported).not.toContain(line);
    expect(exported).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./);
    await stack.pulumiOk(["destroy", "--yes", "--skip-preview"]);
  });
});

describe("bad stack config", () => {
  let simulator: Simulator;
  let stack: TestStack;

  beforeAll(async () => {
    simulator = await startSimulator();
  });

  afterAll(async () => {
    await stack?.remove();
    await simulator?.close();
  });

  it("fails preview naming the property, with no write call", async () => {
    stack = await TestStack.create({
      values: {
        ...demoStackValues(simulator),
        resources: [resourceSpec({ identifier: "App_X", title: { nb: "Tittel", en: "Title" } })],
      },
      secrets: { maskinportenPrivateKey: DEMO_PRIVATE_KEY },
    });
    const result = await stack.pulumi(["preview"]);
    expect(result.code).not.toBe(0);
    // The program validates the stack file with the provider's own rules before registering
    // anything, naming each problem by its key path.
    expect(result.output).toContain(
      'altinn-iac:resources.0.identifier: "App_X" is not a valid resource identifier: only lowercase a-z, 0-9, "_" and "-", at least 4 characters (for example "digdir-x")',
    );
    expect(result.output).toContain(
      "altinn-iac:resources.0.title.nn: missing title in nynorsk (nn): the Resource Registry requires nb, nn and en",
    );
    expect(writes(simulator)).toStrictEqual([]);
  });
});

describe("AltinnResource against a production-mode simulator", () => {
  let simulator: Simulator;
  let stack: TestStack;

  beforeAll(async () => {
    simulator = await startSimulator({ environment: "prod" });
    stack = await TestStack.create({
      values: { ...demoStackValues(simulator), resources: [resourceSpec()] },
      secrets: { maskinportenPrivateKey: DEMO_PRIVATE_KEY },
    });
  });

  afterAll(async () => {
    await stack?.remove();
    await simulator?.close();
  });

  it("retains the resource on destroy and says so", async () => {
    await stack.up();
    const destroy = await stack.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.output).toContain(
      `resource ${IDENTIFIER} is retained: the Resource Registry refused the delete in this environment`,
    );
    expect(currentResource(simulator.context.state, IDENTIFIER)).toBeDefined();
    expect(simulator.calls.filter((c) => c.method === "DELETE").map((c) => c.status)).toStrictEqual(
      [403],
    );
  });
});
