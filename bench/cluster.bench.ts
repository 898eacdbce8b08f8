// Song identification through one web process against two on one PostgreSQL (issue 30): do more
// web processes answer more lookups? Closed loop at saturation: CLUSTER_CLIENTS clients each send
// songs.identify, wait for the answer and send the next, spread evenly over the processes, for
// CLUSTER_SECONDS after a warm-up; the figure is answers per second, and the ratio is two
// processes' rate over one's.
//
//   npm run build && npm run bench cluster
//
// The database is an external Debian PostgreSQL (DATABASE_URL_TEST, else one started with
// scripts/external-postgres.sh), one fresh database, shared by both configurations. The load
// generator runs here, on the same machine, and its CPU time is reported beside the servers', so
// the ratio can be read against the cores there are. Clients come from 2,000 addresses
// (X-Forwarded-For behind TRUST_PROXY=1) so per-address limits apply as in production and are not
// what stops them.
//
// Environment: CLUSTER_CLIENTS (default 32), CLUSTER_SECONDS (default 30), CLUSTER_WARMUP_SECONDS
// (default 5).
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import pg from "pg";
import { fpcalcCompressed, makeTempDir, renderSong, requireTools } from "../lib/fingerprint/test-support.ts";
import type { AppServer } from "../test/app-server.ts";
import { clusterDatabase } from "../test/cluster/postgres.ts";
import { clusterEnv, startWebProcesses } from "../test/cluster/processes.ts";

const CLIENTS = Number(process.env.CLUSTER_CLIENTS ?? 32);
const SECONDS = Number(process.env.CLUSTER_SECONDS ?? 30);
const WARMUP_SECONDS = Number(process.env.CLUSTER_WARMUP_SECONDS ?? 5);
const ADDRESSES = 2_000;

interface Run {
  answers: number;
  errors: Map<number, number>;
  latencies: number[];
  seconds: number;
  /**
   * CPU seconds over the run: each web process, the PostgreSQL backends serving this database, the
   * load generator, and the whole machine (busy, whoever used it).
   */
  cpu: { web: number[]; postgres: number; generator: number; machineBusy: number };
}

/** CPU seconds a process has used so far (user + system), from /proc; 0 once it is gone. */
function processCpuSeconds(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return 0;
  }
  const fields = stat.split(") ")[1]?.split(" ") ?? [];
  // utime and stime are fields 14 and 15 of stat; [0] here is field 3.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds used so far by each PostgreSQL backend connected to this database (the server runs on
 * this machine). Pools keep their connections, so the same backends serve the whole run.
 */
async function backendCpu(databaseUrl: string): Promise<Map<number, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    return new Map(rows.map(({ pid }) => [pid, processCpuSeconds(pid)]));
  } finally {
    await client.end();
  }
}

function backendCpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

/** Busy CPU seconds of the whole machine so far (all cores), from /proc/stat. */
function machineBusySeconds(): number {
  const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal …: everything but idle and iowait is busy.
  const busy = ticks.reduce((sum, t, i) => (i === 3 || i === 4 ? sum : sum + (t ?? 0)), 0);
  return busy / 100;
}

