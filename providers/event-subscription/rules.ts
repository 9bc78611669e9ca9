import { closest } from "../../policies/findings";
import { RESOURCE_IDENTIFIER_PATTERN } from "../lib/identifiers";
import { containsUnknown, type CheckFailure } from "../lib/check";
import { isLoopbackHost, type EnvironmentName } from "../lib/environments";
import { hostFinding, simulatorAdminProblem } from "../lib/hostile";
import { CORRESPONDENCE_EVENT_TYPES, CORRESPONDENCE_TYPE_PREFIX } from "./event-types";
import { APP_ONLY_FILTERS, RESOURCE_URN_PREFIX, type EventSubscriptionInputs } from "./schema";

/** The app-only filters given: Events refuses them for any resource that is not an app. */
export function appOnlyFailures(raw: Record<string, unknown>): CheckFailure[] {
  return APP_ONLY_FILTERS.filter((key) => key in raw).map((key) => ({
    property: key,
    reason: `${key} is for Altinn app subscriptions; Events refuses it (400) for any other resource, such as a correspondence resource: remove it (resourceFilter names the resource)`,
  }));
}

/** Validation beyond the schema, for the properties that are known (preview may not know all). */
export function validateSubscription(
  inputs: Partial<Record<keyof EventSubscriptionInputs, unknown>>,
  environment: EnvironmentName,
): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const known = (value: unknown): value is string =>
    typeof value === "string" && !containsUnknown(value);
  if (known(inputs.endPoint)) {
    const reason = endPointProblem(inputs.endPoint, environment);
    if (reason) failures.push({ property: "endPoint", reason });
    const hostile =
      hostFinding(inputs.endPoint).problem ??
      (environment === "local" ? simulatorAdminProblem(inputs.endPoint) : undefined);
    if (hostile) failures.push({ property: "endPoint", reason: hostile });
  }
  if (known(inputs.resourceFilter)) {
    const reason = resourceFilterProblem(inputs.resourceFilter);
    if (reason) failures.push({ property: "resourceFilter", reason });
  }
  if (known(inputs.subjectFilter) && !/^\S+$/.test(inputs.subjectFilter)) {
    failures.push({
      property: "subjectFilter",
      reason:
        inputs.subjectFilter.trim() === ""
          ? "an empty subjectFilter matches no event: leave it out to receive events about every party"
          : `"${inputs.subjectFilter}" has spaces; Events compares the whole text, so it would match no event: write the party URN, such as "urn:altinn:organization:identifier-no:991825827"`,
    });
  }
  if (known(inputs.typeFilter)) {
    const reason = typeFilterProblem(inputs.typeFilter);
    if (reason) failures.push({ property: "typeFilter", reason });
  }
  return failures;
}

function endPointProblem(value: string, environment: EnvironmentName): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not an absolute URL: give the https URL Events should POST the events to, such as "https://example.org/altinn/events"`;
  }
  if (url.protocol === "https:") return undefined;
  const shown = describeEndPoint(value);
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) {
    return environment === "local"
      ? undefined
      : `${shown} is a loopback address, which Altinn Events in the ${environment} environment cannot reach: give a public https URL (http to 127.0.0.1 is only for the local simulator)`;
  }
  return `${shown} must use https: Altinn Events pushes events only to https endpoints with a publicly trusted certificate (http is allowed only to a loopback host in the local stack)`;
}

function resourceFilterProblem(value: string): string | undefined {
  const example = RESOURCE_IDENTIFIER_PATTERN.test(value)
    ? `"${RESOURCE_URN_PREFIX}${value}"`
    : `"${RESOURCE_URN_PREFIX}digdir-melding"`;
  if (!value.startsWith(RESOURCE_URN_PREFIX)) {
    return `"${value}" is not a resource URN: write ${RESOURCE_URN_PREFIX}<resource identifier>, such as ${example} (an AltinnResource's resourceUrn output)`;
  }
  const id = value.slice(RESOURCE_URN_PREFIX.length);
  if (id.startsWith("app_")) {
    return `"${value}" is an Altinn app: app subscriptions need a sourceFilter, which EventSubscription does not manage; subscribe to a resource such as a correspondence resource`;
  }
  if (!RESOURCE_IDENTIFIER_PATTERN.test(id)) {
    return `"${id}" is not a resource identifier (lowercase a-z, 0-9, "_" and "-", at least 4 characters), so Events would refuse the filter: write ${example}`;
  }
  return undefined;
}

function typeFilterProblem(value: string): string | undefined {
  if (value.trim() === "") {
    return "an empty typeFilter matches no event: leave it out to receive every event type";
  }
  const known = CORRESPONDENCE_EVENT_TYPES as readonly string[];
  const correspondenceLike =
    value.toLowerCase().startsWith(CORRESPONDENCE_TYPE_PREFIX) ||
    value.toLowerCase().startsWith("app.correspondence.");
  if (correspondenceLike && !known.includes(value)) {
    const name = value.slice(value.lastIndexOf(".") + 1).toLowerCase();
    const suggestion = closest(`${CORRESPONDENCE_TYPE_PREFIX}${name}`, known);
    return `"${value}" is not an event type Correspondence publishes, so the subscription would receive nothing: ${suggestion ? `did you mean "${suggestion}"?` : `use one of ${known.join(", ")}`}`;
  }
  if (/\s/.test(value)) {
    return `"${value}" has spaces; Events matches the type exactly, so it would match no event`;
  }
  return undefined;
}

/** The endpoint for messages: without its query string, which may carry a key (`?code=...`). */
export function describeEndPoint(endPoint: string): string {
  try {
    const url = new URL(endPoint);
    return `${url.origin}${url.pathname}`;
  } catch {
    return "the endpoint";
  }
}
