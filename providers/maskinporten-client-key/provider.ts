import * as selfService from "../api/self-service";
import { checkWithSchema, containsUnknown, userInputs } from "../lib/check";
import type { ProviderContext } from "../lib/context";
import { lifecycle, readResult } from "../lib/lifecycle";
import type { ProviderImplementation } from "../lib/provider";
import { newKey } from "./key-material";
import { currentKeyOf, outputsOf, overlapOf, recordOf, refreshedOutputs } from "./mapping";
import {
  expectedKeyIds,
  keyChange,
  keyChangeNote,
  keySetDrifted,
  missingClientError,
  noRoomError,
  renewalDue,
  validateKeyInputs,
} from "./rules";
import {
  MASKINPORTEN_CLIENT_KEY_REPLACE_ON,
  maskinportenClientKeyInputsSchema,
  type MaskinportenClientKeyInputs,
  type MaskinportenClientKeyOutputs,
} from "./schema";

/** What diff tells the plan about the keys: a renewal a brought key needs, a new key, an overlap ending. */
function warnKeyPlan(
  ctx: ProviderContext,
  state: Partial<MaskinportenClientKeyOutputs>,
  after: MaskinportenClientKeyInputs,
  change: ReturnType<typeof keyChange>,
): void {
  if (
    change === "none" &&
    after.publicJwk &&
    renewalDue(state.keyExpiresAt, after.renewBeforeDays, ctx.now())
  ) {
    ctx.warn(
      `the key ${state.keyId} of client ${after.clientId} expires at ${state.keyExpiresAt}: Digdir then refuses it (MP-121). ` +
        `Make a new key pair and give its public JWK (with a new kid) as publicJwk; the old key stays registered until the following up`,
    );
  }
  const previous = state.previousKeyIds ?? [];
  const note = keyChangeNote(change, state, after);
  if (note) ctx.warn(note);
  else if (previous.length > 0) {
    ctx.warn(
      `client ${after.clientId}: this up removes the previous key${previous.length === 1 ? "" : "s"} ${previous.join(", ")} (the overlap after the last rotation or renewal ends); a sender still using ${previous.length === 1 ? "it" : "them"} gets no more tokens`,
    );
  }
}

export const keyLifecycle = lifecycle<MaskinportenClientKeyInputs>({
  schema: maskinportenClientKeyInputsSchema,
  replaceOn: MASKINPORTEN_CLIENT_KEY_REPLACE_ON,
});

const inputsOf = keyLifecycle.managedInputs;

