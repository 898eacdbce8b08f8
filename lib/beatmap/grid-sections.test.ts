import { describe, expect, it } from "vitest";
import {
  barNumberAt,
  describeSection,
  describeTimingChange,
  gridSections,
  lowConfidenceSpans,
  sectionIndexAt,
  summarizeGrid,
} from "./grid-sections.ts";
import type { Timing } from "./schema.ts";

// 120 BPM 4/4 from 500 ms: a bar is 2000 ms, bar n starts at 500 + (n − 1) × 2000.
const base: Timing = { Bpm: 120, Offset: 500, TimeSignature: "4/4", TimingPoints: [] };

describe("gridSections", () => {
  it("reads one section from the Offset to the end of the song, with its bars", () => {
    const [s, ...rest] = gridSections({ ...base, Confidence: 0.9 }, 16_500);
    expect(rest).toEqual([]);
    expect(s).toMatchObject({
      index: 0,
      pointIndex: null,
      startMs: 500,
      endMs: 16_500,
      bpm: 120,
      timeSignature: "4/4",
      feel: "straight",
      confidence: 0.9,
      firstBar: 1,
      lastBar: 8,
    });
  });

  it("numbers bars across tempo changes, and a meter change starts a new bar", () => {
    const timing: Timing = {
      ...base,
      TimingPoints: [
        // Half way through bar 5 (beat 18 of 4/4): tempo only, bars keep counting.
        { Time: 9500, Bpm: 60 },
        // 6 beats later at 60 BPM (beat 24: bar 7 starts there), now 3/4.
        { Time: 15_500, Bpm: 90, TimeSignature: "3/4" },
      ],
    };
    const sections = gridSections(timing, 19_500);
    expect(sections.map((s) => [s.startMs, s.endMs, s.firstBar, s.lastBar])).toEqual([
      [500, 9500, 1, 5],
      [9500, 15_500, 5, 6],
      // 4 s at 90 BPM = 6 beats = two bars of 3/4: bars 7 and 8.
      [15_500, 19_500, 7, 8],
    ]);
    expect(sections[2]).toMatchObject({ timeSignature: "3/4", ownTimeSignature: true, pointIndex: 1 });
    // Bar lines: bar 6 at beat 20 (11.5 s at 60 BPM), bar 7 at 15.5 s, bar 8 two seconds on.
    expect(
      [499, 500, 11_499, 11_500, 15_499, 15_500, 17_499, 17_500].map((ms) => barNumberAt(sections, ms)),
    ).toEqual([0, 1, 5, 6, 6, 7, 7, 8]);
    expect(sections[1]).toMatchObject({ timeSignature: "4/4", ownTimeSignature: false });
  });

  it("a meter change in the middle of a bar cuts that bar short and starts the next", () => {
    // 6 beats of 4/4 then 7/8: bar 1 (4 beats), bar 2 (2 beats, cut), bar 3 starts the 7/8.
    const sections = gridSections(
      { ...base, Offset: 0, TimingPoints: [{ Time: 3000, Bpm: 120, TimeSignature: "7/8" }] },
      6500,
    );
    expect(sections[1]).toMatchObject({ firstBar: 3, lastBar: 4 });
  });

  it("carries Feel and Confidence to points that do not state their own", () => {
    const sections = gridSections(
      {
        ...base,
        Confidence: 0.3,
        Feel: "swing",
        TimingPoints: [
          { Time: 4500, Bpm: 120, TimeSignature: "4/4" },
          { Time: 8500, Bpm: 130, Confidence: 0.95, Feel: "straight" },
        ],
      },
      12_000,
    );
    expect(sections.map((s) => [s.confidence, s.ownConfidence, s.feel, s.ownFeel])).toEqual([
      [0.3, true, "swing", true],
      [0.3, false, "swing", false],
      [0.95, true, "straight", true],
    ]);
  });

  it("ignores points before the Offset and lets a point at a section's start restate it", () => {
    const sections = gridSections(
      {
        ...base,
        TimingPoints: [
          { Time: 100, Bpm: 200 },
          { Time: 500, Bpm: 100, Confidence: 0.4 },
        ],
      },
      5000,
    );
    expect(sections).toHaveLength(1);
    expect(sections[0]).toMatchObject({ bpm: 100, confidence: 0.4, pointIndex: 1, startMs: 500 });
  });

  it("reads a chart without Timing as 120 BPM from 0 with no confidence", () => {
    expect(gridSections(undefined, 4000)).toMatchObject([
      { startMs: 0, endMs: 4000, bpm: 120, confidence: undefined, firstBar: 1, lastBar: 2 },
    ]);
  });

  it("finds the section at a time", () => {
    const sections = gridSections({ ...base, TimingPoints: [{ Time: 4500, Bpm: 100 }] }, 9000);
    expect(sectionIndexAt(sections, 0)).toBe(0);
    expect(sectionIndexAt(sections, 4499)).toBe(0);
    expect(sectionIndexAt(sections, 4500)).toBe(1);
    expect(sectionIndexAt(sections, 9999)).toBe(1);
  });
});

