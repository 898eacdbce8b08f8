// The request guard runs for every route handler: this file walks app/**/route.ts and fails on a
// handler that is not wrapped in guarded(), then sends every handler the requests the guard must
// refuse, through the real route modules on a real database.
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_TRPC_BATCH } from "../../lib/api-limits.ts";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { runtimeOnTestDatabase } from "../../test/runtime.ts";
import { createTestUser } from "../../test/users.ts";
import { GUARD_POLICY, type GuardedHandler, type GuardPolicy, guarded } from "./guard.ts";

const database = migratedDatabaseForFile();
runtimeOnTestDatabase(database);

const root = path.resolve(import.meta.dirname, "../..");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

interface RouteHandler {
  file: string;
  /** The URL path, with dynamic segments filled in. */
  urlPath: string;
  params: Record<string, string>;
  method: (typeof METHODS)[number];
  handler: unknown;
}

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

/** Every exported HTTP method of every route file, with placeholder values for [segments]. */
async function allRouteHandlers(): Promise<RouteHandler[]> {
  const handlers: RouteHandler[] = [];
  for (const file of routeFiles(path.join(root, "app"))) {
    const params: Record<string, string> = {};
    const segments = path
      .relative(path.join(root, "app"), path.dirname(file))
      .split(path.sep)
      .filter((s) => !/^\(.*\)$/.test(s))
      .map((segment) => {
        const dynamic = /^\[(?:\.\.\.)?(.+)\]$/.exec(segment);
        if (!dynamic?.[1]) return segment;
        params[dynamic[1]] = dynamic[1] === "id" ? "00000000-0000-4000-8000-000000000000" : "x";
        return params[dynamic[1]];
      });
    const module = (await import(file)) as Record<string, unknown>;
    for (const method of METHODS) {
      if (method in module) {
        handlers.push({ file, urlPath: `/${segments.join("/")}`, params, method, handler: module[method] });
      }
    }
  }
  return handlers;
}

const policyOf = (handler: unknown): GuardPolicy | undefined =>
  (handler as Partial<GuardedHandler<unknown[]>>)[GUARD_POLICY];

function call(route: RouteHandler, headers: Record<string, string>, body?: string): Promise<Response> {
  const req = new Request(`http://beatsight.test${route.urlPath}`, {
    method: route.method,
    headers: { host: "beatsight.test", ...headers },
    body,
  });
  const fn = route.handler as (
    req: Request,
    ctx: { params: Promise<Record<string, string>> },
  ) => Promise<Response>;
  return fn(req, { params: Promise.resolve(route.params) });
}

const CROSS_SITE = { origin: "https://evil.example", "sec-fetch-site": "cross-site" };
const SAME_ORIGIN = { origin: "http://beatsight.test", "sec-fetch-site": "same-origin" };

