import type { JwksResponse, RegisteredJwk } from "../api/self-service";
import type { KeyMaterial } from "./key-material";
import {
  type KeyRecord,
  type MaskinportenClientKeyInputs,
  type MaskinportenClientKeyOutputs,
} from "./schema";

/** When Digdir stops accepting the key, from the server's `exp` (epoch seconds). */
function expiresAtOf(key: RegisteredJwk | undefined): string | undefined {
  return typeof key?.exp === "number" ? new Date(key.exp * 1000).toISOString() : undefined;
}

/** A registered key as the resource remembers it. */
export function recordOf(key: RegisteredJwk): KeyRecord {
  const { exp: _exp, ...publicJwk } = key;
  const expiresAt = expiresAtOf(key);
  return { kid: key.kid, ...(expiresAt ? { expiresAt } : {}), publicJwk };
}

/** The live key set's view of the keys this resource remembers: their expiry as Digdir has it. */
function liveExpiry(live: JwksResponse) {
  const byKid = new Map(live.keys.map((k) => [k.kid, k]));
  const expiresAt = (kid: string, known?: string) => expiresAtOf(byKid.get(kid)) ?? known;
  return {
    expiresAt,
    records: (records: readonly KeyRecord[]): KeyRecord[] =>
      records.map((p) => {
        const at = expiresAt(p.kid, p.expiresAt);
        return { ...p, ...(at ? { expiresAt: at } : {}) };
      }),
  };
}

export function outputsOf(
  inputs: MaskinportenClientKeyInputs,
  current: KeyMaterial,
  previous: KeyRecord[],
  live: JwksResponse,
): MaskinportenClientKeyOutputs {
  const expiry = liveExpiry(live);
  const keyExpiresAt = expiry.expiresAt(current.publicJwk.kid);
  return {
    ...inputs,
    keyId: current.publicJwk.kid,
    ...(keyExpiresAt ? { keyExpiresAt } : {}),
    keyPublicJwk: current.publicJwk,
    previousKeys: expiry.records(previous),
    previousKeyIds: previous.map((p) => p.kid),
    registeredKeyIds: live.keys.map((k) => k.kid),
    ...(current.privateKeyPem ? { privateKeyPem: current.privateKeyPem } : {}),
    ...(current.privateJwk ? { privateJwk: current.privateJwk } : {}),
  };
}

/** The state refreshed from the live key set: expiry dates and the kids registered. */
export function refreshedOutputs(
  props: Record<string, unknown>,
  live: JwksResponse,
): Record<string, unknown> {
  const state = props as Partial<MaskinportenClientKeyOutputs>;
  const expiry = liveExpiry(live);
  const keyExpiresAt = expiry.expiresAt(String(state.keyId), state.keyExpiresAt);
  return {
    ...props,
    ...(keyExpiresAt ? { keyExpiresAt } : {}),
    previousKeys: expiry.records(state.previousKeys ?? []),
    registeredKeyIds: live.keys.map((k) => k.kid),
  };
}

/** The current key as the state holds it (no change: it stays, with its private key). */
export function currentKeyOf(
  state: Partial<MaskinportenClientKeyOutputs>,
): KeyMaterial | undefined {
  if (!state.keyPublicJwk) return undefined;
  return {
    publicJwk: state.keyPublicJwk,
    ...(state.privateKeyPem ? { privateKeyPem: state.privateKeyPem } : {}),
    ...(state.privateJwk ? { privateJwk: state.privateJwk } : {}),
  };
}

/** The state's current key as the previous one of a new key, unless it has already expired. */
export function overlapOf(
  state: Partial<MaskinportenClientKeyOutputs>,
  nowMs: number,
): KeyRecord[] {
  const old = state.keyPublicJwk;
  const oldExpiry = state.keyExpiresAt ? Date.parse(state.keyExpiresAt) : Infinity;
  if (!old || oldExpiry <= nowMs) return [];
  return [
    {
      kid: old.kid,
      ...(state.keyExpiresAt ? { expiresAt: state.keyExpiresAt } : {}),
      publicJwk: old,
    },
  ];
}
