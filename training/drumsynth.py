"""Synthesised drum kits: an unlimited supply of kit timbres for the `synth` data set.

Session 7 measured why the held-out figures lag: on fresh clips played with the *training* kits
the transcriber scores micro F1 0.866 under accompaniment, on the held-out kits 0.749, and the
misses are timbre confusions (kick fired on held-out snares, toms read as kicks). The Debian
packages hold ~35 training kits; this module makes hundreds more, each a random point in the
space those kits span, so the model learns what makes a kick a kick rather than what these 35
kicks sound like.

Each voice is built the way drum machines and modal-synthesis papers build them: membranes as a
pitch-swept fundamental plus the circular membrane's inharmonic modes, snares as that shell plus
band-passed noise (the wires), hi-hats and cymbals as dense inharmonic partials (808-style
square-wave clusters or random modes) plus high-passed noise, rides with a stick "ping" and bell
partials over a quieter wash. Velocity layers are brighter as well as louder, as real samples are.
"""
from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

from common import CRASH, HHC, HHO, KICK, RIDE, SNARE, SR, TOM

MEMBRANE = np.array([1.0, 1.59, 2.14, 2.30, 2.65, 2.92, 3.16, 3.50])  # circular membrane mode ratios
TR808_HAT = np.array([205.3, 304.4, 369.6, 522.7, 540.0, 800.0])  # the 808's six square oscillators, Hz
VELOCITIES = (0.35, 0.7, 1.0)


def _t(seconds: float) -> np.ndarray:
    return np.arange(int(seconds * SR)) / SR


def lowpass(x: np.ndarray, hz: float) -> np.ndarray:
    """One-pole low-pass (also the bus EQ and room tone of synth.py)."""
    a = float(np.exp(-2 * np.pi * min(hz, 0.45 * SR) / SR))
    return lfilter([1 - a], [1, -a], x)


def highpass(x: np.ndarray, hz: float) -> np.ndarray:
    return x - lowpass(x, hz)


def modes(t: np.ndarray, freqs: np.ndarray, decays: np.ndarray, amps: np.ndarray, rng) -> np.ndarray:
    """Sum of exponentially damped sinusoids with random phases; partials above Nyquist are dropped."""
    keep = freqs < 0.45 * SR
    f, d, a = freqs[keep], decays[keep], amps[keep]
    phase = rng.uniform(0, 2 * np.pi, len(f))
    out = np.zeros(len(t))
    for lo in range(0, len(f), 32):  # chunks keep the [partials x samples] temporary small
        sl = slice(lo, lo + 32)
        out += (a[sl, None] * np.exp(-t[None] / d[sl, None]) * np.sin(2 * np.pi * f[sl, None] * t[None] + phase[sl, None])).sum(0)
    return out


def swept_sine(t: np.ndarray, f_end: float, f_start: float, tau: float) -> np.ndarray:
    """A sine whose pitch falls exponentially from f_start to f_end (the beater's pitch bend)."""
    f = f_end + (f_start - f_end) * np.exp(-t / tau)
    return np.sin(2 * np.pi * np.cumsum(f) / SR)


def noise_burst(rng, t: np.ndarray, decay: float) -> np.ndarray:
    return rng.standard_normal(len(t)) * np.exp(-t / decay)


class KitParams:
    """One random kit: the parameters every velocity layer of a voice shares."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.drive = rng.uniform(1, 4) if rng.random() < 0.35 else 0.0  # electronic kits saturate
        self.tom_base = rng.uniform(70, 160)
        self.metal = "808" if rng.random() < 0.35 else "modes"
        self.metal_scale = rng.uniform(0.7, 1.6)
        self.metal_freqs = np.exp(rng.uniform(np.log(2500), np.log(14000), 60))


def kick(kp: KitParams, vel: float) -> np.ndarray:
    rng = kp.rng
    f0 = rng.uniform(40, 75)
    t = _t(rng.uniform(0.25, 0.9))
    decay = rng.uniform(0.08, 0.45)
    x = swept_sine(t, f0, f0 * rng.uniform(1.5, 5.0), rng.uniform(0.008, 0.06)) * np.exp(-t / decay)
    x += modes(t, f0 * MEMBRANE[1:4], np.full(3, decay * 0.3), rng.uniform(0, 0.25, 3), rng)
    click = highpass(noise_burst(rng, t, rng.uniform(0.002, 0.012)), rng.uniform(500, 3000))
    x += click * rng.uniform(0.02, 0.35) * (0.4 + 0.6 * vel)
    return _finish(kp, x, 1500 + 6000 * vel)


def snare(kp: KitParams, vel: float) -> np.ndarray:
    rng = kp.rng
    f0 = rng.uniform(140, 320)
    t = _t(rng.uniform(0.2, 0.6))
    shell = modes(t, f0 * MEMBRANE[:5] * rng.uniform(0.97, 1.03, 5), rng.uniform(0.03, 0.18, 5),
                  rng.uniform(0.2, 1.0, 5) / np.arange(1, 6), rng)
    wires = noise_burst(rng, t, rng.uniform(0.06, 0.3))
    wires = lowpass(highpass(wires, rng.uniform(300, 2000)), rng.uniform(1500, 6000))
    mix = rng.uniform(0.25, 0.8)
    x = (1 - mix) * shell / (np.max(np.abs(shell)) + 1e-9) + mix * wires / (np.max(np.abs(wires)) + 1e-9)
    return _finish(kp, x, 2000 + 6000 * vel)


def tom(kp: KitParams, vel: float, pitch: float) -> np.ndarray:
    rng = kp.rng
    f0 = kp.tom_base * pitch
    t = _t(rng.uniform(0.5, 1.6))
    decay = rng.uniform(0.2, 0.9)
    x = swept_sine(t, f0, f0 * rng.uniform(1.05, 1.6), rng.uniform(0.02, 0.1)) * np.exp(-t / decay)
    x += modes(t, f0 * MEMBRANE[1:6], np.full(5, decay * 0.4), rng.uniform(0, 0.3, 5), rng)
    x += highpass(noise_burst(rng, t, rng.uniform(0.003, 0.015)), 1000) * rng.uniform(0.05, 0.4)
    return _finish(kp, x, 1500 + 6000 * vel)


def metal(kp: KitParams, t: np.ndarray, decay: float) -> np.ndarray:
    """The shared metallic source of a kit's hats and cymbals."""
    rng = kp.rng
    if kp.metal == "808":
        f = TR808_HAT * kp.metal_scale
        x = sum(np.sign(np.sin(2 * np.pi * fi * t + rng.uniform(0, 6.3))) for fi in f)
        x = x + 0.5 * rng.standard_normal(len(t))
    else:
        f = kp.metal_freqs * rng.uniform(0.98, 1.02, len(kp.metal_freqs))
        x = modes(t, f, np.full(len(f), 10.0), rng.uniform(0.2, 1.0, len(f)), rng) + 0.3 * rng.standard_normal(len(t))
    return x * np.exp(-t / decay)


