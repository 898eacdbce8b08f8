"""render-beats: long clips (20-60 s) of drums and accompaniment whose beats and downbeats are
exact, for the beat and downbeat model (beats_model.py).

Every note is placed in *beats* and turned into seconds through the clip's own beat map, so
tempo steps, ramps, ritardandos, swing and pickups move the notes and the labels together. The
drums and the accompaniment are one MIDI file rendered by fluidsynth with MuseScore_General only:
the evaluation sets (scripts/render-grid-set.ts) are rendered through TimGM6mb and FluidR3_GM, so
no soundfont is shared with them. Counted beats follow the charts' convention: a dotted quarter in
6/8 and 12/8, a quarter otherwise; a half-time feel is written at the slow tempo (snare on 3 of a
16th-note bar is a backbeat on 2 and 4 of the bar counted at half speed).

Output in work/beats/<split>/: clip_<i>.f32 (mono float32 at SR) and clip_<i>.json (beats,
downbeats and what the clip is). `training/beat_inputs.ts` then runs the shipped separator and
transcriber over them exactly as lib/pipeline does and writes what the beat model is fed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from common import SR, WORK, ensure
from midi import Song, render

SOUNDFONT = "/usr/share/sounds/sf3/MuseScore_General.sf3"
SOUNDFONT_NAME = "MuseScore_General"

# GM drum notes
KICK, SNARE, RIM, CLAP, HHC, HHP, HHO, CRASH, RIDE, BELL, CRASH2, SPLASH, CHINA = (
    36, 38, 37, 39, 42, 44, 46, 49, 51, 53, 57, 55, 52)
TOMS = [50, 48, 47, 45, 43, 41]
DRUM_KITS = [0, 1, 8, 16, 24, 25, 32, 40, 48]  # standard, room, power, electronic, 808, jazz, brush, orchestra

MODES = {
    "major": [0, 2, 4, 5, 7, 9, 11],
    "minor": [0, 2, 3, 5, 7, 8, 10],
    "dorian": [0, 2, 3, 5, 7, 9, 10],
    "mixolydian": [0, 2, 4, 5, 7, 9, 10],
}
BASS = [32, 33, 34, 35, 36, 37, 38, 39]
CHORDS = [0, 1, 2, 4, 5, 16, 17, 18, 19, 24, 25, 26, 27, 28, 29, 30, 48, 49, 50, 61, 62, 88, 89, 90]
MELODY = [29, 30, 52, 53, 56, 40, 65, 66, 73, 80, 81, 71, 68, 11, 13]

# meter: (counted beats per bar, 8ths per beat: 2 simple, 3 compound), and its share of clips
METERS = {"4/4": (4, 2), "3/4": (3, 2), "6/8": (2, 3), "12/8": (4, 3), "2/4": (2, 2)}
METER_P = {"4/4": 0.56, "3/4": 0.13, "6/8": 0.12, "12/8": 0.12, "2/4": 0.07}


@dataclass
class Clip:
    meter: str
    bpm: float  # counted beats per minute at the start
    tempo: str  # steady | step | ramp | rit | drift
    swing: bool
    beats: list[float] = field(default_factory=list)  # beat times, s (may start before 0)
    beat_in_bar: list[int] = field(default_factory=list)

    def at(self, pos: float) -> float:
        """Seconds at a position in beats (index into `beats`, fractional)."""
        i = int(np.floor(pos))
        i = min(max(i, 0), len(self.beats) - 2)
        return self.beats[i] + (pos - i) * (self.beats[i + 1] - self.beats[i])


def beat_map(rng: np.random.Generator, meter: str, dur: float) -> Clip:
    beats_per_bar, sub = METERS[meter]
    if sub == 3:  # dotted-quarter beats: 8ths at 120-330 per minute
        bpm = float(np.exp(rng.uniform(np.log(40), np.log(110))))
    else:
        bpm = float(np.exp(rng.uniform(np.log(55), np.log(220))))
    tempo = str(rng.choice(["steady", "step", "ramp", "rit", "drift"], p=[0.42, 0.2, 0.14, 0.12, 0.12]))
    swing = sub == 2 and meter != "3/4" and rng.random() < 0.2
    clip = Clip(meter, bpm, tempo, swing)
    # pickup: the clip opens part of the way into a bar
    start_beat = -float(rng.integers(0, beats_per_bar)) - (rng.uniform(0, 1) if rng.random() < 0.3 else 0.0)
    t = start_beat * 60.0 / bpm - rng.uniform(0, 1.5)
    n_beats = int(dur * bpm / 60 * 1.8) + 16
    step_at = int(rng.integers(4, 10)) * beats_per_bar
    step_ratio = float(rng.choice([-1, 1]) * rng.uniform(0.12, 0.35))
    ramp_ratio = float(rng.uniform(-0.25, 0.3))
    rit_from = None
    cur = bpm
    drift = 0.0
    beats, pos_in_bar = [], []
    k = 0
    while True:
        beats.append(t)
        pos_in_bar.append(k % beats_per_bar)
        if t > dur + 1.0 or k > n_beats:
            break
        if tempo == "step" and k == step_at:
            cur = bpm * np.exp(step_ratio)
        elif tempo == "ramp":
            cur = bpm * np.exp(ramp_ratio * max(0.0, t) / dur)
        elif tempo == "drift":
            drift = 0.95 * drift + rng.normal(0, 0.006)
            cur = bpm * np.exp(drift)
        elif tempo == "rit":
            if rit_from is None and t > dur - rng.uniform(6, 12):
                rit_from = t
            if rit_from is not None:
                cur = bpm * np.exp(np.log(0.7) * min(1.0, (t - rit_from) / max(1.0, dur - rit_from)))
        lo, hi = (38, 120) if sub == 3 else (50, 240)
        cur = float(np.clip(cur, lo, hi))
        t += 60.0 / cur
        k += 1
    # the beat map starts at the first whole bar before the clip (the pattern needs a bar line)
    first = int(np.argmax(np.array(beats) > -60.0 / bpm * beats_per_bar)) if beats else 0
    clip.beats = beats
    clip.beat_in_bar = pos_in_bar
    del first
    return clip


def drum_bars(rng: np.random.Generator, clip: Clip, song: Song, jitter: float, end_s: float) -> None:
    """Drum notes on channel 9 in the clip's meter, feel and tempo map."""
    beats_per_bar, sub = METERS[clip.meter]
    n_bars = len(clip.beats) // beats_per_bar
    style = str(rng.choice(["rock", "rock16", "funk", "four", "halftime", "punk", "sparse", "ride"],
                           p=[0.25, 0.12, 0.14, 0.1, 0.12, 0.07, 0.1, 0.1]))
    if sub == 3 or clip.meter == "3/4":
        style = str(rng.choice(["rock", "sparse", "ride"], p=[0.6, 0.2, 0.2]))
    keeper = HHC if style != "ride" else RIDE
    fill_every = int(rng.choice([4, 4, 8, 8, 16]))
    enter_bar = int(rng.choice([0, 0, 0, 1, 2, 4])) if rng.random() < 0.35 else 0
    breaks = {int(b) for b in rng.choice(max(1, n_bars), size=int(rng.integers(0, 3)), replace=True)} if rng.random() < 0.3 else set()
    vel = {d: rng.uniform(0.7, 1.0) for d in (KICK, SNARE, HHC, HHO, RIDE, CRASH)}
    kick_extra = set(int(x) for x in rng.choice(4 * sub, size=int(rng.integers(0, 3)), replace=False))
    ghost = rng.uniform(0, 0.2) if style in ("funk", "rock16") else 0.0
    swing_at = 2 / 3 if clip.swing else 0.5

    def hit(pos: float, note: int, v: float) -> None:
        t = clip.at(pos) + rng.normal(0, jitter)
        if -0.5 < t < end_s:
            song.note(9, note, int(np.clip(v * 127 * rng.uniform(0.88, 1.08), 8, 127)), max(0.0, t), 0.08)

    for b in range(n_bars):
        if b < enter_bar or b in breaks:
            continue
        bar0 = b * beats_per_bar
        fill = (b % fill_every) == fill_every - 1 and rng.random() < 0.8
        crash = (b == enter_bar) or (b % fill_every == 0 and rng.random() < 0.6)
        if crash:
            hit(bar0, CRASH if rng.random() < 0.8 else CHINA, vel[CRASH])
            hit(bar0, KICK, vel[KICK])
        # positions within the bar, in beats
        if sub == 3:
            grid = [i / 3 for i in range(beats_per_bar * 3)]
        elif style in ("rock16", "funk", "halftime"):
            grid = [i / 4 for i in range(beats_per_bar * 4)]
        else:
            grid = [i / 2 for i in range(beats_per_bar * 2)]
        fill_from = beats_per_bar - (1 if rng.random() < 0.6 else 2) if fill else beats_per_bar + 1
        for g in grid:
            beat = int(g)
            frac = g - beat
            if clip.swing and abs(frac - 0.5) < 1e-6:
                g = beat + swing_at
            elif clip.swing and frac > 0:  # swung 16ths: skip the odd 16ths
                continue
            on_beat = frac == 0
            if g >= fill_from:
                if rng.random() < 0.85:
                    hit(bar0 + g, int(rng.choice(TOMS)) if rng.random() < 0.6 else SNARE, rng.uniform(0.6, 1.0))
                if on_beat and rng.random() < 0.3:
                    hit(bar0 + g, KICK, vel[KICK])
                continue
            # timekeeping
            if style == "sparse" and not on_beat:
                pass
            elif style == "punk":
                hit(bar0 + g, keeper, vel[HHC] * (1 if on_beat else 0.8))
            else:
                open_hat = style == "four" and frac == 0.5
                hit(bar0 + g, HHO if open_hat else keeper, vel[HHC] * (1 if on_beat else 0.75))
            # kick and snare by style
            if sub == 3:
                if on_beat and (beat % 2 == 0 or rng.random() < 0.3):
                    hit(bar0 + g, KICK, vel[KICK])
                if on_beat and beat % 2 == 1:
                    hit(bar0 + g, SNARE, vel[SNARE])
                continue
            if clip.meter == "3/4":
                if on_beat and beat == 0:
                    hit(bar0 + g, KICK, vel[KICK])
                if on_beat and beat > 0 and (style != "sparse" or beat == 1):
                    hit(bar0 + g, SNARE, vel[SNARE] * 0.8)
                continue
            if style == "four":
                if on_beat:
                    hit(bar0 + g, KICK, vel[KICK])
                if on_beat and beat % 2 == 1:
                    hit(bar0 + g, SNARE if rng.random() < 0.8 else CLAP, vel[SNARE])
                continue
            if style == "punk":
                if frac == 0 and beat % 2 == 0:
                    hit(bar0 + g, KICK, vel[KICK])
                if frac == 0 and beat % 2 == 1:
                    hit(bar0 + g, SNARE, vel[SNARE])
                continue
            if style == "halftime":  # counted slow: snare on 3 of 4/4 at this tempo = backbeat at half
                if on_beat and beat == 0:
                    hit(bar0 + g, KICK, vel[KICK])
                if on_beat and beat == 2:
                    hit(bar0 + g, SNARE, vel[SNARE])
                if int(round(frac * 4)) + 4 * beat in kick_extra:
                    hit(bar0 + g, KICK, vel[KICK] * 0.9)
                continue
            # rock / rock16 / funk / sparse / ride: kick on 1 (and 3), snare on 2 and 4 (2/4: on 2)
            if on_beat and (beat == 0 or (beat == 2 and rng.random() < 0.7)):
                hit(bar0 + g, KICK, vel[KICK])
            elif int(round(frac * 4)) + 4 * beat in kick_extra and style != "sparse":
                hit(bar0 + g, KICK, vel[KICK] * 0.9)
            if on_beat and beat % 2 == 1:
                hit(bar0 + g, SNARE, vel[SNARE])
            elif not on_beat and rng.random() < ghost:
                hit(bar0 + g, SNARE, rng.uniform(0.15, 0.35))


