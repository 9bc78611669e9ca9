/**
 * MaskinportenClientKey: the key set (JWKS) of one Maskinporten client, through Digdir's
 * self-service API (docs/altinn-apis.md section 6; providers/api/self-service.ts).
 *
 * | step    | HTTP                                                                          |
 * |---------|-------------------------------------------------------------------------------|
 * | check   | GET /clients/{id}/jwks for a new resource: the client exists and has room     |
 * | create  | GET /clients/{id}/jwks, then POST /clients/{id}/jwks with the new key added;  |
 * |         | none when the brought key is already the client's only key (adoption)         |
 * | read    | GET /clients/{id}/jwks; a 404 (client gone) -> gone                            |
 * | update  | POST /clients/{id}/jwks with the whole set this resource wants               |
 * | delete  | POST the set without this resource's keys, or DELETE /clients/{id}/jwks      |
 *
 * id: the client_id: one MaskinportenClientKey owns a client's whole key set, because every write
 * replaces the set. Replaced when `clientId` changes.
 *
 * The key: an RSA 2048 key pair made here with jose (the private key is a secret output, never in
 * plaintext state), or the public JWK the user brings (`publicJwk`). Every key gets a UUID `kid`,
 * as Digdir asks (a kid is unique across all its customers).
 *
 * Rotation with overlap: bumping `rotation` (or bringing a new `publicJwk`) makes a new current
 * key and keeps the old one registered, so running consumers keep getting tokens while they
 * switch; the next `pulumi up` removes the old key (any update ends an overlap that began in an
 * earlier one). Renewal: Digdir expires a key one year after it was posted. When the current key
 * expires within `renewBeforeDays`, `up` makes a new key the same way (a re-post is not documented
 * to renew a key, a new key works whatever Digdir does). A brought key cannot be renewed here: the
 * provider warns to bring a new one. The clock is `ctx.now()`.
 */
import { randomUUID } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { exportJWK, exportPKCS8, generateKeyPair } from "jose";
import { z } from "zod";
import * as selfService from "./api/self-service";
import {
  checkWithSchema,
  containsUnknown,
  jsonEqual,
  UNKNOWN,
  userInputs,
  type CheckFailure,
} from "./lib/check";
import type { ProviderImplementation } from "./lib/provider";
import { runtimeProvider } from "./lib/shell";
import type { Inputs } from "./lib/types";

const DAY_MS = 86_400_000;
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi"] as const;
/** Digdir's JWKS registration takes RS256 keys of exactly this size (felleslosninger/docs oidc_api_admin.md). */
const MODULUS_BITS = 2048;

/** A public RSA signing key as Digdir takes it. Private members are refused by `check`. */
const publicJwkSchema = z
  .object({
    kty: z.literal("RSA", { error: 'publicJwk.kty must be "RSA": Digdir takes RSA keys only' }),
    kid: z.string().trim().min(1, "publicJwk.kid is required: use a UUID, unique across Digdir"),
    alg: z.literal("RS256", {
      error: 'publicJwk.alg must be "RS256", the only algorithm Digdir takes',
    }),
    use: z.literal("sig", { error: 'publicJwk.use must be "sig"' }),
    n: z.string().min(1, "publicJwk.n (the modulus) is required"),
    e: z.string().min(1, "publicJwk.e (the exponent) is required"),
    x5c: z.array(z.string()).optional(),
  })
  // Unknown members pass here so that private ones get their own failure (which names no value).
  .passthrough();

export type PublicJwk = z.output<typeof publicJwkSchema>;

