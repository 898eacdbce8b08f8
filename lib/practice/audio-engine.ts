// The practice audio engine on WebAudio (browser only). Everything is scheduled on the
// AudioContext clock ahead of time — stems, loop passes and metronome clicks start at exact
// context times, so a loop wraps on the sample and clicks never drift. Song positions for the
// highway and the judge come from the same plan through the output timestamp (clock.ts).
import type { TempoMap } from "../beatmap/tempo.ts";
import { type ClockSample, ctxAtPerf, sampleClock, smoothSample } from "./clock.ts";
import type { PitchKeeper } from "./pitch-keeper.ts";
import {
  clicksBetween,
  ctxAt,
  type LoopRange,
  type Piece,
  passAt,
  piecesBetween,
  planStart,
  songAt,
  type TransportPlan,
} from "./transport.ts";

export type StemMode = "full" | "drums" | "drumless";

export interface MixSettings {
  mode: StemMode;
  /** 0–1 each. */
  drums: number;
  accompaniment: number;
  metronome: number;
  metronomeOn: boolean;
}

export const DEFAULT_MIX: MixSettings = {
  mode: "full",
  drums: 1,
  accompaniment: 1,
  metronome: 0.6,
  metronomeOn: false,
};

/** What plays: the two stems (drums + accompaniment = the song), or one file picked by the user. */
export interface EngineAudio {
  drums?: AudioBuffer;
  accompaniment?: AudioBuffer;
  /** A whole song (no stems): plays for "full" and "drumless" is not available. */
  song?: AudioBuffer;
}

/** Buffers already time-stretched to one rate (pitch kept); played at playbackRate 1. */
export interface StretchedAudio extends EngineAudio {
  rate: number;
}

const LOOKAHEAD_S = 0.25;
const TICK_MS = 25;

interface Scheduled {
  pass: number;
  node: AudioBufferSourceNode;
}

export class PracticeAudioEngine {
  readonly ctx: AudioContext;
  private readonly master: GainNode;
  /** Stems meet here, then go through the pitch keeper (slowed or sped up) or straight out. */
  private readonly stemBus: GainNode;
  private pitchKeeper: PitchKeeper | null = null;
  private keeperNode: AudioNode | null = null;
  /** Seconds the pitch keeper delays the stems in this run: the clock and clicks shift by it. */
  private stretchLatencyS = 0;
  private readonly drumsGain: GainNode;
  private readonly accGain: GainNode;
  private readonly clickGain: GainNode;
  private audio: EngineAudio = {};
  private stretched: StretchedAudio | null = null;
  private mix: MixSettings = { ...DEFAULT_MIX };
  private plan: TransportPlan | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private scheduledPasses = new Set<number>();
  private sources: Scheduled[] = [];
  private clickClock = 0;
  private clickBuffers: { accent: AudioBuffer; beat: AudioBuffer };
  private clock: ClockSample | null = null;
  private hadOutputTimestamp = false;

  constructor(
    private tempo: TempoMap,
    ctx?: AudioContext,
  ) {
    this.ctx = ctx ?? new AudioContext({ latencyHint: "interactive" });
    this.master = this.ctx.createGain();
    this.master.connect(this.ctx.destination);
    this.drumsGain = this.ctx.createGain();
    this.accGain = this.ctx.createGain();
    this.clickGain = this.ctx.createGain();
    this.stemBus = this.ctx.createGain();
    this.stemBus.connect(this.master);
    this.drumsGain.connect(this.stemBus);
    this.accGain.connect(this.stemBus);
    this.clickGain.connect(this.master);
    this.clickBuffers = { accent: this.makeClick(1760, 1), beat: this.makeClick(1320, 0.6) };
    this.applyMix();
  }

  /** A short sine blip with a fast decay: audible over a mix, with no click of its own. */
  private makeClick(freq: number, level: number): AudioBuffer {
    const rate = this.ctx.sampleRate;
    const n = Math.round(rate * 0.05);
    const buf = this.ctx.createBuffer(1, n, rate);
    const d = buf.getChannelData(0);
    for (let i = 0; i < n; i++) {
      const t = i / rate;
      d[i] = level * Math.sin(2 * Math.PI * freq * t) * Math.exp(-t * 90) * Math.min(1, i / 32);
    }
    return buf;
  }

  /** The chart's timing changed (the editor): metronome clicks follow the new grid from the next play. */
  setTempo(tempo: TempoMap): void {
    this.tempo = tempo;
  }

  setAudio(audio: EngineAudio): void {
    this.audio = audio;
    this.stretched = null;
  }

