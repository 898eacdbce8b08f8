// Integration tests talk to a real PostgreSQL: a throwaway embedded server (own temp dir, own free
// port) started once per run, or the external server in DATABASE_URL_TEST. Each test file then
// creates its own database on it (test/db.ts), so files never see each other's rows.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Connection string to a maintenance database on the test server (CREATE DATABASE rights). */
    pgAdminUrl: string;
    pgMode: "embedded" | "external";
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.DATABASE_URL_TEST;
  if (external) {
    project.provide("pgAdminUrl", external);
    project.provide("pgMode", "external");
    return async () => {};
  }
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "beatsight-test-pg-"));
  const server = await startEmbeddedPostgres({
    dataDir,
    port: 0,
    database: "postgres",
    log: pino({ level: process.env.LOG_LEVEL ?? "warn" }),
  });
  project.provide("pgAdminUrl", server.url);
  project.provide("pgMode", "embedded");
  return async () => {
    await server.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  };
}
