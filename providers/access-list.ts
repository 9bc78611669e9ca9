/**
 * AccessList: an access list of the Resource Rights Registry ("tilgangsliste") with its members and
 * its resource connections. docs/altinn-apis.md section 4.
 *
 * | step    | HTTP (base /resourceregistry/api/v1/access-lists/{owner}/{identifier})                 |
 * |---------|-----------------------------------------------------------------------------------------|
 * | create  | PUT with If-None-Match: *; then members and connections as in update                    |
 * | read    | GET; GET /members and /resource-connections, every page; 404 -> gone                    |
 * | update  | GET (version); PUT name/description with If-Match; GET every member page, then POST    |
 * |         | (add) and DELETE (remove) only the delta, at most 100 per call, each with If-Match on   |
 * |         | the version the previous call returned; the same for resource connections (PUT/DELETE) |
 * | delete  | DELETE (members and connections go with the list; 204 when already gone)               |
 *
 * id: `{owner}/{identifier}`. Replaced when `owner` or `identifier` changes: both are the path key.
 *
 * Members are organisation numbers (`991825827`, or the `urn:altinn:organization:identifier-no:`
 * URN) and party URNs `urn:altinn:party:uuid:<uuid>`; `check` normalises them (bare numbers,
 * lowercase uuids, sorted, no duplicates). The user declares the whole set. An update adds every
 * declared member the list lacks, and removes the members this stack knew (its state) and no longer
 * declares. A member someone else added is not removed behind their back: `pulumi refresh` records
 * it as drift, and the next `up` removes it. So two writers racing on one list lose no member.
 *
 * Conflicts: every write carries the version it was computed from. A 412 means another writer got
 * in between: the provider reads the list again and applies its change once more against the new
 * version; a second 412 fails, naming the list, with nothing half-applied that the next `up` does
 * not finish. A page token invalidated by a concurrent change makes the read start over at page 1.
 *
 * A list that already exists when it is created is an error unless it holds the declared content
 * (taken over with no write), `adopt` is set (then the declared name, description, members and
 * connections replace the live ones), or it has the declared name and description and only
 * declared members and connections (what this provider's own interrupted create left; create
 * finishes it). `check` of a new list reads it and makes the same decision as create
 * (`existingListDecision`), so preview says `adopting` (with what the list holds), or fails naming
 * the list and the fix, before any write.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import * as api from "./api/access-lists";
import { checkWithSchema, jsonEqual, userInputs, type CheckFailure } from "./lib/check";
import { oncePerContext, type ProviderContext } from "./lib/context";
import { PartialCreateError, type ProviderImplementation } from "./lib/provider";
import { runtimeProvider } from "./lib/shell";
import type { Inputs } from "./lib/types";

export const accessListInputsSchema = z
  .object({
    /** The owner's org code (such as `digdir`); the path key with `identifier`. */
    owner: z.string(),
    /** Unique per owner; a lowercase slug such as `godkjente-banker`. */
    identifier: z.string(),
    name: z.string(),
    /** @default "" (the server stores a missing description as "") */
    description: z.string().default(""),
    /** The whole set of members: organisation numbers and `urn:altinn:party:uuid:` URNs. */
    members: z.array(z.string()).default([]),
    /** Resources whose access this list grants; empty `actionFilters` allows every action. */
    resourceConnections: z
      .array(
        z
          .object({
            resourceIdentifier: z.string(),
            actionFilters: z.array(z.string()).default([]),
          })
          .strict(),
      )
      .default([]),
    /**
     * Take over a list that already exists (made in Altinn Studio), replacing its name,
     * description, members and connections with the declared ones.
     * @default false (creating a list that exists fails)
     */
    adopt: z.boolean().default(false),
  })
  .strict();

export type AccessListInputs = z.output<typeof accessListInputsSchema>;
export type AccessListArgs = Inputs<z.input<typeof accessListInputsSchema>>;
export type ResourceConnection = AccessListInputs["resourceConnections"][number];

/** How the API and the PDP name an access list. */
export function accessListUrn(owner: string, identifier: string): string {
  return `urn:altinn:access-list:${owner}:${identifier}`;
}

export interface AccessListOutputs extends AccessListInputs {
  /** `urn:altinn:access-list:{owner}:{identifier}`, as the API and the PDP name the list. */
  accessListUrn: string;
}

