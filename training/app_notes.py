"""The app's note picking, in Python: activations -> the chart's notes, as lib/transcribe does it.

A port of lib/transcribe/peaks.ts (local maxima at or above the class threshold, >= left and >
right; parabolic refinement; 30 ms non-maximum suppression, strongest first; velocity read at the
sub-frame onset; the manifest's calibration maps where it has them, else log-odds above the
threshold as confidence), articulations.ts (a group's most probable component at the peak frame,
the default instead where the manifest's `minProbability` for that component is not reached;
toms clustered per song on their expected position) and limbs.ts (notes within 20 ms are one
instant: one note per lane, at most two hands), so that training/ measures the charts users get.
`check_port` runs the TypeScript on the same activations (training/pick_notes.ts) and refuses to
go on where the two disagree, so a change in lib/transcribe cannot silently part them.
"""
from __future__ import annotations

import hashlib
import json
import math
import subprocess
import tempfile
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np

from common import MODELS_OUT, REPO

MIN_GAP_MS = 30.0  # peaks.ts DEFAULT_MIN_GAP_MS


LIMB_WINDOW_MS, MAX_HANDS = 20.0, 2  # limbs.ts LIMB_DEFAULTS


# The contract's components (docs/FORMAT.md "Lanes and components"), the order of the label files'
# component index.
COMPONENTS = ["kick", "snare", "snare_rimshot", "snare_cross_stick", "hihat_closed", "hihat_pedal", "hihat_open",
              "tom_high", "tom_mid", "tom_floor", "crash", "splash", "china", "ride", "ride_bell"]


# The format's lanes (lib/beatmap/lanes.ts COMPONENT_LANE), for the app's one-note-per-lane rule.
FORMAT_LANE = {"crash": 0, "china": 0, "hihat_closed": 1, "hihat_open": 1, "hihat_pedal": 1, "snare": 2,
               "snare_rimshot": 2, "snare_cross_stick": 2, "kick": 3, "tom_high": 4, "tom_mid": 4, "tom_floor": 4,
               "ride": 5, "ride_bell": 5, "splash": 6}


TOM_LANE = 4
FOOT = {"kick", "hihat_pedal"}


# A model class's component when the model says nothing more (lib/transcribe/classes.ts aliases).
DEFAULT_COMPONENT = {"kick": "kick", "snare": "snare", "hihat_closed": "hihat_closed", "hihat_open": "hihat_open",
                     "tom": "tom_mid", "crash": "crash", "ride": "ride", "snare_cross_stick": "snare_cross_stick"}


ARTICULATION_OUTPUT = "articulation"  # the contract's output name (manifest `articulations.output`)


@dataclass
class Model:
    file: Path
    version: str
    classes: list[str]
    thresholds: dict[str, float]
    groups: list[dict] | None  # manifest `articulations.groups`, None without the output
    calibration: dict | None = None

    @staticmethod
    def from_manifest(entry: dict, file: Path | None = None) -> Model:
        art = entry.get("articulations")
        if art and art["output"] != ARTICULATION_OUTPUT:
            raise SystemExit(f"The transcriber's articulations come from an output named {art['output']!r}; "
                             f"app_notes.py reads {ARTICULATION_OUTPUT!r}, as the issue 33 contract names it.")
        return Model(file or MODELS_OUT / entry["file"], entry["version"], list(entry["classes"]),
                     {c: float(v) for c, v in entry["thresholds"].items()}, art["groups"] if art else None,
                     entry.get("calibration"))

    def key(self) -> str:
        if not hasattr(self, "_key"):
            self._key = hashlib.sha256(self.file.read_bytes()).hexdigest()[:16]
        return self._key


@dataclass
class Note:
    t: float  # s
    cls: int
    component: str
    height: float  # peak onset probability (parabolic)
    raw_velocity: float  # the velocity output at the onset
    velocity: float  # what the chart carries (calibrated when the model has a map)
    confidence: float
    articulation: np.ndarray | None = None  # the group's probabilities at the peak (fitting minimums)


