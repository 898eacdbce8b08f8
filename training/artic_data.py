"""render-artic: drum clips labelled by component (articulation) and played velocity (issue 33).

Every one-shot of bank.npz gets a component from its source (bank.bank_components); grooves play
the articulations where drummers use them: a pedal hi-hat on 2 and 4 under ride patterns,
rimshot backbeats, cross-stick grooves (bossa, ballad), ride-bell patterns, splash and china
accents, fills over the kit's own high, mid and floor toms, ghost notes between backbeats,
accents. A clip has one dynamic level and every hit its own velocity around it (ghosts 0.05-0.3,
accents up to 1.0); the one-shot is the velocity layer nearest the velocity and its gain
velocity^1.4, so the label is the velocity the hit was played at.

Sets: `artic_val` (held-out kits and soundfont only, common.HELDOUT_*; 200 x 8 s, seed 33) and
`artic` (training kits, 8,000 x 4 s, seed 34). Each is `work/drums_<set>.npz` with `audio`
float16 [clips, samples], `events` float32 [N, 5] = (clip, time_s, class, velocity, component)
(class: an index into OUTPUT_CLASSES, so the cross-stick is 7; component: into COMPONENTS) and
`info` JSON (kits, components, the kit each component was played on per clip). Accompaniment is
mixed at training time, as for the other sets. bank.npz is read, never changed.
"""
from __future__ import annotations

import json
import time

import numpy as np
from scipy.signal import fftconvolve

from bank import bank_components, is_heldout, load_bank
from common import (COMPONENT_CLASS, COMPONENTS, DISTRACTOR, N_OUTPUT, SR, UNKNOWN_COMPONENT, WORK, ensure)
from synth import compress, random_eq, resonant_eq, room_ir

C = {name: i for i, name in enumerate(COMPONENTS)}
TOMS = [C["tom_high"], C["tom_mid"], C["tom_floor"]]
ARTIC_SETS = {"artic_val": (200, 8.0, True, 33), "artic": (8000, 4.0, False, 34)}  # clips, seconds, held out, seed


class ArticPools:
    """One-shots by kit and component; distractors are the unlabelled percussion (the
    cross-stick is labelled now, so it is not among them)."""

    def __init__(self, items: list[dict], clips: list[np.ndarray], heldout: bool) -> None:
        self.clips = clips
        self.vel = np.array([it["vel"] for it in items], dtype=np.float32)
        self.kits: dict[str, dict[int, list[int]]] = {}
        self.distractors: list[int] = []
        for i, (it, comp) in enumerate(zip(items, bank_components(items))):
            if is_heldout(it["kit"]) != heldout:
                continue
            if comp == UNKNOWN_COMPONENT:
                if it["cls"] == DISTRACTOR:
                    self.distractors.append(i)
                continue  # a drum whose articulation the source does not say: left out
            self.kits.setdefault(it["kit"], {}).setdefault(comp, []).append(i)
        self.kit_names = sorted(self.kits)
        self.by_comp = {c: [k for k in self.kit_names if c in self.kits[k]] for c in range(len(COMPONENTS))}
        self.tom_kits = [k for k in self.kit_names if sum(t in self.kits[k] for t in TOMS) >= 2]

    def pick(self, rng: np.random.Generator, kit: str, comp: int, vel: float) -> int:
        cands = self.kits[kit][comp]
        if len(cands) > 1:  # the layer nearest the velocity, with a little randomness
            sub = rng.choice(cands, size=min(6, len(cands)), replace=False)
            return int(sub[np.argmin(np.abs(self.vel[sub] - vel) + rng.uniform(0, 0.1, len(sub)))])
        return int(cands[0])


STYLES = ["rock", "ride_pedal", "rimshot", "cross_stick", "bell", "funk", "random"]
STYLE_P = [0.17, 0.17, 0.14, 0.16, 0.1, 0.14, 0.12]
BOSSA_CROSS = {0, 6, 12, 20, 26}  # cross-stick of a bossa nova over two 4/4 bars of 16ths (3-2)


