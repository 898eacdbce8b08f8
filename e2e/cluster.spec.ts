// Several processes on one external PostgreSQL, as a deployment runs them (issue 30.7): two web
// processes (A and B) and two job workers of this checkout's production build, all on one fresh
// database of a Debian PostgreSQL server — DATABASE_URL_TEST in CI (.ci/run), else one started
// here by scripts/external-postgres.sh. What one process does, the others must see: a song, a
// limit, a job and its events. No browser: everything arrives as plain HTTP, as in
// e2e/security.spec.ts.
import { randomBytes, randomInt } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { compressFingerprint } from "../lib/fingerprint/compress.ts";
import { renderSong, requireTools } from "../lib/fingerprint/test-support.ts";
import { createDb, type Db } from "../server/db/client.ts";
import type { AppServer } from "../test/app-server.ts";
import { type ClusterDatabase, clusterDatabase } from "../test/cluster/postgres.ts";
import {
  clusterEnv,
  startWebProcesses,
  startWorkers,
  type WorkerProcess,
  workerCommand,
} from "../test/cluster/processes.ts";
import { eventually } from "../test/jobs.ts";
import { createTestUser, type TestUser } from "../test/users.ts";

test.describe.configure({ mode: "serial" });
// Four servers start on two cores, then two server jobs run (one of them twice).
test.setTimeout(600_000);

let database: ClusterDatabase;
let db: Db;
let a: AppServer;
let b: AppServer;
let workers: WorkerProcess[] = [];
let temp: string;
let env: Record<string, string>;

test.beforeAll(async () => {
  requireTools("sox");
  temp = mkdtempSync(path.join(tmpdir(), "beatsight-cluster-"));
  database = await clusterDatabase();
  console.log(
    `cluster: PostgreSQL ${database.serverVersion} (${database.fromEnvironment ? "DATABASE_URL_TEST" : "started by scripts/external-postgres.sh"}), ` +
      `worker ${workerCommand().compiled ? "compiled (.next/standalone/worker.mjs)" : "through tsx"}`,
  );
  env = clusterEnv({
    databaseUrl: database.url,
    uploadDir: path.join(temp, "uploads"),
    // Clients name their address in X-Forwarded-For, as a proxy in front of both would.
    extra: { TRUST_PROXY: "1" },
  });
  // Both at once: they also race to apply the migrations, which the advisory lock serialises.
  [a, b] = (await startWebProcesses(2, env)) as [AppServer, AppServer];
  db = createDb(database.url, { maxConnections: 2 });
});

test.afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.$disconnect();
  await database?.drop();
  if (temp) rmSync(temp, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

async function trpc(
  server: AppServer,
  procedure: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${server.url}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ json: input }),
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

const data = <T>(answer: Answer): T => JSON.parse(answer.body).result.data.json as T;
const from = (address: string) => ({ "x-forwarded-for": address });

/** A Chromaprint fingerprint of 60 s of nothing in particular: each one a different song. */
function randomFingerprint(): { fingerprint: string; duration: number } {
  const raw = Array.from({ length: 400 }, () => randomInt(2 ** 32) >>> 0);
  return { fingerprint: compressFingerprint(raw), duration: 60 };
}

test("a song registered through one web process is identified through the other", async () => {
  const song = randomFingerprint();
  const registered = await trpc(a, "songs.register", { ...song, title: "Heard on A" }, from("10.30.0.1"));
  expect(registered.status, registered.body).toBe(200);
  const { song: stored, created } = data<{ song: { id: string }; created: boolean }>(registered);
  expect(created).toBe(true);

  const identified = await trpc(b, "songs.identify", song, from("10.30.0.2"));
  expect(identified.status, identified.body).toBe(200);
  const { match } = data<{ match: { song: { id: string; title: string } } | null }>(identified);
  expect(match?.song).toMatchObject({ id: stored.id, title: "Heard on A" });
});

test("a limit used up through one web process holds through the other", async () => {
  // auth.signUp allows 10 per hour per address (server/services/limit-policies.ts). A limiter
  // kept in each process would give B its own 10.
  const address = "198.51.100.30";
  const signUp = (server: AppServer, at: string) =>
    trpc(
      server,
      "auth.signUp",
      {
        email: `cluster-${randomBytes(4).toString("hex")}@example.test`,
        password: "correct horse battery staple",
        displayName: "Cluster",
      },
      from(at),
    );
  for (let i = 0; i < 10; i++) {
    const answer = await signUp(a, address);
    expect(answer.status, `sign-up ${i + 1} through A: ${answer.body}`).toBe(200);
  }
  const refused = await signUp(b, address);
  expect(refused.status, refused.body).toBe(429);
  expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(JSON.parse(refused.body).error.json.message).toMatch(/Too many sign-ups/);
  // B itself is fine: another address signs up through it.
  expect((await signUp(b, "198.51.100.31")).status).toBe(200);
});

