"""Sung lead vocals, an unlabelled accompaniment layer for the separator (session 10).

Real songs almost always carry a voice, and the GM accompaniment has none: its consonants
(s, t, k, ch) are short broadband bursts that a separator trained without them reads as hi-hats
and snares. Festival's singing mode sings a melody note by note from diphones, which are cut from
recordings of real speakers (kal and ked, two American English men; two Italian voices are held
out for validation), so the consonants and
formants come from human voices. Lyrics are random words of the CMU dictionary, a syllable per
note; melodies move by steps and small leaps in a random key with rests between phrases.

Production, as in a mix: varispeed after singing (0.8-1.3: higher rates raise the formants
towards a female or child voice, lower ones deepen it), compression, an exciter that adds the
sibilance above 8 kHz that Festival's 16 kHz voices lack, optional double-tracking, slap-back
echo and reverb. 30 s pieces at 22,050 Hz, like the accompaniment.
"""
from __future__ import annotations

import re
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import fftconvolve, resample_poly

from augment import varispeed
from common import SR
from drumsynth import highpass
from synth import compress, room_ir

CMUDICT = Path("/usr/share/festival/dicts/cmu/cmudict-0.4.out")
VOICES = ("voice_kal_diphone", "voice_ked_diphone")
# Held out for validation (whole speakers): Festival's Italian diphone voices, a woman (lp) and a
# man (pc), singing the same English words through Italian letter-to-sound rules.
HELDOUT_VOICES = ("voice_lp_diphone", "voice_pc_diphone")
NOTE_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
MAJOR, MINOR = [0, 2, 4, 5, 7, 9, 11], [0, 2, 3, 5, 7, 8, 10]
FESTIVAL_SR = 16000


@lru_cache(maxsize=1)
def lyric_words() -> list[tuple[str, int]]:
    """(word, syllables) for plain words of 1-3 syllables in the CMU dictionary."""
    words = []
    for line in CMUDICT.read_text(errors="ignore").splitlines():
        m = re.match(r'\("([a-z]+)" \S+ \((.*)\)\)$', line)
        if m and 2 <= len(m.group(1)) <= 9:
            syllables = m.group(2).count("((")
            if 1 <= syllables <= 3:
                words.append((m.group(1), syllables))
    return sorted(set(words))


def note_name(midi_note: int) -> str:
    return f"{NOTE_NAMES[midi_note % 12]}{midi_note // 12 - 1}"


