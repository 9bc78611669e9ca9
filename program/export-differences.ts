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
import type { ExportedSetup, ExportResult } from "./export-setup";
import { shown } from "./stack-values";

/**
 * What differs between a declared object of a stack file and the live one export read, field by
 * field and compared as the providers compare them (their defaults filled in, policies by meaning,
 * members by party, subscriptions as Events stores them), each with the live value to write.
 */

type Entry = Record<string, unknown>;
type Collection = keyof ExportedSetup;

export interface Difference {
  /** The field's path in the entry, dot-separated. */
  field: string;
  /** The difference in words. */
  text: string;
  /** The live value to write (undefined: remove the field). */
  live: unknown;
}

/** What a comparison needs of the stack: its org, and the client_id per client name its state holds. */
export interface ComparedStack {
  org: { code: string; number: string };
  managed: { clients: ReadonlyMap<string, string> };
}

/** How a declared entry differs from the live object it was matched to. */
export function differences(
  key: Collection,
  declared: Entry,
  live: Entry,
  exported: ExportResult,
  options: ComparedStack,
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
export function subscriptionKey(entry: Entry): Entry {
  return {
    resource: typeof entry.resource === "string" ? entry.resource.toLowerCase() : entry.resource,
    endPoint: typeof entry.endPoint === "string" ? absoluteUri(entry.endPoint) : entry.endPoint,
    typeFilter: entry.typeFilter,
    subjectFilter: entry.subjectFilter,
  };
}

/** The declared fields compared as the provider compares them: with its defaults filled in. */
function resourceDifferences(declared: Entry, live: Entry, options: ComparedStack): Difference[] {
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
  options: ComparedStack,
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

function clientDifferences(declared: Entry, live: Entry, options: ComparedStack): Difference[] {
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

function list(values: string[]): string {
  return values.length > 10
    ? `${values.slice(0, 10).join(", ")} and ${values.length - 10} more`
    : values.join(", ");
}
