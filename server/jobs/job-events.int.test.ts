// Job changes reach waiting streams through LISTEN/NOTIFY (migration 0011's trigger on ai_jobs),
// whichever connection made them, and the listener comes back after its connection is killed.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { JobEventHub } from "./job-events.ts";

const database = migratedDatabaseForFile();
// Long fallback intervals: a wake within them can only have come from a notification.
const SLOW = { idleMs: 600_000, pollMs: 600_000, reconnectMs: 50, maxReconnectMs: 200 };
const hubs: JobEventHub[] = [];

afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.stop()));
});

async function startedHub(): Promise<JobEventHub> {
  const hub = new JobEventHub(database().url, SLOW);
  hubs.push(hub);
  await hub.start();
  expect(hub.live).toBe(true);
  return hub;
}

/** Lets notifications already sent (say, a job's own INSERT) arrive before a test starts waiting. */
const settle = () => database().db.$queryRaw`SELECT pg_sleep(0.3)::text`;

const newJob = async () => {
  const job = await database().db.aiJob.create({
    data: { dedupKey: randomBytes(8).toString("hex") },
    select: { id: true },
  });
  await settle();
  return job;
};

/** "woken", or "waiting" when a wait is still pending after the database had time to deliver. */
async function outcome(wait: Promise<void>): Promise<"woken" | "waiting"> {
  const marker = Symbol();
  await settle();
  return (await Promise.race([wait.then(() => "woken" as const), Promise.resolve(marker)])) === marker
    ? "waiting"
    : "woken";
}

describe("JobEventHub", () => {
  it("wakes a stream when its job changes, from any connection, and not for other jobs", async () => {
    const hub = await startedHub();
    const mine = await newJob();
    const other = await newJob();

    const waiting = hub.wait(mine.id, { anyJob: false });
    await database().db.aiJob.update({ where: { id: other.id }, data: { progress: 0.5 } });
    expect(await outcome(waiting)).toBe("waiting");

    // Another client, as a worker on another machine would be.
    const worker = new pg.Client({ connectionString: database().url });
    await worker.connect();
    await worker.query("UPDATE ai_jobs SET stage = 'separate', progress = 0.3 WHERE id = $1", [mine.id]);
    await worker.end();
    await expect(waiting).resolves.toBeUndefined();
  });

  it("wakes a queued job's stream on any job's change (its place in the queue moves)", async () => {
    const hub = await startedHub();
    const queued = await newJob();
    const ahead = await newJob();
    const waiting = hub.wait(queued.id, { anyJob: true });
    await database().db.aiJob.update({ where: { id: ahead.id }, data: { state: "processing" } });
    await expect(waiting).resolves.toBeUndefined();
  });

  it("reconnects after its connection is killed, and wakes everyone to read again", async () => {
    const hub = await startedHub();
    const job = await newJob();
    const before = hub.wait(job.id, { anyJob: false });
    await database().db.$queryRaw`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND query ILIKE 'LISTEN%'`;
    // Only the reconnection wakes this wait (no change was made, and the fallback is a minute).
    await expect(before).resolves.toBeUndefined();
    expect(hub.live).toBe(true);

    const after = hub.wait(job.id, { anyJob: false });
    await database().db.aiJob.update({ where: { id: job.id }, data: { progress: 0.9 } });
    await expect(after).resolves.toBeUndefined();
  });

  it("ends a wait when the stream's request is aborted", async () => {
    const hub = await startedHub();
    const controller = new AbortController();
    const waiting = hub.wait("00000000-0000-4000-8000-000000000000", {
      anyJob: false,
      signal: controller.signal,
    });
    controller.abort();
    await expect(waiting).resolves.toBeUndefined();
  });
});
