import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { FaultPlan } from "../../simulator/faults";
import { startSimulator, type Simulator } from "../../simulator/server";
import type { SimState } from "../../simulator/state";
import { simulatorInventory, stateInventory } from "../support/inventory";
import { PROJECT_ROOT, TestStack, type CliResult } from "../support/pulumi-cli";
import { pemBodyLines, scanForSecrets } from "../support/secret-scan";
import { DEMO_PRIVATE_KEY, demoStackValues } from "../support/simulator";

/**
 * The committed `local` stack (resource + policy + access list + access-list mode + Maskinporten
 * client + key) brought up by the real engine against a simulator that fails 20% of the API calls
 * (every fault kind: 5xx, 429 with Retry-After, resets, lost responses, time-outs, slow answers)
 * and hides each new object from the next read. Per seed: at most two `pulumi up`, then (faults
 * off) a preview with no change, no duplicate client, and the simulator's new objects exactly the
 * ones the exported state knows. The same runs are scanned for secrets: the exported state, every
 * `up`'s output at -v=9 (failed ones included) and the engine's log files.
 *
 * Short time-outs and back-off (altinn-iac:http) keep a run near a minute on a 2-core machine.
 * What it does not prove: the real services fail the same way.
 */
const SEEDS = Array.from({ length: Number(process.env.FAULT_RUNS ?? 20) }, (_, i) => i + 1);
const FAULT_RATE = 0.2;

const SELF_SERVICE_PRIVATE_KEY = readFileSync(
  join(PROJECT_ROOT, "simulator", "demo", "demo-business-certificate.key.pem"),
  "utf8",
);

/**
 * The local stack's setup against this simulator: its webhook subscription points at this
 * simulator's receiver, and the verification step (a test message, not a managed object) is left
 * out of the count.
 */
function localStackValues(simulator: Simulator): Record<string, unknown> {
  const local = parse(readFileSync(join(PROJECT_ROOT, "Pulumi.local.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(local.config)) {
    if (value && typeof value === "object" && "secure" in value) continue;
    values[key.replace(/^altinn-iac:/, "")] = value;
  }
  delete values.verification;
  values.subscriptions = (values.subscriptions as Array<Record<string, unknown>>).map((s) => ({
    ...s,
    endPoint: String(s.endPoint).replace("http://127.0.0.1:5055", simulator.url),
  }));
  return values;
}

function faultPlan(seed: number): FaultPlan {
  return {
    seed,
    rate: FAULT_RATE,
    retryAfterSeconds: 1,
    slowMs: 100,
    hangMs: 1_500,
    hideNewForReads: 1,
  };
}

/** A secret output as `stack export --show-secrets` writes it: `{ <sig>: ..., plaintext: "<json>" }`. */
function shownSecret(value: unknown): unknown {
  if (value && typeof value === "object" && "plaintext" in value) {
    return JSON.parse(String((value as { plaintext: unknown }).plaintext)) as unknown;
  }
  return value;
}

interface RunFigures {
  seed: number;
  ups: number;
  seconds: number;
  injected: number;
}
const figures: RunFigures[] = [];

describe("the full org setup under 20% injected faults", () => {
  afterAll(() => {
    if (figures.length === 0) return;
    const total = figures.reduce((sum, f) => sum + f.seconds, 0);
    process.stdout.write(
      `fault convergence: ${figures.length} runs, ${figures.filter((f) => f.ups === 2).length} needed a second up, ` +
        `${figures.reduce((s, f) => s + f.injected, 0)} faults injected, ${total.toFixed(0)} s in all\n` +
        figures
          .map(
            (f) =>
              `  seed ${f.seed}: ${f.ups} up(s), ${f.injected} faults, ${f.seconds.toFixed(1)} s`,
          )
          .join("\n") +
        "\n",
    );
  });

  it.each(SEEDS)(
    "converges in at most two ups with no duplicate, orphan or secret (seed %i)",
    async (seed) => {
      const started = Date.now();
      const simulator: Simulator = await startSimulator({ faults: faultPlan(seed) });
      const seeded = structuredClone(simulator.context.state) as SimState;
      const stack = await TestStack.create(
        {
          values: {
            ...localStackValues(simulator),
            ...demoStackValues(simulator),
            http: { timeoutMs: 1_000, attempts: 6, baseDelayMs: 20, maxDelayMs: 1_000 },
          },
          secrets: {
            maskinportenPrivateKey: DEMO_PRIVATE_KEY,
            selfServicePrivateKey: SELF_SERVICE_PRIVATE_KEY,
          },
        },
        { PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
      );
      try {
        const ups: CliResult[] = [];
        for (let attempt = 1; attempt <= 2; attempt++) {
          const up = await stack.pulumi([
            "up",
            "--yes",
            "--skip-preview",
            "-v=9",
            "--logtostderr",
            "--logflow",
          ]);
          ups.push(up);
          if (up.code === 0) break;
        }
        const injected = Object.values(simulator.context.faults?.injected ?? {}).reduce(
          (sum, n) => sum + n,
          0,
        );
        simulator.context.faults = undefined;
        expect(ups.map((u) => u.code).pop()).toBe(0);

        const changes = (await stack.previewSteps())
          .filter((step) => step.op !== "same")
          .map((step) => `${step.op} ${step.urn}`);
        expect(changes).toStrictEqual([]);

        const exported = await stack.exportedState();
        const remote = simulatorInventory(seeded, simulator.context.state);
        expect(remote.duplicateClientNames).toStrictEqual([]);
        expect(remote.objects).toStrictEqual(stateInventory(exported));

        const generated = JSON.parse(
          (await stack.pulumiOk(["stack", "export", "--show-secrets"])).stdout,
        ) as { deployment: { resources: Array<{ outputs?: Record<string, unknown> }> } };
        const generatedKeys = generated.deployment.resources
          .map((r) => shownSecret(r.outputs?.privateJwk))
          .filter((jwk): jwk is string => typeof jwk === "string")
          .map((jwk) => JSON.parse(jwk) as { d: string });
        expect(generatedKeys).toHaveLength(1);
        const findings = scanForSecrets(
          {
            "exported state": exported,
            ...Object.fromEntries(ups.map((up, i) => [`up ${i + 1} output`, up.output])),
          },
          [
            { name: "the provisioning key", fragments: pemBodyLines(DEMO_PRIVATE_KEY) },
            { name: "the self-service key", fragments: pemBodyLines(SELF_SERVICE_PRIVATE_KEY) },
            { name: "the generated client key", fragments: generatedKeys.map((k) => k.d) },
          ],
        );
        expect(findings).toStrictEqual([]);
        figures.push({ seed, ups: ups.length, seconds: (Date.now() - started) / 1000, injected });
      } finally {
        await stack.remove();
        await simulator.close();
      }
    },
  );
});
