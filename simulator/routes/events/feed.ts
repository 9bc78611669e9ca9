import type { SimContext } from "../../context";
import { subscribeDecision } from "../../event-authorization";
import { statusProblem, validationProblem } from "../../http/problems";
import { empty, json } from "../../http/replies";
import type { SimRequest, SimResponse } from "../../http/router";
import { scopesOf } from "../../tokens";
import { entityOf, SUBSCRIBE_SCOPE } from "./identity";

/**
 * The events themselves, as EventsController.Get and events.getevents_v2 (altinn-events
 * src/Events/Controllers/EventsController.cs, src/Events/Migration/FunctionsAndProcedures/
 * getevents.sql) answer them: only events registered at least 30 s ago, oldest first, after the
 * event `after` names (from the start when it names none), `size` (default 50, at most 1000) to
 * a page, `type` matched with SQL LIKE; then AuthorizeEvents leaves out what the PDP does not
 * permit (so a page may be short), and a `next` header links the following page.
 */
export const EVENTS_PATH = "/events/api/v1/events";

/** getevents.sql: `registeredtime <= now() - interval '30 second'`. */
const EVENT_VISIBILITY_DELAY_MS = 30_000;

export async function getEvents(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const authenticated = await ctx.authenticateAltinn(req);
  if ("status" in authenticated) return authenticated;
  const { claims } = authenticated;
  if (!scopesOf(claims).includes(SUBSCRIBE_SCOPE)) return empty(403);
  const resource = req.query.get("resource");
  if (!resource) return validationProblem({ resource: ["The resource field is required."] });
  const subject = req.query.get("subject");
  const after = req.query.get("after");
  // `Problem(detail, null, 400)`: an RFC 9457 ProblemDetails.
  if (!resource.startsWith("urn:altinn:resource:")) {
    return statusProblem(400, "The 'resource' parameter must begin with `urn:altinn:resource:`");
  }
  if (!after) return statusProblem(400, "The 'after' parameter must be defined.");
  const entity = entityOf(claims);
  if (!entity) return empty(403);
  const types = req.query.getAll("type").map(likePattern);
  const requested = Number(req.query.get("size") ?? "0") || 0;
  const size = requested < 1 ? 50 : Math.min(requested, 1000);
  const visibleBefore = ctx.nowMs() - EVENT_VISIBILITY_DELAY_MS;
  const start = ctx.state.events.findIndex((e) => e.id === after) + 1;
  const page = ctx.state.events
    .slice(start)
    .filter(
      (e) =>
        e.resource === resource &&
        (!subject || e.subject === subject) &&
        (types.length === 0 || types.some((t) => t.test(e.type))) &&
        Date.parse(e.time) <= visibleBefore,
    )
    .slice(0, size);
  const permitted = page.filter(
    (e) => subscribeDecision(ctx, entity, resource, e.subject) === "Permit",
  );
  const headers: Record<string, string> = {
    "content-type": "application/cloudevents+json; charset=utf-8",
  };
  const last = permitted[permitted.length - 1];
  if (last) {
    const rest = [...req.query.entries()].filter(([key]) => key !== "after");
    headers.next = `${req.origin}${EVENTS_PATH}?after=${last.id}${rest.map(([k, v]) => `&${k}=${v}`).join("")}`;
  }
  return json(200, permitted, headers);
}

/** PostgreSQL LIKE: `%` any run, `_` one character, the rest literal. */
function likePattern(pattern: string): RegExp {
  const body = [...pattern]
    .map((c) => (c === "%" ? ".*" : c === "_" ? "." : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, "s");
}
