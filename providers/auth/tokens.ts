import type { Endpoints } from "../lib/environments";
import type { RetryPolicy } from "../lib/http";
import { exchangeForAltinnToken, requestMaskinportenToken, type IssuedToken } from "./maskinporten";
import type { MaskinportenCredentials, TokenSource } from "../lib/types";

export interface CachedTokenOptions {
  retry?: RetryPolicy;
  now?: () => number;
}

/**
 * Tokens cached per process and scope set, refreshed shortly before they expire, with concurrent
 * requests for the same scope set sharing one call: one provider process serves every resource
 * of an update, so a run costs one token pair per scope set.
 */
export class CachedTokens implements TokenSource {
  private readonly cache = new Map<string, Promise<IssuedToken>>();
  private readonly now: () => number;

  constructor(
    private readonly endpoints: Endpoints,
    private readonly credentials: () => MaskinportenCredentials,
    private readonly options: CachedTokenOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async maskinportenToken(scopes: readonly string[]): Promise<string> {
    return (await this.issued("maskinporten", scopes)).token;
  }

  async altinnToken(scopes: readonly string[]): Promise<string> {
    return (await this.issued("altinn", scopes)).token;
  }

  private async issued(
    kind: "maskinporten" | "altinn",
    scopes: readonly string[],
  ): Promise<IssuedToken> {
    const key = `${kind} ${[...new Set(scopes)].sort().join(" ")}`;
    const cached = this.cache.get(key);
    if (cached) {
      try {
        const token = await cached;
        if (!this.expiresSoon(token)) return token;
      } catch {
        // A failed request is not cached: fall through and ask again.
      }
    }
    const pending =
      kind === "maskinporten"
        ? requestMaskinportenToken(this.endpoints, this.credentials(), scopes, this.options)
        : this.issued("maskinporten", scopes).then((mp) =>
            exchangeForAltinnToken(this.endpoints, mp, this.options),
          );
    this.cache.set(key, pending);
    pending.catch(() => {
      if (this.cache.get(key) === pending) this.cache.delete(key);
    });
    return pending;
  }

  private expiresSoon(token: IssuedToken): boolean {
    // Refresh when under 30 s are left, so a request never starts with a token about to lapse.
    return token.expiresAt - this.now() < 30_000;
  }
}