/** Properties whose change replaces the list. */
export const ACCESS_LIST_REPLACE_ON = ["owner", "identifier"] as const;

/** The properties `diff` compares (`adopt` only matters when the list is created). */
const COMPARED_FIELDS = [
  "owner",
  "identifier",
  "name",
  "description",
  "members",
  "resourceConnections",
] as const;

/** Lowercase slug: what the API documents (`format: slug`) and Studio creates. */
export const ACCESS_LIST_IDENTIFIER_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
const ORG_CODE_PATTERN = /^[a-z0-9]{2,10}$/;
const ORGANIZATION_NUMBER = /^\d{9}$/;
const ORGANIZATION_URN = "urn:altinn:organization:identifier-no:";
const PARTY_UUID_URN = "urn:altinn:party:uuid:";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A member as this resource keeps it: an organisation number, or `urn:altinn:party:uuid:<uuid>`
 * with a lowercase uuid. Undefined when the value is neither.
 */
export function canonicalMember(value: string): string | undefined {
  const text = value.trim();
  if (ORGANIZATION_NUMBER.test(text)) return text;
  if (text.startsWith(ORGANIZATION_URN)) {
    const orgnr = text.slice(ORGANIZATION_URN.length);
    return ORGANIZATION_NUMBER.test(orgnr) ? orgnr : undefined;
  }
  if (text.toLowerCase().startsWith(PARTY_UUID_URN)) {
    const uuid = text.slice(PARTY_UUID_URN.length).toLowerCase();
    return UUID.test(uuid) ? `${PARTY_UUID_URN}${uuid}` : undefined;
  }
  return undefined;
}

/** The party URN the API takes for a canonical member. */
export function memberUrn(member: string): string {
  return ORGANIZATION_NUMBER.test(member) ? `${ORGANIZATION_URN}${member}` : member;
}

