import type { AxiosResponse } from "axios";
import { checkEngine } from "./engine-watch";
import { ApiError, type ServiceName } from "./errors";

/**
 * The one HTTP layer under every API client: time-outs, bounded retries with back-off and jitter
 * on 429 (honouring Retry-After), 502/503/504 and dropped connections, and every failure turned
 * into an ApiError that names the service, the operation, the status and the server's words.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * How long one attempt may wait for its answer. It lives with the retry policy so every API
   * client that passes `ctx.settings.retry` also gets the stack's time-out (altinn-iac:http).
   */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 20_000,
  timeoutMs: DEFAULT_TIMEOUT_MS,
};

export interface HttpRequest {
  service: ServiceName;
  /** In words, for error messages: "create resource acme-melding". */
  operation: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  /** A JSON body (object) or a raw body (string, Buffer) with its own Content-Type header. */
  body?: unknown;
  /**
   * Makes the body per attempt instead of `body`: for a body that must not be sent twice, such as
   * a token request whose signed assertion carries a one-time jti.
   */
  bodyPerAttempt?: () => Promise<unknown>;
  /** Bearer token source; called per attempt so a refreshed token is used on a retry. */
  token?: () => Promise<string>;
  /** Statuses returned to the caller instead of thrown (2xx are always returned). */
  accept?: number[];
  /** Maps a status to a fix the user can act on. */
  fixFor?: (status: number, detail: string, code?: string) => string | undefined;
  /**
   * A POST is not idempotent: it is retried after a failure only when this says the object was
   * not created (for example by looking it up). Without it a POST is never retried.
   */
  safeToRetry?: () => Promise<boolean>;
  timeoutMs?: number;
  retry?: RetryPolicy;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the answer is JSON, else the text. */
  data: unknown;
  text: string;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
/**
 * A 500 is retried only where repeating the call cannot change the outcome's meaning: reads,
 * PUT and DELETE, and a POST that `safeToRetry` clears. A 500 that is the server's fixed answer
 * (a policy its parser rejects) comes back the same after the retries and is reported as such.
 */
const RETRYABLE_IF_IDEMPOTENT = new Set([500]);
const RETRYABLE_NETWORK = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EPIPE",
  "EAI_AGAIN",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
]);

export async function send(request: HttpRequest): Promise<HttpResponse> {
  const policy = request.retry ?? DEFAULT_RETRY;
  const idempotent = request.method !== "POST" && request.method !== "PATCH";
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptOnce(request);
    const last = attempt >= policy.attempts;
    if (outcome.kind === "response") {
      const { response } = outcome;
      if (isAccepted(request, response.status)) return response;
      const error = toApiError(request, response);
      const retryable =
        RETRYABLE_STATUS.has(response.status) || RETRYABLE_IF_IDEMPOTENT.has(response.status);
      if (last || !retryable) throw error;
      if (!idempotent && !(await mayRetryPost(request))) throw error;
      await sleep(backoff(policy, attempt, retryAfterMs(response.headers["retry-after"])));
      continue;
    }
    const error = new ApiError({
      service: request.service,
      operation: request.operation,
      method: request.method,
      path: pathOf(request.url),
      status: 0,
      detail: `${outcome.code}: ${outcome.message}`,
      retryable: RETRYABLE_NETWORK.has(outcome.code),
      fix: outcome.code === "ECONNREFUSED" ? connectionRefusedFix(request.url) : undefined,
    });
    if (last || !RETRYABLE_NETWORK.has(outcome.code)) throw error;
    if (!idempotent && !(await mayRetryPost(request))) throw error;
    await sleep(backoff(policy, attempt, undefined));
  }
}

type Outcome =
  { kind: "response"; response: HttpResponse } | { kind: "network"; code: string; message: string };

async function attemptOnce(request: HttpRequest): Promise<Outcome> {
  const headers: Record<string, string> = { Accept: "application/json", ...request.headers };
  if (request.token) headers.Authorization = `Bearer ${await request.token()}`;
  // No write starts once the engine is gone: the process ends here instead.
  if (request.method !== "GET") await checkEngine();
  const body = request.bodyPerAttempt ? await request.bodyPerAttempt() : request.body;
  let data: unknown = body;
  if (body !== undefined && typeof body !== "string" && !Buffer.isBuffer(body)) {
    data = JSON.stringify(body);
    headers["Content-Type"] ??= "application/json";
  }
  try {
    // Loaded at the first request, not with this module: the program process imports the provider
    // classes, and through them this module, but never sends (axios and form-data cost it 0.15 s).
    const { default: axios } = await import("axios");
    const res: AxiosResponse<string> = await axios.request({
      method: request.method,
      url: request.url,
      headers,
      data,
      timeout: request.timeoutMs ?? request.retry?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      responseType: "text",
      transformResponse: (body: string) => body,
      validateStatus: () => true,
      maxRedirects: 0,
      // Proxies from the environment would see bearer tokens; the APIs are called directly.
      proxy: false,
    });
    const text = typeof res.data === "string" ? res.data : String(res.data ?? "");
    const responseHeaders: Record<string, string> = {};
    for (const [key, value] of Object.entries(res.headers ?? {})) {
      if (value !== undefined && value !== null) responseHeaders[key.toLowerCase()] = String(value);
    }
    return {
      kind: "response",
      response: {
        status: res.status,
        headers: responseHeaders,
        text,
        data: parseBody(text, responseHeaders),
      },
    };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { kind: "network", code: e.code ?? "ERR_NETWORK", message: e.message ?? String(error) };
  }
}

