import type { RouteModule, SimContext } from "../context";
import { subscribeDecision } from "../event-authorization";
import { empty, json } from "../http/replies";
import type { Router } from "../http/router";
import { scopesOf } from "../tokens";
import { EVENTS_PATH, getEvents } from "./events/feed";
import { SUBSCRIBE_SCOPE, withIdentity } from "./events/identity";
import {
  bindRequest,
  findIdentical,
  genericValidation,
  isAbsoluteUri,
  ownSubscription,
  present,
  storeSubscription,
  SUBSCRIPTIONS_BASE,
} from "./events/subscriptions";
import { scheduleValidation } from "./events/validation";

/**
 * Altinn Events subscriptions (altinn-events SubscriptionController, GenericSubscriptionService,
 * SubscriptionService, SubscriptionXacmlMapper; docs/altinn-apis.md section 5), for
 * resources that are not Altinn apps, such as correspondence resources:
 *
 * - POST answers 201, `Location: /events/api/v1/subscription/{id}` (singular, as the server writes
 *   it) and the Subscription; an identical subscription of the same consumer is returned instead
 *   of a new one. The 400s are the controller's and the service's texts, sent as JSON strings
 *   (`StatusCode(400, "...")` under `[Produces("application/json")]`).
 * - A token without `altinn:events.subscribe` gets Forbid() (empty 403). Then Events asks the PDP
 *   whether the consumer may `subscribe` to the resource: the subject is `urn:altinn:org` for an
 *   `/org/{code}` consumer, `urn:altinn:organization:identifier-no` for `/organisation/{orgnr}`;
 *   the resource's stored policy decides, and no policy means no permit (403 with the text).
 * - GET and DELETE by id: 404 when unknown, 403 when another identity created it (empty bodies).
 * - After a create, the `platform.events.validatesubscription` cloud event is POSTed to the
 *   endpoint, retried with back-off until it answers 2xx, which marks the subscription validated
 *   (events/validation.ts).
 * - The events feed: events/feed.ts.
 *
 * App subscriptions (`urn:altinn:resource:app_*`, source filters) are not simulated.
 */

/** Events' URN rule for resource filters (UriExtensions.IsValidUrn): lowercase, colon-separated. */
const URN = /^urn:[a-z0-9-]{1,30}(:[a-z0-9()+,.\-;$_!/]{1,100}){1,10}$/;

export const eventsRoutes: RouteModule = (router, ctx) => {
  router.on("POST", SUBSCRIPTIONS_BASE, (req) =>
    withIdentity(ctx, req, async (claims, entity) => {
      const request = bindRequest(req);
      if ("status" in request) return request;
      if (request.sourceFilter !== undefined && !isAbsoluteUri(request.sourceFilter)) {
        return json(400, "SourceFilter must be an absolute URI");
      }
      if (!scopesOf(claims).includes(SUBSCRIBE_SCOPE)) return empty(403);
      if (request.endPoint === undefined || !isAbsoluteUri(request.endPoint)) {
        return json(400, "Missing or invalid endpoint to push events towards");
      }
      if (request.resourceFilter !== undefined && !URN.test(request.resourceFilter)) {
        return json(400, "Resource filter must be a valid urn");
      }
      const invalid = genericValidation(request);
      if (invalid) return json(400, invalid);
      // SubscriptionRepository stores EndPoint.AbsoluteUri and ResourceFilter.ToLower(), and
      // find_subscription matches on those.
      request.endPoint = new URL(request.endPoint).href;
      request.resourceFilter = request.resourceFilter!.toLowerCase();
      const resourceFilter = request.resourceFilter;
      const decision = subscribeDecision(ctx, entity, resourceFilter, request.subjectFilter);
      if (decision !== "Permit") {
        return json(403, `Not authorized to create a subscription for resource ${resourceFilter}.`);
      }
      const subscription =
        findIdentical(ctx, entity, request) ?? storeSubscription(ctx, entity, request);
      scheduleValidation(ctx, subscription.id, req.origin);
      return json(201, present(subscription), {
        location: `/events/api/v1/subscription/${subscription.id}`,
      });
    }),
  );

  router.on("GET", SUBSCRIPTIONS_BASE, (req) =>
    withIdentity(ctx, req, (_claims, entity) => {
      const subscriptions = Object.values(ctx.state.subscriptions)
        .filter((s) => s.consumer === entity)
        .map(present);
      return json(200, { count: subscriptions.length, subscriptions });
    }),
  );

  router.on("GET", EVENTS_PATH, (req) => getEvents(ctx, req));

  router.on("GET", `${SUBSCRIPTIONS_BASE}/{id}`, (req) =>
    withIdentity(ctx, req, (_claims, entity) => {
      const found = ownSubscription(ctx, req.params.id!, entity);
      return "status" in found ? found : json(200, present(found.subscription));
    }),
  );

  router.on("DELETE", `${SUBSCRIPTIONS_BASE}/{id}`, (req) =>
    withIdentity(ctx, req, (_claims, entity) => {
      const found = ownSubscription(ctx, req.params.id!, entity);
      if ("status" in found) return found;
      delete ctx.state.subscriptions[String(found.subscription.id)];
      ctx.changed();
      return empty(200);
    }),
  );
};

/** Admin: a subscription deleted behind the tool's back (in another tool, by a colleague). */
export function registerEventsAdmin(router: Router, ctx: SimContext): void {
  router.on("DELETE", "/__admin/subscriptions/{id}", (req) => {
    if (!ctx.state.subscriptions[req.params.id!]) return empty(404);
    delete ctx.state.subscriptions[req.params.id!];
    ctx.changed();
    return empty(204);
  });
}
