// The same recovery for an external PostgreSQL that restarts (DATABASE_URL; nothing here
// supervises it): a Debian-packaged server from /usr/lib/postgresql, stopped with a fast shutdown
// (open connections get 57P01) and started again on the same port. Meanwhile health is 503 and
// writes are 503 with Retry-After; afterwards the same Prisma client works again. Skipped where no
// Debian PostgreSQL is installed.
import { existsSync, readdirSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route.ts";
import { POST as trpc } from "@/app/api/trpc/[trpc]/route.ts";
import type { Runtime } from "@/server/runtime.ts";
import { createTestUser } from "@/test/users.ts";
import { createDb } from "./client.ts";
import { prepareDatabase } from "./database.ts";
import { grantSearchPath, postgresAccount } from "./postgres-binaries.ts";
import { initCluster, type Postmaster, startPostmaster } from "./postmaster.ts";

const debianBin = (() => {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const version = readdirSync(base).sort().at(-1);
  const bin = version && path.join(base, version, "bin");
  return bin && existsSync(path.join(bin, "postgres")) ? bin : null;
})();

const g = globalThis as typeof globalThis & { __beatsightRuntime?: Promise<Runtime> };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(50);
  }
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  g.__beatsightRuntime = undefined;
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe("an external PostgreSQL that restarts", () => {
  it.runIf(debianBin)(
    "is 503 while it is down and works again afterwards, with the same client",
    async () => {
      const bin = debianBin as string;
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), "beatsight-external-"));
      cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
      const account = await postgresAccount();
      if (account) await grantSearchPath(dir, account);
      const cluster = {
        binaries: { initdb: path.join(bin, "initdb"), postgres: path.join(bin, "postgres") },
        clusterDir: path.join(dir, "pg"),
        account,
        user: "ops",
        password: "external-secret",
        log: pino({ level: "silent" }),
      };
      await initCluster(cluster);
      const port = await freePort();
      let server: Postmaster = await startPostmaster({ ...cluster, port });
      cleanups.push(() => server.stop());

      const url = `postgres://ops:external-secret@127.0.0.1:${port}/postgres`;
      const database = await prepareDatabase({
        databaseUrl: url,
        dataDir: dir,
        embeddedPort: 0,
        log: pino({ level: "silent" }),
      });
      const db = createDb(database.url, { maxConnections: 4 });
      cleanups.push(() => db.$disconnect());
      g.__beatsightRuntime = Promise.resolve({
        db,
        dbMode: database.mode,
        databaseUrl: database.url,
        migrationVersion: database.migrationVersion,
        dbSupervisor: database.supervisor,
        startedAt: new Date(),
        shutdown: async () => {},
      } satisfies Runtime);
      const user = await createTestUser(db);
      const signOut = () =>
        trpc(
          new Request("http://test/api/trpc/auth.revokeOtherSessions", {
            method: "POST",
            headers: { "content-type": "application/json", cookie: user.cookie },
            body: JSON.stringify({ json: null }),
          }),
        );
      const readHealth = async () => {
        const response = await health(new Request("http://test/api/health"));
        const text = await response.text();
        return { status: response.status, text, body: JSON.parse(text) };
      };

      expect((await readHealth()).body).toMatchObject({
        status: "ok",
        db: { mode: "external", supervisor: null },
      });
      expect((await signOut()).status).toBe(200);

      // A fast shutdown, as `pg_ctl restart -m fast` or a managed database's maintenance does.
      await server.stop();
      const down = await until(async () => {
        const seen = await readHealth();
        return seen.status === 503 ? seen : undefined;
      });
      expect(down.body).toMatchObject({ status: "down", db: { state: "down" } });
      expect(down.text).not.toMatch(/127\.0\.0\.1|external-secret|reach|refused|error/i);
      expect(down.text).not.toContain(String(port));
      const refused = await signOut();
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).not.toBeNull();

      server = await startPostmaster({ ...cluster, port });
      await until(async () => ((await readHealth()).status === 200 ? true : undefined));
      expect((await signOut()).status).toBe(200);
    },
  );
});
