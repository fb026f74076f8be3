/**
 * The access token of one provider process: fetched once, shared by every concurrent operation,
 * renewed a little before it expires and once after Flow Service rejects it.
 */

/** A token as the issuer returned it. */
export interface IssuedToken {
  accessToken: string;
  /** Lifetime from now, in ms. */
  expiresInMs: number;
}

/** IMS tokens live 24 h; anything claiming more is treated as 24 h (renewing early is harmless). */
const MAX_LIFETIME_MS = 24 * 60 * 60_000;
/** Renew when less than 5 minutes remain, or 10 % of the lifetime for short-lived tokens. */
const RENEW_MARGIN_MS = 5 * 60_000;
const RENEW_MARGIN_FRACTION = 0.1;
/** How many previous tokens are remembered for redaction. */
const REMEMBERED_TOKENS = 3;

interface CachedToken {
  accessToken: string;
  renewAt: number;
}

/**
 * A single-flight token cache. `get()` returns the cached token while it is fresh; otherwise every
 * concurrent caller awaits the same issuer request. A failed request is not cached: the next call
 * tries again.
 */
export class TokenCache {
  #current: CachedToken | undefined;
  #inFlight: Promise<string> | undefined;
  readonly #previous: string[] = [];
  readonly #issue: () => Promise<IssuedToken>;
  readonly #now: () => number;

  constructor(issue: () => Promise<IssuedToken>, now: () => number = Date.now) {
    this.#issue = issue;
    this.#now = now;
  }

  /** A token that is not about to expire. */
  get(): Promise<string> {
    const current = this.#current;
    if (current && this.#now() < current.renewAt) return Promise.resolve(current.accessToken);
    return this.#renew();
  }

  /**
   * Called after Flow Service answered 401 to a request sent with `rejected`. Drops that token
   * (unless a concurrent caller already replaced it) and returns a fresh one.
   */
  renewAfterRejection(rejected: string): Promise<string> {
    if (this.#current?.accessToken === rejected) {
      this.#remember(rejected);
      this.#current = undefined;
    }
    return this.get();
  }

  /** The current and a few previous tokens, so error text can be scrubbed of them. */
  secrets(): string[] {
    return this.#current ? [this.#current.accessToken, ...this.#previous] : [...this.#previous];
  }

  #remember(token: string): void {
    this.#previous.unshift(token);
    this.#previous.length = Math.min(this.#previous.length, REMEMBERED_TOKENS);
  }

  #renew(): Promise<string> {
    if (this.#inFlight) return this.#inFlight;
    const issuedAt = this.#now();
    const request = (async () => {
      const { accessToken, expiresInMs } = await this.#issue();
      const lifetime = Math.min(Math.max(0, expiresInMs), MAX_LIFETIME_MS);
      const margin = Math.min(RENEW_MARGIN_MS, lifetime * RENEW_MARGIN_FRACTION);
      if (this.#current) this.#remember(this.#current.accessToken);
      this.#current = { accessToken, renewAt: issuedAt + lifetime - margin };
      return accessToken;
    })();
    this.#inFlight = request;
    const settle = (): void => {
      if (this.#inFlight === request) this.#inFlight = undefined;
    };
    void request.then(settle, settle);
    return request;
  }
}
