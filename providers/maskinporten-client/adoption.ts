import * as selfService from "../api/self-service";
import type { CheckFailure } from "../lib/check";
import { oncePerContext, type ProviderContext } from "../lib/context";
import { holdsDeclared, outputsOf, toClientRegistration } from "./mapping";
import type { MaskinportenClientInputs, MaskinportenClientOutputs } from "./schema";

/**
 * Taking over an existing client. `clientId` adopts a client made in Samarbeidsportalen: preview
 * says `adopting` (and warns when up will change it), or fails when the org has no such client.
 * Without it, a crash-safe create first finds, by the natural key (name, description and type,
 * which the stack file keeps unique among its new clients), what an interrupted create made: one
 * that holds the declared fields is taken over with no write; one with other fields is refused
 * with the fix (clientId).
 */

function adoptionLabel(live: selfService.ClientRegistration): string {
  return `existing client ${String(live.client_id)} ("${live.client_name}")`;
}

export function missingClientError(clientId: string): string {
  return `client ${clientId} does not exist, or belongs to another organisation than the self-service admin client's: check clientId (the client_id in Samarbeidsportalen), or remove it to create a new client`;
}

/**
 * A new resource: what up will take over, or why it cannot; undefined when up creates a client.
 */
export async function adoptionPreview(
  ctx: ProviderContext,
  declared: MaskinportenClientInputs,
): Promise<{ adopting: string } | { failure: CheckFailure } | undefined> {
  if (declared.clientId === undefined) {
    const existing = await existingClient(ctx, declared);
    if (existing.kind === "none") return undefined;
    if (existing.kind === "refuse")
      return { failure: { property: "clientName", reason: existing.reason } };
    return { adopting: `${adoptionLabel(existing.client)}, already as declared: no write` };
  }
  const live = await selfService.getClient(ctx, declared.clientId);
  if (!live)
    return { failure: { property: "clientId", reason: missingClientError(declared.clientId) } };
  if (holdsDeclared(live, declared)) {
    return { adopting: `${adoptionLabel(live)}, already as declared: no write` };
  }
  ctx.warn(
    `adopting ${adoptionLabel(live)}: up replaces its name, description and scopes with the declared ones`,
  );
  return { adopting: adoptionLabel(live) };
}

/**
 * The org's clients as this process listed them before its first create: a client with the
 * declared name, description and type (the natural key, unique among the stack's new clients) is
 * what an interrupted create made (a POST whose process died). One list per run; a delete in this
 * process forgets it, so a create after deleting the client the list showed does not find it.
 */
export const clientsBeforeCreate = oncePerContext(selfService.listClients);

/** What check previews and create does for a new client without `clientId`. */
type ExistingClient =
  | { kind: "none" }
  | { kind: "as-declared"; client: selfService.ClientRegistration }
  | { kind: "refuse"; reason: string };

export async function existingClient(
  ctx: ProviderContext,
  inputs: MaskinportenClientInputs,
): Promise<ExistingClient> {
  const same = (await clientsBeforeCreate(ctx)).filter(
    (c) =>
      c.client_name === inputs.clientName &&
      c.description === inputs.description &&
      c.integration_type === inputs.integrationType,
  );
  const [only, ...more] = same;
  if (only === undefined) return { kind: "none" };
  if (more.length === 0 && holdsDeclared(only, inputs))
    return { kind: "as-declared", client: only };
  const ids = same.map((c) => String(c.client_id));
  const found =
    more.length === 0
      ? `client ${ids[0]} has the name "${inputs.clientName}" and the description of this one, but other fields (scopes, token lifetime)`
      : `${same.length} clients (${ids.join(", ")}) have the name "${inputs.clientName}" and the description of this one`;
  return {
    kind: "refuse",
    reason: `${found}, and this stack does not manage ${more.length === 0 ? "it" : "them"}: a create finds what an interrupted create made by name and description, so set clientId: ${ids[0]} to adopt ${more.length === 0 ? "it" : "one"} (its fields are then replaced by the declared ones), or give this client another clientName or description`,
  };
}

/** A found client as the resource's outputs; a PUT only when it does not hold the declared fields. */
export async function takenOver(
  ctx: ProviderContext,
  inputs: MaskinportenClientInputs,
  live: selfService.ClientRegistration,
): Promise<MaskinportenClientOutputs> {
  if (holdsDeclared(live, inputs)) return outputsOf(inputs, live);
  const clientId = String(live.client_id);
  const updated = await selfService.updateClient(ctx, clientId, toClientRegistration(inputs));
  return outputsOf(inputs, { ...updated, client_id: clientId });
}
