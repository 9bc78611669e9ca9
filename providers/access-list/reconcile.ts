import * as api from "../api/access-lists";
import type { ProviderContext } from "../lib/context";
import {
  batches,
  connectionDelta,
  memberDelta,
  projectConnections,
  projectMembers,
  type Removable,
} from "./mapping";
import type { AccessListInputs } from "./schema";

/**
 * Writing an access list: only the delta between the live list and the declared one, each write
 * with If-Match on the version the previous one returned, applied once more on a 412.
 */

export function refOf(inputs: Pick<AccessListInputs, "owner" | "identifier">): api.AccessListRef {
  return { owner: inputs.owner, identifier: inputs.identifier };
}

export interface Plan {
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
export async function reconcile(ctx: ProviderContext, plan: Plan): Promise<void> {
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
    const delta = connectionDelta(live.value, inputs.resources, connections);
    let etag = live.etag;
    for (const connection of delta.upsert) {
      etag = await api.putResourceConnection(
        ctx,
        ref,
        connection.identifier,
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
export async function liveInputs(
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
    resources: projectConnections(connections.value),
    adopt: managed.adopt,
  };
}
