import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createContext } from "../../providers/auth/context";
import type { ProviderContext } from "../../providers/lib/context";
import { simulatorEndpoints } from "../../providers/lib/environments";
import { startSimulator, type Simulator, type SimulatorOptions } from "../../simulator/server";
import { DEMO_CLIENT_ID, DEMO_ORG, DEMO_ORGNR } from "../../simulator/state";

export { DEMO_CLIENT_ID, DEMO_ORG, DEMO_ORGNR };

export const DEMO_KEY_ID = "altinn-iac-local-demo";
export const DEMO_PRIVATE_KEY = readFileSync(
  join(__dirname, "..", "..", "simulator", "demo", "demo-provisioner.key.pem"),
  "utf8",
);

/** Starts a simulator on a free port for one test file. */
export function useSimulator(options: SimulatorOptions = {}): () => Simulator {
  let simulator: Simulator | undefined;
  beforeAll(async () => {
    simulator = await startSimulator(options);
  });
  afterAll(async () => {
    await simulator?.close();
  });
  return () => {
    if (!simulator) throw new Error("the simulator is not running");
    return simulator;
  };
}

/** A provider context for the demo org's provisioning client against `simulator`. */
export function demoContext(
  simulator: Simulator,
  overrides: Parameters<typeof createContext>[1] = {},
): ProviderContext {
  return createContext(
    {
      environment: "local",
      endpoints: simulatorEndpoints(simulator.url),
      credentials: { clientId: DEMO_CLIENT_ID, keyId: DEMO_KEY_ID, privateKey: DEMO_PRIVATE_KEY },
      retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 50 },
    },
    { warn: () => undefined, ...overrides },
  );
}

/** Config values for an e2e stack of the demo org against `simulator`. */
export function demoStackValues(simulator: Simulator): Record<string, unknown> {
  return {
    environment: "local",
    simulatorUrl: simulator.url,
    maskinportenClientId: DEMO_CLIENT_ID,
    maskinportenKeyId: DEMO_KEY_ID,
    org: { code: DEMO_ORG, number: DEMO_ORGNR },
  };
}

export function writes(simulator: Simulator, sinceSeq = 0) {
  return simulator.calls.filter((c) => c.seq > sinceSeq && c.write);
}

export function lastSeq(simulator: Simulator): number {
  return simulator.calls.length === 0 ? 0 : simulator.calls[simulator.calls.length - 1]!.seq;
}
