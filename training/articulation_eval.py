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
from dataclasses import dataclass, field, replace
from pathlib import Path

import mir_eval
import numpy as np
from scipy.stats import spearmanr

from app_notes import COMPONENTS, DEFAULT_COMPONENT, Model, Note, candidates, check_port, pick_notes, suppress
from calibration_fit import check_map, fit_map, fit_quantile_map, reliability
from common import SR, WORK, ensure

WINDOW = 0.05  # onset window, s (as evaluate and evaluate-real)
GHOST, ACCENT = 0.4, 0.85  # the format's velocity bands (docs/FORMAT.md)
BANDS = ("ghost", "normal", "accent")

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

MDB_COMPONENT = {
    "KD": "kick",
    "SD": "snare", "SDB": "snare", "SDD": "snare", "SDF": "snare", "SDG": "snare", "SDNS": "snare",
    "SST": "snare_cross_stick",
    "CHH": "hihat_closed", "PHH": "hihat_pedal", "OHH": "hihat_open",
    "HIT": "tom_high", "MHT": "tom_mid", "HFT": "tom_floor", "LFT": "tom_floor",
    "CRC": "crash", "CHC": "china", "SPC": "splash",
    "RDC": "ride", "RDB": "ride_bell",
}  # SHK, TMB: no component; chart notes on them are false positives, as in a chart
# MDB marks no rimshots: its snare strokes (SD, SDF, SDG, ...) may be either, so a chart's rimshot on
# one counts as right (and as a snare in the snare row); its side sticks (SST) are cross-sticks.
HEAD_OR_RIM = frozenset({"snare", "snare_rimshot"})


def band_of(velocity: float) -> str:
    return "ghost" if velocity < GHOST else "normal" if velocity < ACCENT else "accent"


# ---------------------------------------------------------------------------------------------
# Model outputs (onnxruntime-node), cached


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
# References and matching


@dataclass
class Ref:
    t: float
    component: str | None  # None: lane known, articulation not
    velocity: float | None  # played velocity 0-1, None when unknown (MDB)
    band: str | None  # snare heads only: a velocity band ("ghost"/"normal"/"accent"), MDB "rest"
    mdb: str | None = None  # MDB Drums' subclass
    accept: frozenset[str] | None = None  # chart components that count as right, if not only `component`


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
            counted_as: dict[int, str | None] = {}  # chart note -> the component it counts for
            for i, r in enumerate(refs):
                if r.component is None:
                    if i in matched_ref:
                        counted_as[matched_ref[i]] = None  # unknown articulation: neither right nor wrong
                    continue
                cnt[r.component][1] += 1
                if i in matched_ref:
                    got = notes[matched_ref[i]].component
                    right = got in (r.accept or {r.component})
                    cnt[r.component][0] += right
                    counted_as[matched_ref[i]] = r.component if right else got
                    row = conf[lane].setdefault(r.component, {})
                    row[got] = row.get(got, 0) + 1
            for j, n in enumerate(notes):
                comp = counted_as.get(j, n.component)
                if comp is not None:
                    cnt[comp][2] += 1
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


def drop_unhelpful_velocity_maps(fitted: dict, tracks: list[Track], classes: list[str]) -> list[str]:
    """A velocity output trained to the played velocity (1.9.0 on) may need no map: keep a class's
    map only where, fitted on one half of the fitting clips, it lowers the mean absolute error on the
    other half (both ways). The held-out figures never choose. Returns the classes dropped."""
    halves_ = (tracks[0::2], tracks[1::2])
    dropped = []
    for c, name in enumerate(classes):
        if name not in fitted["velocity"]:
            continue
        raw_err = map_err = 0.0
        for fit_on, check_on in (halves_, halves_[::-1]):
            pts = np.array([(v, p) for k, v, p in velocity_pairs(fit_on) if k == c])
            check = np.array([(v, p) for k, v, p in velocity_pairs(check_on) if k == c])
            m = fit_map(pts[:, 0], pts[:, 1]) if len(pts) else None
            if m is None or not len(check):
                map_err = math.inf
                break
            raw_err += float(np.abs(np.clip(check[:, 0], 0.01, 1) - check[:, 1]).sum())
            map_err += float(np.abs(np.interp(check[:, 0], *zip(*m)) - check[:, 1]).sum())
        if map_err >= raw_err:
            del fitted["velocity"][name]
            dropped.append(name)
    return dropped


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
        band = accept = None
        if comp == "snare":
            band = "ghost" if parts[1] == "SDG" else "rest"
            accept = HEAD_OR_RIM
        refs[LANE_OF[comp]].append(Ref(float(parts[0]), comp, None, band, parts[1], accept))
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