  /** Buffers stretched for a rate; used whenever playback runs at that rate. */
  setStretched(stretched: StretchedAudio | null): void {
    this.stretched = stretched;
  }

  get hasStems(): boolean {
    return Boolean(this.audio.drums && this.audio.accompaniment);
  }

  get hasAudio(): boolean {
    return Boolean(this.audio.song || this.audio.drums || this.audio.accompaniment);
  }

  /** Length of the loaded audio, ms (0 without audio). */
  get audioDurationMs(): number {
    const b = this.audio.song ?? this.audio.drums ?? this.audio.accompaniment;
    return b ? b.duration * 1000 : 0;
  }

  setMix(mix: MixSettings): void {
    this.mix = { ...mix };
    this.applyMix();
  }

  private applyMix(): void {
    const m = this.mix;
    const t = this.ctx.currentTime;
    const drums = m.mode === "drumless" ? 0 : m.drums;
    const acc = m.mode === "drums" ? 0 : m.accompaniment;
    // A short ramp: switching stems mid-song should not click.
    this.drumsGain.gain.setTargetAtTime(drums, t, 0.01);
    this.accGain.gain.setTargetAtTime(acc, t, 0.01);
    this.clickGain.gain.setTargetAtTime(m.metronome, t, 0.01);
  }

  get playing(): boolean {
    return this.plan !== null;
  }

  get currentPlan(): TransportPlan | null {
    return this.plan;
  }

  /** Keeps the pitch when the tempo is not 100 % (without one, slower playback sounds lower). */
  setPitchKeeper(keeper: PitchKeeper | null): void {
    this.pitchKeeper = keeper;
  }

  get keepsPitch(): boolean {
    return this.pitchKeeper !== null;
  }

  private async routeStems(rate: number): Promise<void> {
    this.stemBus.disconnect();
    this.keeperNode?.disconnect();
    this.keeperNode = null;
    this.stretchLatencyS = 0;
    if (this.pitchKeeper && Math.abs(rate - 1) > 1e-6 && this.hasAudio) {
      try {
        this.stretchLatencyS = await this.pitchKeeper.latencyS(rate);
        this.keeperNode = this.pitchKeeper.create(rate);
        this.stemBus.connect(this.keeperNode).connect(this.master);
        return;
      } catch (e) {
        // Pitch follows the tempo rather than no sound at all.
        console.error("time-stretch unavailable; playing without pitch correction", e);
        this.keeperNode = null;
        this.stretchLatencyS = 0;
      }
    }
    this.stemBus.connect(this.master);
  }

  /** Starts playback; resolves once the context runs (needs a user gesture the first time). */
  async play(options: {
    fromMs: number;
    rate: number;
    countInBeats?: number;
    loop?: LoopRange;
  }): Promise<TransportPlan> {
    this.stop();
    if (this.ctx.state !== "running") await this.ctx.resume();
    await this.routeStems(options.rate);
    this.plan = planStart({ ctxNow: this.ctx.currentTime, tempo: this.tempo, ...options });
    this.scheduledPasses.clear();
    this.clickClock = this.plan.ctxStart;
    this.clock = null;
    this.hadOutputTimestamp = false;
    this.schedule();
    this.timer = setInterval(() => this.schedule(), TICK_MS);
    return this.plan;
  }

