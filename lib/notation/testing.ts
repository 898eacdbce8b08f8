// Hand-made grooves with known notation, for the notation tests (quantize, MusicXML, tab, round
// trips), and a compact text form of notated voices to compare against.
import { COMPONENT_LANE, type Component } from "../beatmap/lanes.ts";
import { createBeatmap } from "../beatmap/parse.ts";
import type { Beatmap, Feel, HitObject, Timing, TimingPoint } from "../beatmap/schema.ts";
import { TempoMap } from "../beatmap/tempo.ts";
import type { NotatedMeasure, VoiceEvent } from "./model.ts";

export interface GrooveNote {
  /** Quarter-note beats from the first beat. */
  beat: number;
  component: Component;
  velocity?: number;
  flam?: boolean;
  choke?: boolean;
  /** Roll length in beats. */
  rollBeats?: number;
}

export interface GrooveSpec {
  title: string;
  bpm: number;
  timeSignature?: string;
  feel?: Feel;
  offsetMs?: number;
  timingPoints?: TimingPoint[];
  notes: GrooveNote[];
  /** Timing jitter: note k moves by jitterMs × a fixed pattern in −1…1 (a drummer, not a sequencer). */
  jitterMs?: number;
}

const JITTER = [0, 0.6, -0.8, 0.3, -0.4, 1, -1, 0.5, -0.2, 0.8, -0.6, 0.1];

export function grooveBeatmap(spec: GrooveSpec): Beatmap {
  const timing: Timing = {
    Bpm: spec.bpm,
    Offset: spec.offsetMs ?? 400,
    TimeSignature: spec.timeSignature ?? "4/4",
    ...(spec.feel ? { Feel: spec.feel } : {}),
    TimingPoints: spec.timingPoints ?? [],
  };
  const tempo = TempoMap.fromTiming(timing);
  const ms = (beat: number) => tempo.beatToMs(beat);
  const notes: HitObject[] = spec.notes.map((n, k) => ({
    Time: Math.round((ms(n.beat) + (spec.jitterMs ?? 0) * JITTER[k % JITTER.length]!) * 1000) / 1000,
    Component: n.component,
    Lane: COMPONENT_LANE[n.component],
    Velocity: n.velocity ?? 0.7,
    ...(n.flam ? { Flam: true } : {}),
    ...(n.choke ? { Choke: true } : {}),
    ...(n.rollBeats ? { Duration: Math.round((ms(n.beat + n.rollBeats) - ms(n.beat)) * 1000) / 1000 } : {}),
  }));
  notes.sort((a, b) => a.Time - b.Time || a.Lane - b.Lane);
  return createBeatmap({
    Metadata: { Title: spec.title, Artist: "BeatSight tests", Creator: "notation tests", Tags: [] },
    Audio: { Filename: "" },
    Timing: timing,
    HitObjects: notes,
  });
}

/** Notes on every `step` beats from `from` to `to` (exclusive). */
export function every(
  step: number,
  from: number,
  to: number,
  component: Component,
  velocity?: number,
): GrooveNote[] {
  const out: GrooveNote[] = [];
  for (let b = from; b < to - 1e-9; b += step)
    out.push({ beat: b, component, ...(velocity ? { velocity } : {}) });
  return out;
}

export const at = (component: Component, beats: number[], velocity?: number): GrooveNote[] =>
  beats.map((beat) => ({ beat, component, ...(velocity ? { velocity } : {}) }));

const ABBREVIATION: Readonly<Record<Component, string>> = {
  crash: "CC",
  crash2: "C2",
  china: "CH",
  splash: "SP",
  hihat_closed: "HH",
  hihat_open: "HO",
  hihat_pedal: "HF",
  ride: "RD",
  ride_bell: "RB",
  snare: "SD",
  snare_rimshot: "RS",
  snare_cross_stick: "XS",
  tom_high: "T1",
  tom_mid: "T2",
  tom_floor: "FT",
  kick: "BD",
};

const TYPE: Readonly<Record<string, string>> = {
  whole: "w",
  half: "h",
  quarter: "q",
  eighth: "8",
  "16th": "16",
  "32nd": "32",
};

/**
 * A voice as text: "8:HH+SD> 16:(SD) rq 3[8:T1 8:T1 8:T2]". Type (w h q 8 16 32, "." per dot),
 * then the chord: ">" accent, "(…)" ghost, "f" flam, "!" choke, "~" tied on, "z" roll; "r" +
 * type for a rest, "R" for a whole-measure rest; "n[" … "]" a tuplet of n.
 */
