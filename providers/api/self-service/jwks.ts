import type { ProviderContext } from "../../lib/context";
import { jwksSchema, type JwksResponse, type RegisteredJwk } from "./model";
import { clientPath, selfServiceCall } from "./service";

/** A client's key set (JWKS): the API has no per-key operations, every write replaces the set. */

function jwksPath(clientId: string): string {
  return `${clientPath(clientId)}/jwks`;
}

/** The client's key set; undefined when the client does not exist. */
export async function getJwks(
  ctx: ProviderContext,
  clientId: string,
): Promise<JwksResponse | undefined> {
  const response = await selfServiceCall(ctx, {
    operation: `read the keys of client ${clientId}`,
    method: "GET",
    path: jwksPath(clientId),
    accept: [404],
  });
  if (response.status === 404) return undefined;
  return response.body(jwksSchema);
}

/**
 * Replaces the client's whole key set with `keys`. Posting the same set twice gives the same
 * result, so a failed attempt is safe to repeat.
 */
export async function registerJwks(
  ctx: ProviderContext,
  clientId: string,
  keys: RegisteredJwk[],
): Promise<JwksResponse> {
  const response = await selfServiceCall(ctx, {
    operation: `register the keys ${keys.map((k) => k.kid).join(", ")} on client ${clientId}`,
    method: "POST",
    path: jwksPath(clientId),
    body: { keys: keys.map(publicPart) },
    safeToRetry: async () => true,
  });
  return response.body(jwksSchema);
}

/** Removes every key of the client: an empty set cannot be posted, it is deleted instead. */
export async function deleteJwks(
  ctx: ProviderContext,
  clientId: string,
): Promise<"deleted" | "absent"> {
  const response = await selfServiceCall(ctx, {
    operation: `remove every key of client ${clientId}`,
    method: "DELETE",
    path: jwksPath(clientId),
    accept: [404],
  });
  return response.status === 404 ? "absent" : "deleted";
}

/** What the API takes for a key: the public members, never `exp` (the server sets it). */
function publicPart(key: RegisteredJwk): RegisteredJwk {
  const { kty, kid, alg, use, n, e, x5c } = key;
  return { kty, kid, alg, use, n, e, ...(x5c ? { x5c } : {}) };
}
