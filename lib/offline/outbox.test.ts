import "fake-indexeddb/auto";
import Dexie from "dexie";
import { afterEach, describe, expect, it } from "vitest";
import { BeatSightDb } from "../store/db.ts";
import { discardEntry, enqueue, flushOutbox, retryDelayMs, retryEntry, type Sender } from "./outbox.ts";
import { MutationSendError, sendMutation } from "./send-mutation.ts";

let db: BeatSightDb;
afterEach(async () => {
  await db?.delete();
});
const fresh = () => {
  db = new BeatSightDb(`test-${Math.random()}`);
  return db;
};
const change = (id: string) => ({ id, kind: "maps.submitGenerated" as const, payload: { fingerprint: id } });

/** A server that remembers client mutation ids, as server/services/maps.ts does. */
function fakeServer() {
  const applied = new Map<string, number>();
  const send: Sender = async (_kind, input) => {
    const id = String(input.clientMutationId);
    applied.set(id, (applied.get(id) ?? 0) + 1);
    return { ok: true };
  };
  return { applied, send };
}

describe("outbox", () => {
  it("sends entries oldest first with their client mutation id, then forgets them", async () => {
    fresh();
    await enqueue(db, change("b"), 2);
    await enqueue(db, change("a"), 1);
    const server = fakeServer();
    const order: string[] = [];
    const report = await flushOutbox(db, async (kind, input) => {
      order.push(String(input.clientMutationId));
      return server.send(kind, input);
    });
    expect(order).toEqual(["a", "b"]);
    expect(report.sent).toHaveLength(2);
    expect(await db.outbox.count()).toBe(0);
  });

  it("queuing the same change twice keeps one entry", async () => {
    fresh();
    await enqueue(db, change("same"));
    await enqueue(db, change("same"));
    expect(await db.outbox.count()).toBe(1);
  });

  it("stops at the first network failure and keeps everything for the next attempt", async () => {
    fresh();
    await enqueue(db, change("a"), 1);
    await enqueue(db, change("b"), 2);
    const report = await flushOutbox(db, async () => {
      throw new MutationSendError("offline", true);
    });
    expect(report).toMatchObject({ sent: [], failed: [], remaining: 2, waitingForSignIn: 0 });
    const a = await db.outbox.get("a");
    expect(a).toMatchObject({ attempts: 1, state: "pending", lastError: "offline" });
    expect((await db.outbox.get("b"))?.attempts).toBe(0);
  });

  it("marks a refused change failed and sends the ones behind it", async () => {
    fresh();
    await enqueue(db, change("bad"), 1);
    await enqueue(db, change("good"), 2);
    const server = fakeServer();
    const report = await flushOutbox(db, async (kind, input) => {
      if (input.clientMutationId === "bad") throw new MutationSendError("The chart is not valid.", false);
      return server.send(kind, input);
    });
    expect(report.failed.map((e) => e.id)).toEqual(["bad"]);
    expect(server.applied.get("good")).toBe(1);
    expect(await db.outbox.get("bad")).toMatchObject({
      state: "failed",
      lastError: "The chart is not valid.",
    });
    // Failed entries wait for the user: not sent again by the next flush, until retried.
    expect((await flushOutbox(db, server.send)).sent).toHaveLength(0);
    await retryEntry(db, "bad");
    expect((await flushOutbox(db, server.send)).sent.map((s) => s.entry.id)).toEqual(["bad"]);
    await enqueue(db, change("drop"));
    await discardEntry(db, "drop");
    expect(await db.outbox.count()).toBe(0);
  });

  it("keeps a change that needs an account until the user signs in, without holding up the rest", async () => {
    fresh();
    await enqueue(db, { id: "result-1", kind: "results.submit", payload: { id: "r1" } }, 1);
    await enqueue(db, change("share"), 2);
    const server = fakeServer();
    let signedIn = false;
    const send: Sender = async (kind, input) => {
      if (kind === "results.submit" && !signedIn)
        throw new MutationSendError("Please sign in to do this.", true, true);
      return server.send(kind, input);
    };
    const first = await flushOutbox(db, send);
    expect(first.sent.map((s) => s.entry.id)).toEqual(["share"]);
    expect(first.waitingForSignIn).toBe(1);
    expect(await db.outbox.get("result-1")).toMatchObject({ state: "pending", attempts: 0 });
    signedIn = true;
    expect((await flushOutbox(db, send)).sent.map((s) => s.entry.id)).toEqual(["result-1"]);
  });

  it("an answer lost on the way back is sent again with the same id, which the server recognises", async () => {
    fresh();
    await enqueue(db, change("x"));
    const server = fakeServer();
    // The server applies it, but the answer never arrives.
    await flushOutbox(db, async (kind, input) => {
      await server.send(kind, input);
      throw new MutationSendError("connection reset", true);
    });
    await flushOutbox(db, server.send);
    // Sent twice with one id: a server keyed on client mutation ids applies it once.
    expect(server.applied.get("x")).toBe(2);
    expect([...server.applied.keys()]).toEqual(["x"]);
    expect(await db.outbox.count()).toBe(0);
  });

  it("upgrades a version-2 database, keeping queued changes as pending", async () => {
    const name = `test-${Math.random()}`;
    const v2 = new Dexie(name);
    v2.version(1).stores({
      charts: "id, songId, contentHash, updatedAt",
      stems: "chartId",
      settings: "key",
      outbox: "id, createdAt",
    });
    v2.version(2).stores({ results: "id, chartId, contentHash, createdAt" });
    await v2
      .table("outbox")
      .add({ id: "old", kind: "maps.submitGenerated", payload: {}, createdAt: 5, attempts: 2 });
    await v2.table("charts").add({ id: "c1", title: "Kept", updatedAt: 1 });
    v2.close();
    db = new BeatSightDb(name);
    expect(db.verno).toBeGreaterThanOrEqual(3); // and any later version upgrades from here too
    expect(await db.outbox.get("old")).toMatchObject({ state: "pending", attempts: 2 });
    expect((await db.charts.get("c1"))?.title).toBe("Kept");
    const server = fakeServer();
    expect((await flushOutbox(db, server.send)).sent).toHaveLength(1);
  });
});

