// POST /api/jobs/upload with bad audio, through the route handler on real PostgreSQL, FFmpeg and
// sox: each refusal is a 4xx `{ error: { code, message } }` whose message says what to do, and
// leaves no stored upload, no job and no job request (so no hourly or monthly allowance is used).
// The files are made here: sox/FFmpeg for audio, bytes for lying headers.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  // Before any module reads the environment: uploads under this test's directory, and an hourly
  // limit the refusals below would exceed many times over if they counted.
  process.env.DATA_DIR ??= require("node:fs").mkdtempSync(
    require("node:path").join(require("node:os").tmpdir(), "beatsight-upload-"),
  );
  process.env.LOG_LEVEL ??= "warn";
  process.env.UPLOADS_PER_HOUR = "2";
  process.env.FREE_MONTHLY_SERVER_JOBS = "5";
});

import {
  makeTempDir,
  renderSong,
  requireTools,
  transcode,
} from "../../../../lib/fingerprint/test-support.ts";
import { monthlyAllowance } from "../../../../server/jobs/quota.ts";
import type { JobSystem } from "../../../../server/jobs/system.ts";
import { migratedDatabaseForFile } from "../../../../test/db.ts";
import { startRouteJobSystem, stopRouteJobSystem } from "../../../../test/runtime.ts";
import { createTestUser, type TestUser } from "../../../../test/users.ts";
import { POST } from "./route.ts";

const database = migratedDatabaseForFile();
let jobs: JobSystem;
let temp: ReturnType<typeof makeTempDir>;
let user: TestUser;

beforeAll(async () => {
  requireTools("sox", "ffmpeg");
  temp = makeTempDir();
  // The route's runtime and job system are this test's database and a queue without a worker.
  const { db } = database();
  jobs = await startRouteJobSystem(database());
  user = await createTestUser(db);
});

afterAll(async () => {
  await stopRouteJobSystem();
  temp?.cleanup();
  if (process.env.DATA_DIR?.includes("beatsight-upload-"))
    rmSync(process.env.DATA_DIR, { recursive: true, force: true });
});

const file = (name: string) => path.join(temp.dir, name);
const ffmpeg = (args: string[]) =>
  execFileSync("ffmpeg", ["-v", "error", "-y", ...args], { stdio: ["ignore", "ignore", "pipe"] });