def synthetic_refs(events: np.ndarray, n_clips: int, classes: list[str],
                   components: list[str]) -> list[dict[str, list[Ref]]]:
    """Events (clip, time, class, velocity, component index; -1 unknown) -> references per lane."""
    refs = [{lane: [] for lane in LANES} for _ in range(n_clips)]
    for clip, t, c, v, comp in events:
        k = int(comp)
        name = components[k] if k >= 0 else DEFAULT_COMPONENT.get(classes[int(c)] if int(c) < len(classes) else "", None)
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
    refs = synthetic_refs(d["events"], len(audio), info.get("classes") or model.classes,
                          info.get("components") or COMPONENTS)
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
    key = json.dumps([pick, model.groups], sort_keys=True, default=str)  # groups: their minProbability
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


def tune_context(clips: list[Clip], model: Model, fps: float, calibration: dict | None) -> dict | None:
    """The context rule's settings with the best snare-head F1 on `clips`; None where no setting
    beats the plain threshold there."""
    def f1(ctx: dict | None) -> float:
        tracks = score(clips, model, fps, calibration=calibration or False, context=ctx)
        return snare_bands(tracks, ALL_BANDS)["all"]["f1"]
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


def labelled(tracks: list[Track]) -> dict:
    labels = note_labels(tracks)
    return reliability(np.array([c for _, _, c, _ in labels]), np.array([r for *_, r in labels], dtype=float))


def evaluate_set(clips: list[Clip], model: Model, fps: float, fold, fitted: dict | None,
                 bands: tuple[str, ...]) -> dict:
    """Every figure for one set and condition. The chart is scored as it ships, with `fitted` (the
    calibration the manifest carries: through confidence it also decides which of two notes on a
    lane the limb rules keep); `fold(clips)` -> [(train, test)] splits for what is tuned here (the
    context threshold, calibration fitted on the set itself)."""
    plain = score(clips, model, fps, calibration=False)  # today's rules, no maps
    chart = score(clips, model, fps, calibration=fitted or False)
    comp, lanes, confusions = component_scores(chart)
    res = {"clips": len(clips), "componentF1": comp, "laneF1": lanes, "confusions": confusions,
           "rideVsCrash": cymbal_confusion(chart), "snareByBand": snare_bands(chart, bands)}
    raw = velocity_scores(plain)
    if raw:
        res["velocity"] = raw
    calibrated = velocity_scores(chart) if fitted else None
    if calibrated:
        res["velocityCalibrated"] = calibrated
    # context-dependent snare threshold, tuned on each fold's training part
    ctx_tracks, chosen = [], []
    for train, test in fold(clips):
        ctx = tune_context(train, model, fps, fitted)
        chosen.append(ctx["low"] if ctx else None)
        ctx_tracks += score(test, model, fps, calibration=fitted or False, context=ctx)
    res["snareContext"] = {"byBand": snare_bands(ctx_tracks, bands), "lowThresholds": chosen}
    # confidence: today's rule, the shipped maps, maps fitted on each fold's training part
    cal = {"notes": len(note_labels(plain)), "before": labelled(plain)}
    if fitted:
        cal["shippedMaps"] = labelled(chart)
    folded = []
    for train, test in fold(clips):
        maps = fit_calibration(score(train, model, fps, calibration=False), model.classes)
        folded += score(test, model, fps, calibration=maps)
    cal["foldFitted"] = labelled(folded)
    res["calibration"] = cal
    return res


MIN_PRECISION = 0.9  # a non-default mark is charted only where at least 9 in 10 such marks are right


def fit_min_probabilities(tracks: list[Track], model: Model) -> dict[str, list[float | None]]:
    """Per non-tom group, each non-default component's minimum probability (articulations.ts
    precisionFirst): the lowest probability at which the chart's notes of that component (by the
    most probable rule, at or above it) have the precision component_scores reports, at least
    MIN_PRECISION: right = on a played hit of that component; a note on no played hit counts as
    wrong, one on a hit whose component is unknown not at all. 1.0 (never, but at probability 1)
    where no probability gets there. `tracks` are charted by the most probable rule."""
    groups = {g["class"]: g["components"] for g in model.groups or []}
    seen: dict[str, list[tuple[int, float, bool]]] = {c: [] for c in groups}  # (component, p, right)
    for tr in tracks:
        for lane in LANES:
            refs, notes = tr.refs[lane], tr.lane_notes[lane]
            ref_of = {b: refs[a] for a, b in tr.pairs[lane]}
            for j, n in enumerate(notes):
                cls = model.classes[n.cls]
                if n.articulation is None or cls not in groups:
                    continue
                r = ref_of.get(j)
                if r is not None and r.component is None:
                    continue  # a played articulation nobody knows: neither right nor wrong
                k = int(np.argmax(n.articulation))
                right = r is not None and groups[cls][k] in (r.accept or {r.component})
                seen[cls].append((k, float(n.articulation[k]), right))
    out = {}
    for cls, comps in groups.items():
        if all(LANE_OF[c] == "tom" for c in comps):
            continue  # toms are clustered per song (articulations.ts)
        mins: list[float | None] = [None]
        for k in range(1, len(comps)):
            hits = sorted(((p, right) for kk, p, right in seen[cls] if kk == k), reverse=True)
            lowest, right = 1.0, 0
            for i, (p, ok) in enumerate(hits):  # precision of the hits at or above each probability
                right += ok
                last_of_tie = i + 1 == len(hits) or hits[i + 1][0] < p
                if last_of_tie and right / (i + 1) >= MIN_PRECISION:
                    lowest = p
            mins.append(math.floor(lowest * 1e4) / 1e4 if lowest < 1.0 else 1.0)  # floor: the hit itself stays in
        out[cls] = mins
    return out


