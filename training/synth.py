"""synth-data: procedural drum performances rendered with one-shot kits, with labels.

Grooves (timekeeping, kick/snare patterns, ghost notes, fills, crashes, bar-wise mutations)
and independent random hits (to decorrelate classes), humanised timing and velocity, kit
mixing, per-class pitch/EQ/envelope, room reverb, saturation, compression, noise and
unlabelled percussion. Accompaniment is mixed in later (on the fly in training, with a
fixed seed for validation), so one drum clip serves both models.
"""
from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.signal import fftconvolve, iirpeak, lfilter

from bank import is_heldout, load_bank
from common import CRASH, DISTRACTOR, HHC, HHO, KICK, N_CLASSES, RIDE, SNARE, SR, TOM, WORK
from drumsynth import lowpass, synth_bank
from grooves import Pattern, load_songs, pattern_events


class Pools:
    def __init__(self, items: list[dict], clips: list[np.ndarray], heldout: bool) -> None:
        self.clips = clips
        self.vel = np.array([it["vel"] for it in items], dtype=np.float32)
        self.kits: dict[str, dict[int, list[int]]] = {}
        self.distractors: list[int] = []
        for i, it in enumerate(items):
            if is_heldout(it["kit"]) != heldout:
                continue
            if it["cls"] == DISTRACTOR:
                self.distractors.append(i)
                continue
            self.kits.setdefault(it["kit"], {}).setdefault(it["cls"], []).append(i)
        self.kit_names = sorted(self.kits)
        self.by_class = {c: [k for k in self.kit_names if c in self.kits[k]] for c in range(N_CLASSES)}
        if not self.distractors:  # fall back to any distractor rather than none
            self.distractors = [i for i, it in enumerate(items) if it["cls"] == DISTRACTOR]

    def pick(self, rng: np.random.Generator, kit: str, cls: int, vel: float) -> int:
        cands = self.kits[kit][cls]
        if len(cands) > 3:  # prefer the layer nearest the velocity, with some randomness
            sub = rng.choice(cands, size=min(6, len(cands)), replace=False)
            return int(sub[np.argmin(np.abs(self.vel[sub] - vel) + rng.uniform(0, 0.15, len(sub)))])
        return int(rng.choice(cands))


