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

/**
 * A read made at most once per provider context (that is, once per run): `read(ctx)` the first
 * time, the same answer after, and again after a failure. For what many resources of a run consult
 * in `check` and what this run's own writes do not change, so N new objects cost one call, not N.
 */
export function oncePerContext<T>(
  read: (ctx: ProviderContext) => Promise<T>,
): (ctx: ProviderContext) => Promise<T> {
  const answers = new WeakMap<ProviderContext, Promise<T>>();
  return (ctx) => {
    let pending = answers.get(ctx);
    if (!pending) {
      pending = read(ctx);
      answers.set(ctx, pending);
      pending.catch(() => answers.delete(ctx));
    }
    return pending;
  };
}
