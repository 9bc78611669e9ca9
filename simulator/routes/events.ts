import { randomUUID } from "node:crypto";
import type { JWTPayload } from "jose";
import { SUBJECT_SHORTHANDS } from "../../policies/model";
import { post } from "../event-bus";
import { authorize, type PdpDecision } from "../pdp";
import {
  empty,
  json,
  readJsonBody,
  traceId,
  validationProblem,
  type Router,
  type SimRequest,
  type SimResponse,
} from "../router";
import type { RouteModule, SimContext } from "../server";
import type { SimSubscription } from "../state";
import { consumerOrgnr, scopesOf } from "../tokens";

/**
 * Altinn Events subscriptions (altinn-events SubscriptionController, GenericSubscriptionService,
 * SubscriptionService, SubscriptionXacmlMapper; docs/altinn-apis.md section 5), for
 * resources that are not Altinn apps, such as correspondence resources:
 *
 * - POST answers 201, `Location: /events/api/v1/subscription/{id}` (singular, as the server writes
 *   it) and the Subscription; an identical subscription of the same consumer is returned instead
 *   of a new one. The 400s are the controller's and the service's texts, sent as JSON strings
 *   (`StatusCode(400, "...")` under `[Produces("application/json")]`).
 * - A token without `altinn:events.subscribe` gets Forbid() (empty 403). Then Events asks the PDP
 *   whether the consumer may `subscribe` to the resource: the subject is `urn:altinn:org` for an
 *   `/org/{code}` consumer, `urn:altinn:organization:identifier-no` for `/organisation/{orgnr}`;
 *   the resource's stored policy decides, and no policy means no permit (403 with the text).
 * - GET and DELETE by id: 404 when unknown, 403 when another identity created it (empty bodies).
 * - After a create, the `platform.events.validatesubscription` cloud event is POSTed to the
 *   endpoint, retried with back-off until it answers 2xx, which marks the subscription validated.
 *
 * App subscriptions (`urn:altinn:resource:app_*`, source filters) are not simulated.
 */
const BASE = "/events/api/v1/subscriptions";
export const SUBSCRIBE_SCOPE = "altinn:events.subscribe";
export const VALIDATION_EVENT_TYPE = "platform.events.validatesubscription";

/** getevents.sql: `registeredtime <= now() - interval '30 second'`. */
export const EVENT_VISIBILITY_DELAY_MS = 30_000;

/** When the validation event is sent after a create: at once, then with back-off. */
export const VALIDATION_DELAYS_MS = [0, 500, 1_000, 2_000, 4_000, 8_000];

/** Events' URN rule for resource filters (UriExtensions.IsValidUrn): lowercase, colon-separated. */
const URN = /^urn:[a-z0-9-]{1,30}(:[a-z0-9()+,.\-;$_!/]{1,100}){1,10}$/;

const REQUEST_FIELDS = [
  "endPoint",
  "sourceFilter",
  "resourceFilter",
  "subjectFilter",
  "alternativeSubjectFilter",
  "typeFilter",
  "includeSubunits",
] as const;

