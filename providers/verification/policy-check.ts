import { decide } from "../../policies/evaluate";
import { readPolicy } from "../../policies/parse";
import type { VerificationReads } from "../api/verification-reads";
import { messageOf, type Check, type VerificationTarget } from "./target";

/**
 * Whether the published policy grants the owner what Correspondence and Events ask the PDP.
 *
 * Why a policy check besides the send: Correspondence lets a token with `altinn:serviceowner`
 * whose consumer owns the resource bypass the PDP (AltinnAuthorizationService.
 * EvaluateBypassConditions), so the send succeeds even when the policy no longer grants the owner
 * `write`. The PDP is asked for every other sender, and Events always asks it for `subscribe`;
 * the check evaluates the published policy as the PDP does for the owner (`urn:altinn:org`).
 */
export async function policyCheck(
  target: VerificationTarget,
  reads: VerificationReads,
): Promise<Check> {
  const name = "policy";
  try {
    const xml = await reads.policy(target.resourceId);
    if (xml === undefined) {
      return {
        name,
        ok: false,
        detail: `${target.resourceId} has no policy: set one so the PDP can permit the owner`,
      };
    }
    const { policy } = readPolicy(xml, { resourceId: target.resourceId });
    if (!policy) return { name, ok: false, detail: "the published policy cannot be read" };
    const subject = { "urn:altinn:org": target.orgCode };
    const missing = ["write", "subscribe"].filter(
      (action) => decide(policy, { subject, action }, target.resourceId) !== "Permit",
    );
    if (missing.length === 0) {
      return { name, ok: true, detail: `permits ${target.orgCode} write and subscribe` };
    }
    return {
      name,
      ok: false,
      detail:
        `the policy does not permit the owner (urn:altinn:org ${target.orgCode}) ${missing.join(" and ")}. ` +
        "The send above passed only through Correspondence's service-owner bypass (a token with altinn:serviceowner whose consumer owns the resource skips the PDP); " +
        "any other sender gets 401 CORR-04001, and Events refuses subscriptions without subscribe. Give the owner's rule back write and subscribe.",
    };
  } catch (error) {
    return { name, ok: false, detail: messageOf(error) };
  }
}
