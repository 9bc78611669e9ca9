/**
 * What the Resource Registry does with the resource references of a policy's rules: the upload
 * check it makes (altinn-resource-registry PolicyHelper.EnsureValidPolicy) and the resource a
 * policy belongs to when nobody says (the most targeted one, or an app's).
 */
import type { Finding } from "./findings";
import { RESOURCE_ATTRIBUTE } from "./model";
import { resourceMatchesOf, type XacmlPolicy } from "./xacml";

const APP_PREFIX = "app_";
export const ORG_ATTRIBUTE = "urn:altinn:org";
export const APP_ATTRIBUTE = "urn:altinn:app";

/** The org and app of an app resource (`app_<org>_<app>`, split as the registry splits it). */
export function appOf(resourceId: string | undefined): { org: string; app: string } | undefined {
  const parts = resourceId?.startsWith(APP_PREFIX) ? resourceId.split("_") : [];
  return parts.length === 3 ? { org: parts[1]!, app: parts[2]! } : undefined;
}

export type RegistryRefusal = Pick<Finding, "code" | "message" | "fix">;

/** The refusals of the upload check, worded as the registry words them, with the fix. */
export const registryRefusal = {
  foreignResource: (value: string, resourceId: string): RegistryRefusal => ({
    code: "foreign-resource",
    message: `targets the resource ${JSON.stringify(value)}, not ${JSON.stringify(resourceId)}: the Resource Registry rejects the policy ("Policy not accepted: Contains rules for a different registry resource")`,
    fix: `target "${resourceId}" (each resource has its own policy)`,
  }),
  noReference: (resourceId: string): RegistryRefusal => ({
    code: "no-resource-reference",
    message: `does not target ${JSON.stringify(resourceId)}: the Resource Registry rejects the policy ("Policy not accepted: Contains rule without reference to registry resource id")`,
    fix: `add urn:altinn:resource = "${resourceId}" to the rule`,
  }),
};

/**
 * What the Resource Registry refuses on upload, as altinn-resource-registry PolicyHelper
 * EnsureValidPolicy checks it: per rule, no urn:altinn:resource but this one, and a reference to
 * it, which for an app resource (`app_<org>_<app>`) may be urn:altinn:org and urn:altinn:app
 * (any case) instead.
 */
export function registryFindings(document: XacmlPolicy, resourceId: string): Finding[] {
  const app = appOf(resourceId);
  const findings: Finding[] = [];
  document.rules.forEach((rule, index) => {
    const matches = resourceMatchesOf(rule);
    const add = ({ code, message, fix }: RegistryRefusal) =>
      findings.push({ severity: "error", code, rule: index + 1, line: rule.line, message, fix });
    const foreign = matches.find(
      (m) => m.attributeId === RESOURCE_ATTRIBUTE && m.value !== resourceId,
    );
    if (foreign) {
      add(registryRefusal.foreignResource(foreign.value, resourceId));
      return;
    }
    const has = (attribute: string, value: string | undefined) =>
      value !== undefined &&
      matches.some(
        (m) => m.attributeId === attribute && m.value.toLowerCase() === value.toLowerCase(),
      );
    const referenced =
      matches.some((m) => m.attributeId === RESOURCE_ATTRIBUTE && m.value === resourceId) ||
      (app !== undefined && has(ORG_ATTRIBUTE, app.org) && has(APP_ATTRIBUTE, app.app));
    if (!referenced) {
      add(registryRefusal.noReference(resourceId));
    }
  });
  return findings;
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
