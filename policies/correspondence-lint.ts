/**
 * The Correspondence checks of a policy: what breaks a Correspondence service later, at send or
 * subscribe time (errors when no recipient could read, warnings when only some paths break).
 * docs/altinn-apis.md sections 3.1 and 3.4 are the sources.
 */
import { isPermitted } from "./evaluate";
import { closest, type Finding } from "./findings";
import { PLACEHOLDER } from "./lint-values";
import {
  actionId,
  actionMatch,
  CORRESPONDENCE_ACTIONS,
  matchesValue,
  RESOURCE_ATTRIBUTE,
  SUBJECT_SHORTHANDS,
  subjectMatches,
  type Action,
  type Policy,
} from "./model";

/** The access package that makes every message of the resource confidential. */
const CONFIDENTIAL_PACKAGE = "post-til-virksomheten-med-taushetsbelagt-innhold";

export interface CorrespondenceContext {
  /** This resource's identifier. */
  resourceId?: string;
  /** The service owner's org code, the sender of the messages. */
  owner?: string;
}

/** Why an action is never asked for, when Correspondence never asks the PDP for it. */
export function unusedAction(action: Action): Pick<Finding, "message" | "fix"> | undefined {
  if (CORRESPONDENCE_ACTIONS.some((known) => matchesValue(actionMatch(action), known))) {
    return undefined;
  }
  const id = actionId(action);
  const suggestion = closest(id, CORRESPONDENCE_ACTIONS);
  return {
    message: `Correspondence asks only for read, write and subscribe, so the action "${id}" is never used`,
    fix: suggestion ? `did you mean "${suggestion}"?` : "use read, write or subscribe",
  };
}

export function correspondenceFindings(policy: Policy, context: CorrespondenceContext): Finding[] {
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
