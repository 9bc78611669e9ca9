/**
 * XACML policy XML (any document Altinn's parser accepts, whatever its prefixes, indentation and
 * attribute order) into the policy model. What the model cannot represent (Conditions, other match
 * functions, policy targets) is reported as an error finding instead of being dropped, so nothing
 * is lost silently.
 */
import {
  ACTION_ATTRIBUTE,
  CATEGORY,
  DATA_TYPE,
  DENY_OVERRIDES,
  MATCH_FUNCTION,
  OBLIGATION_CATEGORY,
  policySchema,
  RESOURCE_ATTRIBUTE,
  SUBJECT_SHORTHANDS,
  type Action,
  type MatchFunction,
  type Policy,
  type ResourceMatch,
  type Rule,
  type Subject,
  type SubjectMatch,
  type ValueDataType,
} from "./model";
import { closest, formatFinding, hasErrors, type Finding } from "./findings";
import {
  readXacml,
  resourceMatchesOf,
  XacmlSyntaxError,
  type XacmlMatch,
  type XacmlObligation,
  type XacmlPolicy,
  type XacmlRule,
} from "./xacml";

export interface ParseOptions {
  /** The resource the policy belongs to; inferred from the rules when not given. */
  resourceId?: string;
}

export interface ParsedPolicy {
  /** The model; undefined when an error finding says the XML cannot be represented. */
  policy?: Policy;
  /** The resource the rules were read against: the given one, or the most targeted one. */
  resourceId?: string;
  /** The RuleId of each rule, in order. */
  ruleIds: string[];
  /** The line of each rule in the XML. */
  ruleLines: number[];
  findings: Finding[];
  /** The XACML tree; undefined when the XML is not XACML Altinn's parser reads. */
  document?: XacmlPolicy;
}

export class PolicyParseError extends Error {
  constructor(readonly findings: Finding[]) {
    super(`the policy cannot be read:\n${findings.map((f) => `  ${formatFinding(f)}`).join("\n")}`);
    this.name = "PolicyParseError";
  }
}

/** Reads policy XML, reporting what cannot be read as findings. */
export function readPolicy(xml: string, options: ParseOptions = {}): ParsedPolicy {
  let document: XacmlPolicy;
  try {
    document = readXacml(xml);
  } catch (error) {
    if (!(error instanceof XacmlSyntaxError)) throw error;
    return {
      ruleIds: [],
      ruleLines: [],
      findings: [
        {
          severity: "error",
          code: "syntax",
          line: error.line,
          message: `${error.message.replace(/^line \d+: /, "")}: the Resource Registry answers 500 to a policy it cannot parse`,
          fix: "correct the XML (the builder in policies/build.ts writes it the way Altinn reads it)",
        },
      ],
    };
  }
  const resourceId = options.resourceId ?? inferResourceId(document);
  const findings: Finding[] = [];
  const rules = document.rules.flatMap((rule, index) => {
    const converted = convertRule(rule, index + 1, resourceId, findings);
    return converted ? [converted] : [];
  });
  for (const extra of document.extras) {
    findings.push({
      severity: "error",
      code: "unsupported",
      message: `the policy uses <${extra}>, which altinn-iac's policy model cannot represent (Altinn's own tools do not write it)`,
      fix: `remove <${extra}>, or keep the policy as XML (explain and diff then read the XML)`,
    });
  }
  if (document.target.length > 0) {
    findings.push({
      severity: "error",
      code: "unsupported",
      message:
        "the policy-level Target is not empty; Altinn's tools leave it empty and altinn-iac cannot represent it",
      fix: "move the conditions into the rules and leave <Target/> empty",
    });
  }
  const obligations = convertObligations(document.obligations, findings);
  const ruleIds = document.rules.map((rule) => rule.ruleId);
  const ruleLines = document.rules.map((rule) => rule.line);
  if (hasErrors(findings)) return { resourceId, ruleIds, ruleLines, findings, document };
  const parsed = policySchema.safeParse({
    rules,
    ...obligations,
    ...(document.ruleCombiningAlgId !== DENY_OVERRIDES
      ? { ruleCombiningAlgorithm: document.ruleCombiningAlgId }
      : {}),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const ruleIndex = issue.path[0] === "rules" ? Number(issue.path[1]) : undefined;
      findings.push({
        severity: "error",
        code: "invalid",
        rule: ruleIndex !== undefined ? ruleIndex + 1 : undefined,
        line: ruleIndex !== undefined ? ruleLines[ruleIndex] : undefined,
        path: issue.path.map(String).join("."),
        message: issue.message,
        fix: "correct the value in the XML",
      });
    }
    return { resourceId, ruleIds, ruleLines, findings, document };
  }
  return { policy: parsed.data, resourceId, ruleIds, ruleLines, findings, document };
}

