// Serves the production build: what `next start` does, plus one thing Next cannot do from a route
// handler: learn the TCP peer's address. Each request is stamped with the socket's address
// (server/http/remote-address.mjs) before Next sees it, replacing any copy the client sent, so rate
// limits and logs key by the real peer and X-Forwarded-For counts only as far as TRUST_PROXY says.
//
//   node scripts/serve.mjs [--port 3000] [--hostname 127.0.0.1]
import { createServer } from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import next from "next";
import { stampRemoteAddress } from "../server/http/remote-address.mjs";

const root = path.resolve(import.meta.dirname, "..");
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
await app.prepare();

const server = createServer((req, res) => {
  stampRemoteAddress(req);
  handle(req, res);
});
server.listen(port, hostname, () => {
  console.log(
    `BeatSight is listening on http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`,
  );
});
