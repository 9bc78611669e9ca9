import type * as pulumi from "@pulumi/pulumi";

/** A resource's args: each resolved input may be given as an Output. */
export type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** A failed input check: the property path and a reason naming the bad value and the fix. */
export type CheckFailure = pulumi.dynamic.CheckFailure;

/** How a client proves who it is to Maskinporten (a JWT grant signed with its key). */
export interface MaskinportenCredentials {
  clientId: string;
  /** `kid` of the client's registered key; omit when signing with a certificate chain. */
  keyId?: string;
  /** PKCS#8 or PKCS#1 PEM, or a private JWK as JSON. */
  privateKey: string;
  /** Base64 DER certificates for the `x5c` header (business certificate first). */
  certificateChain?: string[];
}

/** Where API clients get their bearer tokens. */
export interface TokenSource {
  /** A raw Maskinporten token (Correspondence accepts these; the self-service API needs them). */
  maskinportenToken(scopes: readonly string[]): Promise<string>;
  /** An Altinn token exchanged from a Maskinporten token (Resource Registry, access lists, Events). */
  altinnToken(scopes: readonly string[]): Promise<string>;
}
