// The audio clock as the player hears it. AudioContext.currentTime runs ahead of the speaker by
// the output latency; getOutputTimestamp() says which context time is audible at which
// performance.now() time. Both the highway and the judge read positions through this mapping, so
// a key press (KeyboardEvent.timeStamp, a performance time) and a drawn frame agree with the sound.

/** The context time (s) audible at performance time `perf` (ms). */
export interface ClockSample {
  ctx: number;
  perf: number;
}

export interface AudioClockSource {
  currentTime: number;
  baseLatency?: number;
  outputLatency?: number;
  getOutputTimestamp?: () => { contextTime?: number; performanceTime?: number };
}

/**
 * Reads a clock sample: the output timestamp when the browser has one, else currentTime less the
 * reported latencies. `perfNow` is performance.now() read at the same moment.
 */
export function sampleClock(ctx: AudioClockSource, perfNow: number): ClockSample {
  const ts = ctx.getOutputTimestamp?.();
  if (
    ts &&
    typeof ts.contextTime === "number" &&
    typeof ts.performanceTime === "number" &&
    ts.performanceTime > 0 &&
    ts.contextTime > 0
  ) {
    return { ctx: ts.contextTime, perf: ts.performanceTime };
  }
  const latency = (ctx.outputLatency ?? 0) + (ctx.baseLatency ?? 0);
  return { ctx: ctx.currentTime - latency, perf: perfNow };
}

/** Audible context time at performance time `perfMs`, extrapolated from a sample. */
export function ctxAtPerf(sample: ClockSample, perfMs: number): number {
  return sample.ctx + (perfMs - sample.perf) / 1000;
}

/** Performance time at which context time `ctxS` is audible. */
export function perfAtCtx(sample: ClockSample, ctxS: number): number {
  return sample.perf + (ctxS - sample.ctx) * 1000;
}

/**
 * Smooths successive samples: output timestamps jitter by a render quantum or so; drawing from a
 * jittery clock makes notes shimmer. Keeps the previous mapping unless it drifts more than `tolMs`.
 */
export function smoothSample(prev: ClockSample | null, next: ClockSample, tolMs = 4): ClockSample {
  if (!prev) return next;
  const predicted = ctxAtPerf(prev, next.perf);
  return Math.abs(predicted - next.ctx) * 1000 > tolMs ? next : prev;
}