export const maskinportenClientKeyImplementation: ProviderImplementation = {
  async check(ctx, olds, news) {
    const raw = userInputs(news);
    const extra = validateKeyInputs(raw);
    const result = checkWithSchema(maskinportenClientKeyInputsSchema, news);
    const failures = [...extra, ...result.failures];
    if (failures.length > 0 || result.inputs === news) return { inputs: result.inputs, failures };
    // A new resource adds a key to the client: say now, before any write, if there is no room.
    const isNew = Object.keys(userInputs(olds)).length === 0;
    if (!isNew || containsUnknown(raw.clientId)) return result;
    const clientId = String(result.inputs.clientId);
    // A client this process has just made exists and has room: nothing to check.
    if (selfService.createdInThisProcess(ctx, clientId)) return result;
    const live = await selfService.getJwks(ctx, clientId);
    const reason = live
      ? noRoomError(
          clientId,
          live.keys.map((k) => k.kid),
        )
      : missingClientError(clientId);
    return reason
      ? { inputs: result.inputs, failures: [{ property: "clientId", reason }] }
      : result;
  },

  async diff(ctx, _id, olds, news) {
    const fields = keyLifecycle.diff(olds, news);
    if (containsUnknown(userInputs(news))) return { ...fields, changes: true };
    // Beyond the inputs: a new key due, an overlap to end, keys changed behind the stack's back.
    const state = olds as Partial<MaskinportenClientKeyOutputs>;
    const after = inputsOf(news);
    const change = keyChange(state, after, ctx.now());
    warnKeyPlan(ctx, state, after, change);
    const overlapPending = (state.previousKeyIds ?? []).length > 0;
    return {
      ...fields,
      changes: fields.changes || change !== "none" || overlapPending || keySetDrifted(state),
    };
  },

  async create(ctx, props) {
    const inputs = inputsOf(props);
    // The key set is replaced whole, so keys already there are read to keep them; a client this
    // process has just made has none.
    const live = selfService.createdInThisProcess(ctx, inputs.clientId)
      ? { keys: [] }
      : await selfService.getJwks(ctx, inputs.clientId);
    if (!live) throw new Error(missingClientError(inputs.clientId));
    const noRoom = noRoomError(
      inputs.clientId,
      live.keys.map((k) => k.kid),
    );
    if (noRoom) throw new Error(noRoom);
    const current = await newKey(inputs);
    // A brought key that is already registered (an adopted client's key) is the current key as
    // it is: adopted without a write when it is the client's only key.
    const isCurrent = (k: selfService.RegisteredJwk) =>
      k.kid === current.publicJwk.kid && k.n === current.publicJwk.n;
    if (inputs.publicJwk && live.keys.length === 1 && isCurrent(live.keys[0]!)) {
      return { id: inputs.clientId, outs: outputsOf(inputs, current, [], live) };
    }
    // Keys already on the client (made by hand, or by an earlier tool) stay for one overlap, as
    // after a rotation, so nothing that uses them breaks on this up.
    const kept = live.keys.filter((k) => !isCurrent(k)).map(recordOf);
    if (kept.length > 0) {
      ctx.warn(
        `client ${inputs.clientId} already has the keys ${kept.map((k) => k.kid).join(", ")}: they stay registered until the next pulumi up, which removes them (this resource owns the client's whole key set)`,
      );
    }
    const registered = await selfService.registerJwks(ctx, inputs.clientId, [
      current.publicJwk,
      ...kept.map((k) => k.publicJwk),
    ]);
    return { id: inputs.clientId, outs: outputsOf(inputs, current, kept, registered) };
  },

  async read(ctx, id, props) {
    const state = props as Partial<MaskinportenClientKeyOutputs>;
    const live = await selfService.getJwks(ctx, String(state.clientId ?? id));
    if (!live) return {};
    return readResult(id, inputsOf(props), refreshedOutputs(props, live));
  },

  async update(ctx, _id, olds, news) {
    const inputs = inputsOf(news);
    const state = olds as Partial<MaskinportenClientKeyOutputs>;
    const now = ctx.now();
    const change = keyChange(state, inputs, now);
    const live = await selfService.getJwks(ctx, inputs.clientId);
    if (!live) throw new Error(missingClientError(inputs.clientId));
    const kept = change === "none" ? currentKeyOf(state) : undefined;
    const current = kept ?? (await newKey(inputs));
    // The old key overlaps with the new one until the next up, unless it is already dead.
    const previous = kept ? [] : overlapOf(state, now);
    const wanted = [current.publicJwk.kid, ...previous.map((p) => p.kid)];
    const dropped = live.keys.map((k) => k.kid).filter((kid) => !wanted.includes(kid));
    const foreign = dropped.filter((kid) => !expectedKeyIds(state).includes(kid));
    if (foreign.length > 0) {
      ctx.warn(
        `removing the keys ${foreign.join(", ")} from client ${inputs.clientId}: they were registered outside this stack, and this resource owns the client's whole key set`,
      );
    }
    const registered = await selfService.registerJwks(ctx, inputs.clientId, [
      current.publicJwk,
      ...previous.map((p) => p.publicJwk),
    ]);
    return { outs: outputsOf(inputs, current, previous, registered) };
  },

  async delete(ctx, id, props) {
    const state = props as Partial<MaskinportenClientKeyOutputs>;
    const clientId = String(state.clientId ?? id);
    const live = await selfService.getJwks(ctx, clientId);
    if (!live) return;
    const ours = expectedKeyIds(state);
    const remaining = live.keys.filter((k) => !ours.includes(k.kid));
    if (remaining.length === live.keys.length) return;
    if (remaining.length === 0) {
      await selfService.deleteJwks(ctx, clientId);
    } else {
      await selfService.registerJwks(ctx, clientId, remaining);
    }
  },
};
