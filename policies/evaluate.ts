/**
 * A small decision function over the model, as Altinn's PDP answers "may this subject do this
 * action on this resource": a rule applies when one of its subject alternatives holds (every match
 * in it), its action matches and one of its resource groups holds; the combining algorithm then
 * decides between the rules that apply. The linter uses it to ask what the service owner may do.
 */
import {
  ACTION_ATTRIBUTE,
  actionMatch,
  CATEGORY,
  DATA_TYPE,
  MATCH_FUNCTION,
  matchesValue,
  RESOURCE_ATTRIBUTE,
  ruleResources,
  subjectMatches,
  type AttributeMatch,
  type MatchFunction,
  type Policy,
  type Rule,
} from "./model";
import type { XacmlMatch, XacmlPolicy, XacmlTarget } from "./xacml";

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
  return combine(applicable, policy.ruleCombiningAlgorithm ?? "deny-overrides");
}

function combine(applicable: Array<{ effect: "Permit" | "Deny" }>, algorithm: string): Decision {
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

/**
 * The decision over policy XML the model cannot hold, as Altinn's PDP makes it
 * (altinn-authorization-tmp src/pkgs/Altinn.Authorization.ABAC/.../Xacml/XacmlRule.cs
 * MatchAttributes, XacmlMatch.IsMatch, AttributeMatcher.cs): per category, an AllOf holds when
 * every Match of that category in it matches, a category no Match names holds, whatever AnyOf the
 * AllOf sits in; request values are strings (the PEP's default type). A rule with a Condition
 * applies only when the Condition holds, which this does not evaluate: it never applies here.
 */
export function decideXacml(
  document: XacmlPolicy,
  request: DecisionRequest,
  resourceId: string,
): Decision {
  const attributes: Record<string, Record<string, string | string[]>> = {
    [CATEGORY.subject]: request.subject,
    [CATEGORY.resource]: { [RESOURCE_ATTRIBUTE]: resourceId, ...request.resource },
    [CATEGORY.action]: { [ACTION_ATTRIBUTE]: request.action },
  };
  const holds = (target: XacmlTarget) =>
    Object.keys(attributes).every((category) => {
      const groups = target
        .flat()
        .map((allOf) => allOf.filter((m) => m.category === category))
        .filter((matches) => matches.length > 0);
      return (
        groups.length === 0 ||
        groups.some((matches) => matches.every((m) => matchesXacml(m, attributes[category]!)))
      );
    });
  if (!holds(document.target)) return "NotApplicable";
  const applicable = document.rules.filter(
    (rule) => !rule.extras.includes("Condition") && holds(rule.target ?? []),
  );
  return combine(applicable, document.ruleCombiningAlgId);
}

function matchesXacml(match: XacmlMatch, attributes: Record<string, string | string[]>): boolean {
  if (match.attributeId === undefined || !Object.hasOwn(attributes, match.attributeId)) {
    return false;
  }
  if (match.dataType !== DATA_TYPE.string) return false;
  const values = [attributes[match.attributeId]!].flat();
  const how = Object.entries(MATCH_FUNCTION).find(([, id]) => id === match.matchId)?.[0];
  if (how === undefined) return false;
  const typed = { attribute: match.attributeId, value: match.value, match: how as MatchFunction };
  return values.some((value) => matchesValue(typed, value));
}
