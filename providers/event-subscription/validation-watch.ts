import * as events from "../api/events";
import type { ProviderContext } from "../lib/context";

interface ValidationWaiter {
  latest: events.SubscriptionDto;
  deadline: number;
  done(answer: events.SubscriptionDto): void;
}

/**
 * Waits for Events to validate the subscriptions this run creates, all together: one list of the
 * org's subscriptions answers every create waiting at that moment, so N new subscriptions cost a
 * few lists, not N reads. Polls 200 ms after the newest waiter, doubling to 2 s, and at most every
 * 500 ms while creates keep coming (each waiting create holds one of the engine's parallel slots,
 * so waiting longer would slow `up` more than the reads cost).
 */
class ValidationWatch {
  private readonly waiting = new Map<string, ValidationWaiter>();
  private delay = 200;
  private lastPoll = 0;
  private polling = false;

  constructor(private readonly ctx: ProviderContext) {}

  /** The subscription once validated, gone, or out of time: the last answer seen. */
  wait(created: events.SubscriptionDto, waitMs: number): Promise<events.SubscriptionDto> {
    if (created.validated || waitMs <= 0) return Promise.resolve(created);
    return new Promise((done) => {
      this.waiting.set(String(created.id), {
        latest: created,
        deadline: Date.now() + waitMs,
        done,
      });
      this.delay = 200;
      if (!this.polling) void this.poll();
    });
  }

  private async poll(): Promise<void> {
    this.polling = true;
    while (this.waiting.size > 0) {
      const nextDeadline = Math.min(...[...this.waiting.values()].map((w) => w.deadline));
      const due = Math.max(this.delay, this.lastPoll + 500 - Date.now());
      await sleep(Math.max(0, Math.min(due, nextDeadline - Date.now())));
      this.delay = Math.min(this.delay * 2, 2_000);
      this.lastPoll = Date.now();
      // Only what was created before the list was asked for can be judged by it.
      const asked = [...this.waiting];
      let live: events.SubscriptionDto[] | undefined;
      try {
        live = await events.listSubscriptions(this.ctx);
      } catch {
        // The subscriptions exist; an unanswered poll only leaves `validated` to the next refresh.
      }
      for (const [id, waiter] of asked) {
        const answer = live?.find((s) => String(s.id) === id);
        if (answer) waiter.latest = answer;
        if (!live || !answer || answer.validated || Date.now() >= waiter.deadline) {
          this.waiting.delete(id);
          waiter.done(waiter.latest);
        }
      }
    }
    this.polling = false;
  }
}

const validationWatches = new WeakMap<ProviderContext, ValidationWatch>();

export function awaitValidation(
  ctx: ProviderContext,
  created: events.SubscriptionDto,
  waitMs: number,
): Promise<events.SubscriptionDto> {
  let watch = validationWatches.get(ctx);
  if (!watch) validationWatches.set(ctx, (watch = new ValidationWatch(ctx)));
  return watch.wait(created, waitMs);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
