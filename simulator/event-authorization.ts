import { SUBJECT_SHORTHANDS } from "../policies/model";
import type { SimContext } from "./context";
import { authorize, type PdpDecision } from "./pdp";

/**
 * The PDP's answer to "may this consumer subscribe to this resource" (altinn-events
 * SubscriptionXacmlMapper: the consumer as subject, the subject filter as the resource party),
 * asked when a subscription is made, when events are listed and before each push: simulator/pdp.ts,
 * so a resource in access-list mode also asks its lists, and without a subject filter there is no
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
