// A content hash of everything that goes into `next build`, so `npm start` rebuilds exactly when
// the sources changed since the last build (and never serves a stale build after a `git pull`).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const INPUTS = [
  "app",
  "lib",
  "server",
  "public",
  "sw",
  "prisma",
  "scripts/build.mjs",
  "scripts/build-sw.ts",
  "scripts/build-worker.mjs",
  "scripts/complete-standalone.mjs",
  "scripts/serve.mjs",
  "instrumentation.ts",
  "next.config.js",
  "package-lock.json",
  "tsconfig.json",
  "tsconfig.base.json",
];
// public/sw.js is the build's own output (scripts/build-sw.ts), not an input.
const SKIP = new Set(["node_modules", ".next", "generated", "fixtures", "__fixtures__", "sw.js"]);

function* files(entry) {
  if (!existsSync(entry)) return;
  if (statSync(entry).isFile()) {
    yield entry;
    return;
  }
  for (const name of readdirSync(entry).sort()) {
    if (SKIP.has(name) || /\.(test|int\.test)\.tsx?$/.test(name)) continue;
    yield* files(path.join(entry, name));
  }
}

export function sourceHash(root = process.cwd()) {
  const hash = createHash("sha256");
  for (const input of INPUTS) {
    for (const file of files(path.join(root, input))) {
      hash.update(path.relative(root, file));
      hash.update(readFileSync(file));
    }
  }
  return hash.digest("hex");
}
