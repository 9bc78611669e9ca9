import { CachedTokens, type TokenSource } from "../auth/tokens";
import {
  requireCredentials,
  requireSelfServiceCredentials,
  type ProviderSettings,
} from "./settings";

/** What a provider method gets besides its inputs. Built once per provider process. */
export interface ProviderContext {
  settings: ProviderSettings;
  tokens: TokenSource;
  /** Raw Maskinporten tokens of the Digdir self-service admin client (`idporten:dcr.*`). */
  selfServiceTokens: TokenSource;
  /** Epoch milliseconds; injectable so tests control the clock. */
  now(): number;
  /** A message the user should see (the engine shows provider stderr in its output). */
  warn(message: string): void;
}

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
