import { randomUUID } from "node:crypto";
import { decide } from "../policies/evaluate";
import { readPolicy } from "../policies/parse";
import {
  exchangeForAltinnToken,
  requestMaskinportenToken,
  type IssuedToken,
  type MaskinportenCredentials,
} from "../providers/auth/maskinporten";
import { isProduction, type EnvironmentName, type Endpoints } from "../providers/lib/environments";
import { ApiError } from "../providers/lib/errors";
import { send } from "../providers/lib/http";

/**
 * End-to-end verification of a service owner's setup: the created client's key gets a
 * Maskinporten token, Correspondence accepts a test message for the resource under both token
 * schemes it takes, the message's status can be read, the resource's policy grants the owner what
 * Correspondence and Events ask the PDP, and the Events subscriptions of the resource are
 * validated and see the message's events.
 *
 * Why a policy check besides the send: Correspondence lets a token with `altinn:serviceowner`
 * whose consumer owns the resource bypass the PDP (AltinnAuthorizationService.
 * EvaluateBypassConditions), so the send succeeds even when the policy no longer grants the owner
 * `write`. The PDP is asked for every other sender, and Events always asks it for `subscribe`;
 * the check evaluates the published policy as the PDP does for the owner (`urn:altinn:org`).
 */

export interface VerificationTarget {
  environment: EnvironmentName;
  endpoints: Endpoints;
  orgCode: string;
  resourceId: string;
  /** The created client and its current key. */
  credentials: MaskinportenCredentials;
  /** The test recipient's organisation number (9 digits) or party URN. */
  recipient: string;
}

export interface VerificationOptions {
  /** Sending in production needs this; a verification message is a real message. */
  allowProd?: boolean;
  /** How long a fresh key may take to reach Maskinporten (invalid_grant until then). */
  keyPropagationMs?: number;
  /** Pause between token attempts while the key propagates. */
  retryIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Progress lines (the token retries). */
  log?: (line: string) => void;
  /**
   * How long to look for the message's events. Events lists an event only 30 s after it was
   * registered (getevents.sql), so less than that sees them only from an earlier run.
   * @default 60_000
   */
  eventsWaitMs?: number;
  /** Pause between reads of the events while waiting. @default 5_000 */
  eventsPollMs?: number;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** Passed, but with something the user should know (an event not visible yet). */
  warning?: boolean;
}

export interface VerificationReport {
  ok: boolean;
  checks: Check[];
  correspondenceId?: string;
}

const SEND_SCOPES = ["altinn:serviceowner", "altinn:correspondence.write"];
const EVENTS_SCOPES = ["altinn:serviceowner", "altinn:events.subscribe"];
const RETRY = { attempts: 2, baseDelayMs: 200, maxDelayMs: 2_000 };

/**
 * The recipients a verification sends to: an organisation, or a person (a synthetic Tenor party
 * in tt02), in forms Correspondence's RecipientListAttribute takes (recipientUrn adds the prefix).
 */
export const RECIPIENT_PATTERN =
  /^(\d{9}|urn:altinn:organization:identifier-no:\d{9}|urn:altinn:person:identifier-no:\d{11})$/;

export function recipientUrn(recipient: string): string {
  return /^\d{9}$/.test(recipient)
    ? `urn:altinn:organization:identifier-no:${recipient}`
    : recipient;
}

