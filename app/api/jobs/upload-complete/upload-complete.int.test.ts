// Presigned uploads end to end through the route handlers, on real PostgreSQL, FFmpeg and an
// S3-compatible server (test/s3.ts): POST /api/jobs/upload-url, a plain fetch PUT to the URL it
// gives, then POST /api/jobs/upload-complete. A good clip is queued; a silent one is refused with
// the same code and message as POST /api/jobs/upload, and leaves no object, job or job request.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DATA_DIR ??= require("node:fs").mkdtempSync(
    require("node:path").join(require("node:os").tmpdir(), "beatsight-direct-"),
  );
  process.env.LOG_LEVEL ??= "warn";
  process.env.FREE_MONTHLY_SERVER_JOBS = "5";
});

import { makeTempDir, renderSong, requireTools } from "../../../../lib/fingerprint/test-support.ts";
import { jobsConfig } from "../../../../server/jobs/config.ts";
import { monthlyAllowance } from "../../../../server/jobs/quota.ts";
import type { JobSystem } from "../../../../server/jobs/system.ts";
import { migratedDatabaseForFile } from "../../../../test/db.ts";
import { startRouteJobSystem, stopRouteJobSystem } from "../../../../test/runtime.ts";
import { startTestS3, type TestS3 } from "../../../../test/s3.ts";
import { createTestUser, type TestUser } from "../../../../test/users.ts";
import { POST as uploadUrl } from "../upload-url/route.ts";
import { POST as complete } from "./route.ts";

const database = migratedDatabaseForFile();
let jobs: JobSystem;
let temp: ReturnType<typeof makeTempDir>;
let s3: TestS3;
let user: TestUser;
let other: TestUser;

beforeAll(async () => {
  requireTools("sox", "ffmpeg");
  temp = makeTempDir();
  s3 = await startTestS3();
  // Before the settings are first read: uploads go to this test's bucket.
  Object.assign(process.env, s3.env);
  const { db } = database();
  jobs = await startRouteJobSystem(database());
  user = await createTestUser(db);
  other = await createTestUser(db);
});

afterAll(async () => {
  await stopRouteJobSystem();
  await s3?.stop();
  temp?.cleanup();
  if (process.env.DATA_DIR?.includes("beatsight-direct-"))
    rmSync(process.env.DATA_DIR, { recursive: true, force: true });
});

const post = async (route: typeof complete, who: TestUser, body: unknown) => {
  const response = await route(
    new Request("http://test/api/jobs/x", {
      method: "POST",
      headers: { cookie: who.cookie, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** Asks for a URL, PUTs `bytes` to it as a browser would, and completes; the answers of each step. */
async function sendDirect(bytes: Uint8Array, filename: string, who = user) {
  const target = await post(uploadUrl, who, { filename, bytes: bytes.length });
  expect(target.status).toBe(200);
  const { key, url } = target.body as { key: string; url: string };
  const put = await fetch(url, {
    method: "PUT",
    body: new Uint8Array(bytes),
    headers: { "content-type": "audio/wav" },
  });
  expect(put.status).toBe(200);
  return { key, done: await post(complete, who, { key, filename }) };
}

const bucketKeys = async () => jobs.store.listOlderThan(new Date(Date.now() + 60_000));

describe("presigned uploads: upload-url, PUT to the bucket, upload-complete", () => {
  it("a silent clip → 422 silent as from POST /api/jobs/upload, and nothing left in the bucket or the database", async () => {
    const { db } = database();
    execFileSync("sox", [
      "-n",
      "-r",
      "44100",
      "-c",
      "2",
      "-b",
      "16",
      path.join(temp.dir, "silence.wav"),
      "trim",
      "0",
      "20",
    ]);
    const { done } = await sendDirect(readFileSync(path.join(temp.dir, "silence.wav")), "silence.wav");
    expect(done).toMatchObject({
      status: 422,
      body: { error: { code: "silent", message: expect.any(String) } },
    });
    expect((done.body.error as { message: string }).message).toMatch(
      /silence\.wav is silent: it has no audible signal/,
    );
    expect(await bucketKeys()).toEqual([]);
    expect(await db.aiJob.count()).toBe(0);
    expect(await db.jobRequest.count()).toBe(0);
    expect((await monthlyAllowance(db, user.id, 5)).used).toBe(0);
  });

  it("a good clip is queued from the bucket; the job keeps the only object, and the key cannot be completed again", async () => {
    const { db } = database();
    const song = readFileSync(renderSong(temp.dir, 41, 8));
    const { key, done } = await sendDirect(song, "Good Song.wav");
    expect(done).toMatchObject({ status: 201, body: { outcome: "new_job", status: { state: "queued" } } });
    const job = await db.aiJob.findFirstOrThrow({ select: { uploadKey: true, uploadName: true } });
    expect(job.uploadName).toBe("Good Song.wav");
    expect(await bucketKeys()).toEqual([job.uploadKey]);
    expect((await monthlyAllowance(db, user.id, 5)).used).toBe(1);

    const again = await post(complete, user, { key, filename: "Good Song.wav" });
    expect(again).toMatchObject({ status: 400, body: { error: { code: "upload-incomplete" } } });
    expect(await bucketKeys()).toEqual([job.uploadKey]);
  });

  it("another person's key, a key never uploaded to, and malformed requests are refused", async () => {
    const song = readFileSync(renderSong(temp.dir, 42, 8));
    const target = await post(uploadUrl, user, { filename: "mine.wav", bytes: song.length });
    const { key, url } = target.body as { key: string; url: string };
    expect((await fetch(url, { method: "PUT", body: new Uint8Array(song) })).status).toBe(200);
    const stolen = await post(complete, other, { key, filename: "mine.wav" });
    expect(stolen).toMatchObject({ status: 400, body: { error: { code: "upload-incomplete" } } });

    const unused = await post(uploadUrl, user, { filename: "later.wav", bytes: 1000 });
    const never = await post(complete, user, {
      key: (unused.body as { key: string }).key,
      filename: "later.wav",
    });
    expect(never).toMatchObject({ status: 400, body: { error: { code: "upload-incomplete" } } });

    const max = jobsConfig().uploadMaxBytes;
    expect(await post(uploadUrl, user, { filename: "huge.wav", bytes: max + 1 })).toMatchObject({
      status: 413,
      body: { error: { code: "upload-too-large" } },
    });
    expect(await post(uploadUrl, user, { filename: "none.wav", bytes: 0 })).toMatchObject({
      status: 400,
      body: { error: { code: "empty" } },
    });
    expect(await post(uploadUrl, user, { name: "x" })).toMatchObject({
      status: 400,
      body: { error: { code: "bad-request" } },
    });
    // The owner's upload is still there to complete.
    const mine = await post(complete, user, { key, filename: "mine.wav" });
    expect(mine.status).toBe(201);
  });
});
