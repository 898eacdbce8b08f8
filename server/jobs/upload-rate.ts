// How often one person may upload for server generation. The hourly limit (UPLOADS_PER_HOUR)
// counts accepted requests only — rows in job_requests, shared by every web process — so a wrong
// file, a damaged one or a server failure costs nothing. Refused uploads still cost the server
// a store and an FFmpeg pass each, so a separate, much larger guard in process memory stops
// someone sending bad files in a loop.
import type { Db } from "../db/client.ts";
import { RateLimiter } from "../services/rate-limit.ts";

const HOUR_MS = 3600 * 1000;

/** Seconds until `userId` may upload again (0: now), counting accepted requests of the last hour. */
export async function hourlyUploadWait(
  db: Db,
  userId: string,
  limit: number,
  now = new Date(),
): Promise<number> {
  const since = new Date(now.getTime() - HOUR_MS);
  const recent = await db.jobRequest.findMany({
    where: { userId, createdAt: { gte: since } },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { createdAt: true },
  });
  if (recent.length < limit) return 0;
  // The limit-th newest request leaves the window first among those that fill it.
  const oldest = recent[recent.length - 1]!.createdAt.getTime();
  return Math.max(1, Math.ceil((oldest + HOUR_MS - now.getTime()) / 1000));
}

/** Refused uploads allowed per user and hour before the guard answers 429. */
export const refusalsPerHour = (uploadsPerHour: number) => Math.max(30, 3 * uploadsPerHour);

/** Counts refused uploads per user; `wait` is the seconds left once the limit was reached. */
export class RefusalGuard {
  private readonly limiter: RateLimiter;
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    limit: number,
    private readonly now: () => number = Date.now,
  ) {
    this.limiter = new RateLimiter(limit, HOUR_MS, now);
  }

  wait(userId: string): number {
    const until = this.blockedUntil.get(userId);
    if (until === undefined) return 0;
    if (until <= this.now()) {
      this.blockedUntil.delete(userId);
      return 0;
    }
    return Math.ceil((until - this.now()) / 1000);
  }

  record(userId: string): void {
    const wait = this.limiter.take(userId);
    if (wait > 0) this.blockedUntil.set(userId, this.now() + wait * 1000);
  }
}
