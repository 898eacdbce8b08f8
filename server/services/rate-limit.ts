// A fixed-window counter per key (user id or IP), in process memory. Enough for one server
// process; with several web processes each enforces its own share, which errs on the generous
// side rather than blocking honest users. (Auth limits: ../auth/limits.ts.)
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one use of `key`; returns the seconds to wait when over the limit, else 0. */
  take(key: string): number {
    const t = this.now();
    const w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      this.windows.set(key, { start: t, count: 1 });
      if (this.windows.size > 100_000) this.prune(t);
      return 0;
    }
    if (w.count >= this.limit) return Math.ceil((w.start + this.windowMs - t) / 1000);
    w.count++;
    return 0;
  }

  private prune(t: number): void {
    for (const [k, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(k);
  }
}
