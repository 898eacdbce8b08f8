// Issue 28, "Exports carry the same map": MIDI, .chart and .osu write the chart's tempo sections so
// that a re-import has the same beat and bar grid, never a tempo outside 20–400 BPM, and the first
// tempo at tick / time 0 (MIDI, .chart) or at the Offset (.osu, whose timing points carry absolute ms).
import { type MidiEvent, parseMidi, writeMidi } from "midi-file";
import { describe, expect, it } from "vitest";
import { exportChart, importChart } from "./chart.ts";
import { BeatmapError } from "./errors.ts";
import { COMPONENT_LANE, type Component } from "./lanes.ts";
import { exportMidi, importMidi } from "./midi.ts";
import { exportOsu, importOsu } from "./osu.ts";
import { createBeatmap } from "./parse.ts";
import type { Beatmap, HitObject, TimingPoint } from "./schema.ts";
import { buildExportTempo, leadInEnd, measureBeatsOf, parseTimeSignature, TempoMap } from "./tempo.ts";

const OFFSETS = [0, 0.3, 3, 5, 17, 149, 700, 2_345];
/** Offsets whose re-imported Timing is the original's (a lead-in bar, read back as one). */
const LEAD_IN_OFFSETS = [5, 17, 149, 700, 2_345];
const MIN_BPM = 20;
const MAX_BPM = 400;
/** Shortest lead-in: a 1/128 note at 400 BPM. Below it the offset is absorbed into the first bar. */
const MIN_LEAD_IN_MS = (60_000 / MAX_BPM) * (4 / 128);

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
 * time (within 1 ms) at the same beat of the re-imported map, and is a bar line in one exactly when
 * it is in the other: the re-import counts beats from the same first beat (a lead-in bar is read
 * back as the time before the Offset), so its snap grid and metronome are the original's.
 */
function expectSameGrid(back: Beatmap, original: Beatmap, opts: { leadIn: boolean }) {
  const o = TempoMap.fromTiming(original.Timing);
  const r = TempoMap.fromTiming(back.Timing);
  const offset = original.Timing!.Offset;
  // An offset too short for a lead-in is absorbed into the first bar: the re-import starts at 0 ms
  // and only that bar moves, by less than the offset.
  const absorbed = opts.leadIn && offset > 0.5 && offset < MIN_LEAD_IN_MS;
  const lastBeat = o.msToBeat(Math.max(...original.HitObjects.map((h) => h.Time)));
  let checked = 0;
  for (let e = 0; e / 2 <= lastBeat + 1e-9; e++) {
    const beat = e / 2;
    const tolerance = absorbed && beat < 4 ? offset + 1e-3 : 1;
    const want = o.beatToMs(beat);
    const got = r.beatToMs(beat);
    expect(Math.abs(got - want), `beat ${beat} (${want.toFixed(3)} ms)`).toBeLessThanOrEqual(tolerance);
    expect(isBarLine(r, beat), `bar line at beat ${beat}`).toBe(isBarLine(o, beat));
    checked++;
  }
  expect(checked).toBeGreaterThan(150);
}

/** A tempo as the format stores it: MIDI whole µs per quarter note, .chart 1/1000 BPM. */
type Stored = (bpm: number) => number;
const midiStored: Stored = (bpm) => Math.round(60_000_000 / bpm);
const chartStored: Stored = (bpm) => Math.round(bpm * 1000);

/**
 * The re-imported Timing is the original's: Offset within 1 ms, every section's tempo the one the
 * format stores for it, the same time signatures and the same timing points (each within 1 ms).
 */