def accompaniment(rng: np.random.Generator, clip: Clip, song: Song, end_s: float) -> None:
    """Bass, chords and melody on channels 0-3; chords change on bar lines (harmonic evidence of
    the downbeat), the bass leads on beat 1."""
    beats_per_bar, sub = METERS[clip.meter]
    n_bars = len(clip.beats) // beats_per_bar
    root = int(rng.integers(0, 12))
    scale = MODES[str(rng.choice(list(MODES)))]
    prog = [0] + [int(d) for d in rng.choice(7, size=3)]
    change = int(rng.choice([1, 1, 2]))  # bars per chord
    parts = [p for p in ("bass", "chords", "melody") if rng.random() < {"bass": 0.85, "chords": 0.85, "melody": 0.6}[p]]
    if not parts:
        parts = ["chords"]
    ch = {"bass": 0, "chords": 1, "melody": 2}
    for p in parts:
        song.program(ch[p], int(rng.choice({"bass": BASS, "chords": CHORDS, "melody": MELODY}[p])))
        song.cc(ch[p], 7, int(rng.integers(70, 120)), 0.0)
    bass_style = str(rng.choice(["root", "beats", "eighths", "syncop"]))
    chord_style = str(rng.choice(["sustain", "beats", "stabs", "offbeat"]))
    enter = int(rng.choice([0, 0, 0, 1, 2])) if rng.random() < 0.3 else 0
    mel = int(rng.integers(0, 7))

    def pitch(deg: int, octave: int) -> int:
        return 12 * octave + root + scale[deg % 7] + 12 * (deg // 7)

    def note(c: int, p: int, v: int, pos: float, length: float) -> None:
        t0, t1 = clip.at(pos), clip.at(pos + length)
        if t1 > 0 and t0 < end_s:
            song.note(c, p, v, max(0.0, t0), max(0.05, 0.95 * (t1 - max(0.0, t0))))

    off = 2 / 3 if clip.swing else (0.5 if sub == 2 else 1 / 3)
    for b in range(enter, n_bars):
        bar0 = b * beats_per_bar
        d = prog[(b // change) % 4]
        chord = [d, d + 2, d + 4]
        if "bass" in parts:
            if bass_style == "root" or sub == 3:
                note(0, pitch(d, 2), 110, bar0, beats_per_bar if bass_style == "root" else 1)
                if sub == 3 and bass_style != "root":
                    for k in range(1, beats_per_bar):
                        note(0, pitch(d + (4 if k % 2 else 0), 2), 90, bar0 + k, 1)
            elif bass_style == "beats":
                for k in range(beats_per_bar):
                    note(0, pitch(d + (4 if k % 2 else 0), 2), 110 if k == 0 else 85, bar0 + k, 1)
            elif bass_style == "eighths":
                for k in range(beats_per_bar):
                    note(0, pitch(d, 2), 110 if k == 0 else 85, bar0 + k, off)
                    note(0, pitch(d, 2), 75, bar0 + k + off, 1 - off)
            else:
                note(0, pitch(d, 2), 110, bar0, 1.5 if beats_per_bar > 2 else 1)
                if beats_per_bar >= 3:
                    note(0, pitch(d + 4, 2), 85, bar0 + 1.5, 1)
                note(0, pitch(d, 2), 85, bar0 + beats_per_bar - 1, 1)
        if "chords" in parts:
            if chord_style == "sustain":
                hits = [(0.0, float(beats_per_bar))]
            elif chord_style == "beats":
                hits = [(float(k), 1.0) for k in range(beats_per_bar)]
            elif chord_style == "stabs":
                hits = [(0.0, off), (beats_per_bar - 1 + off, 1 - off)]
            else:
                hits = [(k + off, 1 - off) for k in range(beats_per_bar)]
            for o, ln in hits:
                for j, deg in enumerate(chord):
                    note(1, pitch(deg, 4), int(rng.integers(60, 100)) + (15 if o == 0 else 0), bar0 + o + 0.005 * j, ln)
        if "melody" in parts:
            pos = 0.0
            while pos < beats_per_bar:
                ln = float(rng.choice([0.5, 1, 1, 2] if sub == 2 else [1 / 3, 2 / 3, 1, 1]))
                if clip.swing and ln == 0.5:
                    ln = 1.0
                ln = min(ln, beats_per_bar - pos)
                if rng.random() < 0.75:
                    mel = int(np.clip(mel + rng.integers(-2, 3), -3, 10))
                    if pos == 0:
                        mel = chord[int(rng.integers(0, 3))]
                    note(2, pitch(mel, 5), int(rng.integers(70, 115)), bar0 + pos, ln)
                pos += ln


def make_clip(rng: np.random.Generator, dur: float) -> tuple[Song, dict]:
    meter = str(rng.choice(list(METER_P), p=list(METER_P.values())))
    clip = beat_map(rng, meter, dur)
    song = Song()
    song.program(9, int(rng.choice(DRUM_KITS)))
    song.cc(9, 7, int(rng.integers(85, 127)), 0.0)
    kind = str(rng.choice(["full", "drums", "accomp-mostly"], p=[0.75, 0.15, 0.1]))
    jitter = float(rng.choice([0.0, 0.004, 0.008, 0.014]))
    if kind != "accomp-mostly":
        drum_bars(rng, clip, song, jitter, dur)
    else:  # drums only in a middle stretch: the accompaniment must carry the beat elsewhere
        part = Song()
        drum_bars(rng, clip, part, jitter, dur)
        lo, hi = sorted(rng.uniform(0, dur, 2))
        song.events += [e for e in part.events if lo * Song.TICKS_PER_S <= e[0] <= hi * Song.TICKS_PER_S or e[1] < 3]
        song.channels |= part.channels
    if kind != "drums":
        accompaniment(rng, clip, song, dur)
    beats_per_bar = METERS[meter][0]
    beats = [t for t in clip.beats if 0 <= t < dur]
    downbeats = [t for t, k in zip(clip.beats, clip.beat_in_bar) if k == 0 and 0 <= t < dur]
    info = {"meter": meter, "bpm": round(clip.bpm, 3), "tempo": clip.tempo, "swing": clip.swing, "kind": kind,
            "beatsPerBar": beats_per_bar, "durationS": dur, "soundfont": SOUNDFONT_NAME,
            "beats": [round(t, 5) for t in beats], "downbeats": [round(t, 5) for t in downbeats]}
    return song, info


SPLITS = {"train": 7, "val": 8}  # seeds


def render_beats(n_train: int = 160, n_val: int = 24, batch: int = 16) -> None:
    """Clips of 20-60 s rendered `batch` at a time in one fluidsynth run (loading the soundfont
    costs seconds), cut apart at silent gaps."""
    gap = 3.0
    for split, n in (("train", n_train), ("val", n_val)):
        if n <= 0:
            continue
        out = ensure(WORK / "beats" / split)
        rng = np.random.default_rng(SPLITS[split])
        done = 0
        while done < n:
            count = min(batch, n - done)
            long = Song()
            spans = []
            at = 0.0
            infos = []
            for _ in range(count):
                dur = float(rng.uniform(20, 60))
                song, info = make_clip(rng, dur)
                offset = int(round(at * Song.TICKS_PER_S))
                long.events += [(tick + offset, order, data) for tick, order, data in song.events]
                for c in (0, 1, 2, 9):
                    long.cc(c, 123, 0, at + dur + 0.5)
                long.channels |= song.channels
                spans.append((at, dur))
                infos.append(info)
                at += dur + gap
            x = render(long, SOUNDFONT, at, SR, timeout=900)
            for (start, dur), info in zip(spans, infos):
                seg = x[int(start * SR): int(start * SR) + int(dur * SR)].astype(np.float32)
                peak = float(np.max(np.abs(seg))) + 1e-8
                seg = seg / peak * float(rng.uniform(0.3, 0.95))
                name = f"clip_{done:04d}"
                (out / f"{name}.f32").write_bytes(seg.tobytes())
                (out / f"{name}.json").write_text(json.dumps(info))
                done += 1
            print(f"render-beats {split}: {done}/{n}", flush=True)
