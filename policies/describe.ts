/**
 * Policies in plain words: one sentence per rule ("role DAGL or access package
 * ordinaer-post-til-virksomheten may read"), and the obligations. The sentences are what a
 * reviewer reads in `pulumi preview --diff` and in `npm run policy -- explain`.
 */
import {
  ACTION_ATTRIBUTE,
  CATEGORY,
  DATA_TYPE,
  DENY_OVERRIDES,
  KNOWN_SUBJECT_ATTRIBUTES,
  MATCH_FUNCTION,
  RESOURCE_ATTRIBUTE,
  subjectMatches,
  type Action,
  type AttributeMatch,
  type Policy,
  type ResourceMatch,
  type Rule,
  type Subject,
} from "./model";
import type { XacmlMatch, XacmlPolicy, XacmlRule, XacmlTarget } from "./xacml";

export function describeSubject(subject: Subject): string {
  const parts = subjectMatches(subject).map(describeSubjectMatch);
  return parts.length === 1 ? parts[0]! : `(${parts.join(" and ")})`;
}

function describeSubjectMatch(match: AttributeMatch): string {
  const label = Object.hasOwn(KNOWN_SUBJECT_ATTRIBUTES, match.attribute)
    ? KNOWN_SUBJECT_ATTRIBUTES[match.attribute]
    : undefined;
  const how = comparisonNote(match, "ignoreCase");
  return label
    ? `${label} ${match.value}${how}`
    : `${match.attribute} = ${JSON.stringify(match.value)}${how}`;
}

/** How a value is compared, when not as `usual`. */
function comparisonNote(
  match: { match?: AttributeMatch["match"]; dataType?: AttributeMatch["dataType"] },
  usual: AttributeMatch["match"],
): string {
  const how = match.match ?? usual;
  const notes = [
    ...(match.dataType ? [`typed ${match.dataType}`] : []),
    ...(how === usual || (how === "exact" && match.dataType)
      ? []
      : [
          { exact: "exact case", ignoreCase: "any case", integerEqual: "compared as numbers" }[how],
        ]),
  ];
  return notes.length > 0 ? ` (${notes.join(", ")})` : "";
}

function describeAction(action: Action): string {
  return typeof action === "string" ? action : `${action.action} (any case)`;
}

function describeResources(resources: ResourceMatch[][]): string {
  const groups = resources.map((group) =>
    group
      .map(
        (m) =>
          (m.attribute === RESOURCE_ATTRIBUTE
            ? `resource ${JSON.stringify(m.value)}`
            : `${m.attribute} = ${JSON.stringify(m.value)}`) +
          comparisonNote({ ...m, match: m.match === "integerEqual" ? m.match : "exact" }, "exact"),
      )
      .join(" and "),
  );
  return list(groups, "or");
}

