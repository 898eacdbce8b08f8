import "fake-indexeddb/auto";
import Dexie from "dexie";
import { afterEach, describe, expect, it } from "vitest";
import { BeatSightDb } from "./db.ts";
import { deleteResultsFor, getSetting, listResults, putSetting, saveResult } from "./results.ts";

let db: BeatSightDb;
afterEach(async () => {
  await db?.delete();
});

const result = (chartId: string) => ({
  chartId,
  contentHash: "h",
  rate: 1,
  fromMs: 0,
  toMs: 1000,
  input: "keyboard" as const,
  summary: { score: 1 },
});

describe("practice results", () => {
  it("keeps results per chart, newest first, and deletes them with the chart", async () => {
    db = new BeatSightDb(`test-${Math.random()}`);
    await saveResult(db, result("a"), 1000);
    await saveResult(db, result("b"), 2000);
    await saveResult(db, { ...result("a"), rate: 0.5 }, 3000);
    const a = await listResults(db, "a");
    expect(a.map((r) => r.rate)).toEqual([0.5, 1]);
    await deleteResultsFor(db, "a");
    expect(await listResults(db, "a")).toEqual([]);
    expect(await listResults(db, "b")).toHaveLength(1);
  });

  it("lists a chart's runs at one level; runs from before levels are Expert", async () => {
    db = new BeatSightDb(`test-${Math.random()}`);
    await saveResult(db, result("a"), 1000);
    await saveResult(db, { ...result("a"), level: "easy", rate: 0.5 }, 2000);
    await saveResult(db, { ...result("a"), level: "expert", rate: 0.75 }, 3000);
    expect((await listResults(db, "a", 50, "easy")).map((r) => r.rate)).toEqual([0.5]);
    expect((await listResults(db, "a", 50, "expert")).map((r) => r.rate)).toEqual([0.75, 1]);
    expect(await listResults(db, "a", 50, "hard")).toEqual([]);
    expect(await listResults(db, "a")).toHaveLength(3);
  });

  it("stores settings by key", async () => {
    db = new BeatSightDb(`test-${Math.random()}`);
    expect(await getSetting(db, "x")).toBeUndefined();
    await putSetting(db, "x", { a: 1 });
    expect(await getSetting(db, "x")).toEqual({ a: 1 });
  });

  it("upgrades a version-1 database without losing its charts", async () => {
    const name = `test-${Math.random()}`;
    const v1 = new Dexie(name);
    v1.version(1).stores({
      charts: "id, songId, contentHash, updatedAt",
      stems: "chartId",
      settings: "key",
      outbox: "id, createdAt",
    });
    await v1.table("charts").add({ id: "c1", title: "Old", updatedAt: 1 });
    v1.close();
    db = new BeatSightDb(name);
    expect((await db.charts.get("c1"))?.title).toBe("Old");
    await saveResult(db, result("c1"));
    expect(await listResults(db, "c1")).toHaveLength(1);
    expect(db.verno).toBe(5);
  });
});
