import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { reduceDifficulty } from "./difficulty.ts";
import { checkLevel, MAX_HANDS, notesPerSecond, PLAYED, type Tolerance } from "./difficulty-checks.ts";
import { importChartFile } from "./formats.ts";
import { COMPONENT_LANE, type Component, velocityClass } from "./lanes.ts";
import { lintBeatmap } from "./lint.ts";
import { createBeatmap } from "./parse.ts";
import type { Beatmap, Feel, HitObject } from "./schema.ts";
import { grooveChart } from "./testing.ts";

const g = grooveChart({ bars: 8, bpm: 100, offsetMs: 1200 });
const beatMs = 600;
const at = (b: Beatmap, beat: number, component: string) =>
  b.HitObjects.some((h) => Math.abs(h.Time - (1200 + beat * beatMs)) < 1 && h.Component === component);
const levels = ["hard", "medium", "easy"] as const;

describe("reduceDifficulty", () => {
  const reduced = levels.map((l) => reduceDifficulty(g, l));

  it("makes each level strictly smaller than the one above", () => {
    const counts = [g, ...reduced].map((b) => b.HitObjects.length);
    expect(counts[1]).toBeLessThan(counts[0]!);
    expect(counts[2]).toBeLessThan(counts[1]!);
    expect(counts[3]).toBeLessThan(counts[2]!);
  });

  it("keeps the crash on the downbeat and the backbone at every level", () => {
    for (const b of reduced) {
      expect(at(b, 0, "crash"), b.Metadata.Difficulty as string).toBe(true);
      expect(at(b, 8, "crash")).toBe(true);
      expect(at(b, 1, "snare")).toBe(true); // backbeat
      expect(at(b, 4, "kick")).toBe(true); // kick on the one of bar 2
    }
    expect(at(reduced[1]!, 3, "snare")).toBe(true);
  });

  it("keeps instrument identity and drops ghost notes", () => {
    const fill = (b: Beatmap) => new Set(b.HitObjects.filter((h) => h.Lane === 4).map((h) => h.Component));
    expect(fill(reduced[0]!)).toEqual(new Set(["tom_high", "tom_mid", "tom_floor"]));
    for (const b of reduced) {
      expect(b.HitObjects.every((h) => velocityClass(h.Velocity) !== "ghost")).toBe(true);
      const original = new Set(g.HitObjects.map((h) => `${h.Time}|${h.Component}`));
      expect(b.HitObjects.every((h) => original.has(`${h.Time}|${h.Component}`))).toBe(true);
      expect(lintBeatmap(b).ok).toBe(true);
    }
  });

  it("thins hi-hats to quarter notes from Medium and keeps one hand on Easy", () => {
    const hats = (b: Beatmap) => b.HitObjects.filter((h) => h.Lane === 1).length;
    expect(hats(reduced[1]!)).toBeLessThan(hats(reduced[0]!));
    const easy = reduced[2]!;
    const byTime = new Map<number, number>();
    for (const h of easy.HitObjects) if (h.Lane !== 3) byTime.set(h.Time, (byTime.get(h.Time) ?? 0) + 1);
    expect(Math.max(...byTime.values())).toBe(1);
    expect(easy.Metadata.Difficulty).toBe("Easy");
  });
});

// ── What a drummer expects, on charts in the real formats and in every meter and feel ──────────

const LEVELS = ["hard", "medium", "easy"] as const;
const fixture = (name: string) =>
  importChartFile(new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url))), name).beatmap;

type Stroke = [beat: number, component: Component, velocity?: number];

