import { describe, expect, it } from "vitest";
import type { TempoMap } from "../beatmap/tempo.ts";
import { grooveChart } from "../beatmap/testing.ts";
import {
  countInBeat,
  type FrameClock,
  type Playhead,
  type PracticeAudio,
  PracticeController,
} from "./practice-controller.ts";
import { prepareChart } from "./session.ts";
import { type LoopRange, passAt, planStart, songAt, type TransportPlan } from "./transport.ts";

/** Frames every 16 ms of a clock that only moves when the test says so. */
class FakeFrames implements FrameClock {
  t = 1000;
  private pending: ((now: number) => void) | null = null;
  private id = 0;
  now = () => this.t;
  request(frame: (now: number) => void): number {
    this.pending = frame;
    return ++this.id;
  }
  cancel(id: number): void {
    if (id === this.id) this.pending = null;
  }
  advance(ms: number, each?: () => void): void {
    const end = this.t + ms;
    while (this.t < end - 1e-9) {
      this.t = Math.min(end, this.t + 16);
      const frame = this.pending;
      this.pending = null;
      frame?.(this.t);
      each?.();
    }
  }
}

/** The engine's timeline (transport.ts) on the fake clock: context time = performance time. */
class FakeAudio implements PracticeAudio {
  plan: TransportPlan | null = null;
  starts: { fromMs: number; rate: number; countInBeats?: number; loop?: LoopRange }[] = [];
  audioDurationMs = 0;
  constructor(
    private readonly tempo: TempoMap,
    private readonly frames: FakeFrames,
  ) {}
  get playing() {
    return this.plan !== null;
  }
  async play(options: { fromMs: number; rate: number; countInBeats?: number; loop?: LoopRange }) {
    this.starts.push(options);
    this.plan = planStart({ ctxNow: this.frames.t / 1000, leadS: 0, tempo: this.tempo, ...options });
    return this.plan;
  }
  stop() {
    const pos = this.plan ? songAt(this.plan, this.frames.t / 1000) : Number.NaN;
    this.plan = null;
    return pos;
  }
  refreshClock() {}
  songAtPerf(perf: number) {
    return this.plan ? songAt(this.plan, perf / 1000) : Number.NaN;
  }
  passAtPerf(perf: number) {
    return this.plan ? passAt(this.plan, perf / 1000) : 0;
  }
}

// 120 BPM, first beat at 500 ms: bar 1 is 500–2500, bar 2 2500–4500; the last note is at 4500,
// the song (Audio.Duration) ends at 6500, in bar 4.
const chart = prepareChart(grooveChart({ bars: 2, bpm: 120, offsetMs: 500 }));

function setup(options: { rate?: number; countInBeats?: number } = {}) {
  const frames = new FakeFrames();
  const audio = new FakeAudio(chart.tempo, frames);
  const controller = new PracticeController({ chart, audio, frames, ...options });
  const drawn: number[] = [];
  controller.attachHighway({ setScene() {}, draw: (ms) => drawn.push(ms) });
  return { frames, audio, controller, drawn };
}

/** Hits every note of [from, to) at the moment it is heard, `lateMs` late. */
function playNotes(
  frames: FakeFrames,
  audio: FakeAudio,
  controller: PracticeController,
  range: [number, number],
  lateMs = 0,
  pass = 0,
) {
  for (let i = 0; i < chart.times.length; i++) {
    const t = chart.times[i]!;
    if (t < range[0] || t >= range[1]) continue;
    // Perf time at which song time t is heard in this pass.
    const p = audio.plan!;
    const loop = p.loop;
    const ctxStart =
      pass === 0
        ? p.ctxStart + (t - p.songStart) / p.rate / 1000
        : p.ctxStart +
          (loop!.b - p.songStart) / p.rate / 1000 +
          ((pass - 1) * (loop!.b - loop!.a)) / p.rate / 1000 +
          (t - loop!.a) / p.rate / 1000;
    const stamp = ctxStart * 1000 + lateMs;
    if (stamp > frames.t) frames.advance(stamp - frames.t);
    controller.hit(chart.lanes[i]!, stamp, "keyboard");
  }
}

