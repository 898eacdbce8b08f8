// The stem storage format and its migration, with a stand-in encoder (WebCodecs is browser-only;
// the real Opus encoder is exercised in Chromium by e2e/editor.spec.ts and bench/stem-codec.bench.ts).
import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { OGG_OPUS_TYPE } from "../audio/opus-encode.ts";
import { encodeWav16 } from "../audio/wav.ts";
import { grooveChart } from "../beatmap/testing.ts";
import { exportLibrary, importLibrary } from "./backup.ts";
import { saveChart } from "./charts.ts";
import { BeatSightDb } from "./db.ts";
import { compactStoredStems, compressStems, type StemEncoder, stemEncoding, stemTypeOf } from "./stems.ts";

const dbs: BeatSightDb[] = [];
const fresh = () => {
  const db = new BeatSightDb(`test-${Math.random()}`);
  dbs.push(db);
  return db;
};
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((db) => db.delete()));
});

const wavStem = (frames: number, value: number) =>
  new Blob(
    [
      encodeWav16(
        [new Float32Array(frames).fill(value), new Float32Array(frames).fill(-value)],
        44_100,
      ) as Uint8Array<ArrayBuffer>,
    ],
    { type: "audio/wav" },
  );

/** An "encoder" that writes an Ogg-looking file of one byte per 100 frames, and says what it got. */
function fakeOpus(): StemEncoder & {
  calls: { channels: number; frames: number; sampleRate: number; first: number }[];
} {
  const calls: { channels: number; frames: number; sampleRate: number; first: number }[] = [];
  return {
    calls,
    async encode(_signal, channels, sampleRate) {
      const frames = channels[0]!.length;
      calls.push({ channels: channels.length, frames, sampleRate, first: channels[0]![0]! });
      return new Blob([new TextEncoder().encode("OggS"), new Uint8Array(Math.ceil(frames / 100))], {
        type: OGG_OPUS_TYPE,
      });
    },
  };
}
const noEncoder: StemEncoder = { encode: async () => null };

describe("stem encoding", () => {
  it("reads a stored stem's kind from its type, and a backup's bytes from their head", () => {
    expect(stemEncoding(new Blob([], { type: OGG_OPUS_TYPE }))).toBe("opus");
    expect(stemEncoding(new Blob([], { type: "audio/wav" }))).toBe("wav");
    expect(stemEncoding(new Blob([]))).toBe("wav");
    expect(stemTypeOf(new TextEncoder().encode("OggS\0\x02"))).toBe(OGG_OPUS_TYPE);
    expect(stemTypeOf(new TextEncoder().encode("RIFF....WAVE"))).toBe("audio/wav");
  });

  it("encodes each WAV stem's PCM, and keeps the WAV where there is no encoder", async () => {
    const stems = { sampleRate: 44_100, drums: wavStem(44_100, 0.5), accompaniment: wavStem(22_050, 0.25) };
    const opus = fakeOpus();
    const small = await compressStems(undefined, stems, opus);
    expect(opus.calls).toHaveLength(2);
    expect(opus.calls[0]).toMatchObject({ channels: 2, frames: 44_100, sampleRate: 44_100 });
    expect(opus.calls[0]!.first).toBeCloseTo(0.5, 4);
    expect(opus.calls[1]).toMatchObject({ channels: 2, frames: 22_050 });
    expect(stemEncoding(small.drums)).toBe("opus");
    expect(small.drums.size).toBe(4 + 441);
    expect(small.accompaniment.size).toBe(4 + 221);

    const kept = await compressStems(undefined, stems, noEncoder);
    expect(kept.drums).toBe(stems.drums);
    expect(kept.accompaniment).toBe(stems.accompaniment);
    // Already compressed, or not a WAV it can read: handed back untouched.
    const again = fakeOpus();
    const odd = new Blob([new Uint8Array(64)], { type: "audio/wav" });
    const through = await compressStems(
      undefined,
      { sampleRate: 44_100, drums: small.drums, accompaniment: odd },
      again,
    );
    expect(again.calls).toHaveLength(0);
    expect(through.drums).toBe(small.drums);
    expect(through.accompaniment).toBe(odd);
  });

  it("saveChart stores the compressed stems and counts their bytes; a chart it has is not encoded again", async () => {
    const db = fresh();
    const opus = fakeOpus();
    const stems = { sampleRate: 44_100, drums: wavStem(44_100, 0.5), accompaniment: wavStem(44_100, 0.1) };
    const chart = await saveChart(db, { beatmap: grooveChart(), origin: "generated", stems }, 1000, opus);
    const stored = await db.stems.get(chart.id);
    expect(stemEncoding(stored!.drums)).toBe("opus");
    expect(stored!.bytes).toBe(2 * (4 + 441));
    expect(stored!.bytes).toBeLessThan((stems.drums.size + stems.accompaniment.size) / 10);
    await saveChart(db, { beatmap: grooveChart(), origin: "generated", stems }, 2000, opus);
    expect(opus.calls).toHaveLength(2);
  });
});

