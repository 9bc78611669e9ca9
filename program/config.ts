import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { policySchema } from "../policies/model";
import { correspondenceTemplateSchema } from "../policies/templates";
import { ENVIRONMENT_NAMES } from "../providers/lib/environments";
import { CONFIG_KEYS } from "../providers/lib/settings";
import { accessListInputsSchema, validateAccessList } from "../providers/access-list";
import { altinnResourceInputsSchema, validateResource } from "../providers/altinn-resource";
import { oversizedValues, zodFailures } from "../providers/lib/check";
import {
  hostFinding,
  hostileValues,
  isReservedName,
  RESERVED_NAMES,
  simulatorAdminProblem,
} from "../providers/lib/hostile";
import { isSecretConfig, plainCredentials } from "./secret-config";
import { includedPlaceholderProblems, placeholderProblems } from "./placeholders";
import { closest } from "../policies/findings";
import {
  accessPackageFinding,
  roleFinding,
  scopeFinding,
  subjectFinding,
  type VocabularyFinding,
} from "../vocabulary";
import { environmentAliasMessage, issueText, shapeKeysAt, unknownKeyText } from "./config-issues";
import { RECIPIENT_PATTERN } from "../providers/verification/target";
import {
  INCLUDABLE_KEYS,
  INCLUDE_KEY,
  readIncludes,
  type IncludableKey,
  type IncludedFile,
} from "./include";

/**
 * The stack config of an org's setup, validated once at the top of the program so a wrong value
 * fails before any remote call, naming the key, the bad value and the fix.
 */

/** Any language key, as the registry stores (older documents use "nb-NO" and "EN"). */
const localizedText = z
  .object({ nb: z.string(), nn: z.string(), en: z.string() })
  .partial()
  .catchall(z.string());

/**
 * A resource's access policy: a template (expanded by the program), rules in the policy model, or
 * XACML text. Rules and XML are validated by the ResourcePolicy provider, which names the property.
 */
const POLICY_FORMS = {
  template: correspondenceTemplateSchema,
  rules: z.object({ rules: z.array(z.unknown()) }).passthrough(),
  xml: z.object({ xml: z.string() }).strict(),
} as const;

export const policySpec = z.record(z.string(), z.unknown()).transform((value, ctx) => {
  const form = (Object.keys(POLICY_FORMS) as Array<keyof typeof POLICY_FORMS>).find(
    (key) => key in value,
  );
  if (!form) {
    ctx.addIssue({
      code: "custom",
      message:
        'a policy is { template: correspondence, recipients: { roles: [DAGL] } }, { rules: [...] } or { xml: "<xacml:Policy ...>" }',
    });
    return z.NEVER;
  }
  const parsed = POLICY_FORMS[form].safeParse(value);
  if (!parsed.success) {
    reportIssues(POLICY_FORMS[form], value, parsed.error.issues, ctx);
    return z.NEVER;
  }
  // Rules are the policy model's: checked here too, so a typo is named by its key path.
  const model = form === "rules" ? policySchema.safeParse(value) : undefined;
  if (model && !model.success) {
    reportIssues(policySchema, value, model.error.issues, ctx);
    return z.NEVER;
  }
  return { form, ...parsed.data } as
    | ({ form: "template" } & z.output<typeof correspondenceTemplateSchema>)
    | { form: "rules"; rules: unknown[] }
    | { form: "xml"; xml: string };
});

/**
 * A nested schema's issues in the stack file's words. An unknown key is named with the key it was
 * probably meant to be, and the issues that typo causes (the meant key missing, a rule on the
 * object) are left out: fixing the typo fixes them.
 */
function reportIssues(
  schema: z.ZodType,
  value: unknown,
  issues: readonly z.core.$ZodIssue[],
  ctx: z.RefinementCtx,
): void {
  const caused = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const known = shapeKeysAt(schema, issue.path);
    caused.add(issue.path.map(String).join("."));
    for (const key of issue.keys) {
      const meant = closest(key, known);
      if (meant) caused.add([...issue.path, meant].map(String).join("."));
      ctx.addIssue({
        code: "custom",
        message: unknownKeyText(key, known),
        path: [...issue.path, key],
      });
    }
  }
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys" || caused.has(issue.path.map(String).join(".")))
      continue;
    const text = issueText(issue, valueAt(value, issue.path));
    ctx.addIssue({ code: "custom", message: text ?? issue.message, path: issue.path });
  }
}

