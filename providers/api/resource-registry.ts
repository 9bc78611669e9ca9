import { randomBytes } from "node:crypto";
import { z } from "zod";
import { oncePerContext, type ProviderContext } from "../lib/context";
import { serviceClient, type ServiceCall } from "../lib/service-client";

/**
 * Resource Registry: resources (docs/altinn-apis.md section 3).
 * Reads are anonymous; writes need an Altinn token with `altinn:resourceregistry/resource.write`
 * whose `consumer` org number owns the resource (hasCompetentAuthority.organization).
 */

export const RESOURCE_WRITE_SCOPES = ["altinn:resourceregistry/resource.write"] as const;

/** The ServiceResource document as the API speaks it (camelCase JSON, nulls omitted). */
const serviceResourceBody = z.looseObject({ identifier: z.string() });
export type ServiceResourceDto = Record<string, unknown> & { identifier: string };

const client = serviceClient({
  service: "Resource Registry",
  base: (ctx) => `${ctx.settings.endpoints.platform}/resourceregistry/api/v1/resource`,
  token: (ctx) => ctx.tokens.altinnToken(RESOURCE_WRITE_SCOPES),
});
const base = client.base;

export async function getResource(
  ctx: ProviderContext,
  id: string,
): Promise<ServiceResourceDto | undefined> {
  const request: ServiceCall = {
    operation: `read resource ${id}`,
    method: "GET",
    url: `${base(ctx)}/${encodeURIComponent(id)}`,
    accept: [404],
    anonymous: true,
  };
  const response = await client.send(ctx, request);
  if (response.status === 404) return undefined;
  return client.parse(serviceResourceBody, response, request);
}

/**
 * Every resource in the registry (GET /resource/resourcelist, anonymous), of every owner: the
 * registry's own resources, without Altinn 3 apps and migrated apps, which cannot hold an
 * identifier this tool accepts. The list writes its own authorizationReference
 * (`urn:altinn:resource` = the id) over the stored one (ResourceRegistryService.GetResourceList),
 * so it is left out here: only GET /resource/{id} tells what is stored.
 */
export async function listResources(ctx: ProviderContext): Promise<ServiceResourceDto[]> {
  const request: ServiceCall = {
    operation: "list the resources",
    method: "GET",
    url: `${base(ctx)}/resourcelist?includeApps=false&includeMigratedApps=false`,
    anonymous: true,
  };
  const listed = client.parse(
    z.array(serviceResourceBody),
    await client.send(ctx, request),
    request,
  );
  return listed.map(({ authorizationReference: _overwritten, ...dto }) => dto);
}

/**
 * The registry's resources as `read` (refresh) first saw them in this run: reading N resources
 * costs one list. Every resource write of the run forgets it; Pulumi reads before it writes in a
 * run, so a read never shows less than this run wrote.
 */
const resourceSnapshot = oncePerContext(listResources);

/**
 * The resource as listed at this run's first read, or read by itself when not listed or when the
 * caller manages its authorizationReference, which the list does not show.
 */
export async function readResource(
  ctx: ProviderContext,
  id: string,
  options: { withAuthorizationReference?: boolean } = {},
): Promise<ServiceResourceDto | undefined> {
  const listed = options.withAuthorizationReference
    ? undefined
    : (await resourceSnapshot(ctx)).find((r) => r.identifier === id);
  return listed ?? (await getResource(ctx, id));
}

/**
 * POST a new resource; `"exists"` when the identifier is taken (409 "The Resource already exist"),
 * so the caller can update it instead, without a read before every create.
 */
export async function createResource(
  ctx: ProviderContext,
  dto: ServiceResourceDto,
): Promise<"created" | "exists"> {
  resourceSnapshot.forget(ctx);
  const response = await client.send(ctx, {
    operation: `create resource ${dto.identifier}`,
    method: "POST",
    url: base(ctx),
    body: dto,
    // POST is not idempotent: retry only when a read shows the first attempt did not create it.
    safeToRetry: async () => (await getResource(ctx, dto.identifier)) === undefined,
    accept: [409],
    fixFor: (status) =>
      status === 403
        ? `the token's organisation does not own this resource: hasCompetentAuthority.organization must be the org number of the Maskinporten client's org`
        : undefined,
  });
  return response.status === 409 ? "exists" : "created";
}

