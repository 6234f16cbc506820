/** A token bucket per key (per desk): `burst` requests at once, refilled at `perSecond`. Per process. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limits: { burst: number; perSecond: number },
    private readonly now: () => number,
  ) {}

  take(key: string): boolean {
    const time = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limits.burst, at: time };
    bucket.tokens = Math.min(this.limits.burst, bucket.tokens + (Math.max(0, time - bucket.at) / 1000) * this.limits.perSecond);
    bucket.at = time;
    if (this.buckets.size > 100_000) this.buckets.clear();
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
