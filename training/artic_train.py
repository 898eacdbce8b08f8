"""Transcriber 1.9.0's new heads (issue 33): articulation, the cross-stick onset and the velocity
head, trained on the `artic` set over the frozen trunk of 1.8.0.

The trunk (everything up to the TCN) and the seven onset rows of 1.8.0 do not move, so onset F1,
the thresholds and the beat model (trained on 1.8.0's activations) stay valid; the first seven
onset outputs of 1.9.0 equal 1.8.0's. Because nothing before the heads learns, the trunk's
features are computed once per run for `views` mixes of every clip (accompaniment, varispeed and
EQ drawn as train.train_transcriber draws them) and cached in training/work/, and the heads, 1x1
convolutions, are fitted on the cache:

- articulation: cross-entropy within each ARTICULATION_GROUPS group, at the labelled onset frame
  and the frames beside it (where the app's peak may land), only where the component is known;
- cross-stick onset (channel 7): the onset BCE of train.py (onsets weigh 1 + 4 t);
- velocity (all eight channels): squared error to the played velocity at onset frames.
"""
from __future__ import annotations

import hashlib
import json
import time

import numpy as np
import torch
import torch.nn.functional as F

from augment import Augment, varispeed
from common import (ARTICULATION_GROUPS, COMPONENTS, CROSS_STICK, N_CLASSES, N_OUTPUT, OUTPUT_CLASSES, SR, WORK)
from models import T_HOP, Transcriber

FPS = SR / T_HOP
GROUP_OF_CLASS = {OUTPUT_CLASSES.index(cls): g for g, (cls, _) in enumerate(ARTICULATION_GROUPS)}
# component index -> (group, position within the group); components outside every group: absent
GROUP_POSITION = {COMPONENTS.index(comp): (g, j) for g, (_, comps) in enumerate(ARTICULATION_GROUPS)
                  for j, comp in enumerate(comps)}
GROUP_START = np.cumsum([0] + [len(c) for _, c in ARTICULATION_GROUPS])


def targets(events: np.ndarray, n_clips: int, n_frames: int, rate: np.ndarray | None = None):
    """Per clip: onset targets [8, T] (1 at the onset frame, 0.5 beside it), velocities [8, T] at
    onset frames, articulation labels [groups, T] (position within the group; -1 none) at the onset
    frame and +-1 frame. `events` rows are (clip, time_s, class, velocity, component); clip i plays
    `rate[i]` times faster (its onsets at time / rate)."""
    tgt = np.zeros((n_clips, N_OUTPUT, n_frames), dtype=np.float32)
    vel = np.zeros((n_clips, N_OUTPUT, n_frames), dtype=np.float32)
    art = np.full((n_clips, len(ARTICULATION_GROUPS), n_frames), -1, dtype=np.int8)
    for clip, t, c, v, comp in events:
        i, c = int(clip), int(c)
        f = int(round(t / (rate[i] if rate is not None else 1.0) * FPS))
        for df, val in ((-1, 0.5), (1, 0.5), (0, 1.0)):
            if 0 <= f + df < n_frames:
                tgt[i, c, f + df] = max(tgt[i, c, f + df], val)
        if not 0 <= f < n_frames:
            continue
        vel[i, c, f] = max(vel[i, c, f], v)
        if int(comp) in GROUP_POSITION:
            g, j = GROUP_POSITION[int(comp)]
            for df in (-1, 0, 1):
                if 0 <= f + df < n_frames and (df == 0 or art[i, g, f + df] < 0):
                    art[i, g, f + df] = j
    return tgt, vel, art


def mix_views(rng: np.random.Generator, audio: np.ndarray, acc: np.ndarray, views: int, options: dict):
    """`views` mixes of every clip, drawn as train_transcriber's batches are: accompaniment under
    accomp_share of them (a tenth of those: accompaniment alone, labels dropped), varispeed and EQ.
    Returns a generator of (clip index, mix, rate, alone)."""
    from train import acc_crop, rms
    aug = Augment.from_options(options.get("augment"))
    share, lo_db, hi_db = options.get("accomp_share", 0.75), *options.get("accomp_db", (-20, 10))
    for _ in range(views):
        for i in range(len(audio)):
            x = audio[i].astype(np.float32)
            rate = aug.draw_rate(rng)
            if rate != 1.0:
                x = varispeed(x, rate)
            r = rng.random()
            alone = r < options.get("alone_share", share / 10)
            if r < share:
                a = acc_crop(rng, acc, len(x))
                x = a if alone else x + a * (rms(x) / rms(a)) * 10 ** (-rng.uniform(lo_db, hi_db) / 20)
            x = aug.eq(rng, x)
            x *= rng.uniform(0.05, 1.0) / (np.max(np.abs(x)) + 1e-8)
            yield i, x, rate, alone


