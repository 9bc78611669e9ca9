import { closest } from "../policies/findings";
import { includableKeys, type IncludableKey, type IncludedFile } from "./include";

/**
 * Where the user wrote each part of a loaded stack config: the stack file or an included file,
 * and the key paths messages name.
 */

/** Where each collection entry was declared: the stack file (no file) or an included file. */
export interface EntryOrigin {
  file?: string;
  /** Its index in that file's collection. */
  index: number;
}
export type Origins = Partial<Record<IncludableKey, EntryOrigin[]>>;

/** The origins of each loaded config's entries, for warnings named after the program has it. */
export const ORIGINS = new WeakMap<object, Origins>();

/**
 * Appends each included file's collections to the stack file's, in file order, and returns where
 * every entry came from. A stack-file collection that is not a list is left for the schema to
 * report (its included entries are checked once it is fixed).
 */
export function mergeIncluded(raw: Record<string, unknown>, files: IncludedFile[]): Origins {
  const origins: Origins = {};
  for (const key of includableKeys()) {
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
export function locateIn(origins: Origins, path: ReadonlyArray<PropertyKey>): string {
  const [key, index, ...rest] = path.map(String);
  const origin = origins[key as IncludableKey]?.[Number(index)];
  if (origin?.file === undefined) return keyPath(path);
  return [`${origin.file}: ${key}`, String(origin.index), ...rest].join(".");
}

/**
 * Where the entries whose `field` is `value` are declared, as " (at A and B)", when an included
 * file holds entries of the collection (a stack file's own duplicates keep their short message).
 */
export function declaredAt(
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
export function repeatedValues(entries: unknown, field: string): unknown[] {
  if (!Array.isArray(entries)) return [];
  const values = entries.map((e) => (e as Record<string, unknown> | null)?.[field]);
  return [...new Set(values.filter((v, i) => v !== undefined && values.indexOf(v) !== i))];
}

export function joinAnd(items: string[]): string {
  return items.length <= 1
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

export const NAMESPACE = "altinn-iac";

export function keyPath(path: ReadonlyArray<PropertyKey>): string {
  return [`${NAMESPACE}:${String(path[0] ?? "")}`, ...path.slice(1).map(String)].join(".");
}

export function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[String(segment)];
  }
  return current !== null && typeof current === "object" ? undefined : current;
}

/** `did you mean "x"? ` when a candidate is close, to put before the fix. */
export function didYouMean(value: string, candidates: string[]): string {
  const close = closest(value, candidates);
  return close ? `did you mean "${close}"? Otherwise ` : "";
}
