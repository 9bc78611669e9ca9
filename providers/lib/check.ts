import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

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

export type CheckFailure = pulumi.dynamic.CheckFailure;

/** zod issues as per-property failures: `title.nn: ...`. */
export function zodFailures(error: z.ZodError): CheckFailure[] {
  return error.issues.map((issue) => ({
    property: issue.path.map(String).join(".") || "(inputs)",
    reason: issue.message,
  }));
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
  const unknownKeys = Object.keys(raw).filter((key) => containsUnknown(raw[key]));
  if (unknownKeys.length > 0) {
    // Validate what is known now; the unknown properties are validated at `up`, when known.
    const known = Object.fromEntries(Object.entries(raw).filter(([k]) => !unknownKeys.includes(k)));
    const mask = Object.fromEntries(
      unknownKeys.filter((k) => k in schema.shape).map((k) => [k, true as const]),
    ) as Parameters<typeof schema.omit>[0];
    const parsed = schema.omit(mask).safeParse(known);
    return { inputs: news, failures: parsed.success ? [] : zodFailures(parsed.error) };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { inputs: news, failures: zodFailures(parsed.error) };
  return {
    inputs: { ...(parsed.data as Record<string, unknown>), __provider: news.__provider },
    failures: [],
  };
}

/** Deep equality over JSON values, ignoring key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