describe("practice controller: one playhead from the audio clock", () => {
  it("the seek bar, clock and highway read the same song time each frame", async () => {
    const { frames, audio, controller, drawn } = setup();
    await controller.play();
    expect(controller.transport.status).toBe("playing");
    frames.advance(1000, () => {
      const shown = controller.playhead.get().positionMs;
      expect(shown).toBeCloseTo(audio.songAtPerf(frames.t), 6);
      expect(drawn.at(-1)).toBeCloseTo(shown, 6);
    });
    expect(controller.playhead.get().positionMs).toBeCloseTo(1000, 6);
  });

  it("pauses where the song was heard and resumes from there", async () => {
    const { frames, audio, controller } = setup();
    await controller.play();
    frames.advance(1500);
    controller.pause();
    expect(audio.playing).toBe(false);
    expect(controller.transport).toMatchObject({ status: "paused", positionMs: 1500 });
    expect(controller.playhead.get().positionMs).toBe(1500);
    frames.advance(500); // no frames run while parked
    await controller.play();
    expect(audio.starts.at(-1)).toMatchObject({ fromMs: 1500 });
  });

  it("a keyboard seek moves the audio and the view at once, while playing", async () => {
    const { frames, audio, controller } = setup();
    await controller.play();
    frames.advance(1000);
    controller.seekBy(2000);
    // Before any frame: the view already shows the new place.
    expect(controller.playhead.get().positionMs).toBeCloseTo(3000, 6);
    await Promise.resolve();
    expect(audio.starts.at(-1)).toMatchObject({ fromMs: 3000, countInBeats: 0 });
    frames.advance(160);
    expect(controller.playhead.get().positionMs).toBeCloseTo(3160, 6);
    controller.seekBy(-10_000);
    expect(controller.playhead.get().positionMs).toBe(0);
  });
});

describe("practice controller: count-in", () => {
  it("counts the beats on screen while the playhead waits where the audio starts", async () => {
    const { frames, controller } = setup({ countInBeats: 4 });
    controller.seek(2500);
    await controller.play();
    expect(controller.transport.status).toBe("counting-in");
    const seen: Playhead[] = [];
    frames.advance(2100, () => seen.push(controller.playhead.get()));
    const beats = seen.filter((p) => p.countIn).map((p) => p.countIn!.beat);
    expect([...new Set(beats)]).toEqual([1, 2, 3, 4]);
    expect(seen.filter((p) => p.countIn).every((p) => p.positionMs === 2500)).toBe(true);
    expect(controller.transport.status).toBe("playing");
    expect(controller.playhead.get()).toMatchObject({ countIn: null });
    expect(controller.playhead.get().positionMs).toBeGreaterThan(2500);
  });

  it("numbers the count-in beats from the grid", () => {
    expect([500, 999, 1000, 1500, 2400].map((ms) => countInBeat(chart.tempo, ms, 2500, 4))).toEqual([
      1, 1, 2, 3, 4,
    ]);
  });
});

describe("practice controller: loops while playing", () => {
  it("sets A and B during a run: the loop plays at once, pass after pass; Clear plays on", async () => {
    const { frames, audio, controller } = setup();
    await controller.play();
    frames.advance(2496); // song 2496: A snaps to the beat at 2500
    controller.setA();
    expect(controller.transport.loopA).toBe(2500);
    expect(audio.starts).toHaveLength(1); // the song goes on
    frames.advance(1504); // song 4000
    controller.setB();
    expect(controller.transport.loop).toEqual({ a: 2500, b: 4000 });
    expect(controller.view.get().message).toBe("Loop 0:02–0:04 set.");
    await Promise.resolve();
    expect(audio.starts.at(-1)).toMatchObject({ fromMs: 2500, loop: { a: 2500, b: 4000 }, countInBeats: 0 });
    expect(controller.playhead.get().positionMs).toBe(2500);
    frames.advance(1600); // one pass is 1.5 s
    expect(controller.hud.get().pass).toBe(1);
    expect(controller.playhead.get().positionMs).toBeGreaterThanOrEqual(2500);
    expect(controller.playhead.get().positionMs).toBeLessThan(4000);
    const at = controller.playhead.get().positionMs;
    controller.clearLoop();
    await Promise.resolve();
    expect(controller.transport.loop).toBeNull();
    expect(audio.starts.at(-1)).toMatchObject({ fromMs: at, countInBeats: 0 });
    expect(audio.starts.at(-1)!.loop).toBeUndefined();
    frames.advance(2000);
    expect(controller.playhead.get().positionMs).toBeGreaterThan(4000);
  });

  it("loops bars chosen from the grid", async () => {
    const { audio, controller } = setup({ countInBeats: 2 });
    expect(controller.barCount).toBe(4);
    controller.loopBars(2, 2);
    expect(controller.transport.loop).toEqual({ a: 2500, b: 4500 });
    expect(controller.view.get().message).toBe("Loop set on bar 2 (0:02–0:04).");
    await controller.play();
    expect(audio.starts.at(-1)).toMatchObject({ fromMs: 2500, countInBeats: 2, loop: { a: 2500, b: 4500 } });
    controller.loopBars(3, 1);
    expect(controller.view.get().message).toBe(
      "Choose bars between 1 and 4, the first no later than the last.",
    );
    expect(controller.transport.loop).toEqual({ a: 2500, b: 4500 });
  });
});

