import { z } from "zod";
import { oncePerContext, type ProviderContext } from "../lib/context";
import { ApiError, isApiError } from "../lib/errors";
import { serviceClient, type ServiceCall } from "../lib/service-client";
import { getResource } from "./resource-registry";

/**
 * Altinn Events subscriptions (docs/altinn-apis.md section 5). Every call takes an
 * Altinn token with `altinn:events.subscribe`, and `altinn:serviceowner` so the exchanged token
 * carries `urn:altinn:org` and the subscription is filed under `/org/{code}` (without it the
 * consumer is `/organisation/{orgnr}`, which only the same kind of token can read or delete).
 */

export const EVENTS_SCOPES = ["altinn:events.subscribe", "altinn:serviceowner"] as const;

/** What altinn-iac sends: never sourceFilter or alternativeSubjectFilter (apps only, 400 else). */
export interface SubscriptionRequest {
  endPoint: string;
  resourceFilter: string;
  subjectFilter?: string;
  typeFilter?: string;
}

/** The Subscription as the API returns it (Subscription.cs); unset filters are null. */
export interface SubscriptionDto {
  id: number;
  endPoint: string;
  sourceFilter?: string | null;
  resourceFilter?: string | null;
  subjectFilter?: string | null;
  alternativeSubjectFilter?: string | null;
  typeFilter?: string | null;
  consumer: string;
  createdBy: string;
  created: string;
  validated: boolean;
  includeSubunits?: boolean | null;
}

const subscriptionSchema: z.ZodType<SubscriptionDto> = z.looseObject({
  id: z.number(),
  endPoint: z.string(),
  sourceFilter: z.string().nullish(),
  resourceFilter: z.string().nullish(),
  subjectFilter: z.string().nullish(),
  alternativeSubjectFilter: z.string().nullish(),
  typeFilter: z.string().nullish(),
  consumer: z.string(),
  createdBy: z.string(),
  created: z.string(),
  validated: z.boolean(),
});

/** The list answer (SubscriptionList); a body without `subscriptions` is none. */
const subscriptionListSchema = z.preprocess(
  (body) => (body && typeof body === "object" ? body : {}),
  z.looseObject({
    subscriptions: z.preprocess(
      (list) => (Array.isArray(list) ? list : []),
      z.array(subscriptionSchema),
    ),
  }),
);

const client = serviceClient({
  service: "Altinn Events",
  base: (ctx) => `${ctx.settings.endpoints.platform}/events/api/v1/subscriptions`,
  token: (ctx) => ctx.tokens.altinnToken(EVENTS_SCOPES),
});

/** A call to the subscriptions API: `path` is under its base (none: the collection). */
function eventsCall(ctx: ProviderContext, { path = "", ...rest }: EventsRequest) {
  const call: ServiceCall = { ...rest, url: `${client.base(ctx)}${path}` };
  return client.send(ctx, call).then((response) => ({
    status: response.status,
    body: <S extends z.ZodType>(schema: S): z.output<S> => client.parse(schema, response, call),
  }));
}

type EventsRequest = Omit<ServiceCall, "url" | "anonymous"> & { path?: string };

/** The subscription's path, its id made a safe path segment. */
function subscriptionPath(id: string): string {
  return `/${encodeURIComponent(id)}`;
}

export async function createSubscription(
  ctx: ProviderContext,
  request: SubscriptionRequest,
): Promise<SubscriptionDto> {
  subscriptionSnapshot.forget(ctx);
  try {
    const response = await eventsCall(ctx, {
      operation: `subscribe to ${request.resourceFilter}`,
      method: "POST",
      body: request,
      // Events returns the existing subscription for an identical request, so a repeat is harmless.
      safeToRetry: async () => true,
      fixFor: (status) => (status === 403 ? SCOPE_FIX : undefined),
    });
    return response.body(subscriptionSchema);
  } catch (error) {
    if (isApiError(error) && error.status === 403 && /Not authorized/i.test(error.detail)) {
      // The PDP said no: its policy, or, in access-list mode, the lists. Which one is the fix.
      const resourceId = request.resourceFilter.replace(/^urn:altinn:resource:/, "");
      const live = await getResource(ctx, resourceId).catch(() => undefined);
      throw new ApiError({
        ...error,
        fix: pdpRefusalFix(request, resourceId, live?.accessListMode),
      });
    }
    throw error;
  }
}

const SCOPE_FIX =
  "the Maskinporten client needs the scope altinn:events.subscribe (and altinn:serviceowner): add them to the client and request access to them for your organisation";

