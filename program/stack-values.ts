import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import {
  ENVIRONMENT_NAMES,
  ENVIRONMENTS,
  type EnvironmentName,
} from "../providers/lib/environments";
import { environmentAliasMessage } from "./config-issues";

/**
 * A stack's config values by key without the `altinn-iac:` namespace, secrets decrypted
 * (`pulumi config --json --show-secrets`). The backend and passphrase come from the environment,
 * as for any `pulumi` command; a failure throws with what pulumi said.
 */
export function readStackValues(stack: string): Map<string, string> {
  let text: string;
  try {
    text = execFileSync("pulumi", ["config", "--json", "--show-secrets", "--stack", stack], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
    throw new Error(
      `pulumi config of stack ${stack} failed: ${stderr || (error as Error).message}`,
    );
  }
  const entries = JSON.parse(text) as Record<string, { value?: string }>;
  const values = new Map<string, string>();
  for (const [key, entry] of Object.entries(entries)) {
    if (key.startsWith("altinn-iac:") && entry.value !== undefined) {
      values.set(key.slice("altinn-iac:".length), entry.value);
    }
  }
  return values;
}

/** The stack's `altinn-iac:org`, or an error naming the key and an example. */
export function orgOf(values: Map<string, string>): { code: string; number: string } {
  const raw = values.get("org");
  const org = raw ? (JSON.parse(raw) as { code?: unknown; number?: unknown }) : {};
  if (typeof org.code !== "string" || org.number === undefined) {
    throw new Error(
      'the stack has no altinn-iac:org: set it first, such as { code: digdir, number: "991825827" }',
    );
  }
  return { code: org.code, number: String(org.number) };
}

/**
 * The plain values of a stack file (`secure:` values left out, objects as JSON as `pulumi config`
 * gives them): what can be read without the stack's backend and passphrase.
 */
export function stackFileValues(file: string): Map<string, string> {
  const parsed = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(parsed?.config ?? {})) {
    const isSecure = typeof value === "object" && value !== null && "secure" in value;
    if (!key.startsWith("altinn-iac:") || isSecure || value === null) continue;
    values.set(
      key.slice("altinn-iac:".length),
      typeof value === "string" ? value : JSON.stringify(value),
    );
  }
  return values;
}

/**
 * Plain values (stackFileValues) keyed as the engine hands the stack's config to the program
 * (`altinn-iac:<key>`), all of them or only `keys`: what loadStackConfig and the placeholder
 * finder read.
 */
export function engineConfig(
  values: Map<string, string>,
  keys?: readonly string[],
): Record<string, string> {
  return Object.fromEntries(
    [...values]
      .filter(([key]) => keys === undefined || keys.includes(key))
      .map(([key, value]) => [`altinn-iac:${key}`, value]),
  );
}

/**
 * The stack's altinn-iac:environment. A missing or unknown one is an error naming the key, the
 * value and the choices, as the program's own.
 */
export function environmentOf(values: Map<string, string>): EnvironmentName {
  const name = values.get("environment");
  if (name !== undefined && Object.hasOwn(ENVIRONMENTS, name)) return name as EnvironmentName;
  const choices = `write one of ${ENVIRONMENT_NAMES.join(", ")}`;
  throw new Error(
    `altinn-iac:environment: ${
      name === undefined
        ? `not set: ${choices}`
        : (environmentAliasMessage(name) ?? `"${name}" is not an environment: ${choices}`)
    }`,
  );
}

/** A value as messages show it: its JSON, cut after 200 characters. */
export function shown(value: unknown): string {
  const text = value === undefined ? "nothing" : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