def groove_events(rng: np.random.Generator, dur: float) -> list[tuple[float, int, float]]:
    """Return (time_s, class, velocity) for a groove or random hits covering [-1, dur)."""
    bpm = rng.uniform(60, 200)
    sub = 3 if rng.random() < 0.2 else 4
    step = 60.0 / bpm / sub
    n_bar = 4 * sub
    ev: list[tuple[float, int, float]] = []
    t0 = -1.0 - rng.uniform(0, n_bar * step)  # start mid-bar; tails of earlier hits ring in
    n_steps = int((dur - t0) / step) + 1
    if rng.random() < 0.25:  # independent random hits per class
        rates = rng.uniform(0.0, 0.35, N_CLASSES) * (rng.random(N_CLASSES) < 0.8)
        for i in range(n_steps):
            for c in range(N_CLASSES):
                if rng.random() < rates[c]:
                    ev.append((t0 + i * step, c, float(rng.uniform(0.2, 1.0))))
        return ev
    keeper = rng.choice(["hh8", "hh16", "hh4", "ride8", "ride4", "open8", "mix"], p=[.28, .14, .08, .16, .06, .1, .18])
    half_time = rng.random() < 0.2
    fill_every = int(rng.choice([2, 4, 4, 8, 8, 100]))
    crash_on_one = rng.random() < 0.3
    base = {c: rng.uniform(0.55, 0.95) for c in range(N_CLASSES)}
    kick_pos = {0} | set(int(p) for p in rng.choice(n_bar, size=int(rng.integers(0, 4)), replace=False))
    ghost_p = rng.uniform(0, 0.25)
    n_bars = n_steps // n_bar + 1
    for b in range(n_bars):
        bar_t = t0 + b * n_bar * step
        if rng.random() < 0.25:  # bar-wise mutation of the kick pattern
            kick_pos = {0} | set(int(p) for p in rng.choice(n_bar, size=int(rng.integers(0, 4)), replace=False))
        fill = (b % fill_every) == fill_every - 1
        fill_start = n_bar - sub * int(rng.choice([1, 2])) if fill else n_bar
        for i in range(n_bar):
            t = bar_t + i * step
            on_beat = i % sub == 0
            acc = 1.0 if on_beat else 0.8
            if i >= fill_start:  # fill: toms and snare on the grid
                if rng.random() < 0.85:
                    c = TOM if rng.random() < 0.65 else SNARE
                    ev.append((t, c, float(np.clip(base[c] * rng.uniform(0.8, 1.15), 0.1, 1))))
                if rng.random() < 0.2:
                    ev.append((t, KICK, base[KICK]))
                continue
            # timekeeping
            k = keeper
            if k == "mix":
                k = "open8" if rng.random() < 0.2 else "hh8"
            rate = {"hh8": sub // 2 if sub == 4 else sub, "hh16": 1, "hh4": sub, "ride8": sub // 2 if sub == 4 else sub,
                    "ride4": sub, "open8": sub // 2 if sub == 4 else sub}[k]
            if i % max(1, rate) == 0:
                c = RIDE if k.startswith("ride") else HHC
                if k == "open8" and (i // max(1, rate)) % 2 == 1:
                    c = HHO
                ev.append((t, c, float(np.clip(base[c] * acc * rng.uniform(0.8, 1.1), 0.1, 1))))
            # kick
            if i in kick_pos or (on_beat and rng.random() < 0.15):
                ev.append((t, KICK, float(np.clip(base[KICK] * acc * rng.uniform(0.85, 1.1), 0.1, 1))))
            # snare backbeat and ghosts
            back = (i == 2 * sub) if half_time else (i in (sub, 3 * sub))
            if back:
                ev.append((t, SNARE, float(np.clip(base[SNARE] * rng.uniform(0.9, 1.1), 0.1, 1))))
            elif not on_beat and rng.random() < ghost_p:
                ev.append((t, SNARE, float(rng.uniform(0.1, 0.35))))
            if i == 0 and (crash_on_one or (b > 0 and (b - 1) % fill_every == fill_every - 1)) and rng.random() < 0.8:
                ev.append((t, CRASH, float(np.clip(base[CRASH] * rng.uniform(0.9, 1.1), 0.1, 1))))
                if not any(abs(e[0] - t) < 1e-6 and e[1] == KICK for e in ev):
                    ev.append((t, KICK, base[KICK]))
    return ev


def random_eq(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    kind = rng.integers(0, 4)
    if kind == 0:
        return x
    low = lowpass(x, rng.uniform(200, 8000))
    g = rng.uniform(-0.6, 0.6)
    if kind == 1:  # tilt towards lows or highs
        return (x + g * (low if g > 0 else (x - low))).astype(np.float32)
    if kind == 2:  # low-pass
        return low.astype(np.float32)
    return (x - rng.uniform(0.3, 0.9) * low).astype(np.float32)  # high-pass-ish


def resonant_eq(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    """A peak or notch at a random frequency: the shell resonances and mic colour that tell one
    real kit from another, which plain tilts and low-passes do not reach."""
    f0 = rng.uniform(80, 9000)
    # bandwidth f0/Q must stay well under Nyquist, or the biquad iirpeak designs is unstable
    b, a = iirpeak(f0, rng.uniform(max(0.7, f0 / (0.3 * SR)), 6), fs=SR)
    assert np.all(np.abs(np.roots(a)) < 1), (f0, a)
    return (x + rng.uniform(-0.8, 2.0) * lfilter(b, a, x)).astype(np.float32)


def room_ir(rng: np.random.Generator) -> np.ndarray:
    rt60 = rng.uniform(0.15, 1.6)
    n = int(rt60 * SR)
    t = np.arange(n) / SR
    ir = rng.standard_normal(n).astype(np.float32) * np.exp(-6.9 * t / rt60).astype(np.float32)
    ir = lowpass(ir, rng.uniform(2000, 9000)).astype(np.float32)
    ir[: int(rng.uniform(0.005, 0.03) * SR)] = 0  # pre-delay
    return ir / (np.sqrt(np.sum(ir ** 2)) + 1e-8)


def compressor_gain(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    """The gain a random feed-forward compressor applies to x, sample by sample (a time-varying
    gain, so stems multiplied by the mix's gain still sum to the compressed mix)."""
    a = float(np.exp(-1.0 / (rng.uniform(0.02, 0.2) * SR)))
    env = lfilter([1 - a], [1, -a], np.abs(x))
    thr = rng.uniform(0.05, 0.3) * (np.max(env) + 1e-8)
    ratio = rng.uniform(2, 8)
    return np.where(env > thr, (thr + (env - thr) / ratio) / (env + 1e-8), 1.0)


def compress(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    return (x * compressor_gain(rng, x)).astype(np.float32)


def render_clip(rng: np.random.Generator, pools: Pools, dur: float, variety: bool = False,
                songs: list[list[Pattern]] | None = None) -> tuple[np.ndarray, list[tuple[float, int, float]], dict[int, str]]:
    """One labelled clip. `variety` multiplies the kits further (wider and more frequent pitch
    shifts, layered samples from a second kit, resonant EQ); `songs` plays Hydrogen's human-made
    patterns in 70 % of clips instead of procedural grooves. Both only add random draws, so the
    clips rendered without them stay exactly what they were. Returns the clip, its labels and
    the kit each class was played on (for per-kit figures; recording it draws nothing)."""
    n = int(dur * SR)
    pre = SR  # render from -1 s so tails ring into the clip
    if songs is not None and rng.random() < 0.7:
        events = pattern_events(rng, dur, songs)
    else:
        events = groove_events(rng, dur)
    jitter = rng.uniform(0, 0.015)
    main = str(rng.choice([k for k in pools.kit_names if KICK in pools.kits[k] or SNARE in pools.kits[k]]))
    mixed = rng.random() < 0.3
    kit_of = {}
    for c in range(N_CLASSES):
        if (mixed or c not in pools.kits[main]) and pools.by_class[c]:
            kit_of[c] = str(rng.choice(pools.by_class[c]))
        else:
            kit_of[c] = main
    pitch = {c: (2 ** (rng.uniform(-2, 2) / 12) if rng.random() < 0.3 else 1.0) for c in range(N_CLASSES)}
    layer: dict[int, tuple[str, float, int]] = {}
    if variety:
        pitch = {c: (2 ** (rng.uniform(-4, 4) / 12) if rng.random() < 0.6 else 1.0) for c in range(N_CLASSES)}
        for c in range(N_CLASSES):
            if pools.by_class[c] and rng.random() < 0.2:  # layer a second kit's sample under every hit
                layer[c] = (str(rng.choice(pools.by_class[c])), float(rng.uniform(0.3, 1.0)), int(rng.integers(0, 60)))
    decay = {c: (rng.uniform(0.08, 0.6) if rng.random() < 0.15 else None) for c in range(N_CLASSES)}
    gain_c = {c: 10 ** (rng.uniform(-8, 4) / 20) for c in range(N_CLASSES)}
    stems = np.zeros((N_CLASSES, n + pre + 4 * SR), dtype=np.float32)
    labels = []
    events.sort()
    hh_times = sorted(t for t, c, _ in events if c in (HHC, HHO))
    for t, c, v in events:
        if c not in kit_of or c not in pools.kits.get(kit_of[c], {}):
            continue
        t = t + rng.normal(0, jitter)
        v = float(np.clip(v * rng.uniform(0.9, 1.1), 0.05, 1.0))
        s = pools.clips[pools.pick(rng, kit_of[c], c, v)]
        if c in layer:
            lk, lg, lag = layer[c]
            extra = pools.clips[pools.pick(rng, lk, c, v)]
            both = np.zeros(max(len(s), len(extra) + lag), dtype=np.float32)
            both[: len(s)] += s
            both[lag: lag + len(extra)] += lg * extra
            s = both
        if pitch[c] != 1.0:
            idx = np.arange(0, len(s) - 1, pitch[c])
            s = np.interp(idx, np.arange(len(s)), s).astype(np.float32)
        if decay[c] is not None:
            s = s * np.exp(-np.arange(len(s)) / (decay[c] * SR)).astype(np.float32)
        if c == HHO:  # choke: the next hi-hat hit cuts an open hat
            nxt = next((h for h in hh_times if h > t + 0.02), None)
            if nxt is not None:
                m = max(64, int((nxt - t) * SR))
                s = s[:m].copy()
                f = min(len(s), 256)
                s[-f:] *= np.linspace(1, 0, f, dtype=np.float32)
        start = int((t * SR)) + pre
        if start < 0 or start >= stems.shape[1]:
            continue
        seg = s[: stems.shape[1] - start]
        stems[c, start:start + len(seg)] += seg * (v ** 1.4) * gain_c[c]
        if 0 <= t < dur - 0.01:
            labels.append((float(t), c, v))
    mix = np.zeros(stems.shape[1], dtype=np.float32)
    for c in range(N_CLASSES):
        if np.any(stems[c]):
            stem = random_eq(rng, stems[c]) if rng.random() < 0.5 else stems[c]
            if variety and rng.random() < 0.5:
                stem = resonant_eq(rng, stem)
            mix += stem
    if rng.random() < 0.3 and pools.distractors:  # unlabelled percussion
        for _ in range(int(rng.integers(2, 16))):
            s = pools.clips[int(rng.choice(pools.distractors))]
            st = int(rng.uniform(0, dur) * SR) + pre
            seg = s[: len(mix) - st]
            mix[st:st + len(seg)] += seg * rng.uniform(0.1, 0.7)
    if rng.random() < 0.6:
        wet = fftconvolve(mix, room_ir(rng))[: len(mix)].astype(np.float32)
        mix = mix + wet * rng.uniform(0.1, 0.6)
    if rng.random() < 0.3:
        mix = compress(rng, mix)
    if rng.random() < 0.3:
        drive = rng.uniform(1.5, 6)
        mix = np.tanh(drive * mix / (np.max(np.abs(mix)) + 1e-8)).astype(np.float32)
    out = mix[pre:pre + n]
    if rng.random() < 0.2:
        out = out + rng.standard_normal(n).astype(np.float32) * (np.std(out) * 10 ** (rng.uniform(-45, -20) / 20))
    peak = float(np.max(np.abs(out))) + 1e-8
    out = out / peak * rng.uniform(0.3, 0.95)
    return out.astype(np.float32), labels, kit_of


CODECS = [  # (encoder arguments, container) for the lossy round trip of the variety set
    (["-c:a", "libmp3lame", "-b:a", "48k"], "mp3"), (["-c:a", "libmp3lame", "-b:a", "96k"], "mp3"),
    (["-c:a", "libmp3lame", "-b:a", "128k"], "mp3"), (["-c:a", "libvorbis", "-q:a", "0"], "ogg"),
    (["-c:a", "libvorbis", "-q:a", "3"], "ogg"), (["-c:a", "aac", "-b:a", "64k"], "m4a"),
    (["-c:a", "libopus", "-b:a", "32k", "-ar", "48000"], "opus"), (["-c:a", "libopus", "-b:a", "64k", "-ar", "48000"], "opus"),
]


def codec_round_trip(rows: np.ndarray, codec: int) -> np.ndarray:
    """Encode clips with a lossy codec and decode them again, as the songs users drop will be.

    The clips go through FFmpeg as one signal with silent gaps (one process per batch, not per
    clip); the decoded signal is re-aligned by cross-correlation, because encoders add priming
    samples that would otherwise shift every label."""
    n = rows.shape[1]
    gap = SR // 4
    sig = np.zeros(len(rows) * (n + gap), dtype=np.float32)
    for i, r in enumerate(rows):
        sig[i * (n + gap): i * (n + gap) + n] = r
    args, ext = CODECS[codec]
    with tempfile.TemporaryDirectory() as tmp:
        raw, enc = Path(tmp) / "in.f32", Path(tmp) / f"out.{ext}"
        raw.write_bytes(sig.tobytes())
        common = ["ffmpeg", "-v", "error", "-nostdin", "-y"]
        subprocess.run(common + ["-f", "f32le", "-ar", str(SR), "-ac", "1", "-i", str(raw), *args, str(enc)],
                       check=True, timeout=300)
        out = subprocess.run(common + ["-i", str(enc), "-f", "f32le", "-ar", str(SR), "-ac", "1", "-"],
                             check=True, timeout=300, capture_output=True).stdout
    dec = np.frombuffer(out, dtype=np.float32)
    m = min(len(dec), len(sig))
    spec = np.fft.rfft(dec[:m], 2 * m) * np.conj(np.fft.rfft(sig[:m], 2 * m))
    xc = np.fft.irfft(spec)
    lags = np.r_[np.arange(0, 4096), np.arange(-4096, 0)]
    lag = int(lags[np.argmax(xc[lags])])  # decoded[t + lag] ~ original[t]
    dec = np.pad(dec, (max(0, -lag), len(sig) + 8192))[max(0, lag):][: len(sig)]
    return np.stack([dec[i * (n + gap): i * (n + gap) + n] for i in range(len(rows))])


SETS = {  # name: (clips by default, seconds, held-out kits?, seed, variety, Hydrogen patterns)
    "val": (200, 8.0, True, 7, False, False),
    "train": (4000, 4.0, False, 8, False, False),
    "extra": (12000, 4.0, False, 9, True, False),
    "h2": (4000, 4.0, False, 10, True, True),
    "synth": (4000, 4.0, False, 11, True, True),
    "more": (3000, 4.0, False, 12, True, True),
}
SYNTHESISED_KITS = {"synth": (300, 11)}  # sets played on drumsynth's kits: (kits, seed)
OWN_BANKS = {"more": "bank_more.npz"}  # sets played on another bank's kits (bank.build_more_bank)


def synth_data(sizes: dict[str, int] | None = None, codec_share: float = 0.3) -> None:
    """Render the drum clip sets. `train` and `val` are the session-1 sets; `extra` adds more,
    more varied clips (see render_clip's `variety`) of which `codec_share` went through a lossy
    codec; `h2` is like `extra` with Hydrogen's human-made patterns (session 6); `synth` is like
    `h2` on synthesised kits (drumsynth.py) with the bank's training distractors (session 7);
    `more` is like `h2` on bank_more's kits with their own distractors (session 14)."""
    items, clips = load_bank()
    for split, (n_default, dur, held, seed, variety, patterns) in SETS.items():
        n = (sizes or {}).get(split, n_default)
        if n <= 0:
            continue
        if split in SYNTHESISED_KITS:
            s_items, s_clips = synth_bank(*SYNTHESISED_KITS[split])
            distractors = [i for i, it in enumerate(items) if it["cls"] == DISTRACTOR]
            pools = Pools(s_items + [items[i] for i in distractors], s_clips + [clips[i] for i in distractors], heldout=held)
        elif split in OWN_BANKS:
            pools = Pools(*load_bank(WORK / OWN_BANKS[split]), heldout=held)
        else:
            pools = Pools(items, clips, heldout=held)
        rng = np.random.default_rng(seed)
        songs = load_songs() if patterns else None
        audio = np.zeros((n, int(dur * SR)), dtype=np.float16)
        events = []
        clip_kits: list[list[str]] = []
        t_start = time.time()
        for i in range(n):
            x, lab, kit_of = render_clip(rng, pools, dur, variety, songs)
            clip_kits.append([kit_of[c] for c in range(N_CLASSES)])
            audio[i] = x
            events.extend((i, t, c, v) for t, c, v in lab)
        if variety and codec_share > 0:
            picked = np.sort(rng.choice(n, size=int(n * codec_share), replace=False))
            for chunk in np.array_split(picked, max(1, len(picked) // 40)):
                coded = codec_round_trip(audio[chunk].astype(np.float32), int(rng.integers(0, len(CODECS))))
                peak = np.max(np.abs(coded), axis=1, keepdims=True)
                audio[chunk] = np.where(peak > 1, coded / np.maximum(peak, 1e-8), coded)
        ev = np.array(events, dtype=np.float32).reshape(-1, 4)
        np.savez(WORK / f"drums_{split}.npz", audio=audio, events=ev,
                 info=np.array(json.dumps({"kits": pools.kit_names, "dur": dur, "variety": variety,
                                           "clipKits": clip_kits})))
        print(f"{split}: {n} clips, {len(ev)} onsets, {len(pools.kit_names)} kits, {time.time() - t_start:.0f} s", flush=True)