export const maskinportenClientKeyInputsSchema = z
  .object({
    /** The client whose key set this resource owns (MaskinportenClient.clientId). */
    clientId: z
      .string()
      .trim()
      .min(1, "clientId is required: the client_id of the Maskinporten client")
      // It becomes a path segment of every call: no "/", "?", "#", "%" or spaces.
      .regex(
        /^[A-Za-z0-9._:-]{1,200}$/,
        'clientId must be a client_id as Digdir gives it (letters, digits, ".", "_", ":" and "-"), such as a UUID: use the MaskinportenClient\'s clientId output',
      ),
    /** Bump to rotate the generated key: a new key is added, the old one is removed on the next up. */
    rotation: z
      .number()
      .int("rotation is a whole number: bump it by one to rotate the key")
      .min(0, "rotation starts at 0")
      .default(0),
    /** A new key is made when the current one expires within this many days. */
    renewBeforeDays: z
      .number()
      .int("renewBeforeDays is a whole number of days")
      .min(1, "renewBeforeDays must be between 1 and 180")
      .max(180, "renewBeforeDays must be between 1 and 180: keys live one year")
      .default(30),
    /** Bring your own key: its public JWK. Without it the provider generates the key pair. */
    publicJwk: publicJwkSchema.optional(),
  })
  .strict();

export type MaskinportenClientKeyInputs = z.output<typeof maskinportenClientKeyInputsSchema>;
export type MaskinportenClientKeyArgs = Inputs<z.input<typeof maskinportenClientKeyInputsSchema>>;

/** A key registered on the client, as this resource remembers it. */
export interface KeyRecord {
  kid: string;
  /** When Digdir stops accepting the key (ISO 8601), from the server's `exp`. */
  expiresAt?: string;
  publicJwk: selfService.RegisteredJwk;
}

export interface MaskinportenClientKeyOutputs extends MaskinportenClientKeyInputs {
  /** kid of the current key: what consumers put in their JWT grant header. */
  keyId: string;
  keyExpiresAt?: string;
  keyPublicJwk: selfService.RegisteredJwk;
  /** Keys kept for the overlap after a rotation or renewal; removed on the next up. */
  previousKeys: KeyRecord[];
  previousKeyIds: string[];
  /** kids registered on the client as last seen (refresh shows drift here). */
  registeredKeyIds: string[];
  /** The generated private key: PKCS#8 PEM and a private JWK (JSON). Secret outputs. */
  privateKeyPem?: string;
  privateJwk?: string;
}

export const MASKINPORTEN_CLIENT_KEY_REPLACE_ON = ["clientId"] as const;
export const MASKINPORTEN_CLIENT_KEY_SECRET_OUTPUTS = ["privateKeyPem", "privateJwk"];

const INPUT_FIELDS = Object.keys(maskinportenClientKeyInputsSchema.shape) as Array<
  keyof MaskinportenClientKeyInputs
>;

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

function sameKeyIds(a: readonly string[], b: readonly string[]): boolean {
  return jsonEqual([...a].sort(), [...b].sort());
}

interface KeyMaterial {
  publicJwk: selfService.RegisteredJwk;
  privateKeyPem?: string;
  privateJwk?: string;
}

/** A fresh RSA 2048 key pair with a UUID kid. */
export async function generateKey(): Promise<KeyMaterial> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", {
    modulusLength: 2048,
    extractable: true,
  });
  const kid = randomUUID();
  const pub = await exportJWK(publicKey);
  const publicJwk = {
    kty: "RSA",
    kid,
    alg: "RS256",
    use: "sig",
    n: String(pub.n),
    e: String(pub.e),
  };
  const priv = await exportJWK(privateKey);
  return {
    publicJwk,
    privateKeyPem: await exportPKCS8(privateKey),
    privateJwk: JSON.stringify({ ...priv, kid, alg: "RS256", use: "sig" }),
  };
}

function broughtKey(jwk: PublicJwk): KeyMaterial {
  return {
    publicJwk: {
      kty: jwk.kty,
      kid: jwk.kid,
      alg: jwk.alg,
      use: jwk.use,
      n: jwk.n,
      e: jwk.e,
      ...(jwk.x5c ? { x5c: jwk.x5c } : {}),
    },
  };
}

function inputsOf(props: Record<string, unknown>): MaskinportenClientKeyInputs {
  const inputs = userInputs(props);
  return Object.fromEntries(
    INPUT_FIELDS.filter((f) => inputs[f] !== undefined).map((f) => [f, inputs[f]]),
  ) as MaskinportenClientKeyInputs;
}