@torch.no_grad()
def frozen_features(model: Transcriber, x: torch.Tensor) -> list[torch.Tensor]:
    """What the heads' training needs of the frozen part: the trunk's features, and with a branch
    (which learns) the conv stack's features it reads instead of its output."""
    if model.branch is None:
        return [model.trunk(x)]
    front = model.front(x)
    return [model.tcn(model.proj(front)), front]


def head_input(model: Transcriber, feats: list[torch.Tensor]) -> torch.Tensor:
    return feats[0] if model.branch is None else model.head_input(feats[0], feats[1])


@torch.no_grad()
def trunk_features(model: Transcriber, mixes, n_total: int, batch: int = 32) -> list[np.ndarray]:
    """frozen_features of every mix, each [n_total, channels, T] (float16)."""
    model.eval()
    out = None
    buf, k, t0 = [], 0, time.time()
    for item in mixes:
        buf.append(item)
        if len(buf) == batch or k + len(buf) == n_total:
            parts = [f.numpy().astype(np.float16) for f in frozen_features(model, torch.from_numpy(np.stack(buf)))]
            if out is None:
                out = [np.zeros((n_total, *f.shape[1:]), dtype=np.float16) for f in parts]
            for o, f in zip(out, parts):
                o[k:k + len(buf)] = f
            k += len(buf)
            buf = []
            if k % (batch * 25) == 0:
                print(f"  trunk features {k}/{n_total} ({time.time() - t0:.0f} s)", flush=True)
    return out


def cached_features(model: Transcriber, split: str, views: int, seed: list[int], options: dict, acc_split: str):
    """(features, targets, velocities, articulation labels) of `views` mixes of drums_<split>,
    cached in training/work/ under a key of everything that decides them."""
    d = np.load(WORK / f"drums_{split}.npz")
    audio, events = d["audio"], d["events"]
    trunk_sum = hashlib.sha1(b"".join(v.numpy().tobytes() for k, v in sorted(model.state_dict().items())
                                      if not k.startswith(("onset.", "velocity.", "articulation.", "branch.")))).hexdigest()[:10]
    parts = 1 if model.branch is None else 2
    key = hashlib.sha1(json.dumps([split, views, seed, options, acc_split, trunk_sum]
                                  + ([parts] if parts > 1 else [])).encode()).hexdigest()[:12]
    path = WORK / f"artic_features_{split}_{key}.npz"
    if path.exists():
        c = np.load(path)
        return [c["h"]] + ([c["front"]] if parts > 1 else []), c["tgt"], c["vel"], c["art"]
    acc = np.load(WORK / f"accomp_{acc_split}.npy", mmap_mode="r")
    rng = np.random.default_rng(seed)
    order, rates, alone = [], [], []

    def tracked():
        for i, x, rate, solo in mix_views(rng, audio, acc, views, options):
            order.append(i)
            rates.append(rate)
            alone.append(solo)
            yield i, x, rate, solo

    t0 = time.time()
    h = trunk_features(model, (x for _, x, _, _ in tracked()), views * len(audio))
    print(f"  {split}: {views} x {len(audio)} mixes through the trunk in {time.time() - t0:.0f} s", flush=True)
    n_frames = h[0].shape[2]
    ev = []
    starts = np.searchsorted(events[:, 0], np.arange(len(audio) + 1))
    for k, i in enumerate(order):
        if alone[k]:
            continue
        e = events[starts[i]:starts[i + 1]].copy()
        e[:, 0] = k
        ev.append(e)
    ev = np.concatenate(ev) if ev else np.zeros((0, 5), dtype=np.float32)
    tgt, vel, art = targets(ev, len(order), n_frames, np.array(rates))
    if parts == 1:  # the branch's caches (4 GB) are not kept
        np.savez(path, h=h[0], tgt=tgt, vel=vel, art=art)
    return h, tgt, vel, art


