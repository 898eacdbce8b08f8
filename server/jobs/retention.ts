// Uploaded audio is temporary: it is deleted a configured time (≤ 24 h) after its job ended, and
// uploads that never became a job (refused, or the request died half-way) after 24 h. Songs,
// fingerprints, maps and the job rows stay; only the audio goes.
import type { Db } from "../db/client.ts";
import { moduleLogger } from "../log.ts";
import type { UploadStore } from "./upload-store.ts";

const log = moduleLogger("retention");

/** Upload files no job refers to are deleted once they are this old. */
export const ORPHAN_UPLOAD_HOURS = 24;
/** How often the sweep runs (the maintenance schedule in ./system.ts). */
export const RETENTION_SWEEP_MINUTES = 15;

export interface RetentionResult {
  /** Audio of finished jobs deleted. */
  jobUploads: number;
  /** Files no job refers to, deleted. */
  orphans: number;
}

export async function deleteExpiredUploads(
  db: Db,
  store: UploadStore,
  retentionHours: number,
  now = new Date(),
): Promise<RetentionResult> {
  const cutoff = new Date(now.getTime() - retentionHours * 3600 * 1000);
  const expired = await db.aiJob.findMany({
    where: {
      uploadKey: { not: null },
      uploadDeletedAt: null,
      state: { in: ["complete", "failed", "cancelled"] },
      finishedAt: { lte: cutoff },
    },
    select: { id: true, uploadKey: true },
    take: 1000,
  });
  for (const job of expired) {
    await store.delete(job.uploadKey!);
    await db.aiJob.update({ where: { id: job.id }, data: { uploadDeletedAt: now } });
  }

  // Files older than a day that no live or recent job refers to.
  const old = await store.listOlderThan(new Date(now.getTime() - ORPHAN_UPLOAD_HOURS * 3600 * 1000));
  let orphans = 0;
  if (old.length > 0) {
    const referenced = new Set(
      (
        await db.aiJob.findMany({
          where: { uploadKey: { in: old }, uploadDeletedAt: null, state: { in: ["queued", "processing"] } },
          select: { uploadKey: true },
        })
      ).map((j) => j.uploadKey),
    );
    for (const key of old) {
      if (referenced.has(key)) continue;
      await store.delete(key);
      await db.aiJob.updateMany({
        where: { uploadKey: key, uploadDeletedAt: null },
        data: { uploadDeletedAt: now },
      });
      orphans++;
    }
  }
  if (expired.length + orphans > 0)
    log.info({ jobUploads: expired.length, orphans }, "deleted expired uploads");
  return { jobUploads: expired.length, orphans };
}
