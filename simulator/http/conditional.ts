import { fromOpaque, toOpaque } from "./opaque";
import { statusProblem, validationProblem } from "./problems";
import { empty } from "./replies";
import { header } from "./requests";
import type { SimRequest, SimResponse } from "./router";

/**
 * Conditional requests on a versioned entity, as the Resource Registry's ConditionalResult and
 * IVersionedEntityCondition (altinn-resource-registry) handle them: one version per entity, sent
 * as a weak ETag `W/"<base64url {"version":"n"}>"`; `If-Match`, `If-None-Match` (`*` or weak tags;
 * a strong tag is a 400), `If-Modified-Since`, `If-Unmodified-Since`; 412 as ASP.NET
 * ProblemDetails, 304 on a read that matches.
 */
export interface Versioned {
  version: number;
  /** ISO time of the last change: Last-Modified, compared in whole seconds. */
  updatedAt: string;
}

export interface Conditions {
  ifMatch?: "*" | number[];
  ifNoneMatch?: "*" | number[];
  ifModifiedSince?: number;
  ifUnmodifiedSince?: number;
}

type ConditionResult = "succeeded" | "failed" | "unmodified";

export function etagOf(version: number): string {
  return `W/"${toOpaque({ version: String(version) })}"`;
}

export function versionHeaders(entity: Versioned): Record<string, string> {
  return {
    etag: etagOf(entity.version),
    "last-modified": new Date(entity.updatedAt).toUTCString(),
  };
}

/** Request conditions as the model binder reads them; a strong or unreadable ETag is a 400. */
export function readConditions(req: SimRequest): Conditions | SimResponse {
  const conditions: Conditions = {};
  for (const [name, key] of [
    ["if-match", "ifMatch"],
    ["if-none-match", "ifNoneMatch"],
  ] as const) {
    const raw = header(req, name);
    if (raw === undefined) continue;
    const tags = raw
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
    if (tags.includes("*")) {
      conditions[key] = "*";
      continue;
    }
    const versions: number[] = [];
    for (const tag of tags) {
      const weak = /^W\/"([^"]*)"$/.exec(tag);
      if (!weak) {
        return validationProblem({ [toHeaderName(name)]: ["Only weak etags are supported"] });
      }
      const decoded = fromOpaque(weak[1]!) as { version?: unknown } | undefined;
      const version = Number(decoded?.version);
      if (!Number.isSafeInteger(version)) {
        return validationProblem({ [toHeaderName(name)]: [`The value '${tag}' is not valid.`] });
      }
      versions.push(version);
    }
    conditions[key] = versions;
  }
  for (const [name, key] of [
    ["if-modified-since", "ifModifiedSince"],
    ["if-unmodified-since", "ifUnmodifiedSince"],
  ] as const) {
    const raw = header(req, name);
    if (raw === undefined) continue;
    const at = Date.parse(raw);
    if (Number.isNaN(at)) {
      return validationProblem({ [toHeaderName(name)]: [`The value '${raw}' is not valid.`] });
    }
    conditions[key] = at;
  }
  return conditions;
}

function toHeaderName(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

function seconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** IVersionedEntityCondition.Validate against an existing entity (reads may be "unmodified"). */
function evaluateConditions(
  conditions: Conditions,
  entity: Versioned,
  read: boolean,
): ConditionResult {
  const { ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince } = conditions;
  if (ifMatch !== undefined && ifMatch !== "*" && !ifMatch.includes(entity.version)) {
    return "failed";
  }
  if (
    ifUnmodifiedSince !== undefined &&
    seconds(entity.updatedAt) > Math.floor(ifUnmodifiedSince / 1000)
  ) {
    return "failed";
  }
  const noneMatched =
    ifNoneMatch !== undefined && (ifNoneMatch === "*" || ifNoneMatch.includes(entity.version));
  const notModified =
    ifModifiedSince !== undefined &&
    seconds(entity.updatedAt) <= Math.floor(ifModifiedSince / 1000);
  if (noneMatched || notModified) return read ? "unmodified" : "failed";
  return "succeeded";
}

/** The answer to a read whose conditions do not let it through: 412, or 304 with the version. */
export function readRefusal(conditions: Conditions, entity: Versioned): SimResponse | undefined {
  const result = evaluateConditions(conditions, entity, true);
  if (result === "failed") return statusProblem(412);
  if (result === "unmodified") return empty(304, versionHeaders(entity));
  return undefined;
}

/** The answer to a write whose conditions fail on the existing entity: 412. */
export function writeRefusal(conditions: Conditions, entity: Versioned): SimResponse | undefined {
  return evaluateConditions(conditions, entity, false) === "succeeded"
    ? undefined
    : statusProblem(412);
}