/** Every canonical form that names this live member: its organisation number and its party uuid. */
export function memberKeys(member: api.AccessListMemberDto): string[] {
  const orgnr = member.identifiers?.["urn:altinn:organization:identifier-no"];
  const uuid = canonicalMember(member.id);
  return [...(orgnr ? [orgnr] : []), ...(uuid ? [uuid] : [])];
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Members normalised: canonical forms, sorted, each once. Values that are not members are kept. */
export function normalizeMembers(members: string[]): string[] {
  return sortedUnique(members.map((m) => canonicalMember(m) ?? m));
}

/** Connections normalised: sorted by resource, actions sorted and each once. */
export function normalizeConnections(connections: ResourceConnection[]): ResourceConnection[] {
  return [...connections]
    .map((c) => ({
      resourceIdentifier: c.resourceIdentifier,
      actionFilters: sortedUnique(c.actionFilters),
    }))
    .sort((a, b) => compare(a.resourceIdentifier, b.resourceIdentifier));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Validation beyond the schema, each failure naming the property, the bad value and the fix. */
export function validateAccessList(inputs: AccessListInputs): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const { owner, identifier } = inputs;
  if (ORGANIZATION_NUMBER.test(owner)) {
    failures.push({
      property: "owner",
      reason: `"${owner}" is an organisation number: an access list is owned by the service owner's org code (such as "digdir"), which Altinn requires in the path`,
    });
  } else if (!ORG_CODE_PATTERN.test(owner)) {
    failures.push({
      property: "owner",
      reason: `"${owner}" is not an Altinn org code: use the service owner's lowercase code, such as "digdir"`,
    });
  }
  if (!ACCESS_LIST_IDENTIFIER_PATTERN.test(identifier)) {
    failures.push({
      property: "identifier",
      reason: `"${identifier}" is not a valid access list identifier: use lowercase a-z, 0-9, "-" and "_", starting with a letter or digit (for example "${suggestIdentifier(identifier)}")`,
    });
  }
  if (inputs.name.trim() === "") {
    failures.push({
      property: "name",
      reason: 'the name is required: the list\'s display name, such as "Godkjente banker"',
    });
  }
  inputs.members.forEach((member, index) => {
    if (canonicalMember(member) === undefined) {
      failures.push({
        property: `members.${index}`,
        reason: `"${member}" is not a member: use an organisation number (9 digits, such as "991825827") or a party URN "urn:altinn:party:uuid:<uuid>"`,
      });
    }
  });
  const seen = new Set<string>();
  inputs.resourceConnections.forEach((connection, index) => {
    const id = connection.resourceIdentifier;
    if (id.trim() === "" || /[\s/?#]/.test(id)) {
      failures.push({
        property: `resourceConnections.${index}.resourceIdentifier`,
        reason: `"${id}" is not a resource identifier: use the identifier of a Resource Registry resource, such as "digdir-melding"`,
      });
    } else if (seen.has(id)) {
      failures.push({
        property: `resourceConnections.${index}.resourceIdentifier`,
        reason: `resource "${id}" is connected twice: list each resource once, with all its actions in actionFilters`,
      });
    }
    seen.add(id);
    connection.actionFilters.forEach((action, actionIndex) => {
      if (action.trim() === "") {
        failures.push({
          property: `resourceConnections.${index}.actionFilters.${actionIndex}`,
          reason:
            'an action filter cannot be empty: name an action such as "read", or leave actionFilters empty to allow every action',
        });
      }
    });
  });
  return failures;
}

function suggestIdentifier(identifier: string): string {
  const cleaned = identifier
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "");
  return cleaned === "" ? "godkjente-banker" : cleaned;
}

// ---------------------------------------------------------------------------------------------
// Deltas: what to write, from the live list, the declared state and what this stack may remove.

/** Members this stack may remove: the ones it knew and no longer declares, or every undeclared one. */
export type Removable = { known: string[] } | "every-undeclared";

export interface MemberDelta {
  /** Party URNs to POST. */
  add: string[];
  /** Party URNs (`urn:altinn:party:uuid:`) to DELETE. */
  remove: string[];
}

export function memberDelta(
  live: api.AccessListMemberDto[],
  declared: string[],
  removable: Removable,
): MemberDelta {
  const wanted = new Set(declared);
  const present = new Set(live.flatMap(memberKeys));
  const mayRemove = removable === "every-undeclared" ? undefined : new Set(removable.known);
  const remove = live
    .filter((member) => {
      const keys = memberKeys(member);
      if (keys.some((k) => wanted.has(k))) return false;
      return mayRemove === undefined || keys.some((k) => mayRemove.has(k));
    })
    .map((member) => member.id);
  return {
    add: declared.filter((m) => !present.has(m)).map(memberUrn),
    remove: sortedUnique(remove),
  };
}

export interface ConnectionDelta {
  upsert: ResourceConnection[];
  remove: string[];
}

export function connectionDelta(
  live: api.ResourceConnectionDto[],
  declared: ResourceConnection[],
  removable: Removable,
): ConnectionDelta {
  const liveActions = new Map(
    live.map((c) => [c.resourceIdentifier.toLowerCase(), sortedUnique(c.actionFilters ?? [])]),
  );
  const wanted = new Set(declared.map((c) => c.resourceIdentifier.toLowerCase()));
  const mayRemove =
    removable === "every-undeclared"
      ? undefined
      : new Set(removable.known.map((id) => id.toLowerCase()));
  return {
    upsert: declared.filter(
      (c) => !jsonEqual(liveActions.get(c.resourceIdentifier.toLowerCase()), c.actionFilters),
    ),
    remove: live
      .map((c) => c.resourceIdentifier)
      .filter((id) => !wanted.has(id.toLowerCase()))
      .filter((id) => mayRemove === undefined || mayRemove.has(id.toLowerCase())),
  };
}

/** Live members in the form the stack declares them where it does, else by organisation number. */
export function projectMembers(live: api.AccessListMemberDto[], declared: string[]): string[] {
  const hint = new Set(declared);
  return sortedUnique(
    live.map((member) => {
      const keys = memberKeys(member);
      return keys.find((k) => hint.has(k)) ?? keys[0] ?? member.id;
    }),
  );
}

export function projectConnections(live: api.ResourceConnectionDto[]): ResourceConnection[] {
  return normalizeConnections(
    live.map((c) => ({
      resourceIdentifier: c.resourceIdentifier,
      actionFilters: c.actionFilters ?? [],
    })),
  );
}

export function batches<T>(items: T[], size: number = api.MAX_MEMBERS_PER_WRITE): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

// ---------------------------------------------------------------------------------------------
// Lint: a resource that enables access-list mode with no list locks every party out.

export interface AccessListModeLintInput {
  resources: Array<{ identifier: string; accessListMode?: string }>;
  accessLists: Array<{
    identifier: string;
    members: unknown[];
    resourceConnections: Array<{ resourceIdentifier: string }>;
  }>;
}

/** Warnings for resources with `accessListMode: Enabled` that no declared list (with members) opens. */
export function accessListModeWarnings(input: AccessListModeLintInput): string[] {
  const warnings: string[] = [];
  for (const resource of input.resources) {
    if (resource.accessListMode !== "Enabled") continue;
    const connected = input.accessLists.filter((list) =>
      list.resourceConnections.some((c) => c.resourceIdentifier === resource.identifier),
    );
    if (connected.length === 0) {
      warnings.push(
        `resource ${resource.identifier} enables accessListMode but no access list in this stack is connected to it: Altinn will deny every party. Connect a list to it (accessLists[].resources), or keep accessListMode Disabled`,
      );
    } else if (connected.every((list) => list.members.length === 0)) {
      warnings.push(
        `resource ${resource.identifier} enables accessListMode but its access lists (${connected.map((l) => l.identifier).join(", ")}) have no members: Altinn will deny every party. Add the organisations that should have access`,
      );
    }
  }
  return warnings;
}

// ---------------------------------------------------------------------------------------------
// The implementation.

function refOf(inputs: Pick<AccessListInputs, "owner" | "identifier">): api.AccessListRef {
  return { owner: inputs.owner, identifier: inputs.identifier };
}

function idOf(inputs: Pick<AccessListInputs, "owner" | "identifier">): string {
  return `${inputs.owner}/${inputs.identifier}`;
}

/** Owner and identifier from the state's properties, or from the id `{owner}/{identifier}`. */
function refFromState(id: string, props: Record<string, unknown>): api.AccessListRef {
  if (typeof props.owner === "string" && typeof props.identifier === "string") {
    return { owner: props.owner, identifier: props.identifier };
  }
  const slash = id.indexOf("/");
  return { owner: id.slice(0, slash), identifier: id.slice(slash + 1) };
}

function outputsOf(inputs: AccessListInputs): AccessListOutputs {
  return {
    ...inputs,
    accessListUrn: accessListUrn(String(inputs.owner), String(inputs.identifier)),
  };
}

/** The resource's own inputs from props (inputs or outputs), normalised. */
function managedInputs(props: Record<string, unknown>): AccessListInputs {
  const raw = userInputs(props);
  const members = Array.isArray(raw.members) ? normalizeMembers(raw.members as string[]) : [];
  const connections = Array.isArray(raw.resourceConnections)
    ? normalizeConnections(
        (raw.resourceConnections as Array<Partial<ResourceConnection>>).map((c) => ({
          resourceIdentifier: String(c.resourceIdentifier),
          actionFilters: c.actionFilters ?? [],
        })),
      )
    : [];
  return {
    owner: String(raw.owner),
    identifier: String(raw.identifier),
    name: String(raw.name),
    description: typeof raw.description === "string" ? raw.description : "",
    members,
    resourceConnections: connections,
    adopt: raw.adopt === true,
  };
}

interface Plan {
  inputs: AccessListInputs;
  /** Compare and write the name and description. */
  listFields: boolean;
  /** Reconcile members (undefined: this change leaves them alone). */
  members?: Removable;
  /** Reconcile resource connections (undefined: this change leaves them alone). */
  connections?: Removable;
  /**
   * The ETag of the list this provider has just created: it holds its name and description and
   * nothing else at that version, so it is written without reading it first.
   */
  createdEtag?: string;
}

/**
 * Applies the plan; when another writer changes the list in between (412), reads it again and
 * applies once more against the new version. A second conflict fails, naming the list.
 */
async function reconcile(ctx: ProviderContext, plan: Plan): Promise<void> {
  const ref = refOf(plan.inputs);
  try {
    await applyOnce(ctx, plan);
  } catch (first) {
    if (!api.isPreconditionFailed(first)) throw first;
    try {
      await applyOnce(ctx, { ...plan, createdEtag: undefined });
    } catch (second) {
      if (!api.isPreconditionFailed(second)) throw second;
      throw new Error(
        `access list ${api.listLabel(ref)}: another writer changed it twice while this update was being applied (412 Precondition Failed both times); nothing of theirs was overwritten. Run pulumi up again once the other writer is done`,
      );
    }
  }
}

async function applyOnce(ctx: ProviderContext, plan: Plan): Promise<void> {
  const { inputs } = plan;
  const ref = refOf(inputs);
  const body = { name: inputs.name, description: inputs.description };
  // Chained through the writes of a list just created; undefined means read before writing.
  let createdEtag = plan.createdEtag;
  const current = createdEtag === undefined ? await api.getAccessList(ctx, ref) : undefined;
  let members = plan.members;
  let connections = plan.connections;
  if (createdEtag !== undefined) {
    // Nothing to compare: the list is as the create left it.
  } else if (!current) {
    // Deleted behind the stack's back: create it again, with everything it should hold.
    await api.putAccessList(ctx, ref, body, { ifNoneMatch: "*" });
    members ??= { known: [] };
    connections ??= { known: [] };
  } else if (
    plan.listFields &&
    (current.value.name !== inputs.name || current.value.description !== inputs.description)
  ) {
    await api.putAccessList(ctx, ref, body, { ifMatch: current.etag });
  }
  if (members) {
    const live =
      createdEtag === undefined
        ? await readOrFail(api.readMembers(ctx, ref), ref)
        : { value: [], etag: createdEtag };
    const delta = memberDelta(live.value, inputs.members, members);
    // Additions first: should a later call fail, the list holds the old members and the new, so no
    // organisation that had access, or should get it, is shut out in between.
    let etag = live.etag;
    for (const batch of batches(delta.add)) {
      etag = await api.changeMembers(ctx, ref, "add", batch, etag);
    }
    for (const batch of batches(delta.remove)) {
      etag = await api.changeMembers(ctx, ref, "remove", batch, etag);
    }
    if (createdEtag !== undefined) createdEtag = etag;
  }
  if (connections) {
    const live =
      createdEtag === undefined
        ? await readOrFail(api.readResourceConnections(ctx, ref), ref)
        : { value: [], etag: createdEtag };
    const delta = connectionDelta(live.value, inputs.resourceConnections, connections);
    let etag = live.etag;
    for (const connection of delta.upsert) {
      etag = await api.putResourceConnection(
        ctx,
        ref,
        connection.resourceIdentifier,
        connection.actionFilters,
        etag,
      );
    }
    for (const resourceIdentifier of delta.remove) {
      etag = (await api.deleteResourceConnection(ctx, ref, resourceIdentifier, etag)) ?? etag;
    }
  }
}

async function readOrFail<T>(
  read: Promise<api.Versioned<T> | undefined>,
  ref: api.AccessListRef,
): Promise<api.Versioned<T>> {
  const result = await read;
  if (!result) {
    throw new Error(
      `access list ${api.listLabel(ref)} was deleted by someone else while this update was being applied: run pulumi up again to create it`,
    );
  }
  return result;
}

/**
 * The live list projected on the inputs: what `read` reports and a partial create records. Its
 * name and description are read unless `info` (from a list of the owner's lists) has them.
 */
async function liveInputs(
  ctx: ProviderContext,
  ref: api.AccessListRef,
  managed: AccessListInputs,
  info?: api.AccessListInfoDto,
): Promise<AccessListInputs | undefined> {
  const list = info ?? (await api.getAccessList(ctx, ref))?.value;
  if (!list) return undefined;
  const [members, connections] = await Promise.all([
    api.readMembers(ctx, ref),
    api.readResourceConnections(ctx, ref),
  ]);
  if (!members || !connections) return undefined;
  return {
    owner: ref.owner,
    identifier: ref.identifier,
    name: list.name,
    description: list.description,
    members: projectMembers(members.value, managed.members),
    resourceConnections: projectConnections(connections.value),
    adopt: managed.adopt,
  };
}

/**
 * What create does with a list that exists although this stack is creating it; check previews the
 * same decision. It holds the declared content: take it over, no write. Adopt it when asked to.
 * It has the declared name and description and only declared members and connections: what this
 * provider's own interrupted create left (a crash, a lost answer), so finish it. Else refuse:
 * its members and connections are someone else's.
 */
type ExistingList = "as-declared" | "adopt" | "interrupted-create" | "refuse";

function existingListDecision(live: AccessListInputs, inputs: AccessListInputs): ExistingList {
  const sameFields = live.name === inputs.name && live.description === inputs.description;
  if (
    sameFields &&
    jsonEqual(live.members, inputs.members) &&
    jsonEqual(live.resourceConnections, inputs.resourceConnections)
  )
    return "as-declared";
  if (inputs.adopt) return "adopt";
  const declared = new Set(inputs.members);
  const interrupted =
    sameFields &&
    live.members.every((m) => declared.has(m)) &&
    live.resourceConnections.every((c) => inputs.resourceConnections.some((d) => jsonEqual(c, d)));
  return interrupted ? "interrupted-create" : "refuse";
}

function refusal(ref: api.AccessListRef, live: AccessListInputs | undefined): string {
  return (
    `access list ${api.listLabel(ref)} already exists and is not managed by this stack` +
    (live
      ? ` (name "${live.name}", ${live.members.length} member(s), ${live.resourceConnections.length} resource connection(s))`
      : "") +
    `: set adopt: true to take it over (its name, description, members and connections are then replaced by the declared ones), or choose another identifier`
  );
}

async function existingListPlan(
  ctx: ProviderContext,
  inputs: AccessListInputs,
): Promise<Removable> {
  const ref = refOf(inputs);
  const live = await liveInputs(ctx, ref, inputs);
  const decision = live ? existingListDecision(live, inputs) : "refuse";
  if (decision === "adopt") return "every-undeclared";
  if (decision === "refuse") throw new Error(refusal(ref, live));
  return { known: [] };
}

/** How the preview names a list it takes over, with what it holds. */
function adoptionLabel(ref: api.AccessListRef, live: AccessListInputs): string {
  return `existing access list ${api.listLabel(ref)} (name "${live.name}", ${live.members.length} member(s), ${live.resourceConnections.length} resource connection(s))`;
}

/**
 * The owner's lists as check first saw them in this run: N new lists are looked up in one list
 * (a page per 20 lists) instead of N reads, and only one that is listed is read in full.
 */
const listsBefore = oncePerContext(api.listAccessLists);

/**
 * A new list's preview: whether it exists, and what create does with it. Undefined when it does
 * not exist; a failure when it exists and create would refuse it.
 */
async function adoptionPreview(
  ctx: ProviderContext,
  inputs: AccessListInputs,
): Promise<{ adopting: string } | { failure: CheckFailure } | undefined> {
  const ref = refOf(inputs);
  const listed = (await listsBefore(ctx, ref.owner)).find((l) => l.identifier === ref.identifier);
  const live = listed ? await liveInputs(ctx, ref, inputs, listed) : undefined;
  if (!live) return undefined;
  const label = adoptionLabel(ref, live);
  const decision = existingListDecision(live, inputs);
  if (decision === "as-declared") return { adopting: `${label}, already as declared: no write` };
  if (decision === "adopt") {
    ctx.warn(
      `adopting ${label}: up replaces its name, description, members and connections with the declared ones`,
    );
    return { adopting: label };
  }
  if (decision === "interrupted-create") return { adopting: label };
  return { failure: { property: "adopt", reason: refusal(ref, live) } };
}

/** Creates the list when absent: the new list's ETag, or undefined when it already existed (412). */
async function createIfAbsent(
  ctx: ProviderContext,
  inputs: AccessListInputs,
): Promise<string | undefined> {
  try {
    const created = await api.putAccessList(
      ctx,
      refOf(inputs),
      { name: inputs.name, description: inputs.description },
      { ifNoneMatch: "*" },
    );
    return created.etag;
  } catch (error) {
    if (!api.isPreconditionFailed(error)) throw error;
    return undefined;
  }
}

export const accessListImplementation: ProviderImplementation = {
  async check(ctx, olds, news) {
    const result = checkWithSchema(accessListInputsSchema, news);
    if (result.failures.length > 0 || result.inputs === news) return result;
    const parsed = userInputs(result.inputs) as AccessListInputs;
    const failures = validateAccessList(parsed);
    if (failures.length > 0) return { inputs: result.inputs, failures };
    const inputs = {
      ...result.inputs,
      members: normalizeMembers(parsed.members),
      resourceConnections: normalizeConnections(parsed.resourceConnections),
    };
    if (Object.keys(userInputs(olds)).length > 0) return { inputs, failures: [] };
    // A new list: say now, before any write, whether it exists and what create will do.
    const preview = await adoptionPreview(ctx, managedInputs(inputs));
    if (!preview) return { inputs, failures: [] };
    if ("failure" in preview) return { inputs, failures: [preview.failure] };
    return { inputs: { ...inputs, adopting: preview.adopting }, failures: [] };
  },

  async diff(_ctx, _id, olds, news) {
    const before = managedInputs(olds);
    const after = managedInputs(news);
    const changed = COMPARED_FIELDS.filter((f) => !jsonEqual(before[f], after[f]));
    const replaces = changed.filter((f) =>
      (ACCESS_LIST_REPLACE_ON as readonly string[]).includes(f),
    );
    return { changes: changed.length > 0, replaces };
  },

  async create(ctx, props) {
    const inputs = managedInputs(props);
    const ref = refOf(inputs);
    let removable: Removable = { known: [] };
    let listFields = false;
    let createdEtag: string | undefined;
    // Adopting reads first, so a list that exists is taken over without a refused create; check
    // found it when it says "adopting", and create acts on the same decision.
    const knownToExist = inputs.adopt || userInputs(props).adopting !== undefined;
    const exists = knownToExist && (await api.getAccessList(ctx, ref)) !== undefined;
    if (!exists) createdEtag = await createIfAbsent(ctx, inputs);
    if (exists || createdEtag === undefined) {
      removable = await existingListPlan(ctx, inputs);
      listFields = true;
    }
    try {
      await reconcile(ctx, {
        inputs,
        listFields,
        members: removable,
        connections: removable,
        createdEtag,
      });
    } catch (cause) {
      // The list exists: record what it holds, so the next `up` finishes the job.
      const live = await liveInputs(ctx, ref, inputs).catch(() => undefined);
      const recorded = live ?? { ...inputs, members: [], resourceConnections: [] };
      throw new PartialCreateError(idOf(inputs), { ...outputsOf(recorded) }, cause);
    }
    return { id: idOf(inputs), outs: outputsOf(inputs) };
  },

  async read(ctx, id, props) {
    const ref = refFromState(id, props);
    const managed = managedInputs({ ...props, ...ref });
    const info = await api.readAccessListInfo(ctx, ref);
    const live = info ? await liveInputs(ctx, ref, managed, info) : undefined;
    if (!live) return {};
    return { id, props: outputsOf(live), inputs: { ...live } };
  },

  async update(ctx, _id, olds, news) {
    const before = managedInputs(olds);
    const after = managedInputs(news);
    const knownOnlyBefore = <T>(items: T[], key: (item: T) => string, kept: Set<string>) =>
      items.map(key).filter((k) => !kept.has(k));
    const plan: Plan = {
      inputs: after,
      listFields: before.name !== after.name || before.description !== after.description,
      members: jsonEqual(before.members, after.members)
        ? undefined
        : { known: knownOnlyBefore(before.members, (m) => m, new Set(after.members)) },
      connections: jsonEqual(before.resourceConnections, after.resourceConnections)
        ? undefined
        : {
            known: knownOnlyBefore(
              before.resourceConnections,
              (c) => c.resourceIdentifier,
              new Set(after.resourceConnections.map((c) => c.resourceIdentifier)),
            ),
          },
    };
    await reconcile(ctx, plan);
    return { outs: outputsOf(after) };
  },

  async delete(ctx, id, props) {
    await api.deleteAccessList(ctx, refFromState(id, props));
  },
};

/**
 * An access list with its members and resource connections, managed declaratively.
 *
 * ```ts
 * new AccessList("godkjente-banker", {
 *   owner: "digdir",
 *   identifier: "godkjente-banker",
 *   name: "Godkjente banker",
 *   members: ["991825827", "974760673"],
 *   resourceConnections: [{ resourceIdentifier: "digdir-melding", actionFilters: ["read"] }],
 * });
 * ```
 */
export class AccessList extends pulumi.dynamic.Resource {
  declare readonly owner: pulumi.Output<string>;
  declare readonly identifier: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly members: pulumi.Output<string[]>;
  declare readonly resourceConnections: pulumi.Output<ResourceConnection[]>;
  declare readonly accessListUrn: pulumi.Output<string>;

  constructor(name: string, args: AccessListArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      accessListProvider,
      name,
      { ...args, accessListUrn: undefined },
      opts,
      "altinn",
      "AccessList",
    );
  }
}

const accessListProvider = runtimeProvider("AccessList");
