"""Human-made drum patterns from Debian's hydrogen-data, as a second groove source.

The procedural grooves in synth.py cover tempos and classes evenly but were all written by one
rule set; the demo songs Hydrogen ships (85 patterns with 1,725 notes of our classes: rock,
funk, jazz, shuffle, 808) were programmed by people, with their accents, ghost notes and fills.
A clip built from them plays one song's patterns in turn, at a random tempo, with the same
humanisation as the procedural grooves (timing jitter and velocity are applied in render_clip).
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from glob import glob
from pathlib import Path

import numpy as np

from bank import classify
from common import DISTRACTOR, HHC, RIDE

DEMO_SONGS = "/usr/share/hydrogen/data/demo_songs/*.h2song"
TICKS_PER_BEAT = 48  # Hydrogen's resolution: a 4/4 bar is 192 ticks


@dataclass(frozen=True)
class Pattern:
    ticks: int
    notes: tuple[tuple[int, int, float], ...]  # (position in ticks, class, velocity 0-1)


def _text(el: ET.Element, tag: str, default: str = "") -> str:
    child = el.find(tag)
    return child.text if child is not None and child.text is not None else default


def load_songs(pattern: str = DEMO_SONGS) -> list[list[Pattern]]:
    """Every demo song's patterns that hold at least one labelled note; instruments are mapped
    to classes by their names, with the bank's rules (unlabelled ones, e.g. cowbell, dropped)."""
    songs = []
    for path in sorted(glob(pattern)):
        root = ET.parse(path).getroot()
        classes = {}
        for inst in root.iter("instrument"):
            if inst.find("id") is not None and inst.find("name") is not None:
                classes[_text(inst, "id")] = classify(_text(inst, "name"))
        patterns = []
        for pat in root.iter("pattern"):
            notes = []
            for note in pat.iter("note"):
                cls = classes.get(_text(note, "instrument"))
                if cls is None or cls == DISTRACTOR:
                    continue
                notes.append((int(_text(note, "position", "0")), cls, float(_text(note, "velocity", "0.8"))))
            if notes:
                patterns.append(Pattern(int(_text(pat, "size", "192")), tuple(sorted(notes))))
        if patterns:
            songs.append(patterns)
    if not songs:
        raise FileNotFoundError(f"no Hydrogen demo songs at {pattern} (apt install hydrogen-data)")
    return songs


def pattern_events(rng: np.random.Generator, dur: float,
                   songs: list[list[Pattern]]) -> list[tuple[float, int, float]]:
    """(time_s, class, velocity) covering [-1, dur): one song's patterns played in turn from a
    random point, at 60-190 BPM; a third of clips move the hi-hat part to the ride, as drummers do."""
    patterns = songs[int(rng.integers(len(songs)))]
    tick = 60.0 / rng.uniform(60, 190) / TICKS_PER_BEAT
    on_ride = rng.random() < 0.3
    current = int(rng.integers(len(patterns)))
    t = -1.0 - rng.uniform(0, patterns[current].ticks * tick)
    events = []
    while t < dur:
        pat = patterns[current]
        for pos, cls, vel in pat.notes:
            c = RIDE if on_ride and cls == HHC else cls
            events.append((t + pos * tick, c, float(np.clip(vel * rng.uniform(0.85, 1.15), 0.1, 1.0))))
        t += pat.ticks * tick
        if rng.random() < 0.3:  # songs move between their patterns (verse, fill, chorus)
            current = int(rng.integers(len(patterns)))
    return events


if __name__ == "__main__":  # what the h2 set draws from
    for path in sorted(glob(DEMO_SONGS)):
        for song in load_songs(path):
            print(f"{Path(path).stem}: {len(song)} patterns, {sum(len(p.notes) for p in song)} labelled notes")