export async function verify(
  target: VerificationTarget,
  options: VerificationOptions = {},
): Promise<VerificationReport> {
  if (isProduction(target.environment) && !options.allowProd) {
    throw new Error(
      "verification sends a real message: in prod it runs only with --allow-prod (and a recipient that expects it)",
    );
  }
  const checks: Check[] = [];
  const report = (): VerificationReport => ({
    ok: checks.every((c) => c.ok),
    checks,
    ...(correspondenceId !== undefined ? { correspondenceId } : {}),
  });
  let correspondenceId: string | undefined;
  const { endpoints } = target;

  let maskinporten: IssuedToken;
  try {
    maskinporten = await tokenAfterPropagation(target, SEND_SCOPES, options);
    checks.push({
      name: "Maskinporten token",
      ok: true,
      detail: `client ${target.credentials.clientId} signed with key ${target.credentials.keyId ?? "(x5c)"}; scopes ${maskinporten.scopes.join(" ")}`,
    });
  } catch (error) {
    checks.push({ name: "Maskinporten token", ok: false, detail: messageOf(error) });
    return report();
  }
  let altinn: IssuedToken;
  try {
    altinn = await exchangeForAltinnToken(endpoints, maskinporten, { retry: RETRY });
    checks.push({ name: "Altinn token", ok: true, detail: "exchanged the Maskinporten token" });
  } catch (error) {
    checks.push({ name: "Altinn token", ok: false, detail: messageOf(error) });
    return report();
  }

  const idempotentKey = randomUUID();
  const body = {
    correspondence: {
      resourceId: target.resourceId,
      sendersReference: `altinn-iac-verify-${idempotentKey}`,
      content: {
        language: "nb",
        messageTitle: "altinn-iac verification",
        messageBody: "A test message sent by altinn-iac to verify the service owner setup.",
      },
    },
    recipients: [recipientUrn(target.recipient)],
    idempotentKey,
  };
  const correspondenceUrl = `${endpoints.platform}/correspondence/api/v1/correspondence`;
  try {
    const sent = await send({
      service: "Correspondence",
      operation: `send a test message for ${target.resourceId} to ${target.recipient}`,
      method: "POST",
      url: correspondenceUrl,
      body,
      token: async () => altinn.token,
      retry: RETRY,
      fixFor: sendFix,
    });
    const first = (sent.data as { correspondences?: Array<{ correspondenceId?: string }> })
      .correspondences?.[0];
    correspondenceId = first?.correspondenceId;
    checks.push({
      name: "send (Altinn token)",
      ok: correspondenceId !== undefined,
      detail: `correspondence ${correspondenceId ?? "(no id in the answer)"} with idempotent key ${idempotentKey}`,
    });
  } catch (error) {
    checks.push({ name: "send (Altinn token)", ok: false, detail: messageOf(error) });
    return report();
  }

  // The same message again with the raw Maskinporten token: 409 proves Correspondence took the
  // token (authentication and scopes) without a second message. It does not prove the sender
  // authorization: InitializeCorrespondencesHandler checks the idempotency key before it
  // validates the resource and the sender, so the first send alone proves that.
  try {
    const again = await send({
      service: "Correspondence",
      operation: `resend the test message with the Maskinporten token`,
      method: "POST",
      url: correspondenceUrl,
      body,
      token: async () => maskinporten.token,
      accept: [409],
      retry: RETRY,
      fixFor: sendFix,
    });
    const code = (again.data as { errorCode?: unknown } | undefined)?.errorCode;
    checks.push({
      name: "send (Maskinporten token)",
      ok: again.status === 409 && code === 1034,
      detail:
        again.status === 409 && code === 1034
          ? "the token was authenticated and has the scopes; the idempotent key was refused as already used (409, 1034), so no second message (the key is checked before the sender's authorization, which the first send proved)"
          : `expected 409 with errorCode 1034 for the reused idempotent key, got ${again.status}`,
    });
  } catch (error) {
    checks.push({ name: "send (Maskinporten token)", ok: false, detail: messageOf(error) });
  }

  try {
    const status = await send({
      service: "Correspondence",
      operation: `read the status of correspondence ${correspondenceId}`,
      method: "GET",
      url: `${correspondenceUrl}/${correspondenceId}`,
      token: async () => maskinporten.token,
      retry: RETRY,
    });
    const value = (status.data as { status?: unknown }).status;
    checks.push({
      name: "status",
      ok: typeof value === "string",
      detail: `status ${String(value)}`,
    });
  } catch (error) {
    checks.push({ name: "status", ok: false, detail: messageOf(error) });
  }

  checks.push(await policyCheck(target));
  checks.push(...(await eventChecks(target, correspondenceId!, options)));
  return report();
}

/** The Maskinporten token, retried on invalid_grant while a fresh key propagates. */
async function tokenAfterPropagation(
  target: VerificationTarget,
  scopes: string[],
  options: VerificationOptions,
): Promise<IssuedToken> {
  const window = options.keyPropagationMs ?? 120_000;
  const interval = options.retryIntervalMs ?? 10_000;
  const sleep = sleepOf(options);
  // The window counts the pauses, so a slow token endpoint does not cut the retries short.
  let waited = 0;
  for (;;) {
    try {
      return await requestMaskinportenToken(target.endpoints, target.credentials, scopes, {
        retry: RETRY,
      });
    } catch (error) {
      const propagating =
        error instanceof ApiError && error.status === 400 && /invalid_grant/.test(error.message);
      if (!propagating || waited + interval > window) throw error;
      options.log?.(
        `Maskinporten refused the key (invalid_grant); a new key can take up to 2 minutes to propagate: retrying in ${interval / 1000} s`,
      );
      await sleep(interval);
      waited += interval;
    }
  }
}

