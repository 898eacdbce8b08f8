// Runs in Chromium (bundled by bench/stem-codec.bench.ts): encodes each stem with the app's Opus
// encoder at each bitrate, decodes it the way the player does (decodeAudioData), and measures
// what practice cares about against the original: the start (no shift), the level of error overall
// and per band, and whether the drum attacks stay where and as sharp as they were.
import { encodeOggOpus } from "../../lib/audio/opus-encode.ts";
import { decodeWav16 } from "../../lib/audio/wav.ts";
import { attackEnvelopes } from "../../lib/practice/audio-align.ts";

interface Row {
  stem: string;
  bitrate: number;
  wavBytes: number;
  bytes: number;
  encodeMs: number;
  lagSamples: number;
  lengthDelta: number;
  snrDb: number;
  lowSnrDb: number;
  midSnrDb: number;
  highSnrDb: number;
  attackCorrLow: number;
  attackCorrHigh: number;
}

const mono = (channels: readonly Float32Array[]) => {
  const out = new Float32Array(channels[0]!.length);
  for (const c of channels) for (let i = 0; i < out.length; i++) out[i]! += c[i]! / channels.length;
  return out;
};

/** The shift of `y` against `x` (samples, ±range) with the highest correlation over the first 10 s. */
function lagOf(x: Float32Array, y: Float32Array, range: number, sampleRate: number): number {
  const n = Math.min(x.length, y.length, sampleRate * 10);
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let d = -range; d <= range; d++) {
    let s = 0;
    for (let i = range; i < n - range; i += 2) s += x[i]! * y[i + d]!;
    if (s > bestScore) {
      bestScore = s;
      best = d;
    }
  }
  return best;
}

/** RBJ biquad, low- or high-pass at `hz`. */
function biquad(x: Float32Array, sampleRate: number, hz: number, kind: "low" | "high"): Float32Array {
  const w = (2 * Math.PI * hz) / sampleRate;
  const alpha = Math.sin(w) / (2 * Math.SQRT1_2);
  const cos = Math.cos(w);
  const b1 = kind === "low" ? 1 - cos : -(1 + cos);
  const b0 = kind === "low" ? b1 / 2 : (1 + cos) / 2;
  const a0 = 1 + alpha;
  const [c0, c1, c2, d1, d2] = [b0 / a0, b1 / a0, b0 / a0, (-2 * cos) / a0, (1 - alpha) / a0];
  const y = new Float32Array(x.length);
  let [x1, x2, y1, y2] = [0, 0, 0, 0];
  for (let i = 0; i < x.length; i++) {
    const v = c0 * x[i]! + c1 * x1 + c2 * x2 - d1 * y1 - d2 * y2;
    [x2, x1, y2, y1] = [x1, x[i]!, y1, v];
    y[i] = v;
  }
  return y;
}

const band = (x: Float32Array, sr: number, which: "low" | "mid" | "high") =>
  which === "low"
    ? biquad(biquad(x, sr, 200, "low"), sr, 200, "low")
    : which === "high"
      ? biquad(biquad(x, sr, 4000, "high"), sr, 4000, "high")
      : biquad(biquad(biquad(x, sr, 200, "high"), sr, 200, "high"), sr, 4000, "low");

function snrDb(x: Float32Array, y: Float32Array): number {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < x.length; i++) {
    signal += x[i]! ** 2;
    noise += (x[i]! - y[i]!) ** 2;
  }
  return 10 * Math.log10(signal / Math.max(noise, 1e-20));
}

function correlation(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let [sa, sb, saa, sbb, sab] = [0, 0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    sa += a[i]!;
    sb += b[i]!;
    saa += a[i]! ** 2;
    sbb += b[i]! ** 2;
    sab += a[i]! * b[i]!;
  }
  const cov = sab / n - (sa / n) * (sb / n);
  return cov / Math.sqrt((saa / n - (sa / n) ** 2) * (sbb / n - (sb / n) ** 2));
}

async function run(stems: string[], bitrates: number[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const stem of stems) {
    const bytes = new Uint8Array(await (await fetch(`/${stem}.wav`)).arrayBuffer());
    const { channels, sampleRate } = decodeWav16(bytes)!;
    const x = mono(channels);
    const xEnv = attackEnvelopes([x], sampleRate);
    for (const bitrate of bitrates) {
      const t = performance.now();
      const blob = await encodeOggOpus(undefined, channels, sampleRate, bitrate);
      const encodeMs = performance.now() - t;
      const ctx = new OfflineAudioContext(channels.length, 1, sampleRate);
      const decoded = await ctx.decodeAudioData(await blob.arrayBuffer());
      const y0 = mono(Array.from({ length: decoded.numberOfChannels }, (_, c) => decoded.getChannelData(c)));
      const lag = lagOf(x, y0, 2000, sampleRate);
      // Compared where they overlap, the decoded one moved back by its lag.
      const n = Math.min(x.length, y0.length - Math.max(0, lag));
      const y = new Float32Array(n);
      for (let i = 0; i < n; i++) y[i] = y0[i + lag] ?? 0;
      const xs = x.subarray(0, n);
      const yEnv = attackEnvelopes([y0], sampleRate);
      rows.push({
        stem,
        bitrate,
        wavBytes: bytes.length,
        bytes: blob.size,
        encodeMs,
        lagSamples: lag,
        lengthDelta: decoded.length - x.length,
        snrDb: snrDb(xs, y),
        lowSnrDb: snrDb(band(xs, sampleRate, "low"), band(y, sampleRate, "low")),
        midSnrDb: snrDb(band(xs, sampleRate, "mid"), band(y, sampleRate, "mid")),
        highSnrDb: snrDb(band(xs, sampleRate, "high"), band(y, sampleRate, "high")),
        attackCorrLow: correlation(xEnv.low, yEnv.low),
        attackCorrHigh: correlation(xEnv.high, yEnv.high),
      });
    }
  }
  return rows;
}

(globalThis as unknown as { stemCodecRun: typeof run }).stemCodecRun = run;