def head_losses(model: Transcriber, h: torch.Tensor, tgt: torch.Tensor, vel: torch.Tensor, art: torch.Tensor):
    """(cross-stick onset BCE, velocity MSE at onsets, articulation CE) on the heads' input h."""
    on, vl, ar = model.heads(h)
    t7 = tgt[:, CROSS_STICK]
    l_cs = F.binary_cross_entropy_with_logits(on[:, CROSS_STICK], t7, weight=1.0 + 4.0 * t7)
    mask = (tgt >= 1.0).float()
    l_v = (((torch.sigmoid(vl) - vel) ** 2) * mask).sum() / (mask.sum() + 1)
    l_a, n_a = h.new_zeros(()), 0
    for g, (_, comps) in enumerate(ARTICULATION_GROUPS):
        lab = art[:, g].long()  # [B, T]
        sel = lab >= 0
        if sel.any():
            logits = ar[:, GROUP_START[g]:GROUP_START[g + 1]].transpose(1, 2)[sel]  # [n, k]
            l_a = l_a + F.cross_entropy(logits, lab[sel], reduction="sum")
            n_a += int(sel.sum())
    return l_cs, l_v, l_a / max(1, n_a)


def freeze_to_heads(model: Transcriber) -> list[torch.nn.Parameter]:
    """Only the heads learn; the seven 1.8.0 onset rows get no gradient (a hook zeroes them). With
    a branch, the branch learns too and the velocity head stays 1.9.0's (its weights on the
    branch's channels stay zero), so only the cross-stick and the articulations change."""
    for p in model.parameters():
        p.requires_grad_(False)
    params = [model.onset.weight, model.onset.bias, *model.articulation.parameters()]
    params += [*model.branch.parameters()] if model.branch is not None else [*model.velocity.parameters()]
    for p in params:
        p.requires_grad_(True)
    keep = torch.zeros(N_OUTPUT, 1, 1)
    keep[CROSS_STICK] = 1
    model.onset.weight.register_hook(lambda g: g * keep)
    model.onset.bias.register_hook(lambda g: g * keep[:, 0, 0])
    return params


@torch.no_grad()
def measure(model: Transcriber, h: np.ndarray, tgt: np.ndarray, vel: np.ndarray, art: np.ndarray) -> dict:
    """On cached held-out features: per group accuracy and per component F1 of the articulation at
    labelled onset frames (the argmax within the group), the cross-stick's onset F1 (peaks within
    +-2 frames, best threshold), and the velocity head's Spearman correlation and mean absolute error
    against the played velocity at onset frames, per class."""
    from scipy.stats import spearmanr
    model.eval()
    h = h if isinstance(h, list) else [h]
    ons, vls, ars = [], [], []
    for k in range(0, len(h[0]), 64):
        on, vl, ar = model.heads(head_input(model, [torch.from_numpy(f[k:k + 64].astype(np.float32)) for f in h]))
        ons.append(torch.sigmoid(on).numpy())
        vls.append(torch.sigmoid(vl).numpy())
        ars.append(ar.numpy())
    on, vl, ar = np.concatenate(ons), np.concatenate(vls), np.concatenate(ars)
    centre = tgt >= 1.0
    out: dict = {"articulation": {}, "velocity": {}}
    for g, (cls, comps) in enumerate(ARTICULATION_GROUPS):
        c = OUTPUT_CLASSES.index(cls)
        sel = centre[:, c] & (art[:, g] >= 0)
        lab = art[:, g][sel]
        pred = np.argmax(ar[:, GROUP_START[g]:GROUP_START[g + 1]].transpose(0, 2, 1)[sel], axis=1)
        per = {}
        for j, comp in enumerate(comps):
            tp, fp, fn = int(np.sum((pred == j) & (lab == j))), int(np.sum((pred == j) & (lab != j))), int(np.sum((pred != j) & (lab == j)))
            per[comp] = {"n": int(np.sum(lab == j)), "f1": round(2 * tp / max(1, 2 * tp + fp + fn), 3)}
        out["articulation"][cls] = {"n": int(sel.sum()), "accuracy": round(float(np.mean(pred == lab)) if len(lab) else 0.0, 3),
                                    "components": per}
    for c, name in enumerate(OUTPUT_CLASSES):
        sel = centre[:, c]
        if sel.sum() > 10:
            v_true, v_pred = vel[:, c][sel], vl[:, c][sel]
            out["velocity"][name] = {"n": int(sel.sum()), "spearman": round(float(spearmanr(v_true, v_pred)[0]), 3),
                                     "mae": round(float(np.mean(np.abs(v_true - v_pred))), 3)}
    out["crossStick"] = cross_stick_f1(on[:, CROSS_STICK], tgt[:, CROSS_STICK])
    return out


