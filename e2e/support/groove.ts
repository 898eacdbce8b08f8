// A test song with known drum hits: a rock groove played on real one-shots (e2e/fixtures/kit, a
// kit held out of training) over a quiet bass line, written as a 44.1 kHz WAV. Used by the
// generation e2e test and the CLI parity check, which compare transcribed onsets with `hits`.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { decodeFileFloat } from "../../lib/audio/decode-node-float.ts";
import { encodeWav16 } from "../../lib/audio/wav.ts";

export type GrooveClass = "kick" | "snare" | "hihat_closed" | "crash";
export interface GrooveHit {
  timeMs: number;
  cls: GrooveClass;
}

const KIT = path.resolve(import.meta.dirname, "..", "fixtures", "kit");
const RATE = 44_100;

export async function renderGroove(
  dir: string,
  options: { bpm?: number; bars?: number; leadInMs?: number } = {},
) {
  const { bpm = 110, bars = 8, leadInMs = 500 } = options;
  const samples = Object.fromEntries(
    await Promise.all(
      (["kick", "snare", "hihat_closed", "crash"] as const).map(async (cls) => {
        const decoded = await decodeFileFloat(path.join(KIT, `${cls}.flac`), {
          sampleRate: RATE,
          channels: 1,
        });
        return [cls, decoded.channels[0]!] as const;
      }),
    ),
  ) as Record<GrooveClass, Float32Array>;
  const beatMs = 60_000 / bpm;
  const hits: GrooveHit[] = [];
  for (let bar = 0; bar < bars; bar++) {
    const t0 = leadInMs + bar * 4 * beatMs;
    if (bar % 4 === 0) hits.push({ timeMs: t0, cls: "crash" });
    for (let e = 0; e < 8; e++)
      if (!(bar % 4 === 0 && e === 0)) hits.push({ timeMs: t0 + (e * beatMs) / 2, cls: "hihat_closed" });
    for (const b of [0, 2, 2.5]) hits.push({ timeMs: t0 + b * beatMs, cls: "kick" });
    for (const b of [1, 3]) hits.push({ timeMs: t0 + b * beatMs, cls: "snare" });
  }
  hits.sort((a, b) => a.timeMs - b.timeMs);
  const totalMs = leadInMs + bars * 4 * beatMs + 1500;
  const out = new Float32Array(Math.ceil((totalMs / 1000) * RATE));
  const gain: Record<GrooveClass, number> = { kick: 0.9, snare: 0.8, hihat_closed: 0.35, crash: 0.5 };
  for (const hit of hits) {
    const start = Math.round((hit.timeMs / 1000) * RATE);
    const s = samples[hit.cls];
    for (let i = 0; i < s.length && start + i < out.length; i++) out[start + i]! += gain[hit.cls] * s[i]!;
  }
  // A bass line on the root, so the separator has something to separate.
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE;
    const note = Math.floor((t * 1000) / (beatMs * 4)) % 2 === 0 ? 55 : 73.42;
    out[i]! +=
      0.12 *
      Math.sin(2 * Math.PI * note * t) *
      (0.6 + 0.4 * Math.sin((Math.PI * ((t * 1000) % beatMs)) / beatMs));
  }
  const file = path.join(dir, "groove.wav");
  writeFileSync(file, encodeWav16([out], RATE));
  return { file, hits, durationMs: totalMs, bpm, bars, leadInMs };
}

/** Onset F1 per the usual MIR convention: one-to-one matches of the same class within ±windowMs. */
export function onsetF1(
  truth: readonly GrooveHit[],
  found: readonly { timeMs: number; cls: string }[],
  windowMs = 50,
): { f1: number; precision: number; recall: number } {
  const used = new Set<number>();
  let matched = 0;
  for (const t of truth) {
    let best = -1;
    let bestDelta = windowMs;
    for (const [i, f] of found.entries()) {
      const delta = Math.abs(f.timeMs - t.timeMs);
      if (!used.has(i) && f.cls === t.cls && delta <= bestDelta) {
        best = i;
        bestDelta = delta;
      }
    }
    if (best >= 0) {
      used.add(best);
      matched++;
    }
  }
  const precision = found.length ? matched / found.length : 0;
  const recall = truth.length ? matched / truth.length : 0;
  return { f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, precision, recall };
}