function isAccepted(request: HttpRequest, status: number): boolean {
  return (status >= 200 && status < 300) || (request.accept ?? []).includes(status);
}

async function mayRetryPost(request: HttpRequest): Promise<boolean> {
  if (!request.safeToRetry) return false;
  try {
    return await request.safeToRetry();
  } catch {
    return false;
  }
}

function parseBody(text: string, headers: Record<string, string>): unknown {
  const type = headers["content-type"] ?? "";
  if (text.length > 0 && /json/i.test(type)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** Reads ProblemDetails, ValidationProblemDetails, Maskinporten's OAuth errors and plain text. */
export function toApiError(request: HttpRequest, response: HttpResponse): ApiError {
  const { detail, code, fieldErrors } = describeErrorBody(response);
  return new ApiError({
    service: request.service,
    operation: request.operation,
    method: request.method,
    path: pathOf(request.url),
    status: response.status,
    detail,
    code,
    fieldErrors,
    fix: request.fixFor?.(response.status, detail, code) ?? defaultFix(request, response.status),
    retryable: RETRYABLE_STATUS.has(response.status),
  });
}

interface ErrorBody {
  detail: string;
  code?: string;
  fieldErrors?: Record<string, string[]>;
}

export function describeErrorBody(response: HttpResponse): ErrorBody {
  const body = response.data;
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if (typeof b.error === "string") {
      return {
        detail: typeof b.error_description === "string" ? b.error_description : b.error,
        code: b.error,
      };
    }
    const fieldErrors: Record<string, string[]> = {};
    if (b.errors && typeof b.errors === "object" && !Array.isArray(b.errors)) {
      for (const [field, messages] of Object.entries(b.errors as Record<string, unknown>)) {
        if (Array.isArray(messages)) fieldErrors[field] = messages.map(String);
      }
    }
    if (Array.isArray(b.validationErrors)) {
      for (const v of b.validationErrors as Array<Record<string, unknown>>) {
        const paths =
          Array.isArray(v.paths) && v.paths.length > 0 ? v.paths.map(String) : ["(request)"];
        for (const path of paths) {
          (fieldErrors[path] ??= []).push(`${String(v.detail ?? "")} [${String(v.code ?? "")}]`);
        }
      }
    }
    const title = typeof b.title === "string" ? b.title : "";
    const detailText = typeof b.detail === "string" ? b.detail : "";
    const detail =
      [title, detailText].filter((s) => s.length > 0).join(": ") || JSON.stringify(body);
    const code = typeof b.code === "string" ? b.code : undefined;
    return Object.keys(fieldErrors).length > 0 ? { detail, code, fieldErrors } : { detail, code };
  }
  // A string the server sent as JSON (ASP.NET's BadRequest("...") under [Produces("application/json")]).
  const text = (typeof body === "string" ? body : response.text).trim();
  return { detail: text.length > 0 ? truncate(text, 500) : "(empty body)" };
}

function defaultFix(request: HttpRequest, status: number): string | undefined {
  if (status === 401) {
    return `the ${request.service} token was refused: check the Maskinporten client id, key id and private key in the stack config, and that the environment matches (test tokens are refused in production)`;
  }
  if (status === 403) {
    return `the token lacks a scope or the org does not own this object: check the client's scopes and that hasCompetentAuthority is your own org`;
  }
  return undefined;
}

function connectionRefusedFix(url: string): string {
  const { hostname } = new URL(url);
  return hostname === "127.0.0.1" || hostname === "localhost"
    ? "nothing listens there: start the simulator with `npm run simulator` (or check altinn-iac:simulatorUrl)"
    : "check the endpoint URL and your network";
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split("?")[0] ?? url;
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** Retry-After in milliseconds, from delta-seconds or an HTTP date. */
export function retryAfterMs(
  header: string | undefined,
  now: number = Date.now(),
): number | undefined {
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Full-jitter exponential back-off, never shorter than what the server asked for. */
export function backoff(
  policy: RetryPolicy,
  attempt: number,
  serverAskedMs: number | undefined,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.random() * ceiling;
  return serverAskedMs === undefined
    ? jittered
    : Math.min(policy.maxDelayMs, Math.max(serverAskedMs, jittered));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Reads an object the stack created or depends on, waiting out a short propagation delay: a miss
 * (undefined) is read again with the policy's back-off before it counts as gone. For reads that
 * must find the object (a dependency the engine just created), never for `read`, where a miss
 * means the object was deleted.
 */
export async function readExpected<T>(
  read: () => Promise<T | undefined>,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    const found = await read();
    if (found !== undefined || attempt >= policy.attempts) return found;
    await sleep(backoff(policy, attempt, undefined));
  }
}
