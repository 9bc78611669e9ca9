import { FaultInjector, type FaultPlan } from "../faults";
import { empty, json, text } from "../http/replies";
import { readJson } from "../http/requests";
import type { RouteModule } from "../context";
import { registerAccessListAdmin } from "./access-lists/admin";
import { registerEventsAdmin } from "./events";
import { registerWebhookAdmin } from "./webhooks";
import { grantScopes, initialState } from "../state";
import type { SimClient, SimJwk, SimOrg } from "../state-types";

/**
 * The admin API (`/__admin/...`): what tests and the demo use to look at the simulator and to
 * change its state behind the tool's back (drift), as a person clicking in Altinn Studio or
 * Samarbeidsportalen would. Not part of any Altinn contract; never logged as a call.
 */
export const adminRoutes: RouteModule = (router, ctx) => {
  router.on("GET", "/__admin/state", () => json(200, ctx.state));
  // A reset wipes every org's objects (and the persisted file): asked for by name, never by a
  // stray request.
  router.on("POST", "/__admin/reset", (req) => {
    if (req.query.get("confirm") !== "all") {
      return text(
        400,
        "a reset wipes every object of every org in this simulator, and its persisted state: POST /__admin/reset?confirm=all to do that",
      );
    }
    Object.assign(ctx.state, initialState());
    ctx.calls.length = 0;
    ctx.changed();
    return empty(204);
  });
  router.on("GET", "/__admin/calls", (req) => {
    const since = Number(req.query.get("since") ?? "0");
    return json(
      200,
      ctx.calls.filter((c) => c.seq > since),
    );
  });

  router.on("POST", "/__admin/faults", (req) => {
    ctx.faults = new FaultInjector(readJson(req) as FaultPlan);
    return empty(204);
  });
  router.on("GET", "/__admin/faults", () =>
    json(200, { plan: ctx.faults?.plan ?? null, injected: ctx.faults?.injected ?? {} }),
  );
  router.on("DELETE", "/__admin/faults", () => {
    ctx.faults = undefined;
    return empty(204);
  });

  router.on("PUT", "/__admin/resources/{id}", (req) => {
    const doc = readJson(req) as Record<string, unknown>;
    const id = req.params.id!;
    const stored = (ctx.state.resources[id] ??= { versions: [] });
    stored.versions.push({ ...doc, identifier: id });
    ctx.changed();
    return empty(204);
  });
  router.on("DELETE", "/__admin/resources/{id}", (req) => {
    delete ctx.state.resources[req.params.id!];
    delete ctx.state.policies[req.params.id!];
    ctx.changed();
    return empty(204);
  });
  router.on("PUT", "/__admin/policies/{id}", (req) => {
    ctx.state.policies[req.params.id!] = req.body.toString("utf8");
    ctx.changed();
    return empty(204);
  });

  router.on("POST", "/__admin/orgs", (req) => {
    const { code, ...org } = readJson(req) as SimOrg & { code: string };
    ctx.state.orgs[code] = org;
    ctx.changed();
    return empty(204);
  });
  router.on("POST", "/__admin/clients", (req) => {
    const body = readJson(req) as Partial<SimClient> & { client_id: string; client_orgno: string };
    const at = new Date(ctx.nowMs()).toISOString();
    ctx.state.clients[body.client_id] = {
      client_name: body.client_id,
      description: "",
      integration_type: "maskinporten",
      application_type: "web",
      token_endpoint_auth_method: "private_key_jwt",
      grant_types: ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
      scopes: [],
      created: at,
      last_updated: at,
      active: true,
      jwks: [],
      ...body,
    };
    ctx.changed();
    return empty(204);
  });
  // Someone edits a client (or its keys) in Samarbeidsportalen: the given fields replace the stored ones.
  router.on("PATCH", "/__admin/clients/{id}", (req) => {
    const client = ctx.state.clients[req.params.id!];
    if (!client) return empty(404);
    Object.assign(client, readJson(req) as Partial<SimClient>);
    ctx.changed();
    return empty(204);
  });
  router.on("POST", "/__admin/scope-grants", (req) => {
    const { orgnr, scopes } = readJson(req) as { orgnr: string; scopes: string[] };
    grantScopes(ctx.state, orgnr, scopes, new Date(ctx.nowMs()).toISOString());
    ctx.changed();
    return empty(204);
  });
  router.on("POST", "/__admin/business-certificates", (req) => {
    const { orgnr, key } = readJson(req) as { orgnr: string; key: SimJwk };
    (ctx.state.businessCertificates[orgnr] ??= []).push(key);
    ctx.changed();
    return empty(204);
  });
  router.on("POST", "/__admin/clock", (req) => {
    const { advanceSeconds } = readJson(req) as { advanceSeconds?: number };
    if (typeof advanceSeconds !== "number") return text(400, "advanceSeconds (number) is required");
    ctx.state.clockOffsetMs += advanceSeconds * 1000;
    ctx.changed();
    return json(200, { now: new Date(ctx.nowMs()).toISOString() });
  });

  registerAccessListAdmin(router, ctx);
  registerEventsAdmin(router, ctx);
  registerWebhookAdmin(router, ctx);
};
