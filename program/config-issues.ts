import type { z } from "zod";
import { closest } from "../policies/findings";
import { ENVIRONMENTS, type EnvironmentName } from "../providers/lib/environments";

/**
 * zod's issues in the words of a stack file: what is wrong with the value and what to write
 * instead, with the closest allowed key or value when the given one looks like a typo. The key
 * path and the value itself are added by the caller (program/config.ts), which knows where the
 * entry was declared.
 */

/**
 * What people call Altinn's environments, mapped to the name the stack file uses. Not accepted
 * as synonyms: the providers, `npm run review` and the deploy workflows read
 * `altinn-iac:environment` as written, and production safeguards key on the exact word `prod`
 * (docs/decisions.md, "One spelling per environment").
 */
export const ENVIRONMENT_ALIASES: Readonly<Record<string, EnvironmentName>> = {
  tt02: "test",
  production: "prod",
  prd: "prod",
  produksjon: "prod",
  simulator: "local",
  sim: "local",
};

/** What each environment is, in the words people use for it. */
const ENVIRONMENT_MEANINGS: Readonly<Record<EnvironmentName, string>> = {
  local: "the built-in simulator",
  test: "Altinn's test environment (tt02, with Maskinporten test)",
  prod: "production",
};

/** The environment a word means: its name, or an alias of it (tt02, production, ...). */
export function environmentMeant(word: string): EnvironmentName | undefined {
  const key = word.trim().toLowerCase();
  return Object.hasOwn(ENVIRONMENTS, key) ? (key as EnvironmentName) : ENVIRONMENT_ALIASES[key];
}

/** Why an environment alias is refused, and its canonical name. */
export function environmentAliasMessage(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const canonical = ENVIRONMENT_ALIASES[value.trim().toLowerCase()];
  if (canonical === undefined) return undefined;
  return `"${value}" means ${ENVIRONMENT_MEANINGS[canonical]}, which a stack file calls ${canonical}: write environment: ${canonical} (one spelling, because the providers, the review and the deploy workflows read this value as written)`;
}

/** The keys an object schema at `path` allows (through lists, defaults, optionals and pipes). */
export function shapeKeysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current === undefined) return [];
    const def = current.def as unknown as Record<string, unknown>;
    if (def.type === "array") current = unwrap(def.element as z.ZodType);
    else if (def.type === "object")
      current = unwrap((def.shape as Record<string, z.ZodType>)[String(segment)]);
    else return [];
  }
  return objectKeys(current);
}

/** The keys of an object schema, or of every object a union allows (a subject's forms). */
function objectKeys(schema: z.ZodType | undefined): string[] {
  const def = schema?.def as unknown as Record<string, unknown> | undefined;
  if (def?.type === "object") return Object.keys(def.shape as object);
  if (def?.type === "union") {
    return [...new Set((def.options as z.ZodType[]).flatMap((o) => objectKeys(unwrap(o))))];
  }
  return [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (let depth = 0; current && depth < 10; depth++) {
    const def = current.def as unknown as Record<string, unknown>;
    if (def.type === "optional" || def.type === "default" || def.type === "nullable")
      current = def.innerType as z.ZodType;
    else if (def.type === "pipe") current = def.in as z.ZodType;
    else return current;
  }
  return current;
}

/** An unknown key, with the allowed key it was probably meant to be. */
export function unknownKeyText(key: string, known: readonly string[]): string {
  const near = closest(key, known);
  if (near) return `unknown property "${key}": did you mean "${near}"?`;
  return known.length > 0
    ? `unknown property "${key}": remove it (allowed here: ${known.join(", ")})`
    : `unknown property "${key}": remove it`;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  boolean: "true or false",
  array: "a list (such as [a, b], or one `- item` per line in YAML)",
  object: "an object (key: value lines)",
  string: "a text",
  number: "a number",
  int: "a whole number",
};

/**
 * The text of a zod issue about `value` (undefined: the key is absent), or undefined to keep
 * zod's own message (custom messages are already the project's words).
 */
export function issueText(issue: z.core.$ZodIssue, value: unknown): string | undefined {
  if (issue.code === "invalid_value") {
    const allowed = issue.values.map((v) => String(v));
    const given = typeof value === "string" ? value : undefined;
    const near = given === undefined || allowed.length < 2 ? undefined : closest(given, allowed);
    const list = allowed.length === 1 ? allowed[0] : `one of ${allowed.join(", ")}`;
    return `${given === undefined ? "the value" : `"${given}"`} is not allowed here: write ${list}${near ? ` (did you mean "${near}"?)` : ""}`;
  }
  if (issue.code === "invalid_type" && value !== undefined) {
    const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
    return `expected ${expected} (got ${JSON.stringify(value)})`;
  }
  return undefined;
}
