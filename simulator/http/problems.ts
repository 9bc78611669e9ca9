import { json } from "./replies";
import type { SimResponse } from "./router";

/**
 * Error bodies in the shapes Altinn's ASP.NET services write: RFC 9457 ProblemDetails for a bare
 * status, ValidationProblem for model-binding errors, and Altinn.Authorization.ProblemDetails
 * (a `code` such as `RR-00001`) for the Resource Registry's own errors.
 */
const PROBLEM_JSON = { "content-type": "application/problem+json; charset=utf-8" };

/** RFC 9110 sections and the titles ASP.NET gives them (ProblemDetailsClientErrorFactory). */
const STATUS_TYPES: Record<number, [section: string, title: string]> = {
  400: ["15.5.1", "Bad Request"],
  401: ["15.5.2", "Unauthorized"],
  404: ["15.5.5", "Not Found"],
  409: ["15.5.10", "Conflict"],
  412: ["15.5.13", "Precondition Failed"],
  415: ["15.5.16", "Unsupported Media Type"],
  500: ["15.6.1", "An error occurred while processing your request."],
};

/** The RFC 9110 `type` and `title` of a status ASP.NET writes ProblemDetails for. */
export function statusType(status: number): { type: string; title: string } {
  const [section, title] = STATUS_TYPES[status]!;
  return { type: `https://tools.ietf.org/html/rfc9110#section-${section}`, title };
}

export function traceId(): string {
  const hex = (n: number) =>
    Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join("");
  return `00-${hex(32)}-${hex(16)}-00`;
}

/**
 * ASP.NET's ProblemDetails for a bare status result under [ApiController] (404 and 412 among
 * them), or for `Problem(detail, null, status)` when a detail is given.
 */
export function statusProblem(status: number, detail?: string): SimResponse {
  return json(
    status,
    {
      ...statusType(status),
      status,
      ...(detail !== undefined ? { detail } : {}),
      traceId: traceId(),
    },
    PROBLEM_JSON,
  );
}

/** ASP.NET's ValidationProblem(ModelState) body. */
export function validationProblem(errors: Record<string, string[]>): SimResponse {
  return json(
    400,
    {
      type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
      title: "One or more validation errors occurred.",
      status: 400,
      errors,
      traceId: traceId(),
    },
    PROBLEM_JSON,
  );
}

/** Altinn.Authorization.ProblemDetails: a problem descriptor with a code. */
export function altinnProblem(
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): SimResponse {
  return json(
    status,
    {
      type: `urn:altinn:error:${code}`,
      title: detail,
      status,
      detail,
      code,
      traceId: traceId(),
      ...extra,
    },
    PROBLEM_JSON,
  );
}

/** Altinn.Authorization.ProblemDetails validation body: top-level STD-00000 with validationErrors. */
export function altinnValidationProblem(
  errors: Array<{ code: string; detail: string; paths: string[] }>,
): SimResponse {
  const detail = "One or more validation errors occurred.";
  return altinnProblem(400, "STD-00000", detail, { validationErrors: errors });
}
