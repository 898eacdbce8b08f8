"""render-accomp: procedural accompaniment (bass, chords, melody, arpeggio, no drums) rendered
from MIDI with fluidsynth. The held-out soundfont renders the validation pieces only."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from common import HELDOUT_SOUNDFONT, SOUNDFONTS, SR, WORK, ensure
from midi import Song, render

MODES = {
    "major": [0, 2, 4, 5, 7, 9, 11],
    "minor": [0, 2, 3, 5, 7, 8, 10],
    "dorian": [0, 2, 3, 5, 7, 9, 10],
    "mixolydian": [0, 2, 4, 5, 7, 9, 10],
}
BASS = [32, 33, 34, 35, 36, 37, 38, 39, 43]
CHORDS = [0, 1, 2, 4, 5, 6, 16, 17, 18, 19, 24, 25, 26, 27, 28, 29, 30, 48, 49, 50, 61, 62,
          88, 89, 90, 91, 92, 94, 95]
MELODY = [29, 30, 52, 53, 54, 56, 40, 65, 66, 73, 80, 81, 82, 84, 85, 87, 71, 68, 11, 13]
ARP = [0, 4, 6, 10, 46, 8, 98, 99, 81, 24]


def piece(rng: np.random.Generator, dur: float) -> Song:
    song = Song()
    bpm = rng.uniform(70, 180)
    beat = 60.0 / bpm
    root = int(rng.integers(0, 12))
    scale = MODES[rng.choice(list(MODES))]
    degrees = [int(d) for d in rng.choice(7, size=4)]
    degrees[0] = 0
    parts = ["bass", "chords", "melody", "arp"]
    active = [p for p in parts if rng.random() < {"bass": 0.9, "chords": 0.85, "melody": 0.75, "arp": 0.4}[p]]
    if not active:
        active = ["chords"]
    ch_of = {"bass": 0, "chords": 1, "melody": 2, "arp": 3, "chords2": 4}
    progs = {"bass": BASS, "chords": CHORDS, "melody": MELODY, "arp": ARP}
    for p in active:
        song.program(ch_of[p], int(rng.choice(progs[p])))
        song.cc(ch_of[p], 7, int(rng.integers(70, 127)), 0.0)
    if "chords" in active and rng.random() < 0.4:  # a second chord layer (e.g. distorted guitar)
        active.append("chords2")
        song.program(4, int(rng.choice([29, 30, 27, 19, 48, 90])))

    def pitch(deg: int, octave: int) -> int:
        return 12 * octave + root + scale[deg % 7] + 12 * (deg // 7)

    bar = 4 * beat
    t_bar = 0.0
    i_bar = 0
    mel_deg = int(rng.integers(0, 7))
    bass_pattern = rng.choice(["whole", "quarters", "eighths", "syncop"])
    chord_pattern = rng.choice(["sustain", "stabs", "strum8"])
    while t_bar < dur:
        d = degrees[i_bar % 4]
        chord = [d, d + 2, d + 4] + ([d + 6] if rng.random() < 0.3 else [])
        if "bass" in active:
            steps = {"whole": [(0, 4)], "quarters": [(i, 1) for i in range(4)],
                     "eighths": [(i / 2, 0.5) for i in range(8)],
                     "syncop": [(0, 1.5), (1.5, 1), (2.5, 0.5), (3, 1)]}[bass_pattern]
            for off, ln in steps:
                song.note(0, pitch(d, 3), int(rng.integers(70, 120)), t_bar + off * beat, ln * beat * 0.95)
        for name, ch in (("chords", 1), ("chords2", 4)):
            if name not in active:
                continue
            hits = {"sustain": [(0, 4)], "stabs": [(0, 0.5), (1.5, 0.5), (2, 0.5), (3.5, 0.5)],
                    "strum8": [(i / 2, 0.45) for i in range(8)]}[chord_pattern]
            for off, ln in hits:
                for k, deg in enumerate(chord):
                    song.note(ch, pitch(deg, 4 if name == "chords" else 3), int(rng.integers(50, 110)),
                              t_bar + off * beat + 0.01 * k, ln * beat)
        if "melody" in active:
            t = 0.0
            while t < 4:
                ln = float(rng.choice([0.25, 0.5, 0.5, 1, 1, 1.5, 2]))
                if rng.random() < 0.8:
                    mel_deg = int(np.clip(mel_deg + rng.integers(-2, 3), -3, 10))
                    song.note(2, pitch(mel_deg, 5), int(rng.integers(60, 120)), t_bar + t * beat,
                              min(ln, 4 - t) * beat * 0.9)
                t += ln
        if "arp" in active:
            div = int(rng.choice([2, 4]))
            for i in range(4 * div):
                song.note(3, pitch(chord[i % len(chord)], 5), int(rng.integers(40, 90)),
                          t_bar + i * beat / div, beat / div * 0.9)
        t_bar += bar
        i_bar += 1
    return song


def render_pieces(rng: np.random.Generator, soundfonts: list[str], n: int, dur: float = 30.0, gap: float = 3.0,
                  part: Callable[[np.random.Generator, float], Song] = piece, channels: int = 5,
                  tone: Callable[[np.random.Generator, np.ndarray], np.ndarray] | None = None) -> list[np.ndarray]:
    """n pieces per soundfont, made by `part` on MIDI channels 0..channels-1. All pieces of one
    soundfont go into one long MIDI file (loading a soundfont costs up to 30 s), separated by gaps
    with all-notes-off, and are cut apart after rendering; `tone` (e.g. guitars.amp) processes
    each piece before it is peak-normalised."""
    pieces = []
    for name in soundfonts:
        long = Song()
        for i in range(n):
            song = part(rng, dur)
            off = int(round(i * (dur + gap) * Song.TICKS_PER_S))
            long.events += [(tick + off, order, data) for tick, order, data in song.events]
            for ch in range(channels):
                long.cc(ch, 123, 0, i * (dur + gap) + dur + 0.5)
            long.channels |= song.channels
        x = render(long, SOUNDFONTS[name], n * (dur + gap), SR, timeout=900 + 10 * n)
        for i in range(n):
            seg = x[int(i * (dur + gap) * SR): int((i * (dur + gap) + dur) * SR)]
            peak = float(np.max(np.abs(seg)))
            if peak > 1e-3:
                if tone is None:
                    pieces.append((seg / peak * 0.9).astype(np.float16))
                else:
                    y = tone(rng, seg)
                    pieces.append((y / (np.max(np.abs(y)) + 1e-8) * 0.9).astype(np.float16))
        print(f"{name}: {len(pieces)} pieces so far", flush=True)
    return pieces


def render_accomp(train_pieces: int = 40, val_pieces: int = 16, extra_pieces: int = 120,
                  sets: tuple[str, ...] = ("base", "extra")) -> None:
    """base = accomp_train (session 1) and accomp_val, drawn from one generator seeded 1 in that
    order, so both stay what they were; extra = accomp_extra (more pieces for later training
    runs), from its own generator."""
    out = ensure(WORK)
    training_fonts = [s for s in SOUNDFONTS if s != HELDOUT_SOUNDFONT]
    if "base" in sets:
        rng = np.random.default_rng(1)
        for split, fonts, n in (("train", training_fonts, train_pieces), ("val", [HELDOUT_SOUNDFONT], val_pieces)):
            np.save(out / f"accomp_{split}.npy", np.stack(render_pieces(rng, fonts, n)))
    if "extra" in sets:
        np.save(out / "accomp_extra.npy", np.stack(render_pieces(np.random.default_rng(2), training_fonts, extra_pieces)))


def render_layers(vocals: int = 400, guitars: int = 300, which: tuple[str, ...] = ("vocals", "guitars", "bass"),
                  val: int = 40) -> None:
    """Unlabelled layers added on top of the accompaniment (session 10): sung vocals (vocals.py,
    Festival), amp-distorted guitars and low bass lines (guitars.py; as many bass pieces as
    guitar pieces), each split from its own generator. The
    `val` pieces come from held-out sources (Festival's Italian voices, the TimGM6mb soundfont)
    and are only measured on (evaluate's "with layers" condition)."""
    from guitars import render_guitars
    from vocals import HELDOUT_VOICES, VOICES, vocal_piece
    out = ensure(WORK)
    for split, n_vocals, n_guitars, seeds in (("train", vocals, guitars, (20, 21, 24)), ("val", val, val, (22, 23, 25))):
        if "vocals" in which and n_vocals:
            rng = np.random.default_rng(seeds[0])
            voices = VOICES if split == "train" else HELDOUT_VOICES
            pieces = []
            for i in range(n_vocals):
                pieces.append(vocal_piece(rng, voices=voices))
                if (i + 1) % 50 == 0:
                    print(f"vocals_{split}: {i + 1} pieces", flush=True)
            np.save(out / f"vocals_{split}.npy", np.stack(pieces))
        if "guitars" in which and n_guitars:
            np.save(out / f"guitars_{split}.npy",
                    np.stack(render_guitars(np.random.default_rng(seeds[1]), n_guitars, held_out=split == "val")))
        if "bass" in which and n_guitars:
            np.save(out / f"bass_{split}.npy", np.stack(render_guitars(
                np.random.default_rng(seeds[2]), n_guitars, held_out=split == "val", bass=True)))
