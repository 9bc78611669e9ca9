import type { ProviderContext } from "../lib/context";
import { send, toApiError } from "../lib/http";

/**
 * Resource Registry: resources (../shared/docs/altinn-apis.md section 3).
 * Reads are anonymous; writes need an Altinn token with `altinn:resourceregistry/resource.write`
 * whose `consumer` org number owns the resource (hasCompetentAuthority.organization).
 */

export const RESOURCE_WRITE_SCOPES = ["altinn:resourceregistry/resource.write"] as const;

/** The ServiceResource document as the API speaks it (camelCase JSON, nulls omitted). */
export type ServiceResourceDto = Record<string, unknown> & { identifier: string };

function base(ctx: ProviderContext): string {
  return `${ctx.settings.endpoints.platform}/resourceregistry/api/v1/resource`;
}

function writeToken(ctx: ProviderContext): () => Promise<string> {
  return () => ctx.tokens.altinnToken(RESOURCE_WRITE_SCOPES);
}

export async function getResource(
  ctx: ProviderContext,
  id: string,
): Promise<ServiceResourceDto | undefined> {
  const response = await send({
    service: "Resource Registry",
    operation: `read resource ${id}`,
    method: "GET",
    url: `${base(ctx)}/${encodeURIComponent(id)}`,
    accept: [404],
    retry: ctx.settings.retry,
  });
  if (response.status === 404) return undefined;
  return response.data as ServiceResourceDto;
}

export async function createResource(ctx: ProviderContext, dto: ServiceResourceDto): Promise<void> {
  await send({
    service: "Resource Registry",
    operation: `create resource ${dto.identifier}`,
    method: "POST",
    url: base(ctx),
    body: dto,
    token: writeToken(ctx),
    retry: ctx.settings.retry,
    // POST is not idempotent: retry only when a read shows the first attempt did not create it.
    safeToRetry: async () => (await getResource(ctx, dto.identifier)) === undefined,
    fixFor: (status) =>
      status === 403
        ? `the token's organisation does not own this resource: hasCompetentAuthority.organization must be the org number of the Maskinporten client's org`
        : undefined,
  });
}

export async function updateResource(ctx: ProviderContext, dto: ServiceResourceDto): Promise<void> {
  await send({
    service: "Resource Registry",
    operation: `update resource ${dto.identifier}`,
    method: "PUT",
    url: `${base(ctx)}/${encodeURIComponent(dto.identifier)}`,
    body: dto,
    token: writeToken(ctx),
    retry: ctx.settings.retry,
  });
}

export type DeleteOutcome = "deleted" | "absent" | "forbidden-in-environment";

export async function deleteResource(ctx: ProviderContext, id: string): Promise<DeleteOutcome> {
  const response = await send({
    service: "Resource Registry",
    operation: `delete resource ${id}`,
    method: "DELETE",
    url: `${base(ctx)}/${encodeURIComponent(id)}`,
    token: writeToken(ctx),
    accept: [403, 404],
    retry: ctx.settings.retry,
  });
  if (response.status === 404) return "absent";
  if (response.status === 403) {
    // Production refuses every delete with this text; any other 403 is an ownership failure.
    if (/Delete operation is not allowed/i.test(response.text)) return "forbidden-in-environment";
    throw toApiError(
      {
        service: "Resource Registry",
        operation: `delete resource ${id}`,
        method: "DELETE",
        url: `${base(ctx)}/${id}`,
      },
      response,
    );
  }
  return "deleted";
}

export function resourceUrl(ctx: ProviderContext, id: string): string {
  return `${base(ctx)}/${encodeURIComponent(id)}`;
}