def with_min_probabilities(model: Model, mins: dict[str, list[float | None]] | None) -> Model:
    """The model with its groups' minProbability replaced (None: every group's removed)."""
    groups = [{k: v for k, v in g.items() if k != "minProbability"} for g in model.groups or []]
    for g in groups:
        if mins and g["class"] in mins:
            g["minProbability"] = mins[g["class"]]
    return replace(model, groups=groups or None)


def compare_min_probabilities(sets: dict[str, list[Clip]], argmax_model: Model, min_model: Model,
                              fps: float, fitted: dict | None) -> dict:
    """Per set and component, F1 (precision / recall) of the charts by the most probable rule and
    with the minimums, and the matched hits of each played component charted as each component."""
    out = {}
    for key, clips in sets.items():
        test = halves(clips)[0][1] if key.startswith("synthetic") else clips
        row = {}
        for label, m in (("argmax", argmax_model), ("minProbability", min_model)):
            comp, _, conf = component_scores(score(test, m, fps, calibration=fitted or False))
            row[label] = {"components": comp, "confusions": conf}
        out[key] = row
    return out


def print_min_comparison(cmp: dict, mins: dict, model: Model) -> None:
    print(f"\nminimum probabilities (fitted on the calibration-fitting half, precision >= {MIN_PRECISION}): "
          f"{json.dumps(mins)}")
    comps = [c for g in model.groups or [] if g["class"] in mins for c in g["components"]]
    print("| component | " + " | ".join(cmp) + " |")
    print("|---|" + "---|" * len(cmp))
    for c in comps:
        cells = []
        for key in cmp:
            a, b = cmp[key]["argmax"]["components"][c], cmp[key]["minProbability"]["components"][c]
            cells.append(f"{a['f1']:.3f} ({a['precision']:.2f}/{a['recall']:.2f}) -> {b['f1']:.3f} "
                         f"({b['precision']:.2f}/{b['recall']:.2f}), n={a['support']}")
        print(f"| {c} | " + " | ".join(cells) + " |")
    for key in cmp:
        for label in ("argmax", "minProbability"):
            conf = cmp[key][label]["confusions"]
            print(f"  {key} {label}: " + " | ".join(
                f"{lane}: " + "; ".join(f"{p} -> " + ", ".join(f"{g} {n}" for g, n in sorted(row.items()))
                                        for p, row in sorted(conf[lane].items()))
                for lane in ("snare", "hihat", "crash", "ride") if conf.get(lane)))


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
    fitted, fitted_on, mins = None, None, None
    argmax_model = model = with_min_probabilities(model, None)  # refitted from the most probable rule
    if sets:
        tune_half = halves(sets["synthetic_drums"])[0][0]
        pool = tune_half + (halves(sets["synthetic_mix"])[0][0] if "synthetic_mix" in sets else [])
        tracks = score(pool, model, fps, calibration=False)
        if model.groups:
            mins = fit_min_probabilities(tracks, model)
            model = with_min_probabilities(model, mins)
        fitted = fit_calibration(tracks, model.classes)
        dropped = drop_unhelpful_velocity_maps(fitted, tracks, model.classes)
        if dropped:
            print(f"  velocity maps not shipped (no lower error than the raw output, 2-fold within the fitting clips): "
                  f"{', '.join(dropped)}")
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
    # the figures are the app's charts only while app_notes.py charts what lib/transcribe does
    checked = replace(model, calibration=fitted)
    for clip in [clips[0] for clips in sets.values() if clips][:2]:
        check_port(checked, clip.out, fps, clip.duration, clip.name)
    print("app_notes.py charts what lib/transcribe charts (training/pick_notes.ts)", flush=True)

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
    if mins:
        print_min_comparison(compare_min_probabilities(sets, argmax_model, model, fps, fitted), mins, model)
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
        if mins:
            for g in entry["articulations"]["groups"]:
                g.pop("minProbability", None)
                if g["class"] in mins:
                    g["minProbability"] = mins[g["class"]]
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
