import { parseDocument } from "yaml";
import { describeObligations, describeRule } from "../policies/describe";
import { policySchema, type Policy } from "../policies/model";
import { samePolicy } from "../policies/normalize";
import { readPolicy } from "../policies/parse";
import { canonicalMember, normalizeConnections } from "../providers/access-list";
import {
  altinnResourceInputsSchema,
  DEFAULT_AVAILABLE_FOR_TYPE,
} from "../providers/altinn-resource";
import { absoluteUri } from "../providers/api/events";
import { canonicalJson } from "../providers/lib/check";
import { policySpec } from "./config";
import { declaredPolicy } from "./event-subscriptions";
import { uniqueName, type ExportedSetup, type ExportResult } from "./export-setup";
import type { IncludedFile } from "./include";
import { appendEntries, stackFileText, updateValue } from "./yaml-edit";

/**
 * Export into a stack file that may already declare objects: a merge, never a rewrite. A live
 * object is matched to a declared one by its natural key (a resource's or list's identifier, a
 * client's client_id or clientName, a subscription's id or endpoint and filters), never by logical
 * name, so a declared object keeps its name, its form (a `template:` policy, flow or block style)
 * and its comments, and the stack's state still points at it. Only what is live and not declared
 * is added. Where a declared object differs from the live one, the difference is reported for
 * review (up makes the live object as declared); `overwriteDifferences` writes the live value
 * over the declared one instead, in the stack file only (export never writes included files).
 */

export interface MergeOptions {
  org: { code: string; number: string };
  overwriteDifferences: boolean;
  /**
   * What the stack's state holds, from its outputs: client_id per client name, Events id per
   * subscription name, the identifiers of resources and access lists. Empty before the first up.
   */
  managed: {
    clients: Map<string, string>;
    subscriptions: Map<string, string>;
    resources?: Set<string>;
    accessLists?: Set<string>;
  };
}

export interface MergeResult {
  /** The stack file's new text (the same text when nothing changed). */
  text: string;
  /** One line per object added: what it is and its key path. */
  added: string[];
  /** How many declared objects were found live and kept as written. */
  kept: number;
  /** What differs between the declared and the live setup, one line each with its key path. */
  differences: string[];
  /** The differences written into the stack file (with overwriteDifferences). */
  overwritten: string[];
  /** Export's notes about the added objects. */
  notes: string[];
}

type Entry = Record<string, unknown>;
type Collection = keyof ExportedSetup;

interface Declared {
  entry: Entry;
  /** Its key path as the user finds it: `altinn-iac:resources.0` or `setup/x.yaml: resources.0`. */
  at: string;
  /** Its index in the stack file's collection; undefined in an included file. */
  index?: number;
  /** A maskinportenClientKeys entry: a client the stack holds only the keys of. */
  keysOnly?: boolean;
}

interface Difference {
  /** The field's path in the entry, dot-separated. */
  field: string;
  /** The difference in words. */
  text: string;
  /** The live value to write (undefined: remove the field). */
  live: unknown;
}

const NS = "altinn-iac:";
const COLLECTIONS: Collection[] = [
  "resources",
  "accessLists",
  "maskinportenClients",
  "subscriptions",
];

export function mergeSetup(
  stackFile: string,
  exported: ExportResult,
  files: IncludedFile[],
  options: MergeOptions,
): MergeResult {
  const document = parseDocument(stackFile);
  const config = ((document.toJS() as { config?: Entry } | null)?.config ?? {}) as Entry;
  const result: MergeResult = {
    text: stackFile,
    added: [],
    kept: 0,
    differences: [],
    overwritten: [],
    notes: [],
  };
  let changed = false;
  for (const key of COLLECTIONS) {
    const live = exported.setup[key];
    if (live === undefined) continue;
    const declared = declaredEntries(config, files, key);
    const taken = new Set(declared.map((d) => String(d.entry.name)));
    const matched = new Set<Declared>();
    const additions: Entry[] = [];
    for (const entry of live) {
      const match = declared.find(
        (d) => !matched.has(d) && sameObject(key, d, entry, exported, options),
      );
      if (!match && managedElsewhere(key, entry, exported, options)) {
        // Removed from the stack file but still in state: adding it back would undo the removal.
        result.differences.push(
          `${describe(key, entry)} is not declared, but this stack manages it: the next up deletes it (declare it again to keep it)`,
        );
        continue;
      }
      if (!match) {
        // Only clients and subscriptions have a logical name (an access list's name is its title).
        const named = key === "maskinportenClients" || key === "subscriptions";
        const name = named ? { name: uniqueName(String(entry.name), taken) } : {};
        additions.push({ ...entry, ...name });
        result.notes.push(
          ...(exported.entryNotes.get(entry) ?? []),
          ...namesakes(key, entry, declared),
        );
        continue;
      }
      matched.add(match);
      result.kept++;
      if (match.keysOnly) continue;
      for (const difference of differences(key, match.entry, entry, exported, options)) {
        const line = `${match.at}.${difference.field}: ${difference.text}`;
        if (options.overwriteDifferences && match.index !== undefined) {
          const field = difference.field.split(".");
          updateValue(
            document,
            ["config", `${NS}${key}`, match.index, ...field],
            field.reduce<unknown>((value, k) => (value as Entry | undefined)?.[k], match.entry),
            difference.live,
          );
          result.overwritten.push(line);
          changed = true;
        } else {
          result.differences.push(
            match.index === undefined
              ? `${line} (in an included file: export does not write it)`
              : line,
          );
        }
      }
    }
    for (const d of declared) {
      if (!matched.has(d) && !d.keysOnly) result.differences.push(notLive(key, d));
    }
    if (additions.length > 0) {
      const base = appendEntries(document, ["config", `${NS}${key}`], additions);
      additions.forEach((entry, i) =>
        result.added.push(`${describe(key, entry)} as ${NS}${key}.${base + i}`),
      );
      changed = true;
    }
  }
  if (changed) result.text = stackFileText(document, stackFile);
  return result;
}

