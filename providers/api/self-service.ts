import { oncePerContext, type ProviderContext } from "../lib/context";
import { ApiError, isApiError } from "../lib/errors";
import { describeErrorBody, send, type HttpRequest, type HttpResponse } from "../lib/http";
import { DEFAULT_SELF_SERVICE_SCOPES } from "../lib/settings";

/**
 * Digdir's self-service API for Maskinporten clients ("selvbetjening", docs/altinn-apis.md
 * section 6): clients, their JWKS and the org's scope access, under
 * `{selfService}{selfServicePathPrefix}` (`/api/v1` as digdirator and Oslo kommune call it; the docs
 * show no prefix, so it is configurable). Every call carries a raw Maskinporten token of the org's
 * self-service admin client, which Digdir binds to the org number in the token: clients are the
 * org's own. Digdir checks a scope per operation (SELF_SERVICE_OPERATIONS); every call asks for
 * one token with all the scopes the admin client holds (settings.selfServiceScopes), as digdirator
 * does, since asking for a scope the client lacks fails the token (MP-200).
 */

/**
 * What each operation needs, any one of the scopes (felleslosninger/docs _docs/idporten/oidc/
 * oidc_api_admin.md: dcr.read reads, dcr.write creates, dcr.modify changes; nais/digdirator,
 * pkg/config/config.go and pkg/digdir/client.go, updates, deletes and registers keys with a
 * token of dcr.write and dcr.read).
 */
export const SELF_SERVICE_OPERATIONS = {
  "read clients, keys and scope access": ["idporten:dcr.read"],
  "create clients": ["idporten:dcr.write"],
  "change and delete clients, register keys": ["idporten:dcr.write", "idporten:dcr.modify"],
} as const;

/** For each operation the held scopes do not cover: the operation and the scopes that would. */
export function uncoveredOperations(held: readonly string[]): string[] {
  return Object.entries(SELF_SERVICE_OPERATIONS)
    .filter(([, any]) => !any.some((scope) => held.includes(scope)))
    .map(([operation, any]) => `${operation} needs ${any.join(" or ")}`);
}

export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** The client model as the API speaks it (snake_case); the server adds the rest. */
export interface ClientRegistration {
  client_id?: string;
  client_name: string;
  description: string;
  integration_type: string;
  application_type: string;
  token_endpoint_auth_method: string;
  grant_types: string[];
  scopes: string[];
  access_token_lifetime?: number;
  client_orgno?: string;
  created?: string;
  last_updated?: string;
  active?: boolean;
  [field: string]: unknown;
}

/** A public RSA key as the JWKS endpoints take and return it; `exp` (epoch seconds) is the server's. */
export interface RegisteredJwk {
  kty: string;
  kid: string;
  alg?: string;
  use?: string;
  n: string;
  e: string;
  exp?: number;
  x5c?: string[];
}

export interface JwksResponse {
  keys: RegisteredJwk[];
  created?: string;
  last_updated?: string;
}

export interface ScopeAccess {
  scope: string;
  state: "APPROVED" | "REQUESTED" | "DENIED";
  consumer_orgno: string;
  owner_orgno: string;
  created?: string;
  last_updated?: string;
}

/**
 * The org's clients as `read` (refresh) first saw them in this run: reading N clients costs one
 * list. Every client write of the run forgets it.
 */
const clientSnapshot = oncePerContext(listClients);

/** The client as listed at this run's first read, or read by itself when not listed. */
export async function readClient(
  ctx: ProviderContext,
  clientId: string,
): Promise<ClientRegistration | undefined> {
  const listed = (await clientSnapshot(ctx)).find((c) => c.client_id === clientId);
  return listed ?? (await getClient(ctx, clientId));
}

/** The most keys a client's JWKS may hold (Digdir: "inntil 5"). */
export const MAX_KEYS = 5;

export function clientsUrl(ctx: ProviderContext): string {
  const { selfService, selfServicePathPrefix } = ctx.settings.endpoints;
  return `${selfService.replace(/\/+$/, "")}${normalizePrefix(selfServicePathPrefix)}/clients`;
}

function scopesUrl(ctx: ProviderContext): string {
  return clientsUrl(ctx).replace(/\/clients$/, "/scopes");
}