const APP_PREFIX = "app_";
const ORG_ATTRIBUTE = "urn:altinn:org";
const APP_ATTRIBUTE = "urn:altinn:app";

/**
 * What the Resource Registry refuses on upload, as altinn-resource-registry PolicyHelper
 * EnsureValidPolicy checks it: per rule, no urn:altinn:resource but this one, and a reference to
 * it, which for an app resource (`app_<org>_<app>`) may be urn:altinn:org and urn:altinn:app
 * (any case) instead.
 */
export function registryFindings(document: XacmlPolicy, resourceId: string): Finding[] {
  const parts = resourceId.startsWith(APP_PREFIX) ? resourceId.split("_") : [];
  const findings: Finding[] = [];
  document.rules.forEach((rule, index) => {
    const matches = resourceMatchesOf(rule);
    const add = (code: string, message: string, fix: string) =>
      findings.push({ severity: "error", code, rule: index + 1, line: rule.line, message, fix });
    const foreign = matches.find(
      (m) => m.attributeId === RESOURCE_ATTRIBUTE && m.value !== resourceId,
    );
    if (foreign) {
      add(
        "foreign-resource",
        `targets the resource ${JSON.stringify(foreign.value)}, not ${JSON.stringify(resourceId)}: the Resource Registry rejects the policy ("Policy not accepted: Contains rules for a different registry resource")`,
        `target "${resourceId}" (each resource has its own policy)`,
      );
      return;
    }
    const has = (attribute: string, value: string | undefined) =>
      value !== undefined &&
      matches.some(
        (m) => m.attributeId === attribute && m.value.toLowerCase() === value.toLowerCase(),
      );
    const referenced =
      matches.some((m) => m.attributeId === RESOURCE_ATTRIBUTE && m.value === resourceId) ||
      (parts.length === 3 && has(ORG_ATTRIBUTE, parts[1]) && has(APP_ATTRIBUTE, parts[2]));
    if (!referenced) {
      add(
        "no-resource-reference",
        `does not target ${JSON.stringify(resourceId)}: the Resource Registry rejects the policy ("Policy not accepted: Contains rule without reference to registry resource id")`,
        `add urn:altinn:resource = "${resourceId}" to the rule`,
      );
    }
  });
  return findings;
}

/** Reads policy XML into the model, throwing PolicyParseError when it cannot be represented. */
export function parsePolicy(
  xml: string,
  options: ParseOptions = {},
): { policy: Policy; resourceId?: string } {
  const parsed = readPolicy(xml, options);
  if (!parsed.policy) {
    throw new PolicyParseError(parsed.findings.filter((f) => f.severity === "error"));
  }
  return { policy: parsed.policy, resourceId: parsed.resourceId };
}

/**
 * The resource most rules name (the first one on a tie); for an app policy, whose rules name
 * urn:altinn:org and urn:altinn:app instead, the registry's app resource `app_<org>_<app>`
 * (ResourceRegistryService.UpdateResourceSubjectsFromAppPolicy).
 */
