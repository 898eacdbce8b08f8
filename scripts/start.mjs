// `npm start`: build the app if its sources changed since the last build, then serve it on PORT
// (default 3000). The database (embedded by default) is started by the server itself.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SERVER_NODE_FLAGS } from "./server-flags.mjs";
import { sourceHash } from "./source-hash.mjs";

const root = path.resolve(import.meta.dirname, "..");
const distDir = path.join(root, process.env.BEATSIGHT_DIST_DIR || ".next");
const stampFile = path.join(distDir, "beatsight-source-hash");

const wanted = sourceHash(root);
const built = existsSync(stampFile) ? readFileSync(stampFile, "utf8") : null;
// The compiled worker is the build's last step (scripts/build.mjs): a build stopped half-way has none.
const complete =
  existsSync(path.join(distDir, "BUILD_ID")) && existsSync(path.join(distDir, "standalone", "worker.mjs"));
if (built !== wanted || !complete) {
  console.log(
    built
      ? "Sources changed since the last build: rebuilding…"
      : "First start: building the app (a minute or two)…",
  );
  const started = Date.now();
  const result = spawnSync(process.execPath, [path.join(root, "scripts", "build.mjs")], {
    cwd: root,
    stdio: "inherit",
  });
  if (result.status !== 0) {
    console.error("\nThe build failed (see above). Fix the error and run `npm start` again.");
    process.exit(result.status ?? 1);
  }
  writeFileSync(stampFile, wanted);
  console.log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

const port = process.env.PORT ?? "3000";
// scripts/serve.mjs rather than `next start`: it hands each request's socket address to the app.
const server = spawn(
  process.execPath,
  [...SERVER_NODE_FLAGS, path.join(root, "scripts", "serve.mjs"), "--port", port],
  {
    cwd: root,
    stdio: "inherit",
  },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
