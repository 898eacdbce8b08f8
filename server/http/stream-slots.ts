// Live event streams (Server-Sent Events) held open at once: each is an open connection and a
// database read a second, so one person cannot hold hundreds (measured before this existed: one
// account opened 1,500 job streams and the health check took 13 s). Counted in this process: a
// stream lives on one connection to one process, so the count is exact where the cost is paid.
export class StreamSlots {
  private readonly open = new Map<string, number>();
  private total = 0;

  constructor(
    /** Streams one person may hold in one process: a few tabs following a few jobs. */
    readonly perOwner: number,
    /** Streams the process holds in all. */
    readonly perProcess: number,
  ) {}

  /** Takes a slot for `owner`; returns its release (idempotent), or null when none is free. */
  acquire(owner: string): (() => void) | null {
    const held = this.open.get(owner) ?? 0;
    if (held >= this.perOwner || this.total >= this.perProcess) return null;
    this.open.set(owner, held + 1);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const now = (this.open.get(owner) ?? 1) - 1;
      if (now > 0) this.open.set(owner, now);
      else this.open.delete(owner);
    };
  }

  held(owner: string): number {
    return this.open.get(owner) ?? 0;
  }
}
