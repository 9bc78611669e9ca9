/**
 * The policy model to XACML 3.0 XML in the shape Altinn Studio publishes and the Resource Registry
 * accepts (docs/altinn-apis.md section 3.4): the `xacml:` prefix, an empty policy
 * Target, per rule one AnyOf each for subjects, the resource and actions (in that order), every
 * value a string (unless the model says integer) with MustBePresent="false", and the
 * authentication levels as integer obligations.
 */
import {
  actionMatch,
  CATEGORY,
  DATA_TYPE,
  DENY_OVERRIDES,
  MATCH_FUNCTION,
  OBLIGATION_CATEGORY,
  ruleResources,
  subjectMatches,
  XACML_NAMESPACE,
  type AttributeMatch,
  type Policy,
  type Rule,
} from "./model";

export interface BuildOptions {
  /** The resource identifier: every rule targets it (unless the rule names its own resources). */
  resourceId: string;
}

export function buildPolicyXml(policy: Policy, { resourceId }: BuildOptions): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<xacml:Policy xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xacml="${XACML_NAMESPACE}" PolicyId="${attr(`urn:altinn:resource:${resourceId}:policyid:1`)}" Version="1.0" RuleCombiningAlgId="${attr(policy.ruleCombiningAlgorithm ?? DENY_OVERRIDES)}">`,
    "  <xacml:Target/>",
    ...policy.rules.flatMap((rule, index) => ruleXml(rule, index + 1, resourceId)),
    ...obligationsXml(policy),
    "</xacml:Policy>",
    "",
  ];
  return lines.join("\n");
}

function ruleXml(rule: Rule, number: number, resourceId: string): string[] {
  return [
    `  <xacml:Rule RuleId="${attr(`urn:altinn:resource:${resourceId}:ruleid:${number}`)}" Effect="${rule.effect}">`,
    ...(rule.description
      ? [`    <xacml:Description>${text(rule.description)}</xacml:Description>`]
      : []),
    "    <xacml:Target>",
    ...anyOfXml(rule.subjects.map(subjectMatches), CATEGORY.subject),
    ...anyOfXml(ruleResources(rule, resourceId), CATEGORY.resource),
    ...anyOfXml(
      rule.actions.map((action) => [actionMatch(action)]),
      CATEGORY.action,
    ),
    "    </xacml:Target>",
    "  </xacml:Rule>",
  ];
}

/** One AnyOf: each inner list is an AllOf (all its matches must hold). */
function anyOfXml(groups: AttributeMatch[][], category: string): string[] {
  return [
    "      <xacml:AnyOf>",
    ...groups.flatMap((group) => [
      "        <xacml:AllOf>",
      ...group.flatMap((match) => [
        `          <xacml:Match MatchId="${MATCH_FUNCTION[match.match]}">`,
        `            <xacml:AttributeValue DataType="${DATA_TYPE[match.dataType ?? "string"]}">${text(match.value)}</xacml:AttributeValue>`,
        `            <xacml:AttributeDesignator AttributeId="${attr(match.attribute)}" Category="${category}" DataType="${DATA_TYPE[match.dataType ?? "string"]}" MustBePresent="false"/>`,
        "          </xacml:Match>",
      ]),
      "        </xacml:AllOf>",
    ]),
    "      </xacml:AnyOf>",
  ];
}

/** The obligation ids and assignment ids Altinn Studio writes; Altinn reads the category. */
function obligationsXml(policy: Policy): string[] {
  const obligations = [
    [policy.authenticationLevel, OBLIGATION_CATEGORY.authenticationLevel, 1],
    [policy.authenticationLevelOrg, OBLIGATION_CATEGORY.authenticationLevelOrg, 2],
  ] as const;
  const present = obligations.filter(([level]) => level !== undefined);
  if (present.length === 0) return [];
  return [
    "  <xacml:ObligationExpressions>",
    ...present.flatMap(([level, category, n]) => [
      `    <xacml:ObligationExpression FulfillOn="Permit" ObligationId="urn:altinn:obligation:authenticationLevel${n}">`,
      `      <xacml:AttributeAssignmentExpression AttributeId="urn:altinn:obligation${n}-assignment${n}" Category="${category}">`,
      `        <xacml:AttributeValue DataType="${DATA_TYPE.integer}">${level}</xacml:AttributeValue>`,
      "      </xacml:AttributeAssignmentExpression>",
      "    </xacml:ObligationExpression>",
    ]),
    "  </xacml:ObligationExpressions>",
  ];
}

/** Escapes text content; a carriage return is written as a reference, or XML readers drop it. */
function text(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r/g, "&#13;");
}

/** Escapes an attribute value; XML readers turn a literal tab or newline there into a space. */
function attr(value: string): string {
  return text(value).replace(/"/g, "&quot;").replace(/\n/g, "&#10;").replace(/\t/g, "&#9;");
}
