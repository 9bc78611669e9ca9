import type { parseDocument } from "yaml";
import { canonicalJson } from "../providers/lib/check";
import { shown } from "./stack-values";
import { appendEntries, updateValue } from "./yaml-edit";

/**
 * Promote, entry by entry: an object the source declares is matched to the target's by its
 * identity (IDENTITY), the source's fields taken over the target's but for those that belong to
 * the target's environment (TARGET_FIELDS) or name the source's (SOURCE_ONLY_FIELDS); a new
 * object is added without what names a party of the source environment, each reported.
 */

const NS = "altinn-iac:";

export type Entry = Record<string, unknown>;

export const COLLECTIONS = [
  "resources",
  "accessLists",
  "maskinportenClients",
  "subscriptions",
] as const;

type Collection = (typeof COLLECTIONS)[number];

/** How an entry of a collection is the same object in both stacks. */
const IDENTITY: Record<Collection, string> = {
  resources: "identifier",
  accessLists: "identifier",
  maskinportenClients: "name",
  subscriptions: "name",
};

/** Fields whose value belongs to the environment: the target's is kept when it has one. */
const TARGET_FIELDS: Record<Collection, string[]> = {
  resources: ["title", "description", "rightDescription", "homepage", "contactPoints"],
  accessLists: ["name", "description", "members"],
  maskinportenClients: ["clientName", "description"],
  subscriptions: ["endPoint", "subjectFilter"],
};

/** Fields that name an object or a key of the source environment: never copied. */
const SOURCE_ONLY_FIELDS: Record<Collection, string[]> = {
  resources: ["adopt"],
  accessLists: ["adopt"],
  maskinportenClients: ["clientId", "key"],
  subscriptions: [],
};

/** Norwegian organisation numbers start with 8 or 9; Tenor's synthetic test ones do not. */
const PRODUCTION_ORGNR = /^[89]\d{8}$/;

const TEST_WORDING = /\b(test|tt02|staging)\b/i;

/**
 * The source's entries of one collection promoted into the target's document: matched entries
 * updated field by field, new ones appended; what is kept or not mapped is reported.
 */
export function promoteCollection(
  key: Collection,
  sourceEntries: Entry[],
  targetValue: unknown,
  document: ReturnType<typeof parseDocument>,
  overwriteTargetValues: boolean,
  unmapped: string[],
  kept: string[],
): void {
  const path = ["config", `${NS}${key}`];
  const targetEntries = asEntries(targetValue);
  const id = IDENTITY[key];
  const matched = new Set<number>();
  const additions: Entry[] = [];
  for (const source of sourceEntries) {
    const index = targetEntries.findIndex((t, i) => !matched.has(i) && t[id] === source[id]);
    if (index < 0) {
      additions.push(source);
      continue;
    }
    matched.add(index);
    const target = targetEntries[index]!;
    const at = `${NS}${key}.${index}`;
    const mapped = mapEntry(key, structuredClone(source), at, unmapped, target);
    const fields = new Set([...Object.keys(mapped), ...Object.keys(target)]);
    for (const field of fields) {
      if (SOURCE_ONLY_FIELDS[key].includes(field)) continue;
      const from = mapped[field];
      const own = target[field];
      if (canonicalJson(from) === canonicalJson(own)) continue;
      const targetOwned = TARGET_FIELDS[key].includes(field);
      const emptiesMembers =
        field === "members" &&
        Array.isArray(from) &&
        from.length === 0 &&
        Array.isArray(own) &&
        own.length > 0;
      if (
        from === undefined ||
        (own !== undefined && targetOwned && !overwriteTargetValues) ||
        emptiesMembers
      ) {
        kept.push(
          `${at}.${field}: the target's ${shown(own)} is kept; the source has ${shown(from)}${canonicalJson(from) !== canonicalJson(source[field]) ? " once its test organisations are left out" : ""}${from !== undefined && !emptiesMembers ? " (--overwrite-target-values takes it)" : ""}`,
        );
        continue;
      }
      updateValue(document, [...path, index, field], own, from);
      if (targetOwned) warnTestWording(key, `${at}.${field}`, from, unmapped);
    }
  }
  targetEntries.forEach((t, i) => {
    if (!matched.has(i)) {
      kept.push(
        `${NS}${key}.${i}: ${String(t[id])} is kept: the source does not declare it (remove it by hand if it should go)`,
      );
    }
  });
  if (additions.length === 0) return;
  const base = targetEntries.length;
  const mapped = additions.map((entry, i) =>
    mapEntry(key, structuredClone(entry), `${NS}${key}.${base + i}`, unmapped),
  );
  appendEntries(document, path, mapped);
}

