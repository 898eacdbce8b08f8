// Issue 28, "Exports carry the same map": MIDI, .chart and .osu write the chart's tempo sections so
// that a re-import has the same beat and bar grid, never a tempo outside 20–400 BPM, and the first
// tempo at tick / time 0 (MIDI, .chart) or at the Offset (.osu, whose timing points carry absolute ms).
import { parseMidi } from "midi-file";
import { describe, expect, it } from "vitest";
import { exportChart, importChart } from "./chart.ts";
import { BeatmapError } from "./errors.ts";
import { COMPONENT_LANE, type Component } from "./lanes.ts";
import { exportMidi, importMidi } from "./midi.ts";
import { exportOsu, importOsu } from "./osu.ts";
import { createBeatmap } from "./parse.ts";
import type { Beatmap, HitObject, TimingPoint } from "./schema.ts";
import { buildExportTempo, TempoMap } from "./tempo.ts";

const OFFSETS = [0, 0.3, 5, 17, 149, 700, 2_345];
const MIN_BPM = 20;
const MAX_BPM = 400;
/** Shortest lead-in: a 1/64 note at 400 BPM. Below it the offset is absorbed into the first bar. */
const MIN_LEAD_IN_MS = (60_000 / MAX_BPM) * (4 / 64);

interface Change {
  /** Quarter-note beats since the Offset. */
  beat: number;
  bpm: number;
  ts?: string;
}

/** Milliseconds of a beat on a map given as changes (the first at beat 0). */
function beatTime(offsetMs: number, changes: readonly Change[], beat: number): number {
  let ms = offsetMs;
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    const end = Math.min(beat, changes[i + 1]?.beat ?? Number.POSITIVE_INFINITY);
    if (end <= c.beat) break;
    ms += ((end - c.beat) * 60_000) / c.bpm;
  }
  return ms;
}

function chartFrom(offsetMs: number, changes: readonly Change[], noteBeats: readonly [number, Component][]) {
  const [first, ...rest] = changes;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const points: TimingPoint[] = rest.map((c) => ({
    Time: round(beatTime(offsetMs, changes, c.beat)),
    Bpm: c.bpm,
    ...(c.ts ? { TimeSignature: c.ts } : {}),
  }));
  const notes: HitObject[] = noteBeats
    .map(([beat, component]) => ({
      Time: round(beatTime(offsetMs, changes, beat)),
      Component: component,
      Lane: COMPONENT_LANE[component],
      Velocity: 0.7,
    }))
    .filter((n) => n.Time >= 0);
  return createBeatmap({
    Metadata: { Title: "Tempo sections", Artist: "tests", Tags: [] },
    Timing: { Bpm: first!.bpm, Offset: offsetMs, TimeSignature: first!.ts ?? "4/4", TimingPoints: points },
    HitObjects: notes.sort((a, b) => a.Time - b.Time || a.Lane - b.Lane),
  });
}

/**
 * 120 BPM 4/4 for 8 bars, 140 BPM from bar 9, one 3/4 bar, 4/4, two bars of 6/8, 4/4, then a
 * ritardando of 12 tempo points, one per beat (three of every four in the middle of a bar), and
 * two bars at its last tempo.
 */
const CHANGES: Change[] = [
  { beat: 0, bpm: 120, ts: "4/4" },
  { beat: 32, bpm: 140 },
  { beat: 48, bpm: 140, ts: "3/4" },
  { beat: 51, bpm: 140, ts: "4/4" },
  { beat: 59, bpm: 140, ts: "6/8" },
  { beat: 65, bpm: 140, ts: "4/4" },
  ...Array.from({ length: 12 }, (_, i) => ({ beat: 73 + i, bpm: 135 - 5 * i })),
];
const END_BEAT = 93;

function grooveOn(endBeat: number): [number, Component][] {
  const notes: [number, Component][] = [];
  for (let e = 0; e <= endBeat * 2; e++) {
    const beat = e / 2;
    notes.push([beat, e % 8 === 0 ? "crash" : e % 4 === 0 ? "ride" : "hihat_closed"]);
    if (e % 2 === 0) notes.push([beat, beat % 2 === 0 ? "kick" : "snare"]);
  }
  // Sixteenths through the ritardando.
  for (let b = 73; b < 85; b++) notes.push([b + 0.25, "snare"], [b + 0.75, "snare"]);
  return notes;
}

function sectionsChart(offsetMs: number): Beatmap {
  const chart = chartFrom(offsetMs, CHANGES, grooveOn(END_BEAT));
  // A pickup note in the lead-in (before the first beat) keeps its time too.
  if (offsetMs >= 10) {
    chart.HitObjects.unshift({ Time: offsetMs / 2, Component: "kick", Lane: 3, Velocity: 0.7 });
  }
  return chart;
}

