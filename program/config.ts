import * as pulumi from "@pulumi/pulumi";
import { closest } from "../policies/findings";
import { oversizedValues } from "../providers/lib/check";
import { hostileValues } from "../providers/lib/hostile";
import { CONFIG_KEYS } from "../providers/lib/settings";
import { crossChecks } from "./config-checks";
import { environmentAliasMessage, issueText, shapeKeysAt, unknownKeyText } from "./config-issues";
import {
  declaredAt,
  locateIn,
  mergeIncluded,
  NAMESPACE,
  ORIGINS,
  repeatedValues,
  valueAt,
} from "./config-paths";
import { stackFileSchema, type StackConfig } from "./config-schema";
import { INCLUDE_KEY, readIncludes } from "./include";
import { includedPlaceholderProblems, placeholderProblems } from "./placeholders";
import { isSecretConfig, plainCredentials } from "./secret-config";

/**
 * Loading the stack config: the stack file's keys and the included files' collections, validated
 * by the schema (program/config-schema.ts) and the checks (program/config-checks.ts).
 */
export { configWarnings, locateEntry } from "./config-checks";
export {
  ACCEPTABLE_CHANGES,
  policySpec,
  stackConfigSchema,
  type PolicySpec,
  type ResourceSpec,
  type StackConfig,
} from "./config-schema";

/**
 * Keys the providers read (credentials, endpoints); they are not part of the setup but are valid
 * in a stack file.
 */
const PROVIDER_KEYS: readonly string[] = Object.values(CONFIG_KEYS);

/**
 * Reads and validates the stack config, with the collections of the files `altinn-iac:include`
 * names (relative to `projectDir`, where Pulumi.yaml is) appended after the stack file's own
 * entries; throws one message listing every problem, each named by its place in the stack file or
 * in the included file. A RunError ends the program with the message alone, no stack trace.
 */
export function loadStackConfig(
  all: Record<string, string> = pulumi.runtime.allConfig(),
  projectDir: string = process.cwd(),
  /** The keys set with `pulumi config set --secret` (the engine tells the program which). */
  isSecret: (key: string) => boolean = isSecretConfig,
): StackConfig {
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  const providerValues: Record<string, unknown> = {};
  let include: unknown;
  const schema = stackFileSchema();
  const setupKeys = Object.keys(schema.shape);
  // A placeholder is named as one (with its command), not as a plain private key.
  const placeholders = placeholderProblems(all, pulumi.getStack() || "<stack>");
  if (placeholders.length > 0) {
    throw new pulumi.RunError(
      `the stack config has placeholders to fill:\n${placeholders.join("\n")}`,
    );
  }
  const exposed = plainCredentials(all, isSecret);
  if (exposed.length > 0) {
    throw new pulumi.RunError(
      `the stack config is invalid:\n${exposed.map((p) => `  ${p}`).join("\n")}`,
    );
  }
  for (const [fullKey, text] of Object.entries(all)) {
    if (!fullKey.startsWith(`${NAMESPACE}:`)) continue;
    const key = fullKey.slice(NAMESPACE.length + 1);
    if (key === INCLUDE_KEY) {
      include = parseValue(text);
      continue;
    }
    if (PROVIDER_KEYS.includes(key) && !setupKeys.includes(key)) {
      providerValues[key] = parseValue(text);
      continue;
    }
    if (!setupKeys.includes(key)) {
      problems.push(
        `  ${fullKey}: unknown key${suggest(key, [...setupKeys, INCLUDE_KEY, ...PROVIDER_KEYS])}`,
      );
      continue;
    }
    raw[key] = parseValue(text);
  }
  // Huge values are refused before the schema echoes them back in its messages.
  const oversized = oversizedValues(include === undefined ? raw : { ...raw, include });
  if (oversized.length > 0) {
    throw new pulumi.RunError(
      `the stack config is invalid:\n${oversized.map((f) => `  ${NAMESPACE}:${f.property}: ${f.reason}`).join("\n")}`,
    );
  }
  const included = include === undefined ? undefined : readIncludes(include, projectDir);
  // A file that cannot be read leaves nothing to validate its entries against.
  if (included && included.problems.length > 0) {
    throw new pulumi.RunError(
      `the stack config is invalid:\n${[...problems, ...included.problems].join("\n")}`,
    );
  }
  const includedPlaceholders = includedPlaceholderProblems(included?.files ?? []);
  if (includedPlaceholders.length > 0) {
    throw new pulumi.RunError(
      `the stack config has placeholders to fill:\n${includedPlaceholders.join("\n")}`,
    );
  }
  const origins = mergeIncluded(raw, included?.files ?? []);
  const locate = (path: ReadonlyArray<PropertyKey>) => locateIn(origins, path);
  // Prototype keys and hidden characters are refused before the schema copies the objects.
  const hostile = [...hostileValues(raw), ...hostileValues(providerValues)];
  if (hostile.length > 0) {
    throw new pulumi.RunError(
      `the stack config is invalid:\n${hostile.map((f) => `  ${locate(f.property.split("."))}: ${f.reason}`).join("\n")}`,
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const k of issue.keys) {
          problems.push(
            `  ${locate([...issue.path, k])}: ${unknownKeyText(k, shapeKeysAt(schema, issue.path))}`,
          );
        }
        continue;
      }
      const value = valueAt(raw, issue.path);
      if (value === undefined && issue.code === "invalid_type") {
        problems.push(
          `  ${locate(issue.path)}: required${REQUIRED_HINTS[String(issue.path.at(-1))] ?? ""}`,
        );
        continue;
      }
      const alias = issue.path.join(".") === "environment" && environmentAliasMessage(value);
      const text = alias || issueText(issue, value);
      if (text !== undefined) {
        problems.push(`  ${locate(issue.path)}: ${text}`);
        continue;
      }
      const shown =
        value === undefined || issue.message.includes(JSON.stringify(value))
          ? ""
          : ` (got ${JSON.stringify(value)})`;
      // A rule over the whole collection (unique names): say where the entries are.
      const key = String(issue.path[0]);
      const repeated =
        issue.path.length === 1 && issue.code === "custom"
          ? repeatedValues(raw[key], "name").map(
              (name) =>
                `"${String(name)}" is declared twice${declaredAt(origins, key, raw[key], "name", name, true)}`,
            )
          : [];
      const duplicates = repeated.length > 0 ? `: ${repeated.join("; ")}` : "";
      problems.push(`  ${locate(issue.path)}: ${issue.message}${duplicates}${shown}`);
    }
  } else {
    problems.push(...crossChecks(parsed.data as StackConfig, origins));
  }
  if (problems.length > 0) {
    throw new pulumi.RunError(`the stack config is invalid:\n${problems.join("\n")}`);
  }
  const config = parsed.data as StackConfig;
  ORIGINS.set(config, origins);
  return config;
}

/** What to write when a required key is missing. */
const REQUIRED_HINTS: Record<string, string> = {
  org: ': the service owner, such as { code: digdir, number: "991825827" }',
  name: ": the display name",
  identifier: ": a lowercase identifier such as digdir-melding",
  clientName: ": the client's name in Samarbeidsportalen",
  description: ": a description",
};

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function suggest(key: string, candidates: string[]): string {
  const close = closest(key, candidates);
  return close ? `: did you mean "${close}"?` : "";
}
