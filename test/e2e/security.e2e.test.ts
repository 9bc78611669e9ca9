import { readFileSync } from "node:fs";
import { join } from "node:path";
import { simulatorEndpoints } from "../../providers/lib/environments";
import { startSimulator, type Simulator } from "../../simulator/server";
import { hostileCases } from "../program/broken-config-corpus";
import { PROJECT_ROOT, TestStack } from "../support/pulumi-cli";
import {
  DEMO_BUSINESS_CERTIFICATE,
  DEMO_BUSINESS_CERTIFICATE_KEY,
  DEMO_SELF_SERVICE_CLIENT_ID,
} from "../support/self-service";
import {
  demoStackValues,
  DEMO_CLIENT_ID,
  DEMO_KEY_ID,
  DEMO_PRIVATE_KEY,
  writes,
} from "../support/simulator";

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

  // One case of each stage of loadStackConfig (hidden values, schema, cross checks, local only).
  it.each([
    "a policy subject under __proto__",
    "a verification recipient with a query and a path",
    "a verification client named constructor",
    "a local subscription into the simulator's admin API",
  ])("stops at up's preview on %s, naming the key and the fix, with no write", async (name) => {
    const [, config, message] = hostileCases.find(([n]) => n === name)!;
    const values = Object.fromEntries(
      Object.entries(config)
        .filter(([key]) => key !== "altinn-iac:environment")
        .map(([key, text]) => [key.slice("altinn-iac:".length), JSON.parse(text) as unknown]),
    );
    const stack = await stackWith(values);
    const up = await stack.pulumi(["up", "--yes"]);
    expect(up.code).not.toBe(0);
    expect(up.output).toContain(message.replace("the stack config is invalid:\n  ", ""));
    expect(up.output).not.toMatch(/TypeError|at \S+ \(\//);
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

describe("a fresh stack made from the README with the team's own passphrase", () => {
  let simulator: Simulator;
  const stacks: TestStack[] = [];

  beforeAll(async () => {
    simulator = await startSimulator();
  });

  afterAll(async () => {
    for (const stack of stacks) await stack.remove();
    await simulator?.close();
  });

  it.each(["test", "prod"])(
    "%s: stack init, secrets set, preview plans the whole setup without a write",
    async (name) => {
      const committed = readFileSync(join(PROJECT_ROOT, `Pulumi.${name}.yaml`), "utf8");
      expect(committed).not.toMatch(/encryptionsalt|secure:/);
      const stack = await TestStack.init(committed, "passphrase", {
        PULUMI_CONFIG_PASSPHRASE: "our-own-passphrase",
      });
      stacks.push(stack);
      // The README's commands, with the simulator's clients in place of the team's.
      const set = (args: string[], stdin?: string) =>
        stack.pulumiOk(["config", "set", ...args], stdin);
      await set(["altinn-iac:maskinportenClientId", DEMO_CLIENT_ID]);
      await set(["altinn-iac:maskinportenKeyId", DEMO_KEY_ID]);
      await set(["--secret", "altinn-iac:maskinportenPrivateKey"], DEMO_PRIVATE_KEY);
      await set(["altinn-iac:selfServiceClientId", DEMO_SELF_SERVICE_CLIENT_ID]);
      await set(["altinn-iac:selfServiceCertificate"], DEMO_BUSINESS_CERTIFICATE);
      await set(["--secret", "altinn-iac:selfServicePrivateKey"], DEMO_BUSINESS_CERTIFICATE_KEY);
      // The local variant: the environment's APIs are the simulator's.
      await set(["altinn-iac:endpoints", JSON.stringify(simulatorEndpoints(simulator.url))]);
      const file = readFileSync(stack.configFile, "utf8");
      expect(file).toMatch(/^encryptionsalt: v1:/m);
      expect(file).not.toContain(PEM_LINE);

      const steps = await stack.previewSteps();
      expect(steps.map((s) => `${s.op} ${s.urn.split("::").pop()}`).sort()).toStrictEqual([
        `create altinn-iac-${stack.name}`,
        "create digdir",
        "create digdir-melding",
        "create digdir-melding-access-list-mode",
        "create digdir-melding-policy",
        "create digdir-mottakere",
        "create digdir-preflight",
        "create melding-sender",
        "create melding-sender-key",
      ]);
      expect(writes(simulator)).toStrictEqual([]);
    },
  );
});