const resourceSpec = z
  .object({
    identifier: z.string(),
    title: localizedText,
    description: localizedText,
    rightDescription: localizedText.optional(),
    resourceType: z.string().optional(),
    contactPoints: z.array(z.record(z.string(), z.string())).optional(),
    status: z.string().optional(),
    delegable: z.boolean().optional(),
    visible: z.boolean().optional(),
    accessListMode: z.string().optional(),
    availableForType: z.array(z.string()).optional(),
    keywords: z.array(z.object({ word: z.string(), language: z.string() })).optional(),
    homepage: z.string().optional(),
    version: z.string().optional(),
    isPartOf: z.string().optional(),
    policy: policySpec.optional(),
    /** Take over the resource when it exists with other content (made in Altinn Studio). */
    adopt: z.boolean().optional(),
  })
  .passthrough();

/** YAML reads an unquoted organisation number as a number; a member is its text. */
const memberSpec = z.union([z.string(), z.number().int().transform(String)]);

const accessListSpec = z
  .object({
    identifier: z.string(),
    name: z.string(),
    description: z.string().optional(),
    members: z.array(memberSpec).default([]),
    /** The resources the list grants access to; no actionFilters means every action. */
    resources: z
      .array(
        z
          .object({ identifier: z.string(), actionFilters: z.array(z.string()).optional() })
          .strict(),
      )
      .default([]),
    adopt: z.boolean().optional(),
  })
  .strict();

/**
 * A Maskinporten client and its key set. Fields are checked by the providers (MaskinportenClient,
 * MaskinportenClientKey) at preview, naming the property and the fix.
 */