def melody_xml(rng: np.random.Generator, dur: float, pitch_shift: float) -> str:
    """Festival SINGING markup for about `dur` seconds (as heard after the varispeed by
    `pitch_shift`): phrases of 2-8 words, a syllable per note, rests between phrases."""
    words = lyric_words()
    bpm = rng.uniform(70, 170) / pitch_shift  # sung slower when it is sped up afterwards
    beat = 60.0 / bpm
    scale = MAJOR if rng.random() < 0.5 else MINOR
    # the sung range before varispeed: a male voice, around A2-E4
    root = int(rng.integers(45, 57))
    degree = int(rng.integers(0, 7))
    parts = []
    t = float(rng.uniform(0, 4)) * beat  # songs start singing anywhere in the clip
    parts.append(f'<REST BEATS="{t / beat:.2f}"></REST>')
    while t < dur * pitch_shift:
        for _ in range(int(rng.integers(2, 9))):
            word, syllables = words[int(rng.integers(0, len(words)))]
            beats, notes = [], []
            for _ in range(syllables):
                degree = int(np.clip(degree + rng.choice([-2, -1, -1, 0, 1, 1, 2, 3, -3]), -3, 10))
                pitch = root + 12 * (degree // 7) + scale[degree % 7]
                beats.append(float(rng.choice([0.25, 0.5, 0.5, 0.5, 1.0, 1.0, 1.5, 2.0])))
                notes.append(note_name(pitch))
            parts.append(f'<DURATION BEATS="{",".join(f"{b:.2f}" for b in beats)}">'
                         f'<PITCH NOTE="{",".join(notes)}">{word}</PITCH></DURATION>')
            t += sum(beats) * beat
        rest = float(rng.choice([0.5, 1.0, 2.0, 4.0]))
        parts.append(f'<REST BEATS="{rest:.2f}"></REST>')
        t += rest * beat
    return (f'<?xml version="1.0"?>\n<!DOCTYPE SINGING PUBLIC "-//SINGING//DTD SINGING mark up//EN" '
            f'"Singing.v0_1.dtd" []>\n<SINGING BPM="{bpm:.1f}">\n' + "\n".join(parts) + "\n</SINGING>\n")


def sing(xml: str, voice: str, timeout: float = 120.0) -> np.ndarray:
    """Festival's singing mode, float32 at Festival's 16 kHz."""
    with tempfile.TemporaryDirectory() as tmp:
        src, wav = Path(tmp) / "song.xml", Path(tmp) / "song.wav"
        src.write_text(xml)
        subprocess.run(["text2wave", "-mode", "singing", "-eval", f"({voice})", str(src), "-o", str(wav)],
                       check=True, timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        audio, sr = sf.read(str(wav), dtype="float32")
    assert sr == FESTIVAL_SR, sr
    return audio


def exciter(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    """Sibilance above Festival's 8 kHz band edge: noise shaped by the voice's 5-8 kHz envelope
    (where its s and t sit), high-passed, a little quieter than the band it follows."""
    band = highpass(x, 5000)
    n = 256
    env = np.sqrt(np.convolve(band ** 2, np.ones(n) / n, mode="same"))
    noise = highpass(rng.standard_normal(len(x)).astype(np.float32), 8000)
    return (x + rng.uniform(0.3, 1.0) * env * noise).astype(np.float32)


def produce(rng: np.random.Generator, voice: np.ndarray, n: int) -> np.ndarray:
    """Mix-ready vocal track of n samples: exciter, compression, doubling, echo, reverb."""
    x = exciter(rng, voice)[:n]
    x = np.pad(x, (0, n - len(x))) if len(x) < n else x
    if rng.random() < 0.7:
        x = compress(rng, x)
    if rng.random() < 0.3:  # double-tracked: a second, slightly slower and later take
        d = int(rng.uniform(0.012, 0.035) * SR)
        x = x + rng.uniform(0.4, 0.8) * np.concatenate([np.zeros(d, np.float32), varispeed(x, 0.997)[:n - d]])
    if rng.random() < 0.3:  # slap-back echo
        d = int(rng.uniform(0.08, 0.3) * SR)
        x = x + rng.uniform(0.15, 0.4) * np.concatenate([np.zeros(d, np.float32), x[:n - d]])
    if rng.random() < 0.7:
        wet = fftconvolve(x, room_ir(rng))[:n].astype(np.float32)
        x = x + rng.uniform(0.2, 0.8) * wet * (np.sqrt(np.mean(x ** 2)) / (np.sqrt(np.mean(wet ** 2)) + 1e-9))
    return x.astype(np.float32)


def vocal_piece(rng: np.random.Generator, dur: float = 30.0, voices: tuple[str, ...] = VOICES) -> np.ndarray:
    rate = float(np.exp(rng.uniform(np.log(0.8), np.log(1.3))))
    voice = voices[int(rng.integers(0, len(voices)))]
    sung = sing(melody_xml(rng, dur, rate), voice)
    at_sr = resample_poly(sung, SR // 50, FESTIVAL_SR // 50).astype(np.float32)  # 441 / 320
    x = produce(rng, varispeed(at_sr, rate), int(dur * SR))
    peak = float(np.max(np.abs(x)))
    return (x / peak * 0.9).astype(np.float16) if peak > 1e-3 else np.zeros(int(dur * SR), np.float16)