/** Notes as (time, lane), each within 1 ms of the original's, none lost. */
function expectSameNotes(back: Beatmap, original: Beatmap) {
  const key = (h: HitObject) => [h.Time, h.Lane] as const;
  const a = back.HitObjects.map(key).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const e = original.HitObjects.map(key).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  expect(a).toHaveLength(e.length);
  e.forEach(([time, lane], i) => {
    expect(Math.abs(a[i]![0] - time), `note ${i} at ${time} ms`).toBeLessThanOrEqual(1);
    expect(a[i]![1], `note ${i} lane`).toBe(lane);
  });
}

/** Whether a bar line of the map lies within 1 ms of this beat. */
const isBarLine = (map: TempoMap, beat: number): boolean => {
  const { inMeasure, measureBeats } = map.measurePosition(beat);
  const beatMs = 60_000 / map.bpmAt(map.beatToMs(beat));
  return Math.min(inMeasure, measureBeats - inMeasure) * beatMs <= 1;
};

/** Bar-line times of a map between two times (every segment's bar lattice). */
function barLineTimes(map: TempoMap, fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  const segs = map.segments;
  segs.forEach((s, i) => {
    const endBeat = segs[i + 1]?.beat ?? map.msToBeat(toMs) + 1e-6;
    const measure = (s.ts.numerator * 4) / s.ts.denominator;
    let m = Math.ceil((s.beat - s.tsBeat) / measure - 1e-6);
    for (let beat = s.tsBeat + m * measure; beat < endBeat - 1e-6; beat = s.tsBeat + ++m * measure) {
      const ms = map.beatToMs(beat);
      if (ms >= fromMs - 1e-6 && ms <= toMs + 1e-6) out.push(ms);
    }
  });
  return out;
}

/**
 * Every eighth-note line of the original grid from its first beat to the last note is at the same
 * time (within 1 ms) at the corresponding position of the re-imported map, which starts at 0 ms
 * with the lead-in, and is a bar line in one exactly when it is in the other.
 */
function expectSameGrid(back: Beatmap, original: Beatmap, opts: { leadIn: boolean }) {
  const o = TempoMap.fromTiming(original.Timing);
  const r = TempoMap.fromTiming(back.Timing);
  const offset = original.Timing!.Offset;
  // A lead-in is a whole number of 1/64 notes (1/16 of a beat).
  const lead = opts.leadIn ? Math.round(r.msToBeat(offset) * 16) / 16 : 0;
  if (opts.leadIn && offset > MIN_LEAD_IN_MS) expect(lead).toBeGreaterThan(0);
  // An offset too short for a lead-in is absorbed into the first bar: only that bar moves, by less
  // than the offset.
  const absorbed = opts.leadIn && offset > 0.5 && offset <= MIN_LEAD_IN_MS;
  const lastBeat = o.msToBeat(Math.max(...original.HitObjects.map((h) => h.Time)));
  let checked = 0;
  for (let e = 0; e / 2 <= lastBeat + 1e-9; e++) {
    const beat = e / 2;
    const tolerance = absorbed && beat < 4 ? offset + 1e-3 : 1;
    const want = o.beatToMs(beat);
    const got = r.beatToMs(beat + lead);
    expect(Math.abs(got - want), `beat ${beat} (${want.toFixed(3)} ms)`).toBeLessThanOrEqual(tolerance);
    expect(isBarLine(r, beat + lead), `bar line at beat ${beat}`).toBe(isBarLine(o, beat));
    checked++;
  }
  expect(checked).toBeGreaterThan(150);
}

function expectSameBarLines(back: Beatmap, original: Beatmap) {
  const o = TempoMap.fromTiming(original.Timing);
  const r = TempoMap.fromTiming(back.Timing);
  const from = Math.max(0, original.Timing!.Offset) - 0.5;
  const to = Math.max(...original.HitObjects.map((h) => h.Time));
  const want = barLineTimes(o, from, to);
  const got = barLineTimes(r, from - 1, to + 1);
  expect(want.length).toBeGreaterThan(4);
  for (const t of want) {
    expect(Math.min(...got.map((g) => Math.abs(g - t))), `bar line at ${t} ms`).toBeLessThanOrEqual(1);
  }
  for (const g of got.filter((x) => x >= from + 1 && x <= to - 1)) {
    expect(Math.min(...want.map((t) => Math.abs(g - t))), `extra bar line at ${g} ms`).toBeLessThanOrEqual(1);
  }
}

/** Tempo events of a written MIDI file, in absolute ticks. */
function midiTempos(bytes: Uint8Array): { tick: number; bpm: number }[] {
  const out: { tick: number; bpm: number }[] = [];
  for (const track of parseMidi(bytes).tracks) {
    let tick = 0;
    for (const e of track) {
      tick += e.deltaTime;
      if (e.type === "setTempo") out.push({ tick, bpm: 60_000_000 / e.microsecondsPerBeat });
    }
  }
  return out.sort((a, b) => a.tick - b.tick);
}