/** A chart of `bars` bars of `pattern` (positions in quarter-note beats within the bar), played with up to `jitterMs` of timing error. */
function patternChart(o: {
  ts: string;
  bpm: number;
  feel?: Feel;
  bars: number;
  pattern: (bar: number) => Stroke[];
  jitterMs?: number;
}): Beatmap {
  const [n, d] = o.ts.split("/").map(Number) as [number, number];
  const barBeats = (n * 4) / d;
  const beatMs = 60_000 / o.bpm;
  let seed = 7;
  const jitter = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return ((seed / 2 ** 31) * 2 - 1) * (o.jitterMs ?? 0);
  };
  const notes: HitObject[] = [];
  for (let bar = 0; bar < o.bars; bar++) {
    for (const [beat, component, velocity = 0.8] of o.pattern(bar)) {
      const time = 1000 + (bar * barBeats + beat) * beatMs + jitter();
      notes.push({
        Time: Math.round(time * 1000) / 1000,
        Component: component,
        Lane: COMPONENT_LANE[component],
        Velocity: velocity,
      });
    }
  }
  return createBeatmap({
    Metadata: { Title: o.ts, Artist: "tests", Creator: "patternChart", Tags: [] },
    Audio: { Filename: "x.ogg", Duration: 1000 + (o.bars + 1) * barBeats * beatMs },
    Timing: {
      Bpm: o.bpm,
      Offset: 1000,
      TimeSignature: o.ts,
      TimingPoints: [],
      ...(o.feel ? { Feel: o.feel } : {}),
    },
    HitObjects: notes.sort((a, b) => a.Time - b.Time || a.Lane - b.Lane),
  });
}

const eighths = (count: number, step: number, c: Component): Stroke[] =>
  Array.from({ length: count }, (_, i) => [i * step, c] as Stroke);

/** 16th hats with accents, kick on 1, 3 and the "and" of 3, snare on 2 and 4 with ghosts, a fill in bar 4. */
const rock16 = (bar: number): Stroke[] => [
  ...eighths(16, 0.25, "hihat_closed").map(([b, c]) => [b, c, b % 1 === 0 ? 0.9 : 0.6] as Stroke),
  [0, "kick"],
  [2, "kick"],
  [2.5, "kick"],
  [3.75, "kick", 0.7],
  [1, "snare", 0.95],
  [3, "snare", 0.95],
  [1.75, "snare", 0.25],
  ...(bar % 4 === 0 ? ([[0, "crash", 1]] as Stroke[]) : []),
  ...(bar % 4 === 3
    ? ([
        [3.25, "tom_high"],
        [3.5, "tom_mid"],
        [3.75, "tom_floor"],
      ] as Stroke[])
    : []),
];

/** Each level of `expert` checked as a drummer would; returns the notes/s per level, Expert first. */
function expectDrummable(expert: Beatmap, tolerance: Tolerance): number[] {
  const rates = [notesPerSecond(expert)];
  for (const level of LEVELS) {
    const reduced = reduceDifficulty(expert, level);
    const c = checkLevel(expert, reduced, level, tolerance);
    expect(
      c.offGrid.map((h) => `${h.Time} ${h.Component}`),
      `${level}: notes off the grid`,
    ).toEqual([]);
    expect(
      c.backbeatsLost.map((h) => h.Time),
      `${level}: backbeats lost`,
    ).toEqual([]);
    expect(
      c.strongKicksLost.map((h) => h.Time),
      `${level}: kicks on 1 and 3 lost`,
    ).toEqual([]);
    expect(c.invented, `${level}: notes Expert does not have`).toEqual([]);
    expect(c.maxHands, `${level}: hands at once`).toBeLessThanOrEqual(MAX_HANDS[level]);
    expect(lintBeatmap(reduced).ok).toBe(true);
    rates.push(c.notesPerSecond);
  }
  for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeLessThanOrEqual(rates[i - 1]!);
  expect(rates[3]).toBeLessThan(rates[0]!);
  return rates;
}

