/**
 * Reads XACML 3.0 policy XML into a syntax tree, accepting what Altinn's parser accepts
 * (Altinn.Authorization.ABAC XacmlParser, which the Resource Registry runs on every upload) and
 * rejecting what it rejects: namespaces resolved, elements in the XACML namespace and in its order,
 * required attributes present. A policy this rejects gets a 500 from the Resource Registry, so the
 * linter reports it before any upload. Meaning is not judged here: see parse.ts and lint.ts.
 */
import { XACML_NAMESPACE } from "./model";
import {
  canonicalElement,
  Cursor,
  readXml,
  required,
  XacmlSyntaxError,
  type Element,
} from "./xml-tree";

export { XacmlSyntaxError };

export interface XacmlMatch {
  matchId: string;
  dataType: string;
  value: string;
  /** The designator's attribute; undefined when the match uses an AttributeSelector. */
  attributeId?: string;
  category?: string;
  /** The designator's own DataType. */
  designatorDataType?: string;
  /** The designator's MustBePresent (a missing attribute then makes the rule Indeterminate). */
  mustBePresent?: boolean;
  line: number;
}

/** Target: AND over AnyOf, each AnyOf an OR over AllOf, each AllOf an AND over Match. */
export type XacmlTarget = XacmlMatch[][][];

export interface XacmlRule {
  ruleId: string;
  effect: "Permit" | "Deny";
  description?: string;
  /** undefined when the rule has no Target element (it then applies to every request). */
  target?: XacmlTarget;
  /** Elements Altinn's parser accepts in a rule that carry meaning beyond the target. */
  extras: string[];
  /** Those elements' content, for comparing (canonicalElement). */
  extraContent: unknown[];
  line: number;
}

export interface XacmlAssignment {
  category?: string;
  /** The AttributeValue's text, when the expression is an AttributeValue. */
  value?: string;
  /** The expression element's name (AttributeValue, Apply, ...). */
  expression: string;
  line: number;
}

export interface XacmlObligation {
  obligationId: string;
  fulfillOn: "Permit" | "Deny";
  assignments: XacmlAssignment[];
  line: number;
}

export interface XacmlPolicy {
  ruleCombiningAlgId: string;
  target: XacmlTarget;
  rules: XacmlRule[];
  obligations: XacmlObligation[];
  /** Policy-level elements Altinn accepts that carry meaning the model does not represent. */
  extras: string[];
  /** Those elements' content, for comparing (canonicalElement). */
  extraContent: unknown[];
}

/** Parses policy XML into the tree Altinn's parser would build; throws XacmlSyntaxError. */
export function readXacml(xml: string): XacmlPolicy {
  const root = readXml(xml);
  return readPolicy(root);
}

function effectOf(element: Element, attribute: string): "Permit" | "Deny" {
  const value = required(element, attribute);
  if (/^permit$/i.test(value.trim())) return "Permit";
  if (/^deny$/i.test(value.trim())) return "Deny";
  throw new XacmlSyntaxError(
    `${attribute}="${value}" on <${element.qname}> must be Permit or Deny`,
    element.line,
  );
}