function chartTempos(chart: string): { tick: number; bpm: number }[] {
  return [...chart.matchAll(/^\s*(\d+) = B (\d+)\s*$/gm)].map((m) => ({
    tick: Number(m[1]),
    bpm: Number(m[2]) / 1000,
  }));
}

function osuTimingPoints(osu: string): { time: number; bpm: number; meter: number; effects: number }[] {
  const section = osu.split("[TimingPoints]")[1]!.split("[HitObjects]")[0]!;
  return section
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .map((l) => l.split(",").map(Number))
    .filter((f) => f[6] === 1)
    .map((f) => ({ time: f[0]!, bpm: 60_000 / f[1]!, meter: f[2]!, effects: f[7]! }));
}

function expectTemposInRange(tempos: readonly { bpm: number }[]) {
  expect(tempos.length).toBeGreaterThan(0);
  for (const t of tempos) {
    expect(t.bpm, `${t.bpm} BPM`).toBeGreaterThanOrEqual(MIN_BPM);
    expect(t.bpm, `${t.bpm} BPM`).toBeLessThanOrEqual(MAX_BPM);
  }
}

describe("export tempo maps round trip (MIDI)", () => {
  it.each(OFFSETS)("Offset %s ms: same grid and notes, tempos 20–400 from tick 0", (offset) => {
    const chart = sectionsChart(offset);
    const bytes = exportMidi(chart).data;
    const tempos = midiTempos(bytes);
    expect(tempos[0]!.tick).toBe(0);
    expectTemposInRange(tempos);
    const back = importMidi(bytes).beatmap;
    expectSameNotes(back, chart);
    expectSameGrid(back, chart, { leadIn: true });
  });
});

describe("export tempo maps round trip (.chart)", () => {
  it.each(OFFSETS)("Offset %s ms: same grid and notes, tempos 20–400 from tick 0", (offset) => {
    const chart = sectionsChart(offset);
    const text = exportChart(chart).data.chart;
    const tempos = chartTempos(text);
    expect(tempos[0]!.tick).toBe(0);
    expectTemposInRange(tempos);
    const back = importChart(text).beatmap;
    expectSameNotes(back, chart);
    expectSameGrid(back, chart, { leadIn: true });
  });
});

describe("export tempo maps round trip (.osu)", () => {
  it.each(OFFSETS)(
    "Offset %s ms: same grid and notes, tempos 20–400, first point at the Offset",
    (offset) => {
      const chart = sectionsChart(offset);
      const text = exportOsu(chart).data;
      const points = osuTimingPoints(text);
      expect(points[0]!.time).toBe(Math.round(offset));
      expectTemposInRange(points);
      const back = importOsu(text).beatmap;
      expectSameNotes(back, chart);
      expectSameGrid(back, chart, { leadIn: false });
    },
  );
});

describe("buildExportTempo lead-in", () => {
  const lead = (offsetMs: number, bpm = 120) => {
    const { map, timeSignatures } = buildExportTempo(
      {
        Bpm: bpm,
        Offset: offsetMs,
        TimeSignature: "4/4",
        TimingPoints: [{ Time: offsetMs + 16_000, Bpm: 140 }],
      },
      480,
      (b) => b,
    );
    return { events: map.events, timeSignatures, map };
  };

  it("writes a 17 ms offset as one 1/64 note at 220.6 BPM, not a 3,500 BPM beat", () => {
    const { events, timeSignatures, map } = lead(17);
    expect(timeSignatures[0]).toEqual({ tick: 0, ts: { numerator: 1, denominator: 64 } });
    expect(events[0]!.tick).toBe(0);
    expect(events[0]!.bpm).toBeCloseTo(220.588, 3);
    expect(map.tickToMs(30)).toBeCloseTo(17, 9);
    expect(events[1]).toEqual({ tick: 30, bpm: 120 });
  });

  it("prefers whole beats, then the coarsest note value within half an octave of the tempo", () => {
    const at = (ms: number) => {
      const { events, timeSignatures } = lead(ms);
      return [timeSignatures[0]!.ts, Math.round(events[0]!.bpm * 1000) / 1000];
    };
    expect(at(700)).toEqual([{ numerator: 1, denominator: 4 }, 85.714]);
    expect(at(2_345)).toEqual([{ numerator: 5, denominator: 4 }, 127.932]);
    expect(at(500)).toEqual([{ numerator: 1, denominator: 4 }, 120]);
    expect(at(149)).toEqual([{ numerator: 1, denominator: 16 }, 100.671]);
    // A long intro: bars of 4/4 near the chart's tempo.
    expect(at(60_000)).toEqual([{ numerator: 4, denominator: 4 }, 120]);
  });

  it("absorbs an offset too short for a lead-in into the first bar, and ignores ≤ 0.5 ms", () => {
    const { events, timeSignatures, map } = lead(5);
    expect(timeSignatures[0]).toEqual({ tick: 0, ts: { numerator: 4, denominator: 4 } });
    expect(events[0]!.tick).toBe(0);
    expect(map.tickToMs(4 * 480)).toBeCloseTo(2_005, 6);
    expect(events[1]).toEqual({ tick: 4 * 480, bpm: 120 });
    const none = lead(0.3);
    expect(none.events[0]).toEqual({ tick: 0, bpm: 120 });
    expect(none.timeSignatures[0]).toEqual({ tick: 0, ts: { numerator: 4, denominator: 4 } });
  });
});

