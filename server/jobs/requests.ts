// A signed-in user asks the server to chart a song they uploaded. The server trusts only what it
// measures itself: the file is sniffed, checked (upload-audio.ts: codec, header, length, signal),
// decoded and fingerprinted here, and the song found by that fingerprint. Then one of three
// answers, recorded in job_requests:
//   existing_map — the song already has a chart: nothing is computed, the upload is deleted;
//   joined       — a job for the song is queued or running: the user is attached to it;
//   new_job      — a new job is queued (after the monthly quota check).

import { sniffAudio } from "../../lib/audio/sniff.ts";
import { type FingerprintError, isFingerprintError } from "../../lib/fingerprint/errors.ts";
import { fingerprintFile } from "../../lib/fingerprint/node.ts";
import type { Db } from "../db/client.ts";
import { Prisma } from "../db/client.ts";
import { moduleLogger } from "../log.ts";
import { registerSong, SongInputError } from "../services/songs.ts";
import type { JobsConfig } from "./config.ts";
import { notifyJobFinished } from "./finish.ts";
import type { JobQueue } from "./queue.ts";
import { monthlyAllowance } from "./quota.ts";
import { JobRequestError } from "./request-error.ts";
import { checkUploadedAudio } from "./upload-audio.ts";
import type { StoredUpload, UploadStore } from "./upload-store.ts";

const log = moduleLogger("jobs");

export { JobRequestError } from "./request-error.ts";

export type JobRequestResult =
  | { outcome: "existing_map"; songId: string; mapId: string }
  | { outcome: "joined" | "new_job"; songId: string; jobId: string };

export interface JobRequestDeps {
  db: Db;
  store: UploadStore;
  queue: JobQueue;
  config: Pick<JobsConfig, "FREE_MONTHLY_SERVER_JOBS" | "LIVE_JOBS_PER_USER">;
}

export const dedupKeyOf = (songId: string) => `song:${songId}`;

export async function requestServerJob(
  deps: JobRequestDeps,
  input: { userId: string; upload: StoredUpload; filename: string },
): Promise<JobRequestResult> {
  const { db, store } = deps;
  const { upload, userId } = input;
  let keepUpload = false;
  try {
    const sniffed = sniffAudio(upload.head);
    if (!sniffed.audio) {
      throw new JobRequestError(
        "not-audio",
        `${input.filename} is not an audio file${sniffed.looksLike ? ` (it looks like ${sniffed.looksLike})` : ""}. Choose an mp3, m4a, ogg, opus, flac or wav file.`,
      );
    }
    // Measured before fingerprinting, so a bad file gets a reason (too short, silent, cut short…).
    const fingerprint = await store.withLocalFile(upload.key, async (file) => {
      await checkUploadedAudio(file, input.filename);
      return fingerprintFile(file).catch((error: unknown) => {
        throw isFingerprintError(error) ? asRequestError(error, input.filename) : error;
      });
    });
    let songId: string;
    try {
      songId = (
        await registerSong(db, { fingerprint: fingerprint.compressed, duration: fingerprint.durationSeconds })
      ).song.id;
    } catch (error) {
      if (error instanceof SongInputError) throw new JobRequestError("too-short", error.message);
      throw error;
    }

    const existingMap = await db.map.findFirst({
      where: { songId, state: { not: "archived" } },
      orderBy: [{ isCanonical: "desc" }, { updatedAt: "desc" }],
      select: { id: true },
    });
    if (existingMap) {
      await db.jobRequest.create({ data: { userId, songId, outcome: "existing_map" } });
      return { outcome: "existing_map", songId, mapId: existingMap.id };
    }

    const joined = await joinLiveJob(db, userId, songId);
    if (joined) return { outcome: "joined", songId, jobId: joined };

    await checkAllowance(deps, userId);
    const job = await createJob(db, deps.queue, {
      userId,
      songId,
      upload,
      filename: input.filename,
      fingerprint: fingerprint.compressed,
      durationSeconds: fingerprint.durationSeconds,
      priority: await priorityFor(db, userId),
    });
    if (job.joined) return { outcome: "joined", songId, jobId: job.id };
    keepUpload = true;
    log.info({ jobId: job.id, songId, userId }, "server job queued");
    return { outcome: "new_job", songId, jobId: job.id };
  } finally {
    if (!keepUpload) await store.delete(upload.key).catch(() => {});
  }
}

