// The practice run, without React: the transport (play, pause, seek, count-in, A/B and bar
// loops), judging, the speed trainer and drills, and what the views show. The audio engine, the
// frame clock and the highway come in through small interfaces, so unit tests drive it with a
// fake clock (practice-controller.test.ts) and the player (app/_components/play) only renders its
// stores and forwards the drummer's input.
//
// One source of position: while a run is on, every frame reads the song time from the audio
// clock once and hands that same number to the highway, the seek bar and the clock text.
import type { Component } from "../beatmap/lanes.ts";
import type { TempoMap } from "../beatmap/tempo.ts";
import type { Calibration } from "./calibration.ts";
import type { VelocityCalibration } from "./dynamics.ts";
import { type GridLine, gridLines } from "./highway.ts";
import { clampRate } from "./hit-windows.ts";
import {
  barIndex,
  barStartMs,
  type Flash,
  PracticeSession,
  type PreparedChart,
  snapToBeat,
} from "./session.ts";
import { DEFAULT_TRAINER, describeTrainerStep, nextRate, type SpeedTrainerConfig } from "./speed-trainer.ts";
import type { RunSummary } from "./stats.ts";
import type { LoopRange } from "./transport.ts";
import {
  initialTransport,
  isRunning,
  type TransportEffect,
  type TransportEvent,
  type TransportState,
  transition,
} from "./transport-state.ts";
import { ValueStore } from "./value-store.ts";

/** The part of the audio engine (audio-engine.ts) the controller drives. */
export interface PracticeAudio {
  readonly playing: boolean;
  /** Length of the loaded audio, ms (0 without audio). */
  readonly audioDurationMs: number;
  play(options: { fromMs: number; rate: number; countInBeats?: number; loop?: LoopRange }): Promise<unknown>;
  /** Stops; returns the song position that was audible. */
  stop(): number;
  /** Re-reads the audio output clock (once per frame). */
  refreshClock(): void;
  songAtPerf(perfMs: number): number;
  passAtPerf(perfMs: number): number;
}

/** performance.now() and requestAnimationFrame, or a test's fake. */
export interface FrameClock {
  now(): number;
  request(frame: (now: number) => void): number;
  cancel(id: number): void;
}

export interface HighwayScene {
  times: Float64Array;
  lanes: Uint8Array;
  velocities: Float32Array;
  /** Each note's component (its articulation mark on the highway); absent: plain notes. */
  components?: readonly Component[];
  /** Judge status per note. */
  status: Uint8Array;
  grid: GridLine[];
  gridTimes: Float64Array;
}

/** What draws the highway (app/_components/play/highway-renderer.ts). */
export interface HighwayTarget {
  setScene(scene: HighwayScene): void;
  draw(songMs: number, flashes: readonly (Flash | null)[], now: number): void;
}

export type InputKind = "keyboard" | "touch" | "midi";

export interface FinishedRun {
  summary: RunSummary;
  rate: number;
  fromMs: number;
  toMs: number;
  input: InputKind | "mixed";
}

/** What the controls show; changes a few times per run. */
export interface PracticeView {
  transport: TransportState;
  /** The tempo chosen, or the running one (the trainer changes it). */
  rate: number;
  countInBeats: number;
  trainerOn: boolean;
  trainerLog: string[];
  /** The latest thing that happened, for the screen reader's live region. */
  message: string;
  pitchNote: string;
  finished: FinishedRun | null;
  error: string | null;
}

/** Where the playhead is; changes every frame of a run. */
export interface Playhead {
  positionMs: number;
  /** During a count-in: the beat being counted (1…of). */
  countIn: { beat: number; of: number } | null;
}

export interface HudState {
  score: number;
  combo: number;
  accuracy: number;
  /** "perfect", "great · late 32 ms", "miss", or "". */
  last: string;
  pass: number;
}

export const EMPTY_HUD: HudState = { score: 0, combo: 0, accuracy: 1, last: "", pass: 0 };

