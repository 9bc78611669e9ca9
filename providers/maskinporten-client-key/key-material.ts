import { randomUUID } from "node:crypto";
import { exportJWK, exportPKCS8, generateKeyPair } from "jose";
import type { RegisteredJwk } from "../api/self-service";
import type { MaskinportenClientKeyInputs, PublicJwk } from "./schema";

/** A key: its public JWK, and the private key when it was generated here. */
export interface KeyMaterial {
  publicJwk: RegisteredJwk;
  privateKeyPem?: string;
  privateJwk?: string;
}

/** A fresh RSA 2048 key pair with a UUID kid (Digdir asks for a kid unique across its customers). */
async function generateKey(): Promise<KeyMaterial> {
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

/** The next current key: the brought one, or a generated one. */
export async function newKey(inputs: MaskinportenClientKeyInputs): Promise<KeyMaterial> {
  return inputs.publicJwk ? broughtKey(inputs.publicJwk) : generateKey();
}
