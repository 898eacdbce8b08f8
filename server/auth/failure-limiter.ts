// Wrong passwords counted per key ((account, address) or address alone), in process memory like
// the other auth limits (limits.ts). A key may fail a few times freely; after that each further
// failure doubles the wait before its next try, and past `max` failures it waits until the window
// ends. A refused try is not a failure: it never reaches the password check.
export interface FailurePolicy {
  /** Failures answered at once… */
  free: number;
  /** …then a wait of this long before the next try, doubling with every further failure… */
  firstDelayMs: number;
  /** …until this many, after which the key waits until the window ends. */
  max: number;
  windowMs: number;
}

interface Failures {
  windowStart: number;
  count: number;
  last: number;
}

export class FailureLimiter {
  private readonly keys = new Map<string, Failures>();

  constructor(
    readonly policy: FailurePolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds `key` must wait before its next try; 0 when it may try now. */
  wait(key: string): number {
    const t = this.now();
    const f = this.current(key, t);
    const { free, firstDelayMs, max, windowMs } = this.policy;
    if (!f || f.count < free) return 0;
    const windowEnd = f.windowStart + windowMs;
    const until =
      f.count >= max ? windowEnd : Math.min(windowEnd, f.last + firstDelayMs * 2 ** (f.count - free));
    return Math.max(0, Math.ceil((until - t) / 1000));
  }

  /** Counts one failure of `key`. */
  fail(key: string): void {
    const t = this.now();
    const f = this.current(key, t) ?? { windowStart: t, count: 0, last: t };
    f.count++;
    f.last = t;
    // Oldest first in a Map: re-inserting keeps the most recent at the end for pruning.
    this.keys.delete(key);
    this.keys.set(key, f);
    if (this.keys.size > 100_000) this.prune(t);
  }

  /** Forgets `key`'s failures (its right password was given). */
  clear(key: string): void {
    this.keys.delete(key);
  }

  private current(key: string, t: number): Failures | undefined {
    const f = this.keys.get(key);
    if (f && t - f.windowStart >= this.policy.windowMs) {
      this.keys.delete(key);
      return undefined;
    }
    return f;
  }

  private prune(t: number): void {
    for (const [key, f] of this.keys) {
      if (this.keys.size <= 100_000 && t - f.windowStart < this.policy.windowMs) break;
      this.keys.delete(key);
    }
  }
}
