import type { SimContext } from "../../context";
import { validationProblem } from "../../http/problems";
import { empty } from "../../http/replies";
import { readJsonBody } from "../../http/requests";
import type { SimRequest, SimResponse } from "../../http/router";
import type { SimSubscription } from "../../state-types";

/**
 * Subscriptions as altinn-events' SubscriptionController, GenericSubscriptionService and
 * SubscriptionRepository bind, check, find and store them.
 */
export const SUBSCRIPTIONS_BASE = "/events/api/v1/subscriptions";

const REQUEST_FIELDS = [
  "endPoint",
  "sourceFilter",
  "resourceFilter",
  "subjectFilter",
  "alternativeSubjectFilter",
  "typeFilter",
  "includeSubunits",
] as const;

export type SubscriptionRequest = Partial<
  Record<Exclude<(typeof REQUEST_FIELDS)[number], "includeSubunits">, string>
> & { includeSubunits?: boolean };

/** System.Text.Json binding of SubscriptionRequestModel: names ignore case, unknown names ignored. */
export function bindRequest(req: SimRequest): SubscriptionRequest | SimResponse {
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
export function genericValidation(request: SubscriptionRequest): string | undefined {
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

export function isAbsoluteUri(value: string): boolean {
  try {
    return new URL(value).protocol.length > 1 && !/\s/.test(value);
  } catch {
    return false;
  }
}

/** The repository's FindSubscription: same filters, endpoint, consumer and includeSubunits. */
export function findIdentical(
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

export function storeSubscription(
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

export function ownSubscription(
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
