// Makes the audio sets that scripts/evaluate-grid.ts scores beat grids on, with exact reference
// beats taken from each MIDI file's own tempo map and time signatures (never from a beat tracker).
//
//   node --import tsx scripts/render-grid-set.ts synthetic|songs|all [--data /work/data]
//
// synthetic → <data>/grid-synth/: ~45 clips of 30–60 s written here as MIDI — drum grooves on
//   channel 10 (rock 8ths, 16th funk with ghost notes, half-time, punk 2-beat, shuffle, 12/8
//   blues, 6/8, 3/4 waltz; a fill every 4 or 8 bars, a crash on phrase starts) with a bass line
//   and chords — under six conditions (steady, a tempo step at bar 9, a ritardando over the last
//   4 bars, an accelerando ramp, a 2/4 bar inserted, a pickup), rendered through TimGM6mb, a
//   soundfont the transcriber never trained on.
// songs → <data>/grid-songs/: the original MIDI songs of Debian's openttd-openmsx (OpenMSX, GPL-2.0)
//   that have drums on channel 10, the first 3 minutes, rendered alternately through TimGM6mb
//   (held out) and FluidR3_GM (the training soundfont: not held out; the .json says which).
//
// Each clip gets <name>.wav (fluidsynth, 44.1 kHz stereo), <name>.mid, <name>.beats ("time<TAB>bar
// position" lines as MDB Drums' beat files: position 1 = downbeat) and <name>.json (meter, feel,
// tempo condition, tags, soundfont, source package and licence). Beats run from the first beat at
// the music's first note to the last note; compound meters (6/8, 9/8, 12/8) beat in dotted
// quarters, other meters in their denominator's note. `bash scripts/eval-deps.sh` installs
// fluidsynth, the soundfonts and the songs. The data is never committed.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type MidiData, type MidiEvent, writeMidi } from "midi-file";
import { absoluteEvents, readMidi, tempoFromMidi } from "../lib/beatmap/midi-read.ts";
import { rng } from "../lib/transcribe/synthetic.ts";

export const HELD_OUT_SF2 = "/usr/share/sounds/sf2/TimGM6mb.sf2";
export const TRAINING_SF2 = "/usr/share/sounds/sf2/FluidR3_GM.sf2";
const OPENMSX_DIR = "/usr/share/games/openttd/baseset/openmsx";
const SONG_SECONDS = 180;
const PPQ = 480;

export interface ClipInfo {
  name: string;
  set: "synthetic" | "songs";
  /** Time signature of the body, e.g. "4/4", "12/8". */
  meter: string;
  feel: "straight" | "swing";
  /** Tempo as the MIDI file sets it. */
  tempo: { condition: "steady" | "step" | "rit" | "ramp" | "changes"; bpm: number; detail?: string };
  /** For per-condition reports: steady | step | rit | ramp | swing | triple | odd-bar | pickup | tempo-change. */
  tags: string[];
  soundfont: string;
  heldOut: boolean;
  source: { package?: string; version?: string; file?: string; licence: string; groove?: string };
  durationS: number;
  beats: number;
  downbeats: number;
}

/** Reference beats of a MIDI file: [seconds, position in bar (1 = downbeat)]. */
export function midiBeats(data: MidiData & { ticksPerBeat: number }, untilS: number): [number, number][] {
  const { map, timeSignatures } = tempoFromMidi(data);
  const ppq = data.ticksPerBeat;
  const notes = absoluteEvents(data).filter((e) => e.type === "noteOn" && e.velocity > 0);
  if (!notes.length) return [];
  const firstS = map.tickToMs(notes[0]!.tick) / 1000;
  const lastS = Math.min(untilS, map.tickToMs(notes.at(-1)!.tick) / 1000);
  const signatures = [...timeSignatures].sort((a, b) => a.tick - b.tick);
  const out: [number, number][] = [];
  let barTick = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    // A time signature takes effect at the first bar line at or after its tick.
    const ts = signatures.filter((s) => s.tick <= barTick).at(-1)?.ts ?? { numerator: 4, denominator: 4 };
    const unit = (ppq * 4) / ts.denominator;
    const compound = ts.denominator === 8 && ts.numerator % 3 === 0 && ts.numerator >= 6;
    const beatTicks = compound ? 3 * unit : unit;
    const barTicks = ts.numerator * unit;
    for (let k = 0; k * beatTicks < barTicks - 1e-9; k++) {
      const s = map.tickToMs(barTick + k * beatTicks) / 1000;
      if (s > lastS + 0.02) return out;
      // The music starts with its first note: a pickup's bar begins in silence.
      if (s >= firstS - 0.02) out.push([s, k + 1]);
    }
    barTick += barTicks;
  }
  return out;
}

