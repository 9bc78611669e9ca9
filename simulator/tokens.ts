import { generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import { SignJWT, jwtVerify, type JWTPayload } from "jose";

/**
 * The simulator's own signing keys: one for Maskinporten access tokens, one for Altinn tokens.
 * New keys per process: tokens do not outlive the simulator, as sessions do not outlive a server.
 */
export class SimulatorKeys {
  readonly maskinporten: { privateKey: KeyObject; publicKey: KeyObject; kid: string };
  readonly altinn: { privateKey: KeyObject; publicKey: KeyObject; kid: string };

  constructor() {
    this.maskinporten = {
      ...generateKeyPairSync("rsa", { modulusLength: 2048 }),
      kid: `mp-${randomUUID()}`,
    };
    this.altinn = {
      ...generateKeyPairSync("rsa", { modulusLength: 2048 }),
      kid: `altinn-${randomUUID()}`,
    };
  }
}

export async function signJwt(
  key: { privateKey: KeyObject; kid: string },
  claims: JWTPayload,
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
    .sign(key.privateKey);
}

/** Verifies signature, issuer and expiry against the simulator clock; undefined when invalid. */
export async function verifyJwt(
  token: string,
  key: { publicKey: KeyObject },
  issuer: string,
  nowSeconds: number,
): Promise<JWTPayload | undefined> {
  try {
    const { payload } = await jwtVerify(token, key.publicKey, {
      issuer,
      currentDate: new Date(nowSeconds * 1000),
      clockTolerance: 5,
    });
    return payload;
  } catch {
    return undefined;
  }
}

export function scopesOf(claims: JWTPayload): string[] {
  return typeof claims.scope === "string" ? claims.scope.split(" ").filter(Boolean) : [];
}

/** The org number in a Maskinporten `consumer` claim (`0192:<orgnr>`). */
export function consumerOrgnr(claims: JWTPayload): string | undefined {
  const consumer = claims.consumer as { ID?: unknown } | undefined;
  const id = typeof consumer?.ID === "string" ? consumer.ID : undefined;
  return id?.startsWith("0192:") ? id.slice(5) : undefined;
}

export function bearer(headers: Record<string, string | string[] | undefined>): string | undefined {
  const value = headers.authorization;
  const header = Array.isArray(value) ? value[0] : value;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1];
}