/** The collection's entries in the stack file, then in each included file, in order. */
function declaredEntries(config: Entry, files: IncludedFile[], key: Collection): Declared[] {
  const inStackFile = (k: string): Entry[] => {
    const own = config[`${NS}${k}`];
    if (own !== undefined && !Array.isArray(own)) {
      throw new Error(`${NS}${k} is not a list: fix the stack file before export merges into it`);
    }
    return ((own ?? []) as Array<Entry | null>).map((entry) => entry ?? {});
  };
  const inFiles = (k: Collection | "maskinportenClientKeys", keysOnly?: boolean): Declared[] =>
    files.flatMap((file) =>
      (file.entries[k] ?? []).map((entry, index) => ({
        entry: (entry ?? {}) as Entry,
        at: `${file.path}: ${k}.${index}`,
        ...(keysOnly ? { keysOnly } : {}),
      })),
    );
  const declared: Declared[] = [
    ...inStackFile(key).map((entry, index) => ({ entry, at: `${NS}${key}.${index}`, index })),
    ...inFiles(key),
  ];
  if (key !== "maskinportenClients") return declared;
  return [
    ...declared,
    ...inStackFile("maskinportenClientKeys").map((entry, index) => ({
      entry,
      at: `${NS}maskinportenClientKeys.${index}`,
      keysOnly: true,
    })),
    ...inFiles("maskinportenClientKeys", true),
  ];
}

/** Whether the stack's state holds this live object (under a name the file no longer declares). */
function managedElsewhere(
  key: Collection,
  live: Entry,
  exported: ExportResult,
  options: MergeOptions,
): boolean {
  const { managed } = options;
  switch (key) {
    case "resources":
      return managed.resources?.has(String(live.identifier)) ?? false;
    case "accessLists":
      return managed.accessLists?.has(String(live.identifier)) ?? false;
    case "maskinportenClients":
      return [...managed.clients.values()].includes(String(live.clientId));
    case "subscriptions":
      return [...managed.subscriptions.values()].includes(exported.subscriptionIds.get(live) ?? "");
  }
}

/** A live client that is not declared but has a declared client's name may be a twin. */
function namesakes(key: Collection, live: Entry, declared: Declared[]): string[] {
  if (key !== "maskinportenClients") return [];
  const name = String(live.clientName).trim();
  return declared
    .filter(
      (d) =>
        !d.keysOnly && typeof d.entry.clientName === "string" && d.entry.clientName.trim() === name,
    )
    .map(
      (d) =>
        `client ${String(live.clientId)} has the clientName of ${d.at}, which is another live client: if it is a twin an interrupted create left, delete it (in Samarbeidsportalen, or by removing its new entry after the next up)`,
    );
}

/** Whether a declared entry and a live one are the same remote object, by natural key. */
function sameObject(
  key: Collection,
  declared: Declared,
  live: Entry,
  exported: ExportResult,
  options: MergeOptions,
): boolean {
  const d = declared.entry;
  switch (key) {
    case "resources":
    case "accessLists":
      return d.identifier === live.identifier;
    case "maskinportenClients": {
      const clientId =
        d.clientId ?? (declared.keysOnly ? undefined : options.managed.clients.get(String(d.name)));
      if (clientId !== undefined) return String(clientId) === live.clientId;
      return (
        typeof d.clientName === "string" && d.clientName.trim() === String(live.clientName).trim()
      );
    }
    case "subscriptions": {
      const id = options.managed.subscriptions.get(String(d.name));
      if (id !== undefined && id === exported.subscriptionIds.get(live)) return true;
      return canonicalJson(subscriptionKey(d)) === canonicalJson(subscriptionKey(live));
    }
  }
}