const writeBeats = (file: string, beats: [number, number][]) =>
  writeFileSync(file, `${beats.map(([t, p]) => `${t.toFixed(6)}\t${p}`).join("\n")}\n`);

function render(sf2: string, mid: string, wav: string): void {
  execFileSync("fluidsynth", ["-ni", "-q", "-g", "0.6", "-r", "44100", "-F", wav, "-T", "wav", sf2, mid], {
    stdio: ["ignore", "ignore", "inherit"],
  });
}

const soxDuration = (wav: string): number => Number(execFileSync("soxi", ["-D", wav], { encoding: "utf8" }));

// ---------------------------------------------------------------------------------------------
// Synthetic clips

const GM = {
  kick: 36,
  snare: 38,
  stick: 37,
  hatClosed: 42,
  hatPedal: 44,
  hatOpen: 46,
  crash: 49,
  ride: 51,
  tomHigh: 50,
  tomMid: 47,
  tomLow: 45,
  tomFloor: 43,
} as const;

interface Hit {
  /** Ticks from the bar start. */
  at: number;
  note: number;
  vel: number;
}

interface Groove {
  name: string;
  numerator: number;
  denominator: number;
  feel: "straight" | "swing";
  /** Felt-beat BPM range (dotted quarters in 6/8 and 12/8). */
  bpm: [number, number];
  /** One bar of drums; `bar` counts from the body's first bar. */
  bar(bar: number, r: () => number): Hit[];
}

const q = PPQ;
const e8 = PPQ / 2;
const s16 = PPQ / 4;
const t3 = PPQ / 3;
const jitterVel = (v: number, r: () => number) =>
  Math.max(1, Math.min(127, Math.round(v + (r() - 0.5) * 14)));

