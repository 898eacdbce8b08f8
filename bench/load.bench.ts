// Load on a started production server, loopback only (issue 29): can one process answer song
// lookups and the home page at the rate a public launch needs — 200 requests/s with p95 under
// 50 ms and no errors, held for 60 s, on this machine (the load generator shares its cores).
//
//   npm run build && node --import tsx bench/load.bench.ts [identify|home]
//
// (`npm run build`, not a bare `next build`: it also writes the hashes that keep prerendered pages
// such as the home page static under the Content-Security-Policy.) Other processes on the machine
// take CPU from the server: each run prints the load average before and after, and a run with other
// work going on says little about the app (docs/BENCHMARKS.md, "Load (issue 29)").
//
// Open loop: requests are sent on a fixed schedule whatever the server's pace, and each latency
// is measured from the moment its request was due, so a server that falls behind shows it in the
// percentiles instead of quietly slowing the generator (coordinated omission). Clients come from
// 2,000 addresses (X-Forwarded-For behind TRUST_PROXY=1), as the visitors of a site behind a
// proxy would, so per-address limits apply as they would in production.
//
// Environment: LOAD_RATE (requests/s, default 200), LOAD_SECONDS (default 60), LOAD_WARMUP_SECONDS
// (default 5), LOAD_PORT (default 3300).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { startAppServer } from "../test/app-server.ts";

const RATE = Number(process.env.LOAD_RATE ?? 200);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const WARMUP_SECONDS = Number(process.env.LOAD_WARMUP_SECONDS ?? 5);
const PORT = Number(process.env.LOAD_PORT ?? 3300);
const ADDRESSES = 2_000;
/** The targets: p95 under this, at RATE, with no errors. */
const P95_TARGET_MS = 50;

interface Outcome {
  latencyMs: number;
  ok: boolean;
  status: number;
}

/** Sends `request(i)` RATE times a second for `seconds`; returns each request's outcome. */
async function openLoop(seconds: number, request: (i: number) => Promise<Response>): Promise<Outcome[]> {
  const total = Math.round(RATE * seconds);
  const outcomes: Promise<Outcome>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    outcomes.push(
      request(i).then(
        async (res) => {
          await res.arrayBuffer();
          return { latencyMs: performance.now() - due, ok: res.ok, status: res.status };
        },
        () => ({ latencyMs: performance.now() - due, ok: false, status: 0 }),
      ),
    );
  }
  return Promise.all(outcomes);
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;

/** The machine's 1-minute load average: above ~1 on its 2 cores, others share the CPU. */
const load = () => loadavg()[0]?.toFixed(2) ?? "?";

function report(name: string, outcomes: Outcome[], seconds: number, loadBefore: string): boolean {
  const latencies = outcomes.map((o) => o.latencyMs).sort((a, b) => a - b);
  const errors = outcomes.filter((o) => !o.ok);
  const statuses = new Map<number, number>();
  for (const e of errors) statuses.set(e.status, (statuses.get(e.status) ?? 0) + 1);
  const p95 = quantile(latencies, 0.95);
  const pass = errors.length === 0 && p95 < P95_TARGET_MS;
  console.log(
    `${name}: ${outcomes.length} requests in ${seconds} s (${(outcomes.length / seconds).toFixed(0)}/s)  ` +
      `p50 ${quantile(latencies, 0.5).toFixed(1)} ms  p95 ${p95.toFixed(1)} ms  p99 ${quantile(latencies, 0.99).toFixed(1)} ms  ` +
      `max ${(latencies.at(-1) ?? Number.NaN).toFixed(1)} ms  errors ${errors.length}` +
      (errors.length ? ` (${[...statuses].map(([s, n]) => `${s || "network"}×${n}`).join(", ")})` : "") +
      `  p95/target ${(p95 / P95_TARGET_MS).toFixed(2)}  ${pass ? "PASS" : "MISS"}  (load average ${loadBefore} → ${load()})`,
  );
  return pass;
}

/** A real fingerprint through Debian's fpcalc, of 40 s of (each time different) noise with a beat. */
function newFingerprint(): { fingerprint: string; duration: number } {
  const dir = mkdtempSync(path.join(tmpdir(), "beatsight-load-"));
  try {
    const wav = path.join(dir, "song.wav");
    execFileSync("sox", [
      "-n",
      "-r",
      "22050",
      "-c",
      "1",
      wav,
      "synth",
      "40",
      "pinknoise",
      "tremolo",
      "2",
      "80",
    ]);
    // fpcalc may exit 1 on a harmless "end of file" note after printing the fingerprint.
    const run = spawnSync("fpcalc", ["-json", wav], { encoding: "utf8" });
    const parsed = JSON.parse(run.stdout) as { fingerprint: string; duration: number };
    return { fingerprint: parsed.fingerprint, duration: parsed.duration };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const which = process.argv[2];
  if (!existsSync(path.join(import.meta.dirname, "..", ".next", "BUILD_ID"))) {
    throw new Error("No production build: run `npm run build` first.");
  }
  const server = await startAppServer({ port: PORT, env: { TRUST_PROXY: "1" } });
  const address = (i: number) => `10.${(i % ADDRESSES) >> 8}.${(i % ADDRESSES) & 255}.7`;
  let passed = true;
  try {
    if (!which || which === "identify") {
      const known = newFingerprint();
      const unknown = newFingerprint();
      const post = (procedure: string, input: unknown, i: number) =>
        fetch(`${server.url}/api/trpc/${procedure}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": address(i) },
          body: JSON.stringify({ json: input }),
        });
      const registered = await post("songs.register", { ...known, title: "Load test" }, 0);
      if (!registered.ok)
        throw new Error(`registering the song failed: ${registered.status} ${await registered.text()}`);
      // Half the lookups find the song, half find nothing: both paths of a launch day.
      const identify = (i: number) => post("songs.identify", i % 2 ? known : unknown, i);
      await openLoop(WARMUP_SECONDS, identify);
      const before = load();
      passed = report("songs.identify", await openLoop(SECONDS, identify), SECONDS, before) && passed;
    }
    if (!which || which === "home") {
      const home = (i: number) => fetch(`${server.url}/`, { headers: { "x-forwarded-for": address(i) } });
      await openLoop(WARMUP_SECONDS, home);
      const before = load();
      passed = report("home page", await openLoop(SECONDS, home), SECONDS, before) && passed;
    }
  } finally {
    await server.stop();
  }
  if (!passed) process.exitCode = 1;
}

await main();