function differences(
  key: Collection,
  declared: Entry,
  live: Entry,
  exported: ExportResult,
  options: MergeOptions,
): Difference[] {
  switch (key) {
    case "resources":
      return resourceDifferences(declared, live, options);
    case "accessLists":
      return accessListDifferences(
        declared,
        live,
        exported.memberKeys.get(String(live.identifier)),
      );
    case "maskinportenClients":
      return clientDifferences(declared, live, options);
    case "subscriptions":
      return fieldDifferences(subscriptionKey(declared), subscriptionKey(live), [
        "resource",
        "endPoint",
        "typeFilter",
        "subjectFilter",
      ]).map((d) => ({ ...d, live: live[d.field] }));
  }
}

/** A subscription's natural key in the form Events stores it (EventSubscription compares so). */
function subscriptionKey(entry: Entry): Entry {
  return {
    resource: typeof entry.resource === "string" ? entry.resource.toLowerCase() : entry.resource,
    endPoint: typeof entry.endPoint === "string" ? absoluteUri(entry.endPoint) : entry.endPoint,
    typeFilter: entry.typeFilter,
    subjectFilter: entry.subjectFilter,
  };
}

/** The declared fields compared as the provider compares them: with its defaults filled in. */
function resourceDifferences(declared: Entry, live: Entry, options: MergeOptions): Difference[] {
  const owner = { organization: options.org.number, orgcode: options.org.code };
  const { policy: declaredPolicySpec, adopt: _declaredAdopt, ...declaredFields } = declared;
  const { policy: livePolicy, adopt: _liveAdopt, ...liveFields } = live;
  const d = altinnResourceInputsSchema.safeParse({
    ...declaredFields,
    hasCompetentAuthority: owner,
  });
  const l = altinnResourceInputsSchema.safeParse({ ...liveFields, hasCompetentAuthority: owner });
  const result: Difference[] = [];
  if (d.success && l.success) {
    // Undeclared, the provider gives a new resource its default and leaves a live one without any.
    if (d.data.availableForType === undefined && l.data.availableForType !== undefined) {
      d.data.availableForType = DEFAULT_AVAILABLE_FOR_TYPE;
    }
    const ignored = [
      "identifier",
      "hasCompetentAuthority",
      "adopt",
      "accessListModeManagedSeparately",
    ];
    const fields = [...new Set([...Object.keys(d.data), ...Object.keys(l.data)])].filter(
      (f) => !ignored.includes(f),
    );
    for (const field of fields) {
      const a = (d.data as Entry)[field];
      const b = (l.data as Entry)[field];
      if (canonicalJson(a) === canonicalJson(b)) continue;
      result.push({
        field,
        text: `declared ${shown(declaredFields[field] ?? a)}, live ${shown(b)}`,
        live: liveFields[field],
      });
    }
  } else {
    // The preview names what is wrong with the declared entry; compare what was written.
    result.push(...fieldDifferences(declaredFields, liveFields, Object.keys(declaredFields)));
  }
  const policy = policyDifference(declaredPolicySpec, livePolicy, String(live.identifier), options);
  if (policy) result.push(policy);
  return result;
}

function policyDifference(
  declared: unknown,
  live: unknown,
  resourceId: string,
  options: MergeOptions,
): Difference | undefined {
  if (declared === undefined && live === undefined) return undefined;
  const parsed = declared === undefined ? undefined : policySpec.safeParse(declared);
  const a = parsed?.success ? declaredPolicy(parsed.data, resourceId, options.org.code) : undefined;
  const b = livePolicyModel(live, resourceId);
  if (a && b && samePolicy(a, b, resourceId)) return undefined;
  const rules = (policy: Policy | undefined, given: unknown) =>
    given === undefined
      ? "none"
      : policy
        ? [...policy.rules.map(describeRule), ...describeObligations(policy)].join("; ")
        : "a policy the rule model cannot read";
  return {
    field: "policy",
    text: `the live policy means something else than the declared one: declared ${rules(a, declared)}; live ${rules(b, live)}`,
    live,
  };
}

function livePolicyModel(live: unknown, resourceId: string): Policy | undefined {
  if (live === undefined || live === null || typeof live !== "object") return undefined;
  if ("xml" in live) return readPolicy(String(live.xml), { resourceId }).policy;
  const parsed = policySchema.safeParse(live);
  return parsed.success ? parsed.data : undefined;
}