// biome-ignore format: the patterns read better as rows
const GROOVES: Groove[] = [
  { name: "rock8", numerator: 4, denominator: 4, feel: "straight", bpm: [70, 190], bar: (b, r) => [
    ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ at: i * e8, note: GM.hatClosed, vel: jitterVel(i % 2 ? 70 : 95, r) })),
    { at: 0, note: GM.kick, vel: 110 }, { at: 2 * q, note: GM.kick, vel: 105 },
    ...(b % 2 ? [{ at: 2 * q + e8, note: GM.kick, vel: 95 }] : []),
    { at: q, note: GM.snare, vel: 110 }, { at: 3 * q, note: GM.snare, vel: 112 },
  ] },
  { name: "funk16", numerator: 4, denominator: 4, feel: "straight", bpm: [80, 112], bar: (_b, r) => [
    ...Array.from({ length: 16 }, (_, i) => ({ at: i * s16, note: i === 14 ? GM.hatOpen : GM.hatClosed, vel: jitterVel(i % 4 === 0 ? 95 : i % 2 ? 55 : 75, r) })),
    { at: 0, note: GM.kick, vel: 110 }, { at: 3 * s16, note: GM.kick, vel: 90 }, { at: 2 * q + e8, note: GM.kick, vel: 100 }, { at: 3 * q + s16, note: GM.kick, vel: 85 },
    { at: q, note: GM.snare, vel: 112 }, { at: 3 * q, note: GM.snare, vel: 112 },
    // ghost notes
    { at: q + 3 * s16, note: GM.snare, vel: jitterVel(32, r) }, { at: 2 * q + s16, note: GM.snare, vel: jitterVel(30, r) }, { at: 3 * q + 3 * s16, note: GM.snare, vel: jitterVel(34, r) },
  ] },
  // Written at the fast tempo with the snare on 3: charted by convention at half that tempo.
  { name: "halftime", numerator: 4, denominator: 4, feel: "straight", bpm: [120, 160], bar: (_b, r) => [
    ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ at: i * e8, note: GM.hatClosed, vel: jitterVel(i % 2 ? 65 : 90, r) })),
    { at: 0, note: GM.kick, vel: 112 }, { at: q + e8, note: GM.kick, vel: 95 }, { at: 3 * q + e8, note: GM.kick, vel: 90 },
    { at: 2 * q, note: GM.snare, vel: 115 },
  ] },
  { name: "punk", numerator: 4, denominator: 4, feel: "straight", bpm: [170, 200], bar: (_b, r) => [
    ...[0, 1, 2, 3].map((i) => ({ at: i * q, note: GM.hatOpen, vel: jitterVel(85, r) })),
    { at: 0, note: GM.kick, vel: 112 }, { at: 2 * q, note: GM.kick, vel: 110 },
    { at: q, note: GM.snare, vel: 115 }, { at: 3 * q, note: GM.snare, vel: 115 },
  ] },
  { name: "shuffle", numerator: 4, denominator: 4, feel: "swing", bpm: [90, 140], bar: (_b, r) => [
    ...[0, 1, 2, 3].flatMap((i) => [{ at: i * q, note: GM.ride, vel: jitterVel(92, r) }, { at: i * q + 2 * t3, note: GM.ride, vel: jitterVel(62, r) }]),
    { at: 0, note: GM.kick, vel: 108 }, { at: 2 * q, note: GM.kick, vel: 104 }, { at: q + 2 * t3, note: GM.kick, vel: 80 },
    { at: q, note: GM.snare, vel: 110 }, { at: 3 * q, note: GM.snare, vel: 110 },
    { at: 3 * q + 2 * t3, note: GM.snare, vel: jitterVel(35, r) },
  ] },
  // 12/8: four dotted-quarter beats of three 8ths.
  { name: "blues128", numerator: 12, denominator: 8, feel: "swing", bpm: [56, 80], bar: (_b, r) => [
    ...Array.from({ length: 12 }, (_, i) => ({ at: i * e8, note: GM.ride, vel: jitterVel(i % 3 === 0 ? 92 : 60, r) })),
    { at: 0, note: GM.kick, vel: 110 }, { at: 6 * e8, note: GM.kick, vel: 104 }, { at: 5 * e8, note: GM.kick, vel: 78 },
    { at: 3 * e8, note: GM.snare, vel: 110 }, { at: 9 * e8, note: GM.snare, vel: 110 },
  ] },
  { name: "sixeight", numerator: 6, denominator: 8, feel: "straight", bpm: [60, 96], bar: (_b, r) => [
    ...Array.from({ length: 6 }, (_, i) => ({ at: i * e8, note: GM.hatClosed, vel: jitterVel(i % 3 === 0 ? 92 : 62, r) })),
    { at: 0, note: GM.kick, vel: 112 }, { at: 2 * e8, note: GM.kick, vel: 80 },
    { at: 3 * e8, note: GM.snare, vel: 112 },
  ] },
  { name: "waltz", numerator: 3, denominator: 4, feel: "straight", bpm: [90, 180], bar: (_b, r) => [
    ...[0, 1, 2, 3, 4, 5].map((i) => ({ at: i * e8, note: GM.hatClosed, vel: jitterVel(i % 2 ? 58 : 85, r) })),
    { at: 0, note: GM.kick, vel: 112 },
    { at: q, note: GM.snare, vel: 88 }, { at: 2 * q, note: GM.snare, vel: 92 },
  ] },
];

type Condition = "steady" | "step" | "rit" | "ramp" | "odd-bar" | "pickup";

interface BarPlan {
  numerator: number;
  denominator: number;
  /** Ticks from the start of the file. */
  start: number;
  ticks: number;
  /** Index in the body (the pickup bar is -1, an inserted 2/4 bar repeats the previous index). */
  index: number;
  kind: "pickup" | "normal" | "odd";
}

function fillHits(barTicks: number, compound: boolean, r: () => number): Hit[] {
  // The last half bar: 16ths (8th triplets in compound time) down the toms.
  const step = compound ? e8 : s16;
  const from = barTicks / 2;
  const toms = [GM.snare, GM.snare, GM.tomHigh, GM.tomHigh, GM.tomMid, GM.tomMid, GM.tomLow, GM.tomFloor];
  const out: Hit[] = [];
  const n = Math.round((barTicks - from) / step);
  for (let i = 0; i < n; i++) {
    out.push({
      at: from + i * step,
      note: toms[Math.floor((i * toms.length) / n)]!,
      vel: jitterVel(90 + i * 2, r),
    });
  }
  return out;
}

