// The e2e server's database on an external PostgreSQL (DATABASE_URL_TEST): a fresh one per run,
// so a second `npm test` against the same server does not find the first run's songs and maps
// (it did: "this song already has a chart" instead of a server job). Created once by the
// Playwright main process (the config is evaluated again in each worker, which inherits the
// name through the environment) and dropped by e2e/global-teardown.ts after the server stops.
import { spawnSync } from "node:child_process";

/** Runs `sql` on the server of `url` from a child process: the config is evaluated synchronously. */
function runSql(url: string, sql: string): void {
  const script =
    'const pg = require("pg"); const c = new pg.Client({ connectionString: process.env.URL });' +
    "c.connect().then(() => c.query(process.env.SQL)).then(() => c.end()," +
    " (e) => { console.error(e.message); process.exit(1); });";
  const run = spawnSync(process.execPath, ["-e", script], {
    env: { ...process.env, URL: url, SQL: sql },
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`PostgreSQL at ${new URL(url).host}: ${run.stderr.trim()}`);
}

/** A new, empty database on the server of `serverUrl`; its URL. */
export function createE2eDatabase(serverUrl: string): string {
  const name = `beatsight_e2e_${Date.now().toString(36)}_${process.pid}`;
  runSql(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops the run's database (the server using it has stopped). */
export function dropE2eDatabase(databaseUrl: string): void {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  if (!/^beatsight_e2e_[a-z0-9_]+$/.test(name)) return; // never anything this file did not create
  url.pathname = "/postgres";
  runSql(url.toString(), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