/** "1:05": the clock and the loop as the player shows them. */
export function formatClock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** The count-in beat (1…of) heard at `songMs` before the audio starts at `audioFromMs`. */
export function countInBeat(tempo: TempoMap, songMs: number, audioFromMs: number, of: number): number {
  const left = tempo.msToBeat(audioFromMs) - tempo.msToBeat(songMs);
  return Math.min(of, Math.max(1, Math.floor(of - left + 1e-6) + 1));
}

/** How far a keyboard seek moves. */
export const SEEK_STEP_MS = 5000;
/** Drilling a bar slows it to at most this tempo. */
const DRILL_RATE = 0.75;

interface Run {
  rate: number;
  loop: LoopRange | null;
  /** Song ms where the audio starts on the first pass (after the count-in). */
  audioFrom: number;
  countInBeats: number;
  inputs: Set<InputKind>;
}

export interface PracticeControllerOptions {
  chart: PreparedChart;
  audio: PracticeAudio;
  frames: FrameClock;
  rate?: number;
  countInBeats?: number;
  /**
   * Gets the pitch keeper ready before a run at `rate` ≠ 100 %; resolves to a note for the
   * drummer (or null when there is nothing to say). Browser-only, so it is handed in.
   */
  preparePitch?: (rate: number) => Promise<string | null>;
}

const samePlayhead = (a: Playhead, b: Playhead) =>
  a.positionMs === b.positionMs && a.countIn?.beat === b.countIn?.beat && a.countIn?.of === b.countIn?.of;

const sameHud = (a: HudState, b: HudState) =>
  a.score === b.score && a.combo === b.combo && a.last === b.last && a.pass === b.pass;

export class PracticeController {
  readonly view: ValueStore<PracticeView>;
  readonly playhead: ValueStore<Playhead>;
  readonly hud = new ValueStore<HudState>(EMPTY_HUD, sameHud);

  private chart: PreparedChart;
  private session: PracticeSession;
  private readonly audio: PracticeAudio;
  private readonly frames: FrameClock;
  private readonly preparePitch: PracticeControllerOptions["preparePitch"];
  private highway: HighwayTarget | null = null;
  private calibration: Calibration = { inputOffsetMs: 0, visualOffsetMs: 0 };
  private run: Run | null = null;
  private trainer: SpeedTrainerConfig | null = null;
  private trainerPasses = 0;
  private frameId: number | null = null;
  /** Bumped by every start and stop: a start that finishes after a newer action gives way. */
  private token = 0;

  constructor(options: PracticeControllerOptions) {
    this.chart = options.chart;
    this.session = new PracticeSession(options.chart);
    this.audio = options.audio;
    this.frames = options.frames;
    this.preparePitch = options.preparePitch;
    this.view = new ValueStore<PracticeView>({
      transport: initialTransport(this.songEndMs()),
      rate: clampRate(options.rate ?? 1),
      countInBeats: options.countInBeats ?? 0,
      trainerOn: false,
      trainerLog: [],
      message: "",
      pitchNote: "",
      finished: null,
      error: null,
    });
    this.playhead = new ValueStore<Playhead>({ positionMs: 0, countIn: null }, samePlayhead);
  }

  get prepared(): PreparedChart {
    return this.chart;
  }

  get transport(): TransportState {
    return this.view.get().transport;
  }

  get running(): boolean {
    return isRunning(this.transport);
  }

  /** Bars in the song, counted from 1 at the first beat. */
  get barCount(): number {
    return barIndex(this.chart.tempo, this.transport.endMs) + 1;
  }

  // ── Settings ────────────────────────────────────────────────────────────────────────────

  /** Another chart (the kit folded it differently); only between runs. */
  setChart(chart: PreparedChart): void {
    if (this.running) return;
    const fresh = new PracticeSession(chart);
    fresh.velocityCalibration = this.session.velocityCalibration;
    this.chart = chart;
    this.session = fresh;
    this.audioChanged();
    this.attachScene();
    this.redraw();
  }

  /** The audio was replaced (a file picked): the song may be longer than the chart. */
  audioChanged(): void {
    this.publish({ transport: { ...this.transport, endMs: this.songEndMs() } });
  }

  setCalibration(calibration: Calibration): void {
    this.calibration = calibration;
  }

