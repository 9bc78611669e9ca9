/**
 * The meaning of a policy, in one canonical form: the set of grants (one subject alternative, one
 * action, one resource alternative, and whether it permits or denies), the authentication levels
 * and the combining algorithm. Two policies mean the same when their normal forms are equal,
 * whatever their rule order, rule grouping, duplicate rules, descriptions, rule ids, XML
 * whitespace, prefixes or attribute order, and whatever the case of values compared ignoring case.
 * It is the form Altinn's own `/policy/rules` endpoint flattens a policy to.
 */
import { canonicalJson } from "./canonical-json";
import {
  actionMatch,
  DENY_OVERRIDES,
  MATCH_FUNCTION,
  foldCase,
  parseInt32,
  ruleResources,
  subjectMatches,
  type AttributeMatch,
  type Policy,
} from "./model";
import { readPolicy } from "./parse";
import type { XacmlMatch, XacmlPolicy, XacmlTarget } from "./xacml";

export interface NormalizedGrant {
  effect: "Permit" | "Deny";
  /** Every one of these must hold (one XACML AllOf). */
  subject: AttributeMatch[];
  action: AttributeMatch;
  resource: AttributeMatch[];
}

export interface NormalizedPolicy {
  ruleCombiningAlgorithm: string;
  authenticationLevel: number | null;
  authenticationLevelOrg: number | null;
  /** Sorted, without duplicates. */
  grants: NormalizedGrant[];
}

/** Where a rule's implicit resource has no id yet (a model compared without its resource). */
export const THIS_RESOURCE = "(this resource)";

export function normalizePolicy(
  policy: Policy,
  resourceId: string = THIS_RESOURCE,
): NormalizedPolicy {
  const grants = new Map<string, NormalizedGrant>();
  for (const rule of policy.rules) {
    const resources = ruleResources(rule, resourceId).map(normalizeGroup);
    for (const subject of rule.subjects) {
      const subjectGroup = normalizeGroup(subjectMatches(subject));
      for (const action of rule.actions) {
        for (const resource of resources) {
          const grant: NormalizedGrant = {
            effect: rule.effect,
            subject: subjectGroup,
            action: normalizeMatch(actionMatch(action)),
            resource,
          };
          grants.set(canonicalJson(grant), grant);
        }
      }
    }
  }
  return {
    ruleCombiningAlgorithm: policy.ruleCombiningAlgorithm ?? DENY_OVERRIDES,
    authenticationLevel: policy.authenticationLevel ?? null,
    authenticationLevelOrg: policy.authenticationLevelOrg ?? null,
    grants: [...grants.keys()].sort().map((key) => grants.get(key)!),
  };
}

/** Whether two policies grant the same, to the same subjects, under the same obligations. */
export function samePolicy(a: Policy, b: Policy, resourceId?: string): boolean {
  return (
    canonicalJson(normalizePolicy(a, resourceId)) === canonicalJson(normalizePolicy(b, resourceId))
  );
}

/**
 * A value compared ignoring case is the same value in any case, an integer compared as one the
 * same in any spelling ("007", " 7"): keep one.
 */
function normalizeMatch(match: AttributeMatch): AttributeMatch {
  const integer = match.match === "integerEqual" ? parseInt32(match.value) : undefined;
  return {
    attribute: match.attribute,
    value:
      match.match === "ignoreCase"
        ? foldCase(match.value)
        : integer !== undefined
          ? String(integer)
          : match.value,
    match: match.match,
    ...(match.dataType ? { dataType: match.dataType } : {}),
  };
}

/** An AllOf is a set: order and repeats do not change it. */
function normalizeGroup(group: AttributeMatch[]): AttributeMatch[] {
  const unique = new Map(group.map((m) => normalizeMatch(m)).map((m) => [canonicalJson(m), m]));
  return [...unique.keys()].sort().map((key) => unique.get(key)!);
}

/** A set: sorted, without repeats. */
function canonicalSet(items: unknown[]): unknown[] {
  const unique = new Map(items.map((item) => [canonicalJson(item), item]));
  return [...unique.keys()].sort().map((key) => unique.get(key));
}

function canonicalMatch(m: XacmlMatch): unknown[] {
  const value = m.matchId === MATCH_FUNCTION.ignoreCase ? foldCase(m.value) : m.value;
  const designator = [m.category ?? "", m.attributeId ?? "", m.designatorDataType ?? ""];
  return [m.matchId, m.dataType, value, ...designator, m.mustBePresent ?? false];
}

function canonicalTarget(target: XacmlTarget): unknown[] {
  return canonicalSet(
    target.map((anyOf) =>
      canonicalSet(anyOf.map((allOf) => canonicalSet(allOf.map(canonicalMatch)))),
    ),
  );
}

/**
 * The meaning of policy XML the model cannot hold: the tree without what Altinn's PDP does not
 * read (rule ids, descriptions, PolicyId, prefixes, layout), AnyOf, AllOf and Match as sets, the
 * case of ignore-case values folded, and the rules as a set unless the algorithm is
 * first-applicable (ABAC XacmlRule.MatchAttributes, AttributeMatcher).
 */
export function normalizeXacml(document: XacmlPolicy): unknown {
  const rules = document.rules.map((rule) => [
    rule.effect,
    rule.target === undefined ? null : canonicalTarget(rule.target),
    rule.extraContent,
  ]);
  const obligations = document.obligations.map((o) => [
    o.obligationId,
    o.fulfillOn,
    canonicalSet(o.assignments.map((a) => [a.category ?? "", a.expression, a.value?.trim() ?? ""])),
  ]);
  return {
    ruleCombiningAlgorithm: document.ruleCombiningAlgId,
    target: canonicalTarget(document.target),
    rules: document.ruleCombiningAlgId.endsWith("first-applicable") ? rules : canonicalSet(rules),
    obligations: canonicalSet(obligations),
    extras: document.extraContent,
  };
}

/**
 * What policy XML means, as one string to compare: the model's normal form when the model holds
 * it, else the normalized XML tree; undefined when it is not XACML Altinn reads.
 */
export function xmlMeaning(xml: string, resourceId?: string): string | undefined {
  const parsed = readPolicy(xml, { resourceId });
  if (parsed.policy) return canonicalJson(normalizePolicy(parsed.policy, resourceId));
  return parsed.document ? canonicalJson({ xacml: normalizeXacml(parsed.document) }) : undefined;
}