describe("retrying while online", () => {
  it("waits 5 s after the first failed flush, doubling, never more than 5 minutes", () => {
    expect([0, 1, 2, 3].map(retryDelayMs)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(6)).toBe(300_000);
    expect(retryDelayMs(40)).toBe(300_000);
  });
});

describe("what the server's answer teaches the device", () => {
  it("a shared chart learns its song and map version, so its results can follow it to the account", async () => {
    fresh();
    const hash = "ab".repeat(32);
    await db.charts.add({ id: "c1", contentHash: hash, title: "T" } as never);
    await enqueue(db, { id: `gen-${hash.slice(0, 40)}`, kind: "maps.submitGenerated", payload: {} });
    await flushOutbox(db, async () => ({ song: { id: "song-1" }, versionId: "version-1" }));
    expect(await db.charts.get("c1")).toMatchObject({ songId: "song-1", mapVersionId: "version-1" });
  });
});

describe("sendMutation", () => {
  const respond = (status: number, body: unknown) => async () =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

  it("posts tRPC's superjson envelope and returns the result", async () => {
    let seen: { url: string; body: unknown } | undefined;
    const result = await sendMutation(
      "maps.submitGenerated",
      { a: 1 },
      {
        fetch: async (url, init) => {
          seen = { url, body: JSON.parse(String(init.body)) };
          return respond(200, { result: { data: { json: { created: true } } } })();
        },
      },
    );
    expect(seen).toEqual({ url: "/api/trpc/maps.submitGenerated", body: { json: { a: 1 } } });
    expect(result).toEqual({ created: true });
  });

  it("tells refusals from trouble that passes", async () => {
    const refused = sendMutation(
      "maps.submitGenerated",
      {},
      { fetch: respond(400, { error: { json: { message: "Bad chart" } } }) },
    );
    await expect(refused).rejects.toMatchObject({ message: "Bad chart", retryable: false });
    await expect(sendMutation("maps.submitGenerated", {}, { fetch: respond(503, {}) })).rejects.toMatchObject(
      { retryable: true },
    );
    await expect(sendMutation("maps.submitGenerated", {}, { fetch: respond(429, {}) })).rejects.toMatchObject(
      { retryable: true },
    );
    await expect(
      sendMutation(
        "maps.submitGenerated",
        {},
        { fetch: async () => Promise.reject(new TypeError("Failed to fetch")) },
      ),
    ).rejects.toMatchObject({ retryable: true });
  });
});