  setVelocityCalibration(calibration: VelocityCalibration | undefined): void {
    this.session.velocityCalibration = calibration;
  }

  setRate(rate: number): void {
    if (this.running) return;
    this.publish({ rate: clampRate(rate) });
  }

  setCountIn(beats: number): void {
    this.publish({ countInBeats: Math.max(0, Math.round(beats)) });
  }

  setTrainer(on: boolean): void {
    if (this.running) return;
    this.publish({ trainerOn: on });
  }

  // ── Highway ─────────────────────────────────────────────────────────────────────────────

  attachHighway(target: HighwayTarget | null): void {
    this.highway = target;
    this.attachScene();
    this.redraw();
  }

  /** Draws the parked playhead (a run draws itself every frame). */
  redraw(): void {
    if (this.running && this.audio.playing) return;
    this.highway?.draw(this.playhead.get().positionMs, this.session.laneFlashes, this.frames.now());
  }

  private attachScene(): void {
    const h = this.highway;
    if (!h) return;
    const grid = gridLines(this.chart.tempo, 0, this.chart.endMs + 10_000);
    h.setScene({
      times: this.chart.times,
      lanes: this.chart.lanes,
      velocities: this.chart.velocities,
      components: this.chart.components,
      status: this.session.judge.status,
      grid,
      gridTimes: Float64Array.from(grid, (g) => g.ms),
    });
  }

  // ── Transport ───────────────────────────────────────────────────────────────────────────

  /** Play from the parked place (or the loop's start), with the chosen count-in. */
  async play(): Promise<void> {
    this.publish({ finished: null, error: null });
    await this.apply({ type: "play", countIn: this.view.get().countInBeats > 0 }, "fresh");
    if (this.run) this.announce(this.run.loop ? "Playing the loop." : "Playing.");
  }

  pause(): void {
    if (!this.running) return;
    void this.apply({ type: "pause", atMs: this.livePosition() });
    this.announce("Paused.");
  }

  seek(ms: number): void {
    const hadLoop = this.transport.loop;
    void this.apply({ type: "seek", toMs: ms }, "fresh");
    if (hadLoop && !this.transport.loop) this.announce("Loop cleared: the playhead left it.");
  }

  /** Keyboard seeking: from where the playhead is now. */
  seekBy(deltaMs: number): void {
    this.seek(this.livePosition() + deltaMs);
  }

  setA(): void {
    const position = this.livePosition();
    const a = snapToBeat(this.chart.tempo, position);
    void this.apply({ type: "set-a", atMs: a, positionMs: position }, "fresh");
    this.announce(`Loop start set at ${formatClock(a)}; move on and set the end.`);
  }

  setB(): void {
    const b = snapToBeat(this.chart.tempo, this.livePosition());
    if (this.apply({ type: "set-b", atMs: b }, "fresh") === null) return;
    const loop = this.transport.loop!;
    this.announce(`Loop ${formatClock(loop.a)}–${formatClock(loop.b)} set.`);
  }

  clearLoop(): void {
    void this.apply({ type: "clear-loop", positionMs: this.livePosition() }, "fresh");
    this.announce("Loop cleared.");
  }

  /** Loops bars `first`…`last` (from 1, both included) of the chart's grid. */
  loopBars(first: number, last: number): void {
    const count = this.barCount;
    if (!Number.isInteger(first) || !Number.isInteger(last) || first < 1 || last < first || first > count) {
      this.announce(`Choose bars between 1 and ${count}, the first no later than the last.`);
      return;
    }
    const loop = { a: barStartMs(this.chart.tempo, first - 1), b: barStartMs(this.chart.tempo, last) };
    if (this.apply({ type: "loop", loop }, "fresh") === null) return;
    const bars = first === last ? `bar ${first}` : `bars ${first}–${last}`;
    this.announce(`Loop set on ${bars} (${formatClock(loop.a)}–${formatClock(loop.b)}).`);
  }

  /** From the results: loop one bar (0-based) at no more than 75 % tempo. */
  drillBar(bar: number): void {
    const rate = Math.min(this.view.get().rate, DRILL_RATE);
    const loop = { a: barStartMs(this.chart.tempo, bar), b: barStartMs(this.chart.tempo, bar + 1) };
    this.publish({ finished: null, rate });
    void this.apply({ type: "loop", loop });
    this.announce(`Loop set on bar ${bar + 1} at ${Math.round(rate * 100)} %.`);
  }

