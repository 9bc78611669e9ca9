import * as selfService from "../api/self-service";
import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown, userInputs } from "../lib/check";
import { oncePerContext, type ProviderContext } from "../lib/context";
import { isNew, readResult, withAdoption } from "../lib/lifecycle";
import type { ProviderImplementation } from "../lib/provider";
import {
  adoptionPreview,
  clientsBeforeCreate,
  existingClient,
  missingClientError,
  takenOver,
} from "./adoption";
import { clientLifecycle } from "./lifecycle";
import {
  changedClientFields,
  fromClientRegistration,
  outputsOf,
  toClientRegistration,
} from "./mapping";
import { scopeAccessFailures } from "./scope-access";
import {
  deleteUnconfirmed,
  isUnconfirmed,
  readUnconfirmed,
  unconfirmedCreate,
  unconfirmedDiff,
} from "./unconfirmed";

/**
 * The org's scope access, read once per provider process: every client a run checks is checked
 * against the same answer, so N new clients cost one read, not N. A failed read is not kept.
 */
const scopeAccessOnce = oncePerContext(selfService.listScopeAccess);

/** The scopes added since the last up must be APPROVED for the org (one read, none when none). */
async function scopeCheck(
  ctx: ProviderContext,
  olds: Record<string, unknown>,
  result: pulumi.dynamic.CheckResult,
): Promise<pulumi.dynamic.CheckResult> {
  const requested = (result.inputs?.scopes ?? []) as string[];
  // Scopes already on the client were accepted when they were added; only new ones need the
  // read, so a preview with no new scopes makes no call at all.
  const before = Array.isArray(olds.scopes) ? (olds.scopes as string[]) : [];
  const added = requested.filter((scope) => !before.includes(scope));
  if (added.length === 0) return result;
  const access = await scopeAccessOnce(ctx);
  return {
    inputs: result.inputs,
    failures: scopeAccessFailures(added, access, ctx.settings.environment),
  };
}

const { managedInputs } = clientLifecycle;

export const maskinportenClientImplementation: ProviderImplementation = {
  async check(ctx, olds, news) {
    const { result, inputs } = clientLifecycle.check(news);
    if (result.failures?.length || containsUnknown(userInputs(news).scopes)) return result;
    // Inputs still unknown in preview are checked at up; adoption reads only with all known,
    // and only for a new resource.
    const adoption = inputs && isNew(olds) ? await adoptionPreview(ctx, inputs) : undefined;
    if (adoption && "failure" in adoption) return withAdoption(result, adoption);
    return withAdoption(await scopeCheck(ctx, olds, result), adoption);
  },

  async diff(ctx, id, olds, news) {
    if (isUnconfirmed(id)) return unconfirmedDiff(ctx, id, olds);
    const before = managedInputs(olds);
    const after = managedInputs(news);
    const changed: string[] = changedClientFields(before, after);
    // Declaring the client_id of the client already managed is no change; another id is another client.
    if (after.clientId !== undefined && after.clientId !== before.clientId)
      changed.push("clientId");
    const replaces = changed.filter((f) =>
      ([...clientLifecycle.replaceOn, "clientId"] as readonly string[]).includes(f),
    );
    return { changes: changed.length > 0, replaces };
  },

  async create(ctx, props) {
    const inputs = managedInputs(props);
    if (inputs.clientId !== undefined) {
      const live = await selfService.getClient(ctx, inputs.clientId);
      if (!live) throw new Error(missingClientError(inputs.clientId));
      const outs = await takenOver(ctx, inputs, { ...live, client_id: inputs.clientId });
      return { id: inputs.clientId, outs };
    }
    // The client an interrupted create made is found by its natural key, never made twice.
    const existing = await existingClient(ctx, inputs);
    if (existing.kind === "refuse") throw new Error(existing.reason);
    if (existing.kind === "as-declared") {
      return { id: String(existing.client.client_id), outs: outputsOf(inputs, existing.client) };
    }
    const registration = toClientRegistration(inputs);
    const outcome = await selfService.createClient(ctx, registration);
    if (outcome.kind === "created") {
      selfService.recordCreatedClient(ctx, String(outcome.client.client_id));
      return { id: String(outcome.client.client_id), outs: outputsOf(inputs, outcome.client) };
    }
    if (outcome.kind === "found") {
      const found = outcome.client;
      ctx.warn(
        `the answer to the create of client "${registration.client_name}" was lost: the client it made (${String(found.client_id)}) is taken over, not created again`,
      );
      return { id: String(found.client_id), outs: await takenOver(ctx, inputs, found) };
    }
    throw unconfirmedCreate(inputs, outcome.attemptedAt, outcome.cause);
  },

  async read(ctx, id, props) {
    if (isUnconfirmed(id)) return readUnconfirmed(ctx, id, props);
    const live = await selfService.readClient(ctx, id);
    if (!live) return {};
    const inputs = fromClientRegistration(live, managedInputs(props));
    return readResult(id, inputs, outputsOf(inputs, live));
  },

  async update(ctx, id, _olds, news) {
    const inputs = managedInputs(news);
    const updated = await selfService.updateClient(ctx, id, toClientRegistration(inputs));
    return { outs: outputsOf(inputs, { ...updated, client_id: id }) };
  },

  async delete(ctx, id, props) {
    clientsBeforeCreate.forget(ctx);
    if (isUnconfirmed(id)) return deleteUnconfirmed(ctx, id, props);
    await selfService.deleteClient(ctx, id);
  },
};
