// A scrape must stay cheap however long the site runs: it reads live rows through indexes, never
// history. Measured here on the statements a scrape really sends (a spy on node-postgres), each
// planned with sequential scans disabled: a plan that still scans a table has no index to use.
// Then the histograms after real requests through the tRPC route and the metrics route.
import pg from "pg";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { runtimeOnTestDatabase } from "../../test/runtime.ts";
import { processMetrics } from "../metrics.ts";
import { metricsRegistry } from "./metrics.ts";
import { processJob } from "./process-job.ts";

const database = migratedDatabaseForFile();
runtimeOnTestDatabase(database);

beforeAll(() => {
  process.env.METRICS_TOKEN = "metrics-token-for-tests";
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** The SQL text of every statement node-postgres sends while `fn` runs. */
async function statementsDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const original = pg.Client.prototype.query;
  vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    sent.push(typeof first === "string" ? first : (first.text ?? ""));
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original);
  await fn();
  vi.restoreAllMocks();
  return sent.filter((text) => /^\s*(SELECT|WITH)/i.test(text));
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  Plans?: PlanNode[];
}

/**
 * How `sql` runs with sequential scans made as costly as possible: its scan nodes, and the table
 * rows they read (returned plus filtered away), measured by EXPLAIN ANALYZE.
 */
async function measuredPlan(sql: string): Promise<{ scans: string[]; rowsRead: number }> {
  const client = new pg.Client({ connectionString: database().url });
  await client.connect();
  try {
    await client.query("SET enable_seqscan = off");
    const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`);
    const scans: string[] = [];
    let rowsRead = 0;
    const walk = (node: PlanNode) => {
      if (node["Relation Name"] || /Scan/.test(node["Node Type"])) {
        scans.push(`${node["Node Type"]}${node["Relation Name"] ? ` on ${node["Relation Name"]}` : ""}`);
        const loops = node["Actual Loops"] ?? 1;
        rowsRead +=
          ((node["Actual Rows"] ?? 0) +
            (node["Rows Removed by Filter"] ?? 0) +
            (node["Rows Removed by Index Recheck"] ?? 0)) *
          loops;
      }
      for (const child of node.Plans ?? []) walk(child);
    };
    walk(rows[0]["QUERY PLAN"][0].Plan);
    return { scans, rowsRead };
  } finally {
    await client.end();
  }
}

async function addJobs(finished: number, queued: number): Promise<void> {
  await database().db.$executeRaw`
    INSERT INTO ai_jobs (dedup_key, state, created_at, finished_at, upload_key, upload_deleted_at, stage_seconds)
    SELECT 'done:' || g, 'complete', now() - interval '1 day', now(), 'u' || g, now(), '{"decode": 1.5}'::jsonb
      FROM generate_series(1, ${finished}::int) g`;
  await database().db.$executeRaw`
    INSERT INTO ai_jobs (dedup_key, state, created_at, upload_key)
    SELECT 'live:' || g || ':' || gen_random_uuid(), 'queued', now() - make_interval(secs => g), 'u' || g
      FROM generate_series(1, ${queued}::int) g`;
  await database().db.$executeRaw`ANALYZE ai_jobs`;
}

describe("a scrape", () => {
  it("sends the same few statements however many jobs there are, each answered from an index", async () => {
    const registry = metricsRegistry(database().db);
    await addJobs(50, 2);
    const small = await statementsDuring(() => registry.metrics());
    await addJobs(20_000, 3);
    const large = await statementsDuring(() => registry.metrics());

    // Gauges are collected concurrently: the order varies, the set does not.
    expect([...large].sort()).toEqual([...small].sort());
    expect(large.length).toBeLessThanOrEqual(3);
    for (const sql of large) {
      expect(sql).not.toMatch(/job_requests|cost_records|jsonb_each/i);
      const plan = await measuredPlan(sql);
      expect(
        plan.scans.filter((n) => n.startsWith("Seq Scan")),
        sql,
      ).toEqual([]);
      // 20,050 finished jobs, 5 queued: only the live jobs' and kept uploads' entries are read (an
      // index and its heap rows may both count them).
      expect(plan.rowsRead, `${sql}\n${plan.scans.join(", ")}`).toBeLessThanOrEqual(20);
    }

    const text = await registry.metrics();
    expect(text).toContain('beatsight_jobs_live{state="queued"} 5');
    expect(text).toContain('beatsight_jobs_live{state="processing"} 0');
    expect(text).toContain("beatsight_uploads_kept 5");
    expect(text).toMatch(/beatsight_job_queue_oldest_seconds [1-9]/);
    expect(text).toMatch(/beatsight_db_pool_connections\{state="max"\} 4/);
  });
});

describe("after requests", () => {
  it("has HTTP and tRPC duration histograms with route, procedure and outcome labels", async () => {
    const trpc = await import("../../app/api/trpc/[trpc]/route.ts");
    const metrics = await import("../../app/api/metrics/route.ts");
    const me = await trpc.GET(new Request("http://beatsight.test/api/trpc/auth.me"));
    expect(me.status).toBe(200);
    const missing = await trpc.GET(new Request("http://beatsight.test/api/trpc/auth.nothing"));
    expect(missing.status).toBe(404);

    const scrape = await metrics.GET(
      new Request("http://beatsight.test/api/metrics", {
        headers: { authorization: "Bearer metrics-token-for-tests" },
      }),
    );
    expect(scrape.status).toBe(200);
    const text = await scrape.text();
    expect(text).toMatch(
      /beatsight_http_request_duration_seconds_count\{route="\/api\/trpc\/\[trpc\]",method="GET",status="2xx"\} [1-9]/,
    );
    expect(text).toMatch(
      /beatsight_http_request_duration_seconds_count\{route="\/api\/trpc\/\[trpc\]",method="GET",status="4xx"\} [1-9]/,
    );
    expect(text).toMatch(
      /beatsight_trpc_procedure_duration_seconds_bucket\{le="0\.005",procedure="auth\.me",type="query",outcome="ok"\}/,
    );
    // A path that is no procedure never reaches the middleware: no label for it.
    expect(text).not.toContain("auth.nothing");
    // The scrape itself is counted once it has answered (the next scrape shows it).
    const again = await metrics.GET(
      new Request("http://beatsight.test/api/metrics", {
        headers: { authorization: "Bearer metrics-token-for-tests" },
      }),
    );
    expect(await again.text()).toMatch(
      /beatsight_http_request_duration_seconds_count\{route="\/api\/metrics",method="GET",status="2xx"\} [1-9]/,
    );
  });

  it("counts a worker's attempts by outcome when they happen", async () => {
    const before = (await processMetrics().workerJobs.get()).values.find(
      (v) => v.labels.outcome === "skipped",
    );
    const outcome = await processJob(
      {
        db: database().db,
        store: {} as never,
        pipeline: () => Promise.reject(new Error("not needed")),
        prices: {} as never,
        workerId: "test:1",
        heartbeatSeconds: 1,
        staleSeconds: 4,
      },
      "00000000-0000-4000-8000-000000000000",
      { last: false, signal: new AbortController().signal, requestId: "edge-request-0002" },
    );
    expect(outcome).toBe("skipped");
    const after = (await processMetrics().workerJobs.get()).values.find(
      (v) => v.labels.outcome === "skipped",
    );
    expect((after?.value ?? 0) - (before?.value ?? 0)).toBe(1);
  });
});
