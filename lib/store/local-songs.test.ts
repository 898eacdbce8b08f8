import "fake-indexeddb/auto";
import { join } from "node:path";
import Dexie from "dexie";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Beatmap } from "../beatmap/index.ts";
import { grooveChart } from "../beatmap/testing.ts";
import { compressFingerprint } from "../fingerprint/compress.ts";
import { fingerprintFile } from "../fingerprint/node.ts";
import { makeTempDir, renderSong, requireTools, transcode } from "../fingerprint/test-support.ts";
import { saveChart, updateChartBeatmap } from "./charts.ts";
import { BeatSightDb } from "./db.ts";
import { localDraftKey, mapDraftKey, saveDraft } from "./drafts.ts";
import { findLocalCharts } from "./local-songs.ts";

interface Print {
  fingerprint: string;
  durationSeconds: number;
}

let temp: ReturnType<typeof makeTempDir>;
let original: Print;
let mp3Copy: Print;
let otherSong: Print;

async function printOf(file: string): Promise<Print> {
  const fp = await fingerprintFile(file, { keepDecoderWarm: false });
  return { fingerprint: fp.compressed, durationSeconds: fp.durationSeconds };
}

beforeAll(async () => {
  requireTools("ffmpeg", "sox");
  temp = makeTempDir();
  const wav = renderSong(temp.dir, 33, 30);
  original = await printOf(wav);
  mp3Copy = await printOf(transcode(wav, join(temp.dir, "copy.mp3"), ["-b:a", "128k"]));
  otherSong = await printOf(renderSong(temp.dir, 34, 30));
}, 60_000);
afterAll(() => temp.cleanup());

let db: BeatSightDb;
afterEach(async () => {
  await db?.delete();
});

/** A chart made from the recording `print` (as the generate page saves one). */
function chartOf(print: Print, title: string): Beatmap {
  const groove = grooveChart();
  return {
    ...groove,
    Metadata: { ...groove.Metadata, Title: title },
    Audio: {
      Filename: `${title}.wav`,
      Duration: Math.round(print.durationSeconds * 1000),
      Fingerprint: print.fingerprint,
    },
  };
}

