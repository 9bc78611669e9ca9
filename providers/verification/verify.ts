import { randomUUID } from "node:crypto";
import { exchangeForAltinnToken, type IssuedToken } from "../auth/maskinporten";
import { CORRESPONDENCE_SCOPES, correspondenceApi } from "../api/correspondence";
import { verificationReads } from "../api/verification-reads";
import { isProduction } from "../lib/environments";
import { eventChecks } from "./event-checks";
import { policyCheck } from "./policy-check";
import {
  messageOf,
  recipientUrn,
  VERIFICATION_RETRY,
  type Check,
  type VerificationOptions,
  type VerificationReport,
  type VerificationTarget,
} from "./target";
import { tokenAfterPropagation } from "./token";

/**
 * End-to-end verification of a service owner's setup: the created client's key gets a
 * Maskinporten token, Correspondence accepts a test message for the resource under both token
 * schemes it takes, the message's status can be read, the resource's policy grants the owner what
 * Correspondence and Events ask the PDP (policy-check.ts), and the Events subscriptions of the
 * resource are validated and see the message's events (event-checks.ts). The HTTP calls are the
 * API layer's (providers/api/correspondence.ts, verification-reads.ts).
 */
export async function verify(
  target: VerificationTarget,
  options: VerificationOptions = {},
): Promise<VerificationReport> {
  if (isProduction(target.environment) && !options.allowProd) {
    throw new Error(
      "verification sends a real message: in prod it runs only with --allow-prod (and a recipient that expects it)",
    );
  }
  const checks: Check[] = [];
  const report = (): VerificationReport => ({
    ok: checks.every((c) => c.ok),
    checks,
    ...(correspondenceId !== undefined ? { correspondenceId } : {}),
  });
  let correspondenceId: string | undefined;
  const { endpoints } = target;
  const correspondence = correspondenceApi(endpoints.platform, VERIFICATION_RETRY);
  const reads = verificationReads(endpoints.platform, VERIFICATION_RETRY);

  let maskinporten: IssuedToken;
  try {
    maskinporten = await tokenAfterPropagation(target, CORRESPONDENCE_SCOPES, options);
    checks.push({
      name: "Maskinporten token",
      ok: true,
      detail: `client ${target.credentials.clientId} signed with key ${target.credentials.keyId ?? "(x5c)"}; scopes ${maskinporten.scopes.join(" ")}`,
    });
  } catch (error) {
    checks.push({ name: "Maskinporten token", ok: false, detail: messageOf(error) });
    return report();
  }
  let altinn: IssuedToken;
  try {
    altinn = await exchangeForAltinnToken(endpoints, maskinporten, { retry: VERIFICATION_RETRY });
    checks.push({ name: "Altinn token", ok: true, detail: "exchanged the Maskinporten token" });
  } catch (error) {
    checks.push({ name: "Altinn token", ok: false, detail: messageOf(error) });
    return report();
  }

  const idempotentKey = randomUUID();
  const message = {
    correspondence: {
      resourceId: target.resourceId,
      sendersReference: `altinn-iac-verify-${idempotentKey}`,
      content: {
        language: "nb",
        messageTitle: "altinn-iac verification",
        messageBody: "A test message sent by altinn-iac to verify the service owner setup.",
      },
    },
    recipients: [recipientUrn(target.recipient)],
    idempotentKey,
  };
  try {
    correspondenceId = await correspondence.send(message, altinn.token);
    checks.push({
      name: "send (Altinn token)",
      ok: correspondenceId !== undefined,
      detail: `correspondence ${correspondenceId ?? "(no id in the answer)"} with idempotent key ${idempotentKey}`,
    });
  } catch (error) {
    checks.push({ name: "send (Altinn token)", ok: false, detail: messageOf(error) });
    return report();
  }

  // The same message again with the raw Maskinporten token: 409 proves Correspondence took the
  // token (authentication and scopes) without a second message. It does not prove the sender
  // authorization: InitializeCorrespondencesHandler checks the idempotency key before it
  // validates the resource and the sender, so the first send alone proves that.
  try {
    const again = await correspondence.resend(message, maskinporten.token);
    const refusedAsUsed = again.status === 409 && again.errorCode === 1034;
    checks.push({
      name: "send (Maskinporten token)",
      ok: refusedAsUsed,
      detail: refusedAsUsed
        ? "the token was authenticated and has the scopes; the idempotent key was refused as already used (409, 1034), so no second message (the key is checked before the sender's authorization, which the first send proved)"
        : `expected 409 with errorCode 1034 for the reused idempotent key, got ${again.status}`,
    });
  } catch (error) {
    checks.push({ name: "send (Maskinporten token)", ok: false, detail: messageOf(error) });
  }

  try {
    const status = await correspondence.status(correspondenceId!, maskinporten.token);
    checks.push({ name: "status", ok: true, detail: `status ${status}` });
  } catch (error) {
    checks.push({ name: "status", ok: false, detail: messageOf(error) });
  }

  checks.push(await policyCheck(target, reads));
  checks.push(...(await eventChecks(target, reads, correspondenceId!, options)));
  return report();
}
