// One fresh database on an external PostgreSQL server — never the embedded one — for tests and
// benchmarks that run several processes of this checkout against it: the server in
// DATABASE_URL_TEST (CI starts one with scripts/external-postgres.sh), else a Debian PostgreSQL
// started here with the same script and stopped by drop().
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

const script = path.resolve(import.meta.dirname, "..", "..", "scripts", "external-postgres.sh");

export interface ClusterDatabase {
  /** The new database's URL: what every process gets as DATABASE_URL. */
  url: string;
  /** Whether the server came from DATABASE_URL_TEST (else this process started it). */
  fromEnvironment: boolean;
  /** The server's major version, for reports. */
  serverVersion: string;
  /** Drops the database, and stops the server if this process started it. */
  drop(): Promise<void>;
}

async function onServer<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function clusterDatabase(): Promise<ClusterDatabase> {
  let adminUrl = process.env.DATABASE_URL_TEST;
  let stopServer = () => {};
  if (!adminUrl) {
    const dir = mkdtempSync(path.join(tmpdir(), "beatsight-cluster-pg-"));
    try {
      adminUrl = execFileSync("bash", [script, "start", dir], { encoding: "utf8" }).trim();
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      // The script's own message (e.g. "install Debian's PostgreSQL") is on its stderr.
      const said = (error as { stderr?: Buffer | string }).stderr?.toString().trim();
      throw new Error(
        `Could not start an external PostgreSQL for this test (scripts/external-postgres.sh): ${said || (error as Error).message}`,
      );
    }
    stopServer = () => execFileSync("bash", [script, "stop", dir], { stdio: "ignore" });
  }
  const name = `beatsight_cluster_${randomBytes(5).toString("hex")}`;
  const serverVersion = await onServer(adminUrl, async (client) => {
    await client.query(`CREATE DATABASE ${name}`);
    return (
      (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? "?"
    );
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = adminUrl;
  return {
    url: url.toString(),
    fromEnvironment: Boolean(process.env.DATABASE_URL_TEST),
    serverVersion,
    drop: async () => {
      try {
        await onServer(admin, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      } finally {
        stopServer();
      }
    },
  };
}
