"""The deterministic check clip, mirrored exactly by lib/models/check-clip.ts.

A 2-second drum-like signal (kicks, snares, hi-hats, a bass tone) built from sin/exp and an
xorshift32 noise source, computed in float64 and rounded to float32. The export step records the
PyTorch outputs for it; lib/models/models.test.ts runs the ONNX files in onnxruntime-node on the
same clip and compares.
"""
from __future__ import annotations

import math

import numpy as np

CHECK_SECONDS = 2.0


def xorshift_noise(n: int, seed: int = 0x9E3779B9) -> np.ndarray:
    out = np.empty(n, dtype=np.float64)
    x = seed & 0xFFFFFFFF
    for i in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out[i] = x / 4294967296.0 * 2.0 - 1.0
    return out


def check_clip(sr: int = 22050, seconds: float = CHECK_SECONDS) -> np.ndarray:
    n = int(round(sr * seconds))
    noise = xorshift_noise(n)
    y = np.zeros(n, dtype=np.float64)
    for i in range(n):
        t = i / sr
        v = 0.15 * math.sin(2 * math.pi * 82.41 * t)
        for k in range(4):  # kicks at 0.10 + 0.5k, snares at 0.35 + 0.5k
            dk = t - (0.10 + 0.5 * k)
            if dk >= 0:
                v += 0.8 * math.sin(2 * math.pi * (50 * dk + 400 * 0.02 * (1 - math.exp(-dk / 0.02)))) * math.exp(-dk / 0.15)
            ds = t - (0.35 + 0.5 * k)
            if ds >= 0:
                v += (0.5 * noise[i] + 0.3 * math.sin(2 * math.pi * 190 * ds)) * math.exp(-ds / 0.07)
        for k in range(16):  # hi-hats every 0.125 s
            dh = t - 0.125 * k
            if dh >= 0:
                prev = noise[i - 1] if i > 0 else 0.0
                v += 0.25 * (noise[i] - prev) * math.exp(-dh / 0.015)
        y[i] = v
    return (0.5 * y).astype(np.float32)
