import { FaultInjector, type FaultDecision } from "../../simulator/faults";

/** What one call gets from a script: a fault of the simulator's, or none. */
export type ScriptedFault = "none" | "lost-response" | "reset" | "500" | "502" | "503" | "504";

/**
 * Faults at exact calls instead of at random: the n-th call to `path` (the exact path, so
 * `/clients/{id}` is not `/clients`) gets `script[n]`, and every call after the script gets none.
 * The simulator carries them out as it does a seeded plan's (a lost response is handled, then the
 * connection is dropped). Set it as `simulator.context.faults`.
 */
export class ScriptedFaults extends FaultInjector {
  private calls = 0;

  constructor(
    private readonly path: string,
    private readonly script: readonly ScriptedFault[],
  ) {
    super({ seed: 0, rate: 0 });
  }

  override decide(path: string): FaultDecision {
    if (path !== this.path) return { kind: "none" };
    const fault = this.script[this.calls++] ?? "none";
    if (fault === "none" || fault === "lost-response" || fault === "reset") return { kind: fault };
    return { kind: "status", status: Number(fault), headers: {} };
  }
}
