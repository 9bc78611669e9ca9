import type { z } from "zod";
import { canonicalJson } from "../../policies/canonical-json";
import { closest } from "../../policies/findings";
import { hostileValues } from "./hostile";
import type { CheckFailure } from "./types";

/** During preview the engine sends this string for any value not known yet, whatever its type. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Inputs without the engine's own keys (`__provider`). */
export function userInputs(props: Record<string, unknown>): Record<string, unknown> {
  const { __provider: _provider, ...rest } = props;
  return rest;
}

export type { CheckFailure };

/**
 * zod issues as per-property failures: `title.nn: ...`. An unknown property is named itself, with
 * the closest known property when it looks like a typo.
 */
export function zodFailures(error: z.ZodError, knownKeys: readonly string[] = []): CheckFailure[] {
  return error.issues.flatMap((issue) => {
    const prefix = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => {
        const suggestion = issue.path.length === 0 ? closest(key, knownKeys) : undefined;
        return {
          property: prefix ? `${prefix}.${key}` : key,
          reason: `unknown property "${key}"${suggestion ? `: did you mean "${suggestion}"?` : ": remove it"}`,
        };
      });
    }
    return [{ property: prefix || "(inputs)", reason: issue.message }];
  });
}

/**
 * Validates inputs with a schema, leaving alone the top-level properties that are still unknown in
 * preview (they are checked again at `up`, when known). Returns the parsed inputs (defaults filled)
 * or the failures.
 */
export function checkWithSchema(
  schema: z.ZodObject,
  news: Record<string, unknown>,
): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const raw = userInputs(news);
  const oversized = oversizedValues(raw);
  if (oversized.length > 0) return { inputs: news, failures: oversized };
  const hostile = hostileValues(raw);
  if (hostile.length > 0) return { inputs: news, failures: hostile };
  const unknownKeys = Object.keys(raw).filter((key) => containsUnknown(raw[key]));
  if (unknownKeys.length > 0) {
    // Validate what is known now; the unknown properties are validated at `up`, when known.
    const known = Object.fromEntries(Object.entries(raw).filter(([k]) => !unknownKeys.includes(k)));
    const mask = Object.fromEntries(
      unknownKeys.filter((k) => k in schema.shape).map((k) => [k, true as const]),
    ) as Parameters<typeof schema.omit>[0];
    const parsed = schema.omit(mask).safeParse(known);
    return {
      inputs: news,
      failures: parsed.success ? [] : zodFailures(parsed.error, Object.keys(schema.shape)),
    };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    return { inputs: news, failures: zodFailures(parsed.error, Object.keys(schema.shape)) };
  return {
    inputs: { ...(parsed.data as Record<string, unknown>), __provider: news.__provider },
    failures: [],
  };
}

/**
 * The longest text any input may hold, and the longest document (policy XML). Altinn documents
 * no limits; these keep a pasted file or a runaway template from being sent, stored in state and
 * echoed in every diff. Generous: the longest real value is a policy of a few hundred rules.
 */
export const MAX_TEXT_LENGTH = 10_000;
export const MAX_DOCUMENT_LENGTH = 1_000_000;
const DOCUMENT_PROPERTIES = new Set(["xml"]);

/** Strings over the limits, by property path, before the schema reads them. */
export function oversizedValues(raw: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const walk = (value: unknown, path: string[]): void => {
    if (typeof value === "string") {
      const limit = DOCUMENT_PROPERTIES.has(path.at(-1) ?? "")
        ? MAX_DOCUMENT_LENGTH
        : MAX_TEXT_LENGTH;
      if (value.length > limit) {
        failures.push({
          property: path.join("."),
          reason: `the value is ${value.length} characters long, more than the ${limit} allowed: shorten it (was a file pasted in by mistake?)`,
        });
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, [...path, String(index)]));
    } else if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
    }
  };
  for (const [key, value] of Object.entries(raw)) walk(value, [key]);
  return failures;
}

/** Deep equality over JSON values, ignoring key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export { canonicalJson };
