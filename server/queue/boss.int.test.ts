// Several processes starting the queue at once on a fresh database, as a deployment's web
// processes and workers do (compose starts them together): each gets pg-boss's schema and all the
// queues, none fails. Before the queues were created under a lock, pg-boss's create_queue
// deadlocked here and one start failed.
import { afterEach, describe, expect, it } from "vitest";
import { createEmptyDatabase, type TestDatabase } from "../../test/db.ts";
import { testJobsConfig } from "../../test/jobs.ts";
import { DEAD_LETTER_QUEUE, GENERATE_QUEUE, MAINTENANCE_QUEUE, startBoss } from "./boss.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("pg-boss started by several processes at once", () => {
  it("creates the schema and every queue once, and every start succeeds", async () => {
    const database: TestDatabase = await createEmptyDatabase();
    cleanups.push(() => database.drop());
    const config = testJobsConfig("/nonexistent");
    // Six at once, each with its own pool as separate processes have (without the lock, five of
    // the six failed with "deadlock detected").
    const starts = await Promise.allSettled(
      Array.from({ length: 6 }, () => startBoss(database.url, { ...config, poolMax: 2 }, () => {})),
    );
    for (const start of starts) if (start.status === "fulfilled") cleanups.push(() => start.value.stop());
    expect(starts.filter((s) => s.status === "rejected").map((s) => String(s.reason))).toEqual([]);

    const boss = (starts[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof startBoss>>>).value;
    const queues = (await boss.getQueues()).map((q) => q.name).sort();
    // (pg-boss adds its own cron queue beside ours.)
    expect(queues).toEqual(expect.arrayContaining([DEAD_LETTER_QUEUE, GENERATE_QUEUE, MAINTENANCE_QUEUE]));
    expect(await boss.getQueue(GENERATE_QUEUE)).toMatchObject({ deadLetter: DEAD_LETTER_QUEUE });
  });
});
