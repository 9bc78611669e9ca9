import { CachedTokens, type TokenSource } from "../auth/tokens";
import { requireCredentials, type ProviderSettings } from "./settings";

/** What a provider method gets besides its inputs. Built once per provider process. */
export interface ProviderContext {
  settings: ProviderSettings;
  tokens: TokenSource;
  /** Epoch milliseconds; injectable so tests control the clock. */
  now(): number;
  /** A message the user should see (the engine shows provider stderr in its output). */
  warn(message: string): void;
}

export function createContext(
  settings: ProviderSettings,
  overrides: Partial<Omit<ProviderContext, "settings">> = {},
): ProviderContext {
  const now = overrides.now ?? Date.now;
  return {
    settings,
    now,
    tokens:
      overrides.tokens ??
      new CachedTokens(settings.endpoints, () => requireCredentials(settings), {
        retry: settings.retry,
        now,
      }),
    warn: overrides.warn ?? ((message) => process.stderr.write(`altinn-iac: ${message}\n`)),
  };
}