def interp_map(points: list[list[float]], x: float) -> float:
    xs, ys = zip(*points)
    return float(np.interp(x, xs, ys))  # clamped outside the ends, as the contract says


def peak_confidence(height: float, threshold: float) -> float:
    def logit(p: float) -> float:
        q = min(1 - 1e-6, max(1e-6, p))
        return math.log(q / (1 - q))
    return 1 / (1 + math.exp(-(logit(height) - logit(threshold))))


def candidates(prob: np.ndarray, threshold: float) -> list[tuple[int, float, float]]:
    """(frame, offset, height) of every local maximum at or above threshold (>= left, > right)."""
    left = np.concatenate([[0.0], prob[:-1]])
    right = np.concatenate([prob[1:], [0.0]])
    out = []
    for f in np.nonzero((prob >= threshold) & (prob >= left) & (prob > right))[0]:
        l, m, r = float(left[f]), float(prob[f]), float(right[f])
        denom = l - 2 * m + r
        if denom < 0:
            off = max(-0.5, min(0.5, 0.5 * (l - r) / denom))
            h = m - 0.25 * (l - r) * off
        else:
            off, h = 0.0, m
        out.append((int(f), off, min(1.0, h)))
    return out


def suppress(cands: list[tuple[int, float, float]], fps: float) -> list[tuple[int, float, float]]:
    """The refractory window as non-maximum suppression: the strongest peak wins."""
    frame_ms = 1000 / fps
    kept: list[tuple[int, float, float]] = []
    kept_t: list[float] = []
    for p in sorted(cands, key=lambda p: -p[2]):  # stable, as Array.prototype.sort
        t = (p[0] + p[1]) * frame_ms
        if any(abs(k - t) < MIN_GAP_MS for k in kept_t):
            continue
        kept.append(p)
        kept_t.append(t)
    return sorted(kept)


def pick_notes(out: dict[str, np.ndarray], model: Model, fps: float, duration: float,
               thresholds: dict[str, float] | None = None, calibration: dict | None | bool = True,
               context: dict | None = None) -> list[Note]:
    """The chart's notes of one clip. `calibration`: True reads the model's own, None/False none,
    a dict uses that one. `context`: the snare context rule's parameters (context_snares)."""
    onset, vel = out["onset"], out.get("velocity")
    art = out.get(ARTICULATION_OUTPUT)
    th = thresholds or model.thresholds
    cal = model.calibration if calibration is True else (calibration or None)
    group_of, min_of = {}, {}
    if model.groups and art is not None:
        offset = 0
        for g in model.groups:
            group_of[g["class"]] = (offset, g["components"])
            if g.get("minProbability") is not None:
                min_of[g["class"]] = g["minProbability"]
            offset += len(g["components"])
    frames = len(onset)
    notes: list[Note] = []
    tom_probs: list[tuple[int, np.ndarray, list[str]]] = []
    for c, name in enumerate(model.classes):
        picked = suppress(candidates(onset[:, c], th[name]), fps)
        if context and name == "snare":
            picked = context_snares(onset[:, c], vel[:, c] if vel is not None else None, picked, th[name], fps, context)
        heights = sorted(h for _, _, h in picked)
        median = heights[len(heights) >> 1] if heights else 1.0
        for f, off, h in picked:
            if vel is not None:
                f0 = max(0, f - 1 if off < 0 else f)
                w = 1 + off if off < 0 else off
                v0 = float(vel[f0, c])
                v1 = float(vel[min(frames - 1, f0 + 1), c])
                raw = v0 + (v1 - v0) * w
            else:
                raw = 0.8 * h / median
            v = raw
            if cal and name in cal.get("velocity", {}):
                v = interp_map(cal["velocity"][name], raw)
            conf = interp_map(cal["confidence"][name], h) if cal and name in cal.get("confidence", {}) \
                else peak_confidence(h, th[name])
            comp = DEFAULT_COMPONENT.get(name, name)
            probs = None
            if name in group_of:
                o, comps = group_of[name]
                probs = art[f, o:o + len(comps)]
                comp = comps[choose_component(probs, min_of.get(name))]
            notes.append(Note((f + off) / fps, c, comp, h, raw, max(0.01, min(1.0, v)), conf, probs))
            if probs is not None and all(FORMAT_LANE[k] == TOM_LANE for k in group_of[name][1]):
                tom_probs.append((len(notes) - 1, probs, group_of[name][1]))
    if tom_probs:  # toms are high/mid/floor relative to the kit: one component per drum of the song
        for (i, _, comps), k in zip(tom_probs, pitch_clusters([p for _, p, _ in tom_probs])):
            notes[i].component = comps[k]
    notes = [n for n in notes if 0 <= n.t < duration]  # chart.ts: notes within the audio
    notes.sort(key=lambda n: (n.t, n.cls))
    return resolve_simultaneous(notes)