  /** Ends the run and shows its results. */
  finish(): void {
    const run = this.run;
    if (!run) return;
    const s = this.session;
    this.stopAudio();
    s.tick(Number.POSITIVE_INFINITY, this.frames.now());
    const inputs = [...run.inputs];
    const finished: FinishedRun = {
      summary: s.total.summary(),
      rate: run.rate,
      fromMs: s.fromMs,
      toMs: Number.isFinite(s.toMs) ? s.toMs : this.transport.endMs,
      input: inputs.length === 1 ? inputs[0]! : inputs.length === 0 ? "keyboard" : "mixed",
    };
    this.applyTransition({ type: "finish", atMs: s.fromMs });
    this.publish({ finished, message: "Run finished: results below." });
  }

  /** The results were read: back to the parked player. */
  dismissResult(): void {
    this.publish({ finished: null });
  }

  // ── Input ───────────────────────────────────────────────────────────────────────────────

  /** A hit on `lane` at performance time `perfMs` (an event's timeStamp). */
  hit(lane: number, perfMs: number, kind: InputKind, velocity?: number): void {
    const run = this.run;
    // The engine, not the view, says whether the run is on: the first notes can come before the
    // re-render that follows pressing Play.
    if (!run || !this.audio.playing) return;
    run.inputs.add(kind);
    const song = this.audio.songAtPerf(perfMs - this.calibration.inputOffsetMs);
    this.session.hit(lane, song, this.frames.now(), velocity);
    this.publishHud();
  }

  /** Tells the drummer something (the live region reads it). */
  announce(message: string): void {
    this.publish({ message });
  }

  /** Stops everything (the page is going away). */
  dispose(): void {
    this.stopAudio();
    this.run = null;
  }

  // ── Inside ──────────────────────────────────────────────────────────────────────────────

  private songEndMs(): number {
    return Math.max(this.chart.endMs, this.audio.audioDurationMs);
  }

  private publish(change: Partial<PracticeView>): void {
    this.view.set({ ...this.view.get(), ...change });
  }

  /** Where the drummer hears the song now (the parked place between runs). */
  private livePosition(): number {
    const run = this.run;
    if (!run || !this.audio.playing) return this.transport.positionMs;
    if (this.transport.status === "counting-in") return run.audioFrom;
    return this.audio.songAtPerf(this.frames.now());
  }

  /** Applies a transport event and its audio effect; null when refused (the reason is said). */
  private apply(event: TransportEvent, trainer: "fresh" | "keep" = "keep"): Promise<void> | null {
    const effect = this.applyTransition(event);
    if (effect === null) return null;
    if (effect.kind === "start") return this.start(effect, trainer);
    if (effect.kind === "stop") this.stopAudio();
    return Promise.resolve();
  }

  private applyTransition(event: TransportEvent): TransportEffect | null {
    const t = transition(this.transport, event);
    if (t.refused) {
      this.announce(t.refused);
      return null;
    }
    this.publish({ transport: t.state });
    if (!isRunning(t.state)) this.playhead.set({ positionMs: t.state.positionMs, countIn: null });
    if (t.effect.kind !== "start") this.redraw();
    return t.effect;
  }

  private stopAudio(): void {
    this.token++;
    if (this.frameId !== null) this.frames.cancel(this.frameId);
    this.frameId = null;
    this.audio.stop();
    this.run = null;
  }