function expectSameTiming(back: Beatmap, original: Beatmap, stored: Stored) {
  const o = original.Timing!;
  const r = back.Timing!;
  expect(Math.abs(r.Offset - o.Offset), `Offset ${r.Offset} for ${o.Offset}`).toBeLessThanOrEqual(1);
  expect(stored(r.Bpm), `Bpm ${r.Bpm} for ${o.Bpm}`).toBe(stored(o.Bpm));
  expect(r.TimeSignature).toBe(o.TimeSignature);
  expect(r.TimingPoints).toHaveLength(o.TimingPoints.length);
  o.TimingPoints.forEach((p, i) => {
    const q = r.TimingPoints[i]!;
    expect(Math.abs(q.Time - p.Time), `point ${i} at ${p.Time} ms`).toBeLessThanOrEqual(1);
    expect(stored(q.Bpm), `point ${i}: ${q.Bpm} BPM for ${p.Bpm}`).toBe(stored(p.Bpm));
    expect(q.TimeSignature, `point ${i} time signature`).toBe(p.TimeSignature);
  });
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

describe("a lead-in bar is read back as the Offset (MIDI, .chart)", () => {
  it.each(LEAD_IN_OFFSETS)("Offset %s ms: MIDI export → import gives the same Timing", (offset) => {
    const chart = sectionsChart(offset);
    expectSameTiming(importMidi(exportMidi(chart).data).beatmap, chart, midiStored);
  });

  it.each(LEAD_IN_OFFSETS)("Offset %s ms: .chart export → import gives the same Timing", (offset) => {
    const chart = sectionsChart(offset);
    expectSameTiming(importChart(exportChart(chart).data.chart).beatmap, chart, chartStored);
  });

  it("keeps the lead-in's notes before the Offset, and adds a .chart [Song] Offset", () => {
    const chart = sectionsChart(149);
    const back = importMidi(exportMidi(chart).data).beatmap;
    expect(back.HitObjects[0]!.Time).toBeCloseTo(74.5, 0);
    expect(back.HitObjects[0]!.Time).toBeLessThan(back.Timing!.Offset);
    const text = exportChart(chart).data.chart.replace("Offset = 0", "Offset = 0.25");
    const shifted = importChart(text).beatmap.Timing!;
    expect(shifted.Offset).toBeCloseTo(399, 0);
    expect(shifted.TimingPoints[0]!.Time).toBeCloseTo(chart.Timing!.TimingPoints[0]!.Time + 250, 0);
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

  it("picks a bar the importer reads as a lead-in: shorter than the first bar, not whole beats", () => {
    const at = (ms: number, bpm = 120) => {
      const { events, timeSignatures } = lead(ms, bpm);
      return [timeSignatures[0]!.ts, Math.round(events[0]!.bpm * 1000) / 1000];
    };
    // The coarsest note value with a lead-in within half an octave of the tempo, else the closest.
    expect(at(700)).toEqual([{ numerator: 3, denominator: 8 }, 128.571]);
    expect(at(2_345)).toEqual([{ numerator: 7, denominator: 8 }, 89.552]);
    expect(at(500)).toEqual([{ numerator: 5, denominator: 16 }, 150]);
    expect(at(149)).toEqual([{ numerator: 1, denominator: 16 }, 100.671]);
    // 4 to 11.6 s at 120 BPM: still one bar, slower than the chart.
    expect(at(8_000)).toEqual([{ numerator: 31, denominator: 32 }, 29.063]);
    // 4.7 to 9.4 ms: a 1/128 note, the only bar that short within 400 BPM.
    expect(at(5)).toEqual([{ numerator: 1, denominator: 128 }, 375]);
    // A long intro no such bar fits: bars of 4/4 near the chart's tempo (read back as a section).
    expect(at(60_000)).toEqual([{ numerator: 4, denominator: 4 }, 120]);
  });

  it("absorbs an offset too short for a lead-in into the first bar, and ignores ≤ 0.5 ms", () => {
    const { events, timeSignatures, map } = lead(3);
    expect(timeSignatures[0]).toEqual({ tick: 0, ts: { numerator: 4, denominator: 4 } });
    expect(events[0]!.tick).toBe(0);
    expect(map.tickToMs(4 * 480)).toBeCloseTo(2_003, 6);
    expect(events[1]).toEqual({ tick: 4 * 480, bpm: 120 });
    const none = lead(0.3);
    expect(none.events[0]).toEqual({ tick: 0, bpm: 120 });
    expect(none.timeSignatures[0]).toEqual({ tick: 0, ts: { numerator: 4, denominator: 4 } });
  });
});

describe("every lead-in written is read back", () => {
  const quantize = (bpm: number) => 60_000_000 / Math.round(60_000_000 / bpm);
  const cases: [number, string, number][] = [];
  for (const ts of ["4/4", "3/4", "2/4", "6/8", "7/8", "12/8", "5/4", "1/8"]) {
    for (const bpm of [45, 90, 120, 173.5, 240]) {
      for (const offset of [4.7, 5, 6, 9.4, 10, 17, 50, 149, 333, 700, 1_000, 2_345, 4_000, 8_000, 11_000]) {
        cases.push([offset, ts, bpm]);
      }
    }
  }

  it("as the Offset, with the chart's first tempo and time signature (within 20–400 BPM)", () => {
    let readBack = 0;
    for (const [offset, ts, bpm] of cases) {
      const timing = { Bpm: bpm, Offset: offset, TimeSignature: ts, TimingPoints: [] };
      const { map, timeSignatures, plan } = buildExportTempo(timing, 480, quantize);
      const what = `${offset} ms before ${ts} at ${bpm} BPM (lead-in ${JSON.stringify(plan.leadIn)})`;
      expect(plan.start, what).toBe("lead-in");
      const leadIn = plan.leadIn!;
      const wholeBeats = Number.isInteger(leadIn.beats);
      // Only an intro too long for one bar shorter than the first within 20–400 BPM is written as
      // whole beats (and read back as a section of the chart).
      const measure = measureBeatsOf(parseTimeSignature(ts));
      const longest = Math.min(measure - 1 / 8, 31 / 8) * 3_000;
      if (offset <= longest) expect(wholeBeats, what).toBe(false);
      expect(leadInEnd(480, timeSignatures) !== undefined, what).toBe(!wholeBeats);
      if (wholeBeats) continue;
      const back = map.toTiming(timeSignatures);
      expect(Math.abs(back.Offset - offset), what).toBeLessThanOrEqual(1);
      expect(Math.round(60_000_000 / back.Bpm), what).toBe(Math.round(60_000_000 / bpm));
      expect(back.TimeSignature, what).toBe(ts);
      expect(back.TimingPoints, what).toEqual([]);
      readBack++;
    }
    expect(readBack).toBeGreaterThan(cases.length * 0.8);
  });

  it("also before a first bar written at another metrical level (520 BPM as 4/8 at 260)", () => {
    for (const offset of [5, 17, 149, 700, 2_345]) {
      const timing = { Bpm: 520, Offset: offset, TimeSignature: "4/4", TimingPoints: [] };
      const { map, timeSignatures } = buildExportTempo(timing, 480, quantize);
      const back = map.toTiming(timeSignatures);
      expect(Math.abs(back.Offset - offset), `${offset} ms`).toBeLessThanOrEqual(1);
      expect(back).toMatchObject({ Bpm: quantize(260), TimeSignature: "4/8", TimingPoints: [] });
    }
  });
});

describe("reading a lead-in (MIDI, .chart imports)", () => {
  type Ev = { tick: number; event: MidiEvent };
  const ts = (tick: number, numerator: number, denominator: number): Ev => ({
    tick,
    event: {
      deltaTime: 0,
      meta: true,
      type: "timeSignature",
      numerator,
      denominator,
      metronome: 24,
      thirtyseconds: 8,
    },
  });
  const tempo = (tick: number, bpm: number): Ev => ({
    tick,
    event: { deltaTime: 0, meta: true, type: "setTempo", microsecondsPerBeat: Math.round(60_000_000 / bpm) },
  });
  const note = (tick: number): Ev[] => [
    { tick, event: { deltaTime: 0, type: "noteOn", channel: 9, noteNumber: 36, velocity: 100 } },
    { tick: tick + 10, event: { deltaTime: 0, type: "noteOff", channel: 9, noteNumber: 36, velocity: 0 } },
  ];
  const midiFile = (events: Ev[]): Uint8Array => {
    let last = 0;
    const track = events
      .sort((a, b) => a.tick - b.tick)
      .map(({ tick, event }) => {
        const e = { ...event, deltaTime: tick - last } as MidiEvent;
        last = tick;
        return e;
      });
    track.push({ deltaTime: 0, meta: true, type: "endOfTrack" });
    return Uint8Array.from(
      writeMidi({ header: { format: 0, numTracks: 1, ticksPerBeat: 480 }, tracks: [track] }),
    );
  };
  const timingOf = (events: Ev[]) =>
    importMidi(midiFile([...events, ...note(0), ...note(7_680)])).beatmap.Timing;

  it("reads a short first bar of part beats as a lead-in: Offset at its end, its tempo and meter dropped", () => {
    // A 3/8 pickup (an eighth-note anacrusis in 6/8 reads the same way).
    expect(timingOf([ts(0, 3, 8), tempo(0, 180), ts(720, 4, 4), tempo(720, 120), tempo(2_640, 100)])).toEqual(
      {
        Bpm: 120,
        Offset: 500,
        TimeSignature: "4/4",
        TimingPoints: [{ Time: 2_500, Bpm: 100 }],
      },
    );
    // No tempo change at the bar line: the tempo there is the lead-in's.
    expect(timingOf([ts(0, 1, 8), tempo(0, 120), ts(240, 6, 8)])).toEqual({
      Bpm: 120,
      Offset: 250,
      TimeSignature: "6/8",
      TimingPoints: [],
    });
  });

  it("reads a pickup of whole beats, or a long first bar, as music (as before)", () => {
    // A 2/4 pickup before 4/4 (notation programs write pickups like this).
    expect(timingOf([ts(0, 2, 4), tempo(0, 100), ts(960, 4, 4), tempo(960, 120)])).toEqual({
      Bpm: 100,
      Offset: 0,
      TimeSignature: "2/4",
      TimingPoints: [{ Time: 1_200, Bpm: 120, TimeSignature: "4/4" }],
    });
    // A 9/8 bar before 4/4 is longer than a bar of 4/4: music.
    expect(timingOf([ts(0, 9, 8), tempo(0, 120), ts(2_160, 4, 4)])).toEqual({
      Bpm: 120,
      Offset: 0,
      TimeSignature: "9/8",
      TimingPoints: [{ Time: 2_250, Bpm: 120, TimeSignature: "4/4" }],
    });
    // A 5/4 bar before 4/4 (BeatSight wrote such lead-ins before they were read back).
    expect(timingOf([ts(0, 5, 4), tempo(0, 127.932), ts(2_400, 4, 4), tempo(2_400, 120)])!.Offset).toBe(0);
    // A tempo change alone, even off the beat, starts no music.
    expect(timingOf([ts(0, 4, 4), tempo(0, 120), tempo(240, 100)])).toMatchObject({
      Offset: 0,
      TimingPoints: [{ Time: 250, Bpm: 100 }],
    });
  });

  it("reads a .chart that starts on a bar line as before, and one with a lead-in bar", () => {
    const chart = (sync: string[]) =>
      importChart(
        [
          "[Song]",
          "{",
          "  Resolution = 192",
          "}",
          "[SyncTrack]",
          "{",
          ...sync,
          "}",
          "[ExpertDrums]",
          "{",
          "  0 = N 0 0",
          "  768 = N 1 0",
          "}",
        ].join("\n"),
      ).beatmap.Timing;
    expect(chart(["  0 = TS 4", "  0 = B 120000", "  768 = B 140000"])).toEqual({
      Bpm: 120,
      Offset: 0,
      TimeSignature: "4/4",
      TimingPoints: [{ Time: 2_000, Bpm: 140 }],
    });
    // Moonscraper-style sync: a 3/16 bar to line bar 1 up with the audio.
    expect(chart(["  0 = TS 3 4", "  0 = B 100000", "  144 = TS 4", "  144 = B 120000"])).toEqual({
      Bpm: 120,
      Offset: 450,
      TimeSignature: "4/4",
      TimingPoints: [],
    });
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