describe("every route handler", () => {
  it("is wrapped in the guard", async () => {
    const routes = await allRouteHandlers();
    // The app has these at least; a walk that finds none must not pass.
    for (const known of ["/api/trpc/x", "/api/jobs/upload", "/api/health", "/api/metrics"]) {
      expect(routes.map((r) => r.urlPath)).toContain(known);
    }
    const unguarded = routes.filter((r) => !policyOf(r.handler)).map((r) => `${r.method} ${r.file}`);
    expect(unguarded).toEqual([]);
  });

  it("refuses cross-site requests that change state, before anything else runs", async () => {
    const unsafe = (await allRouteHandlers()).filter((r) => UNSAFE.has(r.method));
    expect(unsafe.length).toBeGreaterThan(1);
    for (const route of unsafe) {
      const res = await call(route, CROSS_SITE, "{}");
      expect(res.status, `${route.method} ${route.urlPath}`).toBe(403);
      expect((await res.json()).error.code).toBe("cross-site");
      expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
  });

  it("asks for a session where the route needs one", async () => {
    const needing = (await allRouteHandlers()).filter((r) => policyOf(r.handler)?.session === "required");
    expect(needing.length).toBeGreaterThan(1);
    for (const route of needing) {
      const res = await call(route, SAME_ORIGIN, UNSAFE.has(route.method) ? "{}" : undefined);
      expect(res.status, `${route.method} ${route.urlPath}`).toBe(401);
      expect((await res.json()).error.message).toMatch(/sign in/i);
      expect(res.headers.get("x-request-id")).toBeTruthy();
    }
  });
});

describe("the tRPC route behind the guard", () => {
  const trpc = async () => {
    const route = (await allRouteHandlers()).find((r) => r.urlPath === "/api/trpc/x" && r.method === "POST");
    if (!route) throw new Error("no tRPC POST handler");
    return route;
  };
  const trpcCall = async (procedurePath: string, method: "GET" | "POST", headers: Record<string, string>) => {
    const route = { ...(await trpc()), method, urlPath: `/api/trpc/${procedurePath}` };
    return call(
      route,
      { "content-type": "application/json", ...headers },
      method === "POST" ? "{}" : undefined,
    );
  };

  it("lets same-origin and non-browser mutations through, and cross-site reads answer", async () => {
    const user = await createTestUser(database().db);
    const evil = await trpcCall("auth.signOut", "POST", { ...CROSS_SITE, cookie: user.cookie });
    expect(evil.status).toBe(403);
    expect(await database().db.session.count({ where: { userId: user.id } })).toBe(1);

    // Reads change nothing: a cross-site query still answers (and CORS keeps it unreadable).
    const me = await trpcCall("auth.me", "GET", { "sec-fetch-site": "cross-site", cookie: user.cookie });
    expect(me.status).toBe(200);
    expect((await me.json()).result.data.json.email).toBe(user.email);

    const foreign: Record<string, string>[] = [
      { "sec-fetch-site": "same-site" },
      { origin: "null" },
      { origin: "https://beatsight.test.evil.example" },
    ];
    for (const headers of foreign) {
      expect((await trpcCall("auth.signOut", "POST", { ...headers, cookie: user.cookie })).status).toBe(403);
    }
    // No Origin and no Sec-Fetch-Site: not a browser page (the CLI, a server-side caller).
    const cli = await trpcCall("auth.signOut", "POST", { cookie: user.cookie });
    expect(cli.status).toBe(200);
    expect(await database().db.session.count({ where: { userId: user.id } })).toBe(0);
    expect(cli.headers.getSetCookie()[0]).toMatch(/^bs_session=;/);
  });

  it("refuses batches larger than the client sends", async () => {
    const batch = (n: number) => `${Array.from({ length: n }, () => "auth.me").join(",")}?batch=1`;
    expect((await trpcCall(batch(MAX_TRPC_BATCH), "GET", SAME_ORIGIN)).status).toBe(200);
    const tooMany = await trpcCall(batch(MAX_TRPC_BATCH + 1), "GET", SAME_ORIGIN);
    expect(tooMany.status).toBe(400);
    const tooManyWrites = await trpcCall(
      `${Array.from({ length: 1000 }, () => "auth.signOut").join(",")}?batch=1`,
      "POST",
      SAME_ORIGIN,
    );
    expect(tooManyWrites.status).toBe(400);
  });

  it("slides a session in use forward and sets its cookie again", async () => {
    const { db } = database();
    const user = await createTestUser(db);
    await db.session.updateMany({
      where: { userId: user.id },
      data: { lastSeenAt: new Date(Date.now() - 2 * 24 * 3600 * 1000) },
    });
    const before = await db.session.findFirstOrThrow({ where: { userId: user.id } });
    const res = await trpcCall("auth.me", "GET", { ...SAME_ORIGIN, cookie: user.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()[0]).toMatch(new RegExp(`^bs_session=${user.token};`));
    const after = await db.session.findFirstOrThrow({ where: { userId: user.id } });
    expect(after.expiresAt.getTime()).toBeGreaterThan(before.expiresAt.getTime());
  });
});

describe("guarded()", () => {
  const request = (headers: Record<string, string> = {}) =>
    new Request("http://beatsight.test/api/x", {
      method: "POST",
      headers: { host: "beatsight.test", ...headers },
    });

  it("answers a database that is down or busy with 503 and Retry-After", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "P2028" });
    const handler = guarded({ session: "none" }, () => {
      throw refused;
    });
    const res = await handler(request());
    expect(res.status).toBe(503);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = await res.text();
    expect(body).not.toContain("127.0.0.1");
    expect(JSON.parse(body).error.code).toBe("unavailable");
  });

  it("answers anything else with 500 and a reference, never the error's text", async () => {
    const handler = guarded({ session: "none" }, () => {
      throw new Error("password=hunter2 at postgres://10.0.0.5");
    });
    const res = await handler(request());
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).not.toMatch(/hunter2|10\.0\.0\.5/);
    expect(body).toContain(res.headers.get("x-request-id"));
  });

  it("keeps a plain request id from the edge and replaces anything else", async () => {
    const handler = guarded({ session: "none" }, ({ url }, { requestId }) =>
      Response.json({ url, requestId }),
    );
    const kept = await handler(request({ "x-request-id": "edge-1234abcd" }));
    expect(kept.headers.get("x-request-id")).toBe("edge-1234abcd");
    expect((await kept.json()).requestId).toBe("edge-1234abcd");
    const replaced = await handler(request({ "x-request-id": "<script>alert(1)</script>" }));
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("adds its header to responses whose headers cannot change", async () => {
    const handler = guarded({ session: "none" }, () => Response.redirect("http://beatsight.test/", 303));
    const res = await handler(request());
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("http://beatsight.test/");
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });
});
