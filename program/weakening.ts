import { describeSubject } from "../policies/describe";
import { policySchema, type Policy } from "../policies/model";
import { locateEntry, type StackConfig } from "./config";
import type { PreviousObject } from "./previous-deployment";
import { policyArgs } from "./resource-policies";

/**
 * Changes that weaken a resource's protection, named at preview (warnings: they may be intended,
 * and review shows them): a lower authentication level, and parties that may read who could not.
 * Compared with the policy the previous deployment uploaded.
 */
export function weakeningWarnings(config: StackConfig, previous: PreviousObject[]): string[] {
  return config.resources.flatMap((spec, i) => {
    if (spec.policy === undefined) return [];
    const declared = policyArgs(spec.policy, config.org.code).policy;
    const old = previous.find(
      (o) => o.kind === "ResourcePolicy" && o.keys.includes(`policy:${spec.identifier}`),
    )?.inputs.policy;
    const before = policySchema.safeParse(old);
    const after = policySchema.safeParse(declared);
    if (!before.success || !after.success) return [];
    const at = `${locateEntry(config, ["resources", i])}.policy`;
    const warnings: string[] = [];
    const levelBefore = before.data.authenticationLevel ?? 0;
    const levelAfter = after.data.authenticationLevel ?? 0;
    if (levelAfter < levelBefore) {
      warnings.push(
        `${at}.authenticationLevel: lowers the level readers of ${spec.identifier} must log in with from ${levelBefore} to ${levelAfter} (weaker log-in methods reach its messages): keep ${levelBefore} unless that is intended`,
      );
    }
    const added = [...readers(after.data)].filter((r) => !readers(before.data).has(r));
    if (added.length > 0) {
      warnings.push(
        `${at}: ${added.join(", ")} may now read ${spec.identifier}'s messages, which could not before: check that this widening is intended`,
      );
    }
    return warnings;
  });
}

/** The subjects a policy lets read, in words. */
function readers(policy: Policy): Set<string> {
  return new Set(
    policy.rules
      .filter(
        (rule) =>
          rule.effect === "Permit" &&
          rule.actions.some((a) => (typeof a === "string" ? a : a.action).toLowerCase() === "read"),
      )
      .flatMap((rule) => rule.subjects.map(describeSubject)),
  );
}