def hihat(kp: KitParams, vel: float, open_: bool) -> np.ndarray:
    rng = kp.rng
    decay = rng.uniform(0.25, 0.8) if open_ else rng.uniform(0.012, 0.07)
    t = _t(min(2.5, decay * 5 + 0.05))
    x = highpass(highpass(metal(kp, t, decay), rng.uniform(2500, 7000)), rng.uniform(2000, 6000))
    return _finish(kp, x, 7000 + 6000 * vel, drive=False)


def cymbal(kp: KitParams, vel: float, ride_: bool) -> np.ndarray:
    rng = kp.rng
    t = _t(rng.uniform(1.2, 2.8))
    n = int(rng.integers(60, 160))
    freqs = np.exp(rng.uniform(np.log(300), np.log(12000), n))
    decays = rng.uniform(0.5, 2.5, n) * (freqs / 2000) ** -0.3  # highs die sooner
    wash = modes(t, freqs, decays, rng.uniform(0.2, 1.0, n), rng)
    wash += highpass(noise_burst(rng, t, rng.uniform(0.3, 1.5)), rng.uniform(2000, 6000)) * 2
    wash = highpass(wash, rng.uniform(300, 1200))
    wash /= np.max(np.abs(wash)) + 1e-9
    if ride_:  # stick ping and bell over a quieter wash
        ping = highpass(noise_burst(rng, t, rng.uniform(0.004, 0.02)), rng.uniform(2000, 6000))
        bell = modes(t, rng.uniform(350, 1100) * np.array([1.0, 2.03, 2.76, 4.1]), rng.uniform(0.6, 2.0, 4),
                     np.array([1.0, 0.6, 0.4, 0.3]), rng)
        x = (rng.uniform(0.15, 0.5) * wash + rng.uniform(0.5, 1.0) * ping / (np.max(np.abs(ping)) + 1e-9)
             + rng.uniform(0.05, 0.35) * bell / (np.max(np.abs(bell)) + 1e-9))
    else:  # a crash swells over a few milliseconds
        x = wash * (1 - np.exp(-t / rng.uniform(0.001, 0.006)))
    return _finish(kp, x, 6000 + 6000 * vel, drive=False)


def _finish(kp: KitParams, x: np.ndarray, brightness_hz: float, drive: bool = True) -> np.ndarray:
    x = lowpass(x, brightness_hz) if brightness_hz < 0.45 * SR else x
    x = x / (np.max(np.abs(x)) + 1e-9)
    if drive and kp.drive:
        x = np.tanh(kp.drive * x)
    return x.astype(np.float32)


def synth_kit(rng: np.random.Generator, kit: str) -> list[tuple[np.ndarray, int, str, float]]:
    """(audio, class, kit, velocity) for every one-shot of one random kit."""
    kp = KitParams(rng)
    out = []
    for vel in VELOCITIES:
        out += [(kick(kp, vel), KICK, kit, vel), (snare(kp, vel), SNARE, kit, vel),
                (hihat(kp, vel, False), HHC, kit, vel), (hihat(kp, vel, True), HHO, kit, vel),
                (cymbal(kp, vel, False), CRASH, kit, vel), (cymbal(kp, vel, True), RIDE, kit, vel)]
        out += [(tom(kp, vel, p), TOM, kit, vel) for p in (1.0, rng.uniform(1.2, 1.5), rng.uniform(1.6, 2.2))]
    return out


def synth_bank(n_kits: int, seed: int) -> tuple[list[dict], list[np.ndarray]]:
    """A bank in load_bank's shape (items, clips) of n_kits synthesised kits."""
    from bank import trim
    rng = np.random.default_rng(seed)
    items: list[dict] = []
    clips: list[np.ndarray] = []
    for k in range(n_kits):
        for audio, cls, kit, vel in synth_kit(rng, f"synth:{k}"):
            t = trim(audio)
            if t is not None:
                items.append({"cls": cls, "kit": kit, "vel": vel, "src": kit})
                clips.append(t)
    return items, clips
