import type { RateLimitOptions } from './types.js';

/** The agent's limits (tollbooth in the ECS agent): 40 requests/s steady, bursts of 60, per client and path. */
export const AGENT_RATE_LIMIT: Required<RateLimitOptions> = { requestsPerSecond: 40, burst: 60 };

interface Bucket {
  tokens: number;
  at: number;
}

/** A token bucket per key (client address + path), like the agent's limiter. */
export class RateLimiter {
  readonly requestsPerSecond: number;
  private readonly burst: number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    options: RateLimitOptions,
    private readonly now: () => number,
  ) {
    this.requestsPerSecond = options.requestsPerSecond ?? AGENT_RATE_LIMIT.requestsPerSecond;
    this.burst = options.burst ?? AGENT_RATE_LIMIT.burst;
  }

  /** Whether a request under `key` may pass now; takes a token when it does. */
  allow(key: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    const refilled = Math.min(
      this.burst,
      bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.requestsPerSecond,
    );
    const allowed = refilled >= 1;
    this.buckets.set(key, { tokens: allowed ? refilled - 1 : refilled, at: now });
    return allowed;
  }
}
