// A practice run: the chart's notes prepared for drawing and judging, the judge, and the score
// for the whole run and for the current loop pass. Framework-free; the player component feeds it
// hits (lane + song time) and the playhead, and reads what to show.
import { COMPONENT_LANE, type Component, isFootComponent } from "../beatmap/lanes.ts";
import type { Beatmap } from "../beatmap/schema.ts";
import { TempoMap } from "../beatmap/tempo.ts";
import type { VelocityCalibration } from "./dynamics.ts";
import type { Judgment } from "./hit-windows.ts";
import { type HitResult, Judge, type JudgedNote } from "./judge.ts";
import { type RunSummary, ScoreKeeper } from "./stats.ts";

export interface PreparedChart {
  tempo: TempoMap;
  /** Notes sorted by time (then lane). */
  times: Float64Array;
  lanes: Uint8Array;
  velocities: Float32Array;
  components: Component[];
  /** 0-based bar of each note. */
  bars: Int32Array;
  /** Song ms where the chart ends (last note or the audio's duration). */
  endMs: number;
}

export function prepareChart(beatmap: Beatmap): PreparedChart {
  const tempo = TempoMap.fromTiming(beatmap.Timing);
  const notes = [...beatmap.HitObjects].sort((a, b) => a.Time - b.Time || a.Lane - b.Lane);
  const n = notes.length;
  const times = new Float64Array(n);
  const lanes = new Uint8Array(n);
  const velocities = new Float32Array(n);
  const bars = new Int32Array(n);
  const components: Component[] = [];
  notes.forEach((h, i) => {
    times[i] = h.Time;
    lanes[i] = COMPONENT_LANE[h.Component] ?? h.Lane;
    velocities[i] = h.Velocity;
    components.push(h.Component);
    bars[i] = barIndex(tempo, h.Time);
  });
  const lastNote = n ? times[n - 1]! : 0;
  return {
    tempo,
    times,
    lanes,
    velocities,
    components,
    bars,
    endMs: Math.max(lastNote, beatmap.Audio?.Duration ?? 0),
  };
}

/** Bar index of a song time counted from the first beat (bars before it are negative → 0). */
export function barIndex(tempo: TempoMap, ms: number): number {
  const beat = tempo.msToBeat(ms);
  if (beat < 0) return 0;
  // Count whole measures through time-signature changes.
  let bars = 0;
  let b = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    const { measureBeats, inMeasure } = tempo.measurePosition(b);
    const next = b + measureBeats - inMeasure;
    if (next > beat + 1e-6) break;
    b = next;
    bars++;
  }
  return bars;
}

/** Song ms where bar `bar` (0-based, from the first beat) starts. */
export function barStartMs(tempo: TempoMap, bar: number): number {
  let b = 0;
  for (let i = 0; i < bar; i++) {
    const { measureBeats, inMeasure } = tempo.measurePosition(b);
    b += measureBeats - inMeasure;
  }
  return tempo.beatToMs(b);
}

/** Snaps a song time to the nearest beat of the timing map. */
export function snapToBeat(tempo: TempoMap, ms: number): number {
  return tempo.beatToMs(Math.round(tempo.msToBeat(ms)));
}

export interface Flash {
  lane: number;
  judgment: Judgment | "stray";
  /** Real ms, + late. */
  errorMs: number;
  /** performance.now() when it happened, for fading. */
  at: number;
}

export class PracticeSession {
  readonly judge: Judge;
  total: ScoreKeeper;
  pass: ScoreKeeper;
  passIndex = 0;
  fromMs = 0;
  toMs = Number.POSITIVE_INFINITY;
  lastFlash: Flash | null = null;
  readonly laneFlashes: (Flash | null)[] = new Array(7).fill(null);

  /** The kit's velocity calibration (MIDI), used to judge ghosts and accents. */
  velocityCalibration: VelocityCalibration | undefined;

  constructor(readonly chart: PreparedChart) {
    this.judge = new Judge(
      Array.from(chart.times, (Time, i) => ({ Time, Lane: chart.lanes[i]!, Velocity: chart.velocities[i]! })),
    );
    this.total = this.keeper();
    this.pass = this.keeper();
  }

  private keeper(): ScoreKeeper {
    const c = this.chart;
    return new ScoreKeeper(
      (i) => ({
        limb: isFootComponent(c.components[i]!) ? "feet" : "hands",
        bar: c.bars[i]!,
        velocity: c.velocities[i]!,
      }),
      this.velocityCalibration,
    );
  }

  /** Starts a run over [fromMs, toMs) at `rate`. */
  start(fromMs: number, toMs: number, rate: number): void {
    this.fromMs = fromMs;
    this.toMs = toMs;
    this.judge.setRate(rate);
    this.judge.begin(fromMs, toMs);
    this.total = this.keeper();
    this.pass = this.keeper();
    this.passIndex = 0;
    this.lastFlash = null;
    this.laneFlashes.fill(null);
  }

  /** A loop pass ended: what is left of it is missed; returns its summary; the next pass begins. */
  nextPass(rate: number): RunSummary {
    this.record(this.judge.advance(Number.POSITIVE_INFINITY));
    const done = this.pass.summary();
    this.judge.setRate(rate);
    this.judge.begin(this.fromMs, this.toMs);
    this.pass = this.keeper();
    this.passIndex++;
    return done;
  }

  hit(lane: number, songMs: number, perfNow: number, velocity?: number): HitResult {
    const r = this.judge.hit(lane, songMs, velocity);
    this.total.add(r);
    this.pass.add(r);
    const flash: Flash =
      r.kind === "note"
        ? { lane, judgment: r.judgment, errorMs: r.errorMs, at: perfNow }
        : { lane, judgment: "stray", errorMs: 0, at: perfNow };
    this.laneFlashes[lane] = flash;
    if (r.kind === "note") this.lastFlash = flash;
    return r;
  }

  /** Advances the playhead: notes whose window closed are missed. */
  tick(songMs: number, perfNow: number): JudgedNote[] {
    const missed = this.judge.advance(songMs);
    this.record(missed);
    const last = missed.at(-1);
    if (last) this.lastFlash = { lane: last.lane, judgment: "miss", errorMs: Number.NaN, at: perfNow };
    return missed;
  }

  private record(results: readonly JudgedNote[]): void {
    for (const r of results) {
      this.total.add(r);
      this.pass.add(r);
    }
  }

  /** The run is over once the playhead is past its end and every note is judged. */
  isOver(songMs: number): boolean {
    const end = Math.min(this.toMs, this.chart.endMs);
    return songMs > end + this.judge.windowsSongMs.good && this.judge.finished;
  }
}