const maskinportenClientSpec = z
  .object({
    name: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]*$/,
        "name is the client's stable logical name in lowercase kebab-case, such as melding-sender",
      ),
    clientName: z.string(),
    description: z.string(),
    scopes: z.array(z.string()).default([]),
    accessTokenLifetime: z.number().optional(),
    /** Adopt the existing client with this client_id (made in Samarbeidsportalen). */
    clientId: z.string().optional(),
    /**
     * Earlier names of this entry, so a rename keeps the object (a Pulumi alias) instead of
     * deleting it and making a new one. Keep them until every stack has run `up` once.
     */
    aliases: z.array(z.string()).optional(),
    key: z
      .object({
        rotation: z.number().optional(),
        renewBeforeDays: z.number().optional(),
        publicJwk: z.record(z.string(), z.unknown()).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

/** The key set of a client made outside the stack (in Samarbeidsportalen, say). */
const maskinportenClientKeySpec = z
  .object({
    name: maskinportenClientSpec.shape.name,
    clientId: z.string(),
    /**
     * Earlier names of this entry, so a rename keeps the object (a Pulumi alias) instead of
     * deleting it and making a new one. Keep them until every stack has run `up` once.
     */
    aliases: z.array(z.string()).optional(),
    rotation: z.number().optional(),
    renewBeforeDays: z.number().optional(),
    publicJwk: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/**
 * An Altinn Events subscription of the org to one resource's events. Fields are checked by the
 * EventSubscription provider at preview, naming the property and the fix.
 */
const subscriptionSpec = z
  .object({
    name: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]*$/,
        "name is the subscription's stable logical name in lowercase kebab-case, such as melding-read",
      ),
    /** The resource identifier (a resource of this stack, or one managed elsewhere). */
    resource: z.string(),
    endPoint: z.string(),
    typeFilter: z.string().optional(),
    subjectFilter: z.string().optional(),
    validationWaitSeconds: z.number().optional(),
    /** Delete the old subscription before creating its replacement (default: create first). */
    deleteBeforeReplace: z.boolean().optional(),
    /**
     * Earlier names of this entry, so a rename keeps the object (a Pulumi alias) instead of
     * deleting it and making a new one. Keep them until every stack has run `up` once.
     */
    aliases: z.array(z.string()).optional(),
  })
  .strict();

/** The end-to-end verification (`npm run verify`): the client key, the resource, the test recipient. */
const verificationSpec = z
  .object({
    client: z.string(),
    resource: z.string(),
    recipient: z
      .union([z.string(), z.number().int().transform(String)])
      .pipe(
        z
          .string()
          .regex(
            RECIPIENT_PATTERN,
            'the recipient is an organisation number (9 digits, such as "310654321") or a party URN: urn:altinn:organization:identifier-no:<9 digits> or urn:altinn:person:identifier-no:<11 digits> (a synthetic test party from Tenor in tt02)',
          ),
      ),
    /**
     * Also send the test message at every `pulumi up` that changes the resource, its policy, the
     * client or its keys, failing the update when the chain is broken.
     * @default false
     */
    runOnUp: z.boolean().default(false),
    /** Verification sends a real message: in prod only with this set. @default false */
    allowProd: z.boolean().default(false),
    /**
     * With runOnUp: how long to look for the message's events. Altinn Events lists an event 30 s
     * after it happens; not seeing it in time is a warning, not a failure. @default 60
     */
    eventsWaitSeconds: z.number().int().min(0).max(600).default(60),
  })
  .strict();

/**
 * A change the production guards (program/plan-guards.ts) stop unless the stack file accepts it:
 * `object` is the name the preview shows (the resource identifier, a client's or subscription's
 * name, `<name>-key`, ...). Remove the entry once the change is deployed.
 */
export const ACCEPTABLE_CHANGES = ["delete", "replace", "empty-members", "unprotect"] as const;
const acceptedChangeSpec = z
  .object({
    object: z.string().min(1),
    change: z.enum(ACCEPTABLE_CHANGES),
    reason: z
      .string()
      .trim()
      .min(1, "say why the change is wanted, for whoever reviews the deploy"),
  })
  .strict();

export const stackConfigSchema = z
  .object({
    environment: z.enum(ENVIRONMENT_NAMES),
    org: z
      .object({
        code: z
          .string()
          .regex(
            /^[a-z0-9]{2,10}$/,
            "the org code is the service owner's lowercase Altinn code, such as digdir",
          ),
        number: z
          .union([z.string(), z.number().int().transform(String)])
          .pipe(z.string().regex(/^\d{9}$/, "the organisation number has 9 digits")),
      })
      .strict(),
    /**
     * Protect the stack's objects against `pulumi destroy` and accidental deletion from the
     * program (`pulumi state unprotect` to release one).
     * @default - true in prod, false elsewhere
     */
    protect: z.boolean().optional(),
    /**
     * Check the steps that have no API before anything else: the org is a service owner for this
     * environment, the provisioning client has its scopes, the self-service admin client works.
     * @default - true
     */
    preflight: z.boolean().default(true),
    resources: z.array(resourceSpec).default([]),
    accessLists: z.array(accessListSpec).default([]),
    maskinportenClients: z
      .array(maskinportenClientSpec)
      .default([])
      .refine(uniqueNames, { message: "each Maskinporten client needs its own name" }),
    maskinportenClientKeys: z.array(maskinportenClientKeySpec).default([]).refine(uniqueNames, {
      message: "each entry needs its own name",
    }),
    subscriptions: z.array(subscriptionSpec).default([]).refine(uniqueNames, {
      message: "each subscription needs its own name",
    }),
    verification: verificationSpec.optional(),
    acceptChanges: z.array(acceptedChangeSpec).default([]),
  })
  .strict();

/**
 * Keys the providers read (credentials, endpoints); they are not part of the setup but are valid
 * in a stack file.
 */
const PROVIDER_KEYS: readonly string[] = Object.values(CONFIG_KEYS);

function uniqueNames(entries: Array<{ name: string }>): boolean {
  return new Set(entries.map((e) => e.name)).size === entries.length;
}

/**
 * The clients the stack creates (no `clientId`) differ in name or description: that is how the
 * client a create made is told apart when its answer is lost (providers/maskinporten-client.ts).
 */
export type StackConfig = z.output<typeof stackConfigSchema>;
export type ResourceSpec = z.output<typeof resourceSpec>;
export type AccessListSpec = z.output<typeof accessListSpec>;

/** An access list's provider inputs from its stack-config entry (`resources` become connections). */
export function accessListArgs(spec: AccessListSpec, owner: string) {
  return {
    owner,
    identifier: spec.identifier,
    name: spec.name,
    description: spec.description,
    members: spec.members,
    resourceConnections: spec.resources.map((r) => ({
      resourceIdentifier: r.identifier,
      actionFilters: r.actionFilters,
    })),
    adopt: spec.adopt,
  };
}
export type PolicySpec = NonNullable<ResourceSpec["policy"]>;

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
  const setupKeys = Object.keys(stackConfigSchema.shape);
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
  const parsed = stackConfigSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const k of issue.keys) {
          problems.push(
            `  ${locate([...issue.path, k])}: ${unknownKeyText(k, shapeKeysAt(stackConfigSchema, issue.path))}`,
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
    problems.push(...crossChecks(parsed.data, origins));
  }
  if (problems.length > 0) {
    throw new pulumi.RunError(`the stack config is invalid:\n${problems.join("\n")}`);
  }
  ORIGINS.set(parsed.data!, origins);
  return parsed.data!;
}

/** Where each collection entry was declared: the stack file (no file) or an included file. */
interface EntryOrigin {
  file?: string;
  /** Its index in that file's collection. */
  index: number;
}
type Origins = Partial<Record<IncludableKey, EntryOrigin[]>>;

/** The origins of each loaded config's entries, for warnings named after the program has it. */
const ORIGINS = new WeakMap<StackConfig, Origins>();

/**
 * Appends each included file's collections to the stack file's, in file order, and returns where
 * every entry came from. A stack-file collection that is not a list is left for the schema to
 * report (its included entries are checked once it is fixed).
 */
function mergeIncluded(raw: Record<string, unknown>, files: IncludedFile[]): Origins {
  const origins: Origins = {};
  for (const key of INCLUDABLE_KEYS) {
    const own = raw[key];
    if (own !== undefined && !Array.isArray(own)) continue;
    const merged: unknown[] = [...(own ?? [])];
    const from: EntryOrigin[] = merged.map((_, index) => ({ index }));
    for (const file of files) {
      (file.entries[key] ?? []).forEach((entry, index) => {
        merged.push(entry);
        from.push({ file: file.path, index });
      });
    }
    origins[key] = from;
    if (merged.length > 0 || own !== undefined) raw[key] = merged;
  }
  return origins;
}

/**
 * A key path as the user finds it: `altinn-iac:resources.3.title.nn` in the stack file, or
 * `setup/resources.yaml: resources.0.title.nn` in an included file.
 */
function locateIn(origins: Origins, path: ReadonlyArray<PropertyKey>): string {
  const [key, index, ...rest] = path.map(String);
  const origin = origins[key as IncludableKey]?.[Number(index)];
  if (origin?.file === undefined) return keyPath(path);
  return [`${origin.file}: ${key}`, String(origin.index), ...rest].join(".");
}

/**
 * Where the entries whose `field` is `value` are declared, as " (at A and B)", when an included
 * file holds entries of the collection (a stack file's own duplicates keep their short message).
 */
function declaredAt(
  origins: Origins,
  key: string,
  entries: unknown,
  field: string,
  value: unknown,
  /** Also when every entry is in the stack file itself. */
  always = false,
): string {
  if (!Array.isArray(entries)) return "";
  if (!always && !(origins[key as IncludableKey] ?? []).some((o) => o.file !== undefined))
    return "";
  const places = entries.flatMap((entry, i) =>
    (entry as Record<string, unknown> | null)?.[field] === value
      ? [locateIn(origins, [key, i])]
      : [],
  );
  return ` (at ${joinAnd(places)})`;
}

/** The `field` values that more than one entry has. */
function repeatedValues(entries: unknown, field: string): unknown[] {
  if (!Array.isArray(entries)) return [];
  const values = entries.map((e) => (e as Record<string, unknown> | null)?.[field]);
  return [...new Set(values.filter((v, i) => v !== undefined && values.indexOf(v) !== i))];
}

function joinAnd(items: string[]): string {
  return items.length <= 1
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

const NAMESPACE = "altinn-iac";

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

function keyPath(path: ReadonlyArray<PropertyKey>): string {
  return [`${NAMESPACE}:${String(path[0] ?? "")}`, ...path.slice(1).map(String)].join(".");
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[String(segment)];
  }
  return current !== null && typeof current === "object" ? undefined : current;
}

/** `did you mean "x"? ` when a candidate is close, to put before the fix. */
function didYouMean(value: string, candidates: string[]): string {
  const close = closest(value, candidates);
  return close ? `did you mean "${close}"? Otherwise ` : "";
}

function suggest(key: string, candidates: string[]): string {
  const close = closest(key, candidates);
  return close ? `: did you mean "${close}"?` : "";
}

/**
 * The providers' own validation, run on the stack file before anything is registered, so every
 * problem is named by its key path in the stack file (the provider's `check` runs it again).
 */
function entryChecks(config: StackConfig, origins: Origins): string[] {
  const problems: string[] = [];
  const report = (
    entry: [IncludableKey, number],
    failures: Array<{ property: string; reason: string }>,
  ) =>
    failures.forEach((f) => {
      const path = [...entry, ...f.property.split(".")];
      const value = valueAt(config, path);
      const shown =
        value === undefined || f.reason.includes(JSON.stringify(value))
          ? ""
          : ` (got ${JSON.stringify(value)})`;
      problems.push(`  ${locateIn(origins, path)}: ${f.reason}${shown}`);
    });
  config.resources.forEach(({ policy: _policy, ...spec }, i) => {
    const parsed = altinnResourceInputsSchema.safeParse({
      ...spec,
      hasCompetentAuthority: { organization: config.org.number, orgcode: config.org.code },
    });
    // An adopted resource may stay as the registry holds it: check refuses it only if up writes.
    report(
      ["resources", i],
      parsed.success
        ? spec.adopt === true
          ? []
          : validateResource(parsed.data)
        : readableFailures(parsed.error, spec, Object.keys(altinnResourceInputsSchema.shape)),
    );
  });
  config.accessLists.forEach((spec, i) => {
    const parsed = accessListInputsSchema.safeParse(accessListArgs(spec, config.org.code));
    report(
      ["accessLists", i],
      parsed.success ? validateAccessList(parsed.data) : readableFailures(parsed.error, spec),
    );
  });
  return problems;
}

/** A provider schema's issues about one entry, in the stack file's words (program/config-issues.ts). */
function readableFailures(
  error: z.ZodError,
  entry: unknown,
  knownKeys: readonly string[] = [],
): Array<{ property: string; reason: string }> {
  return error.issues.flatMap((issue) => {
    const text =
      issue.code === "unrecognized_keys" ? undefined : issueText(issue, valueAt(entry, issue.path));
    return text === undefined
      ? zodFailures(new z.ZodError([issue]), knownKeys)
      : [{ property: issue.path.map(String).join("."), reason: text }];
  });
}

/** What one entry alone cannot show: duplicates and references between entries. */
function crossChecks(config: StackConfig, origins: Origins): string[] {
  const problems: string[] = [...entryChecks(config, origins), ...safetyChecks(config, origins)];
  for (const id of repeatedValues(config.resources, "identifier")) {
    problems.push(
      `  ${NAMESPACE}:resources: the identifier "${String(id)}" is declared twice${declaredAt(origins, "resources", config.resources, "identifier", id)}: each resource needs its own identifier`,
    );
  }
  for (const id of repeatedValues(config.accessLists, "identifier")) {
    problems.push(
      `  ${NAMESPACE}:accessLists: the identifier "${String(id)}" is declared twice${declaredAt(origins, "accessLists", config.accessLists, "identifier", id)}: each access list needs its own identifier`,
    );
  }
  // Natural keys: a create finds what an interrupted one made by them (docs/decisions.md).
  problems.push(
    ...sameNaturalKey(
      origins,
      "maskinportenClients",
      config.maskinportenClients.map((c) =>
        c.clientId === undefined ? [c.clientName.trim(), c.description.trim()] : undefined,
      ),
      (first) =>
        `has the clientName and description of ${first}: a create finds the client an interrupted create made by them, so give each client its own clientName or description`,
    ),
  );
  for (const key of ["maskinportenClients", "maskinportenClientKeys", "subscriptions"] as const) {
    const names = new Set<string>(config[key].map((entry) => entry.name));
    config[key].forEach((entry, i) =>
      (entry.aliases ?? []).forEach((alias, j) => {
        if (names.has(alias)) {
          problems.push(
            `  ${locateIn(origins, [key, i, "aliases", j])}: "${alias}" is the name of another entry of ${NAMESPACE}:${key}: an alias names what this entry was called before, so remove it`,
          );
        }
      }),
    );
  }
  problems.push(...sharedRemoteObjects(config, origins));
  problems.push(...vocabularyErrors(config, origins));
  problems.push(...subscriptionResourceErrors(config, origins));
  const declared = new Set(config.resources.map((r) => r.identifier));
  config.accessLists.forEach((list, i) =>
    list.resources.forEach((connection, j) => {
      if (!declared.has(connection.identifier)) {
        problems.push(
          `  ${locateIn(origins, ["accessLists", i, "resources", j, "identifier"])}: "${connection.identifier}" is not one of this stack's resources (${[...declared].join(", ") || "none declared"}): ${didYouMean(connection.identifier, [...declared])}the Resource Registry only connects lists to the owner's own resources, so declare it under altinn-iac:resources`,
        );
      }
    }),
  );
  return problems;
}

/** Entries whose natural key (undefined: none) repeats an earlier entry's, each named with the first. */
function sameNaturalKey(
  origins: Origins,
  key: "maskinportenClients",
  keys: ReadonlyArray<unknown[] | undefined>,
  reason: (first: string) => string,
): string[] {
  const firstAt = new Map<string, number>();
  return keys.flatMap((natural, i) => {
    if (natural === undefined) return [];
    const text = JSON.stringify(natural);
    const first = firstAt.get(text);
    if (first === undefined) {
      firstAt.set(text, i);
      return [];
    }
    return [`  ${locateIn(origins, [key, i])}: ${reason(locateIn(origins, [key, first]))}`];
  });
}

/**
 * Two entries that would hold one remote object: a change or delete of one would take it from
 * the other (Events answers identical subscriptions with one; a client_id is one client).
 */
function sharedRemoteObjects(config: StackConfig, origins: Origins): string[] {
  const holders = new Map<string, string[]>();
  const hold = (key: string, at: string) => holders.set(key, [...(holders.get(key) ?? []), at]);
  config.maskinportenClients.forEach((c, i) => {
    if (c.clientId === undefined) return;
    hold(`client_id ${c.clientId}`, locateIn(origins, ["maskinportenClients", i, "clientId"]));
  });
  config.maskinportenClientKeys.forEach((k, i) =>
    hold(`client_id ${k.clientId}`, locateIn(origins, ["maskinportenClientKeys", i, "clientId"])),
  );
  config.subscriptions.forEach((s, i) =>
    hold(
      `the Events subscription to ${s.resource} at ${s.endPoint}${s.subjectFilter ? ` for ${s.subjectFilter}` : ""}${s.typeFilter ? ` of ${s.typeFilter}` : ""}`,
      locateIn(origins, ["subscriptions", i]),
    ),
  );
  return [...holders].flatMap(([key, places]) =>
    places.length < 2
      ? []
      : [
          `  ${places[1]}: ${joinAnd(places)} declare ${key}, which is one remote object: a change or delete of one would take it from the other, so keep one of them`,
        ],
  );
}

/** The fields whose values name objects: the program and the engine look objects up by them. */
const NAME_FIELDS: ReadonlyArray<[IncludableKey, string]> = [
  ["resources", "identifier"],
  ["accessLists", "identifier"],
  ["maskinportenClients", "name"],
  ["maskinportenClientKeys", "name"],
  ["subscriptions", "name"],
  ["subscriptions", "resource"],
];

/**
 * Names JavaScript reserves, URL hosts that mix scripts, endpoints into the simulator's admin
 * API, and a verification that names no declared client or resource.
 */
function safetyChecks(config: StackConfig, origins: Origins): string[] {
  const problems: string[] = [];
  const reserved = (at: string, name: string) =>
    problems.push(
      `  ${at}: "${name}" is a name JavaScript objects reserve (${RESERVED_NAMES.join(", ")}), so it cannot name an object here: choose another, such as "${config.org.code}-${name.replace(/[^a-z0-9]+/g, "")}"`,
    );
  for (const [key, field] of NAME_FIELDS) {
    (config[key] as Array<Record<string, unknown>>).forEach((entry, i) => {
      const name = entry[field];
      if (typeof name === "string" && isReservedName(name))
        reserved(locateIn(origins, [key, i, field]), name);
    });
  }
  config.accessLists.forEach((list, i) =>
    list.resources.forEach((connection, j) => {
      if (isReservedName(connection.identifier))
        reserved(
          locateIn(origins, ["accessLists", i, "resources", j, "identifier"]),
          connection.identifier,
        );
    }),
  );
  for (const { path, value } of urlValues(config)) {
    const at = locateIn(origins, path);
    const problem = hostFinding(value).problem;
    if (problem) problems.push(`  ${at}: ${problem}`);
    const admin = config.environment === "local" ? simulatorAdminProblem(value) : undefined;
    if (admin) problems.push(`  ${at}: ${admin}`);
  }
  const verification = config.verification;
  if (verification) {
    const clients = [...config.maskinportenClients, ...config.maskinportenClientKeys].map(
      (c) => c.name,
    );
    if (!clients.includes(verification.client)) {
      problems.push(
        `  ${NAMESPACE}:verification.client: no Maskinporten client named "${verification.client}": ${didYouMean(verification.client, clients)}use one of ${clients.join(", ") || "(none declared: declare it under altinn-iac:maskinportenClients)"}`,
      );
    }
    const resources = config.resources.map((r) => r.identifier);
    if (!resources.includes(verification.resource)) {
      problems.push(
        `  ${NAMESPACE}:verification.resource: no resource "${verification.resource}" in altinn-iac:resources: ${didYouMean(verification.resource, resources)}use one of ${resources.join(", ") || "(none declared)"}`,
      );
    }
  }
  return problems;
}

/** Every string of the config that is an http(s) URL, with its path. */
function urlValues(config: StackConfig): Array<{ path: Array<string | number>; value: string }> {
  const found: Array<{ path: Array<string | number>; value: string }> = [];
  const walk = (value: unknown, path: Array<string | number>): void => {
    if (typeof value === "string") {
      if (/^https?:\/\//i.test(value)) found.push({ path, value });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, i]));
    } else if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
    }
  };
  for (const [key, value] of Object.entries(config)) walk(value, [key]);
  return found;
}

/** Not wrong, but worth a look in review: shown as warnings in preview. */
export function configWarnings(config: StackConfig): string[] {
  const origins = ORIGINS.get(config) ?? {};
  const hosts = urlValues(config).flatMap(({ path, value }) => {
    const warning = hostFinding(value).warning;
    return warning ? [`${locateIn(origins, path)}: ${warning}`] : [];
  });
  const prefixes = config.resources.flatMap((resource, i) =>
    new RegExp(`^${config.org.code}[-_]`).test(resource.identifier)
      ? []
      : [
          `${locateIn(origins, ["resources", i, "identifier"])}: "${resource.identifier}" does not start with "${config.org.code}-" or "${config.org.code}_": Altinn Studio only shows and publishes the org's resources with that prefix, so Studio users will not see this one`,
        ],
  );
  const long = (["resources", "accessLists"] as const).flatMap((key) =>
    config[key].flatMap((entry, i) =>
      entry.identifier.length > LONG_IDENTIFIER
        ? [
            `${locateIn(origins, [key, i, "identifier"])}: "${entry.identifier}" is ${entry.identifier.length} characters long: Altinn writes it in full in every URN, policy and message people see, so shorten it to a few words, such as "${config.org.code}-melding"`,
          ]
        : [],
    ),
  );
  return [...prefixes, ...long, ...hosts];
}

/**
 * Longer identifiers are warned about: Altinn accepts them (Correspondence up to 255 characters,
 * providers/altinn-resource.ts MAX_IDENTIFIER_LENGTH), but people read them in every URN and
 * list; the limit of 100 is this project's choice, not Altinn's.
 */
const LONG_IDENTIFIER = 100;

/** Where an entry of a loaded config was declared: `altinn-iac:accessLists.2` or `file: accessLists.0`. */
export function locateEntry(config: StackConfig, path: ReadonlyArray<PropertyKey>): string {
  return locateIn(ORIGINS.get(config) ?? {}, path);
}

/**
 * Role codes and access packages of the template and rules forms that Altinn does not know (the
 * ResourcePolicy provider lints XML policies, and warns about deprecated values, at preview), and
 * misspelled Altinn scopes of the clients.
 */
function vocabularyErrors(config: StackConfig, origins: Origins): string[] {
  const problems: string[] = [];
  const check = (path: Array<string | number>, finding: VocabularyFinding | undefined) => {
    if (finding?.severity === "error")
      problems.push(`  ${locateIn(origins, path)}: ${finding.message}: ${finding.fix}`);
  };
  config.maskinportenClients.forEach((client, i) =>
    client.scopes.forEach((scope, j) =>
      check(["maskinportenClients", i, "scopes", j], scopeFinding(scope)),
    ),
  );
  config.resources.forEach((resource, i) => {
    const policy = resource.policy;
    const at = ["resources", i, "policy"];
    if (policy?.form === "template") {
      policy.recipients.roles.forEach((role, j) =>
        check([...at, "recipients", "roles", j], roleFinding(role)),
      );
      policy.recipients.accessPackages.forEach((name, j) =>
        check([...at, "recipients", "accessPackages", j], accessPackageFinding(name)),
      );
    }
    if (policy?.form === "rules") {
      policy.rules.forEach((rule, r) => {
        const subjects = (rule as { subjects?: unknown } | null)?.subjects;
        if (!Array.isArray(subjects)) return;
        subjects.forEach((subject: unknown, s) => {
          if (!subject || typeof subject !== "object") return;
          const { role, accessPackage, attribute, value } = subject as Record<string, unknown>;
          const path = [...at, "rules", r, "subjects", s];
          if (typeof role === "string" && role.trim() !== "")
            check([...path, "role"], roleFinding(role));
          if (typeof accessPackage === "string" && accessPackage.trim() !== "")
            check([...path, "accessPackage"], accessPackageFinding(accessPackage));
          if (typeof attribute === "string" && typeof value === "string" && value.trim() !== "")
            check([...path, "value"], subjectFinding(attribute, value));
        });
      });
    }
  });
  return problems;
}

/**
 * A subscription's resource written as a URN, or a typo of one of this stack's resources: Events
 * would refuse it (403, as if the policy were wrong) at `up`.
 */
function subscriptionResourceErrors(config: StackConfig, origins: Origins): string[] {
  const declared = config.resources.map((r) => r.identifier);
  return config.subscriptions.flatMap((spec, i) => {
    const at = locateIn(origins, ["subscriptions", i, "resource"]);
    const urn = /^urn:altinn:resource:/i.exec(spec.resource);
    if (urn) {
      return [
        `  ${at}: "${spec.resource}" is a URN, but resource takes the identifier alone (the program adds urn:altinn:resource:): write ${spec.resource.slice(urn[0].length)}`,
      ];
    }
    if (declared.includes(spec.resource)) return [];
    const near = closest(spec.resource, declared);
    return near
      ? [
          `  ${at}: "${spec.resource}" is not one of this stack's resources (${declared.join(", ")}): did you mean "${near}"? (a resource managed elsewhere is named by its exact identifier)`,
        ]
      : [];
  });
}
