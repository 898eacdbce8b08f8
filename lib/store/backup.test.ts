import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { grooveChart } from "../beatmap/testing.ts";
import { BackupError, exportLibrary, importLibrary } from "./backup.ts";
import { saveChart } from "./charts.ts";
import { BeatSightDb } from "./db.ts";
import { listResults, putSetting, saveResult } from "./results.ts";
import { chartUsage, isQuotaError } from "./storage.ts";

const dbs: BeatSightDb[] = [];
const fresh = () => {
  const db = new BeatSightDb(`test-${Math.random()}`);
  dbs.push(db);
  return db;
};
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((db) => db.delete()));
});

async function filledDevice() {
  const db = fresh();
  const wav = (n: number) => new Blob([new Uint8Array(n).fill(7)], { type: "audio/wav" });
  const chart = await saveChart(db, {
    beatmap: grooveChart({ bars: 2 }),
    origin: "generated",
    audioOffsetMs: -125,
    stems: { sampleRate: 44100, drums: wav(1000), accompaniment: wav(3000) },
  });
  await saveResult(db, {
    chartId: chart.id,
    contentHash: chart.contentHash,
    rate: 0.75,
    fromMs: 0,
    toMs: 1000,
    input: "keyboard",
    summary: { score: 42 },
  });
  await putSetting(db, "practice.prefs", { scrollSpeed: 7 });
  return { db, chart };
}

describe("library backup", () => {
  it("round-trips charts, results, settings and stems to another device", async () => {
    const { db } = await filledDevice();
    const file = await exportLibrary(db, { includeStems: true });
    const other = fresh();
    const report = await importLibrary(other, file);
    expect(report).toEqual({ charts: 1, skipped: 0, results: 1, settings: 1, stems: 1 });
    const [chart] = await other.charts.toArray();
    expect(chart?.beatmap).toEqual(grooveChart({ bars: 2 }));
    expect(chart?.audioOffsetMs).toBe(-125);
    expect((await listResults(other, chart!.id))[0]?.summary).toEqual({ score: 42 });
    const stems = await other.stems.get(chart!.id);
    expect(stems?.bytes).toBe(4000);
    expect(new Uint8Array(await stems!.drums.arrayBuffer())[0]).toBe(7);
  });

  it("leaves stems out unless asked, and imports into a device that has the chart without duplicates", async () => {
    const { db } = await filledDevice();
    const file = await exportLibrary(db, { includeStems: false });
    expect(await file.text()).not.toContain('"drums"');
    const report = await importLibrary(db, file);
    expect(report).toMatchObject({ charts: 0, skipped: 1, results: 0, settings: 0 });
    expect(await db.charts.count()).toBe(1);
  });

  it("refuses files that are not a library, and damaged charts, importing nothing", async () => {
    const db = fresh();
    await expect(importLibrary(db, new Blob(["not json"]))).rejects.toBeInstanceOf(BackupError);
    await expect(importLibrary(db, new Blob([JSON.stringify({ format: "x" })]))).rejects.toThrow(
      "not a BeatSight library file",
    );
    const { db: full } = await filledDevice();
    const backup = JSON.parse(await (await exportLibrary(full, { includeStems: false })).text());
    backup.charts.push({ ...backup.charts[0], id: "bad", title: "Broken", beatmap: { HitObjects: "x" } });
    await expect(importLibrary(db, new Blob([JSON.stringify(backup)]))).rejects.toThrow(/“Broken”.*damaged/);
    expect(await db.charts.count()).toBe(0);
  });
});

describe("storage", () => {
  it("reports space per chart with stems, largest first", async () => {
    const { db } = await filledDevice();
    const [usage] = await chartUsage(db);
    expect(usage?.stemBytes).toBe(4000);
    expect(usage?.chartBytes).toBeGreaterThan(1000);
  });

  it("recognises a quota error however deeply Dexie wrapped it", () => {
    const inner = new DOMException("full", "QuotaExceededError");
    expect(isQuotaError(inner)).toBe(true);
    expect(isQuotaError({ name: "AbortError", inner })).toBe(true);
    expect(isQuotaError(new Error("other"))).toBe(false);
  });
});
