import type { z } from "zod";
import type { ProviderContext } from "../../lib/context";
import { ApiError } from "../../lib/errors";
import { describeErrorBody, type HttpResponse } from "../../lib/http";
import { serviceClient, type ServiceCall } from "../../lib/service-client";
import { DEFAULT_SELF_SERVICE_SCOPES } from "../../lib/settings";

/**
 * Digdir's self-service API for Maskinporten clients ("selvbetjening", docs/altinn-apis.md
 * section 6), bound once: the base URL `{selfService}{selfServicePathPrefix}` (`/api/v1` as
 * digdirator and Oslo kommune call it; the docs show no prefix, so it is configurable), the raw
 * Maskinporten token of the org's self-service admin client (Digdir binds it to the org number in
 * the token: clients are the org's own), the retries and the API's error body. Digdir checks a
 * scope per operation (SELF_SERVICE_OPERATIONS); every call asks for one token with all the scopes
 * the admin client holds (settings.selfServiceScopes), as digdirator does, since asking for a
 * scope the client lacks fails the token (MP-200).
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

/** The scopes the admin client holds, asked for together. */
export function heldScopes(ctx: ProviderContext): string[] {
  return ctx.settings.selfServiceScopes ?? DEFAULT_SELF_SERVICE_SCOPES;
}

const client = serviceClient({
  service: "Digdir self-service",
  base: apiRoot,
  token: (ctx) => ctx.selfServiceTokens.maskinportenToken(heldScopes(ctx)),
});

/** A call to the self-service API: `path` is under the API root, such as `/clients`. */
export type SelfServiceRequest = Omit<ServiceCall, "url" | "anonymous" | "fixFor"> & {
  path: string;
};

/** An answer the caller accepts: its status, and its body read with a minimal schema. */
export interface SelfServiceAnswer {
  status: number;
  body<S extends z.ZodType>(schema: S): z.output<S>;
}

/** A call with the API's error body read into the ApiError of an answer the caller does not accept. */
export async function selfServiceCall(
  ctx: ProviderContext,
  { path, ...rest }: SelfServiceRequest,
): Promise<SelfServiceAnswer> {
  const call: ServiceCall = { ...rest, url: `${client.base(ctx)}${path}` };
  const response = await client.send(ctx, { ...call, accept: CLIENT_ERRORS });
  if (response.status >= 400 && !(call.accept ?? []).includes(response.status)) {
    throw selfServiceError(call, response);
  }
  return {
    status: response.status,
    body: (schema) => client.parse(schema, response, call),
  };
}

/** The path of one client, its id made a safe path segment. */
export function clientPath(clientId: string): string {
  return `/clients/${encodeURIComponent(clientId)}`;
}

function apiRoot(ctx: ProviderContext): string {
  const { selfService, selfServicePathPrefix } = ctx.settings.endpoints;
  return `${selfService.replace(/\/+$/, "")}${normalizePrefix(selfServicePathPrefix)}`;
}

function normalizePrefix(prefix: string): string {
  const trimmed = prefix.trim().replace(/\/+$/, "");
  if (trimmed === "") return "";
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

/** Client errors the API answers with a body worth reading; 429 and 5xx stay with send's retries. */
const CLIENT_ERRORS = [400, 401, 403, 404, 405, 409, 410, 412, 415, 422];

/**
 * The self-service API's error body (Oslo kommune's okdata-maskinporten-api fixture of the API as
 * of 2025): `{status, timestamp, correlation_id, errors: [{errorMessage, isFieldError, objectName,
 * fieldIdentifier}], error, error_description}`, where `error` and `error_description` are the
 * messages joined as ", m1, m2". The field messages become the ApiError's field errors.
 */
function selfServiceError(request: ServiceCall, response: HttpResponse): ApiError {
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
    service: client.service,
    operation: request.operation,
    method: request.method,
    path: new URL(request.url).pathname,
    status: response.status,
    detail,
    fieldErrors,
    fix: selfServiceFix(response.status),
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
