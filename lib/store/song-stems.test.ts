import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { grooveChart } from "../beatmap/testing.ts";
import { saveChart } from "./charts.ts";
import { BeatSightDb } from "./db.ts";
import { findSongStems } from "./song-stems.ts";

const dbs: BeatSightDb[] = [];
const fresh = () => {
  const db = new BeatSightDb(`test-${Math.random()}`);
  dbs.push(db);
  return db;
};
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((db) => db.delete()));
});

const noEncoder = { encode: async () => null };
const stems = { sampleRate: 44_100, drums: new Blob(["d"]), accompaniment: new Blob(["a"]) };
const chart = (title: string, audio: { Hash?: string; Fingerprint?: string } = {}) => ({
  ...grooveChart(),
  Metadata: { ...grooveChart().Metadata, Title: title },
  Audio: { Filename: `${title}.wav`, ...audio },
});
const HASH = "a".repeat(64);

describe("findSongStems", () => {
  it("prefers the chart's own stems, then a version of the map, then the same file, then the same song", async () => {
    const db = fresh();
    const own = await saveChart(db, { beatmap: chart("Own"), origin: "generated", stems }, 1, noEncoder);
    await saveChart(
      db,
      { beatmap: chart("Song"), origin: "generated", songId: "song-1", stems },
      5,
      noEncoder,
    );
    await saveChart(db, { beatmap: chart("File", { Hash: HASH }), origin: "generated", stems }, 2, noEncoder);
    const version = await saveChart(
      db,
      { beatmap: chart("Version"), origin: "generated", songId: "song-1", mapVersionId: "v-2", stems },
      3,
      noEncoder,
    );
    const bare = await saveChart(
      db,
      { beatmap: chart("Bare"), origin: "imported", songId: "song-1" },
      4,
      noEncoder,
    );

    const found = async (query: Parameters<typeof findSongStems>[1]) => {
      const f = await findSongStems(db, query);
      return f && { title: f.chart.title, same: f.sameRecording };
    };
    expect(await found({ chartId: own.id })).toEqual({ title: "Own", same: true });
    const mapQuery = { songId: "song-1", mapVersionIds: ["v-1", "v-2"], audio: { Hash: HASH } };
    expect(await found(mapQuery)).toEqual({ title: "Version", same: true });
    expect(await found({ ...mapQuery, mapVersionIds: [] })).toEqual({ title: "File", same: true });
    expect(await found({ songId: "song-1" })).toEqual({ title: "Song", same: false });
    // A chart without stems of its own gets its song's (another recording: lined up on load).
    expect(await found({ chartId: bare.id, songId: "song-1" })).toEqual({ title: "Song", same: false });
    expect(await found({ contentHashes: [version.contentHash] })).toEqual({ title: "Version", same: true });
    expect(await found({ songId: "another song" })).toBeNull();
  });

  it("answers null on a device without stems", async () => {
    const db = fresh();
    const c = await saveChart(db, { beatmap: chart("Only"), origin: "imported", songId: "s" }, 1, noEncoder);
    expect(await findSongStems(db, { chartId: c.id, songId: "s" })).toBeNull();
  });
});
