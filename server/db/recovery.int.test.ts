// The database connection heals (issue 29.6). A SIGKILL of the embedded postmaster in the middle of
// a write burst through the tRPC route handler: every answer is 200 or 503 with Retry-After (never
// 500), no acknowledged write is lost, the supervisor restarts the server by itself, the app's
// Prisma client reconnects without being recreated, and the anonymous health answer says states
// only — no address, port or error text — while down and after. A server that keeps failing to
// start (its port taken by another program) is reported as a crash loop, and heals when the port
// is free again. Each test runs its own embedded server: killing the shared one would hurt others.
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route.ts";
import { POST as trpc } from "@/app/api/trpc/[trpc]/route.ts";
import { grooveChart } from "@/lib/beatmap/testing.ts";
import { GENERATE_QUEUE, startBoss } from "@/server/queue/boss.ts";
import type { Runtime } from "@/server/runtime.ts";
import { submitGenerated } from "@/server/services/maps.ts";
import { syntheticFingerprint } from "@/test/fingerprints.ts";
import { createTestUser, type TestUser } from "@/test/users.ts";
import { createDb } from "./client.ts";
import { type EmbeddedServer, startEmbeddedPostgres } from "./embedded.ts";
import { migrate } from "./migrate.ts";

const g = globalThis as typeof globalThis & { __beatsightRuntime?: Promise<Runtime> };

/** Log lines as objects, to check what the supervisor said. */
function capturedLog() {
  const lines: { level: number; msg: string; [field: string]: unknown }[] = [];
  const log = pino(
    { level: process.env.RECOVERY_DEBUG ? "debug" : "info" },
    { write: (line: string) => lines.push(JSON.parse(line)) },
  );
  return { log, lines };
}

async function postmasterPid(dataDir: string): Promise<number> {
  const text = await fs.readFile(path.join(dataDir, "pg", "postmaster.pid"), "utf8");
  return Number(text.split("\n")[0]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(50);
  }
}

interface Answer {
  status: number;
  retryAfter: string | null;
  at: number;
  id: string;
  body?: string;
}

