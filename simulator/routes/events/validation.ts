import { randomUUID } from "node:crypto";
import type { SimContext } from "../../context";
import { post } from "../../event-bus";
import { SUBSCRIPTIONS_BASE } from "./subscriptions";

const VALIDATION_EVENT_TYPE = "platform.events.validatesubscription";

/** When the validation event is sent after a create: at once, then with back-off. */
const VALIDATION_DELAYS_MS = [0, 500, 1_000, 2_000, 4_000, 8_000];

/**
 * The validation handshake: POST the validation cloud event to the endpoint, at once and then
 * with back-off, until it answers 2xx (validated) or the attempts run out (left unvalidated, as
 * Events leaves a subscription whose endpoint never answered). Timers do not hold the process.
 */
export function scheduleValidation(ctx: SimContext, id: number, origin: string): void {
  const attempt = async (index: number): Promise<void> => {
    const subscription = ctx.state.subscriptions[String(id)];
    if (!subscription || subscription.validated) return;
    const status = await post(subscription.endPoint, {
      id: randomUUID(),
      source: `${origin}${SUBSCRIPTIONS_BASE}/${id}`,
      type: VALIDATION_EVENT_TYPE,
      specversion: "1.0",
    });
    const current = ctx.state.subscriptions[String(id)];
    if (!current) return;
    if (status >= 200 && status < 300) {
      current.validated = true;
      ctx.changed();
      return;
    }
    if (index + 1 < VALIDATION_DELAYS_MS.length) later(index + 1);
  };
  const later = (index: number) => {
    setTimeout(() => void attempt(index), VALIDATION_DELAYS_MS[index]).unref();
  };
  later(0);
}
