// `npm run build`: a checked, complete production build in <distDir> (BEATSIGHT_DIST_DIR, default
// .next; another name lets a deployment build run beside a checkout's own). `npm start` and
// `npm test` build through here. Steps, each timed:
//   1. typecheck: `tsc -b` over every TypeScript project (tsconfig.json lists them: browser,
//      workers, Node, tests). next.config.js turns Next's own check off
//      because this one is stricter (tests, scripts, server code outside app/); BEATSIGHT_TYPECHECKED=1
//      skips it when the caller just ran it (`npm test` does, after its typecheck step passed).
//   2. `next build` with output: "standalone".
//   3. the hashes of each prerendered page's inline code for its Content-Security-Policy
//      (scripts/csp-page-hashes.mjs).
//   3b. the service worker for this build (scripts/build-sw.ts).
//   4. the job worker compiled to plain JavaScript (scripts/build-worker.mjs).
//   5. the standalone folder completed with the worker and what the server reads from disk
//      (scripts/complete-standalone.mjs): <distDir>/standalone runs anywhere with
//      `node scripts/serve.mjs` and `node worker.mjs` (see docs/DEPLOY.md).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import path from "node:path";
import { buildWorker } from "./build-worker.mjs";
import { completeStandalone } from "./complete-standalone.mjs";
import { STATIC_PAGES_FILE, writeStaticPageHashes } from "./csp-page-hashes.mjs";
import { missingBuildOutputs } from "./deploy-files.mjs";

const root = path.resolve(import.meta.dirname, "..");
const distName = process.env.BEATSIGHT_DIST_DIR || ".next";
const distDir = path.join(root, distName);
const standaloneDir = path.join(distDir, "standalone");
const bin = (name) => path.join(root, "node_modules", ".bin", name);

async function step(title, work) {
  const started = Date.now();
  await work();
  console.log(`✓ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const started = Date.now();
if (process.env.BEATSIGHT_TYPECHECKED === "1") {
  console.log("typecheck: skipped (BEATSIGHT_TYPECHECKED=1: the caller ran it)");
} else {
  await step("typecheck", () => run(bin("tsc"), ["-b", "tsconfig.json"]));
}
await step("next build", () =>
  run(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"]),
);
await step("page hashes", () => {
  const pages = writeStaticPageHashes(distDir);
  console.log(`csp: hashes of the inline code of ${pages} prerendered pages (${STATIC_PAGES_FILE})`);
});
await step("service worker", () =>
  run(process.execPath, ["--import", "tsx", path.join(root, "scripts", "build-sw.ts")]),
);
const worker = path.join(distDir, "worker", "worker.mjs");
await step("worker", async () => {
  const bytes = await buildWorker(worker);
  console.log(`worker: ${path.relative(root, worker)} (${Math.round(bytes / 1024)} kB)`);
});
await step("standalone folder", async () => {
  const added = await completeStandalone({ distDir, standaloneDir, worker });
  // A build in its own folder keeps its own service worker (scripts/build-sw.ts) so it never
  // replaces the one a checkout's `npm start` serves from public/.
  const ownServiceWorker = path.join(distDir, "sw.js");
  if (existsSync(ownServiceWorker))
    copyFileSync(ownServiceWorker, path.join(standaloneDir, "public", "sw.js"));
  console.log(`standalone: ${path.relative(root, standaloneDir)} (+${added} files the entry points import)`);
});
// The Dockerfile copies the build's output by name: a build that no longer makes it fails here,
// not in someone's `docker build`.
const missing = missingBuildOutputs(distName);
if (missing.length > 0) {
  console.error(`The Dockerfile copies ${missing.join(", ")} from the build, and this build made none.`);
  process.exit(1);
}
console.log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