async function policyCheck(target: VerificationTarget): Promise<Check> {
  const name = "policy";
  try {
    const response = await send({
      service: "Resource Registry",
      operation: `read the policy of ${target.resourceId}`,
      method: "GET",
      url: `${target.endpoints.platform}/resourceregistry/api/v1/resource/${encodeURIComponent(target.resourceId)}/policy`,
      headers: { Accept: "text/xml" },
      accept: [404],
      retry: RETRY,
    });
    if (response.status === 404) {
      return {
        name,
        ok: false,
        detail: `${target.resourceId} has no policy: set one so the PDP can permit the owner`,
      };
    }
    const { policy } = readPolicy(response.text, { resourceId: target.resourceId });
    if (!policy) return { name, ok: false, detail: "the published policy cannot be read" };
    const subject = { "urn:altinn:org": target.orgCode };
    const missing = ["write", "subscribe"].filter(
      (action) => decide(policy, { subject, action }, target.resourceId) !== "Permit",
    );
    if (missing.length === 0) {
      return { name, ok: true, detail: `permits ${target.orgCode} write and subscribe` };
    }
    return {
      name,
      ok: false,
      detail:
        `the policy does not permit the owner (urn:altinn:org ${target.orgCode}) ${missing.join(" and ")}. ` +
        "The send above passed only through Correspondence's service-owner bypass (a token with altinn:serviceowner whose consumer owns the resource skips the PDP); " +
        "any other sender gets 401 CORR-04001, and Events refuses subscriptions without subscribe. Give the owner's rule back write and subscribe.",
    };
  } catch (error) {
    return { name, ok: false, detail: messageOf(error) };
  }
}

interface Subscription {
  id: number;
  endPoint: string;
  resourceFilter?: string;
  validated: boolean;
}

async function eventChecks(
  target: VerificationTarget,
  correspondenceId: string,
  options: VerificationOptions,
): Promise<Check[]> {
  const resourceUrn = `urn:altinn:resource:${target.resourceId}`;
  let token: IssuedToken;
  try {
    token = await exchangeForAltinnToken(
      target.endpoints,
      await tokenAfterPropagation(target, EVENTS_SCOPES, options),
      { retry: RETRY },
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
  const events = `${target.endpoints.platform}/events/api/v1`;
  const checks: Check[] = [];
  try {
    const listed = await send({
      service: "Altinn Events",
      operation: "list the subscriptions",
      method: "GET",
      url: `${events}/subscriptions`,
      token: async () => token.token,
      retry: RETRY,
    });
    const mine = ((listed.data as { subscriptions?: Subscription[] }).subscriptions ?? []).filter(
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
  checks.push(await eventsCheck(target, token, correspondenceId, options));
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
  token: IssuedToken,
  correspondenceId: string,
  options: VerificationOptions,
): Promise<Check> {
  const name = "events";
  const resourceUrn = `urn:altinn:resource:${target.resourceId}`;
  const wait = options.eventsWaitMs ?? 60_000;
  const interval = options.eventsPollMs ?? 5_000;
  const sleep = sleepOf(options);
  const query = (after: string) =>
    new URLSearchParams([
      ["resource", resourceUrn] as [string, string],
      ["after", after],
      ["subject", recipientUrn(target.recipient)],
      ...SENT_EVENT_TYPES.map((type): [string, string] => ["type", type]),
      ["size", "1000"],
    ]).toString();
  let cursor = "0";
  const types = new Set<string>();
  let waited = 0;
  try {
    for (;;) {
      // Every page after the cursor: events are listed oldest first, so the cursor never skips one.
      for (;;) {
        const listed = await send({
          service: "Altinn Events",
          operation: `list the events of ${resourceUrn}`,
          method: "GET",
          url: `${target.endpoints.platform}/events/api/v1/events?${query(cursor)}`,
          headers: { Accept: "application/cloudevents+json, application/json" },
          token: async () => token.token,
          retry: RETRY,
        });
        const page = Array.isArray(listed.data)
          ? (listed.data as Array<Record<string, unknown>>)
          : [];
        for (const event of page) {
          if (event.resourceinstance === correspondenceId) types.add(String(event.type));
        }
        if (page.length === 0) break;
        cursor = String(page[page.length - 1]!.id);
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

/** The status column of a check's line: ok, WARN or FAIL. */
export function checkLabel(check: Check): string {
  return !check.ok ? "FAIL" : check.warning ? "WARN" : "ok  ";
}

function sleepOf(options: VerificationOptions): (ms: number) => Promise<void> {
  return options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
}

function sendFix(status: number, _detail: string, code?: string): string | undefined {
  if (code === "CORR-04001" || status === 401) {
    return "Correspondence's authorization refused the sender: the token needs altinn:serviceowner and the client's organisation must own the resource, or the resource's policy must permit write for the sender";
  }
  if (code === "CORR-01029")
    return "the recipient is not in Altinn's register: use a synthetic test organisation from Tenor";
  if (code === "CORR-01036") return "the resource does not exist (yet): run pulumi up first";
  if (status === 403)
    return "the token lacks a scope: altinn:correspondence.write (and altinn:serviceowner for a raw Maskinporten token)";
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