async function closedLoop(
  servers: AppServer[],
  databaseUrl: string,
  input: (i: number) => { fingerprint: string; duration: number },
  seconds: number,
  measure: boolean,
): Promise<Run> {
  const pids = servers.map((s) => s.process.pid!);
  const cpuBefore = {
    web: pids.map(processCpuSeconds),
    postgres: await backendCpu(databaseUrl),
    gen: process.cpuUsage(),
    machine: machineBusySeconds(),
  };
  const errors = new Map<number, number>();
  const latencies: number[] = [];
  let sent = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const client = async (c: number) => {
    // Each client keeps to one process, so the processes get equal shares of the clients.
    const server = servers[c % servers.length]!;
    while (performance.now() < until) {
      const i = sent++;
      const t0 = performance.now();
      let status = 0;
      try {
        const res = await fetch(`${server.url}/api/trpc/songs.identify`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-forwarded-for": `10.${(i % ADDRESSES) >> 8}.${(i % ADDRESSES) & 255}.9`,
          },
          body: JSON.stringify({ json: input(i) }),
        });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = 0;
      }
      if (status === 200) latencies.push(performance.now() - t0);
      else errors.set(status, (errors.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  const elapsed = (performance.now() - started) / 1000;
  const gen = process.cpuUsage(cpuBefore.gen);
  const machineBusy = machineBusySeconds() - cpuBefore.machine;
  const postgres = backendCpuSince(cpuBefore.postgres, await backendCpu(databaseUrl));
  const run: Run = {
    answers: latencies.length,
    errors,
    latencies: latencies.sort((a, b) => a - b),
    seconds: elapsed,
    cpu: {
      web: pids.map((pid, i) => processCpuSeconds(pid) - cpuBefore.web[i]!),
      postgres,
      generator: (gen.user + gen.system) / 1e6,
      machineBusy,
    },
  };
  if (measure && run.errors.size > 0) {
    throw new Error(
      `lookups failed: ${[...run.errors].map(([s, n]) => `${s || "network"}×${n}`).join(", ")}`,
    );
  }
  return run;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;

function summary(name: string, run: Run): string {
  const rate = run.answers / run.seconds;
  const cores = cpus().length;
  return (
    `${name}: ${rate.toFixed(0)} lookups/s (${run.answers} in ${run.seconds.toFixed(1)} s, ${CLIENTS} clients)  ` +
    `p50 ${quantile(run.latencies, 0.5).toFixed(1)} ms  p95 ${quantile(run.latencies, 0.95).toFixed(1)} ms  ` +
    `CPU s/s: web ${run.cpu.web.map((s) => (s / run.seconds).toFixed(2)).join(" + ")}, ` +
    `PostgreSQL ${(run.cpu.postgres / run.seconds).toFixed(2)}, ` +
    `load generator ${(run.cpu.generator / run.seconds).toFixed(2)}, ` +
    `machine ${(run.cpu.machineBusy / run.seconds).toFixed(2)} of ${cores}\n` +
    // What one lookup costs, whatever else the machine is doing: with these, the rate an idle
    // machine allows follows from its cores (see docs/BENCHMARKS.md).
    `  CPU ms per lookup: web ${perLookup(run.cpu.web.reduce((a, b) => a + b, 0))}, ` +
    `PostgreSQL ${perLookup(run.cpu.postgres)}, load generator ${perLookup(run.cpu.generator)}`
  );
  function perLookup(seconds: number): string {
    return ((seconds * 1000) / run.answers).toFixed(2);
  }
}

async function main(): Promise<void> {
  requireTools("sox", "fpcalc");
  const temp = makeTempDir();
  const database = await clusterDatabase();
  const env = clusterEnv({
    databaseUrl: database.url,
    uploadDir: path.join(temp.dir, "uploads"),
    extra: { TRUST_PROXY: "1" },
  });
  const servers: AppServer[] = [];
  try {
    // Real fingerprints (fpcalc) of two generated songs: one stored, one nobody has.
    const fingerprintOf = (seed: number) => ({
      fingerprint: fpcalcCompressed(renderSong(temp.dir, seed, 40)),
      duration: 40,
    });
    const known = fingerprintOf(101);
    const unknown = fingerprintOf(102);
    servers.push(...(await startWebProcesses(1, env)));
    const registered = await fetch(`${servers[0]!.url}/api/trpc/songs.register`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "10.99.0.1" },
      body: JSON.stringify({ json: { ...known, title: "Cluster bench" } }),
    });
    if (!registered.ok)
      throw new Error(`registering the song failed: ${registered.status} ${await registered.text()}`);
    // Half the lookups find the song, half find nothing.
    const input = (i: number) => (i % 2 ? known : unknown);

    console.log(
      `PostgreSQL ${database.serverVersion} (${database.fromEnvironment ? "DATABASE_URL_TEST" : "scripts/external-postgres.sh"}), ` +
        `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), load average before ${loadavg()[0]!.toFixed(1)}, ` +
        `${CLIENTS} clients, ${SECONDS} s per configuration`,
    );
    await closedLoop(servers, database.url, input, WARMUP_SECONDS, false);
    const one = await closedLoop(servers, database.url, input, SECONDS, true);
    console.log(summary("1 web process ", one));

    servers.push(...(await startWebProcesses(1, env)));
    await closedLoop(servers, database.url, input, WARMUP_SECONDS, false);
    const two = await closedLoop(servers, database.url, input, SECONDS, true);
    console.log(summary("2 web processes", two));
    console.log(
      `ratio (2 processes / 1): ${(two.answers / two.seconds / (one.answers / one.seconds)).toFixed(2)}`,
    );
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await database.drop();
    temp.cleanup();
  }
}

await main();