function normalizePrefix(prefix: string): string {
  const trimmed = prefix.trim().replace(/\/+$/, "");
  if (trimmed === "") return "";
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

/** The scopes the admin client holds, asked for together. */
export function heldScopes(ctx: ProviderContext): string[] {
  return ctx.settings.selfServiceScopes ?? DEFAULT_SELF_SERVICE_SCOPES;
}

function token(ctx: ProviderContext): () => Promise<string> {
  return () => ctx.selfServiceTokens.maskinportenToken(heldScopes(ctx));
}

/** The org's scope grants; Digdir answers an org with none by an error "... does not have any ...". */
export async function listScopeAccess(ctx: ProviderContext): Promise<ScopeAccess[]> {
  try {
    const response = await call({
      service: "Digdir self-service",
      operation: "list the scopes the organisation has access to",
      method: "GET",
      url: `${scopesUrl(ctx)}/access/all`,
      token: token(ctx),
      retry: ctx.settings.retry,
    });
    return Array.isArray(response.data) ? (response.data as ScopeAccess[]) : [];
  } catch (error) {
    if (isApiError(error) && error.status < 500 && /does not have any/i.test(error.detail))
      return [];
    throw error;
  }
}

export async function listClients(ctx: ProviderContext): Promise<ClientRegistration[]> {
  const response = await call({
    service: "Digdir self-service",
    operation: "list the organisation's clients",
    method: "GET",
    url: clientsUrl(ctx),
    token: token(ctx),
    retry: ctx.settings.retry,
  });
  return Array.isArray(response.data) ? (response.data as ClientRegistration[]) : [];
}

export async function getClient(
  ctx: ProviderContext,
  clientId: string,
): Promise<ClientRegistration | undefined> {
  const response = await call({
    service: "Digdir self-service",
    operation: `read client ${clientId}`,
    method: "GET",
    url: `${clientsUrl(ctx)}/${encodeURIComponent(clientId)}`,
    token: token(ctx),
    accept: [404],
    retry: ctx.settings.retry,
  });
  return response.status === 404 ? undefined : (response.data as ClientRegistration);
}

/**
 * How much earlier than this machine's clock Digdir's clock may stamp a client's `created`: a
 * client made by a create is looked for among those created since the attempt began, and the two
 * clocks are not the same clock. Two minutes covers a machine that is not synchronised to the
 * second while keeping the window in which a stranger's same-named client could count small.
 */
export const CLOCK_TOLERANCE_MS = 120_000;

/** What identifies the client a create made, besides the id the server picked. */
export type ClientIdentity = Pick<
  ClientRegistration,
  "client_name" | "description" | "integration_type"
>;

/**
 * The clients a create of `identity` that began at `attemptedAt` may have made: the same name,
 * description and integration type, created no earlier than the attempt began (less
 * CLOCK_TOLERANCE_MS). A client made before the attempt never counts, nor one whose `created` the
 * list does not give (Oslo kommune's fixture of the list shows it on every client, as
 * `2021-09-15T10:20:43.354+02:00`).
 */
export function madeByAttempt(
  clients: readonly ClientRegistration[],
  identity: ClientIdentity,
  attemptedAt: string,
): ClientRegistration[] {
  const since = Date.parse(attemptedAt) - CLOCK_TOLERANCE_MS;
  return clients.filter(
    (c) =>
      c.client_name === identity.client_name &&
      c.description === identity.description &&
      c.integration_type === identity.integration_type &&
      typeof c.created === "string" &&
      Date.parse(c.created) >= since,
  );
}

/**
 * What a create came to. The server picks the client_id, so a POST is not idempotent: when its
 * answer does not come, the org's clients are listed to learn whether it made one.
 */
export type CreateOutcome =
  /** The server answered with the new client. */
  | { kind: "created"; client: ClientRegistration }
  /** The answer was lost; a list found the one client the attempt made. */
  | { kind: "found"; client: ClientRegistration }
  /**
   * Nothing can say whether the attempt made a client: the answer was lost and the list failed
   * too, or the list shows several clients the attempt could have made. `cause` says which.
   */
  | { kind: "unconfirmed"; attemptedAt: string; cause: Error };

/**
 * Whether a failed POST may have been carried out all the same: no answer came (a dropped
 * connection, a time-out; not a refused connection, which never reached the server), or a 5xx,
 * which a gateway can answer after the service acted. A 4xx or 429 is a refusal before acting.
 */
function mayHaveActed(error: unknown): boolean {
  if (!isApiError(error)) return false;
  if (error.status === 0) return !error.detail.startsWith("ECONNREFUSED");
  return error.status >= 500;
}

/**
 * POST /clients, retried only after a list shows the failed attempt made nothing. When the last
 * attempt's outcome is unknown, one more list settles it: the client it made is `found`, none
 * means the error is thrown (nothing was made), and a failed list leaves it `unconfirmed`.
 */
export async function createClient(
  ctx: ProviderContext,
  registration: ClientRegistration,
): Promise<CreateOutcome> {
  clientSnapshot.forget(ctx);
  const attemptedAt = new Date(ctx.now()).toISOString();
  // What the list after the latest failed attempt showed; undefined when no list followed it.
  let lookup: { made: ClientRegistration[] } | { failed: unknown } | undefined;
  const lookUp = async (): Promise<ClientRegistration[]> => {
    try {
      const made = madeByAttempt(await listClients(ctx), registration, attemptedAt);
      lookup = { made };
      return made;
    } catch (error) {
      lookup = { failed: error };
      throw error;
    }
  };
  let response: HttpResponse;
  try {
    response = await call({
      service: "Digdir self-service",
      operation: `create client "${registration.client_name}"`,
      method: "POST",
      url: clientsUrl(ctx),
      body: registration,
      token: token(ctx),
      retry: ctx.settings.retry,
      safeToRetry: async () => {
        if ((await lookUp()).length > 0) return false;
        lookup = undefined;
        return true;
      },
    });
  } catch (error) {
    const unknownOutcome = mayHaveActed(error);
    if (lookup === undefined) {
      if (!unknownOutcome) throw error;
      await lookUp().catch(() => undefined);
    } else if ("failed" in lookup && !unknownOutcome) {
      // Refused: every attempt before this one was followed by a list that showed nothing.
      throw error;
    }
    return settle(registration, attemptedAt, error as Error, lookup!);
  }
  const created = response.data as ClientRegistration;
  if (typeof created?.client_id !== "string") {
    throw new Error("Digdir self-service: the create response has no client_id");
  }
  return { kind: "created", client: created };
}

/** The outcome of a create whose last answer was lost, from the list that followed it. */
function settle(
  registration: ClientRegistration,
  attemptedAt: string,
  error: Error,
  lookup: { made: ClientRegistration[] } | { failed: unknown },
): CreateOutcome {
  if ("failed" in lookup) {
    const listError =
      lookup.failed instanceof Error ? lookup.failed.message : String(lookup.failed);
    return {
      kind: "unconfirmed",
      attemptedAt,
      cause: new Error(
        `${error.message}\nlisting the organisation's clients to learn whether it made one failed too: ${listError}`,
      ),
    };
  }
  const [only, ...more] = lookup.made;
  if (only === undefined) throw error;
  if (more.length === 0) return { kind: "found", client: only };
  return {
    kind: "unconfirmed",
    attemptedAt,
    cause: new Error(
      `${error.message}\n${lookup.made.length} clients named "${registration.client_name}" with this description were made since the attempt began (${lookup.made.map((c) => String(c.client_id)).join(", ")}): which one it made cannot be told`,
    ),
  };
}

export async function updateClient(
  ctx: ProviderContext,
  clientId: string,
  registration: ClientRegistration,
): Promise<ClientRegistration> {
  clientSnapshot.forget(ctx);
  const response = await call({
    service: "Digdir self-service",
    operation: `update client ${clientId}`,
    method: "PUT",
    url: `${clientsUrl(ctx)}/${encodeURIComponent(clientId)}`,
    body: registration,
    token: token(ctx),
    retry: ctx.settings.retry,
  });
  return response.data as ClientRegistration;
}

export async function deleteClient(
  ctx: ProviderContext,
  clientId: string,
): Promise<"deleted" | "absent"> {
  clientSnapshot.forget(ctx);
  const response = await call({
    service: "Digdir self-service",
    operation: `delete client ${clientId}`,
    method: "DELETE",
    url: `${clientsUrl(ctx)}/${encodeURIComponent(clientId)}`,
    token: token(ctx),
    accept: [404],
    retry: ctx.settings.retry,
  });
  return response.status === 404 ? "absent" : "deleted";
}

/** The client's key set; undefined when the client does not exist. */
export async function getJwks(
  ctx: ProviderContext,
  clientId: string,
): Promise<JwksResponse | undefined> {
  const response = await call({
    service: "Digdir self-service",
    operation: `read the keys of client ${clientId}`,
    method: "GET",
    url: `${clientsUrl(ctx)}/${encodeURIComponent(clientId)}/jwks`,
    token: token(ctx),
    accept: [404],
    retry: ctx.settings.retry,
  });
  if (response.status === 404) return undefined;
  const body = response.data as Partial<JwksResponse> | undefined;
  return { ...body, keys: Array.isArray(body?.keys) ? body.keys : [] };
}

/**
 * Replaces the client's whole key set with `keys` (the API has no per-key operations). Posting
 * the same set twice gives the same result, so a failed attempt is safe to repeat.
 */
export async function registerJwks(
  ctx: ProviderContext,
  clientId: string,
  keys: RegisteredJwk[],
): Promise<JwksResponse> {
  const response = await call({
    service: "Digdir self-service",
    operation: `register the keys ${keys.map((k) => k.kid).join(", ")} on client ${clientId}`,
    method: "POST",
    url: `${clientsUrl(ctx)}/${encodeURIComponent(clientId)}/jwks`,
    body: { keys: keys.map(publicPart) },
    token: token(ctx),
    retry: ctx.settings.retry,
    safeToRetry: async () => true,
  });
  const body = response.data as Partial<JwksResponse> | undefined;
  return { ...body, keys: Array.isArray(body?.keys) ? body.keys : [] };
}

/** Removes every key of the client: an empty set cannot be posted, it is deleted instead. */
export async function deleteJwks(
  ctx: ProviderContext,
  clientId: string,
): Promise<"deleted" | "absent"> {
  const response = await call({
    service: "Digdir self-service",
    operation: `remove every key of client ${clientId}`,
    method: "DELETE",
    url: `${clientsUrl(ctx)}/${encodeURIComponent(clientId)}/jwks`,
    token: token(ctx),
    accept: [404],
    retry: ctx.settings.retry,
  });
  return response.status === 404 ? "absent" : "deleted";
}

/** What the API takes for a key: the public members, never `exp` (the server sets it). */
function publicPart(key: RegisteredJwk): RegisteredJwk {
  const { kty, kid, alg, use, n, e, x5c } = key;
  return { kty, kid, alg, use, n, e, ...(x5c ? { x5c } : {}) };
}

/** Client errors the API answers with a body worth reading; 429 and 5xx stay with send's retries. */
const CLIENT_ERRORS = [400, 401, 403, 404, 405, 409, 410, 412, 415, 422];

/** `send`, with the self-service error body read into the ApiError (see selfServiceError). */
async function call(request: HttpRequest): Promise<HttpResponse> {
  const response = await send({ ...request, accept: CLIENT_ERRORS });
  if (response.status >= 400 && !(request.accept ?? []).includes(response.status)) {
    throw selfServiceError(request, response);
  }
  return response;
}

/**
 * The self-service API's error body (Oslo kommune's okdata-maskinporten-api fixture of the API as
 * of 2025): `{status, timestamp, correlation_id, errors: [{errorMessage, isFieldError, objectName,
 * fieldIdentifier}], error, error_description}`, where `error` and `error_description` are the
 * messages joined as ", m1, m2". The field messages become the ApiError's field errors.
 */
export function selfServiceError(request: HttpRequest, response: HttpResponse): ApiError {
  const body = response.data;
  let detail: string;
  let fieldErrors: Record<string, string[]> | undefined;
  const b = body && typeof body === "object" ? (body as Record<string, unknown>) : undefined;
  if (b && Array.isArray(b.errors) && b.errors.length > 0) {
    const general: string[] = [];
    for (const entry of b.errors as Array<Record<string, unknown>>) {
      const message = String(entry.errorMessage ?? "");
      if (entry.isFieldError === true && typeof entry.fieldIdentifier === "string") {
        ((fieldErrors ??= {})[entry.fieldIdentifier] ??= []).push(message);
      } else {
        general.push(message);
      }
    }
    detail = general.length > 0 ? general.join("; ") : "the request has invalid fields";
  } else if (b && typeof b.error_description === "string") {
    detail = b.error_description.replace(/^[,\s]+/, "");
  } else {
    detail = describeErrorBody(response).detail;
  }
  return new ApiError({
    service: request.service,
    operation: request.operation,
    method: request.method,
    path: new URL(request.url).pathname,
    status: response.status,
    detail,
    fieldErrors,
    fix: request.fixFor?.(response.status, detail) ?? selfServiceFix(response.status),
    retryable: false,
  });
}

function selfServiceFix(status: number): string | undefined {
  if (status === 401) {
    return "the self-service API refused the admin token: check altinn-iac:selfServiceClientId and its business certificate and key, and that the environment matches (test certificates are refused in production)";
  }
  if (status === 403) {
    return `the self-service admin client's token lacks the scope for this operation (${Object.entries(
      SELF_SERVICE_OPERATIONS,
    )
      .map(([operation, any]) => `${operation}: ${any.join(" or ")}`)
      .join(
        "; ",
      )}): ask servicedesk@digdir.no to add it to the admin client, and list it in altinn-iac:selfServiceScopes`;
  }
  return undefined;
}
