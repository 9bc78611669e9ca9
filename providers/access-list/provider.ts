import * as api from "../api/access-lists";
import { jsonEqual } from "../lib/check";
import type { ProviderContext } from "../lib/context";
import { accessListUrn } from "../lib/identifiers";
import { isNew, lifecycle, previewedAdopting, readResult, withAdoption } from "../lib/lifecycle";
import { PartialCreateError, type ProviderImplementation } from "../lib/provider";
import { accessListAdoption, existingListPlan } from "./adoption";
import { normalizeAccessList, type Removable } from "./mapping";
import { liveInputs, reconcile, refOf } from "./reconcile";
import { validateAccessList } from "./rules";
import {
  ACCESS_LIST_REPLACE_ON,
  accessListInputsSchema,
  type AccessListInputs,
  type AccessListOutputs,
} from "./schema";

export const accessListLifecycle = lifecycle<AccessListInputs>({
  schema: accessListInputsSchema,
  replaceOn: ACCESS_LIST_REPLACE_ON,
  createOnly: ["adopt"],
  normalize: normalizeAccessList,
  rules: validateAccessList,
});

const { managedInputs } = accessListLifecycle;

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
  return { ...inputs, accessListUrn: accessListUrn(inputs.owner, inputs.identifier) };
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

/** What an update may remove: what the stack knew before and no longer declares. */
function knownOnlyBefore(before: string[], after: string[]): Removable | undefined {
  if (jsonEqual(before, after)) return undefined;
  const kept = new Set(after);
  return { known: before.filter((key) => !kept.has(key)) };
}

export const accessListImplementation: ProviderImplementation = {
  async check(ctx, olds, news) {
    const { result, inputs } = accessListLifecycle.check(news);
    if (!inputs || !isNew(olds)) return result;
    // A new list: say now, before any write, whether it exists and what create will do.
    return withAdoption(result, await accessListAdoption(ctx, inputs));
  },

  async diff(_ctx, _id, olds, news) {
    return accessListLifecycle.diff(olds, news);
  },

  async create(ctx, props) {
    const inputs = managedInputs(props);
    const ref = refOf(inputs);
    let removable: Removable = { known: [] };
    let listFields = false;
    let createdEtag: string | undefined;
    // Adopting reads first, so a list that exists is taken over without a refused create; check
    // found it when it says "adopting", and create acts on the same decision.
    const knownToExist = inputs.adopt || previewedAdopting(props);
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
      const recorded = live ?? { ...inputs, members: [], resources: [] };
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
    return readResult(id, live, { ...outputsOf(live) });
  },

  async update(ctx, _id, olds, news) {
    const before = managedInputs(olds);
    const after = managedInputs(news);
    const identifiers = (inputs: AccessListInputs) => inputs.resources.map((c) => c.identifier);
    await reconcile(ctx, {
      inputs: after,
      listFields: before.name !== after.name || before.description !== after.description,
      members: knownOnlyBefore(before.members, after.members),
      connections: jsonEqual(before.resources, after.resources)
        ? undefined
        : (knownOnlyBefore(identifiers(before), identifiers(after)) ?? { known: [] }),
    });
    return { outs: outputsOf(after) };
  },

  async delete(ctx, id, props) {
    await api.deleteAccessList(ctx, refFromState(id, props));
  },
};