export function describeVoice(events: readonly VoiceEvent[]): string {
  return events
    .map((e) => {
      if (e.measureRest) return "R";
      const value = `${TYPE[e.type]}${".".repeat(e.dots)}`;
      const body =
        e.notes.length === 0
          ? `r${value}`
          : `${value}:${e.notes
              .map((n) => {
                let s = ABBREVIATION[n.component];
                if (n.ghost) s = `(${s})`;
                if (n.accent) s += ">";
                if (n.flam) s = `f${s}`;
                if (n.choke) s += "!";
                if (n.roll) s += "z";
                return s;
              })
              .join("+")}${e.tieStart ? "~" : ""}`;
      return `${e.tuplet?.start ? `${e.tuplet.actual}[` : ""}${body}${e.tuplet?.stop ? "]" : ""}`;
    })
    .join(" ");
}

/** Each measure as "hands | feet". */
export const describeMeasures = (measures: readonly NotatedMeasure[]): string[] =>
  measures.map((m) => `${describeVoice(m.hands)} | ${describeVoice(m.feet)}`);

/** The grooves the notation tests write, read back and compare (each with a little timing jitter). */
export const TEST_GROOVES: Readonly<Record<string, GrooveSpec>> = {
  /** Rock: hi-hat 8ths, snare on 2 and 4, kick on 1, 3 and the "and" of 3. */
  rock: {
    title: "Rock 8ths",
    bpm: 120,
    jitterMs: 8,
    notes: [0, 4].flatMap((bar) => [
      ...every(0.5, bar, bar + 4, "hihat_closed"),
      ...at("snare", [bar + 1, bar + 3], 0.9),
      ...at("kick", [bar, bar + 2, bar + 2.5]),
    ]),
  },
  /** Shuffle: swung hi-hat 8ths (downbeat + third triplet), kick on 1, 3 and the swung "and" of 2. */
  shuffle: {
    title: "Shuffle",
    bpm: 100,
    feel: "swing",
    jitterMs: 6,
    notes: [0, 4].flatMap((bar) => [
      ...[0, 1, 2, 3].flatMap((b) => at("hihat_closed", [bar + b, bar + b + 2 / 3])),
      ...at("snare", [bar + 1, bar + 3], 0.9),
      ...at("kick", [bar, bar + 1 + 2 / 3, bar + 2]),
    ]),
  },
  /** 6/8: ride 8ths, kick on 1, snare on 4 (the second dotted beat), a ghost before it. */
  sixEight: {
    title: "Six Eight",
    bpm: 150,
    timeSignature: "6/8",
    jitterMs: 6,
    notes: [0, 3].flatMap((bar) => [
      ...every(0.5, bar, bar + 3, "ride"),
      ...at("kick", [bar, bar + 2.5]),
      ...at("snare", [bar + 1.5], 0.9),
      ...at("snare", [bar + 1.25], 0.25),
    ]),
  },
  /** Funk: hi-hat 16ths, snare backbeats with ghost notes, syncopated kick. */
  funk: {
    title: "Funk 16ths",
    bpm: 96,
    jitterMs: 5,
    notes: [
      ...every(0.25, 0, 4, "hihat_closed", 0.6),
      ...at("snare", [1, 3], 1),
      ...at("snare", [0.75, 1.75, 2.25, 3.5], 0.25),
      ...at("kick", [0, 0.75, 2.5, 2.75]),
    ],
  },
  /** A bar of groove, then a bar whose second half is an 8th-triplet tom fill into a choked crash. */
  tripletFill: {
    title: "Triplet fill",
    bpm: 110,
    jitterMs: 7,
    notes: [
      ...every(0.5, 0, 6, "hihat_closed"),
      ...at("snare", [1, 3, 5], 0.9),
      ...at("kick", [0, 2, 4]),
      ...[0, 1, 2, 3, 4, 5].map((k) => ({
        beat: 6 + k / 3,
        component: (["tom_high", "tom_high", "tom_mid", "tom_mid", "tom_floor", "tom_floor"] as const)[k]!,
        velocity: 0.8,
      })),
      { beat: 8, component: "crash", velocity: 1, choke: true },
      { beat: 8, component: "kick", velocity: 1 },
    ],
  },
  /** Articulations: a flam, an open hi-hat closing with the foot, a snare roll across the bar line, a ride bell. */
  articulations: {
    title: "Articulations",
    bpm: 120,
    notes: [
      { beat: 0, component: "snare", velocity: 0.7, flam: true },
      { beat: 1, component: "hihat_open", velocity: 0.7 },
      { beat: 1.5, component: "hihat_pedal", velocity: 0.6 },
      { beat: 2, component: "hihat_closed", velocity: 0.7 },
      { beat: 2, component: "kick", velocity: 0.8 },
      { beat: 3, component: "snare", velocity: 0.8, rollBeats: 2 },
      { beat: 5, component: "ride_bell", velocity: 0.9 },
      { beat: 6, component: "snare_cross_stick", velocity: 0.5 },
      { beat: 7, component: "crash2", velocity: 1, choke: true },
    ],
  },
};
