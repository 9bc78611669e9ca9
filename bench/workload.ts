/**
 * The pure parts of `npm run bench` (bench/run.ts): the stack config of N managed objects, the
 * classification of the simulator's call log, and the physical minimum of calls per operation.
 * No HTTP and no engine here, so test/unit/bench-workload.test.ts can check them exactly.
 */
import type { CallRecord } from "../simulator/server";

/** The operations the benchmark runs, in order, on one stack. */
export const OPERATIONS = ["up", "noop-up", "preview", "refresh", "change"] as const;
export type Operation = (typeof OPERATIONS)[number];

export const OPERATION_LABELS: Record<Operation, string> = {
  up: "up from empty",
  "noop-up": "no-op up",
  preview: "preview",
  refresh: "refresh",
  change: "one-field change",
};

/** The managed objects of one benchmark stack, by kind (what the physical minimum is made of). */
export interface Workload {
  resources: number;
  policies: number;
  /** One entry per access list. */
  accessLists: Array<{ members: number; connections: number }>;
  clients: number;
  keys: number;
  subscriptions: number;
}

export interface WorkloadOptions {
  /** Members of each access list. @default 150 (two pages of 100, two write batches) */
  membersPerList?: number;
  /** Where the subscriptions' endpoints are: the simulator's webhook receiver. */
  webhookBaseUrl?: string;
}

export const ORG = { code: "digdir", number: "991825827" };
const FIRST_MEMBER = 910_000_000;
/** Members are written in batches of at most 100, and read in pages of 100 (altinn-apis.md). */
export const MEMBER_BATCH = 100;

/** The setup part of the stack config (`altinn-iac:resources` etc.) for `objects` objects. */
export interface BenchStackConfig {
  preflight: false;
  resources: Array<Record<string, unknown>>;
  accessLists: Array<Record<string, unknown>>;
  maskinportenClients: Array<Record<string, unknown>>;
  subscriptions: Array<Record<string, unknown>>;
}

/** Objects per unit of the mix. */
const UNIT = 6;

/**
 * A realistic mix of exactly `objects` managed objects, in units of six: a resource, its policy
 * (the Correspondence template), an access list with members connected to the resource, a
 * Maskinporten client and its key, and an Events subscription to the resource. What is left over
 * below six is resources with policies, then a resource without one. Preflight is off: it is one
 * fixed check per run, not per object, and would blur the per-object figures.
 */
export function benchStackConfig(objects: number, options: WorkloadOptions = {}): BenchStackConfig {
  if (!Number.isInteger(objects) || objects < 1) {
    throw new Error(`the number of objects must be a whole number of at least 1 (got ${objects})`);
  }
  const membersPerList = options.membersPerList ?? 150;
  const webhookBaseUrl = options.webhookBaseUrl ?? "http://127.0.0.1:5055";
  const units = Math.floor(objects / UNIT);
  const rest = objects % UNIT;
  const config: BenchStackConfig = {
    preflight: false,
    resources: [],
    accessLists: [],
    maskinportenClients: [],
    subscriptions: [],
  };
  let member = FIRST_MEMBER;
  for (let i = 0; i < units; i++) {
    const identifier = resourceIdentifier(i);
    config.resources.push(resourceSpec(identifier, true));
    config.accessLists.push({
      identifier: `digdir-bench-list-${i}`,
      name: `Bench recipients ${i}`,
      description: `Recipients of ${identifier}`,
      members: Array.from({ length: membersPerList }, () => String(member++)),
      resources: [{ identifier, actionFilters: ["read"] }],
    });
    config.maskinportenClients.push({
      name: `bench-sender-${i}`,
      clientName: `digdir bench sender ${i}`,
      description: `Sends messages for ${identifier}`,
      scopes: ["altinn:serviceowner", "altinn:correspondence.write"],
    });
    config.subscriptions.push({
      name: `bench-events-${i}`,
      resource: identifier,
      endPoint: `${webhookBaseUrl}/webhooks/bench-${i}`,
    });
  }
  for (let i = 0; i < Math.floor(rest / 2); i++) {
    config.resources.push(resourceSpec(resourceIdentifier(units + i), true));
  }
  if (rest % 2 === 1) {
    config.resources.push(resourceSpec(resourceIdentifier(units + Math.floor(rest / 2)), false));
  }
  return config;
}

