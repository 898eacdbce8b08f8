// Every mutation counts against a limit in the shared store. This file walks the app router and
// fails on a mutation that names no limit (so a new one cannot forget it), then sends calls over a
// limit through the real tRPC route (429 with Retry-After) and a batch of 1,000 comments through
// tRPC's fetch handler: the comment limit lets exactly its number land.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { describe, expect, it } from "vitest";
import { POST } from "../../app/api/trpc/[trpc]/route.ts";
import { createSongWithMap } from "../../test/community.ts";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { runtimeOnTestDatabase } from "../../test/runtime.ts";
import { trpcPostRequest } from "../../test/trpc-request.ts";
import { createTestUser } from "../../test/users.ts";
import { REMOTE_ADDRESS_HEADER } from "../http/remote-address.mjs";
import { LIMITS } from "../services/limit-policies.ts";
import type { ProcedureMeta } from "./init.ts";
import { appRouter } from "./root.ts";

const database = migratedDatabaseForFile();
runtimeOnTestDatabase(database);

const procedures = () =>
  Object.entries(
    appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta; type: string } }>,
  ).map(([path, p]) => ({ path, type: p._def.type, limit: p._def.meta?.limit }));

describe("every write is limited", () => {
  it("every mutation in the app router names a limit a request can be counted against", () => {
    const mutations = procedures().filter((p) => p.type === "mutation");
    expect(mutations.length).toBeGreaterThan(30);
    const unlimited = mutations.filter((p) => !p.limit).map((p) => p.path);
    expect(unlimited, "mutations without .meta({ limit }) (policies: services/limit-policies.ts)").toEqual(
      [],
    );
    for (const { path, limit } of mutations) {
      expect(LIMITS[limit!], path).toBeDefined();
      expect(["person", "address"], path).toContain(LIMITS[limit!].per);
    }
  });
});

let ipCounter = 0;
const newAddress = () => `198.51.100.${++ipCounter}`;

describe("a mutation over its limit", () => {
  it("answers 429 with the wait in words and in Retry-After, through the tRPC route", async () => {
    const user = await createTestUser(database().db);
    const address = newAddress();
    const rename = (cookie: string, displayName: string) =>
      POST(
        trpcPostRequest("auth.updateProfile", {
          cookie,
          address,
          body: JSON.stringify({ json: { displayName } }),
        }),
      );
    const { points, windowMs } = LIMITS["auth.updateProfile"];
    for (let i = 0; i < points; i++) expect((await rename(user.cookie, `Drummer ${i}`)).status).toBe(200);
    const refused = await rename(user.cookie, `Drummer ${points}`);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(windowMs / 1000 - 60);
    expect(retryAfter).toBeLessThanOrEqual(windowMs / 1000);
    const body = (await refused.json()) as { error: { json: { message: string; data: { code: string } } } };
    expect(body.error.json.data.code).toBe("TOO_MANY_REQUESTS");
    expect(body.error.json.message).toMatch(
      /^Too many profile changes from your account\. Please wait (59|60) minutes and try again\.$/,
    );
    // The refused change did not happen.
    const row = await database().db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.displayName).toBe(`Drummer ${points - 1}`);
    // Another person at the same address is not held up.
    const other = await createTestUser(database().db);
    const theirs = await rename(other.cookie, "Someone else");
    expect(theirs.status).toBe(200);
  });

  it("1,000 comments in one batched request: exactly the comment limit lands, the rest are 429", async () => {
    const { db } = database();
    const user = await createTestUser(db);
    const { versionId } = await createSongWithMap(db);
    const n = 1000;
    const input = Object.fromEntries(
      Array.from({ length: n }, (_, i) => [i, { json: { versionId, timeMs: i * 10, text: `spam ${i}` } }]),
    );
    const request = trpcPostRequest(`${Array.from({ length: n }, () => "comments.add").join(",")}?batch=1`, {
      cookie: user.cookie,
      body: JSON.stringify(input),
    });
    const { sessionFromCookies } = await import("../auth/session.ts");
    const session = await sessionFromCookies(db, user.cookie);
    // tRPC's handler without the route's batch cap (server/http/guard.ts refuses such a batch whole):
    // the limit itself must hold when the calls of one request run at once.
    const response = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: request,
      router: appRouter,
      createContext: ({ resHeaders }) => ({
        db,
        session,
        requestId: "batch",
        headers: new Headers({ [REMOTE_ADDRESS_HEADER]: newAddress() }),
        resHeaders,
      }),
    });
    const results = (await response.json()) as (
      | { result: unknown }
      | { error: { json: { data: { code: string } } } }
    )[];
    const { points } = LIMITS["comments.add"];
    expect(results.filter((r) => "result" in r)).toHaveLength(points);
    const refused = results.filter((r) => "error" in r);
    expect(refused).toHaveLength(n - points);
    expect(new Set(refused.map((r) => ("error" in r ? r.error.json.data.code : null)))).toEqual(
      new Set(["TOO_MANY_REQUESTS"]),
    );
    expect(await db.mapComment.count({ where: { authorId: user.id } })).toBe(points);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
