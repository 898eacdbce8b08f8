// Serves the production build: what `next start` does, plus one thing Next cannot do from a route
// handler: learn the TCP peer's address. Each request is stamped with the socket's address
// (server/http/remote-address.mjs) before Next sees it, replacing any copy the client sent, so rate
// limits and logs key by the real peer and X-Forwarded-For counts only as far as TRUST_PROXY says.
//
//   node scripts/serve.mjs [--port 3000] [--hostname 127.0.0.1]
//
// It runs in two places: a checkout (`npm start`), and the standalone output of `npm run build`
// (<distDir>/standalone/scripts/serve.mjs, the production start, see docs/DEPLOY.md). Both serve
// with the config the build recorded, as Next's own standalone server.js does: the standalone
// folder has no next.config.js, and a checkout's may have changed since it was built.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import { stampRemoteAddress } from "../server/http/remote-address.mjs";

const root = path.resolve(import.meta.dirname, "..");
const standalone = !existsSync(path.join(root, "next.config.js"));

/** The build folder: BEATSIGHT_DIST_DIR or .next in a checkout; in standalone output, the one there is. */
function buildDir() {
  const marker = "required-server-files.json";
  const named = process.env.BEATSIGHT_DIST_DIR || ".next";
  if (existsSync(path.join(root, named, marker)) || !standalone) return path.join(root, named);
  const found = readdirSync(root, { withFileTypes: true }).find(
    (entry) => entry.isDirectory() && existsSync(path.join(root, entry.name, marker)),
  );
  return path.join(root, found?.name ?? named);
}
const recorded = path.join(buildDir(), "required-server-files.json");
if (!existsSync(recorded)) {
  console.error(`No production build in ${path.dirname(recorded)}: run \`npm run build\` first.`);
  process.exit(1);
}
process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(
  JSON.parse(readFileSync(recorded, "utf8")).config,
);
if (standalone) {
  // Data stays where the caller meant it (relative to where it started), never inside the build
  // folder, which the next build replaces.
  for (const name of ["DATA_DIR", "UPLOAD_DIR"]) {
    if (process.env[name]) process.env[name] = path.resolve(process.env[name]);
  }
  process.env.DATA_DIR ??= path.resolve(".data");
  // As Next's standalone server.js: the app reads migrations, models and worklet from its folder.
  process.env.NODE_ENV = "production";
  process.chdir(root);
}
// Loaded once the config is in place, in the order Next's standalone server.js keeps.
const { default: next } = await import("next");
const { values } = parseArgs({
  options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } },
});
const port = Number(values.port ?? process.env.PORT ?? 3000);
// This machine only unless told otherwise: that is what lets `npm start` on a laptop run without
// APP_ORIGIN (server/env.ts). LISTEN_HOST=0.0.0.0 (or ::) serves every interface.
const hostname = values.hostname ?? process.env.LISTEN_HOST ?? "127.0.0.1";
// The app reads both (server/env.ts): its own address for links when APP_ORIGIN is unset.
process.env.LISTEN_HOST = hostname;
process.env.PORT = String(port);

const app = next({ dev: false, dir: root, port, hostname });
const handle = app.getRequestHandler();
// A start that cannot succeed ends the process with a message, never a hang or a bare stack.
const fail = (message) => {
  console.error(`\nBeatSight could not start: ${message}\n`);
  process.exit(1);
};
await app.prepare().catch((error) => fail(error instanceof Error ? error.message : String(error)));

const server = createServer((req, res) => {
  stampRemoteAddress(req);
  handle(req, res);
});
server.once("error", (error) => {
  const taken = error.code === "EADDRINUSE";
  fail(
    taken
      ? `port ${port} on ${hostname} is in use by another program. Stop it, or choose another port with PORT=….`
      : `cannot listen on ${hostname}:${port} (${error.code ?? error.message}). Check PORT and LISTEN_HOST.`,
  );
});
server.listen(port, hostname, () => {
  console.log(
    `BeatSight is listening on http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`,
  );
});
