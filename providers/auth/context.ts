import type { ProviderContext } from "../lib/context";
import {
  requireCredentials,
  requireSelfServiceCredentials,
  type ProviderSettings,
} from "../lib/settings";
import { CachedTokens } from "./tokens";

/**
 * The context of a provider process, with tokens cached per scope set for the provisioning client
 * and the self-service admin client. Here, above the provider core, so the core needs no auth.
 */
export function createContext(
  settings: ProviderSettings,
  overrides: Partial<Omit<ProviderContext, "settings">> = {},
): ProviderContext {
  const offsetMs = settings.clockOffsetMs ?? 0;
  const now = overrides.now ?? (offsetMs === 0 ? Date.now : () => Date.now() + offsetMs);
  return {
    settings,
    now,
    tokens:
      overrides.tokens ??
      new CachedTokens(settings.endpoints, () => requireCredentials(settings), {
        retry: settings.retry,
        now,
      }),
    selfServiceTokens:
      overrides.selfServiceTokens ??
      new CachedTokens(settings.endpoints, () => requireSelfServiceCredentials(settings), {
        retry: settings.retry,
        now,
      }),
    warn: overrides.warn ?? ((message) => process.stderr.write(`altinn-iac: ${message}\n`)),
  };
}
