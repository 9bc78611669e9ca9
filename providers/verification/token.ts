import { requestMaskinportenToken, type IssuedToken } from "../auth/maskinporten";
import { ApiError } from "../lib/errors";
import {
  sleepOf,
  VERIFICATION_RETRY,
  type VerificationOptions,
  type VerificationTarget,
} from "./target";

/** The Maskinporten token, retried on invalid_grant while a fresh key propagates. */
export async function tokenAfterPropagation(
  target: VerificationTarget,
  scopes: readonly string[],
  options: VerificationOptions,
): Promise<IssuedToken> {
  const window = options.keyPropagationMs ?? 120_000;
  const interval = options.retryIntervalMs ?? 10_000;
  const sleep = sleepOf(options);
  // The window counts the pauses, so a slow token endpoint does not cut the retries short.
  let waited = 0;
  for (;;) {
    try {
      return await requestMaskinportenToken(target.endpoints, target.credentials, scopes, {
        retry: VERIFICATION_RETRY,
      });
    } catch (error) {
      const propagating =
        error instanceof ApiError && error.status === 400 && /invalid_grant/.test(error.message);
      if (!propagating || waited + interval > window) throw error;
      options.log?.(
        `Maskinporten refused the key (invalid_grant); a new key can take up to 2 minutes to propagate: retrying in ${interval / 1000} s`,
      );
      await sleep(interval);
      waited += interval;
    }
  }
}