def cross_stick_f1(prob: np.ndarray, tgt: np.ndarray) -> dict:
    """Onset F1 of the cross-stick channel [clips, T] against targets (onset frame = 1), peaks as
    the app picks them (>= threshold, maximum within +-2 frames), matched within +-2 frames: the
    best F1 and its threshold, and `precise`, the lowest threshold whose notes are right at least
    half the time (what export ships: on 1.8.0's frozen trunk the best F1 comes with three wrong
    cross-sticks for every right one)."""
    best = {"f1": 0.0, "threshold": 0.5}
    precise = {"threshold": 0.95, "precision": 0.0, "recall": 0.0}
    ref = [np.nonzero(t >= 1.0)[0] for t in tgt]
    mx = np.maximum.reduce([np.roll(prob, s, axis=1) for s in range(-2, 3)])
    for th in np.arange(0.1, 0.95, 0.05):
        tp = fp = fn = 0
        for p, m, r in zip(prob, mx, ref):
            est = np.nonzero((p >= th) & (p >= m))[0]
            used = np.zeros(len(r), dtype=bool)
            for e in est:
                d = np.abs(r - e)
                cand = np.nonzero((d <= 2) & ~used)[0]
                if len(cand):
                    used[cand[np.argmin(d[cand])]] = True
                    tp += 1
                else:
                    fp += 1
            fn += int((~used).sum())
        f1 = 2 * tp / max(1, 2 * tp + fp + fn)
        if tp / max(1, tp + fp) >= 0.5 and tp >= 5 and precise["precision"] == 0.0:
            precise = {"threshold": round(float(th), 2), "precision": round(tp / (tp + fp), 3),
                       "recall": round(tp / max(1, tp + fn), 3)}
        if f1 > best["f1"]:
            best = {"f1": round(f1, 3), "threshold": round(float(th), 2), "precision": round(tp / max(1, tp + fp), 3),
                    "recall": round(tp / max(1, tp + fn), 3), "n": int(sum(len(r) for r in ref))}
    return {**best, "precise": precise}


def print_measure(tag: str, m: dict) -> None:
    arts = "  ".join(f"{cls} {v['accuracy']:.3f} (" + ", ".join(f"{c} {s['f1']:.2f}/{s['n']}" for c, s in v["components"].items()) + ")"
                     for cls, v in m["articulation"].items())
    vels = "  ".join(f"{c} {v['spearman']:.2f}" for c, v in m["velocity"].items())
    print(f"  [{tag}] articulation accuracy {arts}\n  [{tag}] velocity spearman {vels}\n"
          f"  [{tag}] cross-stick onset {m['crossStick']}", flush=True)


def validation_sets(model: Transcriber) -> dict[str, tuple]:
    """artic_val's cached features: drums alone, and under held-out accompaniment (accomp_val)."""
    return {"drums": cached_features(model, "artic_val", 1, [7, 1], {"accomp_share": 0.0}, "val"),
            "mix": cached_features(model, "artic_val", 1, [7, 2], {"accomp_share": 1.0, "alone_share": 0.0,
                                                                  "accomp_db": [-10, 10]}, "val")}


