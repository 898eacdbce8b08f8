// Server generation end to end on real PostgreSQL with the real pipeline (onnxruntime-node, CPU):
// 30 requests from 30 users for 4 songs (some re-encoded, every queue message delivered twice)
// worked by 2 workers → one job and one map per song, everyone told once; a failing upload is
// refused with a sentence; quotas. Worker death (SIGKILL) is in worker-kill.int.test.ts.
import { rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  // Before any module reads the environment: logs and uploads go to this test's directory.
  process.env.DATA_DIR ??= require("node:fs").mkdtempSync(
    require("node:path").join(require("node:os").tmpdir(), "beatsight-jobs-"),
  );
  process.env.LOG_LEVEL ??= "warn";
  // Mail is kept in dev_mail, where the test counts it.
  delete process.env.SMTP_URL;
});

import { makeTempDir, renderSong, requireTools, transcode } from "../../lib/fingerprint/test-support.ts";
import { createNodePipeline, type NodePipeline } from "../../lib/pipeline/node.ts";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { eventually, testJobsConfig, uploadFile } from "../../test/jobs.ts";
import { createTestUser } from "../../test/users.ts";
import { drainDeliveries } from "../notifications/deliveries.ts";
import { defaultSenders } from "../notifications/delivery-loop.ts";
import { GENERATE_QUEUE } from "../queue/boss.ts";
import { JobRequestError, type JobRequestResult, requestServerJob } from "./requests.ts";
import { type JobSystem, startJobSystem } from "./system.ts";

const database = migratedDatabaseForFile();
let temp: ReturnType<typeof makeTempDir>;
let songs: string[];
let pipeline: Promise<NodePipeline>;

beforeAll(() => {
  requireTools("sox", "ffmpeg");
  temp = makeTempDir();
  // Four different 8-second songs, and a re-encoded copy of two of them (same song, other bytes).
  const wavs = [11, 12, 13, 14].map((seed) => renderSong(temp.dir, seed, 8));
  songs = [
    ...wavs,
    transcode(wavs[0]!, path.join(temp.dir, "song11.mp3"), ["-b:a", "192k"]),
    transcode(wavs[2]!, path.join(temp.dir, "song13.flac")),
  ];
  pipeline = createNodePipeline(undefined, { device: "cpu" });
});
afterAll(() => temp?.cleanup());

