// How many PostgreSQL connections one process holds, by pool (pg_stat_activity grouped by
// application_name), booted as the web process boots (runtime + job system with its in-process
// worker + the job-event listener) on a throwaway embedded server: idle, under a burst of API-like
// queries, and while the worker takes messages. Then the API-like load's throughput against the
// Prisma pool size, which is what DB_POOL_MAX's default rests on. Run: npm run bench connections
// (POOL_SIZES=2,4,6,10,16 CONCURRENCY=64 SECONDS=3 ROUNDS=3 to change the sweep). Figures go to
// docs/DEPLOY.md, "Connections".
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

const dataDir = mkdtempSync(path.join(tmpdir(), "beatsight-connections-"));
process.env.DATA_DIR = dataDir;
process.env.EMBEDDED_PG_PORT = "0";
process.env.LOG_LEVEL = "warn";
process.env.QUEUE_POLL_SECONDS = "0.5";
process.env.QUEUE_MAINTENANCE_SECONDS = "1";

const poolSizes = (process.env.POOL_SIZES ?? "2,4,6,10,16").split(",").map(Number);
const concurrency = Number(process.env.CONCURRENCY ?? 64);
const seconds = Number(process.env.SECONDS ?? 3);
const rounds = Number(process.env.ROUNDS ?? 3);

const { getRuntime } = await import("../server/runtime.ts");
const { getJobSystem, stopJobSystem } = await import("../server/jobs/runtime.ts");
const { jobEventHub } = await import("../server/jobs/job-events.ts");
const { createDb } = await import("../server/db/client.ts");
const { GENERATE_QUEUE } = await import("../server/queue/boss.ts");
const { env } = await import("../server/env.ts");

type Counts = Record<string, number>;

const runtime = await getRuntime();
const monitor = new pg.Client({ connectionString: runtime.databaseUrl, application_name: "bench-monitor" });
await monitor.connect();

async function connections(): Promise<Counts> {
  const { rows } = await monitor.query<{ name: string; n: number }>(
    `SELECT coalesce(nullif(application_name, ''), '(unnamed)') AS name, count(*)::int AS n
       FROM pg_stat_activity
      WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
        -- a connection still starting up has not sent its name yet; it is counted once it has
        AND state IS DISTINCT FROM 'starting'
      GROUP BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.n]));
}

/** The most connections of each name seen while `work` runs, sampled every 50 ms ("all": the most at once). */
async function peakDuring(work: Promise<unknown>): Promise<Counts> {
  const peak: Counts = {};
  let most = 0;
  let done = false;
  void work.finally(() => {
    done = true;
  });
  while (!done) {
    const now = await connections();
    most = Math.max(most, total(now));
    for (const [name, n] of Object.entries(now)) peak[name] = Math.max(peak[name] ?? 0, n);
    await new Promise((r) => setTimeout(r, 50));
  }
  await work;
  return { ...peak, "all at once": most };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const total = (c: Counts) => Object.values(c).reduce((s, n) => s + n, 0);
const show = (c: Counts) =>
  Object.entries(c)
    .sort()
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");

/** API-like requests: a session-style lookup by key and a short list, as most tRPC reads do. */
async function apiLoad(
  db: typeof runtime.db,
  forSeconds: number,
): Promise<{ perSecond: number; p95: number }> {
  const latencies: number[] = [];
  const until = performance.now() + forSeconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        await db.user.findFirst({ where: { email: "nobody@beatsight.invalid" }, select: { id: true } });
        await db.song.findMany({ take: 20, orderBy: { createdAt: "desc" }, select: { id: true } });
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / forSeconds,
    p95: latencies[Math.floor(latencies.length * 0.95)] ?? 0,
  };
}

try {
  const jobs = await getJobSystem();
  await jobEventHub(runtime.databaseUrl).start();
  console.log(
    `${cpus().length} × ${cpus()[0]?.model ?? "CPU"}; DB_POOL_MAX=${env().DB_POOL_MAX}, QUEUE_POOL_MAX=${env().QUEUE_POOL_MAX}`,
  );
  await sleep(3000);
  const idle = await connections();
  console.log(`idle after boot:            ${show({ ...idle, "all at once": total(idle) })}`);

  const underLoad = await peakDuring(apiLoad(runtime.db, seconds));
  console.log(`peak under API load (${concurrency}): ${show(underLoad)}`);

  // Messages for jobs that do not exist: each is fetched, looked up, skipped and completed.
  const sending = (async () => {
    for (let i = 0; i < 40; i++) {
      await jobs.boss.send(GENERATE_QUEUE, { jobId: "00000000-0000-4000-8000-000000000000" });
      await sleep(100);
    }
    await sleep(3000);
  })();
  console.log(`peak while the worker works: ${show(await peakDuring(sending))}`);

  // Other work on the machine moves single runs a lot: each size runs in every round, rounds
  // interleaved, and the median is reported.
  const runs = new Map<number, { perSecond: number; p95: number; open: number }[]>();
  for (let round = 0; round < rounds; round++) {
    for (const size of poolSizes) {
      const db = createDb(runtime.databaseUrl, { maxConnections: size, applicationName: "bench-pool" });
      await apiLoad(db, 1); // warm-up: connections opened, queries compiled
      let result = { perSecond: 0, p95: 0 };
      const peak = await peakDuring(
        apiLoad(db, seconds).then((r) => {
          result = r;
        }),
      );
      runs.set(size, [...(runs.get(size) ?? []), { ...result, open: peak["bench-pool"] ?? 0 }]);
      await db.$disconnect();
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  console.log(
    `\n| DB_POOL_MAX | requests/s (${concurrency} concurrent, median of ${rounds}) | p95 ms | open connections |`,
  );
  console.log("|---|---|---|---|");
  for (const size of poolSizes) {
    const results = runs.get(size) ?? [];
    console.log(
      `| ${size} | ${median(results.map((r) => r.perSecond)).toFixed(0)} | ${median(results.map((r) => r.p95)).toFixed(1)} | ${Math.max(...results.map((r) => r.open))} |`,
    );
  }
} finally {
  await monitor.end();
  await stopJobSystem();
  await jobEventHub(runtime.databaseUrl).stop();
  await runtime.shutdown();
  rmSync(dataDir, { recursive: true, force: true });
}
