import { parseDocument } from "yaml";
import { canonicalJson } from "../providers/lib/check";
import { differences, subscriptionKey } from "./export-differences";
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
