import * as events from "../api/events";
import { containsUnknown } from "../lib/check";
import type { EventSubscriptionInputs, EventSubscriptionOutputs } from "./schema";

/** The endpoint and resource filter as Events stores them (values unknown in preview as they are). */
export function asStored(inputs: EventSubscriptionInputs): EventSubscriptionInputs {
  const stored = { ...inputs };
  if (typeof stored.endPoint === "string" && !containsUnknown(stored.endPoint)) {
    stored.endPoint = events.absoluteUri(stored.endPoint);
  }
  // SubscriptionRepository stores ResourceFilter.ToLower().
  if (typeof stored.resourceFilter === "string" && !containsUnknown(stored.resourceFilter)) {
    stored.resourceFilter = stored.resourceFilter.toLowerCase();
  }
  return stored;
}

/** The request body: only the filters that are set, and never the app-only ones. */
export function toSubscriptionRequest(inputs: EventSubscriptionInputs): events.SubscriptionRequest {
  return {
    endPoint: inputs.endPoint,
    resourceFilter: inputs.resourceFilter,
    ...(inputs.subjectFilter !== undefined ? { subjectFilter: inputs.subjectFilter } : {}),
    ...(inputs.typeFilter !== undefined ? { typeFilter: inputs.typeFilter } : {}),
  };
}

/** A live subscription as inputs, keeping this tool's own setting from the stack. */
export function fromSubscriptionDto(
  dto: events.SubscriptionDto,
  managed: EventSubscriptionInputs,
): EventSubscriptionInputs {
  return {
    endPoint: dto.endPoint,
    resourceFilter: dto.resourceFilter ?? "",
    ...(dto.subjectFilter ? { subjectFilter: dto.subjectFilter } : {}),
    ...(dto.typeFilter !== null && dto.typeFilter !== undefined
      ? { typeFilter: dto.typeFilter }
      : {}),
    validationWaitSeconds: managed.validationWaitSeconds ?? 30,
  };
}

export function outputsOf(
  inputs: EventSubscriptionInputs,
  dto: events.SubscriptionDto,
): EventSubscriptionOutputs {
  return {
    ...inputs,
    subscriptionId: dto.id,
    validated: dto.validated,
    consumer: dto.consumer,
    created: dto.created,
  };
}