function expiresAtOf(key: selfService.RegisteredJwk | undefined): string | undefined {
  return typeof key?.exp === "number" ? new Date(key.exp * 1000).toISOString() : undefined;
}

function recordOf(key: selfService.RegisteredJwk): KeyRecord {
  const { exp: _exp, ...publicJwk } = key;
  const expiresAt = expiresAtOf(key);
  return { kid: key.kid, ...(expiresAt ? { expiresAt } : {}), publicJwk };
}

function outputsOf(
  inputs: MaskinportenClientKeyInputs,
  current: KeyMaterial,
  previous: KeyRecord[],
  live: selfService.JwksResponse,
): MaskinportenClientKeyOutputs {
  const byKid = new Map(live.keys.map((k) => [k.kid, k]));
  const keyExpiresAt = expiresAtOf(byKid.get(current.publicJwk.kid));
  return {
    ...inputs,
    keyId: current.publicJwk.kid,
    ...(keyExpiresAt ? { keyExpiresAt } : {}),
    keyPublicJwk: current.publicJwk,
    previousKeys: previous.map((p) => {
      const expiresAt = expiresAtOf(byKid.get(p.kid)) ?? p.expiresAt;
      return { ...p, ...(expiresAt ? { expiresAt } : {}) };
    }),
    previousKeyIds: previous.map((p) => p.kid),
    registeredKeyIds: live.keys.map((k) => k.kid),
    ...(current.privateKeyPem ? { privateKeyPem: current.privateKeyPem } : {}),
    ...(current.privateJwk ? { privateJwk: current.privateJwk } : {}),
  };
}

async function newKey(inputs: MaskinportenClientKeyInputs): Promise<KeyMaterial> {
  return inputs.publicJwk ? broughtKey(inputs.publicJwk) : generateKey();
}

function sixthKeyError(clientId: string, kids: readonly string[]): string {
  return (
    `client ${clientId} already has ${kids.length} keys (${kids.join(", ")}), the most Digdir allows is ${selfService.MAX_KEYS}: ` +
    `this resource adds a key and would make one too many. Remove a key from the client first ` +
    `(in Samarbeidsportalen, or in the stack that registered it), then run pulumi up again`
  );
}

