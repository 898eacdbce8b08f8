// Rate limits over real HTTP: requests go through a Node server that stamps the socket's address
// as scripts/serve.mjs does, into the tRPC API, so rotating X-Forwarded-For is tried against the
// real path from the socket to the limiter. TRUST_PROXY is unset, as in a default install.
import { rmSync } from "node:fs";
import { createServer, type IncomingMessage, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { appRouter } from "../trpc/root.ts";
import { stampRemoteAddress } from "./remote-address.mjs";

await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  process.env.DATA_DIR = mkdtempSync(join(tmpdir(), "beatsight-client-address-"));
  delete process.env.TRUST_PROXY;
});

const database = migratedDatabaseForFile();
let server: Server;
let port = 0;

async function toFetchRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
  }
  const body = req.method === "POST" ? Buffer.concat(chunks) : undefined;
  return new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    stampRemoteAddress(req);
    const fetchReq = await toFetchRequest(req);
    const response = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: fetchReq,
      router: appRouter,
      createContext: ({ resHeaders }) => ({
        db: database().db,
        session: null,
        requestId: "t",
        headers: fetchReq.headers,
        resHeaders,
      }),
    });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(process.env.DATA_DIR!, { recursive: true, force: true });
});

let counter = 0;

/** A sign-up over HTTP from the socket address `from`, claiming to be `forwardedFor`; the status. */
function signUp(from: string, forwardedFor: string): Promise<number> {
  const body = JSON.stringify({
    json: {
      email: `rotating-${process.pid}-${++counter}@example.test`,
      password: "correct horse battery",
      displayName: "Spoofer",
    },
  });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        localAddress: from,
        method: "POST",
        path: "/api/trpc/auth.signUp",
        headers: {
          "content-type": "application/json",
          "sec-fetch-site": "same-origin",
          "x-forwarded-for": forwardedFor,
          "x-real-ip": forwardedFor,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("rate limits with TRUST_PROXY unset", () => {
  it("limits the 11th sign-up from one client however it rotates X-Forwarded-For, and no one else", async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 11; i++) statuses.push(await signUp("127.0.0.2", `203.0.113.${i}`));
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(statuses[10]).toBe(429);
    // Another client, even one claiming the first one's addresses, has its own allowance.
    expect(await signUp("127.0.0.3", "203.0.113.1")).toBe(200);
  });
});