export async function updateResource(ctx: ProviderContext, dto: ServiceResourceDto): Promise<void> {
  resourceSnapshot.forget(ctx);
  await client.send(ctx, {
    operation: `update resource ${dto.identifier}`,
    method: "PUT",
    url: `${base(ctx)}/${encodeURIComponent(dto.identifier)}`,
    body: dto,
  });
}

export type DeleteOutcome = "deleted" | "absent" | "forbidden-in-environment";

export async function deleteResource(ctx: ProviderContext, id: string): Promise<DeleteOutcome> {
  resourceSnapshot.forget(ctx);
  const request: ServiceCall = {
    operation: `delete resource ${id}`,
    method: "DELETE",
    url: `${base(ctx)}/${encodeURIComponent(id)}`,
    accept: [403, 404],
  };
  const response = await client.send(ctx, request);
  if (response.status === 404) return "absent";
  if (response.status === 403) {
    // Production refuses every delete with this text; any other 403 is an ownership failure.
    if (/Delete operation is not allowed/i.test(response.text)) return "forbidden-in-environment";
    throw client.error(response, { ...request, accept: undefined });
  }
  return "deleted";
}

export function resourceUrl(ctx: ProviderContext, id: string): string {
  return resourceUrlAt(ctx.settings.endpoints.platform, id);
}

/** A resource's URL at a platform origin (the program's stack outputs know it before any call). */
export function resourceUrlAt(platform: string, id: string): string {
  return `${platform}/resourceregistry/api/v1/resource/${encodeURIComponent(id)}`;
}

/**
 * Policies (section 3.1): anonymous GET of the XML; upload as multipart/form-data with the part
 * `policyFile` (filename policy.xml, type text/xml), where POST and PUT both overwrite. The server
 * answers a rejected policy with 400 and its reason as a JSON string.
 */
export function policyUrl(ctx: ProviderContext, id: string): string {
  return `${base(ctx)}/${encodeURIComponent(id)}/policy`;
}

/** The live policy XML, or undefined when the resource or its policy does not exist. */
export async function getPolicy(ctx: ProviderContext, id: string): Promise<string | undefined> {
  const response = await client.send(ctx, {
    operation: `read the policy of resource ${id}`,
    method: "GET",
    url: policyUrl(ctx, id),
    headers: { Accept: "text/xml, application/xml" },
    accept: [404],
    anonymous: true,
  });
  return response.status === 404 ? undefined : response.text;
}

export async function writePolicy(
  ctx: ProviderContext,
  id: string,
  xml: string,
  method: "POST" | "PUT",
): Promise<void> {
  const { body, contentType } = multipartPolicy(xml);
  await client.send(ctx, {
    operation: `${method === "POST" ? "upload" : "replace"} the policy of resource ${id}`,
    method,
    url: policyUrl(ctx, id),
    headers: { "Content-Type": contentType },
    body,
    // The upload overwrites whatever is there, so sending it again is safe.
    safeToRetry: async () => true,
    fixFor: (status, detail) => policyFix(id, status, detail),
  });
}

function policyFix(id: string, status: number, detail: string): string | undefined {
  if (status === 400 && /Unknown resource/i.test(detail)) {
    return `the resource ${id} does not exist: create its AltinnResource first (give the ResourcePolicy dependsOn it)`;
  }
  if (status === 400 && /Policy not accepted/i.test(detail)) {
    return `every rule must target urn:altinn:resource = "${id}": run \`npm run policy -- lint <file> --resource ${id}\``;
  }
  if (status === 403) {
    return `the token's organisation does not own resource ${id}: the Maskinporten client must belong to its hasCompetentAuthority organisation`;
  }
  if (status === 500) {
    return `the Resource Registry could not read the policy as XACML: run \`npm run policy -- lint <file> --resource ${id}\``;
  }
  return undefined;
}

/** A multipart/form-data body with the one part the Resource Registry reads. */
export function multipartPolicy(xml: string): { body: Buffer; contentType: string } {
  const boundary = `altinn-iac-${randomBytes(16).toString("hex")}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\n` +
        'Content-Disposition: form-data; name="policyFile"; filename="policy.xml"\r\n' +
        "Content-Type: text/xml\r\n\r\n",
    ),
    Buffer.from(xml, "utf8"),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
