"""Minimal Standard MIDI File writer (format 0) and a fluidsynth renderer with a timeout.

Every note-on gets a note-off, and each channel ends with CC123 (all notes off), because a
dropped note-off on a sustaining program makes `fluidsynth -F` render forever.
"""
from __future__ import annotations

import struct
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

PPQ = 480


def _varlen(v: int) -> bytes:
    assert v >= 0, v
    out = [v & 0x7F]
    v >>= 7
    while v:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    return bytes(reversed(out))


class Song:
    """Events in seconds at a fixed tempo of 120 BPM (1 beat = 0.5 s => 960 ticks/s)."""

    TICKS_PER_S = PPQ * 2

    def __init__(self) -> None:
        self.events: list[tuple[int, int, bytes]] = []  # (tick, order, data)
        self.channels: set[int] = set()

    def program(self, ch: int, program: int, bank: int | None = None, t: float = 0.0) -> None:
        tick = int(round(t * self.TICKS_PER_S))
        if bank is not None:
            self.events.append((tick, 0, bytes([0xB0 | ch, 0, bank])))
        self.events.append((tick, 1, bytes([0xC0 | ch, program & 0x7F])))
        self.channels.add(ch)

    def cc(self, ch: int, num: int, val: int, t: float) -> None:
        self.events.append((int(round(t * self.TICKS_PER_S)), 2, bytes([0xB0 | ch, num, val])))

    def note(self, ch: int, pitch: int, vel: int, t: float, dur: float) -> None:
        on = int(round(t * self.TICKS_PER_S))
        off = max(on + 1, int(round((t + dur) * self.TICKS_PER_S)))
        self.events.append((on, 4, bytes([0x90 | ch, pitch & 0x7F, max(1, min(127, vel))])))
        self.events.append((off, 3, bytes([0x80 | ch, pitch & 0x7F, 0])))  # offs sort before ons
        self.channels.add(ch)

    def to_bytes(self, end_s: float) -> bytes:
        end_tick = max([int(round(end_s * self.TICKS_PER_S))] + [e[0] for e in self.events])
        evs = list(self.events)
        for ch in sorted(self.channels):
            evs.append((end_tick, 5, bytes([0xB0 | ch, 123, 0])))
        evs.sort()
        track = bytearray()
        track += b"\x00\xFF\x51\x03" + (500000).to_bytes(3, "big")  # 120 BPM
        last = 0
        for tick, _, data in evs:
            track += _varlen(tick - last) + data
            last = tick
        track += _varlen(max(0, end_tick + PPQ - last)) + b"\xFF\x2F\x00"
        header = b"MThd" + struct.pack(">IHHH", 6, 0, 1, PPQ)
        return header + b"MTrk" + struct.pack(">I", len(track)) + bytes(track)


def render(song: Song, soundfont: str, end_s: float, sr: int, timeout: float = 120.0) -> np.ndarray:
    """Render with fluidsynth to mono float32 at `sr`; raises on timeout."""
    with tempfile.TemporaryDirectory() as tmp:
        mid = Path(tmp) / "s.mid"
        wav = Path(tmp) / "s.wav"
        mid.write_bytes(song.to_bytes(end_s))
        subprocess.run(
            ["fluidsynth", "-ni", "-q", "-g", "0.5", "-r", str(sr), "-R", "0", "-C", "0",
             "-F", str(wav), soundfont, str(mid)],
            check=True, timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        audio, file_sr = sf.read(str(wav), dtype="float32", always_2d=True)
    assert file_sr == sr, (file_sr, sr)
    n = int(end_s * sr)
    mono = audio.mean(axis=1)[:n]
    if len(mono) < n:
        mono = np.pad(mono, (0, n - len(mono)))
    return mono
