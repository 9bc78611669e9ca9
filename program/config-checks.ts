import { z } from "zod";
import { closest } from "../policies/findings";
import { zodFailures } from "../providers/lib/check";
import {
  hostFinding,
  isReservedName,
  RESERVED_NAMES,
  simulatorAdminProblem,
} from "../providers/lib/hostile";
import { objectKinds } from "../providers/object-kinds";
import {
  accessPackageFinding,
  roleFinding,
  scopeFinding,
  subjectFinding,
  type VocabularyFinding,
} from "../vocabulary";
import { issueText } from "./config-issues";
import {
  declaredAt,
  didYouMean,
  joinAnd,
  locateIn,
  NAMESPACE,
  ORIGINS,
  repeatedValues,
  valueAt,
  type Origins,
} from "./config-paths";
import { collection, type StackConfig } from "./config-schema";
import type { IncludableKey } from "./include";

/**
 * What the schema alone cannot check in a stack config: the providers' own rules on each entry,
 * references and duplicates between entries, names and URLs that are unsafe, and warnings.
 */

/**
 * The providers' own validation, run on the stack file before anything is registered, so every
 * problem is named by its key path in the stack file (the provider's `check` runs it again).
 */
function entryChecks(config: StackConfig, origins: Origins): string[] {
  const problems: string[] = [];
  const report = (entry: [string, number], failures: Array<{ property: string; reason: string }>) =>
    failures.forEach((f) => {
      const path = [...entry, ...f.property.split(".")];
      const value = valueAt(config, path);
      const shown =
        value === undefined || f.reason.includes(JSON.stringify(value))
          ? ""
          : ` (got ${JSON.stringify(value)})`;
      problems.push(`  ${locateIn(origins, path)}: ${f.reason}${shown}`);
    });
  for (const { stack, lifecycle } of objectKinds()) {
    if (!stack || !lifecycle) continue;
    collection(config, stack.key).forEach((entry, i) => {
      const parsed = lifecycle.schema.safeParse(stack.inputs(entry, config.org));
      const rulesApply = stack.rulesApply?.(entry) ?? true;
      report(
        [stack.key, i],
        parsed.success
          ? rulesApply
            ? lifecycle.rules(parsed.data)
            : []
          : readableFailures(parsed.error, entry, Object.keys(lifecycle.schema.shape)),
      );
    });
  }
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
export function crossChecks(config: StackConfig, origins: Origins): string[] {
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
    collection(config, key).forEach((entry, i) => {
      const name = (entry as Record<string, unknown>)[field];
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