/**
 * The source entry without what names the source environment. For an entry the target already
 * has (`target`), members are not filtered here: the target's own are kept.
 */
function mapEntry(
  key: Collection,
  entry: Entry,
  at: string,
  unmapped: string[],
  target?: Entry,
): Entry {
  if (entry.adopt !== undefined) {
    delete entry.adopt;
    if (!target) {
      unmapped.push(
        `${at}.adopt: dropped (adopting in the source says nothing about the target): run npm run export against the target stack to adopt what exists there`,
      );
    }
  }
  switch (key) {
    case "resources":
      if (!target) {
        for (const [field, text] of texts(entry)) {
          if (TEST_WORDING.test(text)) {
            unmapped.push(
              `${at}.${field}: "${text}" mentions a test environment: kept as it is, reword it for production`,
            );
          }
        }
      }
      return entry;
    case "accessLists": {
      const members = (entry.members as unknown[] | undefined) ?? [];
      const production = members.filter((m) => PRODUCTION_ORGNR.test(String(m)));
      const dropped = members.filter((m) => !production.includes(m));
      if (dropped.length > 0 && (!target || target.members === undefined)) {
        unmapped.push(
          `${at}.members: ${dropped.join(", ")} left out: not production organisation numbers (Tenor test organisations, or party uuids of the test environment); add the production members`,
        );
      }
      return { ...entry, members: production };
    }
    case "maskinportenClients": {
      if (entry.clientId !== undefined && !target) {
        unmapped.push(
          `${at}.clientId: ${String(entry.clientId)} is a client of the source environment: left out, so up creates the client (or set the target's client_id to adopt it)`,
        );
      }
      delete entry.clientId;
      const clientKey = entry.key as Entry | undefined;
      if (clientKey?.publicJwk !== undefined) {
        if (!target) {
          unmapped.push(
            `${at}.key.publicJwk: the source's key is not reused: left out, so up generates a key (or bring the target's public key)`,
          );
        }
        delete clientKey.publicJwk;
      }
      return entry;
    }
    case "subscriptions":
      if (!target) {
        unmapped.push(
          `${at}.endPoint: "${String(entry.endPoint)}" is kept as it is: check that it is the target's receiver`,
        );
      }
      return entry;
  }
}

/** A text of the source taken over the target's (--overwrite-target-values) that says "test". */
function warnTestWording(key: Collection, at: string, value: unknown, unmapped: string[]): void {
  if (key !== "resources") return;
  const values = value && typeof value === "object" ? Object.values(value as Entry) : [value];
  for (const text of values) {
    if (typeof text === "string" && TEST_WORDING.test(text)) {
      unmapped.push(`${at}: "${text}" mentions a test environment: reword it for production`);
    }
  }
}

export function asEntries(value: unknown): Entry[] {
  return Array.isArray(value) ? (value as Array<Entry | null>).map((e) => e ?? {}) : [];
}

/** The localized texts and URLs of a resource, as [path, text]. */
function texts(resource: Entry): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  for (const field of ["title", "description", "rightDescription"]) {
    const localized = resource[field] as Record<string, unknown> | undefined;
    for (const [language, text] of Object.entries(localized ?? {})) {
      if (typeof text === "string") result.push([`${field}.${language}`, text]);
    }
  }
  if (typeof resource.homepage === "string") result.push(["homepage", resource.homepage]);
  return result;
}
