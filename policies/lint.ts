/**
 * The policy linter: what the Resource Registry would reject (errors), what silently never matches
 * (errors), and what breaks a Correspondence service later (correspondence-lint.ts). Every finding
 * names the rule and the fix. docs/altinn-apis.md sections 3.1 and 3.4 are the sources.
 */
import { correspondenceFindings, unusedAction } from "./correspondence-lint";
import { closest, type Finding } from "./findings";
import { describeSubject } from "./describe";
import { checkAttribute, checkComparison, checkValue, PLACEHOLDER } from "./lint-values";
import {
  actionId,
  KNOWN_RESOURCE_ATTRIBUTES,
  KNOWN_SUBJECT_ATTRIBUTES,
  RESOURCE_ATTRIBUTE,
  SUBJECT_SHORTHANDS,
  subjectMatches,
  type Policy,
} from "./model";
import { readPolicy } from "./parse";
import {
  APP_ATTRIBUTE,
  appOf,
  ORG_ATTRIBUTE,
  registryFindings,
  registryRefusal,
  type RegistryRefusal,
} from "./registry";
import type { XacmlPolicy } from "./xacml";
import { subjectFinding } from "../vocabulary";

export interface LintContext {
  /** This resource's identifier: every rule must target it. */
  resourceId?: string;
  /** The resource's type; `CorrespondenceService` turns on the Correspondence checks. */
  resourceType?: string;
  /** The service owner's org code, the sender of the messages. */
  owner?: string;
  /** The line of each rule in the XML it was read from, to point at it. */
  ruleLines?: number[];
}

export function lintPolicy(policy: Policy, context: LintContext = {}): Finding[] {
  const findings: Finding[] = [];
  policy.rules.forEach((rule, index) => {
    const line = context.ruleLines?.[index];
    const add = (
      severity: Finding["severity"],
      code: string,
      path: string,
      message: string,
      fix: string,
    ) =>
      findings.push({
        severity,
        code,
        rule: index + 1,
        ...(line !== undefined ? { line } : {}),
        path: `rules.${index}.${path}`,
        message,
        fix,
      });
    const refuse = (path: string, { code, message, fix }: RegistryRefusal) =>
      add("error", code, path, message, fix);

    rule.subjects.forEach((subject, s) => {
      for (const match of subjectMatches(subject)) {
        const path = `subjects.${s}`;
        checkAttribute(
          match.attribute,
          "subject",
          Object.keys(KNOWN_SUBJECT_ATTRIBUTES),
          (severity, code, message, fix) => add(severity, code, path, message, fix),
        );
        checkValue(match.value, `the subject ${describeSubject(subject)}`, (code, message, fix) =>
          add("error", code, path, message, fix),
        );
        checkComparison(match, `the subject ${describeSubject(subject)}`, (message, fix) =>
          add("warning", "typed-value", path, message, fix),
        );
        if (match.attribute === SUBJECT_SHORTHANDS.org && /^\d{9}$/.test(match.value.trim())) {
          add(
            "error",
            "org-number",
            path,
            `urn:altinn:org takes a service owner's org code, but "${match.value}" is an organisation number, so the rule never matches`,
            `use the org code (such as "digdir"), or { attribute: "urn:altinn:organization:identifier-no", value: "${match.value}" } for an organisation`,
          );
        }
        // Empty values and placeholders have their own finding (checkValue).
        if (match.value.trim() !== "" && !PLACEHOLDER.test(match.value)) {
          const word = subjectFinding(match.attribute, match.value);
          if (word) add(word.severity, word.code, path, word.message, word.fix);
        }
      }
    });

    rule.actions.forEach((action, a) => {
      const id = actionId(action);
      checkValue(id, `the action "${id}"`, (code, message, fix) =>
        add("error", code, `actions.${a}`, message, fix),
      );
      const unused =
        context.resourceType === "CorrespondenceService" ? unusedAction(action) : undefined;
      if (unused) add("warning", "unknown-action", `actions.${a}`, unused.message, unused.fix);
    });

    if (rule.resources) {
      const resourceId = context.resourceId;
      const app = appOf(resourceId);
      // An app resource's rules may name its org and app instead (PolicyHelper.EnsureValidPolicy).
      const names = (attribute: string, value: string | undefined) =>
        rule
          .resources!.flat()
          .some((m) => m.attribute === attribute && m.value.toLowerCase() === value?.toLowerCase());
      let referencesThis =
        app !== undefined && names(ORG_ATTRIBUTE, app.org) && names(APP_ATTRIBUTE, app.app);
      let foreign = false;
      rule.resources.forEach((group, g) => {
        for (const match of group) {
          const path = `resources.${g}`;
          if (match.attribute === RESOURCE_ATTRIBUTE) {
            if (resourceId !== undefined && match.value !== resourceId) {
              foreign = true;
              refuse(path, registryRefusal.foreignResource(match.value, resourceId));
            }
            if (match.value === resourceId) referencesThis = true;
            continue;
          }
          // The PDP supplies an app's org, app, task and end event for its instances.
          if (app !== undefined && APP_RESOURCE_ATTRIBUTES.includes(match.attribute)) continue;
          checkComparison(
            { ...match, match: match.match ?? "exact" },
            `the resource value ${JSON.stringify(match.value)}`,
            (message, fix) => add("warning", "typed-value", path, message, fix),
          );
          const known = KNOWN_RESOURCE_ATTRIBUTES.includes(match.attribute);
          const suggestion = known
            ? undefined
            : closest(match.attribute, KNOWN_RESOURCE_ATTRIBUTES);
          if (suggestion) {
            add(
              "error",
              "misspelled-attribute",
              path,
              `the resource attribute "${match.attribute}" is not one Altinn knows`,
              `did you mean "${suggestion}"?`,
            );
          } else {
            add(
              "warning",
              "narrow-resource",
              path,
              `also requires ${match.attribute} = ${JSON.stringify(match.value)}, which Altinn's PDP does not supply for a Resource Registry resource, so the rule may never match`,
              `target only urn:altinn:resource = "${resourceId ?? "<resource id>"}"`,
            );
          }
        }
      });
      // The server stops at the first reason; so does this, per rule.
      if (resourceId !== undefined && !referencesThis && !foreign) {
        refuse("resources", registryRefusal.noReference(resourceId));
      }
    }
  });
  if (context.resourceType === "CorrespondenceService") {
    findings.push(...correspondenceFindings(policy, context));
  }
  return findings;
}