interface Clip {
  name: string;
  groove: Groove;
  condition: Condition;
  bpm: number;
  bars: number;
  phrase: 4 | 8;
  seed: number;
}

function planClips(): Clip[] {
  const clips: Clip[] = [];
  let seed = 28;
  for (const groove of GROOVES) {
    const duple = groove.numerator === 4 && groove.denominator === 4;
    const conditions: Condition[] = [
      "steady",
      "step",
      "rit",
      "ramp",
      "pickup",
      ...(duple ? ["odd-bar" as const] : []),
    ];
    for (const condition of conditions) {
      const r = rng(++seed);
      const [lo, hi] = groove.bpm;
      const bpm = Math.round(lo + r() * (hi - lo));
      const compound = groove.denominator === 8;
      const beatsPerBar = compound ? groove.numerator / 3 : groove.numerator;
      const seconds = 30 + r() * 28;
      const bars = Math.max(14, Math.round((seconds * bpm) / 60 / beatsPerBar));
      clips.push({
        name: `${groove.name}-${condition}-${bpm}`,
        groove,
        condition,
        bpm,
        bars,
        phrase: r() < 0.5 ? 4 : 8,
        seed,
      });
    }
  }
  return clips;
}

/** Felt-beat BPM → MIDI tempo (quarter notes). */
const quarterBpm = (groove: Groove, felt: number) => (groove.denominator === 8 ? felt * 1.5 : felt);

