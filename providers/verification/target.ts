import type { MaskinportenCredentials } from "../auth/maskinporten";
import type { EnvironmentName, Endpoints } from "../lib/environments";
import type { RetryPolicy } from "../lib/http";

/**
 * What a verification is given and what it reports, shared by its steps (verify.ts), the
 * CorrespondenceVerification resource and `npm run verify` (verify/cli.ts).
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

/** Few retries: a verification reports what it meets rather than waiting long on it. */
export const VERIFICATION_RETRY: RetryPolicy = { attempts: 2, baseDelayMs: 200, maxDelayMs: 2_000 };

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

/** The status column of a check's line: ok, WARN or FAIL. */
export function checkLabel(check: Check): string {
  return !check.ok ? "FAIL" : check.warning ? "WARN" : "ok  ";
}

export function sleepOf(options: VerificationOptions): (ms: number) => Promise<void> {
  return options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