export const eventsRoutes: RouteModule = (router, ctx) => {
  router.on("POST", BASE, (req) =>
    withIdentity(ctx, req, async (claims, entity) => {
      const request = bindRequest(req);
      if ("status" in request) return request;
      if (request.sourceFilter !== undefined && !isAbsoluteUri(request.sourceFilter)) {
        return jsonText(400, "SourceFilter must be an absolute URI");
      }
      if (!scopesOf(claims).includes(SUBSCRIBE_SCOPE)) return empty(403);
      if (request.endPoint === undefined || !isAbsoluteUri(request.endPoint)) {
        return jsonText(400, "Missing or invalid endpoint to push events towards");
      }
      if (request.resourceFilter !== undefined && !URN.test(request.resourceFilter)) {
        return jsonText(400, "Resource filter must be a valid urn");
      }
      const invalid = genericValidation(request);
      if (invalid) return jsonText(400, invalid);
      // SubscriptionRepository stores EndPoint.AbsoluteUri and ResourceFilter.ToLower(), and
      // find_subscription matches on those.
      request.endPoint = new URL(request.endPoint).href;
      request.resourceFilter = request.resourceFilter!.toLowerCase();
      const resourceFilter = request.resourceFilter!;
      if (!maySubscribe(ctx, entity, resourceFilter, request.subjectFilter)) {
        return jsonText(
          403,
          `Not authorized to create a subscription for resource ${resourceFilter}.`,
        );
      }
      const subscription =
        findIdentical(ctx, entity, request) ?? storeSubscription(ctx, entity, request);
      scheduleValidation(ctx, subscription.id, req.origin);
      return json(201, present(subscription), {
        location: `/events/api/v1/subscription/${subscription.id}`,
      });
    }),
  );

  router.on("GET", BASE, (req) =>
    withIdentity(ctx, req, (_claims, entity) => {
      const subscriptions = Object.values(ctx.state.subscriptions)
        .filter((s) => s.consumer === entity)
        .map(present);
      return json(200, { count: subscriptions.length, subscriptions });
    }),
  );

  // The events themselves, as EventsController.Get and events.getevents_v2 (altinn-events
  // src/Events/Controllers/EventsController.cs, src/Events/Migration/FunctionsAndProcedures/
  // getevents.sql) answer them: only events registered at least 30 s ago, oldest first, after the
  // event `after` names (from the start when it names none), `size` (default 50, at most 1000) to
  // a page, `type` matched with SQL LIKE; then AuthorizeEvents leaves out what the PDP does not
  // permit (so a page may be short), and a `next` header links the following page.
  router.on("GET", "/events/api/v1/events", async (req) => {
    const claims = await ctx.authenticateAltinn(req);
    if (!("iss" in claims) && "status" in claims) return claims as SimResponse;
    const token = claims as JWTPayload;
    if (!scopesOf(token).includes(SUBSCRIBE_SCOPE)) return empty(403);
    const resource = req.query.get("resource");
    if (!resource) return validationProblem({ resource: ["The resource field is required."] });
    const subject = req.query.get("subject");
    const after = req.query.get("after");
    if (!resource.startsWith("urn:altinn:resource:")) {
      return problem("The 'resource' parameter must begin with `urn:altinn:resource:`");
    }
    if (!after) return problem("The 'after' parameter must be defined.");
    const entity = entityOf(token);
    if (!entity) return empty(403);
    const types = req.query.getAll("type").map(likePattern);
    const requested = Number(req.query.get("size") ?? "0") || 0;
    const size = requested < 1 ? 50 : Math.min(requested, 1000);
    const visibleBefore = ctx.nowMs() - EVENT_VISIBILITY_DELAY_MS;
    const start = ctx.state.events.findIndex((e) => e.id === after) + 1;
    const page = ctx.state.events
      .slice(start)
      .filter(
        (e) =>
          e.resource === resource &&
          (!subject || e.subject === subject) &&
          (types.length === 0 || types.some((t) => t.test(e.type))) &&
          Date.parse(e.time) <= visibleBefore,
      )
      .slice(0, size);
    const permitted = page.filter(
      (e) => subscribeDecision(ctx, entity, resource, e.subject) === "Permit",
    );
    const headers: Record<string, string> = {
      "content-type": "application/cloudevents+json; charset=utf-8",
    };
    const last = permitted[permitted.length - 1];
    if (last) {
      const rest = [...req.query.entries()].filter(([key]) => key !== "after");
      headers.next = `${req.origin}/events/api/v1/events?after=${last.id}${rest.map(([k, v]) => `&${k}=${v}`).join("")}`;
    }
    return json(200, permitted, headers);
  });

  router.on("GET", `${BASE}/{id}`, (req) =>
    withIdentity(ctx, req, (_claims, entity) => {
      const found = ownSubscription(ctx, req.params.id!, entity);
      return "status" in found ? found : json(200, present(found.subscription));
    }),
  );

  router.on("DELETE", `${BASE}/{id}`, (req) =>
    withIdentity(ctx, req, (_claims, entity) => {
      const found = ownSubscription(ctx, req.params.id!, entity);
      if ("status" in found) return found;
      delete ctx.state.subscriptions[String(found.subscription.id)];
      ctx.changed();
      return empty(200);
    }),
  );
};

/** Admin: a subscription deleted behind the tool's back (in another tool, by a colleague). */
export function registerEventsAdmin(router: Router, ctx: SimContext): void {
  router.on("DELETE", "/__admin/subscriptions/{id}", (req) => {
    if (!ctx.state.subscriptions[req.params.id!]) return empty(404);
    delete ctx.state.subscriptions[req.params.id!];
    ctx.changed();
    return empty(204);
  });
}

type SubscriptionRequest = Partial<
  Record<Exclude<(typeof REQUEST_FIELDS)[number], "includeSubunits">, string>
> & { includeSubunits?: boolean };

/** An authenticated caller (401 otherwise) and the identity Events files its subscriptions under. */
async function withIdentity(
  ctx: SimContext,
  req: SimRequest,
  handler: (claims: JWTPayload, entity: string) => SimResponse | Promise<SimResponse>,
): Promise<SimResponse> {
  const claims = await ctx.authenticateAltinn(req);
  if (!("iss" in claims) && "status" in claims) return claims as SimResponse;
  const token = claims as JWTPayload;
  const entity = entityOf(token);
  // Events answers a token without an identity it knows with 400 "Invalid creator"-style errors;
  // every token the simulator issues carries an org number, so this is a guard only.
  if (entity === undefined) return empty(403);
  return handler(token, entity);
}

