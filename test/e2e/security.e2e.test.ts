import { startSimulator, type Simulator } from "../../simulator/server";
import { TestStack } from "../support/pulumi-cli";
import { demoStackValues, DEMO_PRIVATE_KEY, writes } from "../support/simulator";

/**
 * Issue 21 with the real engine and a file backend against the simulator: a private key in plain
 * config, and hostile values that once got through, each stop `pulumi preview` (and `up`) with
 * the key path and the fix, before any remote write and before the key could reach state.
 */

const PEM_LINE = DEMO_PRIVATE_KEY.split("\n")[1]!;

const resource = {
  identifier: "digdir-e2e-sikkerhet",
  title: { nb: "Sikkerhet", nn: "Tryggleik", en: "Security" },
  description: { nb: "Testressurs", nn: "Testressurs", en: "Test resource" },
  rightDescription: { nb: "Lese", nn: "Lese", en: "Read" },
  contactPoints: [{ category: "Support", email: "support@example.org" }],
};

describe("issue 21 with the real engine", () => {
  let simulator: Simulator;
  const stacks: TestStack[] = [];

  beforeAll(async () => {
    simulator = await startSimulator();
  });

  afterAll(async () => {
    for (const stack of stacks) await stack.remove();
    await simulator?.close();
  });

  async function stackWith(values: Record<string, unknown>, secret = true): Promise<TestStack> {
    const stack = await TestStack.create({
      values: {
        ...demoStackValues(simulator),
        preflight: false,
        ...(secret ? {} : { maskinportenPrivateKey: DEMO_PRIVATE_KEY }),
        ...values,
      },
      secrets: secret ? { maskinportenPrivateKey: DEMO_PRIVATE_KEY } : {},
    });
    stacks.push(stack);
    return stack;
  }

  it("refuses a private key in plain config at preview and at up, and state never holds it", async () => {
    const stack = await stackWith({ resources: [resource] }, false);
    const message =
      "altinn-iac:maskinportenPrivateKey: holds a private key in plain config, which the stack file and the state keep readable: store it encrypted with `pulumi config set --secret altinn-iac:maskinportenPrivateKey < provisioner-key.pem` or pass it in the environment variable ALTINN_IAC_MASKINPORTEN_PRIVATE_KEY";
    const preview = await stack.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain(message);
    const up = await stack.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code).not.toBe(0);
    expect(up.output).toContain(message);
    for (const text of [preview.output, up.output, await stack.exportedState()]) {
      expect(text).not.toContain(PEM_LINE);
    }
    expect(writes(simulator)).toStrictEqual([]);
  });

  it("takes the same key as secret config: preview plans the resource", async () => {
    const stack = await stackWith({ resources: [resource] });
    const steps = await stack.previewSteps();
    expect(steps.map((s) => `${s.op} ${s.urn.split("::").pop()}`)).toContain(
      "create digdir-e2e-sikkerhet",
    );
    expect(writes(simulator)).toStrictEqual([]);
  });
});
