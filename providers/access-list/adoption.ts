import * as api from "../api/access-lists";
import { jsonEqual } from "../lib/check";
import { oncePerContext, type ProviderContext } from "../lib/context";
import { adoptionPreview, type AdoptionPreview, type ExistingObject } from "../lib/lifecycle";
import type { Removable } from "./mapping";
import { liveInputs, refOf } from "./reconcile";
import type { AccessListInputs } from "./schema";

/**
 * A list that exists although this stack creates it. It holds the declared content: take it
 * over, no write. Adopt it when asked to. It has the declared name and description and only
 * declared members and connections: what this provider's own interrupted create left (a crash, a
 * lost answer), so finish it. Else refuse: its members and connections are someone else's.
 */
export function existingListDecision(
  live: AccessListInputs,
  inputs: AccessListInputs,
): ExistingObject {
  const sameFields = live.name === inputs.name && live.description === inputs.description;
  if (
    sameFields &&
    jsonEqual(live.members, inputs.members) &&
    jsonEqual(live.resources, inputs.resources)
  )
    return "as-declared";
  if (inputs.adopt) return "adopt";
  const declared = new Set(inputs.members);
  const interrupted =
    sameFields &&
    live.members.every((m) => declared.has(m)) &&
    live.resources.every((c) => inputs.resources.some((d) => jsonEqual(c, d)));
  return interrupted ? "own" : "refuse";
}

/** How the preview and the refusal name a live list, with what it holds. */
function holding(live: AccessListInputs): string {
  return `name "${live.name}", ${live.members.length} member(s), ${live.resources.length} resource connection(s)`;
}

function refusal(ref: api.AccessListRef, live: AccessListInputs | undefined): string {
  return (
    `access list ${api.listLabel(ref)} already exists and is not managed by this stack` +
    (live ? ` (${holding(live)})` : "") +
    `: set adopt: true to take it over (its name, description, members and connections are then replaced by the declared ones), or choose another identifier`
  );
}

/** What create may remove from a list that exists: the plan of its decision, or its refusal. */
export async function existingListPlan(
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

/**
 * The owner's lists as check first saw them in this run: N new lists are looked up in one list
 * (a page per 20 lists) instead of N reads, and only one that is listed is read in full.
 */
const listsBefore = oncePerContext(api.listAccessLists);

/** A new list's preview: whether it exists, and what create does with it. */
export async function accessListAdoption(
  ctx: ProviderContext,
  inputs: AccessListInputs,
): Promise<AdoptionPreview> {
  const ref = refOf(inputs);
  const listed = (await listsBefore(ctx, ref.owner)).find((l) => l.identifier === ref.identifier);
  const live = listed ? await liveInputs(ctx, ref, inputs, listed) : undefined;
  if (!live) return undefined;
  return adoptionPreview(ctx, existingListDecision(live, inputs), {
    label: `existing access list ${api.listLabel(ref)} (${holding(live)})`,
    replaces: "replaces its name, description, members and connections with the declared ones",
    refusal: refusal(ref, live),
  });
}