export function inferResourceId(document: XacmlPolicy): string | undefined {
  return inferRegistryResource(document) ?? inferAppResource(document);
}

function inferAppResource(document: XacmlPolicy): string | undefined {
  for (const rule of document.rules) {
    const matches = resourceMatchesOf(rule);
    const org = matches.find((m) => m.attributeId === ORG_ATTRIBUTE)?.value;
    const app = matches.find((m) => m.attributeId === APP_ATTRIBUTE)?.value;
    if (org && app) return `${APP_PREFIX}${org}_${app}`.toLowerCase();
  }
  return undefined;
}

function inferRegistryResource(document: XacmlPolicy): string | undefined {
  const counts = new Map<string, number>();
  for (const rule of document.rules) {
    const values = new Set(
      resourceMatchesOf(rule)
        .filter((m) => m.attributeId === RESOURCE_ATTRIBUTE)
        .map((m) => m.value),
    );
    for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  let best: [string, number] | undefined;
  for (const entry of counts) if (!best || entry[1] > best[1]) best = entry;
  return best?.[0];
}

const CATEGORY_NAMES: Record<string, "subject" | "resource" | "action"> = {
  [CATEGORY.subject]: "subject",
  [CATEGORY.resource]: "resource",
  [CATEGORY.action]: "action",
};

function convertRule(
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

function convertObligations(
  obligations: XacmlObligation[],
  findings: Finding[],
): { authenticationLevel?: number; authenticationLevelOrg?: number } {
  const result: { authenticationLevel?: number; authenticationLevelOrg?: number } = {};
  const keyOf: Record<string, keyof typeof result> = {
    [OBLIGATION_CATEGORY.authenticationLevel]: "authenticationLevel",
    [OBLIGATION_CATEGORY.authenticationLevelOrg]: "authenticationLevelOrg",
  };
  for (const obligation of obligations) {
    if (obligation.fulfillOn !== "Permit") {
      findings.push({
        severity: "error",
        code: "unsupported",
        line: obligation.line,
        message: `the obligation "${obligation.obligationId}" applies on Deny; Altinn reads obligations on Permit only`,
        fix: 'use FulfillOn="Permit"',
      });
      continue;
    }
    for (const assignment of obligation.assignments) {
      const key =
        assignment.category && Object.hasOwn(keyOf, assignment.category)
          ? keyOf[assignment.category]
          : undefined;
      if (!key) {
        const suggestion = assignment.category
          ? closest(assignment.category, Object.keys(keyOf))
          : undefined;
        findings.push({
          severity: "error",
          code: "unsupported-obligation",
          line: assignment.line,
          message: `the obligation category "${assignment.category ?? "(none)"}" is not one Altinn reads (${Object.keys(keyOf).join(", ")}), and altinn-iac cannot represent it`,
          fix: suggestion ? `did you mean "${suggestion}"?` : "remove the obligation",
        });
        continue;
      }
      const level = assignment.value?.trim();
      if (assignment.expression !== "AttributeValue" || !/^\d+$/.test(level ?? "")) {
        findings.push({
          severity: "error",
          code: "obligation-value",
          line: assignment.line,
          message: `the ${key === "authenticationLevel" ? "minimum authentication level" : "minimum authentication level for organisations"} is "${level ?? assignment.expression}", not a whole number, so Altinn ignores it`,
          fix: `write <AttributeValue DataType="${DATA_TYPE.integer}">3</AttributeValue>`,
        });
        continue;
      }
      if (result[key] !== undefined) {
        findings.push({
          severity: "warning",
          code: "duplicate-obligation",
          line: assignment.line,
          message: `a second ${assignment.category} obligation (${level}) is ignored: Altinn uses the first (${result[key]})`,
          fix: "keep one",
        });
        continue;
      }
      result[key] = Number(level);
    }
  }
  return result;
}