describe("difficulty levels on charts in the real formats", () => {
  it("backbeat.chart (tempo change, a 3/4 section) and backbeat.osu reduce as a drummer expects", () => {
    expectDrummable(fixture("backbeat.chart"), 2);
    expectDrummable(fixture("backbeat.osu"), 2);
  });

  it("a 16th-note rock groove played by a person (±25 ms) keeps its groove at every level", () => {
    const played = patternChart({ ts: "4/4", bpm: 110, bars: 16, pattern: rock16, jitterMs: 25 });
    const [expert, hard, medium, easy] = expectDrummable(played, PLAYED);
    expect(hard).toBeLessThan(expert!);
    expect(medium).toBeLessThan(hard!);
    expect(easy).toBeLessThan(medium!);
    // Easy: kick on 1 and 3 only, the snare on 2 and 4, the hat on the other quarters.
    const easyChart = reduceDifficulty(played, "easy");
    const bar = (60_000 / 110) * 4;
    const inBar = (h: HitObject) => Math.round(((h.Time - 1000) % bar) / (bar / 4)) % 4;
    expect(new Set(easyChart.HitObjects.filter((h) => h.Component === "kick").map(inBar))).toEqual(
      new Set([0, 2]),
    );
    expect(new Set(easyChart.HitObjects.filter((h) => h.Component === "snare").map(inBar))).toEqual(
      new Set([1, 3]),
    );
  });

  it("3/4: the waltz keeps kick on 1 and snares on 2 and 3", () => {
    const waltz = patternChart({
      ts: "3/4",
      bpm: 150,
      bars: 8,
      pattern: () => [[0, "kick"], [1, "snare"], [2, "snare"], ...eighths(6, 0.5, "hihat_closed")],
    });
    expectDrummable(waltz, 2);
    const easy = reduceDifficulty(waltz, "easy");
    expect(easy.HitObjects.filter((h) => h.Component === "snare")).toHaveLength(16);
    expect(easy.HitObjects.filter((h) => h.Component === "kick")).toHaveLength(8);
  });

  it("6/8 is counted in two: Easy keeps the snare on the second pulse (the 4th 8th), Medium the 8th-note toms", () => {
    const sixEight = patternChart({
      ts: "6/8",
      bpm: 90 * 1.5, // 90 dotted quarters a minute
      bars: 8,
      pattern: (bar) => [
        ...eighths(6, 0.5, "hihat_closed"),
        [0, "kick"],
        [1.5, "snare", 0.95],
        [2.5, "kick", 0.7],
        ...(bar % 4 === 3
          ? ([
              [0.5, "tom_high"],
              [1, "tom_mid"],
            ] as Stroke[])
          : []),
      ],
    });
    expectDrummable(sixEight, 2);
    const easy = reduceDifficulty(sixEight, "easy");
    expect(easy.HitObjects.filter((h) => h.Component === "snare")).toHaveLength(8);
    const medium = reduceDifficulty(sixEight, "medium");
    expect(medium.HitObjects.filter((h) => h.Lane === 4)).toHaveLength(4);
  });

  it("swing: Medium keeps the swung 8th (the triplet's last third) and drops the straight 16ths of the fill", () => {
    const shuffle = patternChart({
      ts: "4/4",
      bpm: 100,
      feel: "swing",
      bars: 8,
      pattern: (bar) => [
        ...[0, 1, 2, 3].flatMap(
          (b) =>
            [
              [b, "ride"],
              [b + 2 / 3, "ride", 0.6],
            ] as Stroke[],
        ),
        [0, "kick"],
        [2, "kick"],
        [2 + 2 / 3, "kick", 0.7],
        [1, "snare", 0.95],
        [3, "snare", 0.95],
        [1 + 2 / 3, "snare", 0.7],
        ...(bar % 4 === 3
          ? ([
              [3.25, "tom_high"],
              [3.5, "tom_mid"],
              [3.75, "tom_floor"],
            ] as Stroke[])
          : []),
      ],
    });
    expectDrummable(shuffle, 2);
    const medium = reduceDifficulty(shuffle, "medium");
    expect(medium.HitObjects.filter((h) => h.Component === "snare")).toHaveLength(24);
    expect(medium.HitObjects.filter((h) => h.Lane === 4)).toHaveLength(0);
    // 12/8 is the same groove written in compound time.
    const twelveEight = patternChart({
      ts: "12/8",
      bpm: 150,
      bars: 8,
      pattern: () => [
        ...[0, 1, 2, 3].flatMap(
          (b) =>
            [
              [b * 1.5, "ride"],
              [b * 1.5 + 1, "ride", 0.6],
            ] as Stroke[],
        ),
        [0, "kick"],
        [3, "kick"],
        [1.5, "snare", 0.95],
        [4.5, "snare", 0.95],
      ],
    });
    expectDrummable(twelveEight, 2);
  });

  it("a drag into the backbeat goes below Expert; the backbeat stays", () => {
    const dragged = patternChart({
      ts: "4/4",
      bpm: 100,
      bars: 4,
      pattern: () => [
        [0, "kick"],
        [2, "kick"],
        [1 - 0.07, "snare", 0.7],
        [1, "snare", 0.95],
        [3, "snare", 0.95],
      ],
    });
    expectDrummable(dragged, 2);
    for (const level of LEVELS) {
      expect(reduceDifficulty(dragged, level).HitObjects.filter((h) => h.Component === "snare")).toHaveLength(
        8,
      );
    }
  });
});
