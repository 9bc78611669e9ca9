import { randomUUID } from "node:crypto";
import type { SimContext } from "./context";
import { subscribeDecision } from "./event-authorization";
import type { CloudEvent, DeliveryRecord, SimSubscription } from "./state-types";

/**
 * Altinn Events' delivery side in the simulator: a cloud event published by an API (Correspondence
 * publishes `no.altinn.correspondence.*`) is stored, so `GET /events/api/v1/events` can list it, and
 * POSTed as JSON to every validated subscription whose filters match, as Events' push does.
 */

/** Subscription filters as Events matches them: each set filter must equal the event's field. */
function matches(subscription: SimSubscription, event: CloudEvent): boolean {
  if (!subscription.validated) return false;
  if (subscription.resourceFilter && subscription.resourceFilter !== event.resource) return false;
  if (subscription.typeFilter !== undefined && subscription.typeFilter !== event.type) return false;
  if (subscription.subjectFilter !== undefined && subscription.subjectFilter !== event.subject) {
    return false;
  }
  if (
    subscription.sourceFilter !== undefined &&
    !event.source.startsWith(subscription.sourceFilter)
  ) {
    return false;
  }
  return true;
}

export function newEvent(
  fields: Omit<CloudEvent, "id" | "specversion" | "time">,
  nowMs: number,
): CloudEvent {
  return { id: randomUUID(), specversion: "1.0", time: new Date(nowMs).toISOString(), ...fields };
}

/**
 * Stores the event and pushes it to the matching subscriptions whose consumer the PDP lets
 * `subscribe` with the event's subject as the party (OutboundService ->
 * AuthorizeMultipleConsumersForGenericEvent); resolves when every push ended.
 */
export async function publish(ctx: SimContext, event: CloudEvent): Promise<DeliveryRecord[]> {
  ctx.state.events.push(event);
  ctx.changed();
  const targets = Object.values(ctx.state.subscriptions).filter(
    (s) =>
      matches(s, event) &&
      subscribeDecision(ctx, s.consumer, event.resource, event.subject) === "Permit",
  );
  const deliveries = await Promise.all(
    targets.map(async (subscription) => {
      const status = await post(subscription.endPoint, event);
      return {
        subscriptionId: subscription.id,
        eventId: event.id,
        endPoint: subscription.endPoint,
        status,
      };
    }),
  );
  ctx.state.deliveries.push(...deliveries);
  ctx.changed();
  return deliveries;
}

/** POSTs a cloud event as Events does; 0 when the endpoint could not be reached. */
export async function post(endPoint: string, event: object): Promise<number> {
  try {
    const response = await fetch(endPoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(5_000),
    });
    return response.status;
  } catch {
    return 0;
  }
}