  /** Stops everything; returns the song position that was audible. */
  stop(): number {
    const plan = this.plan;
    if (plan) this.refreshClock();
    const pos = plan ? songAt(plan, this.audibleCtx(performance.now())) : Number.NaN;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const s of this.sources) {
      try {
        s.node.stop();
      } catch {
        // not started yet or already stopped: nothing to stop
      }
      s.node.disconnect();
    }
    this.sources = [];
    this.plan = null;
    return pos;
  }

  async close(): Promise<void> {
    this.stop();
    await this.ctx.close();
  }

  /**
   * Re-reads the output timestamp (once per frame and scheduler tick). Between refreshes every
   * conversion uses the same mapping, so an input event and the frame that shows it agree exactly.
   */
  refreshClock(): void {
    const ts = this.ctx.getOutputTimestamp?.();
    const real = (ts?.performanceTime ?? 0) > 0 && (ts?.contextTime ?? 0) > 0;
    const next = sampleClock(this.ctx, performance.now());
    // Once the device has given a real output timestamp, keep to those: the currentTime fallback
    // can sit tens of ms away and flipping between the two would make the highway jump.
    if (real) this.hadOutputTimestamp = true;
    else if (this.hadOutputTimestamp && this.clock) return;
    this.clock = smoothSample(this.clock, next);
  }

  /** The context time audible at performance time `perfMs`. */
  audibleCtx(perfMs: number): number {
    if (!this.clock) this.refreshClock();
    // The stems come out of the pitch keeper late by its latency: what is heard is older.
    return ctxAtPerf(this.clock!, perfMs) - this.stretchLatencyS;
  }

  /** Song ms audible at performance time `perfMs` (a frame time or an input event's timeStamp). */
  songAtPerf(perfMs: number): number {
    if (!this.plan) return Number.NaN;
    return songAt(this.plan, this.audibleCtx(perfMs));
  }

  /** Loop pass audible at performance time `perfMs`. */
  passAtPerf(perfMs: number): number {
    return this.plan ? passAt(this.plan, this.audibleCtx(perfMs)) : 0;
  }

  /** Performance time at which song ms `songMs` is heard (pass 0): for tests and calibration. */
  perfAtSong(songMs: number, pass = 0): number {
    if (!this.plan) return Number.NaN;
    if (!this.clock) this.refreshClock();
    const clock = this.clock!;
    return clock.perf + (ctxAt(this.plan, songMs, pass) + this.stretchLatencyS - clock.ctx) * 1000;
  }

  private schedule(): void {
    const plan = this.plan;
    if (!plan) return;
    this.refreshClock();
    const now = this.ctx.currentTime;
    const horizon = now + LOOKAHEAD_S;
    for (const piece of piecesBetween(plan, now, horizon)) {
      if (this.scheduledPasses.has(piece.pass)) continue;
      this.scheduledPasses.add(piece.pass);
      this.schedulePiece(plan, piece, now);
    }
    if (horizon > this.clickClock) {
      for (const c of clicksBetween(plan, this.tempo, this.clickClock, horizon)) {
        if (!c.countIn && !this.mix.metronomeOn) continue;
        if (c.ctx < now) continue;
        const node = new AudioBufferSourceNode(this.ctx, {
          buffer: c.downbeat ? this.clickBuffers.accent : this.clickBuffers.beat,
        });
        // Count-in clicks are heard even with the metronome volume down.
        node.connect(c.countIn ? this.master : this.clickGain);
        // Clicks skip the pitch keeper, so they wait its latency to stay with the music.
        node.start(c.ctx + this.stretchLatencyS);
        this.track(-1, node);
      }
      this.clickClock = horizon;
    }
  }

  private schedulePiece(plan: TransportPlan, piece: Piece, now: number): void {
    const stretched =
      this.stretched && Math.abs(this.stretched.rate - plan.rate) < 1e-6 ? this.stretched : null;
    const set: EngineAudio = stretched ?? this.audio;
    const audioStart = Math.max(piece.audioFrom, 0);
    if (audioStart >= piece.songTo) return;
    let when = ctxAt(plan, audioStart, piece.pass);
    let songOffset = audioStart;
    if (when < now) {
      // Late (a busy main thread): start now, further into the audio, so sound and clock agree.
      songOffset += (now - when) * 1000 * plan.rate;
      when = now;
    }
    const stopAt = Number.isFinite(piece.songTo) ? ctxAt(plan, piece.songTo, piece.pass) : undefined;
    const outputs: [AudioBuffer | undefined, GainNode][] = set.song
      ? [[set.song, this.accGain]]
      : [
          [set.drums, this.drumsGain],
          [set.accompaniment, this.accGain],
        ];
    for (const [buffer, gain] of outputs) {
      if (!buffer) continue;
      // Stretched buffers are already at the rate (their time = song time / rate).
      const offsetS = stretched ? songOffset / 1000 / plan.rate : songOffset / 1000;
      if (offsetS >= buffer.duration) continue;
      const node = new AudioBufferSourceNode(this.ctx, { buffer, playbackRate: stretched ? 1 : plan.rate });
      node.connect(gain);
      node.start(when, offsetS);
      if (stopAt !== undefined) node.stop(stopAt);
      this.track(piece.pass, node);
    }
  }

  private track(pass: number, node: AudioBufferSourceNode): void {
    const entry = { pass, node };
    this.sources.push(entry);
    node.onended = () => {
      node.disconnect();
      const i = this.sources.indexOf(entry);
      if (i >= 0) this.sources.splice(i, 1);
    };
  }
}

/** Decodes an audio file (a stem WAV or a song the user picks) with the context's decoder. */
export async function decodeAudio(ctx: BaseAudioContext, blob: Blob): Promise<AudioBuffer> {
  return ctx.decodeAudioData(await blob.arrayBuffer());
}