const APP_RESOURCE_ATTRIBUTES = [
  ORG_ATTRIBUTE,
  APP_ATTRIBUTE,
  "urn:altinn:task",
  "urn:altinn:end-event",
];

/**
 * What stays an error in XML, which is uploaded as written: what the Resource Registry refuses
 * (it answers 500 or 400) and a Correspondence resource nobody may read. Everything else the
 * registry accepts is a warning, so a policy it holds can be explained, exported and adopted.
 */
const XML_ERRORS = new Set([
  "syntax",
  "no-resource",
  "foreign-resource",
  "no-resource-reference",
  "no-reader",
]);

/** The model's resource checks, which registryFindings makes on the XML itself. */
const RESOURCE_CHECKS = new Set(["no-resource", "foreign-resource", "no-resource-reference"]);

export interface XmlLint {
  findings: Finding[];
  resourceId?: string;
  /** The model, when it holds the policy; else the policy is kept as XML. */
  policy?: Policy;
  ruleIds: string[];
  /** The XACML tree; undefined when the XML does not parse. */
  document?: XacmlPolicy;
}

/** Parses and lints XML: the registry's checks first, then the parser's and the model's. */
export function lintPolicyXml(xml: string, context: Omit<LintContext, "ruleLines"> = {}): XmlLint {
  const parsed = readPolicy(xml, { resourceId: context.resourceId });
  const { resourceId, ruleIds, document, policy } = parsed;
  if (!document) return { findings: parsed.findings, resourceId, ruleIds };
  const model = policy
    ? lintPolicy(policy, { ...context, resourceId, ruleLines: parsed.ruleLines })
    : [];
  const findings = [
    ...(resourceId !== undefined ? registryFindings(document, resourceId) : []),
    ...[...parsed.findings, ...model]
      .filter((f) => resourceId === undefined || !RESOURCE_CHECKS.has(f.code))
      .map((f): Finding => (XML_ERRORS.has(f.code) ? f : { ...f, severity: "warning" })),
  ];
  if (!policy) {
    findings.push({
      severity: "warning",
      code: "kept-as-xml",
      message: `altinn-iac keeps this policy as XML: explain and diff read the XML, and the ${context.resourceType ?? "resource type"} checks of the rules are not made`,
      fix: "nothing, unless you want the checks: then express the rules in the model",
    });
  }
  return { findings, resourceId, policy, ruleIds, document };
}
