import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded.ts";

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

    // Stopping and starting again keeps the data (persistent cluster).
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
