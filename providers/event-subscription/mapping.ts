import * as events from "../api/events";
import { containsUnknown, userInputs } from "../lib/check";
import {
  MANAGED_FIELDS,
  type EventSubscriptionInputs,
  type EventSubscriptionOutputs,
} from "./schema";

/** The inputs, the endpoint and resource filter as Events stores them (events.absoluteUri). */
export function managedInputs(props: Record<string, unknown>): EventSubscriptionInputs {
  const inputs = userInputs(props);
  const managed = Object.fromEntries(
    MANAGED_FIELDS.filter((f) => inputs[f] !== undefined).map((f) => [f, inputs[f]]),
  ) as EventSubscriptionInputs;
  if (typeof managed.endPoint === "string" && !containsUnknown(managed.endPoint)) {
    managed.endPoint = events.absoluteUri(managed.endPoint);
  }
  // SubscriptionRepository stores ResourceFilter.ToLower().
  if (typeof managed.resourceFilter === "string" && !containsUnknown(managed.resourceFilter)) {
    managed.resourceFilter = managed.resourceFilter.toLowerCase();
  }
  return managed;
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