describe("compactStoredStems (stems saved as WAV before compression)", () => {
  async function deviceWithWavStems() {
    const db = fresh();
    const charts = [];
    for (const [i, title] of ["One", "Two"].entries()) {
      charts.push(
        await saveChart(
          db,
          {
            beatmap: { ...grooveChart(), Metadata: { ...grooveChart().Metadata, Title: title } },
            origin: "generated",
            stems: {
              sampleRate: 44_100,
              drums: wavStem(44_100 * (i + 1), 0.3),
              accompaniment: wavStem(44_100, 0.2),
            },
          },
          1000 + i,
          noEncoder,
        ),
      );
    }
    return { db, charts };
  }

  it("compresses every WAV stem in place and reports the bytes saved; compressed ones are left", async () => {
    const { db, charts } = await deviceWithWavStems();
    const before = await Promise.all(charts.map((c) => db.stems.get(c.id)));
    const opus = fakeOpus();
    const report = await compactStoredStems(db, { encoder: opus });
    expect(report.compacted).toBe(2);
    expect(report.bytesBefore).toBe(before[0]!.bytes + before[1]!.bytes);
    expect(report.bytesAfter).toBe(4 + 441 + (4 + 441) + (4 + 882) + (4 + 441));
    for (const [i, c] of charts.entries()) {
      const after = (await db.stems.get(c.id))!;
      expect(stemEncoding(after.drums)).toBe("opus");
      expect(stemEncoding(after.accompaniment)).toBe("opus");
      expect(after.createdAt).toBe(before[i]!.createdAt);
      expect(after.sampleRate).toBe(44_100);
    }
    // Nothing left to do.
    const second = fakeOpus();
    expect((await compactStoredStems(db, { encoder: second })).compacted).toBe(0);
    expect(second.calls).toHaveLength(0);
  });

  it("without an encoder leaves every row as it was, after trying the first chart only", async () => {
    const { db, charts } = await deviceWithWavStems();
    let tries = 0;
    const report = await compactStoredStems(db, {
      encoder: {
        encode: async () => {
          tries++;
          return null;
        },
      },
    });
    expect(report).toEqual({ compacted: 0, bytesBefore: 0, bytesAfter: 0 });
    expect(tries).toBe(2); // its drums and accompaniment; not the second chart's
    expect(stemEncoding((await db.stems.get(charts[1]!.id))!.drums)).toBe("wav");
    expect(stemEncoding((await db.stems.get(charts[0]!.id))!.drums)).toBe("wav");
  });

  it("keeps a row that changed while it was being encoded", async () => {
    const { db, charts } = await deviceWithWavStems();
    const opus = fakeOpus();
    const racing: StemEncoder = {
      async encode(signal, channels, sampleRate) {
        // The chart's stems are replaced (a re-import) while the first stem encodes.
        if (opus.calls.length === 0) await db.stems.update(charts[0]!.id, { createdAt: 99 });
        return opus.encode(signal, channels, sampleRate);
      },
    };
    const report = await compactStoredStems(db, { encoder: racing });
    expect(report.compacted).toBe(1);
    expect(stemEncoding((await db.stems.get(charts[0]!.id))!.drums)).toBe("wav");
    expect(stemEncoding((await db.stems.get(charts[1]!.id))!.drums)).toBe("opus");
  });
});

describe("backup with compressed stems", () => {
  it("exports the stored files and imports each with its kind, Opus or WAV", async () => {
    const db = fresh();
    const a = await saveChart(
      db,
      {
        beatmap: grooveChart(),
        origin: "generated",
        stems: { sampleRate: 48_000, drums: wavStem(4410, 0.5), accompaniment: wavStem(4410, 0.5) },
      },
      1000,
      fakeOpus(),
    );
    const b = await saveChart(
      db,
      {
        beatmap: { ...grooveChart(), Metadata: { ...grooveChart().Metadata, Title: "Old" } },
        origin: "imported",
        stems: { sampleRate: 44_100, drums: wavStem(441, 0.5), accompaniment: wavStem(441, 0.5) },
      },
      1001,
      noEncoder,
    );
    const other = fresh();
    const report = await importLibrary(other, await exportLibrary(db, { includeStems: true }));
    expect(report.stems).toBe(2);
    for (const [chart, kind] of [
      [a, "opus"],
      [b, "wav"],
    ] as const) {
      const mine = (await db.stems.get(chart.id))!;
      const theirs = (await other.stems.get(chart.id))!;
      expect(stemEncoding(theirs.drums)).toBe(kind);
      expect(theirs.bytes).toBe(mine.bytes);
      expect(theirs.sampleRate).toBe(mine.sampleRate);
      expect(new Uint8Array(await theirs.accompaniment.arrayBuffer())).toEqual(
        new Uint8Array(await mine.accompaniment.arrayBuffer()),
      );
    }
  });
});
