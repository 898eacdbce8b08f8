// Retention deletes uploaded audio of jobs that ended long enough ago, and uploads no job refers
// to after a day — and nothing else: not recent or live jobs' audio, not songs, fingerprints,
// maps or the job rows.
import { utimesSync, writeFileSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir } from "../../lib/fingerprint/test-support.ts";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { syntheticFingerprint } from "../../test/fingerprints.ts";
import { registerSong } from "../services/songs.ts";
import { deleteExpiredUploads } from "./retention.ts";
import { localUploadStore, newUploadKey } from "./upload-store.ts";

const database = migratedDatabaseForFile();
let temp: ReturnType<typeof makeTempDir>;
beforeAll(() => {
  temp = makeTempDir();
});
afterAll(() => temp.cleanup());

describe("upload retention", () => {
  it("deletes old audio and nothing else", async () => {
    const { db } = database();
    const dir = path.join(temp.dir, "uploads");
    await fs.mkdir(dir);
    const store = localUploadStore(dir);
    const now = new Date("2025-06-10T12:00:00Z");
    const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600 * 1000);
    const file = (key: string, modified: Date) => {
      writeFileSync(path.join(dir, key), "audio bytes");
      utimesSync(path.join(dir, key), modified, modified);
      return key;
    };
    const { song } = await registerSong(db, { fingerprint: syntheticFingerprint(1), duration: 120 });
    const make = (
      state: "complete" | "failed" | "queued" | "processing",
      finishedAt: Date | null,
      key: string,
      n: number,
    ) =>
      db.aiJob.create({
        data: {
          dedupKey: `test:${n}`,
          songId: song.id,
          state,
          finishedAt,
          uploadKey: key,
          createdAt: hoursAgo(30),
        },
      });
    const oldDone = await make("complete", hoursAgo(2), file(newUploadKey("mp3"), hoursAgo(3)), 1);
    const oldFailed = await make("failed", hoursAgo(5), file(newUploadKey("wav"), hoursAgo(6)), 2);
    const recentDone = await make("complete", hoursAgo(0.5), file(newUploadKey("mp3"), hoursAgo(1)), 3);
    // Waiting for over a day in a long queue: still needed.
    const live = await make("queued", null, file(newUploadKey("flac"), hoursAgo(30)), 4);
    const orphanOld = file(newUploadKey("mp3"), hoursAgo(25));
    const orphanNew = file(newUploadKey("mp3"), hoursAgo(2));
    const notOurs = file("README.txt", hoursAgo(100));
    const before = {
      songs: await db.song.count(),
      fingerprints: await db.fingerprint.count(),
      maps: await db.map.count(),
      jobs: await db.aiJob.count(),
    };

    const result = await deleteExpiredUploads(db, store, 1, now);
    expect(result).toEqual({ jobUploads: 2, orphans: 1 });
    const left = (await fs.readdir(dir)).sort();
    expect(left).toEqual([recentDone.uploadKey, live.uploadKey, orphanNew, notOurs].sort());
    const marked = await db.aiJob.findMany({
      where: { uploadDeletedAt: { not: null } },
      select: { id: true },
    });
    expect(marked.map((j) => j.id).sort()).toEqual([oldDone.id, oldFailed.id].sort());
    expect({
      songs: await db.song.count(),
      fingerprints: await db.fingerprint.count(),
      maps: await db.map.count(),
      jobs: await db.aiJob.count(),
    }).toEqual(before);
    expect(orphanOld).not.toBe(orphanNew);

    // Running again finds nothing more to do.
    expect(await deleteExpiredUploads(db, store, 1, now)).toEqual({ jobUploads: 0, orphans: 0 });
  });
});
