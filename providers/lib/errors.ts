import { redact } from "./redact";

/** The remote services altinn-iac talks to, as named in error messages. */
export type ServiceName =
  | "Maskinporten"
  | "Altinn Authentication"
  | "Resource Registry"
  | "Access lists"
  | "Altinn Events"
  | "Correspondence"
  | "Digdir self-service"
  | "Service-owner list";

export interface ApiErrorDetails {
  service: ServiceName;
  /** What the tool tried, in words: "create resource acme-melding". */
  operation: string;
  method: string;
  /** Path only: never the query string, which may carry tokens. */
  path: string;
  /** HTTP status, or 0 when no answer came (time-out, reset). */
  status: number;
  /** The server's own words: ProblemDetails title/detail, Maskinporten error_description or plain text. */
  detail: string;
  /** A machine code when the server gave one: `RR-00004`, `invalid_grant`, `CORR-1036`. */
  code?: string;
  /** Per-field messages from a ValidationProblemDetails body. */
  fieldErrors?: Record<string, string[]>;
  /** What the user should do about it, when the tool knows. */
  fix?: string;
  retryable: boolean;
}

/**
 * The one error type for a failed remote call. It is plain data (no request, no headers), so it
 * cannot leak the Authorization header, and its message is redacted.
 */
export class ApiError extends Error {
  readonly service: ServiceName;
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly detail: string;
  readonly code?: string;
  readonly fieldErrors?: Record<string, string[]>;
  readonly fix?: string;
  readonly retryable: boolean;

  constructor(details: ApiErrorDetails) {
    super(redact(formatApiError(details)));
    this.name = "ApiError";
    this.service = details.service;
    this.operation = details.operation;
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.detail = redact(details.detail);
    this.code = details.code;
    this.fieldErrors = details.fieldErrors;
    this.fix = details.fix;
    this.retryable = details.retryable;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof Error && error.name === "ApiError" && "status" in error;
}

function formatApiError(d: ApiErrorDetails): string {
  const status = d.status === 0 ? "no response" : String(d.status);
  const code = d.code ? ` [${d.code}]` : "";
  const fields = d.fieldErrors
    ? Object.entries(d.fieldErrors)
        .map(([field, messages]) => `\n  ${field}: ${messages.join("; ")}`)
        .join("")
    : "";
  const fix = d.fix ? `\n  fix: ${d.fix}` : "";
  return `${d.service}: ${d.operation} failed (${d.method} ${d.path} -> ${status})${code}: ${d.detail}${fields}${fix}`;
}