def choose_component(probs: np.ndarray, minimum: list[float | None] | None) -> int:
    """articulations.ts: the most probable component (the first on a tie, the group's default);
    with `minimum`, the default instead unless that component is the default or reaches its
    minimum (precisionFirst). Compared as doubles, as the TypeScript reads the float32 output."""
    best = int(np.argmax(probs))
    floor = minimum[best] if minimum is not None else None
    return best if floor is None or float(probs[best]) >= float(floor) else 0


TOM_MIN_SEPARATION = 0.5  # lib/transcribe/articulations.ts


def pitch_clusters(probs: list[np.ndarray]) -> list[int]:
    """articulations.ts pitchClusters: tom hits clustered on their expected position in the group
    (the most clusters at least 0.5 apart), each cluster one drum, given components in order."""
    size = len(probs[0])
    pos = [float(np.dot(np.arange(size), p) / p.sum()) if p.sum() > 0 else (size - 1) / 2 for p in probs]
    srt = sorted(pos)
    centres = [sum(srt) / len(srt)]
    for k in range(min(size, len(srt)), 1, -1):
        cs = kmeans_1d(srt, k)
        if cs and all(i == 0 or cs[i] - cs[i - 1] >= TOM_MIN_SEPARATION for i in range(len(cs))):
            centres = cs
            break
    best, best_cost = [], math.inf
    for slots in combinations(range(size), len(centres)):  # increasing slots nearest the centres
        cost = sum(abs(c - s) for c, s in zip(centres, slots))
        if cost < best_cost - 1e-12:
            best, best_cost = list(slots), cost
    out = []
    for x in pos:
        b = 0
        for c in range(1, len(centres)):
            if abs(x - centres[c]) < abs(x - centres[b]):
                b = c
        out.append(best[b])
    return out


def kmeans_1d(srt: list[float], k: int) -> list[float] | None:
    centres = [srt[int((i + 0.5) / k * len(srt))] for i in range(k)]
    for _ in range(50):
        sums, counts = [0.0] * k, [0] * k
        for v in srt:
            b = 0
            for c in range(1, k):
                if abs(v - centres[c]) < abs(v - centres[b]):
                    b = c
            sums[b] += v
            counts[b] += 1
        if 0 in counts:
            return None
        nxt = [s / n for s, n in zip(sums, counts)]
        moved = any(abs(a - b) > 1e-9 for a, b in zip(nxt, centres))
        centres = nxt
        if not moved:
            break
    return centres