/** The fingerprinter's refusals (rare after checkUploadedAudio) in the request's terms. */
function asRequestError(error: FingerprintError, filename: string): Error {
  switch (error.code) {
    case "not-audio":
    case "decode-failed":
      return new JobRequestError(
        "not-audio",
        `${filename} could not be decoded as audio. It may be damaged or in a format this server cannot read; try an mp3, flac or wav.`,
      );
    case "too-short":
      return new JobRequestError("too-short", `${filename}: ${error.message} Upload the whole song.`);
    case "silent":
      return new JobRequestError(
        "silent",
        `${filename} is silent: it has no audible signal. Check that you exported the right track, then upload it again.`,
      );
    default:
      return error;
  }
}

/** Attaches the user to the song's queued or running job, if there is one; returns its id. */
async function joinLiveJob(db: Db, userId: string, songId: string): Promise<string | null> {
  const live = await db.aiJob.findFirst({
    where: { dedupKey: dedupKeyOf(songId), state: { in: ["queued", "processing"] } },
    select: { id: true },
  });
  if (!live) return null;
  await db.$transaction([
    db.aiJobSubscriber.createMany({ data: [{ jobId: live.id, userId }], skipDuplicates: true }),
    db.jobRequest.create({ data: { userId, songId, jobId: live.id, outcome: "joined" } }),
  ]);
  // The job may have ended between the lookup and the insert; then its notifications went out
  // without this user, who is told now.
  await notifyJobFinished(db, live.id);
  return live.id;
}

async function checkAllowance(deps: JobRequestDeps, userId: string): Promise<void> {
  const allowance = await monthlyAllowance(deps.db, userId, deps.config.FREE_MONTHLY_SERVER_JOBS);
  if (allowance.remaining <= 0) throw new JobRequestError("quota", allowance.message);
  const live = await deps.db.aiJob.count({
    where: { requestedById: userId, state: { in: ["queued", "processing"] } },
  });
  if (live >= deps.config.LIVE_JOBS_PER_USER) {
    throw new JobRequestError(
      "too-many-live",
      `You already have ${live} songs waiting on the server (at most ${deps.config.LIVE_JOBS_PER_USER} at once). Wait for one to finish.`,
    );
  }
}

/**
 * People who have used the server least this month go first, so one heavy user cannot starve the
 * queue for everyone else. pg-boss serves higher numbers first.
 */
async function priorityFor(db: Db, userId: string): Promise<number> {
  const since = new Date(Date.now() - 24 * 3600 * 1000);
  const recent = await db.jobRequest.count({
    where: { userId, outcome: "new_job", createdAt: { gte: since } },
  });
  return Math.max(0, 10 - recent);
}

/** The job row, its first subscriber, the request record and the queue message: all or nothing. */
async function createJob(
  db: Db,
  queue: JobQueue,
  input: {
    userId: string;
    songId: string;
    upload: StoredUpload;
    filename: string;
    fingerprint: string;
    durationSeconds: number;
    priority: number;
  },
): Promise<{ id: string; priority: number; joined: boolean }> {
  try {
    return await db.$transaction(async (tx) => {
      const job = await tx.aiJob.create({
        data: {
          dedupKey: dedupKeyOf(input.songId),
          songId: input.songId,
          requestedById: input.userId,
          priority: input.priority,
          uploadKey: input.upload.key,
          uploadBytes: BigInt(input.upload.bytes),
          uploadName: input.filename.slice(0, 200),
          fingerprint: input.fingerprint,
          audioSeconds: input.durationSeconds,
          subscribers: { create: { userId: input.userId } },
        },
        select: { id: true },
      });
      await tx.jobRequest.create({
        data: { userId: input.userId, songId: input.songId, jobId: job.id, outcome: "new_job" },
      });
      await queue.enqueue(tx, job.id, input.priority);
      return { id: job.id, priority: input.priority, joined: false };
    });
  } catch (error) {
    // Someone queued the same song a moment ago (ai_jobs_one_live_per_key): join theirs.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const joined = await joinLiveJob(db, input.userId, input.songId);
      if (joined) return { id: joined, priority: input.priority, joined: true };
    }
    throw error;
  }
}
