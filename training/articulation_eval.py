"""evaluate-articulations: how the chart's notes were played — articulation, dynamics, confidence.

Scores the SHIPPED transcriber file (onnxruntime-node, as `evaluate --onnx` does) through a port of
the app's note picking (lib/transcribe/peaks.ts: local maxima at or above the manifest's
thresholds, parabolic refinement, 30 ms non-maximum suppression, velocity interpolated at the
sub-frame onset; lib/transcribe/limbs.ts: one note per lane and at most two hands per instant),
so the figures are those of the charts a user gets. Per set and condition:

- per-component F1: a reference note matches a chart note of the same lane within 50 ms
  (mir_eval, one-to-one); a match is a hit of its component when the chart chose the played
  component. Confusions between the components of a lane, and ride-vs-crash confusions as a share
  of cymbal hits (crash and ride lanes matched as one). A model without an `articulation` output
  gives each note its class's default component, as the app does.
- velocity: Spearman rank correlation of chart and played velocity on matched kick and snare notes
  (data with known velocities only), and how often the chart's velocity band (ghost < 0.4 <=
  normal < 0.85 <= accent) is the played one.
- snare F1 per velocity band (a chart note takes the band of the reference it matched, else its own
  velocity's band) and a context-dependent threshold: a quiet snare peak between two snare notes of
  the chart (a groove's backbeats) is kept at a lower threshold, chosen leave-one-track-out.
- calibration: per-note confidence reliability (10 bins) and expected calibration error, before
  (the app's rule: log-odds above the threshold) and after monotone piecewise-linear maps fitted by
  isotonic regression and thinned to <= 32 points (confidence: peak onset probability -> P(the note
  is real); velocity: velocity output -> played velocity). The shipped maps are fitted on the
  held-out synthetic set's first half and scored on its second half; on MDB Drums they are scored as
  shipped (fitted elsewhere) and, for comparison, fitted leave-one-track-out on MDB itself.

Sets: MDB Drums drum stems and full mixes (subclass annotations: open/pedal hi-hat, ride bell,
cross-stick, ghost notes, toms by size; no velocities) and the held-out synthetic set with
articulation and velocity labels, `work/drums_artic_val.npz` (events [N, 5]: clip, time, class,
velocity, component index into COMPONENTS), alone and under held-out accompaniment.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import mir_eval
import numpy as np
from scipy.stats import rankdata, spearmanr

from common import MODELS_OUT, SR, WORK, ensure

WINDOW = 0.05  # onset window, s (as evaluate and evaluate-real)
MIN_GAP_MS = 30.0  # peaks.ts DEFAULT_MIN_GAP_MS
LIMB_WINDOW_MS, MAX_HANDS = 20.0, 2  # limbs.ts LIMB_DEFAULTS
GHOST, ACCENT = 0.4, 0.85  # the format's velocity bands (docs/FORMAT.md)
BANDS = ("ghost", "normal", "accent")

# The contract's components (docs/FORMAT.md "Lanes and components"), the order of the label files'
# component index.
COMPONENTS = ["kick", "snare", "snare_rimshot", "snare_cross_stick", "hihat_closed", "hihat_pedal", "hihat_open",
              "tom_high", "tom_mid", "tom_floor", "crash", "splash", "china", "ride", "ride_bell"]
# Scoring lanes: a match needs the same lane; splash and china count with crash.
LANES = {
    "kick": ["kick"],
    "snare": ["snare", "snare_rimshot", "snare_cross_stick"],
    "hihat": ["hihat_closed", "hihat_pedal", "hihat_open"],
    "tom": ["tom_high", "tom_mid", "tom_floor"],
    "crash": ["crash", "splash", "china"],
    "ride": ["ride", "ride_bell"],
}
LANE_OF = {c: lane for lane, comps in LANES.items() for c in comps}
# The format's lanes (lib/beatmap/lanes.ts COMPONENT_LANE), for the app's one-note-per-lane rule.
FORMAT_LANE = {"crash": 0, "china": 0, "hihat_closed": 1, "hihat_open": 1, "hihat_pedal": 1, "snare": 2,
               "snare_rimshot": 2, "snare_cross_stick": 2, "kick": 3, "tom_high": 4, "tom_mid": 4, "tom_floor": 4,
               "ride": 5, "ride_bell": 5, "splash": 6}
FOOT = {"kick", "hihat_pedal"}
# A model class's component when the model says nothing more (lib/transcribe/classes.ts aliases).
DEFAULT_COMPONENT = {"kick": "kick", "snare": "snare", "hihat_closed": "hihat_closed", "hihat_open": "hihat_open",
                     "tom": "tom_mid", "crash": "crash", "ride": "ride", "snare_cross_stick": "snare_cross_stick"}

MDB_COMPONENT = {
    "KD": "kick",
    "SD": "snare", "SDB": "snare", "SDD": "snare", "SDF": "snare", "SDG": "snare", "SDNS": "snare",
    "SST": "snare_cross_stick",
    "CHH": "hihat_closed", "PHH": "hihat_pedal", "OHH": "hihat_open",
    "HIT": "tom_high", "MHT": "tom_mid", "HFT": "tom_floor", "LFT": "tom_floor",
    "CRC": "crash", "CHC": "china", "SPC": "splash",
    "RDC": "ride", "RDB": "ride_bell",
}  # SHK, TMB: no component; chart notes on them are false positives, as in a chart


def band_of(velocity: float) -> str:
    return "ghost" if velocity < GHOST else "normal" if velocity < ACCENT else "accent"


# ---------------------------------------------------------------------------------------------
# The model as the app reads it


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
        return Model(file or MODELS_OUT / entry["file"], entry["version"], list(entry["classes"]),
                     {c: float(v) for c, v in entry["thresholds"].items()}, art["groups"] if art else None,
                     entry.get("calibration"))

    def key(self) -> str:
        if not hasattr(self, "_key"):
            self._key = hashlib.sha256(self.file.read_bytes()).hexdigest()[:16]
        return self._key


def run_model(model: Model, audio: np.ndarray, name: str) -> dict[str, np.ndarray]:
    """Outputs [frames, ...] of one clip, cached per model file and clip under work/artic_cache."""
    from export import run_ort

    cache = ensure(WORK / "artic_cache") / f"{model.key()}.{name}.npz"
    if cache.exists():
        return dict(np.load(cache))
    outs, _ = run_ort(model.file, audio[None].astype(np.float32), "audio")
    res = {k: v[0] for k, v in outs.items()}
    np.savez(cache, **res)
    return res


def run_many(model: Model, clips: np.ndarray, prefix: str) -> list[dict[str, np.ndarray]]:
    """Equal-length clips in one node process (evaluate's way), cached as one file."""
    from export import run_ort

    digest = hashlib.sha256(clips.tobytes()).hexdigest()[:12]
    cache = ensure(WORK / "artic_cache") / f"{model.key()}.{prefix}.{digest}.npz"
    if not cache.exists():
        outs = {}
        for i in range(0, len(clips), 50):
            part, _ = run_ort(model.file, clips[i:i + 50], "audio")
            for k, v in part.items():
                outs.setdefault(k, []).append(v)
        np.savez(cache, **{k: np.concatenate(v) for k, v in outs.items()})
    data = np.load(cache)
    return [{k: data[k][i] for k in data.files} for i in range(len(clips))]


# ---------------------------------------------------------------------------------------------
# The app's note picking (lib/transcribe/peaks.ts + limbs.ts), with the contract's articulation
# and calibration reading


@dataclass
class Note:
    t: float  # s
    cls: int
    component: str
    height: float  # peak onset probability (parabolic)
    raw_velocity: float  # the velocity output at the onset
    velocity: float  # what the chart carries (calibrated when the model has a map)
    confidence: float


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
    art = out.get("articulation")
    th = thresholds or model.thresholds
    cal = model.calibration if calibration is True else (calibration or None)
    group_of = {}
    if model.groups and art is not None:
        offset = 0
        for g in model.groups:
            group_of[g["class"]] = (offset, g["components"])
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
                comp = comps[int(np.argmax(probs))]  # the first on a tie, the group's default
            notes.append(Note((f + off) / fps, c, comp, h, raw, max(0.01, min(1.0, v)), conf))
            if probs is not None and all(LANE_OF[k] == "tom" for k in group_of[name][1]):
                tom_probs.append((len(notes) - 1, probs, group_of[name][1]))
    if tom_probs:  # toms are high/mid/floor relative to the kit: one component per drum of the song
        for (i, _, comps), k in zip(tom_probs, pitch_clusters([p for _, p, _ in tom_probs])):
            notes[i].component = comps[k]
    notes = [n for n in notes if 0 <= n.t < duration]  # chart.ts: notes within the audio
    notes.sort(key=lambda n: (n.t, n.cls))
    return resolve_simultaneous(notes)


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
    from itertools import combinations
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


# ---------------------------------------------------------------------------------------------
# References and matching


@dataclass
class Ref:
    t: float
    component: str | None  # None: lane known, articulation not
    velocity: float | None  # played velocity 0-1, None when unknown (MDB)
    band: str | None  # snare heads only: a velocity band ("ghost"/"normal"/"accent"), MDB "rest"
    mdb: str | None = None  # MDB Drums' subclass


@dataclass
class Track:
    """One scored clip: its chart, its references, and the lane matches."""
    name: str
    group: str  # leave-one-out unit (a song: its stem and its mix go together)
    refs: dict[str, list[Ref]]
    notes: list[Note]
    lane_notes: dict[str, list[Note]] = field(default_factory=dict)
    pairs: dict[str, list[tuple[int, int]]] = field(default_factory=dict)


def lane_of_note(n: Note) -> str:
    return LANE_OF[n.component]


def match(track: Track) -> Track:
    track.lane_notes = {lane: [n for n in track.notes if lane_of_note(n) == lane] for lane in LANES}
    for lane in LANES:
        r = np.array([x.t for x in track.refs[lane]])
        e = np.array([n.t for n in track.lane_notes[lane]])
        track.pairs[lane] = mir_eval.util.match_events(r, e, WINDOW) if len(r) and len(e) else []
    return track


def prf(hits: int, n_ref: int, n_est: int) -> dict:
    p = hits / n_est if n_est else 0.0
    r = hits / n_ref if n_ref else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": int(n_ref)}


def component_scores(tracks: list[Track]) -> tuple[dict, dict, dict]:
    """Per component and per lane (hits, refs, notes) as prf, and per lane the confusion counts
    {played component: {chart component: n}} of matched notes."""
    cnt = {c: [0, 0, 0] for c in COMPONENTS}
    lane_cnt = {lane: [0, 0, 0] for lane in LANES}
    conf: dict[str, dict[str, dict[str, int]]] = {lane: {} for lane in LANES}
    for tr in tracks:
        for lane in LANES:
            refs, notes, pairs = tr.refs[lane], tr.lane_notes[lane], tr.pairs[lane]
            lane_cnt[lane][0] += len(pairs)
            lane_cnt[lane][1] += len(refs)
            lane_cnt[lane][2] += len(notes)
            matched_ref = {a: b for a, b in pairs}
            matched_est = {b for _, b in pairs}
            for i, r in enumerate(refs):
                if r.component is None:
                    continue
                cnt[r.component][1] += 1
                if i in matched_ref:
                    got = notes[matched_ref[i]].component
                    cnt[r.component][0] += got == r.component
                    row = conf[lane].setdefault(r.component, {})
                    row[got] = row.get(got, 0) + 1
            for j, n in enumerate(notes):
                # a note matched to a reference of unknown articulation is neither right nor wrong
                unknown = j in matched_est and refs[next(a for a, b in pairs if b == j)].component is None
                if not unknown:
                    cnt[n.component][2] += 1
    return ({c: prf(*v) for c, v in cnt.items()}, {lane: prf(*v) for lane, v in lane_cnt.items()}, conf)


def cymbal_confusion(tracks: list[Track]) -> dict:
    """Crash and ride lanes matched as one: references answered by the other cymbal."""
    n_ref = wrong = 0
    for tr in tracks:
        refs = [(r.t, "crash") for r in tr.refs["crash"]] + [(r.t, "ride") for r in tr.refs["ride"]]
        notes = tr.lane_notes["crash"] + tr.lane_notes["ride"]
        n_ref += len(refs)
        if not refs or not notes:
            continue
        pairs = mir_eval.util.match_events(np.array([t for t, _ in refs]), np.array([n.t for n in notes]), WINDOW)
        wrong += sum(refs[a][1] != lane_of_note(notes[b]) for a, b in pairs)
    return {"cymbalHits": n_ref, "rideCrashConfusions": wrong, "share": round(wrong / n_ref, 4) if n_ref else None}


def velocity_scores(tracks: list[Track]) -> dict | None:
    """Spearman of chart vs played velocity on matched kick and snare notes; band agreement."""
    rows = {"kick": [], "snare": []}
    for tr in tracks:
        for lane in rows:
            for a, b in tr.pairs[lane]:
                r, n = tr.refs[lane][a], tr.lane_notes[lane][b]
                if r.velocity is not None and "snare_cross_stick" not in (r.component, n.component):
                    rows[lane].append((n.velocity, r.velocity))
    if not rows["kick"] and not rows["snare"]:
        return None
    out = {}
    for key, pts in (("kick", rows["kick"]), ("snare", rows["snare"]), ("kick_snare", rows["kick"] + rows["snare"])):
        if len(pts) < 3:
            continue
        est, ref = np.array(pts).T
        rho = spearmanr(est, ref).correlation
        bands = {b: {c: 0 for c in BANDS} for b in BANDS}  # played band -> charted band
        for e, r in pts:
            bands[band_of(r)][band_of(e)] += 1
        out[key] = {"spearman": round(float(rho), 4) if np.isfinite(rho) else None, "n": len(pts),
                    "bandAgreement": round(float(np.mean([band_of(e) == band_of(r) for e, r in pts])), 4),
                    "meanAbsError": round(float(np.mean(np.abs(est - ref))), 4), "bands": bands}
    return out


def snare_bands(tracks: list[Track], bands: tuple[str, ...]) -> dict:
    """Snare-head F1 per velocity band. A reference's band is the played one; a chart note takes
    the band of the reference it matched, else that of its own velocity (MDB: ghost or rest)."""
    cnt = {b: [0, 0, 0] for b in bands}
    for tr in tracks:
        refs = [r for r in tr.refs["snare"] if r.band is not None]
        notes = [n for n in tr.lane_notes["snare"] if n.component != "snare_cross_stick"]
        pairs = mir_eval.util.match_events(np.array([r.t for r in refs]), np.array([n.t for n in notes]),
                                           WINDOW) if refs and notes else []
        matched = {b: a for a, b in pairs}
        for r in refs:
            cnt[r.band][1] += 1
        for a, _ in pairs:
            cnt[refs[a].band][0] += 1
        for j, n in enumerate(notes):
            if j in matched:
                cnt[refs[matched[j]].band][2] += 1
            else:
                b = band_of(n.velocity)
                cnt[b if b in cnt else "rest"][2] += 1
    res = {b: prf(*v) for b, v in cnt.items()}
    res["all"] = prf(*np.sum(list(cnt.values()), axis=0))
    return res


# ---------------------------------------------------------------------------------------------
# Calibration


def note_labels(tracks: list[Track]) -> list[tuple[str, float, float, bool]]:
    """(class, peak height, chart confidence, is real) of every chart note: real = matched to a
    reference on its lane."""
    out = []
    for tr in tracks:
        for lane in LANES:
            matched = {b for _, b in tr.pairs[lane]}
            out += [(n.cls, n.height, n.confidence, j in matched) for j, n in enumerate(tr.lane_notes[lane])]
    return out


def velocity_pairs(tracks: list[Track]) -> list[tuple[int, float, float]]:
    """(class, velocity output, played velocity) of matched notes with a known velocity."""
    out = []
    for tr in tracks:
        for lane in LANES:
            for a, b in tr.pairs[lane]:
                r, n = tr.refs[lane][a], tr.lane_notes[lane][b]
                if r.velocity is not None:
                    out.append((n.cls, n.raw_velocity, r.velocity))
    return out


ECE_BINS = 10


def reliability(conf: np.ndarray, real: np.ndarray) -> dict:
    """Expected calibration error over 10 equal-width bins and the bins; how well confidence ranks
    real above false notes (AUC); and what the editor's "unsure" mark (confidence < 0.5) catches:
    how many notes, the share of them that are false, the share of false notes among them."""
    edges = np.linspace(0, 1, ECE_BINS + 1)
    idx = np.clip(np.searchsorted(edges, conf, side="right") - 1, 0, ECE_BINS - 1)
    rows, ece = [], 0.0
    for b in range(ECE_BINS):
        m = idx == b
        if not m.any():
            continue
        c, a = float(conf[m].mean()), float(real[m].mean())
        ece += m.sum() / len(conf) * abs(c - a)
        rows.append({"bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}", "n": int(m.sum()), "confidence": round(c, 3),
                     "real": round(a, 3)})
    pos, neg = real > 0.5, real <= 0.5
    auc = None
    if pos.any() and neg.any():
        ranks = rankdata(conf)
        auc = round(float((ranks[pos].sum() - pos.sum() * (pos.sum() + 1) / 2) / (pos.sum() * neg.sum())), 4)
    unsure = conf < 0.5
    return {"ece": round(float(ece), 4), "auc": auc, "bins": rows,
            "unsure": {"notes": int(unsure.sum()),
                       "falseShare": round(float(neg[unsure].mean()), 4) if unsure.any() else None,
                       "falseCaught": round(float(unsure[neg].mean()), 4) if neg.any() else None}}


def isotonic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pool-adjacent-violators least squares fit, non-decreasing in x: (x, fitted y) sorted."""
    order = np.argsort(x, kind="stable")
    xs, ys = x[order].astype(np.float64), y[order].astype(np.float64)
    vals, weights, sizes = [], [], []
    for v in ys:
        vals.append(v)
        weights.append(1.0)
        sizes.append(1)
        while len(vals) > 1 and vals[-2] > vals[-1]:
            w = weights[-2] + weights[-1]
            vals[-2] = (vals[-2] * weights[-2] + vals[-1] * weights[-1]) / w
            weights[-2] = w
            sizes[-2] += sizes[-1]
            del vals[-1], weights[-1], sizes[-1]
    return xs, np.repeat(vals, sizes)


MAX_POINTS = 32
MIN_NOTES = 40  # fewer matched or picked notes of a class: no map, the class keeps today's rule
PER_POINT = 20  # notes behind each point at least


def thin(xs: np.ndarray, fy: np.ndarray) -> list[list[float]] | None:
    """A sorted monotone fit as at most 32 points: the means of equal-count runs of notes (so the
    ends are not a single note's value), x strictly increasing, y non-decreasing."""
    k = max(2, min(MAX_POINTS, len(xs) // PER_POINT))
    pts: list[list[float]] = []
    for run in np.array_split(np.arange(len(xs)), k):
        x, y = round(float(xs[run].mean()), 4), round(float(np.clip(fy[run].mean(), 0, 1)), 4)
        if pts and x <= pts[-1][0]:  # ties of x (capped heights): one point, the later run's value
            pts[-1][1] = max(pts[-1][1], y)
            continue
        pts.append([x, max(y, pts[-1][1]) if pts else y])
    return simplify(pts) if len(pts) >= 2 else None


SIMPLIFY_TOLERANCE = 0.005


def simplify(pts: list[list[float]]) -> list[list[float]]:
    """Drops points the line through their neighbours passes within 0.005 of (flat runs of an
    isotonic fit, straight stretches), fewest-change first; the ends stay."""
    pts = [list(p) for p in pts]
    while len(pts) > 2:
        errs = [abs(pts[i][1] - np.interp(pts[i][0], [pts[i - 1][0], pts[i + 1][0]], [pts[i - 1][1], pts[i + 1][1]]))
                for i in range(1, len(pts) - 1)]
        i = int(np.argmin(errs))
        if errs[i] > SIMPLIFY_TOLERANCE:
            break
        del pts[i + 1]
    return pts


def fit_map(x: np.ndarray, y: np.ndarray) -> list[list[float]] | None:
    """Isotonic (least squares, non-decreasing) fit of y on x, thinned to <= 32 points."""
    if len(x) < MIN_NOTES:
        return None
    return thin(*isotonic(x, y))


def fit_quantile_map(x: np.ndarray, y: np.ndarray) -> list[list[float]] | None:
    """The monotone map that gives the outputs the played values' distribution (quantile matching):
    an isotonic fit regresses to the mean, so few notes would reach the ghost and accent bands."""
    if len(x) < MIN_NOTES:
        return None
    return thin(np.sort(x), np.sort(y))


VELOCITY_FIT = {"isotonic": fit_map, "quantile": fit_quantile_map}


def fit_calibration(tracks: list[Track], classes: list[str], velocity_fit: str = "isotonic") -> dict:
    conf_map, vel_map = {}, {}
    labels = note_labels(tracks)
    for c, name in enumerate(classes):
        pts = [(h, r) for k, h, _, r in labels if k == c]
        if pts:
            m = fit_map(*map(np.array, zip(*pts)))
            if m:
                conf_map[name] = m
    vp = velocity_pairs(tracks)
    for c, name in enumerate(classes):
        pts = [(v, p) for k, v, p in vp if k == c]
        if pts:
            m = VELOCITY_FIT[velocity_fit](*map(np.array, zip(*pts)))
            if m:
                vel_map[name] = m
    return {"confidence": conf_map, "velocity": vel_map}


def check_map(points: list[list[float]]) -> None:
    """The contract: 2-32 points, x strictly increasing, y non-decreasing, both in [0, 1]."""
    assert 2 <= len(points) <= MAX_POINTS, len(points)
    xs, ys = np.array(points).T
    assert np.all(np.diff(xs) > 0) and np.all(np.diff(ys) >= 0), points
    assert xs.min() >= 0 and xs.max() <= 1 and ys.min() >= 0 and ys.max() <= 1, points


# ---------------------------------------------------------------------------------------------
# Data sets


@dataclass
class Clip:
    name: str
    group: str
    out: dict[str, np.ndarray]
    duration: float
    refs: dict[str, list[Ref]]
    thresholds: dict[str, float] | None = None  # chosen without this clip's song (MDB), else the manifest's


def mdb_refs(path: Path) -> dict[str, list[Ref]]:
    refs: dict[str, list[Ref]] = {lane: [] for lane in LANES}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) < 2 or parts[1] not in MDB_COMPONENT:
            continue
        comp = MDB_COMPONENT[parts[1]]
        band = None
        if comp == "snare":
            band = "ghost" if parts[1] == "SDG" else "rest"
        refs[LANE_OF[comp]].append(Ref(float(parts[0]), comp, None, band, parts[1]))
    for lane in refs:
        refs[lane].sort(key=lambda r: r.t)
    return refs


def mdb_sets(model: Model, mdb: Path) -> dict[str, list[Clip]]:
    from evaluate_real import read_mono

    sets: dict[str, list[Clip]] = {"mdb_drums": [], "mdb_mixes": []}
    for ann in sorted((mdb / "annotations" / "subclass").glob("*_subclass.txt")):
        name = ann.name.removesuffix("_subclass.txt")
        refs = mdb_refs(ann)
        for key, path in (("mdb_drums", mdb / "audio" / "drum_only" / f"{name}_Drum.wav"),
                          ("mdb_mixes", mdb / "audio" / "full_mix" / f"{name}_MIX.wav")):
            if path.exists():
                audio = read_mono(path)
                sets[key].append(Clip(name, name, run_model(model, audio, f"{key}.{name}"), len(audio) / SR, refs))
    return sets


ARTIC_VAL = "drums_artic_val.npz"


def synthetic_refs(events: np.ndarray, n_clips: int, classes: list[str]) -> list[dict[str, list[Ref]]]:
    refs = [{lane: [] for lane in LANES} for _ in range(n_clips)]
    for clip, t, c, v, comp in events:
        k = int(comp)
        name = COMPONENTS[k] if k >= 0 else DEFAULT_COMPONENT.get(classes[int(c)] if int(c) < len(classes) else "", None)
        if name is None:
            continue
        lane = LANE_OF[name]
        band = band_of(float(v)) if LANE_OF[name] == "snare" and name != "snare_cross_stick" else None
        refs[int(clip)][lane].append(Ref(float(t), name if k >= 0 else None, float(v), band))
    for r in refs:
        for lane in r:
            r[lane].sort(key=lambda x: x.t)
    return refs


def synthetic_sets(model: Model) -> dict[str, list[Clip]]:
    """The held-out articulation set alone and under held-out accompaniment (evaluate.val_set's
    way: TimGM6mb accompaniment at a drums-to-accompaniment RMS ratio of -6..+12 dB)."""
    path = WORK / ARTIC_VAL
    if not path.exists():
        return {}
    d = np.load(path, allow_pickle=True)
    audio = d["audio"].astype(np.float32)
    info = json.loads(str(d["info"])) if "info" in d.files else {}
    refs = synthetic_refs(d["events"], len(audio), info.get("classes") or model.classes)
    duration = audio.shape[1] / SR
    sets = {"synthetic_drums": audio}
    acc_path = WORK / "accomp_val.npy"
    if "mix" in d.files:
        sets["synthetic_mix"] = d["mix"].astype(np.float32)
    elif acc_path.exists():
        from evaluate import rms
        acc = np.load(acc_path).astype(np.float32)
        rng = np.random.default_rng(1234)
        n = audio.shape[1]
        mixes = []
        for i in range(len(audio)):
            a = acc[i % len(acc)]
            o = int(rng.integers(0, len(a) - n))
            seg = a[o:o + n]
            mixes.append(audio[i] + seg * rms(audio[i]) / rms(seg) * 10 ** (-rng.uniform(-6, 12) / 20))
        sets["synthetic_mix"] = np.stack(mixes)
    out = {}
    for key, clips in sets.items():
        outs = run_many(model, clips, key)
        out[key] = [Clip(f"{key}.{i}", f"clip{i}", outs[i], duration, refs[i]) for i in range(len(clips))]
    return out


# ---------------------------------------------------------------------------------------------
# The command


_scored: dict[tuple[str, str], Track] = {}


def score(clips: list[Clip], model: Model, fps: float, **pick) -> list[Track]:
    """Each clip's matched chart; the leave-one-out folds score the same clip with the same settings
    many times, so charts are remembered per clip and settings."""
    key = json.dumps(pick, sort_keys=True, default=str)
    out = []
    for c in clips:
        k = (f"{model.key()}.{c.name}", key)
        if k not in _scored:
            opts = {"thresholds": c.thresholds, **pick}
            _scored[k] = match(Track(c.name, c.group, c.refs, pick_notes(c.out, model, fps, c.duration, **opts)))
        out.append(_scored[k])
    return out


CONTEXT_GRID = [{"low": round(float(low), 2), "span": 2.0, "gap": 0.08, "max_velocity": mv}
                for low in np.arange(0.1, 0.76, 0.05) for mv in (None, GHOST)]


def tune_context(clips: list[Clip], model: Model, fps: float) -> dict | None:
    """The context rule's settings with the best snare-head F1 on `clips`; None where no setting
    beats the plain threshold there."""
    def f1(ctx: dict | None) -> float:
        return snare_bands(score(clips, model, fps, calibration=False, context=ctx), ALL_BANDS)["all"]["f1"]
    best, best_f1 = None, f1(None)
    for ctx in CONTEXT_GRID:
        v = f1(ctx)
        if v > best_f1 + 1e-9:
            best, best_f1 = ctx, v
    return best


ALL_BANDS = ("ghost", "normal", "accent", "rest")


def loto_thresholds(model: Model, sets: dict[str, list[Clip]], fps: float) -> None:
    """MDB Drums: each song's clips get the thresholds evaluate-real --calibrate would choose on the
    other songs (evaluate_real.tune_on, on the app's peak picking), since the shipped thresholds
    were chosen on these very tracks. The cross-stick output (1.9.0) keeps the manifest's."""
    from common import CLASSES, N_CLASSES
    from evaluate_real import GRID, MDB_TO_CLASS, ROWS, tune_on

    conds = {"mdb_drums": "drums_only", "mdb_mixes": "mix"}
    cube: dict[str, dict[str, np.ndarray]] = {cond: {} for cond in conds.values()}
    for key, cond in conds.items():
        for clip in sets.get(key, []):
            per_class = [np.array(sorted(r.t for lane in clip.refs.values() for r in lane
                                         if r.mdb in MDB_TO_CLASS and MDB_TO_CLASS[r.mdb] == c)) for c in range(N_CLASSES)]
            counts = np.zeros((len(GRID), len(ROWS), 3), dtype=np.int64)
            for c, name in enumerate(CLASSES):
                col = model.classes.index(name)
                for g, th in enumerate(GRID):
                    est = np.array([(f + o) / fps for f, o, _ in suppress(candidates(clip.out["onset"][:, col], th), fps)])
                    ref = per_class[c]
                    hits = len(mir_eval.util.match_events(ref, est, WINDOW)) if len(ref) and len(est) else 0
                    counts[g, c] = (hits, len(ref), len(est))
            cube[cond][clip.group] = counts
    synthetic = MODEL_SYNTHETIC_THRESHOLDS.get(model.version) or model.thresholds
    fallback = [float(synthetic[c]) for c in CLASSES]
    songs = sorted({c.group for key in conds for c in sets.get(key, [])})
    for song in songs:
        chosen = dict(zip(CLASSES, tune_on(cube, [s for s in songs if s != song], fallback)))
        for key in conds:
            for clip in sets.get(key, []):
                if clip.group == song:
                    clip.thresholds = {**model.thresholds, **chosen}


MODEL_SYNTHETIC_THRESHOLDS: dict[str, dict[str, float]] = {}  # version -> metrics.thresholds (fallbacks)


def evaluate_set(clips: list[Clip], model: Model, fps: float, fold, fitted: dict | None,
                 bands: tuple[str, ...]) -> dict:
    """Every figure for one set and condition. `fold(clips)` -> [(train, test)] splits for what is
    tuned here (context threshold, MDB-fitted calibration); `fitted` is the shipped calibration."""
    base = score(clips, model, fps, calibration=False)
    comp, lanes, confusions = component_scores(base)
    res = {"clips": len(clips), "componentF1": comp, "laneF1": lanes, "confusions": confusions,
           "rideVsCrash": cymbal_confusion(base), "snareByBand": snare_bands(base, bands)}
    vel = velocity_scores(base)
    if vel:
        res["velocity"] = vel
    # context-dependent snare threshold, tuned on each fold's training part
    ctx_tracks, chosen = [], []
    for train, test in fold(clips):
        ctx = tune_context(train, model, fps)
        chosen.append(ctx["low"] if ctx else None)
        ctx_tracks += score(test, model, fps, calibration=False, context=ctx)
    res["snareContext"] = {"byBand": snare_bands(ctx_tracks, bands), "lowThresholds": chosen}
    # calibration: before, with the shipped maps, with maps fitted on each fold's training part
    labels = note_labels(base)
    conf = np.array([c for _, _, c, _ in labels])
    real = np.array([r for _, _, _, r in labels], dtype=float)
    cal = {"notes": len(labels), "before": reliability(conf, real)}
    if fitted:
        after = score(clips, model, fps, calibration=fitted)
        lab = note_labels(after)
        cal["shippedMaps"] = reliability(np.array([c for _, _, c, _ in lab]), np.array([r for *_, r in lab], dtype=float))
        v = velocity_scores(after)
        if v:
            res["velocityCalibrated"] = v
        res["snareByBandCalibrated"] = snare_bands(after, bands)
    folded = []
    for train, test in fold(clips):
        folded += score(test, model, fps, calibration=fit_calibration(score(train, model, fps, calibration=False),
                                                                      model.classes))
    lab = note_labels(folded)
    cal["foldFitted"] = reliability(np.array([c for _, _, c, _ in lab]), np.array([r for *_, r in lab], dtype=float))
    res["calibration"] = cal
    return res


def leave_one_group_out(pool: list[Clip]):
    """Folds over songs: each song's clips are scored with what the other songs chose."""
    def fold(clips: list[Clip]):
        groups = sorted({c.group for c in clips})
        return [([c for c in pool if c.group != g], [c for c in clips if c.group == g]) for g in groups]
    return fold


def halves(clips: list[Clip]):
    n = len(clips) // 2
    return [(clips[:n], clips[n:])]


def evaluate_articulations(model_file: Path | None = None, mdb: Path | None = None,
                           write_manifest: bool = False) -> dict:
    from export import load_manifest, save_manifest

    man = load_manifest()
    entry = next(m for m in man["models"] if m["task"] == "transcription")
    if model_file and model_file.name != entry["file"]:
        raise SystemExit(f"{model_file} is not the manifest's transcriber ({entry['file']}): its classes, "
                         "thresholds and articulation groups are read from the manifest entry.")
    model = Model.from_manifest(entry)
    model.calibration = None  # scored before and after explicitly
    fps = float(entry["frameRate"])
    print(f"transcriber {model.version} ({model.file.name}, onnxruntime-node), classes {model.classes}, "
          f"articulation output: {'yes' if model.groups else 'no (class defaults)'}", flush=True)

    sets: dict[str, list[Clip]] = synthetic_sets(model)
    if not sets:
        print(f"  (no {ARTIC_VAL} in {WORK}: the held-out synthetic set is skipped, no calibration is fitted)")
    fitted, fitted_on = None, None
    if sets:
        tune_half = halves(sets["synthetic_drums"])[0][0]
        pool = tune_half + (halves(sets["synthetic_mix"])[0][0] if "synthetic_mix" in sets else [])
        fitted = fit_calibration(score(pool, model, fps, calibration=False), model.classes)
        for maps in fitted.values():
            for pts in maps.values():
                check_map(pts)
        fitted_on = (f"{ARTIC_VAL}: the first {len(tune_half)} held-out synthetic clips"
                     + (" alone and under held-out accompaniment" if "synthetic_mix" in sets else "")
                     + "; figures on the other half")
    if mdb:
        sets.update(mdb_sets(model, mdb))
        MODEL_SYNTHETIC_THRESHOLDS[model.version] = entry.get("metrics", {}).get("thresholds") or {}
        loto_thresholds(model, sets, fps)
    mdb_pool = sets.get("mdb_drums", []) + sets.get("mdb_mixes", [])

    results = {}
    for key, clips in sets.items():
        if not clips:
            continue
        print(f"scoring {key} ({len(clips)} clips)", flush=True)
        if key.startswith("synthetic"):
            test = halves(clips)[0][1]
            results[key] = evaluate_set(test, model, fps, lambda _c, k=key: halves(sets[k]), fitted,
                                        BANDS)
            results[key]["scoredOn"] = f"clips {len(clips) - len(test)}-{len(clips) - 1} (tuning and fitting on the others)"
        else:
            results[key] = evaluate_set(clips, model, fps, leave_one_group_out(mdb_pool), fitted,
                                        ("ghost", "rest"))
            results[key]["scoredOn"] = ("every track, with the thresholds evaluate-real --calibrate chooses on the other "
                                        "songs; tuned and fitted parts leave-one-song-out (stem and mix together)")
    report = {"model": f"{entry['name']} {model.version}", "file": model.file.name,
              "evaluatedWith": "ONNX (onnxruntime-node), the app's peak picking (peaks.ts) and limb rules (limbs.ts), "
                               "the manifest's thresholds (MDB: chosen leave-one-song-out)",
              "onsetWindowSeconds": WINDOW, "sets": results}
    print_report(report)
    if fitted:
        ece = {k: results[k]["calibration"] for k in results if k.startswith("synthetic")}
        before = [v["before"]["ece"] for v in ece.values()]
        after = [v["shippedMaps"]["ece"] for v in ece.values()]
        calibration = {**fitted, "fittedOn": fitted_on,
                       "ece": {"before": round(float(np.mean(before)), 4), "after": round(float(np.mean(after)), 4)}}
        print(f"\ncalibration fitted: {json.dumps(calibration)}")
    summary = manifest_summary(report)
    ensure(WORK)
    (WORK / f"articulations-{model.version}.json").write_text(json.dumps({"summary": summary, "report": report}))
    print_tables(model.version)
    if write_manifest:
        man = load_manifest()  # afresh: only this entry's two fields change
        entry = next(m for m in man["models"] if m["task"] == "transcription")
        if fitted:
            entry["calibration"] = calibration
        entry["articulationMetrics"] = summary
        save_manifest(man)
        print("calibration and articulation metrics written to public/models/manifest.json")
    return report


def print_tables(version: str) -> None:
    """docs/MODELS.md's tables: this version and the one before it, where that one was measured here
    (work/articulations-<version>.json), and the reliability diagram of this one."""
    from card import articulation_tables, reliability_table

    def key(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in v.split("."))
    saved = {p.name.removeprefix("articulations-").removesuffix(".json"): p
             for p in WORK.glob("articulations-*.json")}
    older = sorted((v for v in saved if key(v) < key(version)), key=key)[-1:]
    versions = [(v, json.loads(saved[v].read_text())["summary"]) for v in [*older, version]]
    print("\n" + articulation_tables(versions))
    print("\nReliability (share of notes that are real, per confidence bin), " + version + ":\n")
    print(reliability_table(json.loads(saved[version].read_text())["report"]))


def manifest_summary(report: dict) -> dict:
    """What the manifest keeps: every table's figures, without the reliability bins' detail."""
    sets = {}
    for key, r in report["sets"].items():
        s = {"clips": r["clips"], "scoredOn": r["scoredOn"],
             "componentF1": {c: v for c, v in r["componentF1"].items() if v["support"] or v["precision"]},
             "laneF1": r["laneF1"], "confusions": r["confusions"], "rideVsCrash": r["rideVsCrash"],
             "snareByBand": r["snareByBand"], "snareContext": r["snareContext"]["byBand"],
             "confidence": {k: {"ece": v["ece"], "auc": v["auc"], "unsure": v["unsure"]}
                            for k, v in r["calibration"].items() if isinstance(v, dict)},
             "calibratedNotes": r["calibration"]["notes"]}
        for k in ("velocity", "velocityCalibrated"):
            if k in r:
                s[k] = r[k]
        sets[key] = s
    return {"evaluatedWith": report["evaluatedWith"], "onsetWindowSeconds": report["onsetWindowSeconds"],
            "command": "/usr/bin/python3 training/cli.py evaluate-articulations --mdb <MDB Drums> --write-manifest",
            "sets": sets}


def f1_cell(v: dict) -> str:
    return f"**{v['f1']:.3f}** ({v['precision']:.2f} / {v['recall']:.2f}), n={v['support']}"


def print_report(report: dict) -> None:
    sets = report["sets"]
    keys = list(sets)
    print(f"\n{report['model']} — {report['evaluatedWith']}; onsets within {report['onsetWindowSeconds'] * 1000:.0f} ms")
    print("\nPer-component F1 (precision / recall), a hit = same lane within the window and the played component:")
    print("| component | " + " | ".join(keys) + " |")
    print("|---|" + "---|" * len(keys))
    for c in COMPONENTS:
        cells = [f1_cell(sets[k]["componentF1"][c]) if sets[k]["componentF1"][c]["support"]
                 or sets[k]["componentF1"][c]["precision"] else "—" for k in keys]
        if any(x != "—" for x in cells):
            print(f"| {c} | " + " | ".join(cells) + " |")
    for lane in LANES:
        print(f"| lane: {lane} | " + " | ".join(f1_cell(sets[k]["laneF1"][lane]) for k in keys) + " |")
    print("| ride-vs-crash confusions / cymbal hits | " + " | ".join(
        f"{sets[k]['rideVsCrash']['rideCrashConfusions']} / {sets[k]['rideVsCrash']['cymbalHits']}"
        + (f" ({sets[k]['rideVsCrash']['share']:.1%})" if sets[k]['rideVsCrash']['share'] is not None else "")
        for k in keys) + " |")
    print("\nConfusions within a lane (played -> charted, matched notes):")
    for k in keys:
        rows = [f"{lane}: " + "; ".join(f"{p} -> " + ", ".join(f"{g} {n}" for g, n in sorted(row.items()))
                                        for p, row in sorted(conf.items()))
                for lane, conf in sets[k]["confusions"].items() if lane not in ("kick",) and conf]
        print(f"  {k}: " + " | ".join(rows))
    vel = [k for k in keys if "velocity" in sets[k]]
    if vel:
        print("\nVelocity, matched notes (Spearman rho; band agreement; mean |error|), raw output -> calibrated:")
        for k in vel:
            for lane, v in sets[k]["velocity"].items():
                c = sets[k].get("velocityCalibrated", {}).get(lane)
                after = f" -> {c['spearman']}; {c['bandAgreement']:.2f}; {c['meanAbsError']:.3f}" if c else ""
                print(f"  {k} {lane}: rho {v['spearman']}; {v['bandAgreement']:.2f}; {v['meanAbsError']:.3f}{after}"
                      f" (n={v['n']})")
                for label, x in (("raw", v), ("calibrated", c)):
                    if x and lane != "kick_snare":
                        print(f"    played band -> charted band ({label}): " + "; ".join(
                            f"{p}: " + " ".join(f"{q} {n}" for q, n in row.items()) for p, row in x["bands"].items()))
    print("\nSnare (head) F1 per velocity band: shipped threshold | context rule (low threshold chosen out of fold):")
    for k in keys:
        b, c = sets[k]["snareByBand"], sets[k]["snareContext"]["byBand"]
        print(f"  {k}: " + "; ".join(f"{band} {f1_cell(b[band])} | {c[band]['f1']:.3f} "
                                     f"({c[band]['precision']:.2f} / {c[band]['recall']:.2f})" for band in b)
              + f"; low thresholds {sets[k]['snareContext']['lowThresholds']}")
    print("\nConfidence (notes of the chart, real = matched on its lane): ECE over 10 bins; AUC real vs false; "
          "'unsure' (< 0.5, the editor's mark): notes, share false, share of false notes marked")
    for k in keys:
        cal = sets[k]["calibration"]
        print(f"  {k}: {cal['notes']} notes")
        for label, text in (("before", "today's rule"), ("shippedMaps", "shipped maps (synthetic fit)"),
                            ("foldFitted", "maps fitted out of fold")):
            if label in cal:
                v, u = cal[label], cal[label]["unsure"]
                print(f"    {text:30s} ECE {v['ece']:.3f}  AUC {v['auc']}  unsure {u['notes']} "
                      f"(false {u['falseShare']}, catches {u['falseCaught']} of false notes)")
        for label in ("before", "shippedMaps"):
            if label in cal:
                print(f"    reliability, {label}: " + "  ".join(
                    f"[{b['bin']}] n={b['n']} conf {b['confidence']:.2f} real {b['real']:.2f}" for b in cal[label]["bins"]))
