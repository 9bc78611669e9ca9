import { startSimulator, type Simulator } from "../../simulator/server";
import { currentResource } from "../../simulator/state";
import { TestStack } from "../support/pulumi-cli";
import { demoStackValues, DEMO_PRIVATE_KEY } from "../support/simulator";

/**
 * The nightly drift job's command (scripts/drift.sh) with the real engine: quiet when the live
 * objects match the stack, failing with the diff when someone changed one behind its back.
 */
describe("scripts/drift.sh", () => {
  let simulator: Simulator;
  let stack: TestStack;

  beforeAll(async () => {
    simulator = await startSimulator();
    stack = await TestStack.create({
      values: {
        ...demoStackValues(simulator),
        resources: [
          {
            identifier: "digdir-drift-melding",
            title: { nb: "Drift", nn: "Drift", en: "Drift" },
            description: { nb: "D", nn: "D", en: "D" },
            rightDescription: { nb: "R", nn: "R", en: "R" },
            contactPoints: [{ category: "Support", email: "support@example.org" }],
          },
        ],
      },
      secrets: { maskinportenPrivateKey: DEMO_PRIVATE_KEY },
    });
    await stack.up();
  });

  afterAll(async () => {
    await stack?.remove();
    await simulator?.close();
  });

  it("passes when nothing drifted, and fails naming the drifted field after an edit in Studio", async () => {
    const clean = await stack.run("bash", ["scripts/drift.sh", stack.name]);
    expect(clean.code).toBe(0);

    const live = currentResource(simulator.context.state, "digdir-drift-melding")!;
    await fetch(`${simulator.url}/__admin/resources/digdir-drift-melding`, {
      method: "PUT",
      body: JSON.stringify({ ...live, visible: false }),
    });
    const drifted = await stack.run("bash", ["scripts/drift.sh", stack.name]);
    expect(drifted.code).not.toBe(0);
    expect(drifted.output).toMatch(/~ visible\s*: true => false/);
    expect(drifted.output).toContain(
      "error: no changes were expected for refresh but changes were proposed",
    );
    // --preview-only: the state still holds what the stack declared.
    const state = await stack.exportedState();
    expect(state).toContain('"visible": true');
  });
});
