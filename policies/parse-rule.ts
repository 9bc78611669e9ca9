/**
 * One XACML rule into the model's rule: its target's AnyOf groups sorted into subjects, actions and
 * resources, each match's function and data type into the model's terms. What the model cannot
 * hold (Conditions, selectors, mixed or repeated categories, other functions and types) becomes an
 * error finding on the rule instead of being dropped.
 */
import {
  ACTION_ATTRIBUTE,
  CATEGORY,
  DATA_TYPE,
  MATCH_FUNCTION,
  RESOURCE_ATTRIBUTE,
  SUBJECT_SHORTHANDS,
  type Action,
  type MatchFunction,
  type ResourceMatch,
  type Rule,
  type Subject,
  type SubjectMatch,
  type ValueDataType,
} from "./model";
import { closest, type Finding } from "./findings";
import type { XacmlMatch, XacmlRule } from "./xacml";

const CATEGORY_NAMES: Record<string, "subject" | "resource" | "action"> = {
  [CATEGORY.subject]: "subject",
  [CATEGORY.resource]: "resource",
  [CATEGORY.action]: "action",
};

export function convertRule(
  rule: XacmlRule,
  number: number,
  resourceId: string | undefined,
  findings: Finding[],
): Rule | undefined {
  const before = findings.length;
  const error = (code: string, message: string, fix: string, line = rule.line) =>
    findings.push({ severity: "error", code, rule: number, line, message, fix });
  for (const extra of rule.extras) {
    error(
      "unsupported",
      `uses <${extra}>, which altinn-iac's policy model cannot represent (Altinn's own tools do not write it)`,
      `express the rule with subjects, actions and the resource only, or keep the policy as XML`,
    );
  }
  if (!rule.target || rule.target.length === 0) {
    error(
      "no-resource",
      `has an empty Target, so it applies to every subject, action and resource, and the Resource Registry rejects it: "Policy not accepted: Contains rule without reference to registry resource id"`,
      `give the rule a Target with its subjects, urn:altinn:resource = "${resourceId ?? "<resource id>"}" and its actions`,
    );
    return undefined;
  }
  const groups: Partial<Record<"subject" | "resource" | "action", XacmlMatch[][]>> = {};
  for (const anyOf of rule.target) {
    const matches = anyOf.flat();
    if (matches.some((m) => m.attributeId === undefined)) {
      error(
        "unsupported",
        "uses an AttributeSelector, which altinn-iac's policy model cannot represent",
        "match on an attribute with an AttributeDesignator",
        matches.find((m) => m.attributeId === undefined)!.line,
      );
      continue;
    }
    const categories = [...new Set(matches.map((m) => m.category!))];
    if (categories.length > 1) {
      error(
        "mixed-categories",
        `an AnyOf mixes the categories ${categories.map((c) => `"${c}"`).join(" and ")}: the Resource Registry stores it and Altinn's PDP reads each Match by its own category (ABAC XacmlRule.MatchAttributes), but the registry's /policy/rules fails on it ("All matches in a all must have the same category") and altinn-iac's model cannot hold it`,
        "put the subjects, the resource and the actions in one AnyOf each, or keep the policy as XML",
        matches[0]!.line,
      );
      continue;
    }
    const category = categories[0]!;
    const kind = Object.hasOwn(CATEGORY_NAMES, category) ? CATEGORY_NAMES[category] : undefined;
    if (!kind) {
      const suggestion = closest(category, Object.keys(CATEGORY_NAMES));
      error(
        "unknown-category",
        `the category "${category}" is not Altinn's subject, resource or action category, so the PDP never matches it`,
        suggestion
          ? `did you mean "${suggestion}"?`
          : `use "${CATEGORY.subject}", "${CATEGORY.resource}" or "${CATEGORY.action}"`,
        matches[0]!.line,
      );
      continue;
    }
    if (groups[kind]) {
      error(
        "repeated-category",
        `has two AnyOf groups in the ${kind} category; XACML then requires one match from each, which altinn-iac's model cannot represent`,
        `merge them into one AnyOf (any one of the ${kind}s)`,
        matches[0]!.line,
      );
      continue;
    }
    groups[kind] = anyOf;
  }
  const structured = findings.length === before;
  for (const kind of ["subject", "action"] as const) {
    if (!groups[kind] && structured) {
      error(
        `no-${kind}`,
        `has no ${kind} in its Target, so it applies to every ${kind}, which Altinn's tools never write (the Resource Registry's /policy/rules fails on it)`,
        `add an AnyOf with the rule's ${kind}s`,
      );
    }
  }
  if (!groups.resource && structured) {
    error(
      "no-resource",
      `does not target any resource: the Resource Registry rejects it with "Policy not accepted: Contains rule without reference to registry resource id"`,
      `add urn:altinn:resource = "${resourceId ?? "<resource id>"}" to the rule's Target`,
    );
  }
  if (findings.length > before) return undefined;

  const all = [...groups.subject!, ...groups.action!, ...groups.resource!].flat();
  for (const match of all) {
    const action = match.category === CATEGORY.action;
    const type = dataTypeOf(match);
    if (type === undefined || (action && type !== "string")) {
      error(
        "unsupported",
        `the ${CATEGORY_NAMES[match.category!]} value "${match.value}" has the data type "${match.dataType === match.designatorDataType ? match.dataType : `${match.dataType}" against a designator of "${match.designatorDataType}`}"; altinn-iac's model holds ${action ? "strings" : "strings and integers"} only`,
        `use DataType="${DATA_TYPE.string}" on both`,
        match.line,
      );
    }
    const how = comparison(match);
    if (how === undefined || (action && how === "integerEqual")) {
      error(
        "unsupported",
        `"${match.value}" is compared with "${match.matchId}", which altinn-iac's model does not represent`,
        `use MatchId="${MATCH_FUNCTION.ignoreCase}" (or "${MATCH_FUNCTION.exact}")`,
        match.line,
      );
    }
  }
  const actions: Action[] = [];
  for (const allOf of groups.action!) {
    if (allOf.length > 1) {
      error(
        "action-allof",
        `one action AllOf has ${allOf.length} matches; Altinn allows one action per AllOf ("Only one match is allowed in a allOf for action category")`,
        "give each action its own AllOf",
        allOf[0]!.line,
      );
      continue;
    }
    const match = allOf[0]!;
    if (match.attributeId !== ACTION_ATTRIBUTE) {
      error(
        "action-attribute",
        `the action attribute is "${match.attributeId}", so the PDP never matches it`,
        `use AttributeId="${ACTION_ATTRIBUTE}"`,
        match.line,
      );
      continue;
    }
    actions.push(
      comparison(match) === "ignoreCase"
        ? { action: match.value, match: "ignoreCase" }
        : match.value,
    );
  }
  if (findings.length > before) return undefined;

  const subjects: Subject[] = groups.subject!.map((allOf) => {
    const parts = allOf.map(toSubjectMatch);
    return parts.length === 1 ? parts[0]! : { allOf: parts };
  });
  const resourceGroups: ResourceMatch[][] = groups.resource!.map((allOf) =>
    allOf.map((m) => {
      const how = comparison(m);
      return {
        attribute: m.attributeId!,
        value: m.value,
        ...(how === "ignoreCase" || how === "integerEqual" ? { match: how } : {}),
        ...typed(m),
      };
    }),
  );
  const onlyThisResource =
    resourceGroups.length === 1 &&
    resourceGroups[0]!.length === 1 &&
    resourceGroups[0]![0]!.attribute === RESOURCE_ATTRIBUTE &&
    resourceGroups[0]![0]!.match === undefined &&
    resourceGroups[0]![0]!.dataType === undefined &&
    resourceGroups[0]![0]!.value === resourceId;
  const description = rule.description?.trim();
  return {
    ...(description ? { description } : {}),
    effect: rule.effect,
    subjects,
    actions,
    ...(onlyThisResource ? {} : { resources: resourceGroups }),
  };
}