function buildClip(clip: Clip): {
  midi: MidiData;
  info: Omit<ClipInfo, "durationS" | "beats" | "downbeats">;
} {
  const { groove, condition } = clip;
  const r = rng(clip.seed * 7919);
  const barTicksOf = (num: number, den: number) => (num * PPQ * 4) / den;
  const compound = groove.denominator === 8;
  const bars: BarPlan[] = [];
  let tick = 0;
  const push = (numerator: number, denominator: number, index: number, kind: BarPlan["kind"]) => {
    const ticks = barTicksOf(numerator, denominator);
    bars.push({ numerator, denominator, start: tick, ticks, index, kind });
    tick += ticks;
  };
  // A pickup: a whole bar whose first beats are silent (reference beats start at the first note).
  if (condition === "pickup") push(groove.numerator, groove.denominator, -1, "pickup");
  for (let i = 0; i < clip.bars; i++) {
    if (condition === "odd-bar" && i === 8) push(2, 4, 7, "odd");
    push(groove.numerator, groove.denominator, i, "normal");
  }
  const end = tick;

  // Tempo events (quarter-note BPM).
  const tempo: { tick: number; bpm: number }[] = [{ tick: 0, bpm: quarterBpm(groove, clip.bpm) }];
  let detail = "";
  const bodyStart = bars.find((b) => b.kind === "normal")!.start;
  if (condition === "step") {
    const factor = clip.seed % 2 ? 1.3 : 0.8;
    const to = Math.round(clip.bpm * factor);
    tempo.push({ tick: bars.find((b) => b.index === 8)!.start, bpm: quarterBpm(groove, to) });
    detail = `${clip.bpm} → ${to} BPM at bar 9`;
  } else if (condition === "rit") {
    const from = bars.at(-4)!.start;
    for (let t = from; t < end; t += e8) {
      const x = (t - from) / (end - from);
      tempo.push({ tick: t, bpm: quarterBpm(groove, clip.bpm * (1 - 0.3 * x)) });
    }
    detail = `${clip.bpm} → ${Math.round(clip.bpm * 0.7)} BPM over the last 4 bars`;
  } else if (condition === "ramp") {
    for (let t = bodyStart; t < end; t += q) {
      const x = (t - bodyStart) / (end - bodyStart);
      tempo.push({ tick: t, bpm: quarterBpm(groove, clip.bpm * (1 + 0.25 * x)) });
    }
    detail = `${clip.bpm} → ${Math.round(clip.bpm * 1.25)} BPM, linear over the clip`;
  }

  const conductor: (MidiEvent & { tick: number })[] = [];
  for (const t of tempo) {
    conductor.push({
      tick: t.tick,
      deltaTime: 0,
      meta: true,
      type: "setTempo",
      microsecondsPerBeat: Math.round(60_000_000 / t.bpm),
    });
  }
  let lastTs = "";
  for (const b of bars) {
    const ts = `${b.numerator}/${b.denominator}`;
    if (ts !== lastTs) {
      conductor.push({
        tick: b.start,
        deltaTime: 0,
        meta: true,
        type: "timeSignature",
        numerator: b.numerator,
        denominator: b.denominator,
        metronome: 24,
        thirtyseconds: 8,
      });
      lastTs = ts;
    }
  }

  // Drums.
  const drums: (MidiEvent & { tick: number })[] = [];
  const note = (track: typeof drums, channel: number, at: number, n: number, vel: number, len: number) => {
    track.push({ tick: at, deltaTime: 0, type: "noteOn", channel, noteNumber: n, velocity: vel });
    track.push({ tick: at + len, deltaTime: 0, type: "noteOff", channel, noteNumber: n, velocity: 0 });
  };
  for (const b of bars) {
    let hits: Hit[];
    if (b.kind === "pickup") {
      // The pickup: the last beat (dotted quarter in compound time) as a snare lead-in.
      const beat = compound ? 3 * e8 : q;
      const step = compound ? e8 : s16;
      hits = Array.from({ length: beat / step }, (_, i) => ({
        at: b.ticks - beat + i * step,
        note: GM.snare,
        vel: 70 + i * 12,
      }));
    } else if (b.kind === "odd") {
      hits = [
        { at: 0, note: GM.kick, vel: 108 },
        { at: q, note: GM.snare, vel: 110 },
        ...[0, 1, 2, 3].map((i) => ({ at: i * e8, note: GM.hatClosed, vel: 80 })),
      ];
    } else {
      hits = groove.bar(b.index, r);
      const phraseEnd = (b.index + 1) % clip.phrase === 0 && b.index < clip.bars - 1;
      if (phraseEnd) hits = [...hits.filter((h) => h.at < b.ticks / 2), ...fillHits(b.ticks, compound, r)];
      if (b.index % clip.phrase === 0) {
        hits = hits.filter(
          (h) => !(h.at === 0 && (h.note === GM.hatClosed || h.note === GM.hatOpen || h.note === GM.ride)),
        );
        hits.push({ at: 0, note: GM.crash, vel: 112 });
      }
      if (b.index === clip.bars - 1)
        hits = [
          { at: 0, note: GM.crash, vel: 118 },
          { at: 0, note: GM.kick, vel: 115 },
        ];
    }
    for (const h of hits) note(drums, 9, b.start + h.at, h.note, h.vel, 60);
  }

  // Bass (channel 1) and chords (channel 2): I–vi–IV–V in a random key, one chord per bar.
  const bass: (MidiEvent & { tick: number })[] = [];
  const keys: (MidiEvent & { tick: number })[] = [];
  const root = 36 + Math.floor(r() * 7);
  const progression = [0, 9, 5, 7];
  const triads = [
    [0, 4, 7],
    [0, 3, 7],
    [0, 4, 7],
    [0, 4, 7],
  ];
  const program = [0, 4, 16, 24, 48, 5][clip.seed % 6]!;
  bass.push({ tick: 0, deltaTime: 0, type: "programChange", channel: 1, programNumber: 33 });
  keys.push({ tick: 0, deltaTime: 0, type: "programChange", channel: 2, programNumber: program });
  for (const b of bars) {
    if (b.kind === "pickup") continue;
    const degree = Math.max(0, b.index) % 4;
    const base = root + progression[degree]!;
    const beat = compound ? 3 * e8 : (PPQ * 4) / b.denominator;
    const beats = Math.round(b.ticks / beat);
    for (let k = 0; k < beats; k++) {
      const n = k % 2 === 1 && beats > 2 ? base + 7 : base;
      note(bass, 1, b.start + k * beat, n, jitterVel(k === 0 ? 100 : 85, r), beat - 30);
      if (groove.feel === "swing" && !compound)
        note(bass, 1, b.start + k * beat + 2 * t3, n + 12, 70, t3 - 20);
    }
    const chord = triads[degree]!.map((i) => base + 24 + i);
    for (const n of chord) note(keys, 2, b.start, n, 70, b.ticks - 20);
  }

  const toTrack = (events: (MidiEvent & { tick: number })[]): MidiEvent[] => {
    const sorted = events
      .map((e, i) => ({ e, i }))
      // noteOff before noteOn at the same tick, then insertion order
      .sort(
        (a, b) =>
          a.e.tick - b.e.tick ||
          (a.e.type === "noteOff" ? 0 : 1) - (b.e.type === "noteOff" ? 0 : 1) ||
          a.i - b.i,
      );
    let last = 0;
    const out: MidiEvent[] = sorted.map(({ e }) => {
      const { tick, ...rest } = e;
      const ev = { ...rest, deltaTime: tick - last } as MidiEvent;
      last = tick;
      return ev;
    });
    out.push({ deltaTime: Math.max(0, end + PPQ - last), meta: true, type: "endOfTrack" });
    return out;
  };
  const midi: MidiData = {
    header: { format: 1, numTracks: 4, ticksPerBeat: PPQ },
    tracks: [toTrack(conductor), toTrack(drums), toTrack(bass), toTrack(keys)],
  };
  const tags: string[] = [condition === "odd-bar" || condition === "pickup" ? "steady" : condition];
  if (condition === "odd-bar" || condition === "pickup") tags.push(condition);
  if (groove.feel === "swing") tags.push("swing");
  if (groove.numerator % 3 === 0) tags.push("triple");
  return {
    midi,
    info: {
      name: clip.name,
      set: "synthetic",
      meter: `${groove.numerator}/${groove.denominator}`,
      feel: groove.feel,
      tempo: {
        condition: condition === "odd-bar" || condition === "pickup" ? "steady" : condition,
        bpm: clip.bpm,
        ...(detail ? { detail } : {}),
      },
      tags,
      soundfont: path.basename(HELD_OUT_SF2),
      heldOut: true,
      source: { licence: "generated by scripts/render-grid-set.ts", groove: groove.name },
    },
  };
}

