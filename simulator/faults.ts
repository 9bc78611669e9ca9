/**
 * Fault injection: the failures Altinn and Digdir really produce, on a seeded schedule so a failing
 * run can be replayed. Per call, with probability `rate`, one fault is drawn from `kinds`:
 *
 * - `500`, `502`, `503`, `504`: the status with an empty body, before the call is handled;
 * - `429`: Too Many Requests with Retry-After, before the call is handled;
 * - `reset`: the connection is dropped before the call is handled;
 * - `lost-response`: the call IS handled, then the connection is dropped (the client cannot know
 *   whether its POST created anything: the case that makes duplicates);
 * - `timeout`: no answer for `hangMs`, then the connection is dropped;
 * - `slow`: handled normally after `slowMs`.
 *
 * `perApi` gives an API (a path prefix) its own rate and kinds.
 *
 * Eventual consistency: with `hideNewForReads` = N, an object created by a call answered 201 with a
 * Location is invisible (404) to the next N reads of that location.
 */
export type FaultKind =
  "500" | "502" | "503" | "504" | "429" | "reset" | "lost-response" | "timeout" | "slow";

export const ALL_FAULT_KINDS: readonly FaultKind[] = [
  "500",
  "502",
  "503",
  "504",
  "429",
  "reset",
  "lost-response",
  "timeout",
  "slow",
];

export interface FaultPlan {
  seed: number;
  /** Probability (0..1) that a call gets a fault. */
  rate: number;
  kinds?: readonly FaultKind[];
  /** Only calls whose path starts with one of these (default: every API, admin excluded). */
  paths?: readonly string[];
  /**
   * Per API, by path prefix, its own rate and kinds, such as `{ "/selfservice/": { rate: 0.5 } }`:
   * Digdir and Altinn fail differently. The longest matching prefix wins; other calls use `rate`
   * and `kinds`.
   */
  perApi?: Record<string, ApiFaultPlan>;
  retryAfterSeconds?: number;
  slowMs?: number;
  hangMs?: number;
  hideNewForReads?: number;
}

export interface ApiFaultPlan {
  rate: number;
  kinds?: readonly FaultKind[];
  /** The first `after` calls to this API get no fault (a run's first reads, such as a check's). */
  after?: number;
}

export type FaultDecision =
  | { kind: "none" }
  | { kind: "status"; status: number; headers: Record<string, string> }
  | { kind: "reset" }
  | { kind: "lost-response" }
  | { kind: "timeout"; hangMs: number }
  | { kind: "slow"; delayMs: number };

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private readonly random: () => number;
  private readonly hidden = new Map<string, number>();
  private readonly callsPerApi = new Map<ApiFaultPlan, number>();
  /** How many faults of each kind were injected, for test reports. */
  readonly injected: Partial<Record<FaultKind, number>> = {};

  constructor(readonly plan: FaultPlan) {
    this.random = seededRandom(plan.seed);
  }

  decide(path: string): FaultDecision {
    if (
      this.plan.paths &&
      !this.plan.paths.some((p) => path.toLowerCase().startsWith(p.toLowerCase()))
    ) {
      return { kind: "none" };
    }
    const api = this.apiPlan(path);
    if (api?.after !== undefined) {
      const seen = this.callsPerApi.get(api) ?? 0;
      this.callsPerApi.set(api, seen + 1);
      if (seen < api.after) return { kind: "none" };
    }
    if (this.random() >= (api?.rate ?? this.plan.rate)) return { kind: "none" };
    const kinds = api?.kinds ?? this.plan.kinds ?? ALL_FAULT_KINDS;
    const kind = kinds[Math.floor(this.random() * kinds.length)]!;
    this.injected[kind] = (this.injected[kind] ?? 0) + 1;
    switch (kind) {
      case "429":
        return {
          kind: "status",
          status: 429,
          headers: { "retry-after": String(this.plan.retryAfterSeconds ?? 1) },
        };
      case "reset":
        return { kind: "reset" };
      case "lost-response":
        return { kind: "lost-response" };
      case "timeout":
        return { kind: "timeout", hangMs: this.plan.hangMs ?? 2_000 };
      case "slow":
        return { kind: "slow", delayMs: this.plan.slowMs ?? 200 };
      default:
        return { kind: "status", status: Number(kind), headers: {} };
    }
  }

  private apiPlan(path: string): ApiFaultPlan | undefined {
    const lower = path.toLowerCase();
    const prefix = Object.keys(this.plan.perApi ?? {})
      .filter((p) => lower.startsWith(p.toLowerCase()))
      .sort((a, b) => b.length - a.length)[0];
    return prefix === undefined ? undefined : this.plan.perApi![prefix];
  }

  /** Called after a 201 with a Location: the new object stays invisible for N reads. */
  created(location: string): void {
    const reads = this.plan.hideNewForReads ?? 0;
    if (reads > 0) this.hidden.set(location.toLowerCase(), reads);
  }

  /** True when this read must answer 404 because the object is not visible yet. */
  hides(method: string, path: string): boolean {
    if (method !== "GET") return false;
    const key = path.toLowerCase();
    const left = this.hidden.get(key);
    if (left === undefined) return false;
    if (left <= 1) this.hidden.delete(key);
    else this.hidden.set(key, left - 1);
    return true;
  }
}