/** The job's status events from a web process's stream (GET /api/jobs/<id>/events), until it ends. */
async function* jobEvents(server: AppServer, jobId: string, user: TestUser) {
  const res = await fetch(`${server.url}/api/jobs/${jobId}/events`, { headers: { cookie: user.cookie } });
  if (!res.ok || !res.body)
    throw new Error(`the job's event stream answered ${res.status}: ${await res.text()}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
        const dataLine = message.split("\n").find((line) => line.startsWith("data: "));
        if (message.startsWith("event: status") && dataLine)
          yield JSON.parse(dataLine.slice(6)) as { state: string; resultMapId: string | null };
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Uploads an audio file for server generation through `server`; returns the new job's id. */
async function requestJob(server: AppServer, user: TestUser, file: string, name: string): Promise<string> {
  const res = await fetch(`${server.url}/api/jobs/upload`, {
    method: "POST",
    headers: {
      cookie: user.cookie,
      "x-filename": encodeURIComponent(name),
      "content-type": "application/octet-stream",
    },
    body: readFileSync(file),
  });
  const body = await res.text();
  expect(res.status, body).toBe(201);
  const answer = JSON.parse(body) as { outcome: string; jobId: string };
  expect(answer.outcome).toBe("new_job");
  return answer.jobId;
}

const jobRow = async (jobId: string) => db.aiJob.findUniqueOrThrow({ where: { id: jobId } });
const mapsOf = async (songId: string) => ({
  maps: await db.map.count({ where: { songId } }),
  versions: await db.mapVersion.count({ where: { map: { songId } } }),
});
/** The pid a job row's worker id ends with (`host:pid`, server/jobs). */
const holderPid = (workerId: string | null) => Number(workerId?.split(":").at(-1));

test.describe("server jobs", () => {
  let user: TestUser;
  test.beforeAll(async () => {
    user = await createTestUser(db);
  });

  test("a job requested through A is worked once by either worker, and B's stream follows it", async () => {
    const song = renderSong(temp, 41, 30);
    const jobId = await requestJob(a, user, song, "Cluster One.wav");

    // B streams the job before any worker runs, so it must pass on what the workers do elsewhere.
    const events = jobEvents(b, jobId, user);
    const first = await events.next();
    expect(first.value?.state).toBe("queued");
    workers = await startWorkers(env, [path.join(temp, "worker-0"), path.join(temp, "worker-1")]);

    const states = [first.value!.state];
    let last = first.value!;
    for await (const status of events) {
      if (states.at(-1) !== status.state) states.push(status.state);
      last = status;
    }
    expect(states).toEqual(["queued", "processing", "complete"]);
    expect(last.resultMapId).toBeTruthy();

    const job = await jobRow(jobId);
    expect(job).toMatchObject({ state: "complete", attempts: 1, resultMapId: last.resultMapId });
    expect(workers.map((w) => w.pid)).toContain(holderPid(job.workerId));
    expect(await mapsOf(job.songId!)).toEqual({ maps: 1, versions: 1 });
    await expect
      .poll(async () => (await db.notification.findMany({ where: { userId: user.id } })).map((n) => n.kind))
      .toEqual(["job.complete"]);
  });

  test("a worker killed mid-job: the other worker finishes it, with exactly one map", async () => {
    // Three minutes of audio: several seconds of work, time enough to kill its worker mid-way.
    const song = renderSong(temp, 43, 180);
    const jobId = await requestJob(b, user, song, "Cluster Two.wav");
    const onA = (async () => {
      const states: string[] = [];
      for await (const status of jobEvents(a, jobId, user))
        if (states.at(-1) !== status.state) states.push(status.state);
      return states;
    })();

    const claimed = await eventually(async () => {
      const job = await jobRow(jobId);
      return job.state === "processing" && job.workerId ? job : undefined;
    }, 50);
    const holder = workers.find((w) => w.pid === holderPid(claimed.workerId));
    expect(holder, `job held by ${claimed.workerId}`).toBeTruthy();
    holder!.process.kill("SIGKILL");
    await holder!.exited();
    expect(holder!.process.signalCode).toBe("SIGKILL");
    expect(await mapsOf(claimed.songId!)).toEqual({ maps: 0, versions: 0 });

    const killedAt = Date.now();
    const survivor = workers.find((w) => w !== holder)!;
    const done = await eventually(async () => {
      const job = await jobRow(jobId);
      return job.state === "complete" || job.state === "failed" ? job : undefined;
    });
    expect(done).toMatchObject({ state: "complete", attempts: 2 });
    expect(holderPid(done.workerId)).toBe(survivor.pid);
    console.log(
      `cluster: worker ${holder!.pid} killed at stage ${claimed.stage ?? "start"}; worker ${survivor.pid} finished the job ${((Date.now() - killedAt) / 1000).toFixed(1)} s later`,
    );
    expect(await mapsOf(claimed.songId!)).toEqual({ maps: 1, versions: 1 });
    // A's stream saw the work and its end, whichever worker did it.
    const seen = await onA;
    expect(seen[0]).toMatch(/queued|processing/);
    expect(seen.at(-1)).toBe("complete");
    await expect
      .poll(async () => (await db.notification.findMany({ where: { userId: user.id } })).map((n) => n.kind))
      .toEqual(["job.complete", "job.complete"]);
  });
});