function finish(
  dir: string,
  name: string,
  mid: string,
  sf2: string,
  info: Omit<ClipInfo, "durationS" | "beats" | "downbeats">,
  cutS?: number,
): void {
  const wav = path.join(dir, `${name}.wav`);
  const data = readMidi(new Uint8Array(readFileSync(mid)));
  // fluidsynth renders seconds of near-silence after the last note: cut 2 s after it (and at cutS).
  const lastNoteS =
    tempoFromMidi(data).map.tickToMs(
      absoluteEvents(data)
        .filter((e) => e.type === "noteOn")
        .at(-1)!.tick,
    ) / 1000;
  const cut = Math.min(cutS ?? Number.POSITIVE_INFINITY, lastNoteS + 2);
  const rendered = path.join(dir, `${name}.full.wav`);
  render(sf2, mid, rendered);
  execFileSync("sox", [rendered, wav, "trim", "0", cut.toFixed(3)]);
  execFileSync("rm", ["-f", rendered]);
  const durationS = soxDuration(wav);
  // Songs cut mid-phrase: reference beats stop half a second before the cut.
  const beats = midiBeats(data, cutS ? durationS - 0.5 : durationS);
  writeBeats(path.join(dir, `${name}.beats`), beats);
  const full: ClipInfo = {
    ...info,
    durationS,
    beats: beats.length,
    downbeats: beats.filter(([, p]) => p === 1).length,
  };
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(full, null, 2)}\n`);
  console.error(`${name}: ${durationS.toFixed(1)} s, ${beats.length} beats, ${info.tags.join(" ")}`);
}

function renderSynthetic(dataDir: string): void {
  const dir = path.join(dataDir, "grid-synth");
  mkdirSync(dir, { recursive: true });
  for (const clip of planClips()) {
    const { midi, info } = buildClip(clip);
    const mid = path.join(dir, `${clip.name}.mid`);
    writeFileSync(mid, Buffer.from(writeMidi(midi)));
    finish(dir, clip.name, mid, HELD_OUT_SF2, info);
  }
}

// ---------------------------------------------------------------------------------------------
// Songs

function packageVersion(name: string): string {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
  return execFileSync("dpkg-query", ["-W", "-f", "${Version}", name], { encoding: "utf8" }).trim();
}

function renderSongs(dataDir: string): void {
  if (!existsSync(OPENMSX_DIR)) throw new Error(`${OPENMSX_DIR} is missing: bash scripts/eval-deps.sh`);
  const dir = path.join(dataDir, "grid-songs");
  mkdirSync(dir, { recursive: true });
  const version = packageVersion("openttd-openmsx");
  const files = readdirSync(OPENMSX_DIR)
    .filter((f) => f.endsWith(".mid"))
    .sort();
  let n = 0;
  for (const file of files) {
    const data = readMidi(new Uint8Array(readFileSync(path.join(OPENMSX_DIR, file))));
    const events = absoluteEvents(data);
    const drumHits = events.filter((e) => e.type === "noteOn" && e.velocity > 0 && e.channel === 9).length;
    if (drumHits < 100) {
      console.error(`${file}: skipped, ${drumHits} drum notes on channel 10`);
      continue;
    }
    const { map, timeSignatures } = tempoFromMidi(data);
    const endTick = events.at(-1)!.tick;
    const inCut = (tick: number) => map.tickToMs(tick) < SONG_SECONDS * 1000;
    // Tempo changes the file states within the cut (restatements of the same tempo are not changes).
    const changes: string[] = [];
    const tempos = map.events;
    for (let i = 1; i < tempos.length; i++) {
      const t = tempos[i]!;
      if (Math.abs(t.bpm - tempos[i - 1]!.bpm) > 0.01 && inCut(t.tick) && t.tick < endTick) {
        changes.push(`${(map.tickToMs(t.tick) / 1000).toFixed(2)} s: ${t.bpm.toFixed(2)}`);
      }
    }
    const meters = [
      ...new Set(
        timeSignatures.filter((s) => inCut(s.tick)).map((s) => `${s.ts.numerator}/${s.ts.denominator}`),
      ),
    ];
    const meter = meters[0] ?? "4/4";
    const tags = [changes.length ? "tempo-change" : "steady"];
    if (meters.some((m) => m.startsWith("3/") || m.startsWith("6/") || m.startsWith("12/")))
      tags.push("triple");
    if (meters.length > 1) tags.push("odd-bar");
    const heldOut = n % 2 === 0;
    const sf2 = heldOut ? HELD_OUT_SF2 : TRAINING_SF2;
    tags.push(heldOut ? "held-out-sf2" : "training-sf2");
    n++;
    const name = file.replace(/\.mid$/, "");
    const mid = path.join(dir, `${name}.mid`);
    copyFileSync(path.join(OPENMSX_DIR, file), mid);
    finish(
      dir,
      name,
      mid,
      sf2,
      {
        name,
        set: "songs",
        meter: meters.join(" + ") || meter,
        feel: "straight",
        tempo: {
          condition: changes.length ? "changes" : "steady",
          bpm: Math.round(tempos[0]!.bpm * 100) / 100,
          ...(changes.length ? { detail: changes.join("; ") } : {}),
        },
        tags,
        soundfont: path.basename(sf2),
        heldOut,
        source: {
          package: "openttd-openmsx",
          version,
          file: path.join(OPENMSX_DIR, file),
          licence: "GPL-2.0 (OpenMSX; /usr/share/doc/openttd-openmsx/copyright)",
        },
      },
      SONG_SECONDS,
    );
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const which = args.find((a) => !a.startsWith("--")) ?? "all";
  const dataAt = args.indexOf("--data");
  const dataDir = dataAt >= 0 ? args[dataAt + 1]! : "/work/data";
  if (!["synthetic", "songs", "all"].includes(which) || (dataAt >= 0 && !args[dataAt + 1])) {
    console.error(
      "usage: node --import tsx scripts/render-grid-set.ts synthetic|songs|all [--data /work/data]",
    );
    process.exit(2);
  }
  for (const sf2 of [HELD_OUT_SF2, TRAINING_SF2]) {
    if (!existsSync(sf2)) throw new Error(`${sf2} is missing: bash scripts/eval-deps.sh`);
  }
  if (which !== "songs") renderSynthetic(dataDir);
  if (which !== "synthetic") renderSongs(dataDir);
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) main();