def train_articulation(minutes: float | None, steps: int | None, resume: bool, sets: tuple[str, ...],
                       options: dict) -> None:
    """One run of the heads (train-transcriber with an "articulation" option). Resuming a 1.8.0
    checkpoint grows it (Transcriber.grow_articulation); resuming a 1.9.0 one continues it, Adam's
    state included. `options["articulation"]`: {"views": mixes per clip, "batch": clips per step,
    "lr": peak learning rate}."""
    from train import CKPT_DIR, _loop
    if not resume:
        raise ValueError("the articulation heads train on a trained trunk: resume a checkpoint")
    cfg = options["articulation"]
    name = "transcriber"
    src = next((p for p in (WORK / f"{name}_train.pt", CKPT_DIR / f"{name}.pt") if p.exists()), CKPT_DIR / "transcriber.pt")
    ck = torch.load(src, map_location="cpu")
    arch = ck.get("arch", {})
    if arch.get("articulation") and cfg.get("branch") and not arch.get("branch"):
        old = Transcriber(**arch)
        old.load_state_dict(ck["model"])
        model = old.grow_branch(cfg["branch"])
        ck = {"model": model.state_dict(), "state": ck.get("state", {}), "arch": model.arch}
        print(f"grew {src} (step {ck['state'].get('step')}) a {cfg['branch']}-channel branch")
    elif arch.get("articulation"):
        model = Transcriber(**arch)
        model.load_state_dict(ck["model"])
    else:
        old = Transcriber(**arch)
        old.load_state_dict(ck["model"])
        model = old.grow_articulation()
        ck = {"model": model.state_dict(), "state": ck.get("state", {}), "arch": model.arch}
        print(f"grew {src} (step {ck['state'].get('step')}) to 1.9.0's heads")
    model.eval()  # BatchNorm statistics of the frozen trunk stay as they are
    params = freeze_to_heads(model)
    frozen = model.onset.weight[:N_CLASSES].detach().clone(), model.onset.bias[:N_CLASSES].detach().clone()
    start_step = ck.get("state", {}).get("step", 0)
    feats = [cached_features(model, split, cfg.get("views", 1), [sum(map(ord, split)), start_step],
                             {k: v for k, v in options.items() if k in ("accomp_share", "accomp_db", "augment")}, "train")
             for split in sets]
    if len(feats) == 1:  # no copy: the branch's cache alone is 4 GB
        h, tgt, vel, art = feats[0]
    else:
        h = [np.concatenate([f[0][j] for f in feats]) for j in range(len(feats[0][0]))]
        tgt, vel, art = (np.concatenate([f[i] for f in feats]) for i in (1, 2, 3))
    val = validation_sets(model)
    for condition, v in val.items():
        print_measure(f"start, artic_val {condition}", measure(model, *v))
    batch = cfg.get("batch", 64)
    print(f"articulation heads: {len(tgt)} cached mixes, {int((art >= 0).sum())} labelled articulation frames")

    def batch_fn(rng):
        idx = np.sort(rng.choice(len(tgt), batch, replace=False))
        return ([torch.from_numpy(f[idx].astype(np.float32)) for f in h], torch.from_numpy(tgt[idx]),
                torch.from_numpy(vel[idx]), torch.from_numpy(art[idx]))

    def loss_fn(m, b):
        if m.branch is not None:
            m.branch.train()  # the trunk stays on its running statistics, the branch learns its own
        l_cs, l_v, l_a = head_losses(m, head_input(m, b[0]), *b[1:])
        return l_cs + 0.5 * l_v + l_a

    _loop(name, model, minutes, steps, True, batch_fn, loss_fn, cfg.get("lr", 0.01) / 0.3, sets, options,
          fresh_optimizer=options.get("fresh_optimizer", False), loaded=ck, params=params, train_mode=False)
    assert torch.equal(model.onset.weight[:N_CLASSES], frozen[0]) and torch.equal(model.onset.bias[:N_CLASSES], frozen[1]), \
        "the seven 1.8.0 onset rows moved"
    record_measurements(model, val, name)


def record_measurements(model: Transcriber, val: dict[str, tuple], name: str = "transcriber") -> None:
    """Measure on artic_val and keep the figures in the checkpoint's state (`measured`): export
    reads the cross-stick's threshold there, docs/MODELS.md reports them."""
    from train import CKPT_DIR
    measured = {}
    for condition, v in val.items():
        measured[condition] = measure(model, *v)
        print_measure(f"end, artic_val {condition}", measured[condition])
    ck = torch.load(CKPT_DIR / f"{name}.pt", map_location="cpu")
    ck["state"]["measured"] = {"artic_val": measured["mix"], "artic_val_drums": measured["drums"]}
    torch.save(ck, CKPT_DIR / f"{name}.pt")
    (CKPT_DIR / f"{name}.json").write_text(json.dumps(ck["state"], indent=1))


__all__ = ["cached_features", "freeze_to_heads", "head_losses", "measure", "print_measure", "validation_sets",
           "GROUP_OF_CLASS", "N_CLASSES"]
