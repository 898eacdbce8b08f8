// Latency calibration: the player taps along to a click; the median distance from each tap to its
// nearest click is how late this device registers a hit (input + output latency as felt). Pure.

export interface CalibrationResult {
  /** Median tap − click, ms (positive: taps register late). */
  offsetMs: number;
  /** Median absolute deviation around it, ms: how steady the taps were. */
  spreadMs: number;
  /** Taps used (those within half a beat of a click). */
  used: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** `taps` and `clicks` in ms on the same clock; clicks evenly spaced by `periodMs`. */
export function estimateOffset(
  taps: readonly number[],
  clicks: readonly number[],
  periodMs: number,
): CalibrationResult | null {
  if (clicks.length === 0) return null;
  const diffs: number[] = [];
  for (const t of taps) {
    let best = Number.POSITIVE_INFINITY;
    for (const c of clicks) if (Math.abs(t - c) < Math.abs(best)) best = t - c;
    if (Math.abs(best) < periodMs / 2) diffs.push(best);
  }
  if (diffs.length < 4) return null;
  // Drop the first taps: people settle in over a beat or two.
  const settled = diffs.length > 6 ? diffs.slice(2) : diffs;
  const offsetMs = median(settled);
  return { offsetMs, spreadMs: median(settled.map((d) => Math.abs(d - offsetMs))), used: settled.length };
}

export interface Calibration {
  /** Subtracted from every hit's time (ms of real time). */
  inputOffsetMs: number;
  /** Shifts the highway (ms, positive draws notes later) for displays that lag the sound. */
  visualOffsetMs: number;
}

export const DEFAULT_CALIBRATION: Calibration = { inputOffsetMs: 0, visualOffsetMs: 0 };

export function parseCalibration(value: unknown): Calibration {
  const v = (value ?? {}) as Partial<Record<keyof Calibration, unknown>>;
  const num = (x: unknown) => (typeof x === "number" && Number.isFinite(x) && Math.abs(x) <= 500 ? x : 0);
  return { inputOffsetMs: num(v.inputOffsetMs), visualOffsetMs: num(v.visualOffsetMs) };
}