/** The one-field change the benchmark makes: the first resource's English title. */
export function changedConfig(config: BenchStackConfig): BenchStackConfig {
  const [first, ...others] = config.resources;
  if (!first) throw new Error("the benchmark config has no resource to change");
  const title = first.title as Record<string, string>;
  return {
    ...config,
    resources: [{ ...first, title: { ...title, en: `${title.en} (changed)` } }, ...others],
  };
}

function resourceIdentifier(i: number): string {
  return `digdir-bench-${i}`;
}

function resourceSpec(identifier: string, withPolicy: boolean): Record<string, unknown> {
  return {
    identifier,
    title: { nb: `Benkmelding ${identifier}`, nn: `Benkmelding ${identifier}`, en: identifier },
    description: {
      nb: "Meldinger i ytelsestesten.",
      nn: "Meldingar i ytingstesten.",
      en: "Messages of the benchmark.",
    },
    rightDescription: {
      nb: "Gir tilgang til å lese meldingene.",
      nn: "Gir tilgang til å lese meldingane.",
      en: "Grants access to read the messages.",
    },
    contactPoints: [
      { category: "Support", email: "servicedesk@example.org", telephone: "", contactPage: "" },
    ],
    ...(withPolicy
      ? {
          policy: {
            template: "correspondence",
            recipients: { roles: ["DAGL"], accessPackages: ["ordinaer-post-til-virksomheten"] },
            authenticationLevel: 3,
          },
        }
      : {}),
  };
}

/** The objects a stack config makes, by kind. */
export function workloadOf(config: BenchStackConfig): Workload {
  return {
    resources: config.resources.length,
    policies: config.resources.filter((r) => r.policy !== undefined).length,
    accessLists: config.accessLists.map((l) => ({
      members: (l.members as unknown[]).length,
      connections: (l.resources as unknown[]).length,
    })),
    clients: config.maskinportenClients.length,
    keys: config.maskinportenClients.length,
    subscriptions: config.subscriptions.length,
  };
}

export function objectCount(workload: Workload): number {
  return (
    workload.resources +
    workload.policies +
    workload.accessLists.length +
    workload.clients +
    workload.keys +
    workload.subscriptions
  );
}

/**
 * The kind of one logged call: `<METHOD> <object>`, with token requests by scope set
 * (`token <scopes>`) and the exchange to an Altinn token (`exchange`).
 */
export function callKind(call: Pick<CallRecord, "method" | "path" | "body">): string {
  const path = call.path.toLowerCase();
  if (path === "/maskinporten/token") return `token ${tokenScopes(call.body) ?? "?"}`;
  if (path.startsWith("/authentication/api/v1/exchange/")) return "exchange";
  const object = objectOf(path);
  return `${call.method} ${object}`;
}

function objectOf(path: string): string {
  if (/^\/resourceregistry\/api\/v1\/access-lists\/[^/]+$/.test(path)) return "access-list list";
  if (path === "/resourceregistry/api/v1/resource/resourcelist") return "resource list";
  if (path.startsWith("/resourceregistry/api/v1/access-lists/")) {
    if (/\/members$/.test(path)) return "access-list members";
    if (/\/resource-connections(\/|$)/.test(path)) return "access-list connections";
    return "access-list";
  }
  if (path.startsWith("/resourceregistry/api/v1/resource/") && /\/policy(\/|$)/.test(path)) {
    return "policy";
  }
  if (path.startsWith("/resourceregistry/api/v1/resource")) return "resource";
  if (path === "/events/api/v1/subscriptions") return "subscriptions";
  if (path.startsWith("/events/api/v1/subscriptions/")) return "subscription";
  if (/\/selfservice\/.*\/scopes\/access\//.test(path)) return "scope access";
  if (/\/selfservice\/.*\/clients\/[^/]+\/jwks$/.test(path)) return "client keys";
  if (/\/selfservice\/.*\/clients(\/|$)/.test(path)) return "client";
  return path;
}

/** The `scope` claim of the JWT grant in a token request's form body. */
function tokenScopes(body: string): string | undefined {
  const assertion = new URLSearchParams(body).get("assertion");
  const payload = assertion?.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      scope?: string;
    };
    return claims.scope?.split(" ").sort().join(" ");
  } catch {
    return undefined;
  }
}