describe("summarizeGrid", () => {
  it("says quietly that a confident grid is confident", () => {
    const summary = summarizeGrid({ ...base, Confidence: 0.92 }, 16_500);
    expect(summary.low).toEqual([]);
    expect(summary.confident).toBe(true);
    expect(summary.line).toBe("Grid: 120 BPM, 4/4, confident");
  });

  it("makes no claim for a hand-made chart", () => {
    const summary = summarizeGrid(base, 16_500);
    expect(summary.confident).toBe(false);
    expect(summary.low).toEqual([]);
    expect(summary.line).toBe("Grid: 120 BPM, 4/4");
  });

  it("lists the low sections with their bars, times and BPM", () => {
    const summary = summarizeGrid(
      {
        ...base,
        Confidence: 0.9,
        TimingPoints: [
          { Time: 16_500, Bpm: 140, Confidence: 0.3, Feel: "swing" },
          { Time: 30_214.286, Bpm: 140, Confidence: 0.8 },
        ],
      },
      40_000,
    );
    expect(summary.confident).toBe(false);
    expect(summary.low.map((s) => s.index)).toEqual([1]);
    // 16.5 s to 30.2 s at 140 BPM: 32 beats, bars 9–16.
    expect(summary.lowLines).toEqual(["bars 9–16 (0:16.5–0:30.2) at 140 BPM, 4/4: confidence 30 %"]);
    expect(summary.line).toBe("Grid: 3 tempo sections, 120–140 BPM, 4/4, partly swing");
    expect(describeSection(summary.sections[1]!)).toBe("bars 9–16 (0:16.5–0:30.2), 140 BPM, 4/4 swing");
  });

  it("a confidence exactly at the threshold is not low", () => {
    expect(summarizeGrid({ ...base, Confidence: 0.6 }, 4000).low).toEqual([]);
    expect(summarizeGrid({ ...base, Confidence: 0.59 }, 4000).low).toHaveLength(1);
  });
});

describe("lowConfidenceSpans", () => {
  it("merges neighbouring low sections and skips the rest", () => {
    const sections = gridSections(
      {
        ...base,
        Confidence: 0.2,
        TimingPoints: [
          { Time: 4500, Bpm: 130, Confidence: 0.5 },
          { Time: 8500, Bpm: 130, Confidence: 0.9 },
          { Time: 12_500, Bpm: 100, Confidence: 0.1 },
        ],
      },
      20_000,
    );
    expect(lowConfidenceSpans(sections)).toEqual([
      { startMs: 500, endMs: 8500 },
      { startMs: 12_500, endMs: 20_000 },
    ]);
  });
});

describe("describeTimingChange", () => {
  it("names the tempos before and after, and a change in the number of sections", () => {
    expect(
      describeTimingChange(base, {
        ...base,
        Bpm: 240,
        Offset: 480,
        TimingPoints: [{ Time: 8000, Bpm: 100 }],
      }),
    ).toBe("120 BPM from 500 ms, 4/4 → 240 / 100 BPM from 480 ms, 4/4; 1 → 2 tempo sections");
    expect(describeTimingChange(undefined, base)).toBe(
      "none → 120 BPM from 500 ms, 4/4; 0 → 1 tempo section",
    );
  });
});