def resolve_simultaneous(notes: list[Note]) -> list[Note]:
    """limbs.ts: notes within 20 ms are one instant; one note per lane, at most two hands."""
    kept: list[Note] = []
    i = 0
    while i < len(notes):
        j = i + 1
        while j < len(notes) and (notes[j].t - notes[i].t) * 1000 <= LIMB_WINDOW_MS:
            j += 1
        group = sorted(notes[i:j], key=lambda n: (-n.confidence, -n.velocity))
        i = j
        lanes, hands = set(), 0
        for n in group:
            lane = FORMAT_LANE[n.component]
            if lane in lanes:
                continue
            foot = n.component in FOOT
            if not foot and hands >= MAX_HANDS:
                continue
            lanes.add(lane)
            hands += not foot
            kept.append(n)
    kept.sort(key=lambda n: (n.t, n.cls))
    return kept


def context_snares(prob: np.ndarray, vel: np.ndarray | None, picked: list, threshold: float, fps: float,
                   ctx: dict) -> list:
    """Issue 33 point 3: a quiet snare between backbeats is likely a ghost. Peaks at or above
    ctx["low"] (below the class threshold) are kept when a snare note of the chart lies on each side
    within ctx["span"] s and none within ctx["gap"] s, and (with ctx["max_velocity"]) the velocity
    output says quiet."""
    low = ctx["low"]
    if low >= threshold or not picked:
        return picked
    loud = np.array([(f + o) / fps for f, o, _ in picked])
    extra = []
    for f, off, h in suppress(candidates(prob, low), fps):
        if h >= threshold:
            continue
        t = (f + off) / fps
        before, after = loud[loud < t], loud[loud > t]
        if not len(before) or not len(after):
            continue
        if t - before[-1] > ctx["span"] or after[0] - t > ctx["span"]:
            continue
        if min(t - before[-1], after[0] - t) < ctx["gap"]:
            continue
        if vel is not None and ctx.get("max_velocity") is not None and float(vel[f]) > ctx["max_velocity"]:
            continue
        extra.append((f, off, h))
    return sorted(picked + extra)


def check_port(model: Model, out: dict[str, np.ndarray], fps: float, duration: float, name: str) -> None:
    """Stops unless lib/transcribe (training/pick_notes.ts) charts the same notes from `out` as
    pick_notes: time within 1 µs, class, component, velocity and confidence within 1e-4."""
    mine = pick_notes(out, model, fps, duration)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "activations.json"
        payload = {"fps": fps, "classes": model.classes, "thresholds": model.thresholds,
                   "onset": out["onset"].ravel().tolist(), "velocity": out["velocity"].ravel().tolist(),
                   "durationMs": duration * 1000}
        if model.calibration:
            payload["calibration"] = {k: model.calibration[k] for k in ("confidence", "velocity")
                                      if k in model.calibration}
        if model.groups and ARTICULATION_OUTPUT in out:
            payload["articulation"] = {"groups": model.groups, "data": out[ARTICULATION_OUTPUT].ravel().tolist()}
        path.write_text(json.dumps(payload))
        res = subprocess.run(["node", "--import", "tsx", str(Path(__file__).parent / "pick_notes.ts"), str(path)],
                             cwd=REPO, capture_output=True, text=True, timeout=600)
    if res.returncode:
        raise SystemExit(f"training/pick_notes.ts failed on {name}: {res.stderr.strip()[-2000:]}")
    theirs = json.loads(res.stdout.strip().splitlines()[-1])
    for k, (n, t) in enumerate(zip(mine, theirs)):
        same = (abs(n.t * 1000 - t["timeMs"]) < 1e-3 and model.classes[n.cls] == t["className"]
                and n.component == t["component"] and abs(n.velocity - t["velocity"]) < 1e-4
                and abs(n.confidence - t["confidence"]) < 1e-4)
        if not same:
            raise SystemExit(f"articulation_eval's port of the app's note picking (app_notes.py) charts note {k} of "
                             f"{name} as {n}, lib/transcribe as {t}: bring app_notes.py in line with lib/transcribe.")
    if len(mine) != len(theirs):
        raise SystemExit(f"app_notes.py charts {len(mine)} notes on {name}, lib/transcribe {len(theirs)}: bring "
                         "app_notes.py in line with lib/transcribe.")
