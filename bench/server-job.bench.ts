// Server generation as a worker runs it: upload → fingerprint → queue → worker (onnxruntime-node,
// CUDA when present, else CPU) → chart stored → notifications, on a throwaway embedded PostgreSQL.
// Reports worker seconds per minute of audio (wall and process CPU) and the resulting $ per song at
// the configured unit prices, beside the seed's $0.051–0.06. Run: npm run bench server-job
// (BENCH_SECONDS=60,240 by default; WORKER_DEVICE=cpu|cuda|auto).
import { execFileSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { makeTempDir, renderSong } from "../lib/fingerprint/test-support.ts";
import { createDb } from "../server/db/client.ts";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { migrate } from "../server/db/migrate.ts";
import { parseJobsConfig } from "../server/jobs/config.ts";
import { SEED_COST_PER_SONG_USD } from "../server/jobs/costs.ts";
import { requestServerJob } from "../server/jobs/requests.ts";
import { startJobSystem } from "../server/jobs/system.ts";
import { eventually, uploadFile } from "../test/jobs.ts";
import { createTestUser } from "../test/users.ts";

const lengths = (process.env.BENCH_SECONDS ?? "60,240").split(",").map(Number);
const temp = makeTempDir();
// As root, postgres runs as its own user and must reach the cluster through this directory.
chmodSync(temp.dir, 0o755);
const server = await startEmbeddedPostgres({
  dataDir: join(temp.dir, "pg"),
  port: 0,
  database: "bench",
  log: pino({ level: "warn" }),
});
try {
  await migrate(server.url);
  const db = createDb(server.url);
  const config = parseJobsConfig(
    { WORKER_DEVICE: process.env.WORKER_DEVICE ?? "auto", FREE_MONTHLY_SERVER_JOBS: "1000" },
    join(temp.dir, "data"),
  );
  const jobs = await startJobSystem({
    db,
    databaseUrl: server.url,
    config,
    worker: true,
    origin: "http://bench",
  });
  const user = await createTestUser(db);
  console.log(
    `${cpus().length} × ${cpus()[0]?.model ?? "CPU"}; prices: CPU $${config.PRICE_CPU_SECOND_USD.toFixed(6)}/s, GPU $${config.PRICE_GPU_SECOND_USD.toFixed(6)}/s`,
  );
  console.log(
    "| audio | backend | wall s | CPU s | stages (s) | wall s per audio min | CPU s per audio min | $/song (this length) | $ for a 4-min song | seed $/song |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const [i, seconds] of lengths.entries()) {
    const base = renderSong(temp.dir, 40 + i, Math.min(seconds, 60));
    const file =
      seconds <= 60
        ? base
        : execFileSync("sox", [
            ...Array(Math.ceil(seconds / 60)).fill(base),
            join(temp.dir, `song-${seconds}.wav`),
            "trim",
            "0",
            String(seconds),
          ]) && join(temp.dir, `song-${seconds}.wav`);
    const t0 = performance.now();
    const answer = await requestServerJob(
      { db, store: jobs.store, queue: jobs.queue, config },
      { userId: user.id, upload: await uploadFile(jobs.store, file), filename: `bench-${seconds}.wav` },
    );
    if (answer.outcome !== "new_job") throw new Error(`expected a new job, got ${answer.outcome}`);
    const job = await eventually(async () => {
      const j = await db.aiJob.findUniqueOrThrow({ where: { id: answer.jobId } });
      return j.state === "complete" || j.state === "failed" ? j : undefined;
    }, 100);
    const total = (performance.now() - t0) / 1000;
    if (job.state !== "complete") throw new Error(`job failed: ${job.error}`);
    const stages = job.stageSeconds as Record<string, number>;
    const wall = (job.finishedAt!.getTime() - job.startedAt!.getTime()) / 1000;
    const perMin = 60 / seconds;
    const cost = Number(job.costUsd);
    console.log(
      `| ${seconds} s | ${job.backend} | ${wall.toFixed(1)} (${total.toFixed(1)} incl. upload + fingerprint + queue) | ${stages.cpu?.toFixed(1)} | ${Object.entries(
        stages,
      )
        .filter(([k]) => k !== "cpu")
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(
          ", ",
        )} | ${(wall * perMin).toFixed(2)} | ${((stages.cpu ?? 0) * perMin).toFixed(2)} | $${cost.toFixed(6)} | $${((cost * 240) / seconds).toFixed(6)} | $${SEED_COST_PER_SONG_USD} |`,
    );
  }
  await jobs.stop();
  await db.$disconnect();
} finally {
  await server.stop();
  temp.cleanup();
}
