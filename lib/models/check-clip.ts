// The deterministic check clip, mirrored exactly by training/check_clip.py: kicks, snares,
// hi-hats and a bass tone from sin/exp and xorshift32 noise, computed in float64 and rounded to
// float32. training/export.py records the PyTorch outputs for it (fixtures/expected-outputs.json)
// and models.test.ts checks that onnxruntime reproduces them. Change both files together.

export const CHECK_CLIP_SECONDS = 2;

function xorshiftNoise(n: number, seed = 0x9e3779b9): Float64Array {
  const out = new Float64Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    out[i] = (x / 4294967296) * 2 - 1;
  }
  return out;
}

export function checkClip(sampleRate = 22050, seconds = CHECK_CLIP_SECONDS): Float32Array {
  const n = Math.round(sampleRate * seconds);
  const noise = xorshiftNoise(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    let v = 0.15 * Math.sin(2 * Math.PI * 82.41 * t);
    for (let k = 0; k < 4; k++) {
      const dk = t - (0.1 + 0.5 * k);
      if (dk >= 0) {
        v +=
          0.8 *
          Math.sin(2 * Math.PI * (50 * dk + 400 * 0.02 * (1 - Math.exp(-dk / 0.02)))) *
          Math.exp(-dk / 0.15);
      }
      const ds = t - (0.35 + 0.5 * k);
      if (ds >= 0) {
        v += (0.5 * noise[i]! + 0.3 * Math.sin(2 * Math.PI * 190 * ds)) * Math.exp(-ds / 0.07);
      }
    }
    for (let k = 0; k < 16; k++) {
      const dh = t - 0.125 * k;
      if (dh >= 0) {
        const prev = i > 0 ? noise[i - 1]! : 0;
        v += 0.25 * (noise[i]! - prev) * Math.exp(-dh / 0.015);
      }
    }
    y[i] = 0.5 * v;
  }
  return y;
}
