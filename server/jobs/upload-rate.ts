// How often one person may upload for server generation. The hourly limit (UPLOADS_PER_HOUR)
// counts accepted requests only — rows in job_requests, shared by every web process — so a wrong
// file, a damaged one or a server failure costs nothing. Refused uploads still cost the server
// a store and an FFmpeg pass each, so a separate, much larger limit ("uploads.refused" in the
// shared rate-limit store) stops someone sending bad files in a loop.
import type { Db } from "../db/client.ts";
import { LIMITS } from "../services/limit-policies.ts";
import { peekLimit, refundLimit, takeLimit } from "../services/rate-limit.ts";

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
export const refusalsPerHour = (uploadsPerHour: number) =>
  Math.max(LIMITS["uploads.refused"].points, 3 * uploadsPerHour);

/** Seconds until `userId` may upload again after too many refused uploads (0: now). */
export function refusedUploadWait(db: Db, userId: string, uploadsPerHour: number): Promise<number> {
  return peekLimit(db, "uploads.refused", userId, { points: refusalsPerHour(uploadsPerHour) });
}

/** Counts one refused upload of `userId`'s. */
export async function recordRefusedUpload(db: Db, userId: string, uploadsPerHour: number): Promise<void> {
  await takeLimit(db, "uploads.refused", userId, { points: refusalsPerHour(uploadsPerHour) });
}

/**
 * Counts a presigned upload URL handed to `userId` as a refused upload until the upload is
 * completed and accepted (refundPresignedUpload): each URL lets a file into the bucket, so URLs
 * asked for and never completed are limited like bad files. Seconds to wait (0: counted, go on).
 */
export function takePresignedUpload(db: Db, userId: string, uploadsPerHour: number): Promise<number> {
  return takeLimit(db, "uploads.refused", userId, { points: refusalsPerHour(uploadsPerHour) });
}

/** Gives back what takePresignedUpload counted: the upload was accepted, or refused through no fault of the file. */
export function refundPresignedUpload(db: Db, userId: string): Promise<void> {
  return refundLimit(db, "uploads.refused", userId);
}
