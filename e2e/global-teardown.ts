import fs from "node:fs/promises";

export default async function globalTeardown(): Promise<void> {
  const dir = process.env.BEATSIGHT_E2E_DATA_DIR;
  // The web server (and the embedded PostgreSQL it owns) has stopped by now.
  if (dir) await fs.rm(dir, { recursive: true, force: true });
}