function missingClientError(clientId: string): string {
  return `client ${clientId} does not exist, or belongs to another organisation than the self-service admin client's: check clientId`;
}

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
    if (!live) {
      return {
        inputs: result.inputs,
        failures: [{ property: "clientId", reason: missingClientError(clientId) }],
      };
    }
    if (live.keys.length >= selfService.MAX_KEYS) {
      return {
        inputs: result.inputs,
        failures: [
          {
            property: "clientId",
            reason: sixthKeyError(
              clientId,
              live.keys.map((k) => k.kid),
            ),
          },
        ],
      };
    }
    return result;
  },

  async diff(ctx, _id, olds, news) {
    const before = inputsOf(olds);
    const after = inputsOf(news);
    const changed = INPUT_FIELDS.filter((f) => !jsonEqual(before[f], after[f]));
    const replaces = changed.filter((f) =>
      (MASKINPORTEN_CLIENT_KEY_REPLACE_ON as readonly string[]).includes(f),
    );
    if (containsUnknown(userInputs(news))) return { changes: true, replaces };
    const state = olds as Partial<MaskinportenClientKeyOutputs>;
    const change = keyChange(state, after, ctx.now());
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
    const overlapPending = (state.previousKeyIds ?? []).length > 0;
    const note = keyChangeNote(change, state, after);
    if (note) ctx.warn(note);
    else if (overlapPending) {
      ctx.warn(
        `client ${after.clientId}: this up removes the previous key${state.previousKeyIds!.length === 1 ? "" : "s"} ${state.previousKeyIds!.join(", ")} (the overlap after the last rotation or renewal ends); a sender still using ${state.previousKeyIds!.length === 1 ? "it" : "them"} gets no more tokens`,
      );
    }
    const drifted = !sameKeyIds(state.registeredKeyIds ?? [], expectedKeyIds(state));
    return {
      changes: changed.length > 0 || change !== "none" || overlapPending || drifted,
      replaces,
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
    if (live.keys.length >= selfService.MAX_KEYS) {
      throw new Error(
        sixthKeyError(
          inputs.clientId,
          live.keys.map((k) => k.kid),
        ),
      );
    }
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
    const byKid = new Map(live.keys.map((k) => [k.kid, k]));
    const keyExpiresAt = expiresAtOf(byKid.get(String(state.keyId))) ?? state.keyExpiresAt;
    const refreshed: Record<string, unknown> = {
      ...props,
      ...(keyExpiresAt ? { keyExpiresAt } : {}),
      previousKeys: (state.previousKeys ?? []).map((p) => {
        const expiresAt = expiresAtOf(byKid.get(p.kid)) ?? p.expiresAt;
        return { ...p, ...(expiresAt ? { expiresAt } : {}) };
      }),
      registeredKeyIds: live.keys.map((k) => k.kid),
    };
    return { id, props: refreshed, inputs: { ...inputsOf(props) } };
  },

  async update(ctx, _id, olds, news) {
    const inputs = inputsOf(news);
    const state = olds as Partial<MaskinportenClientKeyOutputs>;
    const now = ctx.now();
    const change = keyChange(state, inputs, now);
    const live = await selfService.getJwks(ctx, inputs.clientId);
    if (!live) throw new Error(missingClientError(inputs.clientId));

    let current: KeyMaterial;
    let previous: KeyRecord[] = [];
    if (change === "none" && state.keyPublicJwk) {
      current = {
        publicJwk: state.keyPublicJwk,
        ...(state.privateKeyPem ? { privateKeyPem: state.privateKeyPem } : {}),
        ...(state.privateJwk ? { privateJwk: state.privateJwk } : {}),
      };
    } else {
      current = await newKey(inputs);
      // The old key overlaps with the new one until the next up, unless it is already dead.
      const old = state.keyPublicJwk;
      const oldExpiry = state.keyExpiresAt ? Date.parse(state.keyExpiresAt) : Infinity;
      if (old && oldExpiry > now) {
        previous = [
          {
            kid: old.kid,
            ...(state.keyExpiresAt ? { expiresAt: state.keyExpiresAt } : {}),
            publicJwk: old,
          },
        ];
      }
    }
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

/**
 * The key set of a Maskinporten client: a generated RSA key (or one you bring), rotated with
 * overlap and renewed before Digdir's one-year expiry.
 *
 * ```ts
 * const key = new MaskinportenClientKey("sender-key", { clientId: client.clientId, rotation: 1 });
 * export const keyId = key.keyId;
 * export const privateKey = key.privateKeyPem; // a secret
 * ```
 */
export class MaskinportenClientKey extends pulumi.dynamic.Resource {
  declare readonly clientId: pulumi.Output<string>;
  declare readonly keyId: pulumi.Output<string>;
  declare readonly keyExpiresAt: pulumi.Output<string | undefined>;
  declare readonly keyPublicJwk: pulumi.Output<selfService.RegisteredJwk>;
  declare readonly previousKeyIds: pulumi.Output<string[]>;
  declare readonly registeredKeyIds: pulumi.Output<string[]>;
  declare readonly privateKeyPem: pulumi.Output<string | undefined>;
  declare readonly privateJwk: pulumi.Output<string | undefined>;

  constructor(name: string, args: MaskinportenClientKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      maskinportenClientKeyProvider,
      name,
      {
        ...args,
        keyId: undefined,
        keyExpiresAt: undefined,
        keyPublicJwk: undefined,
        previousKeys: undefined,
        previousKeyIds: undefined,
        registeredKeyIds: undefined,
        privateKeyPem: undefined,
        privateJwk: undefined,
      },
      {
        ...opts,
        // Pulumi keeps a provider-made value secret only when told so; the private key is one.
        additionalSecretOutputs: [
          ...(opts?.additionalSecretOutputs ?? []),
          ...MASKINPORTEN_CLIENT_KEY_SECRET_OUTPUTS,
        ],
      },
      "altinn",
      "MaskinportenClientKey",
    );
  }
}

const maskinportenClientKeyProvider = runtimeProvider("MaskinportenClientKey");