def artic_events(rng: np.random.Generator, dur: float) -> list[tuple[float, int, float]]:
    """(time_s, component, velocity) covering [-1, dur)."""
    bpm = rng.uniform(60, 190)
    sub = 3 if rng.random() < 0.15 else 4
    step = 60.0 / bpm / sub
    n_bar = 4 * sub
    level = rng.uniform(0.3, 1.0)  # the clip's dynamic level

    def vel(scale: float = 1.0) -> float:
        return float(np.clip(level * scale * rng.uniform(0.85, 1.15), 0.05, 1.0))

    def ghost() -> float:
        return float(rng.uniform(0.05, 0.3))

    def accent() -> float:
        return float(np.clip(max(level * 1.3, 0.85) * rng.uniform(0.95, 1.05), 0.05, 1.0))

    ev: list[tuple[float, int, float]] = []
    t0 = -1.0 - rng.uniform(0, n_bar * step)
    n_steps = int((dur - t0) / step) + 1
    style = str(rng.choice(STYLES, p=STYLE_P))
    if style == "random":  # independent hits per component: no component leans on a pattern
        rates = rng.uniform(0.0, 0.25, len(COMPONENTS)) * (rng.random(len(COMPONENTS)) < 0.6)
        for i in range(n_steps):
            for c in range(len(COMPONENTS)):
                if rng.random() < rates[c]:
                    ev.append((t0 + i * step, c, float(rng.uniform(0.05, 1.0))))
        return ev
    keeper = {"rock": "hh", "rimshot": "hh", "funk": "hh16", "ride_pedal": "ride", "bell": "bell",
              "cross_stick": str(rng.choice(["hh", "ride"]))}[style]
    backbeat = {"rimshot": C["snare_rimshot"], "cross_stick": C["snare_cross_stick"]}.get(style, C["snare"])
    if style == "rock" and rng.random() < 0.25:
        backbeat = C["snare_rimshot"]  # rimshot backbeats in some rock grooves too
    bossa = style == "cross_stick" and sub == 4 and rng.random() < 0.5
    ghost_p = rng.uniform(0.1, 0.35) if style == "funk" else rng.uniform(0, 0.15)
    open_p = rng.uniform(0, 0.3) if keeper.startswith("hh") else 0.0
    fill_every = int(rng.choice([2, 4, 4, 8, 100]))
    kick_pos = {0} | set(int(p) for p in rng.choice(n_bar, size=int(rng.integers(0, 4)), replace=False))
    tom_order = TOMS if rng.random() < 0.7 else list(rng.permutation(TOMS))
    cymbal = [C["crash"], C["splash"], C["china"]]
    for b in range(n_steps // n_bar + 1):
        bar_t = t0 + b * n_bar * step
        fill = (b % fill_every) == fill_every - 1
        fill_start = n_bar - sub * int(rng.choice([1, 2])) if fill else n_bar
        for i in range(n_bar):
            t = bar_t + i * step
            on_beat = i % sub == 0
            if i >= fill_start:  # fill over the kit's toms, high to floor, getting louder
                k = (i - fill_start) * len(tom_order) // (n_bar - fill_start)
                if rng.random() < 0.85:
                    c = tom_order[k] if rng.random() < 0.75 else C["snare"]
                    ev.append((t, c, vel(0.8 + 0.4 * (i - fill_start) / (n_bar - fill_start))))
                continue
            eighth = i % (sub // 2 if sub == 4 else sub) == 0
            if keeper == "hh" and eighth or keeper == "hh16":
                c = C["hihat_open"] if (not on_beat and rng.random() < open_p) else C["hihat_closed"]
                ev.append((t, c, vel(1.0 if on_beat else 0.75)))
            elif keeper == "ride" and (eighth if sub == 4 else on_beat or i % sub == 2):
                c = C["ride_bell"] if rng.random() < 0.08 else C["ride"]
                ev.append((t, c, vel(1.0 if on_beat else 0.8)))
            elif keeper == "bell" and (on_beat or (eighth and rng.random() < 0.5)):
                ev.append((t, C["ride_bell"], vel(1.0 if on_beat else 0.8)))
            if keeper in ("ride", "bell") and on_beat and (i // sub) % 2 == 1:
                ev.append((t, C["hihat_pedal"], vel(0.8)))  # the foot on 2 and 4 under the ride
            elif keeper in ("ride", "bell") and on_beat and rng.random() < 0.2:
                ev.append((t, C["hihat_pedal"], vel(0.7)))
            if i in kick_pos or (on_beat and rng.random() < 0.1):
                ev.append((t, C["kick"], vel(1.0 if on_beat else 0.85)))
            if bossa:
                if (i + (b % 2) * n_bar) in BOSSA_CROSS:
                    ev.append((t, backbeat, vel(0.9)))
            elif on_beat and (i // sub) % 2 == 1:
                ev.append((t, backbeat, accent() if rng.random() < 0.2 else vel(1.0)))
            elif not on_beat and rng.random() < ghost_p:
                ev.append((t, C["snare"], ghost()))  # ghost notes are played on the head
            if i == 0 and (b > 0 and (b - 1) % fill_every == fill_every - 1 or rng.random() < 0.3):
                ev.append((t, int(rng.choice(cymbal, p=[0.6, 0.2, 0.2])), accent()))
                ev.append((t, C["kick"], accent()))
            elif not on_beat and rng.random() < 0.03:
                ev.append((t, int(rng.choice(cymbal[1:])), vel(1.1)))  # splash/china accents off the beat
    return ev


def render_artic_clip(rng: np.random.Generator, pools: ArticPools, dur: float):
    """One clip: its audio, labels (time_s, class, velocity, component) and the kit per component."""
    n = int(dur * SR)
    pre = SR
    events = sorted(artic_events(rng, dur))
    jitter = rng.uniform(0, 0.012)
    main = str(rng.choice([k for k in pools.kit_names if C["kick"] in pools.kits[k] or C["snare"] in pools.kits[k]]))
    mixed = rng.random() < 0.3
    kit_of: dict[int, str] = {}
    for c in range(len(COMPONENTS)):
        if (mixed or c not in pools.kits[main]) and pools.by_comp[c]:
            kit_of[c] = str(rng.choice(pools.by_comp[c]))
        elif c in pools.kits[main]:
            kit_of[c] = main
    # the toms come from one kit with at least two of them, so high/mid/floor is within a kit
    tom_kit = main if main in pools.tom_kits else (str(rng.choice(pools.tom_kits)) if pools.tom_kits else None)
    for c in TOMS:
        if tom_kit is not None and c in pools.kits[tom_kit]:
            kit_of[c] = tom_kit
    n_cls = N_OUTPUT
    pitch = {k: (2 ** (rng.uniform(-2, 2) / 12) if rng.random() < 0.3 else 1.0) for k in range(n_cls)}
    decay = {k: (rng.uniform(0.08, 0.6) if rng.random() < 0.1 else None) for k in range(n_cls)}
    gain_c = {k: 10 ** (rng.uniform(-6, 4) / 20) for k in range(n_cls)}
    stems = np.zeros((n_cls, n + pre + 4 * SR), dtype=np.float32)
    hh_times = sorted(t for t, c, _ in events if COMPONENT_CLASS[c] in (2, 3))
    labels = []
    for t, comp, v in events:
        if comp not in kit_of:
            continue
        k = COMPONENT_CLASS[comp]
        t = t + rng.normal(0, jitter)
        v = float(np.clip(v * rng.uniform(0.95, 1.05), 0.05, 1.0))
        s = pools.clips[pools.pick(rng, kit_of[comp], comp, v)]
        if pitch[k] != 1.0:
            idx = np.arange(0, len(s) - 1, pitch[k])
            s = np.interp(idx, np.arange(len(s)), s).astype(np.float32)
        if decay[k] is not None:
            s = s * np.exp(-np.arange(len(s)) / (decay[k] * SR)).astype(np.float32)
        if comp == C["hihat_open"]:  # the next hi-hat hit (foot or stick) closes an open hat
            nxt = next((h for h in hh_times if h > t + 0.02), None)
            if nxt is not None:
                m = max(64, int((nxt - t) * SR))
                s = s[:m].copy()
                f = min(len(s), 256)
                s[-f:] *= np.linspace(1, 0, f, dtype=np.float32)
        start = int(t * SR) + pre
        if start < 0 or start >= stems.shape[1]:
            continue
        seg = s[: stems.shape[1] - start]
        stems[k, start:start + len(seg)] += seg * (v ** 1.4) * gain_c[k]
        if 0 <= t < dur - 0.01:
            labels.append((float(t), k, v, comp))
    mix = np.zeros(stems.shape[1], dtype=np.float32)
    for k in range(n_cls):
        if np.any(stems[k]):
            stem = random_eq(rng, stems[k]) if rng.random() < 0.5 else stems[k]
            if rng.random() < 0.4:
                stem = resonant_eq(rng, stem)
            mix += stem
    if rng.random() < 0.3 and pools.distractors:  # unlabelled percussion
        for _ in range(int(rng.integers(2, 12))):
            s = pools.clips[int(rng.choice(pools.distractors))]
            st = int(rng.uniform(0, dur) * SR) + pre
            seg = s[: len(mix) - st]
            mix[st:st + len(seg)] += seg * rng.uniform(0.1, 0.6)
    if rng.random() < 0.6:
        wet = fftconvolve(mix, room_ir(rng))[: len(mix)].astype(np.float32)
        mix = mix + wet * rng.uniform(0.1, 0.6)
    if rng.random() < 0.3:
        mix = compress(rng, mix)
    out = mix[pre:pre + n]
    if rng.random() < 0.2:
        out = out + rng.standard_normal(n).astype(np.float32) * (np.std(out) * 10 ** (rng.uniform(-45, -20) / 20))
    out = out / (float(np.max(np.abs(out))) + 1e-8) * rng.uniform(0.3, 0.95)
    return out.astype(np.float32), labels, kit_of


def render_artic(sizes: dict[str, int] | None = None) -> None:
    """Render the articulation sets, artic_val first (the evaluation reads it)."""
    items, clips = load_bank()
    ensure(WORK)
    for split, (n_default, dur, held, seed) in ARTIC_SETS.items():
        n = (sizes or {}).get(split, n_default)
        if n <= 0:
            continue
        pools = ArticPools(items, clips, heldout=held)
        rng = np.random.default_rng(seed)
        audio = np.zeros((n, int(dur * SR)), dtype=np.float16)
        events, clip_kits = [], []
        t_start = time.time()
        for i in range(n):
            x, lab, kit_of = render_artic_clip(rng, pools, dur)
            audio[i] = x
            clip_kits.append({COMPONENTS[c]: k for c, k in kit_of.items()})
            events.extend((i, t, k, v, comp) for t, k, v, comp in lab)
        ev = np.array(events, dtype=np.float32).reshape(-1, 5)
        np.savez(WORK / f"drums_{split}.npz", audio=audio, events=ev,
                 info=np.array(json.dumps({"kits": pools.kit_names, "dur": dur, "components": COMPONENTS,
                                           "eventColumns": ["clip", "time_s", "class", "velocity", "component"],
                                           "clipKits": clip_kits})))
        per = {COMPONENTS[c]: int(np.sum(ev[:, 4] == c)) for c in range(len(COMPONENTS))}
        print(f"{split}: {n} clips, {len(ev)} onsets, {len(pools.kit_names)} kits, {time.time() - t_start:.0f} s; "
              f"onsets per component {json.dumps(per)}", flush=True)
