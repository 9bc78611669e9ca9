import { empty, json, text } from "../http/replies";
import { readJson } from "../http/requests";
import type { Router } from "../http/router";
import type { RouteModule, SimContext } from "../context";
import type { SimWebhook } from "../state-types";

/**
 * The demo webhook receiver: not an Altinn API, but the endpoint a local stack's event
 * subscription points at (`<simulator>/webhooks/{name}`), so the demo shows a subscription that
 * Events validates and, later, the events it pushes.
 *
 * - `POST /webhooks/{name}` records the body and answers the receiver's status (200 by default).
 * - `GET /webhooks/{name}` lists what it received: `{ status, received: [...] }`.
 * - `PUT /__admin/webhooks/{name}` `{ "status": 503 }` makes it answer another status, so a test
 *   can keep a subscription from being validated.
 */
export const webhookRoutes: RouteModule = (router, ctx) => {
  router.on("POST", "/webhooks/{name}", (req) => {
    const webhook = receiver(ctx, req.params.name!);
    let body: unknown;
    try {
      body = readJson(req);
    } catch {
      body = req.body.toString("utf8");
    }
    webhook.received.push({
      receivedAt: new Date(ctx.nowMs()).toISOString(),
      body,
      status: webhook.status,
    });
    ctx.changed();
    return webhook.status >= 200 && webhook.status < 300
      ? empty(webhook.status)
      : text(webhook.status, "the demo receiver is set to refuse");
  });
  router.on("GET", "/webhooks/{name}", (req) => json(200, receiver(ctx, req.params.name!)));
};

export function registerWebhookAdmin(router: Router, ctx: SimContext): void {
  router.on("PUT", "/__admin/webhooks/{name}", (req) => {
    const { status } = (readJson(req) ?? {}) as { status?: unknown };
    if (typeof status !== "number" || !Number.isInteger(status) || status < 200 || status > 599) {
      return text(400, "status (an HTTP status code, 200-599) is required");
    }
    receiver(ctx, req.params.name!).status = status;
    ctx.changed();
    return empty(204);
  });
}

function receiver(ctx: SimContext, name: string): SimWebhook {
  // A state file saved before receivers existed has no `webhooks`.
  ctx.state.webhooks ??= {};
  return (ctx.state.webhooks[name] ??= { status: 200, received: [] });
}
