/**
 * A small decision function over the model, as Altinn's PDP answers "may this subject do this
 * action on this resource": a rule applies when one of its subject alternatives holds (every match
 * in it), its action matches and one of its resource groups holds; the combining algorithm then
 * decides between the rules that apply. The linter uses it to ask what the service owner may do.
 */
import {
  actionMatch,
  matchesValue,
  RESOURCE_ATTRIBUTE,
  ruleResources,
  subjectMatches,
  type AttributeMatch,
  type Policy,
  type Rule,
} from "./model";

export interface DecisionRequest {
  /** The asking subject's attributes; an attribute may have several values (several roles). */
  subject: Record<string, string | string[]>;
  action: string;
  /** The resource's attributes; `urn:altinn:resource` defaults to the policy's resource. */
  resource?: Record<string, string>;
}

export type Decision = "Permit" | "Deny" | "NotApplicable";

export function decide(policy: Policy, request: DecisionRequest, resourceId: string): Decision {
  const resource = { [RESOURCE_ATTRIBUTE]: resourceId, ...request.resource };
  const applicable = policy.rules.filter((rule) => applies(rule, request, resource, resourceId));
  const algorithm = policy.ruleCombiningAlgorithm ?? "deny-overrides";
  if (algorithm.endsWith("first-applicable")) return applicable[0]?.effect ?? "NotApplicable";
  const first = algorithm.endsWith("permit-overrides") ? "Permit" : "Deny";
  const second = first === "Permit" ? "Deny" : "Permit";
  if (applicable.some((rule) => rule.effect === first)) return first;
  if (applicable.some((rule) => rule.effect === second)) return second;
  return "NotApplicable";
}

export function isPermitted(policy: Policy, request: DecisionRequest, resourceId: string): boolean {
  return decide(policy, request, resourceId) === "Permit";
}

function applies(
  rule: Rule,
  request: DecisionRequest,
  resource: Record<string, string>,
  resourceId: string,
): boolean {
  const has = (match: AttributeMatch, values: string | string[] | undefined) =>
    (Array.isArray(values) ? values : values === undefined ? [] : [values]).some((value) =>
      matchesValue(match, value),
    );
  const subjectHolds = rule.subjects.some((subject) =>
    subjectMatches(subject).every((m) => has(m, request.subject[m.attribute])),
  );
  const actionHolds = rule.actions.some((action) =>
    matchesValue(actionMatch(action), request.action),
  );
  const resourceHolds = ruleResources(rule, resourceId).some((group) =>
    group.every((m) => has(m, resource[m.attribute])),
  );
  return subjectHolds && actionHolds && resourceHolds;
}
