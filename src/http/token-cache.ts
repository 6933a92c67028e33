import type { User } from '../app/access/accounts.ts';

/** How long this server trusts an API token's lookup before asking the database again. */
export const TOKEN_CACHE_MS = 2_000;

/** How the token cache keeps time and how long it trusts a lookup (tests move the clock). */
export interface TokenCacheOptions {
  maxAgeMs?: number;
  now?: () => number;
}

/**
 * The users of API tokens this server looked up in the last TOKEN_CACHE_MS, so that a script's
 * burst of requests costs one lookup, not one each. Staying correct is the point:
 * - any change through this server (every POST, PUT, PATCH or DELETE of an identified
 *   caller, revoking a token or deactivating or changing a user among them) empties it
 *   before its answer is sent, so the caller's next request is checked afresh;
 * - a lookup that was under way while the cache was emptied is not kept (the generation moved
 *   on), so it cannot bring a revoked token back;
 * - a change made elsewhere (another server, `mtc` on the command line, SQL) takes effect here
 *   within maxAgeMs: the trade-off accepted for not asking the database on every request.
 * Keys are the tokens' hashes as the database stores them, never the tokens.
 */
export class TokenCache {
  readonly #entries = new Map<string, { user: User; at: number }>();
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #generation = 0;

  constructor(options: TokenCacheOptions = {}) {
    this.#maxAgeMs = options.maxAgeMs ?? TOKEN_CACHE_MS;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The user of the token with this hash: from the cache while fresh, else from `lookUp`
   * (null: unknown or revoked, never kept).
   */
  async user(hash: string, lookUp: () => Promise<User | null>): Promise<User | null> {
    const now = this.#now();
    const hit = this.#entries.get(hash);
    if (hit && now - hit.at < this.#maxAgeMs) return hit.user;
    const generation = this.#generation;
    const user = await lookUp();
    if (user && generation === this.#generation && this.#maxAgeMs > 0) {
      // Expired entries go when the map is written, so it holds only tokens used lately.
      for (const [key, e] of this.#entries) if (now - e.at >= this.#maxAgeMs) this.#entries.delete(key);
      this.#entries.set(hash, { user, at: now });
    }
    return user;
  }

  /** Forgets every lookup, and any under way: the next request of every token asks the database. */
  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }
}