function readPolicy(root: Element): XacmlPolicy {
  if (root.ns !== XACML_NAMESPACE || root.name !== "Policy") {
    throw new XacmlSyntaxError(
      `Invalid XACML Policy: the root element must be Policy in the namespace "${XACML_NAMESPACE}", found <${root.qname}>${root.ns ? ` in "${root.ns}"` : " without a namespace"}`,
      root.line,
    );
  }
  const ruleCombiningAlgId = required(root, "RuleCombiningAlgId");
  required(root, "PolicyId");
  const cursor = new Cursor(root);
  // A description, the issuer and the XPath version carry nothing Altinn's PDP reads.
  for (const name of ["Description", "PolicyIssuer", "PolicyDefaults"]) cursor.optional(name);
  const target = readTarget(cursor.take("Target"));
  const rules: XacmlRule[] = [];
  const extras: string[] = [];
  const extraContent: unknown[] = [];
  const choices = ["Rule", "VariableDefinition", "CombinerParameters", "RuleCombinerParameters"];
  for (;;) {
    const next = choices.find((name) => cursor.at(name));
    if (!next) break;
    const element = cursor.take(next);
    if (next === "Rule") rules.push(readRule(element));
    else {
      extras.push(next);
      extraContent.push(canonicalElement(element));
    }
  }
  if (rules.length === 0 && !extras.includes("VariableDefinition")) {
    throw new XacmlSyntaxError(
      "Invalid XACML Policy: VariableDefinition or Rule are required",
      root.line,
    );
  }
  const obligations: XacmlObligation[] = [];
  const obligationList = cursor.optional("ObligationExpressions");
  if (obligationList) {
    const inner = new Cursor(obligationList);
    obligations.push(...inner.some("ObligationExpression").map(readObligation));
    inner.end();
  }
  const advice = cursor.optional("AdviceExpressions");
  if (advice) {
    extras.push("AdviceExpressions");
    extraContent.push(canonicalElement(advice));
  }
  cursor.end();
  return { ruleCombiningAlgId, target, rules, obligations, extras, extraContent };
}

function readTarget(element: Element): XacmlTarget {
  if (element.children.length === 0) {
    if (element.text.trim() !== "") {
      throw new XacmlSyntaxError("Target should contain AnyOf or be empty", element.line);
    }
    return [];
  }
  const cursor = new Cursor(element);
  const anyOfs = cursor.some("AnyOf");
  cursor.end();
  return anyOfs.map((anyOf) => {
    const anyOfCursor = new Cursor(anyOf);
    const allOfs = anyOfCursor.some("AllOf");
    anyOfCursor.end();
    return allOfs.map((allOf) => {
      const allOfCursor = new Cursor(allOf);
      const matches = allOfCursor.some("Match");
      allOfCursor.end();
      return matches.map(readMatch);
    });
  });
}

function readMatch(element: Element): XacmlMatch {
  const matchId = required(element, "MatchId");
  const cursor = new Cursor(element);
  const valueElement = cursor.take("AttributeValue");
  const dataType = required(valueElement, "DataType");
  if (valueElement.children.length > 0 && dataType === "http://www.w3.org/2001/XMLSchema#string") {
    throw new XacmlSyntaxError(
      "an AttributeValue of type string holds text only",
      valueElement.line,
    );
  }
  const match: XacmlMatch = { matchId, dataType, value: valueElement.text, line: element.line };
  if (cursor.at("AttributeDesignator")) {
    const designator = cursor.take("AttributeDesignator");
    match.attributeId = required(designator, "AttributeId");
    match.designatorDataType = required(designator, "DataType");
    const mustBePresent = required(designator, "MustBePresent");
    if (!/^\s*(true|false|1|0)\s*$/.test(mustBePresent)) {
      throw new XacmlSyntaxError(
        `MustBePresent="${mustBePresent}" is not an xs:boolean (true or false)`,
        designator.line,
      );
    }
    match.mustBePresent = /^\s*(true|1)\s*$/.test(mustBePresent);
    match.category = required(designator, "Category");
    new Cursor(designator).end();
  } else {
    const selector = cursor.take("AttributeSelector");
    required(selector, "Path");
    required(selector, "DataType");
  }
  cursor.end();
  return match;
}

function readRule(element: Element): XacmlRule {
  const ruleId = required(element, "RuleId");
  const effect = effectOf(element, "Effect");
  const cursor = new Cursor(element);
  const description = cursor.optional("Description")?.text;
  const targetElement = cursor.optional("Target");
  const extras: string[] = [];
  const extraContent: unknown[] = [];
  for (const name of ["Condition", "ObligationExpressions", "AdviceExpressions"]) {
    const extra = cursor.optional(name);
    if (extra) {
      extras.push(name);
      extraContent.push(canonicalElement(extra));
    }
  }
  cursor.end();
  return {
    ruleId,
    effect,
    description,
    target: targetElement ? readTarget(targetElement) : undefined,
    extras,
    extraContent,
    line: element.line,
  };
}