function accessListDifferences(
  declared: Entry,
  live: Entry,
  liveMemberKeys: string[][] | undefined,
): Difference[] {
  const result = fieldDifferences(
    { name: declared.name, description: declared.description ?? "" },
    { name: live.name, description: live.description ?? "" },
    ["name", "description"],
  ).map((d) => (d.field === "description" ? { ...d, live: live.description } : d));
  const members = ((declared.members ?? []) as unknown[]).map(String);
  const wanted = new Map(members.map((m) => [canonicalMember(m) ?? m, m]));
  const liveKeys = liveMemberKeys ?? ((live.members ?? []) as string[]).map((m) => [m]);
  const found = new Set<string>();
  const notDeclared: string[] = [];
  const projected = liveKeys.map((keys) => {
    const hit = keys.find((k) => wanted.has(k));
    if (hit !== undefined) {
      found.add(hit);
      return wanted.get(hit)!;
    }
    notDeclared.push(keys[0] ?? "?");
    return keys[0] ?? "?";
  });
  const notLive = [...wanted.entries()].filter(([k]) => !found.has(k)).map(([, m]) => m);
  if (notDeclared.length > 0 || notLive.length > 0) {
    const parts = [
      ...(notLive.length > 0 ? [`declared but not live: ${list(notLive)}`] : []),
      ...(notDeclared.length > 0 ? [`live but not declared: ${list(notDeclared)}`] : []),
    ];
    result.push({ field: "members", text: parts.join("; "), live: projected.sort() });
  }
  const connections = (entry: Entry) =>
    normalizeConnections(
      (entry.resources ?? []) as Array<{ identifier: string; actionFilters?: string[] }>,
    );
  if (canonicalJson(connections(declared)) !== canonicalJson(connections(live))) {
    result.push({
      field: "resources",
      text: `declared ${shown(declared.resources ?? [])}, live ${shown(live.resources)}`,
      live: live.resources,
    });
  }
  return result;
}

function clientDifferences(declared: Entry, live: Entry, options: MergeOptions): Difference[] {
  const sorted = (value: unknown) => (Array.isArray(value) ? [...value].map(String).sort() : value);
  const result = fieldDifferences(
    { ...declared, scopes: sorted(declared.scopes ?? []) },
    { ...live, scopes: sorted(live.scopes) },
    [
      "clientName",
      "description",
      "scopes",
      ...(declared.accessTokenLifetime !== undefined ? ["accessTokenLifetime"] : []),
    ],
  ).map((d) => (d.field === "scopes" ? { ...d, live: live.scopes } : d));
  const declaredKey = (declared.key as { publicJwk?: { kid?: unknown } } | undefined)?.publicJwk;
  const liveKey = (live.key as { publicJwk?: { kid?: unknown } } | undefined)?.publicJwk;
  if (declaredKey !== undefined && declaredKey.kid !== liveKey?.kid) {
    result.push({
      field: "key.publicJwk",
      text: `declared key ${String(declaredKey.kid)}, live key ${liveKey ? String(liveKey.kid) : "none"}`,
      live: liveKey,
    });
  }
  if (declared.clientId === undefined && !options.managed.clients.has(String(declared.name))) {
    result.push({
      field: "clientId",
      text: `the live client ${String(live.clientId)} has this clientName and this stack's state does not hold it: set clientId: ${String(live.clientId)} to adopt it rather than make a second client`,
      live: live.clientId,
    });
  }
  return result;
}

function fieldDifferences(declared: Entry, live: Entry, fields: string[]): Difference[] {
  return fields.flatMap((field) =>
    canonicalJson(declared[field]) === canonicalJson(live[field])
      ? []
      : [
          {
            field,
            text: `declared ${shown(declared[field])}, live ${shown(live[field])}`,
            live: live[field],
          },
        ],
  );
}

function notLive(key: Collection, declared: Declared): string {
  const what =
    key === "maskinportenClients" && declared.entry.clientId !== undefined
      ? `no live client has its clientId ${String(declared.entry.clientId)}: up fails on it until it is fixed`
      : "up creates it";
  return `${declared.at}: declared but not found live: ${what}`;
}

function describe(key: Collection, entry: Entry): string {
  switch (key) {
    case "resources":
      return `resource ${String(entry.identifier)}`;
    case "accessLists":
      return `access list ${String(entry.identifier)}`;
    case "maskinportenClients":
      return `client ${String(entry.clientId)} ("${String(entry.clientName)}")`;
    case "subscriptions":
      return `the subscription of ${String(entry.resource)} to ${String(entry.endPoint)}`;
  }
}

function shown(value: unknown): string {
  const text = value === undefined ? "nothing" : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

function list(values: string[]): string {
  return values.length > 10
    ? `${values.slice(0, 10).join(", ")} and ${values.length - 10} more`
    : values.join(", ");
}
