import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createContext,
  type CallRecord,
  type RouteModule,
  type SimContext,
  type SimulatorOptions,
} from "./context";
import { empty, text } from "./http/replies";
import { readBody, Router, send, type SimRequest, type SimResponse } from "./http/router";
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

export type { CallRecord, SimulatorOptions } from "./context";

/**
 * The Altinn simulator: Maskinporten, Altinn Authentication, the Resource Registry (and, through
 * route modules, the other APIs) in one Node process, speaking the real contracts. Tests start it
 * in-process on a free port; `npm run simulator` starts it standalone for the `local` stack.
 */

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
  const context = createContext(options);
  const calls = context.calls;
  const latencyMs = options.latencyMs ?? 0;

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