/** A server, migrated, with the app's runtime pointing at it (as server/runtime.ts builds it). */
async function appOnOwnServer(policy?: Parameters<typeof startEmbeddedPostgres>[0]["supervisor"]) {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "beatsight-recovery-"));
  const { log, lines } = capturedLog();
  const server = await startEmbeddedPostgres({
    dataDir,
    port: 0,
    database: "beatsight",
    log,
    supervisor: policy,
  });
  const { version } = await migrate(server.url);
  const db = createDb(server.url, { maxConnections: 4 });
  const runtime = {
    db,
    dbMode: "embedded",
    databaseUrl: server.url,
    migrationVersion: version,
    dbSupervisor: server.status,
    startedAt: new Date(),
    shutdown: async () => {},
  } satisfies Runtime;
  g.__beatsightRuntime = Promise.resolve(runtime);
  return {
    dataDir,
    server,
    db,
    lines,
    async close() {
      g.__beatsightRuntime = undefined;
      await db.$disconnect();
      await server.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function readHealth() {
  const response = await health(new Request("http://test/api/health"));
  const text = await response.text();
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    text,
    body: JSON.parse(text),
  };
}

/** What anonymous health must never show: the server's address, port, or any error text. */
function expectNoInternals(text: string, server: EmbeddedServer) {
  expect(text).not.toMatch(/127\.0\.0\.1|localhost|postgres(ql)?:\/\//i);
  expect(text).not.toContain(String(server.port));
  expect(text).not.toMatch(/reach|refused|terminated|error|ECONN/i);
}

describe("the embedded PostgreSQL killed during a write burst", () => {
  let app: Awaited<ReturnType<typeof appOnOwnServer>>;
  beforeAll(async () => {
    app = await appOnOwnServer();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("answers only 200 or 503 + Retry-After, restarts by itself, loses no acknowledged write", async () => {
    const { db, server, dataDir } = app;
    const writers: TestUser[] = await Promise.all(Array.from({ length: 4 }, () => createTestUser(db)));
    const chart = grooveChart({ bars: 4 });
    const map = await submitGenerated(db, {
      fingerprint: syntheticFingerprint(2901),
      duration: 111,
      chart: {
        ...chart,
        Audio: { ...chart.Audio, Filename: "song.mp3", Duration: 111_000 },
        Editor: { ...chart.Editor, AiGenerationMetadata: { backend: "wasm" } },
      },
    });

    const answers: Answer[] = [];
    const healthSeen: Awaited<ReturnType<typeof readHealth>>[] = [];
    let killedAt = Number.POSITIVE_INFINITY;
    let recoveredAt = Number.POSITIVE_INFINITY;
    let stop = false;
    const okAfterRecovery = () => answers.filter((a) => a.status === 200 && a.at > recoveredAt).length;

    const write = async (user: TestUser) => {
      const id = randomUUID();
      const response = await trpc(
        new Request("http://test/api/trpc/results.submit", {
          method: "POST",
          headers: { "content-type": "application/json", cookie: user.cookie },
          body: JSON.stringify({
            json: {
              id,
              mapVersionId: map.versionId,
              score: 1000,
              accuracy: 0.9,
              tempo: 1,
              stats: {},
              playedAt: new Date().toISOString(),
            },
          }),
        }),
      );
      const answer: Answer = {
        status: response.status,
        retryAfter: response.headers.get("retry-after"),
        at: Date.now(),
        id,
      };
      if (response.status !== 200) answer.body = await response.text();
      else await response.body?.cancel();
      answers.push(answer);
    };
    // Each writer stays well inside results.submit's hourly allowance per person.
    const loops = writers.map(async (user) => {
      for (let n = 0; n < 400 && !stop; n++) await write(user);
    });

    await until(() => (answers.filter((a) => a.status === 200).length >= 20 ? true : undefined));
    const pid = await postmasterPid(dataDir);
    killedAt = Date.now();
    process.kill(pid, "SIGKILL");

    // Health, polled as a monitor would: it goes down (the supervisor waits before its first
    // restart, so there is time to see it), then back to ok on its own.
    const poll = async (done: (h: Awaited<ReturnType<typeof readHealth>>) => boolean) => {
      const seen = await readHealth();
      healthSeen.push(seen);
      return done(seen) ? true : undefined;
    };
    await until(() => poll((h) => h.status === 503));
    const downAt = Date.now();
    await until(() => poll((h) => h.status === 200 && h.body.status === "ok"));
    recoveredAt = Date.now();
    await until(() => (okAfterRecovery() >= 20 || stop ? true : undefined));
    stop = true;
    await Promise.all(loops);

    // Never a 500: during the outage each write is told to come back.
    const failures = answers.filter((a) => a.status !== 200 && a.status !== 503);
    expect(failures, JSON.stringify(failures.slice(0, 3))).toEqual([]);
    const unavailable = answers.filter((a) => a.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const a of unavailable) expect(Number(a.retryAfter)).toBeGreaterThan(0);
    expect(okAfterRecovery()).toBeGreaterThanOrEqual(20);

    // Every acknowledged write is stored (the same Prisma client, reconnected).
    const acknowledged = answers.filter((a) => a.status === 200).map((a) => a.id);
    expect(await db.practiceResult.count({ where: { id: { in: acknowledged } } })).toBe(acknowledged.length);

    // Health said down (503, Retry-After) while it was, and never showed internals.
    const down = healthSeen.filter((h) => h.status === 503);
    for (const h of healthSeen) expectNoInternals(h.text, server);
    for (const h of down) {
      expect(h.retryAfter).not.toBeNull();
      expect(h.body).toMatchObject({ status: "down", db: { state: "down" } });
    }
    const after = await readHealth();
    expect(after.body).toMatchObject({
      status: "ok",
      db: { state: "up", supervisor: { state: "up", restarts: 1 } },
    });
    expect(await postmasterPid(dataDir)).not.toBe(pid);
    expect(app.lines.some((l) => /restarted/.test(String(l.msg)))).toBe(true);

    const during = answers.filter((a) => a.at >= killedAt && a.at <= recoveredAt);
    // Writes in flight at the kill may still be answered by backends that have not noticed yet.
    const firstOkAgain = Math.min(
      ...answers.filter((a) => a.status === 200 && a.at > downAt).map((a) => a.at),
    );
    console.info(
      `[recovery] health down ${downAt - killedAt} ms after SIGKILL, back to ok after ${recoveredAt - killedAt} ms; ` +
        `first write answered 200 again ${firstOkAgain - killedAt} ms after the kill; ` +
        `during the outage ${during.filter((a) => a.status === 503).length}×503, ${during.filter((a) => a.status === 200).length}×200; ` +
        `in all ${answers.length} writes, ${unavailable.length}×503, 0×500; health polls down: ${down.length}`,
    );
  });
});

describe("the job queue across a restart of the embedded PostgreSQL", () => {
  let app: Awaited<ReturnType<typeof appOnOwnServer>>;
  beforeAll(async () => {
    app = await appOnOwnServer();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("keeps working: pg-boss's own pool reconnects and its worker loop goes on", async () => {
    const errors: Error[] = [];
    const boss = await startBoss(
      app.server.url,
      {
        JOB_EXPIRE_SECONDS: 60,
        JOB_RETRY_LIMIT: 1,
        JOB_RETRY_DELAY_SECONDS: 1,
        QUEUE_MAINTENANCE_SECONDS: 60,
      },
      (error) => errors.push(error),
    );
    try {
      const handled: string[] = [];
      await boss.work<{ jobId: string }>(GENERATE_QUEUE, { pollingIntervalSeconds: 0.5 }, async ([job]) => {
        if (job) handled.push(job.data.jobId);
      });
      await boss.send(GENERATE_QUEUE, { jobId: "before" });
      await until(() => (handled.includes("before") ? true : undefined));

      process.kill(await postmasterPid(app.dataDir), "SIGKILL");
      await until(async () => ((await readHealth()).status === 503 ? true : undefined));
      await until(async () => ((await readHealth()).body.status === "ok" ? true : undefined));

      // The same boss, not restarted: sending and the worker that was polling all along both work.
      await until(() =>
        boss.send(GENERATE_QUEUE, { jobId: "after" }).then(
          () => true,
          () => undefined,
        ),
      );
      await until(() => (handled.includes("after") ? true : undefined));
      expect(handled).toEqual(["before", "after"]);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });
});

describe("an embedded PostgreSQL that cannot start again", () => {
  let app: Awaited<ReturnType<typeof appOnOwnServer>>;
  beforeAll(async () => {
    // Fast pacing so the loop shows quickly: 3 attempts within a minute is a crash loop here.
    app = await appOnOwnServer({
      baseDelayMs: 50,
      maxDelayMs: 200,
      crashLoopRestarts: 3,
      crashLoopWindowMs: 60_000,
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("reports a crash loop on health and in the log instead of hanging, and heals when the cause goes", async () => {
    const { server, dataDir } = app;
    const pid = await postmasterPid(dataDir);
    process.kill(pid, "SIGKILL");
    // Another program takes the port the moment it is free: every restart attempt fails to bind.
    // It hangs up on whoever connects, as a program that does not speak PostgreSQL would.
    const squatter = net.createServer((socket) => socket.destroy());
    await until(
      () =>
        new Promise<true | undefined>((resolve) => {
          squatter.once("error", () => resolve(undefined));
          squatter.listen(server.port, "127.0.0.1", () => resolve(true));
        }),
    );

    const looping = await until(async () => {
      const seen = await readHealth();
      return seen.body.db?.supervisor?.state === "crash-loop" ? seen : undefined;
    });
    expect(looping.status).toBe(503);
    expect(looping.body).toMatchObject({
      status: "down",
      db: { state: "down", supervisor: { state: "crash-loop" } },
    });
    expect(looping.body.db.supervisor.restarts).toBeGreaterThanOrEqual(3);
    expectNoInternals(looping.text, server);
    expect(app.lines.some((l) => l.level === 50 && /crash loop/.test(String(l.msg)))).toBe(true);
    // What went wrong is in the log, in PostgreSQL's words, for the operator.
    expect(JSON.stringify(app.lines)).toMatch(/could not bind|Address already in use/);

    // A request meanwhile is told to come back, not failed.
    const input = encodeURIComponent(JSON.stringify({ json: { mapId: randomUUID() } }));
    const read = await trpc(new Request(`http://test/api/trpc/maps.get?input=${input}`));
    expect(read.status).toBe(503);
    expect(read.headers.get("retry-after")).not.toBeNull();

    await new Promise<void>((resolve) => squatter.close(() => resolve()));
    const healed = await until(async () => {
      const seen = await readHealth();
      return seen.body.db?.state === "up" ? seen : undefined;
    });
    // Serving again; "degraded" until the server has stayed up a while after so many restarts.
    expect(healed.status).toBe(200);
    expect(healed.body).toMatchObject({
      status: "degraded",
      db: { state: "up", supervisor: { state: "crash-loop" } },
    });
    expect(await app.db.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
  });
});