describe("finding the device's own charts by fingerprint", () => {
  it("an mp3 copy of the song finds the chart made from the wav; another song finds nothing", async () => {
    db = new BeatSightDb(`test-${Math.random()}`);
    const mine = await saveChart(db, { beatmap: chartOf(original, "My Groove"), origin: "generated" });
    await saveChart(db, { beatmap: chartOf(otherSong, "Other Song"), origin: "imported" });
    await saveChart(db, { beatmap: grooveChart({ bars: 2 }), origin: "imported" }); // names no recording

    const found = await findLocalCharts(db, mp3Copy);
    expect(found.charts.map((m) => m.chart.id)).toEqual([mine.id]);
    expect(found.charts[0]?.bitErrorRate).toBeLessThan(0.05);
    expect(found.charts[0]?.confidence).toBeGreaterThan(0.75);
    expect(Math.abs(found.charts[0]?.offsetSeconds ?? 1)).toBeLessThan(0.2);
    expect(found.charts[0]?.draft).toBeUndefined();

    const unrelated = await findLocalCharts(db, {
      fingerprint: (await printOf(renderSong(temp.dir, 35, 30))).fingerprint,
      durationSeconds: 30,
    });
    expect(unrelated).toEqual({ charts: [], mapDrafts: [] });
  });

  it("refuses a recording that only shares the opening (a loop of the song ends elsewhere)", async () => {
    db = new BeatSightDb(`test-${Math.random()}`);
    await saveChart(db, { beatmap: chartOf(original, "My Groove"), origin: "generated" });
    // The same items, but the dropped file is said to run 60 s longer than the chart's recording.
    const found = await findLocalCharts(db, { ...mp3Copy, durationSeconds: mp3Copy.durationSeconds + 60 });
    expect(found.charts).toEqual([]);
  });

  it("offers unsaved edits with their chart, and drafts of server maps on their own", async () => {
    db = new BeatSightDb(`test-${Math.random()}`);
    const mine = await saveChart(db, { beatmap: chartOf(original, "My Groove"), origin: "server" });
    const draft = { beatmap: chartOf(original, "My Groove (edited)"), baseHash: "x", confirmed: [] };
    await saveDraft(db, { ...draft, key: localDraftKey(mine.id) });
    await saveDraft(db, { ...draft, key: mapDraftKey("map-1") });
    await saveDraft(db, {
      ...chartOf(otherSong, "x"),
      key: mapDraftKey("map-2"),
      beatmap: chartOf(otherSong, "Other"),
      baseHash: "y",
      confirmed: [],
    });

    const found = await findLocalCharts(db, mp3Copy);
    expect(found.charts.map((m) => [m.chart.id, m.draft?.key])).toEqual([[mine.id, localDraftKey(mine.id)]]);
    expect(found.mapDrafts.map((m) => m.mapId)).toEqual(["map-1"]);
  });

  it("keeps the index in step with every write: the editor's save, a fingerprint removed, a backup row", async () => {
    db = new BeatSightDb(`test-${Math.random()}`);
    const mine = await saveChart(db, { beatmap: chartOf(otherSong, "Wrong Song"), origin: "imported" });
    expect(await findLocalCharts(db, mp3Copy)).toMatchObject({ charts: [] });
    // The chart is corrected to name the right recording (as the editor saves it).
    await updateChartBeatmap(db, mine.id, chartOf(original, "Right Song"));
    expect((await findLocalCharts(db, mp3Copy)).charts.map((m) => m.chart.id)).toEqual([mine.id]);
    // update() with a key path, as Dexie allows.
    await db.charts.update(mine.id, { "beatmap.Audio.Fingerprint": undefined } as never);
    expect((await db.charts.get(mine.id))?.printKeys).toBeUndefined();
    expect((await findLocalCharts(db, mp3Copy)).charts).toEqual([]);
    // A row added directly (a library backup being restored).
    const row = await db.charts.get(mine.id);
    await db.charts.add({ ...row!, id: "restored", beatmap: chartOf(original, "Restored") });
    expect((await findLocalCharts(db, mp3Copy)).charts.map((m) => m.chart.id)).toEqual(["restored"]);
  });

  it("indexes the charts and drafts a device kept before fingerprints were indexed (v4 → v5)", async () => {
    const name = `test-${Math.random()}`;
    const v4 = new Dexie(name);
    v4.version(4).stores({
      charts: "id, songId, contentHash, updatedAt",
      stems: "chartId",
      settings: "key",
      outbox: "id, createdAt, state",
      results: "id, chartId, contentHash, createdAt",
      drafts: "key, savedAt",
    });
    await v4.table("charts").add({
      id: "old",
      title: "Old",
      artist: "",
      origin: "generated",
      contentHash: "h",
      beatmap: chartOf(original, "Old"),
      noteCount: 1,
      durationMs: 30_000,
      createdAt: 1,
      updatedAt: 1,
    });
    await v4.table("drafts").add({
      key: mapDraftKey("m"),
      beatmap: chartOf(original, "Old draft"),
      baseHash: "b",
      confirmed: [],
      savedAt: 1,
    });
    v4.close();
    db = new BeatSightDb(name);
    const found = await findLocalCharts(db, mp3Copy);
    expect(found.charts.map((m) => m.chart.id)).toEqual(["old"]);
    expect(found.mapDrafts.map((m) => m.mapId)).toEqual(["m"]);
  });

  it("finds one chart among 200 by reading only the candidates", async () => {
    db = new BeatSightDb(`test-${Math.random()}`);
    // 199 charts of other recordings (random fingerprints of a 3-minute song's length) and the one.
    let x = 12345;
    const random = () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x >>> 0;
    };
    await db.charts.bulkAdd(
      Array.from({ length: 199 }, (_, i) => {
        const raw = Uint32Array.from({ length: 968 }, random);
        return {
          id: `other-${i}`,
          title: `Other ${i}`,
          artist: "",
          origin: "generated" as const,
          contentHash: `h${i}`,
          beatmap: chartOf({ fingerprint: compressFingerprint(raw, 2), durationSeconds: 180 }, `Other ${i}`),
          noteCount: 1,
          durationMs: 180_000,
          createdAt: i,
          updatedAt: i,
        };
      }),
    );
    const mine = await saveChart(db, { beatmap: chartOf(original, "Mine"), origin: "generated" });
    const read: string[] = [];
    const bulkGet = db.charts.bulkGet.bind(db.charts);
    db.charts.bulkGet = ((ids: string[]) => {
      read.push(...ids);
      return bulkGet(ids);
    }) as typeof db.charts.bulkGet;
    const t0 = performance.now();
    const found = await findLocalCharts(db, mp3Copy);
    const ms = performance.now() - t0;
    expect(found.charts.map((m) => m.chart.id)).toEqual([mine.id]);
    // Random fingerprints share no index keys with the song: only its own chart is read.
    expect(read).toEqual([mine.id]);
    console.info(`local lookup among 200 charts (fake-indexeddb in Node): ${ms.toFixed(1)} ms`);
  });
});