/**
 * Calls by kind, kinds sorted. Deliveries to the simulator's webhook receiver are left out: Events
 * makes them (the validation event), not the tool.
 */
export function tally(calls: ReadonlyArray<Pick<CallRecord, "method" | "path" | "body">>) {
  const counts: Record<string, number> = {};
  for (const call of calls) {
    if (call.path.startsWith("/webhooks/")) continue;
    const kind = callKind(call);
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

const RESOURCE_WRITE = "altinn:resourceregistry/resource.write";
const ACCESS_LIST_WRITE = "altinn:resourceregistry/accesslist.write";
/** One token with every scope the admin client holds (providers/api/self-service/). */
const DCR = "idporten:dcr.read idporten:dcr.write";
const EVENTS = "altinn:events.subscribe altinn:serviceowner";

/** A scope set of an Altinn token costs two calls (Maskinporten, then the exchange). */
const ALTINN_SCOPE_SETS = new Set([RESOURCE_WRITE, ACCESS_LIST_WRITE, EVENTS]);

interface Need {
  kind: string;
  count: number;
  /** The scope set the call needs; none for the Resource Registry's public reads. */
  scopes?: string;
  /**
   * A read that no API needs but the tool promises with the operation (see `minimumCalls`); left
   * out of the physical minimum.
   */
  check?: true;
}

export interface MinimumOptions {
  /** Count the reads the tool promises with an operation. @default true */
  checks?: boolean;
}

/**
 * The fewest calls by kind that do the operation against the real APIs:
 *
 * - `up` from empty: one write per object (POST resource, POST policy, PUT list, POST client,
 *   POST key set), one PUT per list connection, ceil(members / 100) member writes per list;
 * - no-op `up` and `preview`: nothing (the engine diffs against state);
 * - `refresh`: one GET per object, plus a list's member pages (ceil(members / 100), at least one)
 *   and its connections page;
 * - the one-field change (a resource's title): one PUT;
 *
 * and one token per scope set the calls need (two for an Altinn token: Maskinporten, then the
 * exchange). Resource and policy reads are public in the Resource Registry and need none.
 *
 * With `checks` (the default), also the reads the tool promises with `up`, a fixed number per run
 * whatever N, each documented where it is made:
 * - the org's scope access when clients are created (MaskinportenClient check: preview fails,
 *   before any write, when the org lacks a scope), with the self-service token;
 * - the registry's resource list when resources are created, and the owner's access lists when
 *   lists are (AltinnResource and AccessList checks: preview says when one exists already, and
 *   fails unless it may be taken over);
 * - the org's subscription list when subscriptions are created, twice: the EventSubscription
 *   check (preview says when an identical one is taken over), and once more after the creates for
 *   their `validated` output (whether each endpoint answered Events' validation event).
 */
export function minimumCalls(
  operation: Operation,
  workload: Workload,
  options: MinimumOptions = {},
): Record<string, number> {
  const lists = workload.accessLists;
  const sum = (f: (l: { members: number; connections: number }) => number) =>
    lists.reduce((total, l) => total + f(l), 0);
  const needs: Need[] = [];
  switch (operation) {
    case "up":
      needs.push(
        { kind: "POST resource", count: workload.resources, scopes: RESOURCE_WRITE },
        { kind: "POST policy", count: workload.policies, scopes: RESOURCE_WRITE },
        { kind: "PUT access-list", count: lists.length, scopes: ACCESS_LIST_WRITE },
        {
          kind: "POST access-list members",
          count: sum((l) => Math.ceil(l.members / MEMBER_BATCH)),
          scopes: ACCESS_LIST_WRITE,
        },
        {
          kind: "PUT access-list connections",
          count: sum((l) => l.connections),
          scopes: ACCESS_LIST_WRITE,
        },
        { kind: "POST client", count: workload.clients, scopes: DCR },
        { kind: "POST client keys", count: workload.keys, scopes: DCR },
        { kind: "POST subscriptions", count: workload.subscriptions, scopes: EVENTS },
        {
          kind: "GET scope access",
          count: Math.min(1, workload.clients),
          scopes: DCR,
          check: true,
        },
        { kind: "GET resource list", count: Math.min(1, workload.resources), check: true },
        {
          // One page of 20 before a run that creates lists; the benchmark's org has none yet.
          kind: "GET access-list list",
          count: Math.min(1, lists.length),
          scopes: ACCESS_LIST_WRITE,
          check: true,
        },
        {
          kind: "GET subscriptions",
          count: Math.min(1, workload.subscriptions) * 2,
          scopes: EVENTS,
          check: true,
        },
      );
      break;
    case "noop-up":
    case "preview":
      break;
    case "refresh":
      needs.push(
        { kind: "GET resource", count: workload.resources },
        { kind: "GET policy", count: workload.policies },
        { kind: "GET access-list", count: lists.length, scopes: ACCESS_LIST_WRITE },
        {
          kind: "GET access-list members",
          count: sum((l) => Math.max(1, Math.ceil(l.members / MEMBER_BATCH))),
          scopes: ACCESS_LIST_WRITE,
        },
        {
          kind: "GET access-list connections",
          count: lists.filter((l) => l.connections > 0).length,
          scopes: ACCESS_LIST_WRITE,
        },
        { kind: "GET client", count: workload.clients, scopes: DCR },
        { kind: "GET client keys", count: workload.keys, scopes: DCR },
        { kind: "GET subscription", count: workload.subscriptions, scopes: EVENTS },
      );
      break;
    case "change":
      needs.push({ kind: "PUT resource", count: 1, scopes: RESOURCE_WRITE });
      break;
  }
  const result: Record<string, number> = {};
  const scopeSets = new Set<string>();
  for (const need of needs) {
    if (need.count === 0 || (need.check && options.checks === false)) continue;
    result[need.kind] = need.count;
    if (need.scopes) scopeSets.add(need.scopes);
  }
  for (const scopes of scopeSets) {
    result[`token ${scopes}`] = 1;
    if (ALTINN_SCOPE_SETS.has(scopes)) result.exchange = (result.exchange ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(result).sort(([a], [b]) => a.localeCompare(b)));
}

export function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/**
 * Calls made over the minimum: 1 when both are zero, `null` when calls were made where none are
 * needed (no ratio can say how bad that is; the calls by kind do).
 */
export function callRatio(calls: number, minimum: number): number | null {
  if (minimum === 0) return calls === 0 ? 1 : null;
  return calls / minimum;
}

/** Kinds where the tool made more calls than the minimum, with both counts. */
export function excess(
  actual: Record<string, number>,
  minimum: Record<string, number>,
): Array<{ kind: string; calls: number; minimum: number }> {
  const kinds = [...new Set([...Object.keys(actual), ...Object.keys(minimum)])].sort();
  return kinds
    .map((kind) => ({ kind, calls: actual[kind] ?? 0, minimum: minimum[kind] ?? 0 }))
    .filter((row) => row.calls > row.minimum);
}

/**
 * The targets of issue 18: no-op up and a one-field change within 1.15x the engine floor; refresh
 * and up from empty within 1.25x the floor plus their latency floor (what their minimum calls
 * need at the simulator's latency); preview has none.
 */
export const TARGETS: Partial<Record<Operation, { factor: number; latency: boolean }>> = {
  "noop-up": { factor: 1.15, latency: false },
  change: { factor: 1.15, latency: false },
  refresh: { factor: 1.25, latency: true },
  up: { factor: 1.25, latency: true },
};

/**
 * The least time the minimum calls (`minimumCalls`, the checks included) take at `latencyMs` each
 * when the engine runs `parallelism` resource operations at once: the token and its exchange come
 * first, one after the other (every call waits for them; tokens of other scope sets run beside
 * them), then the other calls `parallelism` at a time. Dependencies between objects are left out:
 * at the benchmark's sizes the calls outnumber the longest chain (4 calls) many times over.
 */
export function latencyFloorMs(
  minimum: Record<string, number>,
  latencyMs: number,
  parallelism: number,
): number {
  const tokenKinds = Object.keys(minimum).filter((kind) => kind.startsWith("token "));
  const chain = (tokenKinds.length > 0 ? 1 : 0) + (minimum.exchange ? 1 : 0);
  const tokenCalls =
    tokenKinds.reduce((sum, kind) => sum + minimum[kind]!, 0) + (minimum.exchange ?? 0);
  const others = total(minimum) - tokenCalls;
  return latencyMs * (chain + Math.ceil(others / parallelism));
}
