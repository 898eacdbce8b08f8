import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { grooveChart } from "../beatmap/testing.ts";
import { deleteChart, listCharts, saveChart } from "./charts.ts";
import { BeatSightDb } from "./db.ts";

let db: BeatSightDb;
afterEach(async () => {
  await db?.delete();
});

describe("local chart library", () => {
  it("saves a chart with its stems, lists newest first, keeps identical content once", async () => {
    db = new BeatSightDb(`test-${Math.random()}`);
    const a = grooveChart();
    const b = { ...grooveChart(), Metadata: { ...grooveChart().Metadata, Title: "Other" } };
    const wav = new Blob([new Uint8Array(100)]);
    const first = await saveChart(
      db,
      { beatmap: a, origin: "generated", stems: { sampleRate: 44_100, drums: wav, accompaniment: wav } },
      1000,
    );
    await saveChart(db, { beatmap: b, origin: "imported" }, 2000);
    const again = await saveChart(db, { beatmap: a, origin: "generated" }, 3000);
    expect(again.id).toBe(first.id);
    const list = await listCharts(db);
    expect(list.map((c) => c.title)).toEqual(["Other", first.title]);
    expect(list[1]?.noteCount).toBe(a.HitObjects.length);
    expect((await db.stems.get(first.id))?.bytes).toBe(200);

    await deleteChart(db, first.id);
    expect(await db.stems.get(first.id)).toBeUndefined();
    expect((await listCharts(db)).map((c) => c.title)).toEqual(["Other"]);
  });

  it("remembers where the drummer's recording sits on a chart, also when the chart is saved again", async () => {
    db = new BeatSightDb(`test-${Math.random()}`);
    const chart = await saveChart(db, { beatmap: grooveChart(), origin: "server", audioOffsetMs: 1_980 });
    expect((await db.charts.get(chart.id))?.audioOffsetMs).toBe(1_980);
    const again = await saveChart(db, { beatmap: grooveChart(), origin: "server", audioOffsetMs: -40 });
    expect(again).toMatchObject({ id: chart.id, audioOffsetMs: -40 });
    expect((await db.charts.get(chart.id))?.audioOffsetMs).toBe(-40);
    // Saved without a recording (e.g. from the song's page), the remembered offset stays.
    expect((await saveChart(db, { beatmap: grooveChart(), origin: "server" })).audioOffsetMs).toBe(-40);
  });
});
