/**
 * XACML policy XML (any document Altinn's parser accepts, whatever its prefixes, indentation and
 * attribute order) into the policy model. What the model cannot represent (Conditions, other match
 * functions, policy targets) is reported as an error finding instead of being dropped, so nothing
 * is lost silently.
 */
import { DATA_TYPE, DENY_OVERRIDES, OBLIGATION_CATEGORY, policySchema, type Policy } from "./model";
import { closest, formatFinding, hasErrors, type Finding } from "./findings";
import { convertRule } from "./parse-rule";
import { inferResourceId } from "./registry";
import { readXacml, XacmlSyntaxError, type XacmlObligation, type XacmlPolicy } from "./xacml";

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