/** SubscriptionService.GetEntityFromPrincipal: the org code, else the organisation number. */
export function entityOf(claims: JWTPayload): string | undefined {
  const org = claims["urn:altinn:org"];
  if (typeof org === "string" && org !== "") return `/org/${org}`;
  const orgNumber = claims["urn:altinn:orgNumber"];
  const orgnr = typeof orgNumber === "string" ? orgNumber : consumerOrgnr(claims);
  return orgnr ? `/organisation/${orgnr}` : undefined;
}

/** System.Text.Json binding of SubscriptionRequestModel: names ignore case, unknown names ignored. */
function bindRequest(req: SimRequest): SubscriptionRequest | SimResponse {
  const read = readJsonBody(req, "subscriptionRequest");
  if (!("value" in read)) return read;
  const request: SubscriptionRequest = {};
  for (const [key, value] of Object.entries(read.value)) {
    const field = REQUEST_FIELDS.find((f) => f.toLowerCase() === key.toLowerCase());
    if (field === undefined || value === null || value === undefined) continue;
    if (field === "includeSubunits") {
      if (typeof value !== "boolean") {
        return validationProblem({
          [`$.${key}`]: [
            `The JSON value could not be converted to System.Nullable\`1[System.Boolean]. Path: $.${key} | LineNumber: 0 | BytePositionInLine: 0.`,
          ],
        });
      }
      request.includeSubunits = value;
      continue;
    }
    if (typeof value !== "string") {
      return validationProblem({
        [`$.${key}`]: [
          `The JSON value could not be converted to System.String. Path: $.${key} | LineNumber: 0 | BytePositionInLine: 0.`,
        ],
      });
    }
    request[field as Exclude<typeof field, "includeSubunits">] = value;
  }
  return request;
}

/** GenericSubscriptionService.ValidateSubscription, message for message. */
function genericValidation(request: SubscriptionRequest): string | undefined {
  if (!request.resourceFilter) return "Resource filter is required.";
  if (request.sourceFilter !== undefined) {
    return "Source filter is not supported for subscriptions on this resource.";
  }
  if (request.alternativeSubjectFilter) {
    return "AlternativeSubject filter is not supported for subscriptions on this resource.";
  }
  if (request.includeSubunits && !request.subjectFilter) {
    return "IncludeSubunits requires a subject filter.";
  }
  return undefined;
}

/**
 * The PDP's answer to "may this consumer subscribe to this resource" (SubscriptionXacmlMapper:
 * the consumer as subject, the subject filter as the resource party): simulator/pdp.ts, so a
 * resource in access-list mode also asks its lists, and without a subject filter there is no
 * party (Indeterminate, refused).
 */
export function subscribeDecision(
  ctx: SimContext,
  entity: string,
  resourceFilter: string,
  subjectFilter: string | undefined,
): PdpDecision {
  const subject: Record<string, string> = entity.startsWith("/org/")
    ? { [SUBJECT_SHORTHANDS.org]: entity.slice("/org/".length) }
    : { "urn:altinn:organization:identifier-no": entity.slice("/organisation/".length) };
  return authorize(ctx, {
    resourceId: resourceFilter.slice(resourceFilter.lastIndexOf(":") + 1),
    subject,
    action: "subscribe",
    resource: subjectAttributes(subjectFilter),
  });
}

function maySubscribe(
  ctx: SimContext,
  entity: string,
  resourceFilter: string,
  subjectFilter: string | undefined,
): boolean {
  return subscribeDecision(ctx, entity, resourceFilter, subjectFilter) === "Permit";
}

/** The subject filter as the resource attributes Events adds to its decision request. */
function subjectAttributes(subjectFilter: string | undefined): Record<string, string> {
  if (!subjectFilter) return {};
  const prefixes: Array<[string, string]> = [
    ["/org/", "urn:altinn:org"],
    ["/organisation/", "urn:altinn:organization:identifier-no"],
    ["/party/", "urn:altinn:partyid"],
    ["/user/", "urn:altinn:userid"],
  ];
  for (const [prefix, attribute] of prefixes) {
    if (subjectFilter.startsWith(prefix))
      return { [attribute]: subjectFilter.slice(prefix.length) };
  }
  const split = subjectFilter.lastIndexOf(":");
  return subjectFilter.startsWith("urn:") && split > 4
    ? { [subjectFilter.slice(0, split)]: subjectFilter.slice(split + 1) }
    : {};
}

