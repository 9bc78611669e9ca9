import { MAX_KEYS } from "../api/self-service";
import { jsonEqual, UNKNOWN, type CheckFailure } from "../lib/check";
import type { MaskinportenClientKeyInputs, MaskinportenClientKeyOutputs } from "./schema";

/** The rules of a client's key set: what a brought key must be, and when a new key is due. */

const DAY_MS = 86_400_000;
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi"] as const;
/** Digdir's JWKS registration takes RS256 keys of exactly this size (felleslosninger/docs oidc_api_admin.md). */
const MODULUS_BITS = 2048;

/** The modulus size in bits, leading zero bits not counted. */
function modulusBits(n: string): number {
  const bytes = Buffer.from(n, "base64url");
  const first = bytes.findIndex((b) => b !== 0);
  return first < 0 ? 0 : (bytes.length - first) * 8 - Math.clz32(bytes[first]!) + 24;
}

/** Checks beyond the schema, each naming a property path that holds no secret value. */
export function validateKeyInputs(raw: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const jwk = raw.publicJwk;
  if (jwk && typeof jwk === "object" && !Array.isArray(jwk)) {
    const members = PRIVATE_MEMBERS.filter(
      (m) => (jwk as Record<string, unknown>)[m] !== undefined,
    );
    if (members.length > 0) {
      failures.push({
        // The engine prints the value at `property`; a dotted path prints nothing, so the
        // private key is never shown.
        property: "publicJwk.d",
        reason: `publicJwk holds private key members (${members.join(", ")}): give only the public key (kty, kid, alg, use, n, e) and keep the private key with the client that signs`,
      });
    }
    const n = (jwk as Record<string, unknown>).n;
    if (typeof n === "string" && n !== UNKNOWN) {
      const bits = modulusBits(n);
      if (bits !== MODULUS_BITS) {
        failures.push({
          property: "publicJwk.n",
          reason: `publicJwk is a ${bits}-bit RSA key: Digdir takes RSA keys of exactly ${MODULUS_BITS} bits (docs.digdir.no oidc_api_admin.md: "Kun RS256 med nøkkellenge 2048 støttes"); make one with: openssl genrsa 2048`,
        });
      }
    }
    if (raw.rotation !== undefined && raw.rotation !== 0) {
      failures.push({
        property: "rotation",
        reason:
          "rotation rotates a generated key: with publicJwk, rotate by bringing a new publicJwk with a new kid (remove rotation)",
      });
    }
  }
  return failures;
}

/** Why a new current key is due, or "none". */
export type KeyChange = "none" | "first" | "rotation" | "new-brought-key" | "renewal";

/** What a planned key change does to the client's keys, in the plan's words (rotation: 0 => 1). */
export function keyChangeNote(
  change: KeyChange,
  state: Partial<MaskinportenClientKeyOutputs>,
  after: { clientId?: unknown; rotation?: unknown },
): string | undefined {
  const why =
    change === "rotation"
      ? "rotates its key"
      : change === "renewal"
        ? `renews its key (it expires at ${state.keyExpiresAt})`
        : change === "new-brought-key"
          ? "registers the new public JWK"
          : undefined;
  if (why === undefined || state.keyId === undefined) return undefined;
  return `client ${String(after.clientId)}: this up ${why}: a new current key with a new kid; the current key ${state.keyId} stays registered as the previous one, so senders keep getting tokens while they switch, and the following up removes it`;
}

export function keyChange(
  olds: Partial<MaskinportenClientKeyOutputs>,
  inputs: MaskinportenClientKeyInputs,
  nowMs: number,
): KeyChange {
  const current = olds.keyPublicJwk;
  if (!current) return "first";
  if (inputs.publicJwk) {
    const same = current.kid === inputs.publicJwk.kid && current.n === inputs.publicJwk.n;
    return same ? "none" : "new-brought-key";
  }
  // A generated key follows a brought one, or the user asked for a new one.
  if (olds.publicJwk !== undefined || olds.rotation !== inputs.rotation) return "rotation";
  return renewalDue(olds.keyExpiresAt, inputs.renewBeforeDays, nowMs) ? "renewal" : "none";
}

export function renewalDue(
  expiresAt: string | undefined,
  renewBeforeDays: number,
  nowMs: number,
): boolean {
  if (expiresAt === undefined) return false;
  const expiry = Date.parse(expiresAt);
  return Number.isFinite(expiry) && expiry - nowMs <= renewBeforeDays * DAY_MS;
}

/** The kids this resource expects on the client: the current key and the overlap. */
export function expectedKeyIds(olds: Partial<MaskinportenClientKeyOutputs>): string[] {
  return [olds.keyId, ...(olds.previousKeyIds ?? [])].filter((k): k is string => !!k);
}

/** Whether the client holds other keys than those this resource expects (refresh saw drift). */
export function keySetDrifted(state: Partial<MaskinportenClientKeyOutputs>): boolean {
  return !jsonEqual([...(state.registeredKeyIds ?? [])].sort(), expectedKeyIds(state).sort());
}

/** Why the client has no room for the key this resource adds; undefined when it has. */
export function noRoomError(clientId: string, kids: readonly string[]): string | undefined {
  if (kids.length < MAX_KEYS) return undefined;
  return (
    `client ${clientId} already has ${kids.length} keys (${kids.join(", ")}), the most Digdir allows is ${MAX_KEYS}: ` +
    `this resource adds a key and would make one too many. Remove a key from the client first ` +
    `(in Samarbeidsportalen, or in the stack that registered it), then run pulumi up again`
  );
}

export function missingClientError(clientId: string): string {
  return `client ${clientId} does not exist, or belongs to another organisation than the self-service admin client's: check clientId`;
}
