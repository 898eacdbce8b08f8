// Builds the service worker after `next build`: bundles sw/service-worker.ts with esbuild into
// public/sw.js and injects the precache manifest of this build (every JS/CSS chunk under
// .next/static, the icons, the manifest, the fingerprint engine and the offline pages, each with
// a revision so a new build replaces exactly what changed). `node --import tsx scripts/build-sw.ts`,
// run by `npm run build`, `npm start` and `npm test` after `next build`.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { OFFLINE_PAGES } from "../lib/offline/pwa-constants.ts";

const root = path.join(import.meta.dirname, "..");
// The build to precache: next.config.js's distDir, the same BEATSIGHT_DIST_DIR rule.
const distName = process.env.BEATSIGHT_DIST_DIR || ".next";
const distDir = path.join(root, distName);
const buildId = readFileSync(path.join(distDir, "BUILD_ID"), "utf8").trim();
// A checkout's own build (.next) is served from public/ by `npm start`; a build in another folder
// (a deployment's) keeps its service worker beside it, and scripts/build.mjs puts it into that
// build's standalone public/, so it never replaces the one a running checkout serves.
const outfile = distName === ".next" ? path.join(root, "public", "sw.js") : path.join(distDir, "sw.js");

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else yield full;
  }
}
const revisionOf = (file: string) =>
  createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);

const manifest: { url: string; revision: string | null }[] = [];
// Next's chunks carry a content hash in their names: no revision needed.
const staticDir = path.join(distDir, "static");
for (const file of files(staticDir)) {
  // The ONNX Runtime .wasm (40 MB) is cached on first use instead; source maps and sources not at all.
  if (/\.(wasm|map|ts)$/.test(file)) continue;
  manifest.push({
    url: `/_next/static/${path.relative(staticDir, file).split(path.sep).join("/")}`,
    revision: null,
  });
}
// The model list too (not the models: the page caches those itself, by sha256).
const publicFiles = ["icons", "wasm/chromaprint.wasm", "models/manifest.json"];
for (const entry of publicFiles) {
  const full = path.join(root, "public", entry);
  const list = statSync(full).isDirectory() ? [...files(full)] : [full];
  for (const file of list) {
    manifest.push({
      url: `/${path.relative(path.join(root, "public"), file).split(path.sep).join("/")}`,
      revision: revisionOf(file),
    });
  }
}
// Server-rendered pages of this build: revised with the build.
for (const page of [...OFFLINE_PAGES, "/manifest.webmanifest"])
  manifest.push({ url: page, revision: buildId });

// The inference runtime's .wasm files (public/ort, copied from onnxruntime-web by postinstall) keep
// their names across versions: the worker's cache of them is named after their contents instead.
const ortDir = path.join(root, "public", "ort");
const runtime = createHash("sha256");
if (existsSync(ortDir)) {
  for (const file of [...files(ortDir)].sort())
    runtime.update(path.basename(file)).update(readFileSync(file));
}
const runtimeRevision = runtime.digest("hex").slice(0, 12);

const result = await build({
  entryPoints: [path.join(root, "sw", "service-worker.ts")],
  outfile,
  bundle: true,
  format: "iife",
  target: "es2022",
  minify: true,
  sourcemap: false,
  define: {
    "self.__WB_MANIFEST": JSON.stringify(manifest),
    "process.env.NODE_ENV": '"production"',
    __BUILD_ID__: JSON.stringify(buildId),
    __RUNTIME_REVISION__: JSON.stringify(runtimeRevision),
  },
  logLevel: "warning",
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
const kb = (n: number) => `${Math.round(n / 1024)} kB`;
const precacheBytes = manifest.reduce((sum, { url }) => {
  const file = url.startsWith("/_next/static/")
    ? path.join(staticDir, url.slice("/_next/static/".length))
    : path.join(root, "public", url);
  try {
    return sum + statSync(file).size;
  } catch {
    return sum; // a page, rendered by the server
  }
}, 0);
console.log(
  `service worker: ${path.relative(root, outfile)} (${kb(bytes)}), ${manifest.length} precached entries (${kb(precacheBytes)} of files + pages), build ${buildId}`,
);
