import "fake-indexeddb/auto";
import Dexie from "dexie";
import { afterEach, describe, expect, it } from "vitest";
import { grooveChart } from "../beatmap/testing.ts";
import { saveChart, updateChartBeatmap } from "./charts.ts";
import { BeatSightDb } from "./db.ts";
import { deleteDraft, loadDraft, localDraftKey, saveDraft, setDraftSubmission } from "./drafts.ts";

let db: BeatSightDb;
afterEach(async () => {
  await db?.delete();
});

describe("editor drafts", () => {
  it("saves, replaces and deletes a draft per chart", async () => {
    db = new BeatSightDb(`test-${Math.random()}`);
    const key = localDraftKey("abc");
    const chart = grooveChart();
    await saveDraft(db, { key, beatmap: chart, baseHash: "h", confirmed: [{ time: 500, lane: 0 }] }, 1000);
    const edited = { ...chart, HitObjects: chart.HitObjects.slice(1) };
    await saveDraft(db, { key, beatmap: edited, baseHash: "h", confirmed: [] }, 2000);
    const got = await loadDraft(db, key);
    expect(got?.beatmap.HitObjects).toHaveLength(chart.HitObjects.length - 1);
    expect(got?.savedAt).toBe(2000);
    await setDraftSubmission(db, key, "sub-12345678");
    await saveDraft(db, { key, beatmap: edited, baseHash: "h", confirmed: [] }, 3000);
    expect((await loadDraft(db, key))?.submissionId).toBe("sub-12345678");
    await deleteDraft(db, key);
    expect(await loadDraft(db, key)).toBeUndefined();
  });

  it("upgrades a version-3 library without touching its charts or outbox", async () => {
    const name = `test-${Math.random()}`;
    const old = new Dexie(name);
    old.version(1).stores({
      charts: "id, songId, contentHash, updatedAt",
      stems: "chartId",
      settings: "key",
      outbox: "id, createdAt",
    });
    old.version(2).stores({ results: "id, chartId, contentHash, createdAt" });
    old.version(3).stores({ outbox: "id, createdAt, state" });
    await old.open();
    await old.table("charts").put({ id: "c1", contentHash: "x", updatedAt: 1, beatmap: grooveChart() });
    await old.table("outbox").put({ id: "m1", createdAt: 1, state: "pending", kind: "k", payload: {} });
    old.close();

    db = new BeatSightDb(name);
    await db.open();
    expect(db.verno).toBe(5);
    expect((await db.charts.get("c1"))?.contentHash).toBe("x");
    expect((await db.outbox.get("m1"))?.state).toBe("pending");
    await saveDraft(db, { key: "local:c1", beatmap: grooveChart(), baseHash: "x", confirmed: [] });
    expect(await db.drafts.count()).toBe(1);
  });

  it("updates a library chart's content in place", async () => {
    db = new BeatSightDb(`test-${Math.random()}`);
    const stored = await saveChart(db, { beatmap: grooveChart(), origin: "imported" }, 1000);
    const edited = { ...stored.beatmap, HitObjects: stored.beatmap.HitObjects.slice(2) };
    const next = await updateChartBeatmap(db, stored.id, edited, 5000);
    expect(next.noteCount).toBe(stored.noteCount - 2);
    expect(next.contentHash).not.toBe(stored.contentHash);
    expect((await db.charts.get(stored.id))?.updatedAt).toBe(5000);
    await expect(updateChartBeatmap(db, "missing", edited)).rejects.toThrow(/no longer in your library/);
  });
});
