import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { startSimulator, type Simulator } from "../../simulator/server";
import { currentResource } from "../../simulator/state";
import { PROJECT_ROOT, TestStack } from "../support/pulumi-cli";
import { DEMO_PRIVATE_KEY, demoStackValues, lastSeq, writes } from "../support/simulator";

/**
 * The committed `local` stack file, as a user runs it, with the real engine against a fresh
 * simulator: every object of the org's setup comes up in order, and the next preview shows no
 * change. What it does not prove: the same against tt02.
 */
describe("the local stack's full org setup", () => {
  let simulator: Simulator;
  let stack: TestStack;
  let config: { values: Record<string, unknown>; secrets: Record<string, string> };

  beforeAll(async () => {
    simulator = await startSimulator();
    const local = parse(readFileSync(join(PROJECT_ROOT, "Pulumi.local.yaml"), "utf8")) as {
      config: Record<string, unknown>;
    };
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(local.config)) {
      if (value && typeof value === "object" && "secure" in value) continue;
      values[key.replace(/^altinn-iac:/, "")] = value;
    }
    // The demo's webhook receiver lives in the simulator: point the subscription at this one.
    values.subscriptions = (values.subscriptions as Array<Record<string, unknown>>).map((s) => ({
      ...s,
      endPoint: String(s.endPoint).replace("http://127.0.0.1:5055", simulator.url),
    }));
    config = {
      values: { ...values, ...demoStackValues(simulator) },
      secrets: {
        maskinportenPrivateKey: DEMO_PRIVATE_KEY,
        selfServicePrivateKey: readFileSync(
          join(PROJECT_ROOT, "simulator", "demo", "demo-business-certificate.key.pem"),
          "utf8",
        ),
      },
    };
    stack = await TestStack.create(config);
  });

  afterAll(async () => {
    await stack?.remove();
    await simulator?.close();
  });

  it("comes up in dependency order and then previews no change", async () => {
    const up = await stack.up();
    expect(up.output).toContain("Resources:");
    const state = simulator.context.state;
    const resource = currentResource(state, "digdir-iac-demo-melding")!;
    expect(resource.accessListMode).toBe("Enabled");
    expect(state.policies["digdir-iac-demo-melding"]).toContain("urn:altinn:org");
    expect(Object.keys(state.accessLists)).toStrictEqual(["digdir/digdir-demo-mottakere"]);
    const order = simulator.calls
      .filter((c) => c.write)
      .map((c) => `${c.method} ${c.path.replace(/\/[0-9a-f-]{36}/g, "/{id}")}`);
    const first = (fragment: string) => order.findIndex((c) => c.includes(fragment));
    expect(first("POST /resourceregistry/api/v1/resource")).toBeLessThan(first("/policy"));
    expect(first("POST /resourceregistry/api/v1/resource")).toBeLessThan(first("/access-lists/"));
    expect(
      order.lastIndexOf("PUT /resourceregistry/api/v1/resource/digdir-iac-demo-melding"),
    ).toBeGreaterThan(first("/resource-connections/"));
    expect(first("POST /selfservice/api/v1/clients")).toBeLessThan(first("/jwks"));
    // Events refuses an owner subscription without subjectFilter once the mode is on.
    expect(first("POST /events/api/v1/subscriptions")).toBeLessThan(
      order.lastIndexOf("PUT /resourceregistry/api/v1/resource/digdir-iac-demo-melding"),
    );

    const outputs = await stack.outputs();
    expect(Object.keys(outputs).sort()).toStrictEqual(
      [
        "accessLists",
        "environment",
        "maskinportenClients",
        "org",
        "resources",
        "subscriptions",
        "verification",
      ].sort(),
    );
    expect(outputs.subscriptions).toStrictEqual({
      "demo-melding-events": { id: 1, validated: true },
    });
    expect(outputs.resources).toStrictEqual({
      "digdir-iac-demo-melding": {
        urn: "urn:altinn:resource:digdir-iac-demo-melding",
        url: `${simulator.url}/resourceregistry/api/v1/resource/digdir-iac-demo-melding`,
      },
    });

    // The verification step sent one test message through the chain and the demo webhook got
    // the validation event and the message's events.
    expect(
      Object.values(state.correspondences).map((c) => [c.resourceId, c.recipient]),
    ).toStrictEqual([
      ["digdir-iac-demo-melding", "urn:altinn:organization:identifier-no:310654321"],
    ]);
    expect(
      state.webhooks["demo-melding"]!.received.map((r) => (r.body as { type: string }).type),
    ).toStrictEqual([
      "platform.events.validatesubscription",
      "no.altinn.correspondence.correspondenceinitialized",
      "no.altinn.correspondence.correspondencepublished",
    ]);

    const before = lastSeq(simulator);
    const steps = await stack.previewSteps();
    expect(steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn}`)).toStrictEqual([]);
    expect(writes(simulator, before)).toStrictEqual([]);
  });

  it("fails the update with the reason when the policy no longer lets the owner write", async () => {
    const broken = (config.values.resources as Array<Record<string, unknown>>).map((r) => ({
      ...r,
      policy: {
        rules: [
          {
            subjects: [{ role: "DAGL" }, { accessPackage: "ordinaer-post-til-virksomheten" }],
            actions: ["read"],
          },
          { subjects: [{ org: "digdir" }], actions: ["subscribe"] },
        ],
        authenticationLevel: 3,
      },
    }));
    await stack.setConfig({ ...config, values: { ...config.values, resources: broken } });
    const result = await stack.pulumi(["up", "--yes", "--skip-preview"]);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("verification of digdir-iac-demo-melding failed:");
    expect(result.output).toMatch(/FAIL policy/);
  });
});
