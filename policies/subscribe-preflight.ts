/**
 * The preflight for Altinn Events subscriptions: Events accepts a service owner's subscription only
 * when the resource's policy lets the owner's org code (`urn:altinn:org`) do `subscribe`
 * (SubscriptionXacmlMapper asks the PDP exactly that); otherwise every `pulumi up` ends in 403.
 * When the stack declares the policy, the answer is known at preview.
 */
import { describeRule } from "./describe";
import { decide, isPermitted, type DecisionRequest } from "./evaluate";
import { SUBJECT_SHORTHANDS, type Policy } from "./model";

export interface SubscribeContext {
  resourceId: string;
  /** The service owner's org code, the subscription's consumer (`/org/{code}`). */
  owner: string;
}

/** Why Events would refuse the owner's subscription, naming the rule to add; undefined if it would not. */
export function ownerSubscribeFailure(
  policy: Policy,
  { resourceId, owner }: SubscribeContext,
): string | undefined {
  const request: DecisionRequest = {
    subject: { [SUBJECT_SHORTHANDS.org]: owner },
    action: "subscribe",
  };
  if (isPermitted(policy, request, resourceId)) return undefined;
  const refused = `the policy of resource ${resourceId} does not let service owner ${owner} subscribe, so Altinn Events refuses the subscription (403 "Not authorized to create a subscription for resource urn:altinn:resource:${resourceId}.")`;
  const denying = policy.rules
    .map((rule, index) => ({ rule, number: index + 1 }))
    .filter(({ rule }) => decide({ ...policy, rules: [rule] }, request, resourceId) === "Deny");
  if (denying.length > 0) {
    const named = denying
      .map(({ rule, number }) => `rule ${number} (${describeRule(rule)})`)
      .join(" and ");
    return `${refused}: ${named} denies it; narrow or remove that rule so it no longer applies to { org: "${owner}" } and action subscribe`;
  }
  return `${refused}: add the rule { subjects: [{ org: "${owner}" }], actions: ["subscribe"] } to its policy (the correspondence template's owner rule has it: actions ["write", "subscribe"])`;
}
