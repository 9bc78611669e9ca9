import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { JWTPayload } from "jose";
import { FaultInjector, type FaultPlan } from "./faults";
import { empty } from "./http/replies";
import type { Router, SimRequest, SimResponse } from "./http/router";
import { initialState } from "./state";
import type { SimState } from "./state-types";
import { bearer, SimulatorKeys, verifyJwt } from "./tokens";

/**
 * What every route module works with: the state, the signing keys, the clock and the call log.
 * Routes import this module, never the server that composes them.
 */
export interface SimulatorOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** `prod` makes the Resource Registry refuse deletes, as production does. */
  environment?: "tt02" | "prod";
  /** Load state from and save it to this file. */
  persistFile?: string;
  /** Maskinporten access-token lifetime in seconds. */
  tokenLifetimeSeconds?: number;
  /** Inject faults from the start (also settable through `POST /__admin/faults`). */
  faults?: FaultPlan;
  /**
   * Answer every API call (admin calls excluded) this many milliseconds late, as a real API over
   * the network is: benchmarks measure what round trips cost the tool.
   * @default 0
   */
  latencyMs?: number;
}

export interface CallRecord {
  seq: number;
  method: string;
  path: string;
  query: string;
  status: number;
  /** A state-changing call to an Altinn or Digdir API (token requests are not writes). */
  write: boolean;
  /** Request body as text (JSON, XML or form), for assertions on what the tool sent. */
  body: string;
}

export interface SimContext {
  state: SimState;
  keys: SimulatorKeys;
  options: Required<Pick<SimulatorOptions, "environment" | "tokenLifetimeSeconds">>;
  nowMs(): number;
  nowSeconds(): number;
  maskinportenIssuer(origin: string): string;
  altinnIssuer(origin: string): string;
  /** The claims of a valid Maskinporten access token this simulator issued; undefined otherwise. */
  verifyMaskinporten(token: string, origin: string): Promise<JWTPayload | undefined>;
  /** The claims of a valid Altinn token this simulator issued; undefined otherwise. */
  verifyAltinn(token: string, origin: string): Promise<JWTPayload | undefined>;
  /** Verifies an Altinn token; a response (401) when it is missing or invalid. */
  authenticateAltinn(req: SimRequest): Promise<{ claims: JWTPayload } | SimResponse>;
  /** Saves state when the simulator persists to a file. */
  changed(): void;
  /** Every API call, in order (admin calls excluded). */
  calls: CallRecord[];
  /** The active fault plan, if any. */
  faults?: FaultInjector;
}

export type RouteModule = (router: Router, ctx: SimContext) => void;

/** A fresh context: state from the persist file when there is one, else the seeded world. */
export function createContext(options: SimulatorOptions): SimContext {
  const state =
    options.persistFile && existsSync(options.persistFile)
      ? (JSON.parse(readFileSync(options.persistFile, "utf8")) as SimState)
      : initialState();
  const keys = new SimulatorKeys();
  const context: SimContext = {
    state,
    keys,
    options: {
      environment: options.environment ?? "tt02",
      tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 120,
    },
    nowMs: () => Date.now() + context.state.clockOffsetMs,
    nowSeconds: () => Math.floor(context.nowMs() / 1000),
    maskinportenIssuer: (origin) => `${origin}/maskinporten/`,
    altinnIssuer: (origin) => `${origin}/authentication/api/v1/openid/`,
    verifyMaskinporten: (token, origin) =>
      verifyJwt(token, keys.maskinporten, context.maskinportenIssuer(origin), context.nowSeconds()),
    verifyAltinn: (token, origin) =>
      verifyJwt(token, keys.altinn, context.altinnIssuer(origin), context.nowSeconds()),
    async authenticateAltinn(req) {
      const token = bearer(req.headers);
      if (!token) return empty(401, { "www-authenticate": "Bearer" });
      const claims = await context.verifyAltinn(token, req.origin);
      if (!claims) return empty(401, { "www-authenticate": 'Bearer error="invalid_token"' });
      return { claims };
    },
    changed: () => {
      if (options.persistFile) {
        const tmp = `${options.persistFile}.tmp`;
        writeFileSync(tmp, JSON.stringify(context.state));
        renameSync(tmp, options.persistFile);
      }
    },
    calls: [],
    faults: options.faults ? new FaultInjector(options.faults) : undefined,
  };
  return context;
}