/** What to change when the PDP refused the subscription (403 "Not authorized to create ..."). */
export function pdpRefusalFix(
  request: SubscriptionRequest,
  resourceId: string,
  accessListMode: unknown,
): string {
  const policy = `the policy of resource ${resourceId} must let the service owner subscribe: add a rule { subjects: [{ org: "<your org code>" }], actions: ["subscribe"] } (the correspondence template has it), and give the EventSubscription dependsOn the ResourcePolicy`;
  if (accessListMode !== "Enabled") return policy;
  const party =
    request.subjectFilter === undefined
      ? "without subjectFilter the PDP has no party to look up, so it refuses: create the subscription while accessListMode is Disabled (the stack makes it before the switch; a replacement needs the mode Disabled for that up), or give a subjectFilter naming an organisation on a list connected to the resource"
      : `subjectFilter ${request.subjectFilter} must name an organisation on a list connected to the resource`;
  return `resource ${resourceId} has accessListMode Enabled, so Altinn's PDP also asks its access lists: ${party}, with actionFilters empty or containing "subscribe". Otherwise ${policy}`;
}

/** The caller's subscriptions (Events lists those filed under the token's consumer). */
export async function listSubscriptions(ctx: ProviderContext): Promise<SubscriptionDto[]> {
  const response = await eventsCall(ctx, {
    operation: "list the org's subscriptions",
    method: "GET",
  });
  return response.body(subscriptionListSchema).subscriptions;
}

/** The live subscription with exactly this request's endpoint and filters, as Events matches a repeat. */
export function identicalSubscription(
  live: SubscriptionDto[],
  request: SubscriptionRequest,
): SubscriptionDto | undefined {
  const same = (a: string | null | undefined, b: string | undefined) => (a ?? undefined) === b;
  const endPoint = absoluteUri(request.endPoint);
  return live.find(
    (s) =>
      absoluteUri(s.endPoint) === endPoint &&
      s.resourceFilter?.toLowerCase() === request.resourceFilter.toLowerCase() &&
      same(s.subjectFilter, request.subjectFilter) &&
      same(s.typeFilter, request.typeFilter) &&
      !s.sourceFilter &&
      !s.alternativeSubjectFilter,
  );
}

/**
 * The endpoint as Events stores it: SubscriptionRepository writes `EndPoint.AbsoluteUri` (scheme
 * and host lower-cased, default port dropped, "/" for an empty path; altinn-events
 * src/Events/Repository/SubscriptionRepository.cs). WHATWG URL serialises these the same way.
 */
export function absoluteUri(endPoint: string): string {
  try {
    return new URL(endPoint).href;
  } catch {
    return endPoint;
  }
}

/**
 * The org's subscriptions as `read` (refresh) first saw them in this run: reading N subscriptions
 * costs one list. Every subscription write of the run forgets it.
 */
const subscriptionSnapshot = oncePerContext(listSubscriptions);

/** The subscription as listed at this run's first read, or read by itself when not listed. */
export async function readSubscription(
  ctx: ProviderContext,
  id: string,
): Promise<SubscriptionDto | undefined> {
  const listed = (await subscriptionSnapshot(ctx)).find((s) => String(s.id) === id);
  return listed ?? (await getSubscription(ctx, id));
}

/** The subscription, or undefined when it no longer exists. */
export async function getSubscription(
  ctx: ProviderContext,
  id: string,
): Promise<SubscriptionDto | undefined> {
  const response = await eventsCall(ctx, {
    operation: `read subscription ${id}`,
    method: "GET",
    path: subscriptionPath(id),
    accept: [404],
    fixFor: (status) => (status === 403 ? ownerFix(id) : undefined),
  });
  return response.status === 404 ? undefined : response.body(subscriptionSchema);
}

export async function deleteSubscription(
  ctx: ProviderContext,
  id: string,
): Promise<"deleted" | "absent"> {
  subscriptionSnapshot.forget(ctx);
  const response = await eventsCall(ctx, {
    operation: `delete subscription ${id}`,
    method: "DELETE",
    path: subscriptionPath(id),
    accept: [404],
    fixFor: (status) => (status === 403 ? ownerFix(id) : undefined),
  });
  return response.status === 404 ? "absent" : "deleted";
}

function ownerFix(id: string): string {
  return `subscription ${id} was created by another identity (Events lets only its creator read or delete it): use the Maskinporten client of the org that created it, with altinn:serviceowner so it acts as /org/<code>`;
}