/** The repository's FindSubscription: same filters, endpoint, consumer and includeSubunits. */
function findIdentical(
  ctx: SimContext,
  entity: string,
  request: SubscriptionRequest,
): SimSubscription | undefined {
  return Object.values(ctx.state.subscriptions).find(
    (s) =>
      s.consumer === entity &&
      s.endPoint === request.endPoint &&
      s.resourceFilter === request.resourceFilter &&
      s.subjectFilter === request.subjectFilter &&
      s.typeFilter === request.typeFilter &&
      s.includeSubunits === (request.includeSubunits ?? false),
  );
}

function storeSubscription(
  ctx: SimContext,
  entity: string,
  request: SubscriptionRequest,
): SimSubscription {
  const id = ctx.state.nextSubscriptionId++;
  const subscription: SimSubscription = {
    id,
    endPoint: request.endPoint!,
    resourceFilter: request.resourceFilter,
    ...(request.subjectFilter !== undefined ? { subjectFilter: request.subjectFilter } : {}),
    ...(request.typeFilter !== undefined ? { typeFilter: request.typeFilter } : {}),
    includeSubunits: request.includeSubunits ?? false,
    consumer: entity,
    createdBy: entity,
    created: new Date(ctx.nowMs()).toISOString(),
    validated: false,
  };
  ctx.state.subscriptions[String(id)] = subscription;
  ctx.changed();
  return subscription;
}

function ownSubscription(
  ctx: SimContext,
  rawId: string,
  entity: string,
): { subscription: SimSubscription } | SimResponse {
  if (!/^-?\d+$/.test(rawId)) {
    return validationProblem({ id: [`The value '${rawId}' is not valid.`] });
  }
  const subscription = ctx.state.subscriptions[String(Number(rawId))];
  if (!subscription) return empty(404);
  if (subscription.createdBy !== entity) return empty(403);
  return { subscription };
}

/** The Subscription as the API writes it: every property, null when unset. */
export function present(subscription: SimSubscription): Record<string, unknown> {
  return {
    id: subscription.id,
    endPoint: subscription.endPoint,
    sourceFilter: subscription.sourceFilter ?? null,
    resourceFilter: subscription.resourceFilter ?? null,
    subjectFilter: subscription.subjectFilter ?? null,
    alternativeSubjectFilter: subscription.alternativeSubjectFilter ?? null,
    typeFilter: subscription.typeFilter ?? null,
    consumer: subscription.consumer,
    createdBy: subscription.createdBy,
    created: subscription.created,
    validated: subscription.validated,
    includeSubunits: subscription.includeSubunits,
  };
}

/**
 * The validation handshake: POST the validation cloud event to the endpoint, at once and then
 * with back-off, until it answers 2xx (validated) or the attempts run out (left unvalidated, as
 * Events leaves a subscription whose endpoint never answered). Timers do not hold the process.
 */
export function scheduleValidation(ctx: SimContext, id: number, origin: string): void {
  const attempt = async (index: number): Promise<void> => {
    const subscription = ctx.state.subscriptions[String(id)];
    if (!subscription || subscription.validated) return;
    const status = await post(subscription.endPoint, {
      id: randomUUID(),
      source: `${origin}${BASE}/${id}`,
      type: VALIDATION_EVENT_TYPE,
      specversion: "1.0",
    });
    const current = ctx.state.subscriptions[String(id)];
    if (!current) return;
    if (status >= 200 && status < 300) {
      current.validated = true;
      ctx.changed();
      return;
    }
    if (index + 1 < VALIDATION_DELAYS_MS.length) later(index + 1);
  };
  const later = (index: number) => {
    setTimeout(() => void attempt(index), VALIDATION_DELAYS_MS[index]).unref();
  };
  later(0);
}

function isAbsoluteUri(value: string): boolean {
  try {
    return new URL(value).protocol.length > 1 && !/\s/.test(value);
  } catch {
    return false;
  }
}

/** `Problem(detail, null, 400)`: an RFC 9457 ProblemDetails. */
function problem(detail: string): SimResponse {
  return json(
    400,
    {
      type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
      title: "Bad Request",
      status: 400,
      detail,
      traceId: traceId(),
    },
    { "content-type": "application/problem+json; charset=utf-8" },
  );
}

/** PostgreSQL LIKE: `%` any run, `_` one character, the rest literal. */
function likePattern(pattern: string): RegExp {
  const body = [...pattern]
    .map((c) => (c === "%" ? ".*" : c === "_" ? "." : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, "s");
}

/** ASP.NET's StatusCode(status, "text") under [Produces("application/json")]: a JSON string. */
function jsonText(status: number, message: string): SimResponse {
  return json(status, message);
}
