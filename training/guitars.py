"""Amp-distorted rhythm and lead guitars and low bass lines, unlabelled accompaniment layers for
the separator (session 10).

Distorted guitar is the broadband, transient-rich sound of rock records, and the separator's
worst real mix (MDB's Hendrix, -0.35 dB) is one. The GM presets' "distortion guitar" samples are
mild; a real amp clips a clean guitar hard. So a guitar part (power chords in palm-muted 8ths,
16ths, syncopated stabs or held chords, or a single-note riff or lead) is rendered clean from the
training soundfonts and then driven through an amp model, as an amp simulator does: a pick-up
tilt, 20-50 dB of gain into an asymmetric tanh (or a hard fuzz clip), and a cabinet (high-pass
80-150 Hz, 12 dB/octave low-pass at 3.5-7 kHz, a presence peak). 30 s pieces at 22,050 Hz.

Bass: the GM accompaniment plays its bass lines from C2 (65 Hz) up, so below 60 Hz the separator
only ever heard kick drums, and on real mixes it passed every bass guitar's low E (41 Hz) to the
drums (MDB's Hendrix: mask 0.99 at 20-60 Hz where the ideal mask is 0.07). The bass layer plays
GM basses from B0 to E3 with their fundamentals at 31-165 Hz, in root 8ths, quarters, syncopated
or walking lines and held notes, through a DI, a driven amp or a compressor.
"""
from __future__ import annotations

import numpy as np

from accomp import render_pieces
from common import HELDOUT_SOUNDFONT, SOUNDFONTS
from drumsynth import highpass, lowpass
from midi import Song
from synth import compress, resonant_eq

CLEAN_GUITARS = [24, 25, 26, 27, 28, 29, 30]  # nylon .. distortion: the amp model does the rest
POWER_CHORD = (0, 7, 12)


def guitar_part(rng: np.random.Generator, dur: float) -> Song:
    song = Song()
    song.program(0, int(rng.choice(CLEAN_GUITARS)))
    beat = 60.0 / rng.uniform(75, 190)
    roots = [int(r) for r in rng.integers(40, 53, size=4)]  # E2-E3: where riffs live
    style = rng.choice(["mute8", "mute16", "stabs", "held", "riff", "lead"])
    bar = 4 * beat
    t_bar, i_bar = 0.0, 0
    while t_bar < dur:
        root = roots[i_bar % 4]
        if style in ("mute8", "mute16", "stabs", "held"):
            hits = {"mute8": [(i / 2, 0.2) for i in range(8)], "mute16": [(i / 4, 0.12) for i in range(16)],
                    "stabs": [(0, 0.4), (0.75, 0.2), (1.5, 0.4), (2.5, 0.3), (3, 0.8)],
                    "held": [(0, 1.9), (2, 1.9)]}[style]
            for off, ln in hits:
                if rng.random() < 0.9:
                    for k, iv in enumerate(POWER_CHORD):
                        song.note(0, root + iv, int(rng.integers(70, 127)), t_bar + off * beat + 0.004 * k, ln * beat)
        else:  # single notes on a pentatonic scale around the bar's root
            scale = [0, 3, 5, 7, 10, 12, 15]
            t = 0.0
            octave = 12 if style == "lead" else 0
            while t < 4:
                ln = float(rng.choice([0.25, 0.25, 0.5, 0.5, 1.0] if style == "riff" else [0.25, 0.5, 1.0, 1.5, 2.0]))
                song.note(0, root + octave + int(rng.choice(scale)), int(rng.integers(70, 127)), t_bar + t * beat,
                          min(ln, 4 - t) * beat * 0.95)
                t += ln
        t_bar += bar
        i_bar += 1
    return song


BASSES = [32, 33, 34, 35, 36, 37, 38, 39, 43]


def bass_part(rng: np.random.Generator, dur: float) -> Song:
    song = Song()
    song.program(0, int(rng.choice(BASSES)))
    beat = 60.0 / rng.uniform(70, 180)
    roots = [int(r) for r in rng.integers(23, 41, size=4)]  # B0-E2
    style = rng.choice(["eighths", "quarters", "syncop", "walking", "held"])
    steps = {"eighths": [(i / 2, 0.45) for i in range(8)], "quarters": [(i, 0.9) for i in range(4)],
             "syncop": [(0, 1.4), (1.5, 0.9), (2.5, 0.45), (3, 0.9)], "held": [(0, 3.9)],
             "walking": [(i, 0.95) for i in range(4)]}[style]
    t_bar, i_bar = 0.0, 0
    while t_bar < dur:
        root = roots[i_bar % 4]
        for k, (off, ln) in enumerate(steps):
            pitch = root + (int(rng.choice([0, 2, 3, 5, 7, 10, 12])) if style == "walking" and k else 0)
            if style == "eighths" and rng.random() < 0.2:
                pitch += 12  # octave jumps
            song.note(0, pitch, int(rng.integers(70, 127)), t_bar + off * beat, ln * beat)
        t_bar += 4 * beat
        i_bar += 1
    return song


def bass_tone(rng: np.random.Generator, clean: np.ndarray) -> np.ndarray:
    x = clean / (np.max(np.abs(clean)) + 1e-8)
    kind = rng.integers(0, 3)
    if kind == 1:  # driven amp
        x = np.tanh(10 ** (rng.uniform(6, 20) / 20) * x)
        x = lowpass(lowpass(x, rng.uniform(1500, 4000)), 4000)
    x = compress(rng, x.astype(np.float32)) if kind == 2 or rng.random() < 0.5 else x
    return x.astype(np.float32)


def amp(rng: np.random.Generator, clean: np.ndarray) -> np.ndarray:
    """Clean guitar -> distorted amp and cabinet (see the module docstring)."""
    x = clean / (np.max(np.abs(clean)) + 1e-8)
    x = x - rng.uniform(0.2, 0.7) * lowpass(x, rng.uniform(300, 900))  # bright pick-up / tube screamer tilt
    gain = 10 ** (rng.uniform(20, 50) / 20)
    if rng.random() < 0.25:  # fuzz: hard clipping
        y = np.clip(gain * x, -1, 1)
    else:
        bias = rng.uniform(0, 0.4)  # asymmetry: the even harmonics of a tube stage
        y = np.tanh(gain * x + bias) - np.tanh(bias)
    y = highpass(highpass(y, rng.uniform(80, 150)), 80)
    cutoff = rng.uniform(3500, 7000)
    y = lowpass(lowpass(y, cutoff), cutoff)
    y = resonant_eq(rng, y.astype(np.float32))
    return compress(rng, y) if rng.random() < 0.5 else y.astype(np.float32)


def render_guitars(rng: np.random.Generator, n: int, held_out: bool = False, bass: bool = False) -> list[np.ndarray]:
    """n pieces of 30 s spread over the training soundfonts (or with `held_out` the held-out one
    only), rendered like the accompaniment, then one amp setting per piece; `bass` renders bass
    lines instead of guitars."""
    fonts = [s for s in SOUNDFONTS if (s == HELDOUT_SOUNDFONT) == held_out]
    part, tone = (bass_part, bass_tone) if bass else (guitar_part, amp)
    return render_pieces(rng, fonts, n // len(fonts), part=part, channels=1, tone=tone)