describe("practice controller: judging and results", () => {
  it("hits at the notes' times are perfect; the run finishes by itself at the end", async () => {
    const { frames, audio, controller } = setup();
    await controller.play();
    playNotes(frames, audio, controller, [0, Number.POSITIVE_INFINITY]);
    expect(controller.hud.get()).toMatchObject({ combo: chart.times.length, last: "perfect" });
    frames.advance(2000); // song 6500: the end of the song, not yet past it
    expect(controller.view.get().finished).toBeNull();
    frames.advance(700);
    const done = controller.view.get().finished;
    expect(done?.summary.counts).toMatchObject({ perfect: chart.times.length, miss: 0 });
    expect(done).toMatchObject({ rate: 1, fromMs: 0, input: "keyboard" });
    expect(audio.playing).toBe(false);
    expect(controller.transport.status).toBe("idle");
  });

  it("judges in real time at a slower tempo, with the device's input latency taken off", async () => {
    const { frames, audio, controller } = setup({ rate: 0.5 });
    controller.setCalibration({ inputOffsetMs: 30, visualOffsetMs: 0 });
    await controller.play();
    playNotes(frames, audio, controller, [0, 1200], 30 + 40);
    expect(controller.hud.get().last).toBe("great · late 40 ms");
  });

  it("a bar to drill becomes a loop at no more than 75 %", async () => {
    const { controller } = setup({ rate: 0.9 });
    controller.drillBar(1);
    expect(controller.transport.loop).toEqual({ a: 2500, b: 4500 });
    expect(controller.view.get().rate).toBe(0.75);
    expect(controller.view.get().message).toBe("Loop set on bar 2 at 75 %.");
  });

  it("audio that cannot start is said, and the next Play tries again", async () => {
    const { audio, controller } = setup();
    const play = audio.play.bind(audio);
    audio.play = () => Promise.reject(new Error("The AudioContext was not allowed to start."));
    await controller.play();
    expect(controller.view.get().error).toBe(
      "Audio could not start: The AudioContext was not allowed to start.",
    );
    expect(controller.transport.status).toBe("paused");
    audio.play = play;
    await controller.play();
    expect(controller.view.get().error).toBeNull();
    expect(controller.transport.status).toBe("playing");
  });

  it("a pause while the audio is starting leaves nothing playing", async () => {
    const { audio, controller } = setup();
    const starting = controller.play();
    controller.pause();
    await starting;
    expect(audio.playing).toBe(false);
    expect(controller.transport.status).toBe("paused");
  });
});

describe("practice controller: speed trainer", () => {
  it("steps up after a clean pass with a new count-in, and back down after misses", async () => {
    const { frames, audio, controller } = setup({ rate: 0.7, countInBeats: 2 });
    controller.loopBars(2, 2);
    controller.setTrainer(true);
    await controller.play();
    frames.advance(1000 / 0.7 + 20); // the count-in: 2 beats at 70 %
    playNotes(frames, audio, controller, [2500, 4500]);
    frames.advance(200);
    expect(controller.view.get().trainerLog).toEqual(["Pass 1: clean pass: up to 75 %"]);
    expect(controller.view.get().rate).toBe(0.75);
    await Promise.resolve();
    expect(audio.starts.at(-1)).toMatchObject({ rate: 0.75, countInBeats: 2, fromMs: 2500 });
    expect(controller.transport.status).toBe("counting-in");
    // A pass with nothing played: all missed, back to where it started.
    frames.advance(1000 / 0.75 + 2000 / 0.75 + 100);
    expect(controller.view.get().trainerLog.at(-1)).toMatch(/^Pass 2: \d+ missed: back to 70 %$/);
    expect(controller.view.get().rate).toBe(0.7);
  });
});