describe("server jobs", () => {
  it("30 requests for 4 songs on 2 workers: each song generated once, one map each, everyone notified once", async () => {
    const { db, url } = database();
    const config = testJobsConfig(path.join(temp.dir, "data-a"));
    // The web process: queue only, no worker yet, so every request is queued before work starts.
    const web = await startJobSystem({ db, databaseUrl: url, config, worker: false });
    const workers: JobSystem[] = [];
    try {
      const users = await Promise.all(Array.from({ length: 30 }, () => createTestUser(db)));
      const results: JobRequestResult[] = [];
      // In waves of 6 concurrent requests: joins race with creations inside each wave.
      for (let wave = 0; wave < 5; wave++) {
        const batch = users.slice(wave * 6, wave * 6 + 6);
        results.push(
          ...(await Promise.all(
            batch.map(async (user, i) => {
              const file = songs[(wave * 6 + i) % songs.length]!;
              const upload = await uploadFile(web.store, file);
              return requestServerJob(
                { db, store: web.store, queue: web.queue, config },
                { userId: user.id, upload, filename: path.basename(file) },
              );
            }),
          )),
        );
      }
      const jobIds = [...new Set(results.map((r) => (r.outcome === "existing_map" ? null : r.jobId)))];
      expect(results.every((r) => r.outcome === "new_job" || r.outcome === "joined")).toBe(true);
      expect(jobIds).toHaveLength(4);
      expect(results.filter((r) => r.outcome === "new_job")).toHaveLength(4);
      // At-least-once delivery: every job's message is sent a second time.
      for (const id of jobIds) await web.boss.send(GENERATE_QUEUE, { jobId: id });

      const shared = () => pipeline;
      for (let i = 0; i < 2; i++) {
        workers.push(
          await startJobSystem({
            db,
            databaseUrl: url,
            config,
            worker: true,
            pipeline: shared,
          }),
        );
      }
      // Done when no job is open and no queue message is waiting or being worked (a worker
      // acknowledges its message only after the job's notifications went out).
      await eventually(async () => {
        const open = await db.aiJob.count({ where: { state: { in: ["queued", "processing"] } } });
        const messages = await web.boss.getQueueSize(GENERATE_QUEUE, { before: "completed" });
        return open === 0 && messages === 0 ? true : undefined;
      });

      const jobs = await db.aiJob.findMany({ include: { subscribers: true } });
      expect(jobs.map((j) => j.state)).toEqual(["complete", "complete", "complete", "complete"]);
      // Each song processed once: one attempt per job, one map (one version) per song.
      expect(jobs.map((j) => j.attempts)).toEqual([1, 1, 1, 1]);
      const maps = await db.map.findMany({ include: { versions: true } });
      expect(maps).toHaveLength(4);
      expect(new Set(maps.map((m) => m.songId)).size).toBe(4);
      expect(maps.every((m) => m.versions.length === 1 && m.versions[0]!.source === "ai")).toBe(true);
      expect(new Set(jobs.map((j) => j.resultMapId))).toEqual(new Set(maps.map((m) => m.id)));
      // The server-made chart is titled after the uploaded file and validated like any other.
      const generation = maps[0]!.versions[0]!.generation as Record<string, unknown>;
      expect(generation.backend).toBe("node-cpu");
      expect(jobs.every((j) => (j.stageSeconds as Record<string, number>).separate! > 0)).toBe(true);

      // Everyone who asked was told exactly once, in-app and by email: one delivery each in the
      // notification outbox, sent once by a drainer (every web process runs one).
      const notes = await db.notification.findMany({ where: { kind: "job.complete" } });
      expect(notes).toHaveLength(30);
      expect(new Set(notes.map((n) => n.userId))).toEqual(new Set(users.map((u) => u.id)));
      expect(jobs.flatMap((j) => j.subscribers).every((s) => s.notifiedAt !== null)).toBe(true);
      expect(await db.notificationDelivery.count({ where: { channel: "email" } })).toBe(30);
      while ((await drainDeliveries(db, defaultSenders(db))).claimed > 0) {}
      expect(await db.notificationDelivery.count({ where: { channel: "email", state: "sent" } })).toBe(30);
      const emails = await db.costRecord.count({ where: { kind: "email" } });
      expect(emails).toBe(30);
      expect(await db.devMail.count()).toBe(30);
      const cpu = await db.costRecord.findMany({ where: { kind: "cpu" } });
      expect(cpu).toHaveLength(4);
      expect(cpu.every((c) => c.quantity > 0 && Number(c.amountUsd) > 0)).toBe(true);

      // A fifth user asking for a charted song gets the map at once; nothing is queued.
      const late = await createTestUser(db);
      const again = await requestServerJob(
        { db, store: web.store, queue: web.queue, config },
        { userId: late.id, upload: await uploadFile(web.store, songs[4]!), filename: "again.mp3" },
      );
      expect(again.outcome).toBe("existing_map");
      expect(await db.aiJob.count()).toBe(4);
    } finally {
      for (const w of workers) await w.stop();
      await web.stop();
    }
  }, 600_000);

  it("refuses files that are not audio, naming what they look like, and keeps nothing", async () => {
    const { db, url } = database();
    const config = testJobsConfig(path.join(temp.dir, "data-b"));
    const web = await startJobSystem({ db, databaseUrl: url, config, worker: false });
    try {
      const user = await createTestUser(db);
      const png = path.join(temp.dir, "cover.mp3");
      writeFileSync(
        png,
        Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2000)]),
      );
      const ask = async (file: string) =>
        requestServerJob(
          { db, store: web.store, queue: web.queue, config },
          { userId: user.id, upload: await uploadFile(web.store, file), filename: path.basename(file) },
        ).catch((e: unknown) => e);
      const refused = await ask(png);
      expect(refused).toBeInstanceOf(JobRequestError);
      expect((refused as Error).message).toMatch(
        /cover\.mp3 is not an audio file \(it looks like a PNG image\)/,
      );
      // Audio-looking bytes that do not decode.
      const broken = path.join(temp.dir, "broken.wav");
      writeFileSync(broken, Buffer.concat([Buffer.from("RIFF\0\0\0\0WAVEjunk"), Buffer.alloc(4000, 7)]));
      expect(((await ask(broken)) as Error).message).toMatch(/could not be decoded as audio/);
      expect(await db.aiJob.count({ where: { requestedById: user.id } })).toBe(0);
      expect(await web.store.listOlderThan(new Date(Date.now() + 60_000))).toEqual([]);
    } finally {
      await web.stop();
    }
  });

  it("stops new jobs past the monthly quota with a message, but still lets the user join a running job", async () => {
    const { db, url } = database();
    const config = testJobsConfig(path.join(temp.dir, "data-c"), { FREE_MONTHLY_SERVER_JOBS: "1" });
    const web = await startJobSystem({ db, databaseUrl: url, config, worker: false });
    try {
      // Songs nobody has asked for yet.
      const fresh = [21, 22, 23].map((seed) => renderSong(temp.dir, seed, 8));
      const user = await createTestUser(db);
      const deps = { db, store: web.store, queue: web.queue, config };
      const ask = async (file: string) =>
        requestServerJob(deps, {
          userId: user.id,
          upload: await uploadFile(web.store, file),
          filename: "x.wav",
        }).catch((e: unknown) => e as Error);
      const first = await ask(fresh[0]!);
      expect(first).toMatchObject({ outcome: "new_job" });
      const second = await ask(fresh[1]!);
      expect(second).toBeInstanceOf(JobRequestError);
      expect((second as Error).message).toMatch(/used all 1 server generations for this month/);
      // Someone else's live job for a song costs nothing to join.
      const other = await createTestUser(db);
      await requestServerJob(deps, {
        userId: other.id,
        upload: await uploadFile(web.store, fresh[2]!),
        filename: "y.wav",
      });
      expect(await ask(fresh[2]!)).toMatchObject({ outcome: "joined" });
    } finally {
      await web.stop();
    }
  });
});

afterAll(() => {
  if (process.env.DATA_DIR?.includes("beatsight-jobs-"))
    rmSync(process.env.DATA_DIR, { recursive: true, force: true });
  void os;
});
