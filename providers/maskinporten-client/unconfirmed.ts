import type * as pulumi from "@pulumi/pulumi";
import * as selfService from "../api/self-service";
import type { ProviderContext } from "../lib/context";
import { PartialCreateError } from "../lib/provider";
import { clientLifecycle } from "./lifecycle";
import { fromClientRegistration, outputsOf } from "./mapping";
import type { MaskinportenClientInputs, UnconfirmedClientOutputs } from "./schema";

/**
 * A create whose outcome is unknown: the POST's answer was lost and the list that would find the
 * client failed too. It is recorded as a partial create with the id `unconfirmed:<attempt time>`
 * and `createAttemptedAt` in its outputs, and the next up settles it without a twin
 * (docs/decisions.md, 2026-11-29 "A Maskinporten client create posts first"):
 *
 * | step (unconfirmed id) | HTTP                                                              |
 * |-----------------------|-------------------------------------------------------------------|
 * | diff                  | none: a replacement, deleting first                               |
 * | delete                | GET /clients; DELETE /clients/{client_id} of the client the       |
 * |                       | attempt made, if any (several: fails naming them, deletes none)   |
 * | create                | POST /clients, as any create                                      |
 * | read (refresh)        | GET /clients: the client the attempt made is taken over (its      |
 * |                       | client_id becomes the id); none -> gone, so the next up creates it |
 *
 * A client made before the attempt began is never deleted or taken over. A protected resource
 * cannot be replaced: `pulumi refresh` settles it.
 */

/** It cannot be a client_id (Digdir's are UUIDs), so every method knows it for what it is. */
export const UNCONFIRMED_ID_PREFIX = "unconfirmed:";

export function isUnconfirmed(id: string): boolean {
  return id.startsWith(UNCONFIRMED_ID_PREFIX);
}

/** When the unconfirmed create recorded as `id` began (the id carries it). */
function attemptedAtOf(id: string): string {
  return id.slice(UNCONFIRMED_ID_PREFIX.length);
}

/** What create throws when it cannot know whether its POST made a client. */
export function unconfirmedCreate(
  inputs: MaskinportenClientInputs,
  attemptedAt: string,
  cause: Error,
): PartialCreateError {
  return new PartialCreateError(
    `${UNCONFIRMED_ID_PREFIX}${attemptedAt}`,
    { ...inputs, createAttemptedAt: attemptedAt } satisfies UnconfirmedClientOutputs,
    new Error(
      `${cause.message}\nThe client is recorded as unconfirmed: the next pulumi up deletes the client this attempt made, if it made one, and creates it again ` +
        `(in a protected stack run pulumi refresh first, which takes that client over or forgets the attempt)`,
    ),
  );
}

/** diff of an unconfirmed create: a replacement that deletes first, explained. */
export function unconfirmedDiff(
  ctx: ProviderContext,
  id: string,
  olds: Record<string, unknown>,
): pulumi.dynamic.DiffResult {
  ctx.warn(
    `the create of client "${String(olds.clientName)}" at ${attemptedAtOf(id)} was not confirmed: up deletes the client it made, if it made one, and creates the client again ` +
      `(a protected stack cannot replace it: run pulumi refresh first, which takes that client over or forgets the attempt)`,
  );
  return { changes: true, replaces: ["clientId"], deleteBeforeReplace: true };
}

/** delete of an unconfirmed create: the client the attempt made, if one can be told. */
export async function deleteUnconfirmed(
  ctx: ProviderContext,
  id: string,
  props: Record<string, unknown>,
): Promise<void> {
  const made = await madeByUnconfirmed(ctx, id, props);
  if (made.length > 1) throw new Error(severalMadeError(id, props, made));
  if (made[0]) await selfService.deleteClient(ctx, String(made[0].client_id));
}

/**
 * Refresh of an unconfirmed create: the client the attempt made is taken over with its client_id
 * as the id, none means the attempt made nothing (gone: the next up creates it), and several are
 * left for the next up's delete to name.
 */
export async function readUnconfirmed(
  ctx: ProviderContext,
  id: string,
  props: Record<string, unknown>,
): Promise<pulumi.dynamic.ReadResult> {
  const made = await madeByUnconfirmed(ctx, id, props);
  const [only, ...more] = made;
  if (only === undefined) return {};
  if (more.length > 0) {
    ctx.warn(severalMadeError(id, props, made));
    return { id, props };
  }
  ctx.warn(
    `client "${String(props.clientName)}" was recorded as unconfirmed: the client its create made (${String(only.client_id)}) is taken over`,
  );
  const inputs = fromClientRegistration(only, clientLifecycle.managedInputs(props));
  return { id: String(only.client_id), props: outputsOf(inputs, only), inputs: { ...inputs } };
}

/** The clients the unconfirmed create recorded as `id` and `props` may have made (one list). */
async function madeByUnconfirmed(
  ctx: ProviderContext,
  id: string,
  props: Record<string, unknown>,
): Promise<selfService.ClientRegistration[]> {
  return selfService.madeByAttempt(
    await selfService.listClients(ctx),
    {
      client_name: String(props.clientName),
      description: String(props.description),
      integration_type: String(props.integrationType),
    },
    attemptedAtOf(id),
  );
}

function severalMadeError(
  id: string,
  props: Record<string, unknown>,
  made: readonly selfService.ClientRegistration[],
): string {
  return (
    `the create of client "${String(props.clientName)}" at ${attemptedAtOf(id)} was not confirmed, and ${made.length} clients with its name and description were made since (${made.map((c) => String(c.client_id)).join(", ")}): ` +
    `which one it made cannot be told, so none is deleted or taken over. Delete the one this stack made in Samarbeidsportalen (it has no keys), ` +
    `then forget the attempt with pulumi state delete '<this resource's URN>' (pulumi stack --show-urns lists them) and run pulumi up again`
  );
}