/** "a, b or c" */
export function list(items: string[], conjunction: "and" | "or"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]}`;
}

/** The rule in one sentence; its description is for people and not part of it. */
export function describeRule(rule: Rule): string {
  const who = list(rule.subjects.map(describeSubject), "or");
  const may = rule.effect === "Permit" ? "may" : "may not";
  const what = list(rule.actions.map(describeAction), "and");
  const where = rule.resources ? ` on ${describeResources(rule.resources)}` : "";
  return `${who} ${may} ${what}${where}`;
}

/** The obligations (and an unusual combining algorithm) in words. */
export function describeObligations(policy: Policy): string[] {
  const lines = [
    policy.authenticationLevel === undefined
      ? "no minimum authentication level"
      : `users must log in with authentication level ${policy.authenticationLevel} or higher`,
  ];
  if (policy.authenticationLevelOrg !== undefined) {
    lines.push(
      `organisations (service owners) need authentication level ${policy.authenticationLevelOrg} or higher`,
    );
  }
  if (policy.ruleCombiningAlgorithm && policy.ruleCombiningAlgorithm !== DENY_OVERRIDES) {
    lines.push(`rules combine with ${policy.ruleCombiningAlgorithm}`);
  }
  return lines;
}

/** The explanation `npm run policy -- explain` prints. */
export function explainPolicy(
  policy: Policy,
  context: { resourceId?: string; resourceInferred?: boolean; ruleIds?: string[] } = {},
): string {
  const lines: string[] = [];
  if (context.resourceId) {
    lines.push(
      `Policy for resource ${context.resourceId}${context.resourceInferred ? " (the resource its rules name)" : ""}`,
    );
  }
  for (const obligation of describeObligations(policy)) lines.push(`- ${capitalize(obligation)}`);
  policy.rules.forEach((rule, index) => {
    const id = context.ruleIds?.[index];
    lines.push(`Rule ${index + 1}${id ? ` (${id})` : ""}: ${describeRule(rule)}.`);
    if (rule.description) lines.push(`  "${rule.description}"`);
  });
  return `${lines.join("\n")}\n`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const CATEGORY_WORDS: Record<string, string> = {
  [CATEGORY.subject]: "subject",
  [CATEGORY.resource]: "resource",
  [CATEGORY.action]: "action",
};

const FUNCTION_WORDS: Record<string, string> = {
  [MATCH_FUNCTION.exact]: "=",
  [MATCH_FUNCTION.ignoreCase]: "= (any case)",
  [MATCH_FUNCTION.integerEqual]: "= (as numbers)",
};

function describeXacmlMatch(m: XacmlMatch): string {
  const own = (table: Record<string, string>, key: string | undefined) =>
    key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
  const category = own(CATEGORY_WORDS, m.category) ?? m.category ?? "selector";
  const how = own(FUNCTION_WORDS, m.matchId) ?? m.matchId;
  const type = m.dataType === DATA_TYPE.string ? "" : ` (typed ${m.dataType.replace(/^.*#/, "")})`;
  const attribute =
    m.attributeId === ACTION_ATTRIBUTE ? "" : ` ${m.attributeId ?? "(AttributeSelector)"}`;
  return `${category}${attribute} ${how} ${JSON.stringify(m.value)}${type}`;
}

/**
 * A rule the model cannot hold, in words, as Altinn's PDP reads its Target: every AnyOf must
 * hold, one AllOf of it, every Match of that.
 */
export function describeXacmlRule(rule: XacmlRule): string {
  const may = rule.effect === "Permit" ? "permits" : "denies";
  if (!rule.target || rule.target.length === 0) return `${may} every request`;
  const extras = rule.extras.length > 0 ? `, subject to its ${rule.extras.join(" and ")}` : "";
  return `${may} when ${describeTarget(rule.target)}${extras}`;
}

function describeTarget(target: XacmlTarget): string {
  const anyOfs = target.map((anyOf) =>
    list(
      anyOf.map((allOf) => {
        const parts = allOf.map(describeXacmlMatch);
        return parts.length === 1 ? parts[0]! : `(${parts.join(" and ")})`;
      }),
      "or",
    ),
  );
  return anyOfs.map((a) => `[${a}]`).join(" and ");
}

/** The obligations of policy XML the model cannot hold, one line per assignment. */
export function describeXacmlObligations(document: XacmlPolicy): string[] {
  return document.obligations.flatMap((o) =>
    o.assignments.map(
      (a) =>
        `obligation ${a.category ?? "(no category)"} = ${a.value?.trim() ?? a.expression} on ${o.fulfillOn}`,
    ),
  );
}

/** The explanation of policy XML the model cannot hold, read from the XACML tree. */
export function explainXacml(
  document: XacmlPolicy,
  context: { resourceId?: string; resourceInferred?: boolean } = {},
): string {
  const lines: string[] = [];
  if (context.resourceId) {
    lines.push(
      `Policy for resource ${context.resourceId}${context.resourceInferred ? " (the resource its rules name)" : ""}, kept as XML`,
    );
  }
  for (const obligation of describeXacmlObligations(document)) lines.push(`- ${obligation}`);
  if (document.ruleCombiningAlgId !== DENY_OVERRIDES) {
    lines.push(`- Rules combine with ${document.ruleCombiningAlgId}`);
  }
  if (document.target.length > 0) {
    lines.push(`- The policy applies only when ${describeTarget(document.target)}`);
  }
  for (const extra of document.extras) lines.push(`- The policy has ${extra}`);
  document.rules.forEach((rule, index) => {
    lines.push(
      `Rule ${index + 1} (${rule.ruleId}, line ${rule.line}): ${describeXacmlRule(rule)}.`,
    );
    if (rule.description?.trim()) lines.push(`  "${rule.description.trim()}"`);
  });
  return `${lines.join("\n")}\n`;
}