  private async start(effect: Extract<TransportEffect, { kind: "start" }>, trainer: "fresh" | "keep") {
    const token = ++this.token;
    if (this.frameId !== null) this.frames.cancel(this.frameId);
    this.frameId = null;
    const view = this.view.get();
    const rate = view.rate;
    const { fromMs, loop } = effect;
    const countInBeats = effect.countIn ? view.countInBeats : 0;
    if (trainer === "fresh") {
      this.trainer =
        loop && view.trainerOn
          ? { ...DEFAULT_TRAINER, startRate: rate, targetRate: Math.max(rate, 1) }
          : null;
      this.trainerPasses = 0;
      this.publish({ trainerLog: [] });
    }
    // The view follows at once; the audio catches up when it starts.
    this.playhead.set({
      positionMs: fromMs,
      countIn: countInBeats > 0 ? { beat: 1, of: countInBeats } : null,
    });
    if (Math.abs(rate - 1) > 1e-6 && this.preparePitch) {
      const note = await this.preparePitch(rate);
      if (note !== null) this.publish({ pitchNote: note });
      if (token !== this.token) return;
    }
    this.session.start(fromMs, loop ? loop.b : Number.POSITIVE_INFINITY, rate);
    this.run = { rate, loop, audioFrom: fromMs, countInBeats, inputs: new Set() };
    this.hud.set(EMPTY_HUD);
    try {
      await this.audio.play({ fromMs, rate, countInBeats, ...(loop ? { loop } : {}) });
    } catch (e) {
      if (token !== this.token) return;
      this.run = null;
      this.publish({
        transport: { ...this.transport, status: "paused", positionMs: fromMs },
        error: `Audio could not start: ${e instanceof Error ? e.message : String(e)}`,
      });
      return;
    }
    if (token !== this.token) {
      // Paused or finished while the audio was starting: this start must not play on.
      if (!this.running) this.audio.stop();
      return;
    }
    this.frameId = this.frames.request(this.frame);
  }

  private readonly frame = (now: number): void => {
    this.frameId = null;
    const run = this.run;
    const s = this.session;
    if (!run || !this.audio.playing) return;
    this.audio.refreshClock();
    const song = this.audio.songAtPerf(now);
    if (run.loop && this.audio.passAtPerf(now) > s.passIndex) {
      const done = s.nextPass(run.rate);
      this.publishHud();
      if (this.trainerAfterPass(run, done)) return;
    }
    if (s.tick(song, now).length) this.publishHud();
    this.publishPlayhead(run, song);
    this.highway?.draw(song - this.calibration.visualOffsetMs * run.rate, s.laneFlashes, now);
    if (!run.loop && song > this.transport.endMs + 500 && s.isOver(song)) {
      this.finish();
      return;
    }
    this.frameId = this.frames.request(this.frame);
  };

  private publishPlayhead(run: Run, song: number): void {
    let counting = this.transport.status === "counting-in";
    if (counting && song >= run.audioFrom - 1e-6) {
      this.applyTransition({ type: "count-in-over" });
      counting = false;
    }
    const position = counting ? run.audioFrom : song;
    this.playhead.set({
      positionMs: Math.max(0, Math.min(this.transport.endMs, position)),
      countIn: counting
        ? { beat: countInBeat(this.chart.tempo, song, run.audioFrom, run.countInBeats), of: run.countInBeats }
        : null,
    });
  }

  /** The speed trainer after a loop pass; true when it restarted the run at a new tempo. */
  private trainerAfterPass(run: Run, done: RunSummary): boolean {
    const cfg = this.trainer;
    if (!cfg) return false;
    const d = nextRate(cfg, run.rate, done);
    this.trainerPasses++;
    const line = `Pass ${this.trainerPasses}: ${describeTrainerStep(d, run.rate, done)}`;
    this.publish({ trainerLog: [...this.view.get().trainerLog.slice(-5), line] });
    if (d.step !== "up" && d.step !== "down") return false;
    // A new tempo starts with a count-in at that tempo.
    this.publish({ rate: d.rate });
    void this.apply({ type: "play", countIn: this.view.get().countInBeats > 0 });
    return true;
  }

  private publishHud(): void {
    const s = this.session;
    const f = s.lastFlash;
    this.hud.set({
      score: s.total.score,
      combo: s.total.combo,
      accuracy: s.total.accuracy,
      last: f
        ? f.judgment === "miss" || f.judgment === "perfect"
          ? f.judgment
          : `${f.judgment} · ${f.errorMs < 0 ? "early" : "late"} ${Math.abs(Math.round(f.errorMs))} ms`
        : "",
      pass: s.passIndex,
    });
  }
}
