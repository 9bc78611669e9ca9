import { exchangeForAltinnToken, type IssuedToken } from "../auth/maskinporten";
import { EVENTS_SCOPES } from "../api/events";
import type { VerificationReads } from "../api/verification-reads";
import {
  messageOf,
  recipientUrn,
  sleepOf,
  VERIFICATION_RETRY,
  type Check,
  type VerificationOptions,
  type VerificationTarget,
} from "./target";
import { tokenAfterPropagation } from "./token";

/**
 * The Events side of a verification: the resource's subscriptions are validated, and the sent
 * message's events are listed.
 */
export async function eventChecks(
  target: VerificationTarget,
  reads: VerificationReads,
  correspondenceId: string,
  options: VerificationOptions,
): Promise<Check[]> {
  const resourceUrn = `urn:altinn:resource:${target.resourceId}`;
  let token: IssuedToken;
  try {
    token = await exchangeForAltinnToken(
      target.endpoints,
      await tokenAfterPropagation(target, EVENTS_SCOPES, options),
      { retry: VERIFICATION_RETRY },
    );
  } catch (error) {
    return [
      {
        name: "event subscriptions",
        ok: false,
        detail: `${messageOf(error)} (the client needs altinn:events.subscribe to check subscriptions and events)`,
      },
    ];
  }
  const checks: Check[] = [];
  try {
    const mine = (await reads.subscriptions(token.token)).filter(
      (s) => s.resourceFilter === resourceUrn,
    );
    const unvalidated = mine.filter((s) => !s.validated);
    checks.push({
      name: "event subscriptions",
      ok: mine.length > 0 && unvalidated.length === 0,
      detail:
        mine.length === 0
          ? `no subscription filters on ${resourceUrn}: nothing will be told about its messages`
          : unvalidated.length > 0
            ? `not validated: ${unvalidated.map((s) => `${s.id} (${s.endPoint})`).join(", ")}; the endpoint must answer 2xx to the validation event`
            : `validated: ${mine.map((s) => `${s.id} (${s.endPoint})`).join(", ")}`,
    });
  } catch (error) {
    checks.push({ name: "event subscriptions", ok: false, detail: messageOf(error) });
  }
  checks.push(await eventsCheck(target, reads, token, correspondenceId, options));
  return checks;
}

/** The types Correspondence publishes when a message is sent (InitializeCorrespondencesHandler). */
const SENT_EVENT_TYPES = [
  "no.altinn.correspondence.correspondenceinitialized",
  "no.altinn.correspondence.correspondencepublished",
];

/**
 * The message's events, read with the `after` cursor, its types and its recipient as subject until
 * they show or the wait ends. Events lists an event 30 s after registering it, 50 to a page by
 * default, oldest first (altinn-events getevents.sql, EventsController): not seeing it yet is a
 * warning, not a failure.
 */
async function eventsCheck(
  target: VerificationTarget,
  reads: VerificationReads,
  token: IssuedToken,
  correspondenceId: string,
  options: VerificationOptions,
): Promise<Check> {
  const name = "events";
  const query = {
    resourceUrn: `urn:altinn:resource:${target.resourceId}`,
    subject: recipientUrn(target.recipient),
    types: SENT_EVENT_TYPES,
  };
  const wait = options.eventsWaitMs ?? 60_000;
  const interval = options.eventsPollMs ?? 5_000;
  const sleep = sleepOf(options);
  let cursor = "0";
  const types = new Set<string>();
  let waited = 0;
  try {
    for (;;) {
      // Every page after the cursor: events are listed oldest first, so the cursor never skips one.
      for (;;) {
        const page = await reads.events({ ...query, after: cursor }, token.token);
        for (const event of page) {
          if (event.resourceinstance === correspondenceId) types.add(event.type);
        }
        if (page.length === 0) break;
        cursor = page[page.length - 1]!.id;
      }
      if (types.size > 0) {
        return { name, ok: true, detail: `the message's events arrived: ${[...types].join(", ")}` };
      }
      if (waited + interval > wait) break;
      await sleep(interval);
      waited += interval;
    }
  } catch (error) {
    return { name, ok: false, detail: messageOf(error) };
  }
  return {
    name,
    ok: true,
    warning: true,
    detail: `no event of correspondence ${correspondenceId} listed after ${Math.round(waited / 1000)} s: Altinn Events lists an event only 30 s after it is registered, so this is not a failure; \`npm run verify\` later shows them (the send itself passed)`,
  };
}
