// The separation model works on mono audio at its own (lower) rate. Stems the user hears must be
// at the song's rate, in stereo, and must add up to the original exactly (so drums + drumless
// = the song, with no lost highs above the model's band). So: upsample the model's stems, and
// split what they miss (the residual: highs, stereo image, model error) between them in the
// proportion the model heard in each short window.
import { resampleSwrCompat } from "../audio/resample.ts";
import type { Stems } from "./run-model.ts";

const WINDOW_SECONDS = 0.025;

export interface StemsAtRate {
  sampleRate: number;
  drums: Float32Array[];
  accompaniment: Float32Array[];
}

export function stemsAtSourceRate(
  original: readonly Float32Array[],
  sourceRate: number,
  stems: Stems,
): StemsAtRate {
  const frames = original[0]?.length ?? 0;
  const toSourceLength = (x: Float32Array) => {
    const up = stems.sampleRate === sourceRate ? x : resampleSwrCompat(x, stems.sampleRate, sourceRate);
    if (up.length === frames) return up;
    const out = new Float32Array(frames);
    out.set(up.subarray(0, frames));
    return out;
  };
  const drumsUp = toSourceLength(stems.drums);
  const accUp = toSourceLength(stems.accompaniment);
  const share = drumShare(drumsUp, accUp, Math.max(1, Math.round(WINDOW_SECONDS * sourceRate)));
  const drums: Float32Array[] = [];
  const accompaniment: Float32Array[] = [];
  for (const channel of original) {
    const d = new Float32Array(frames);
    const a = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      const residual = (channel[i] ?? 0) - (drumsUp[i] ?? 0) - (accUp[i] ?? 0);
      const r = share[i] ?? 0.5;
      d[i] = (drumsUp[i] ?? 0) + r * residual;
      a[i] = (channel[i] ?? 0) - d[i]!;
    }
    drums.push(d);
    accompaniment.push(a);
  }
  return { sampleRate: sourceRate, drums, accompaniment };
}

/** Per-sample drum energy share, from windowed energies, linearly interpolated between windows. */
function drumShare(drums: Float32Array, acc: Float32Array, window: number): Float32Array {
  const n = drums.length;
  const windows = Math.ceil(n / window);
  const centres = new Float32Array(windows);
  for (let w = 0; w < windows; w++) {
    let ed = 1e-9;
    let ea = 1e-9;
    for (let i = w * window; i < Math.min(n, (w + 1) * window); i++) {
      ed += (drums[i] ?? 0) ** 2;
      ea += (acc[i] ?? 0) ** 2;
    }
    centres[w] = ed / (ed + ea);
  }
  const share = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const pos = i / window - 0.5;
    const w0 = Math.max(0, Math.min(windows - 1, Math.floor(pos)));
    const w1 = Math.min(windows - 1, w0 + 1);
    const t = Math.max(0, Math.min(1, pos - w0));
    share[i] = (centres[w0] ?? 0.5) * (1 - t) + (centres[w1] ?? 0.5) * t;
  }
  return share;
}
