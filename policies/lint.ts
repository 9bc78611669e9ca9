/**
 * The policy linter: what the Resource Registry would reject (errors), what silently never matches
 * (errors), and what breaks a Correspondence service later, at send or subscribe time (errors
 * when nothing could work, warnings when only some paths break). Every finding names the rule and
 * the fix. docs/altinn-apis.md sections 3.1 and 3.4 are the sources.
 */
import { isPermitted } from "./evaluate";
import { closest, type Finding } from "./findings";
import { describeSubject } from "./describe";
import {
  actionId,
  actionMatch,
  CORRESPONDENCE_ACTIONS,
  DATA_TYPE,
  KNOWN_RESOURCE_ATTRIBUTES,
  KNOWN_SUBJECT_ATTRIBUTES,
  matchesValue,
  parseInt32,
  RESOURCE_ATTRIBUTE,
  SUBJECT_SHORTHANDS,
  subjectMatches,
  type AttributeMatch,
  type Policy,
} from "./model";
import { readPolicy, registryFindings } from "./parse";
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

/** The access package that makes every message of the resource confidential. */
export const CONFIDENTIAL_PACKAGE = "post-til-virksomheten-med-taushetsbelagt-innhold";

const PLACEHOLDER = /\[[^\]]*\]|\{[^}]*\}|<[^>]*>|^\s*(todo|tbd|xxx+|changeme)\s*$/i;

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
      if (
        context.resourceType === "CorrespondenceService" &&
        !CORRESPONDENCE_ACTIONS.some((known) => matchesValue(actionMatch(action), known))
      ) {
        const suggestion = closest(id, CORRESPONDENCE_ACTIONS);
        add(
          "warning",
          "unknown-action",
          `actions.${a}`,
          `Correspondence asks only for read, write and subscribe, so the action "${id}" is never used`,
          suggestion ? `did you mean "${suggestion}"?` : "use read, write or subscribe",
        );
      }
    });

    if (rule.resources) {
      const resourceId = context.resourceId;
      const app = appOf(resourceId);
      // An app resource's rules may name its org and app instead (PolicyHelper.EnsureValidPolicy).
      const names = (attribute: string, value: string | undefined) =>
        rule
          .resources!.flat()
          .some((m) => m.attribute === attribute && m.value.toLowerCase() === value?.toLowerCase());
      let referencesThis = app !== undefined && names(ORG, app.org) && names(APP, app.app);
      let foreign = false;
      rule.resources.forEach((group, g) => {
        for (const match of group) {
          const path = `resources.${g}`;
          if (match.attribute === RESOURCE_ATTRIBUTE) {
            if (resourceId !== undefined && match.value !== resourceId) {
              foreign = true;
              add(
                "error",
                "foreign-resource",
                path,
                `targets the resource ${JSON.stringify(match.value)}, not ${JSON.stringify(resourceId)}: the Resource Registry rejects the policy ("Policy not accepted: Contains rules for a different registry resource")`,
                `target "${resourceId}" (each resource has its own policy)`,
              );
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
        add(
          "error",
          "no-resource-reference",
          "resources",
          `does not target ${JSON.stringify(resourceId)}: the Resource Registry rejects the policy ("Policy not accepted: Contains rule without reference to registry resource id")`,
          `add urn:altinn:resource = "${resourceId}" to the rule`,
        );
      }
    }
  });
  if (context.resourceType === "CorrespondenceService") {
    findings.push(...correspondenceFindings(policy, context));
  }
  return findings;
}

const ORG = "urn:altinn:org";
const APP = "urn:altinn:app";
const APP_RESOURCE_ATTRIBUTES = [ORG, APP, "urn:altinn:task", "urn:altinn:end-event"];

/** The org and app of an app resource (`app_<org>_<app>`, split as the registry splits it). */
function appOf(resourceId: string | undefined): { org: string; app: string } | undefined {
  const parts = resourceId?.startsWith("app_") ? resourceId.split("_") : [];
  return parts.length === 3 ? { org: parts[1]!, app: parts[2]! } : undefined;
}

type Report = (severity: Finding["severity"], code: string, message: string, fix: string) => void;

function checkAttribute(attribute: string, kind: string, known: readonly string[], report: Report) {
  if (known.includes(attribute)) return;
  const suggestion = closest(attribute, known);
  if (suggestion) {
    report(
      "error",
      "misspelled-attribute",
      `the ${kind} attribute "${attribute}" is not one Altinn supplies, so the rule never matches`,
      `did you mean "${suggestion}"?`,
    );
  } else {
    report(
      "warning",
      "unknown-attribute",
      `the ${kind} attribute "${attribute}" is not one altinn-iac knows Altinn to supply; if the PDP does not, the rule never matches`,
      `use one of ${known.join(", ")}`,
    );
  }
}

/**
 * Typed values: Altinn's PDP compares data types before values (ABAC XacmlMatch.IsMatch), and its
 * PEP sends every subject and resource attribute as a string (PEP DecisionHelper DefaultType), so
 * an integer matches only a caller that sends the attribute typed integer. integer-equal reads
 * both sides with int.TryParse (AttributeMatcher.MatchInteger).
 */
function checkComparison(
  match: AttributeMatch,
  what: string,
  report: (message: string, fix: string) => void,
): void {
  if (match.dataType === "integer") {
    report(
      `${what} is typed integer: Altinn's PDP matches it only when the request sends the attribute as an integer too (Altinn's PEP sends strings), so other callers never match it`,
      `keep it if the caller sends an integer (Skatteetaten's token exchange does); otherwise use DataType="${DATA_TYPE.string}"`,
    );
  }
  if (match.match === "integerEqual" && parseInt32(match.value) === undefined) {
    report(
      `${what} is compared with integer-equal but is not a 32-bit integer, so the PDP never matches it`,
      "write a whole number, or compare it as a string",
    );
  }
}

function checkValue(
  value: string,
  what: string,
  report: (code: string, message: string, fix: string) => void,
): void {
  if (PLACEHOLDER.test(value)) {
    report(
      "placeholder",
      `${what} holds the placeholder ${JSON.stringify(value)}; Altinn compares it literally, so the rule never matches (Altinn Studio left "[org]" in policies, altinn-studio#18044)`,
      "write the real value, such as the org code",
    );
  } else if (value !== value.trim()) {
    report(
      "whitespace",
      `${what} has spaces around ${JSON.stringify(value)}; Altinn compares the whole text, so the rule never matches`,
      `write ${JSON.stringify(value.trim())}`,
    );
  }
}

function correspondenceFindings(policy: Policy, context: LintContext): Finding[] {
  const findings: Finding[] = [];
  const resourceId = context.resourceId ?? "(this resource)";
  const targetsThis = (rule: Policy["rules"][number]) =>
    !rule.resources ||
    rule.resources.some((group) =>
      group.some((m) => m.attribute === RESOURCE_ATTRIBUTE && m.value === context.resourceId),
    );
  const permitsRead = policy.rules.some(
    (rule) =>
      rule.effect === "Permit" &&
      rule.actions.some((action) => matchesValue(actionMatch(action), "read")) &&
      targetsThis(rule),
  );
  if (!permitsRead) {
    findings.push({
      severity: "error",
      code: "no-reader",
      message: "no subject may read this resource, so no recipient can open a message sent with it",
      fix: 'add a rule that lets the recipients read, for example { subjects: [{ role: "DAGL" }, { accessPackage: "ordinaer-post-til-virksomheten" }], actions: ["read"] }',
    });
  }
  const { owners, inferred } = ownersOf(policy, context.owner);
  const ownerText =
    owners.length === 0
      ? "the service owner"
      : owners.map((owner) => `service owner ${owner}`).join(" or ");
  const ownerExample = owners[0] ?? "<org code>";
  const ownerMay = (action: string) =>
    owners.some((owner) =>
      isPermitted(policy, { subject: { [SUBJECT_SHORTHANDS.org]: owner }, action }, resourceId),
    );
  const source = inferred ? " (the org codes the policy names)" : "";
  if (!ownerMay("subscribe")) {
    findings.push({
      severity: "warning",
      code: "owner-subscribe",
      message: `${ownerText}${source} may not subscribe, so Altinn Events refuses the owner's event subscription for this resource (403 "Not authorized to create a subscription")`,
      fix: `add a rule { subjects: [{ org: "${ownerExample}" }], actions: ["write", "subscribe"] }`,
    });
  }
  if (!ownerMay("write")) {
    findings.push({
      severity: "warning",
      code: "owner-write",
      message: `${ownerText}${source} may not write, so sending works only with a token that carries altinn:serviceowner (Correspondence otherwise asks the PDP for write)`,
      fix: `add write for { org: "${ownerExample}" }`,
    });
  }
  if (policy.authenticationLevel === undefined) {
    findings.push({
      severity: "warning",
      code: "no-authentication-level",
      message:
        "the policy has no minimum-authentication-level obligation, so Correspondence rejects every send with allowForwarding: true (it reads the level from the policy)",
      fix: "set authenticationLevel (Altinn's example policy uses 3)",
    });
  }
  policy.rules.forEach((rule, index) => {
    rule.subjects.forEach((subject, s) => {
      if (
        subjectMatches(subject).some(
          (m) =>
            m.attribute === SUBJECT_SHORTHANDS.accessPackage &&
            m.value.toLowerCase() === CONFIDENTIAL_PACKAGE,
        )
      ) {
        findings.push({
          severity: "warning",
          code: "confidential",
          rule: index + 1,
          path: `rules.${index}.subjects.${s}`,
          message: `the access package ${CONFIDENTIAL_PACKAGE} makes the resource confidential: Correspondence then rejects every send without isConfidential: true`,
          fix: "keep it only if every message is confidential; otherwise use ordinaer-post-til-virksomheten",
        });
      }
    });
  });
  return findings;
}

/** The owner given, or else the org codes the policy's subjects name. */
function ownersOf(
  policy: Policy,
  owner: string | undefined,
): { owners: string[]; inferred: boolean } {
  if (owner !== undefined) return { owners: [owner], inferred: false };
  const named = policy.rules.flatMap((rule) =>
    rule.subjects.flatMap((subject) =>
      subjectMatches(subject)
        .filter((m) => m.attribute === SUBJECT_SHORTHANDS.org && !PLACEHOLDER.test(m.value))
        .map((m) => m.value.toLowerCase()),
    ),
  );
  return { owners: [...new Set(named)], inferred: true };
}

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
