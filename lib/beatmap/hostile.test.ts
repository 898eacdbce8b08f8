// Hostile input for the text formats and format detection: every case gets a BeatmapError that
// names the problem (no crash, no hang). Sizes are bounded by LIMITS, so these stay fast.
import { describe, expect, it } from "vitest";
import { serializeBeatmap } from "./canonical.ts";
import { importChart } from "./chart.ts";
import { BeatmapError } from "./errors.ts";
import { exportChartFile, importChartFile } from "./formats.ts";
import { LIMITS } from "./limits.ts";
import { importOsu } from "./osu.ts";
import { grooveChart } from "./testing.ts";

function error(fn: () => unknown): BeatmapError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BeatmapError) return e;
    throw e;
  }
  throw new Error("expected a BeatmapError");
}
const utf8 = (s: string) => new TextEncoder().encode(s);
const chart = (drums: string, song = "Resolution = 192") =>
  `[Song]\n{\n${song}\n}\n[SyncTrack]\n{\n0 = B 120000\n}\n[ExpertDrums]\n{\n${drums}\n}\n`;

describe("hostile .chart", () => {
  it("rejects an unclosed section (truncated file)", () => {
    expect(error(() => importChart(chart("0 = N 0 0").slice(0, -3))).message).toMatch(
      /truncated: \[ExpertDrums\] is never closed/,
    );
  });
  it("rejects garbage lines, zero tempo and bad resolution with the place", () => {
    expect(error(() => importChart(chart("0 = N 0 0\nhello"))).message).toMatch(/\[ExpertDrums\] entry 2/);
    expect(error(() => importChart(chart("", "Resolution = 0"))).message).toMatch(/Resolution/);
    expect(error(() => importChart(chart("0 = N 0 0").replace("B 120000", "B 0"))).message).toMatch(/tempo/);
  });
  it("rejects a chart with no drums, naming what it has", () => {
    const guitar = "[Song]\n{\n}\n[ExpertSingle]\n{\n0 = N 0 0\n}\n";
    expect(error(() => importChart(guitar)).message).toMatch(/no drum chart/);
  });
  it("rejects more notes than a chart may hold", () => {
    const lines = Array.from({ length: LIMITS.maxHitObjects + 1 }, (_, i) => `${i * 10} = N 1 0`).join("\n");
    expect(error(() => importChart(chart(lines))).code).toBe("too_many_notes");
  });
  it("rejects oversized input and absurdly long lines", () => {
    expect(error(() => importChart(new Uint8Array(LIMITS.maxTextChartBytes + 1))).code).toBe("too_large");
    expect(error(() => importChart(`[Song]\n{\nName = "${"x".repeat(20_000)}"\n}`)).message).toMatch(
      /line 3/,
    );
  });
  it("rejects notes hours into the song (corrupt ticks)", () => {
    expect(error(() => importChart(chart("99999999999 = N 0 0"))).message).toMatch(/hours into the song/);
  });
});

describe("hostile .osu", () => {
  const osu = (body: string, mode = 3) =>
    `osu file format v14\n[General]\nMode: ${mode}\n[Difficulty]\nCircleSize:7\n${body}`;
  it("rejects other game modes", () => {
    expect(error(() => importOsu(osu("", 0))).message).toMatch(/osu!standard, not osu!mania/);
  });
  it("rejects bad key counts, hit objects and timing points with the line", () => {
    expect(error(() => importOsu(osu("").replace("CircleSize:7", "CircleSize:40"))).message).toMatch(
      /CircleSize/,
    );
    expect(error(() => importOsu(osu("[HitObjects]\n1,2"))).message).toMatch(/\[HitObjects\] line 1/);
    expect(error(() => importOsu(osu("[TimingPoints]\n0,NaN,4,1,0,100,1,0"))).message).toMatch(
      /\[TimingPoints\] line 1/,
    );
  });
});

describe("format detection", () => {
  const bsm = utf8(serializeBeatmap(grooveChart()));
  it("names unsupported extensions", () => {
    expect(error(() => importChartFile(bsm, "song.pdf")).message).toMatch(
      /\.pdf; use one of \.bsm, \.mid, \.midi, \.chart, \.osu, \.musicxml/,
    );
    // Drum tab and Guitar Pro are written, not read.
    expect(error(() => importChartFile(bsm, "song.txt")).message).toMatch(/can be written but not read/);
    expect(error(() => importChartFile(bsm, "song")).message).toMatch(/no extension/);
  });
  it("says what a file with the wrong extension looks like", () => {
    expect(error(() => importChartFile(bsm, "song.mid")).message).toMatch(
      /not a MIDI file: it looks like JSON/,
    );
    expect(error(() => importChartFile(bsm, "song.chart")).code).toBe("wrong_format");
    expect(error(() => importChartFile(bsm, "song.osu")).code).toBe("wrong_format");
    expect(error(() => importChartFile(utf8("MThd\0\0\0\x06"), "song.bsm")).code).toBe("invalid_json");
  });
  it("refuses to export a chart with lint errors", () => {
    const b = grooveChart();
    b.HitObjects[0]!.Lane = 6;
    expect(error(() => exportChartFile(b, "out.mid")).message).toMatch(/HitObjects\[0\]\.Lane/);
  });
});