async function upload(bytes: Uint8Array, filename: string, headerName = encodeURIComponent(filename)) {
  const response = await POST(
    new Request("http://test/api/jobs/upload", {
      method: "POST",
      headers: { cookie: user.cookie, "x-filename": headerName, "content-type": "application/octet-stream" },
      body: new Uint8Array(bytes),
    }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Refused with `status` and `code`, a message matching `says`, and nothing kept or counted. */
async function expectRefused(
  sent: Promise<{ status: number; body: Record<string, unknown> }>,
  status: number,
  code: string,
  says: RegExp,
) {
  const { db } = database();
  const { status: got, body } = await sent;
  expect({ status: got, body }).toMatchObject({
    status,
    body: { error: { code, message: expect.any(String) } },
  });
  expect((body.error as { message: string }).message).toMatch(says);
  expect(await db.aiJob.count()).toBe(0);
  expect(await db.jobRequest.count()).toBe(0);
  expect((await monthlyAllowance(db, user.id, 5)).used).toBe(0);
  expect(await jobs.store.listOlderThan(new Date(Date.now() + 60_000))).toEqual([]);
}

/** A 16-bit PCM WAV header; `dataBytes` is what it claims, whatever follows it. */
function wavHeader(o: { formatTag?: number; rate: number; channels: number; dataBytes: number }): Buffer {
  const h = Buffer.alloc(44);
  h.write("RIFF", 0, "ascii");
  h.writeUInt32LE(Math.min(0xffffffff, 36 + o.dataBytes), 4);
  h.write("WAVEfmt ", 8, "ascii");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(o.formatTag ?? 1, 20);
  h.writeUInt16LE(o.channels, 22);
  h.writeUInt32LE(o.rate, 24);
  h.writeUInt32LE(o.rate * o.channels * 2, 28);
  h.writeUInt16LE(o.channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36, "ascii");
  h.writeUInt32LE(o.dataBytes, 40);
  return h;
}

describe("POST /api/jobs/upload refuses bad audio with a 4xx that says what to do", () => {
  it("too short: a 3-second clip → 422 too-short, naming the 5-second minimum", async () => {
    const clip = readFileSync(renderSong(temp.dir, 31, 3));
    await expectRefused(upload(clip, "clip.wav"), 422, "too-short", /at least 5 seconds/);
  });

  it("silent: 20 s of digital silence → 422 silent", async () => {
    execFileSync("sox", ["-n", "-r", "44100", "-c", "2", "-b", "16", file("silence.wav"), "trim", "0", "20"]);
    await expectRefused(
      upload(readFileSync(file("silence.wav")), "silence.wav"),
      422,
      "silent",
      /no audible signal/,
    );
  });

  it("not audio: a PNG, and bytes that only start like a WAV → 415 not-audio", async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(2000),
    ]);
    await expectRefused(upload(png, "cover.mp3"), 415, "not-audio", /looks like a PNG image.*Choose an mp3/);
    const junk = Buffer.concat([Buffer.from("RIFF\0\0\0\0WAVEjunk"), Buffer.alloc(4000, 7)]);
    await expectRefused(upload(junk, "broken.wav"), 415, "not-audio", /could not be decoded as audio/);
  });

  it("unsupported codec: a WAV in a codec FFmpeg does not know, and one outside the list → 415", async () => {
    const unknown = Buffer.concat([
      wavHeader({ formatTag: 0x5555, rate: 44100, channels: 2, dataBytes: 1_764_000 }),
      Buffer.alloc(1_764_000, 3),
    ]);
    await expectRefused(
      upload(unknown, "odd.wav"),
      415,
      "unsupported-codec",
      /Convert it to mp3, flac or wav/,
    );
    const song = renderSong(temp.dir, 32, 8);
    transcode(song, file("adpcm.wav"), ["-c:a", "adpcm_ima_wav"]);
    await expectRefused(
      upload(readFileSync(file("adpcm.wav")), "adpcm.wav"),
      415,
      "unsupported-codec",
      /adpcm_ima_wav codec.*Convert it/,
    );
  });

  it("too long: 7 hours of silent FLAC → 422 too-long, naming the 20-minute limit", async () => {
    ffmpeg(["-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "25200", "-c:a", "flac", file("7h.flac")]);
    await expectRefused(
      upload(readFileSync(file("7h.flac")), "7h.flac"),
      422,
      "too-long",
      /is 7 h 0 min long; the server charts songs up to 20 minutes/,
    );
  });

  it("truncated or lying headers: a bare 44-byte WAV header, a WAV claiming 4 GB, a FLAC cut short → 422 truncated", async () => {
    const clip = readFileSync(renderSong(temp.dir, 33, 3));
    await expectRefused(
      upload(clip.subarray(0, 44), "header.wav"),
      422,
      "truncated",
      /header promises 3 s.*holds 0 s/,
    );
    const song = readFileSync(renderSong(temp.dir, 34, 10));
    const lying = Buffer.from(song);
    lying.writeUInt32LE(0xfffffff0, 4);
    lying.writeUInt32LE(0xffffff00, 40);
    await expectRefused(upload(lying, "lying.wav"), 422, "truncated", /is incomplete: .*make the file again/);
    const flac = readFileSync(transcode(renderSong(temp.dir, 35, 20), file("cut.flac")));
    await expectRefused(
      upload(flac.subarray(0, Math.floor(flac.length / 3)), "cut.flac"),
      422,
      "truncated",
      /header promises 20 s/,
    );
  });

  it("a malformed X-Filename → 400 bad-filename, nothing stored", async () => {
    const song = readFileSync(renderSong(temp.dir, 36, 8));
    await expectRefused(upload(song, "x.wav", "%E0%A4%A"), 400, "bad-filename", /encodeURIComponent/);
  });

  it("after all those refusals (more than UPLOADS_PER_HOUR=2), a good song is still accepted", async () => {
    const { db } = database();
    const song = readFileSync(renderSong(temp.dir, 37, 8));
    const { status, body } = await upload(song, "Good Song.wav");
    expect(status).toBe(201);
    expect(body).toMatchObject({ outcome: "new_job" });
    expect(await db.aiJob.count()).toBe(1);
    expect((await monthlyAllowance(db, user.id, 5)).used).toBe(1);
    expect(await db.aiJob.findFirst({ select: { uploadName: true } })).toEqual({
      uploadName: "Good Song.wav",
    });
  });

  it("the hourly limit counts accepted uploads: a second is accepted, a third answers 429 rate-limited", async () => {
    const { db } = database();
    const second = await upload(readFileSync(renderSong(temp.dir, 38, 8)), "second.wav");
    expect(second.status).toBe(201);
    const third = await upload(readFileSync(renderSong(temp.dir, 39, 8)), "third.wav");
    expect(third).toMatchObject({
      status: 429,
      body: { error: { code: "rate-limited", message: expect.stringMatching(/try again in \d+ minutes/) } },
    });
    expect(await db.aiJob.count()).toBe(2);
  });
});