/**
 * The value's type when the model holds it: string or integer, the same on the value and the
 * designator (the PDP reads the value's; Altinn's tools write both alike).
 */
function dataTypeOf(match: XacmlMatch): "string" | ValueDataType | undefined {
  if (match.dataType !== match.designatorDataType) return undefined;
  if (match.dataType === DATA_TYPE.string) return "string";
  return match.dataType === DATA_TYPE.integer ? "integer" : undefined;
}

function typed(match: XacmlMatch): { dataType?: ValueDataType } {
  const type = dataTypeOf(match);
  return type && type !== "string" ? { dataType: type } : {};
}

function comparison(match: XacmlMatch): MatchFunction | undefined {
  const entry = Object.entries(MATCH_FUNCTION).find(([, id]) => id === match.matchId);
  return entry?.[0] as MatchFunction | undefined;
}

function toSubjectMatch(match: XacmlMatch): SubjectMatch {
  const how = comparison(match);
  const exact = {
    ...(how === "exact" || how === "integerEqual" ? { match: how } : {}),
    ...typed(match),
  };
  for (const [key, attribute] of Object.entries(SUBJECT_SHORTHANDS)) {
    if (match.attributeId === attribute) return { [key]: match.value, ...exact } as SubjectMatch;
  }
  return { attribute: match.attributeId!, value: match.value, ...exact };
}
