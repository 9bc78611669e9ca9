import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { JWTPayload } from "jose";
import { FaultInjector, type FaultPlan } from "./faults";
import { accessListRoutes } from "./routes/access-lists";
import { adminRoutes } from "./routes/admin";
import { authenticationRoutes } from "./routes/authentication";
import { correspondenceRoutes } from "./routes/correspondence";
import { eventsRoutes } from "./routes/events";
import { maskinportenRoutes } from "./routes/maskinporten";
import { policyRoutes } from "./routes/policy";
import { resourceRegistryRoutes } from "./routes/resource-registry";
import { selfServiceRoutes } from "./routes/self-service";
import { webhookRoutes } from "./routes/webhooks";
import { empty, readBody, Router, send, text, type SimRequest, type SimResponse } from "./router";
import { initialState, type SimState } from "./state";
import { bearer, SimulatorKeys, verifyJwt } from "./tokens";

/**
 * The Altinn simulator: Maskinporten, Altinn Authentication, the Resource Registry (and, through
 * route modules, the other APIs) in one Node process, speaking the real contracts. Tests start it
 * in-process on a free port; `npm run simulator` starts it standalone for the `local` stack.
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
  /** Verifies an Altinn token; a response (401) when it is missing or invalid. */
  authenticateAltinn(req: SimRequest): Promise<JWTPayload | SimResponse>;
  /** Saves state when the simulator persists to a file. */
  changed(): void;
  /** Every API call, in order (admin calls excluded). */
  calls: CallRecord[];
  /** The active fault plan, if any. */
  faults?: FaultInjector;
}

export type RouteModule = (router: Router, ctx: SimContext) => void;

/** Route modules in order; later issues add theirs here. */
const ROUTE_MODULES: RouteModule[] = [
  adminRoutes,
  maskinportenRoutes,
  authenticationRoutes,
  resourceRegistryRoutes,
  accessListRoutes,
  selfServiceRoutes,
  policyRoutes,
  correspondenceRoutes,
  eventsRoutes,
  webhookRoutes,
];

export interface Simulator {
  url: string;
  server: Server;
  context: SimContext;
  calls: CallRecord[];
  close(): Promise<void>;
}

const BODY_LIMIT_BYTES = 8 * 1024 * 1024;

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const state =
    options.persistFile && existsSync(options.persistFile)
      ? (JSON.parse(readFileSync(options.persistFile, "utf8")) as SimState)
      : initialState();
  const keys = new SimulatorKeys();
  const calls: CallRecord[] = [];
  const latencyMs = options.latencyMs ?? 0;
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
    async authenticateAltinn(req) {
      const token = bearer(req.headers);
      if (!token) return empty(401, { "www-authenticate": "Bearer" });
      const claims = await verifyJwt(
        token,
        keys.altinn,
        context.altinnIssuer(req.origin),
        context.nowSeconds(),
      );
      if (!claims) return empty(401, { "www-authenticate": 'Bearer error="invalid_token"' });
      return claims;
    },
    changed: () => {
      if (options.persistFile) {
        const tmp = `${options.persistFile}.tmp`;
        writeFileSync(tmp, JSON.stringify(context.state));
        renameSync(tmp, options.persistFile);
      }
    },
    calls,
    faults: options.faults ? new FaultInjector(options.faults) : undefined,
  };

  const router = new Router();
  for (const register of ROUTE_MODULES) register(router, context);

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://simulator");
      const origin = `http://${req.headers.host ?? "127.0.0.1"}`;
      const method = (req.method ?? "GET").toUpperCase();
      let body: Buffer;
      try {
        body = await readBody(req, BODY_LIMIT_BYTES);
      } catch {
        send(res, text(413, "Request body too large"));
        return;
      }
      const simRequest: SimRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        params: {},
        headers: req.headers,
        body,
        origin,
      };
      // The demo webhook receiver stands for the service owner's own endpoint, not an Altinn API.
      const api = !url.pathname.startsWith("/__admin") && !url.pathname.startsWith("/webhooks/");
      const log = (status: number) => {
        if (!api) return;
        calls.push({
          seq: calls.length + 1,
          method,
          path: url.pathname,
          query: url.search,
          status,
          write: isWrite(method, url.pathname),
          body: body.toString("utf8"),
        });
      };
      const fault =
        api && context.faults ? context.faults.decide(url.pathname) : { kind: "none" as const };
      if (fault.kind === "status") {
        log(fault.status);
        send(res, empty(fault.status, fault.headers));
        return;
      }
      if (fault.kind === "reset" || fault.kind === "timeout") {
        if (fault.kind === "timeout") await sleep(fault.hangMs);
        log(0);
        req.socket.destroy();
        return;
      }
      if (fault.kind === "slow") await sleep(fault.delayMs);
      if (api && latencyMs > 0) await sleep(latencyMs);
      let response: SimResponse;
      const match = router.match(method, url.pathname);
      if (api && context.faults?.hides(method, url.pathname)) {
        response = empty(404);
      } else if (match === undefined) {
        response = empty(404);
      } else if (match === "method") {
        response = empty(405);
      } else {
        simRequest.params = match.params;
        try {
          response = await match.handler(simRequest);
        } catch (error) {
          response = text(500, `simulator error: ${(error as Error).message}`);
        }
      }
      const location = response.headers?.location;
      if (api && response.status === 201 && location) context.faults?.created(location);
      if (fault.kind === "lost-response") {
        // Handled, but the client never hears back.
        log(0);
        req.socket.destroy();
        return;
      }
      log(response.status);
      send(res, response);
    })();
  });

  // A port in use fails the start (EADDRINUSE) instead of leaving it waiting forever.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${address.port}`,
    server,
    context,
    calls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isWrite(method: string, path: string): boolean {
  if (method === "GET" || method === "HEAD") return false;
  const p = path.toLowerCase();
  return !p.startsWith("/maskinporten/") && !p.startsWith("/authentication/");
}

/** Calls made after `seq` (exclusive). */
export function callsSince(calls: CallRecord[], seq: number): CallRecord[] {
  return calls.filter((c) => c.seq > seq);
}