function readObligation(element: Element): XacmlObligation {
  const fulfillOn = effectOf(element, "FulfillOn");
  const obligationId = required(element, "ObligationId");
  const cursor = new Cursor(element);
  const assignments: XacmlAssignment[] = [];
  while (cursor.at("AttributeAssignmentExpression")) {
    const assignment = cursor.take("AttributeAssignmentExpression");
    required(assignment, "AttributeId");
    const expression = assignment.children[0];
    if (!expression || expression.ns !== XACML_NAMESPACE) {
      throw new XacmlSyntaxError(
        "Wrong AttributeAssignmentExpression content: it needs an expression such as AttributeValue",
        assignment.line,
      );
    }
    const known = [
      "AttributeValue",
      "Apply",
      "AttributeDesignator",
      "AttributeSelector",
      "VariableReference",
      "Function",
    ];
    if (!known.includes(expression.name)) {
      throw new XacmlSyntaxError(
        `Wrong AttributeAssignmentExpression content: <${expression.qname}>`,
        expression.line,
      );
    }
    if (assignment.children.length > 1) {
      throw new XacmlSyntaxError(
        `unexpected <${assignment.children[1]!.qname}> in <${assignment.qname}>`,
        assignment.children[1]!.line,
      );
    }
    if (expression.name === "AttributeValue") required(expression, "DataType");
    assignments.push({
      category: assignment.attrs.Category || undefined,
      expression: expression.name,
      ...(expression.name === "AttributeValue" ? { value: expression.text } : {}),
      line: assignment.line,
    });
  }
  cursor.end();
  return { obligationId, fulfillOn, assignments, line: element.line };
}

/** The resource-category matches of a rule, as the Resource Registry's upload check collects them. */
export function resourceMatchesOf(rule: XacmlRule): XacmlMatch[] {
  return (rule.target ?? [])
    .flat(2)
    .filter((m) => m.category === "urn:oasis:names:tc:xacml:3.0:attribute-category:resource");
}

export interface TypeValue {
  type: string;
  value: string;
}

/** One subject alternative, one action, one resource alternative: the Resource Registry's PolicyRule. */
export interface FlatRule {
  subject: TypeValue[];
  action: TypeValue;
  resource: TypeValue[];
}

/**
 * The policy flattened as the Resource Registry's `/policy/rules` does it (PolicyHelper
 * ConvertToPolicyRules): per rule, every subject AllOf times every action AllOf times every
 * resource AllOf, whatever the effect. It fails, as the server does with a 500, on a rule without
 * a target or without one of the three categories, on an AnyOf mixing categories, and on an
 * action AllOf with more than one match.
 */
export function flattenRules(policy: XacmlPolicy): FlatRule[] {
  const categories = {
    subject: "urn:oasis:names:tc:xacml:1.0:subject-category:access-subject",
    action: "urn:oasis:names:tc:xacml:3.0:attribute-category:action",
    resource: "urn:oasis:names:tc:xacml:3.0:attribute-category:resource",
  };
  const typeValue = (m: XacmlMatch): TypeValue => ({ type: m.attributeId ?? "", value: m.value });
  return policy.rules.flatMap((rule) => {
    const byCategory = new Map<string, XacmlMatch[][]>();
    for (const anyOf of rule.target ?? []) {
      const found = [...new Set(anyOf.flat().map((m) => m.category))];
      if (found.length > 1) {
        throw new Error(`All matches in a all must have the same category ruleId ${rule.ruleId}`);
      }
      if (found[0] !== undefined) byCategory.set(found[0], anyOf);
    }
    const subjects = byCategory.get(categories.subject);
    const actions = byCategory.get(categories.action);
    const resources = byCategory.get(categories.resource);
    if (!subjects || !actions || !resources) {
      throw new Error(`rule ${rule.ruleId} lacks a subject, action or resource target`);
    }
    return subjects.flatMap((subject) =>
      actions.flatMap((action) => {
        if (action.length !== 1) {
          throw new Error(
            action.length > 1
              ? "Only one match is allowed in a allOf for action category"
              : "No match found in allOf for action category",
          );
        }
        return resources.map((resource) => ({
          subject: subject.map(typeValue),
          action: typeValue(action[0]!),
          resource: resource.map(typeValue),
        }));
      }),
    );
  });
}
