import { decide, decideXacml, type DecisionRequest } from "../policies/evaluate";
import { readPolicy } from "../policies/parse";
import type { SimContext } from "./context";
import { organizationOfPartyId, partyOfOrganization } from "./parties";
import { currentResource } from "./state";

/**
 * Altinn Authorization's PDP for a Resource Registry resource, as the APIs that ask it (Events,
 * Correspondence) see it. altinn-authorization-tmp src/apps/Altinn.Authorization/src/
 * Altinn.Authorization/Controllers/DecisionController.cs (Authorize, IsAccessListAuthorized) and
 * Services/Implementation/AccessListAuthorization.cs:
 *
 * - the resource's stored policy decides; no policy permits nothing;
 * - a Permit on a resource with `accessListMode: Enabled` stands only when the request's resource
 *   party is an organisation on an access list connected to the resource whose `actionFilters`
 *   are empty or contain the action; otherwise Deny ("Access list authorization of resource
 *   party required");
 * - the party comes from the resource attributes (`urn:altinn:organization:identifier-no`,
 *   `urn:altinn:partyid`, a person's identifier). Without one, `int.Parse` of the missing party
 *   throws and the controller answers Indeterminate; a person is Deny (lists hold organisations).
 */
export type PdpDecision = "Permit" | "Deny" | "NotApplicable" | "Indeterminate";

export interface PdpRequest extends DecisionRequest {
  resourceId: string;
}

const ORGANIZATION_NUMBER = "urn:altinn:organization:identifier-no";
const PARTY_ID = "urn:altinn:partyid";

export function authorize(ctx: SimContext, request: PdpRequest): PdpDecision {
  const key = Object.keys(ctx.state.policies).find(
    (k) => k.toLowerCase() === request.resourceId.toLowerCase(),
  );
  if (key === undefined) return "NotApplicable";
  const { policy, document } = readPolicy(ctx.state.policies[key]!, { resourceId: key });
  if (!document) return "Indeterminate";
  // XML beyond the rule model is decided from the XACML itself, as the PDP reads any policy.
  const decision = policy ? decide(policy, request, key) : decideXacml(document, request, key);
  if (decision !== "Permit") return decision;
  if (currentResource(ctx.state, key)?.accessListMode !== "Enabled") return decision;
  const party = resourceParty(request.resource ?? {});
  if (party === undefined) return "Indeterminate";
  if (party.orgnr === undefined) return "Deny";
  return onConnectedList(ctx, key, party.orgnr, request.action) ? "Permit" : "Deny";
}

/** The resource party: an organisation (by number), another party, or none given. */
function resourceParty(
  attributes: Record<string, string>,
): { orgnr: string | undefined } | undefined {
  const orgnr = attributes[ORGANIZATION_NUMBER];
  if (orgnr !== undefined) return { orgnr };
  const partyId = attributes[PARTY_ID];
  if (partyId !== undefined) return { orgnr: organizationOfPartyId(Number(partyId)) };
  const personLike = Object.keys(attributes).some((a) => a.startsWith("urn:altinn:person:"));
  return personLike ? { orgnr: undefined } : undefined;
}

/** AccessListAuthorization.Authorize: a membership whose action filters are empty or hold the action. */
function onConnectedList(
  ctx: SimContext,
  resourceId: string,
  orgnr: string,
  action: string,
): boolean {
  const uuid = partyOfOrganization(orgnr).uuid;
  return Object.values(ctx.state.accessLists).some((list) => {
    const connection = Object.entries(list.connections).find(
      ([id]) => id.toLowerCase() === resourceId.toLowerCase(),
    )?.[1];
    return (
      connection !== undefined &&
      list.members[uuid] !== undefined &&
      (connection.actionFilters.length === 0 || connection.actionFilters.includes(action))
    );
  });
}