describe("tempos outside 20–400 BPM", () => {
  // 4/4 at 120, two bars at 520 (a sped-up roll), a 3/4 bar at 12 BPM, and 4/4 at 150 with a
  // change to 450 BPM in the middle of a bar.
  const wild: Change[] = [
    { beat: 0, bpm: 120, ts: "4/4" },
    { beat: 8, bpm: 520 },
    { beat: 16, bpm: 12, ts: "3/4" },
    { beat: 19, bpm: 150, ts: "4/4" },
    { beat: 25, bpm: 450 },
  ];
  const wildChart = () => chartFrom(1_000, wild, grooveOn(35));

  it("MIDI writes them at another metrical level: notes and bar lines stay exact", () => {
    const chart = wildChart();
    const bytes = exportMidi(chart).data;
    const tempos = midiTempos(bytes);
    expect(tempos[0]!.tick).toBe(0);
    expectTemposInRange(tempos);
    const back = importMidi(bytes).beatmap;
    expectSameNotes(back, chart);
    expectSameBarLines(back, chart);
  });

  it(".chart writes them at another metrical level: notes and bar lines stay exact", () => {
    const chart = wildChart();
    const text = exportChart(chart).data.chart;
    const tempos = chartTempos(text);
    expect(tempos[0]!.tick).toBe(0);
    expectTemposInRange(tempos);
    const back = importChart(text).beatmap;
    expectSameNotes(back, chart);
    expectSameBarLines(back, chart);
  });

  it(".osu writes them at another metrical level: notes and bar lines stay exact", () => {
    const chart = wildChart();
    const text = exportOsu(chart).data;
    expectTemposInRange(osuTimingPoints(text));
    const back = importOsu(text).beatmap;
    expectSameNotes(back, chart);
    expectSameBarLines(back, chart);
  });

  it("refuses, with a BeatmapError, a bar whose tempos no single level can write", () => {
    const chart = chartFrom(
      0,
      [
        { beat: 0, bpm: 10, ts: "4/4" },
        { beat: 2, bpm: 450 },
      ],
      grooveOn(8),
    );
    for (const write of [() => exportMidi(chart), () => exportChart(chart), () => exportOsu(chart)]) {
      expect(write).toThrow(BeatmapError);
      expect(write).toThrow(/20–400 BPM/);
    }
  });
});

describe("negative Offset (a chart moved onto a recording with less intro)", () => {
  it.each([-300, -0.4, -2_000])(
    "Offset %s ms: bar lines and notes survive MIDI, .chart and .osu",
    (offset) => {
      const changes: Change[] = [
        { beat: 0, bpm: 120, ts: "4/4" },
        { beat: 16, bpm: 96, ts: "7/8" },
      ];
      const chart = chartFrom(offset, changes, grooveOn(30));
      const midi = exportMidi(chart).data;
      expect(midiTempos(midi)[0]!.tick).toBe(0);
      expectTemposInRange(midiTempos(midi));
      for (const back of [
        importMidi(midi).beatmap,
        importChart(exportChart(chart).data.chart).beatmap,
        importOsu(exportOsu(chart).data).beatmap,
      ]) {
        expectSameNotes(back, chart);
      }
      expectSameBarLines(importMidi(midi).beatmap, chart);
      expectSameBarLines(importChart(exportChart(chart).data.chart).beatmap, chart);
    },
  );
});

describe("grid confidence and feel", () => {
  it("are reported as lost by every interchange export", () => {
    const chart = sectionsChart(17);
    chart.Timing = {
      ...chart.Timing!,
      Confidence: 0.4,
      Feel: "swing",
      TimingPoints: chart.Timing!.TimingPoints.map((p, i) => (i === 0 ? { ...p, Confidence: 0.9 } : p)),
    };
    for (const warnings of [
      exportMidi(chart).warnings,
      exportChart(chart).warnings,
      exportOsu(chart).warnings,
    ]) {
      expect(warnings.join(" ")).toMatch(/confidence and feel/i);
    }
    expect(exportMidi(sectionsChart(17)).warnings.join(" ")).not.toMatch(/confidence/i);
  });
});
