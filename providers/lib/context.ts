import type { ProviderSettings } from "./settings";
import type { TokenSource } from "./types";

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

/**
 * A read made at most once per provider context (that is, once per run) and arguments: the first
 * call reads, later ones get the same answer, and a failed read is made again. For what many
 * resources of a run consult in `check`, so N new objects cost one call, not N.
 */
export function oncePerContext<T, A extends string[]>(
  read: (ctx: ProviderContext, ...args: A) => Promise<T>,
): OncePerContext<T, A> {
  const answers = new WeakMap<ProviderContext, Map<string, Promise<T>>>();
  const once = (ctx: ProviderContext, ...args: A) => {
    let byArgs = answers.get(ctx);
    if (!byArgs) answers.set(ctx, (byArgs = new Map()));
    const key = args.join("\n");
    let pending = byArgs.get(key);
    if (!pending) {
      pending = read(ctx, ...args);
      byArgs.set(key, pending);
      pending.catch(() => byArgs.delete(key));
    }
    return pending;
  };
  return Object.assign(once, { forget: (ctx: ProviderContext) => void answers.delete(ctx) });
}

export interface OncePerContext<T, A extends string[]> {
  (ctx: ProviderContext, ...args: A): Promise<T>;
  /** Drops the answers of `ctx`: the next call reads again (after this run wrote what they show). */
  forget(ctx: ProviderContext): void;
}

/**
 * The identifiers of what this provider process created, per context: such an object holds only
 * what this process wrote to it (a new resource has no policy, a new client no keys), so what it
 * would otherwise read first can be written straight away.
 */
export class CreatedInThisProcess {
  private readonly byContext = new WeakMap<ProviderContext, Set<string>>();

  add(ctx: ProviderContext, id: string): void {
    let created = this.byContext.get(ctx);
    if (!created) this.byContext.set(ctx, (created = new Set()));
    created.add(id);
  }

  has(ctx: ProviderContext, id: string): boolean {
    return this.byContext.get(ctx)?.has(id) ?? false;
  }
}
