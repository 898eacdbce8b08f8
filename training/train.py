"""train-transcriber / train-separator: time-budgeted training on CPU with regular checkpoints.

Batches are drawn from the pre-rendered drum clips (synth-data) and mixed on the fly with the
rendered accompaniment, from the data sets a run names ("train", plus "extra" from run 3 on). The
learning rate follows a cosine over the run's budget: --steps N (what
`all` replays from training/recipe.json, so a shipped model is reproduced step for step) or
--minutes M (for exploring: the number of steps then depends on the machine).
"""
from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from augment import Augment, apply_curve, random_eq_curve, varispeed
from common import N_CLASSES, ROOT, SR, WORK, ensure
from models import S_HOP, T_HOP, Separator, Transcriber
from synth import compressor_gain

CKPT_DIR = ROOT / "checkpoints"  # small weight-only checkpoints, committed so later sessions can resume
FPS = SR / T_HOP
ACCOMP_OF = {"h2": "extra", "synth": "extra", "more": "extra"}  # drum sets without accompaniment of their own


def load_drums(split: str):
    d = np.load(WORK / f"drums_{split}.npz")
    return d["audio"], d["events"]


def load_training_data(sets: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drum clips and accompaniment pieces of the named sets, concatenated: "train" is the
    session-1 data (drums_train, accomp_train), "extra" the larger, more varied one
    (drums_extra, accomp_extra), "h2" drum clips on Hydrogen's patterns and "synth" the same on
    synthesised kits (accompaniment of both: extra's).
    A recipe run names the sets it was trained on."""
    acc_names = list(dict.fromkeys(ACCOMP_OF.get(name, name) for name in sets))
    accs = [np.load(WORK / f"accomp_{name}.npy", mmap_mode="r") for name in acc_names]
    acc = accs[0] if len(accs) == 1 else np.concatenate(accs)
    audios, events = [], []
    offset = 0
    for name in sets:
        audio, ev = load_drums(name)
        ev = ev.copy()
        ev[:, 0] += offset
        offset += len(audio)
        audios.append(audio)
        events.append(ev)
    if len(sets) == 1:
        return audios[0], events[0], acc
    return np.concatenate(audios), np.concatenate(events), acc


def mark_onset(tgt: np.ndarray, vel: np.ndarray, t: float, c: int, v: float) -> None:
    """One clip's [C, T] targets: 1 at the onset frame, 0.5 at +-1 frame; velocity at the onset frame."""
    n_frames = tgt.shape[1]
    f = int(round(t * FPS))
    for df, val in ((-1, 0.5), (1, 0.5), (0, 1.0)):
        if 0 <= f + df < n_frames:
            tgt[c, f + df] = max(tgt[c, f + df], val)
    if 0 <= f < n_frames:
        vel[c, f] = max(vel[c, f], v)


def onset_targets(events: np.ndarray, n_clips: int, n_frames: int) -> tuple[np.ndarray, np.ndarray]:
    tgt = np.zeros((n_clips, N_CLASSES, n_frames), dtype=np.float32)
    vel = np.zeros((n_clips, N_CLASSES, n_frames), dtype=np.float32)
    for clip, t, c, v in events:
        i = int(clip)
        mark_onset(tgt[i], vel[i], t, int(c), v)
    return tgt, vel


def onset_weights(t: torch.Tensor, v: torch.Tensor, confusion: float = 0.0, soft: float = 0.0) -> torch.Tensor:
    """BCE weights for onset targets t [B, C, T] (velocities v at the onset frames). Onsets are
    rare, so they weigh 1 + 4 t. Session 11 measured where 1.7.0's held-out errors are: most false
    onsets of every class sit on another class's onset (kick fired by snares, snare by toms), and
    most snare misses are ghost notes (a third of the snare onsets, velocity below 0.4, recall
    0.29-0.51). `confusion` adds weight to a class's negatives where another class has an onset
    (within a frame); `soft` weighs positives by 1 + soft * (1 - velocity), so quiet hits count more."""
    pos = 1.0 + 4.0 * t
    if soft:
        v_near = F.max_pool1d(v, 3, stride=1, padding=1)  # the onset frame's velocity at +-1 frame too
        pos = pos * torch.where(t > 0, 1.0 + soft * (1.0 - v_near), torch.ones_like(t))
    if not confusion:
        return pos
    hit = (t >= 0.5).float()
    others = hit.sum(dim=1, keepdim=True) - hit  # onsets of the other classes in this frame
    return pos + confusion * ((t == 0) & (others > 0)).float()


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x.astype(np.float64) ** 2)) + 1e-9)


def acc_crop(rng: np.random.Generator, acc: np.ndarray, n: int) -> np.ndarray:
    p = int(rng.integers(0, len(acc)))
    o = int(rng.integers(0, acc.shape[1] - n))
    return acc[p, o:o + n].astype(np.float32)


def lr_at(frac: float, peak: float, floor: float = 5e-5) -> float:
    return floor + 0.5 * (peak - floor) * (1 + math.cos(math.pi * min(1.0, frac)))


def load_weights(model: torch.nn.Module, weights: dict) -> None:
    """Checkpoint weights into `model`; blocks the model has and the checkpoint lacks (a network
    grown for this run) keep their identity initialisation. Anything else missing is an error."""
    missing, unexpected = model.load_state_dict(weights, strict=False)
    grown = [k for k in missing if k.startswith(("refine.", "local.", "percussive_in."))]
    if unexpected or len(grown) != len(missing):
        raise ValueError(f"checkpoint does not fit the model: missing {missing}, unexpected {unexpected}")
    if grown:
        print(f"grown: {len(grown)} new tensors start as identity blocks")


def checkpoint_arch(name: str) -> dict:
    """The architecture the run resumes from (the work checkpoint first, as _loop does)."""
    for src in (WORK / f"{name}_train.pt", CKPT_DIR / f"{name}.pt"):
        if src.exists():
            return torch.load(src, map_location="cpu").get("arch", {})
    return {}


def _loop(name: str, model: torch.nn.Module, minutes: float | None, steps: int | None, resume: bool, batch_fn,
          loss_fn, peak_lr: float, sets: tuple[str, ...], options: dict, fresh_optimizer: bool = False,
          soup: float = 0.0, loaded: dict | None = None, params: list | None = None, train_mode: bool = True):
    """One run. `soup` > 0: the run ends on the average of its final weights and the weights it
    started from, that share of the start ("model soup" of a fine-tune and its parent: the
    transcriber's run 9, 1.8.0). `loaded`: a checkpoint already in `model` (a network grown from
    it), resumed instead of the file; `params`: the only parameters that learn (their Adam state is
    small, so the committed checkpoint keeps it too: 1.9.0's heads); `train_mode` False keeps
    BatchNorm on its running statistics (a frozen trunk)."""
    if (minutes is None) == (steps is None):
        raise ValueError("give exactly one budget: minutes or steps")
    ensure(CKPT_DIR)
    work_ckpt = WORK / f"{name}_train.pt"
    opt = torch.optim.Adam(params if params is not None else model.parameters(), lr=peak_lr)
    state = {"step": 0, "seconds": 0.0, "runs": []}
    if resume:
        src = "the grown network" if loaded is not None else work_ckpt if work_ckpt.exists() else CKPT_DIR / f"{name}.pt"
        ck = loaded if loaded is not None else torch.load(src, map_location="cpu")
        if loaded is None:
            load_weights(model, ck["model"])
        # The committed checkpoint has no optimiser state; a run that starts from it records
        # fresh_optimizer, so a replay (which has the state in training/work/) starts the same way.
        if "opt" in ck and not fresh_optimizer:
            opt.load_state_dict(ck["opt"])
        state = ck.get("state", state)
        peak_lr = peak_lr * 0.3
        print(f"resumed {src} at step {state['step']} ({state['seconds'] / 60:.1f} min trained)")
    budget = minutes * 60 if minutes is not None else 0.0
    start_step = state["step"]
    start_weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
    t0 = time.time()
    last_ck = t0
    # Seeded by where the run starts, so replaying a recipe draws the same batches.
    rng = np.random.default_rng([sum(map(ord, name)), start_step])
    losses: list[float] = []
    model.train(train_mode)

    def save(final: bool = False) -> None:
        st = dict(state, seconds=state["seconds"] + (time.time() - t0))
        arch = getattr(model, "arch", {})
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "state": st, "arch": arch}, work_ckpt)
        committed = {"model": model.state_dict(), "state": st, "arch": arch}
        if params is not None:  # only the heads learn: their optimiser state is small enough to commit
            committed["opt"] = opt.state_dict()
        torch.save(committed, CKPT_DIR / f"{name}.pt")
        if final:
            print(f"saved {CKPT_DIR / f'{name}.pt'}")

    def progress() -> float:
        if steps is not None:
            return (state["step"] - start_step) / steps
        return (time.time() - t0) / budget

    while progress() < 1.0:
        frac = progress()
        for g in opt.param_groups:
            g["lr"] = lr_at(frac, peak_lr)
        batch = batch_fn(rng)
        loss = loss_fn(model, batch)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params if params is not None else model.parameters(), 5.0)
        opt.step()
        state["step"] += 1
        losses.append(float(loss))
        if state["step"] % 50 == 0:
            print(f"{name} step {state['step']} {(time.time() - t0) / 60:.1f} min loss {np.mean(losses[-50:]):.4f} "
                  f"lr {opt.param_groups[0]['lr']:.2e}", flush=True)
        if time.time() - last_ck > 180:
            save()
            last_ck = time.time()
    if soup > 0:
        final = model.state_dict()
        model.load_state_dict({k: (soup * start_weights[k].float() + (1 - soup) * v.float()).to(v.dtype)
                               if v.is_floating_point() else v for k, v in final.items()})
    state["runs"].append({"minutes": round((time.time() - t0) / 60, 1), "steps": state["step"] - start_step,
                          "resume": resume, "data": list(sets), "options": options, "end_step": state["step"],
                          "final_loss": float(np.mean(losses[-100:])) if losses else None})
    state["seconds"] += time.time() - t0
    t0 = time.time()
    save(final=True)
    (CKPT_DIR / f"{name}.json").write_text(json.dumps(state, indent=1))


def train_transcriber(minutes: float | None, steps: int | None, resume: bool, sets: tuple[str, ...] = ("train",),
                      accomp_share: float = 0.6, accomp_db: tuple[float, float] = (-6, 12),
                      batch_size: int = 16, fresh_optimizer: bool = False, augment: dict | None = None,
                      refine: int = 0, layers: dict | None = None, loss: dict | None = None,
                      soup: float = 0.0, articulation: dict | None = None) -> None:
    """accomp_share of the clips get accompaniment (a tenth of those: accompaniment alone), at a
    drum-to-accompaniment RMS ratio drawn from accomp_db. Runs 1-2 used the defaults; run 3 put
    accompaniment under more clips and quieter drums, after the 1.1.0 model lost most of its
    hi-hat recall on real mixes (docs/MODELS.md). `augment` switches on augment.py's transforms
    (run 7 on); `refine` grows the network to that many RefineBlock2d (kept from the checkpoint
    when it has more); `layers` adds render-layers' vocals and guitars to the accompaniment as the
    separator's runs do (unlabelled negatives: sibilants, picking and fuzz are not drums); `loss`
    reweights the onset loss where the held-out errors are (onset_weights); `soup` averages the
    run's end with its start (_loop). `articulation` (1.9.0 on) trains only the articulation,
    cross-stick and velocity heads over the frozen trunk (artic_train.py)."""
    if articulation is not None:
        from artic_train import train_articulation
        options = {"accomp_share": accomp_share, "accomp_db": list(accomp_db), "articulation": articulation}
        for key, value in (("augment", augment), ("fresh_optimizer", fresh_optimizer)):
            if value:
                options[key] = value
        train_articulation(minutes, steps, resume, sets, options)
        return
    audio, events, acc = load_training_data(sets)
    layer_audio = load_layers(layers)
    n = audio.shape[1]
    n_frames = n // T_HOP + 1
    tgt, vel = onset_targets(events, len(audio), n_frames)
    starts = np.searchsorted(events[:, 0], np.arange(len(audio) + 1))  # events are in clip order
    aug = Augment.from_options(augment)
    print(f"transcriber: {len(audio)} clips, {len(events)} onsets, accompaniment {acc.shape}")

    def retime(b: int, clip: int, rate: float, t: np.ndarray, v: np.ndarray) -> None:
        """Targets of a clip played `rate` times faster: every onset at time / rate."""
        t[b] = 0
        v[b] = 0
        for _, time_s, c, velocity in events[starts[clip]:starts[clip + 1]]:
            mark_onset(t[b], v[b], time_s / rate, int(c), velocity)

    def batch_fn(rng):
        idx = rng.integers(0, len(audio), batch_size)
        x = audio[idx].astype(np.float32)
        t, v = tgt[idx].copy(), vel[idx].copy()
        for b in range(batch_size):
            rate = aug.draw_rate(rng)
            if rate != 1.0:
                x[b] = varispeed(x[b], rate)
                retime(b, int(idx[b]), rate, t, v)
            r = rng.random()
            alone = r < accomp_share / 10
            if alone:  # accompaniment alone: every drum output must stay quiet
                x[b] = 0
                t[b] = 0
                v[b] = 0
            if r < accomp_share:
                a = acc_crop(rng, acc, n)
                if layers:
                    a = add_layers(rng, a, layer_audio, layers)
                if alone:
                    x[b] = a
                else:
                    ratio_db = rng.uniform(*accomp_db)
                    x[b] += a * (rms(x[b]) / rms(a)) * 10 ** (-ratio_db / 20)
            x[b] = aug.eq(rng, x[b])
            x[b] *= rng.uniform(0.05, 1.0) / (np.max(np.abs(x[b])) + 1e-8)
        return torch.from_numpy(x), torch.from_numpy(t), torch.from_numpy(v)

    def loss_fn(model, batch):
        x, t, v = batch
        on, vl = model(x)
        weight = onset_weights(t, v, **(loss or {}))
        l_on = F.binary_cross_entropy_with_logits(on, t, weight=weight)
        mask = (t >= 1.0).float()
        l_v = (((torch.sigmoid(vl) - v) ** 2) * mask).sum() / (mask.sum() + 1)
        return l_on + 0.5 * l_v

    torch.manual_seed(0)
    options = {"accomp_share": accomp_share, "accomp_db": list(accomp_db)}
    if fresh_optimizer:
        options["fresh_optimizer"] = True
    if augment:
        options["augment"] = augment
    if refine:
        options["refine"] = refine
    if layers:
        options["layers"] = layers
    if loss:
        options["loss"] = loss
    if soup:
        options["soup"] = soup
    arch = checkpoint_arch("transcriber") if resume else {}
    model = Transcriber(refine=max(refine, arch.get("refine", 0)))
    _loop("transcriber", model, minutes, steps, resume, batch_fn, loss_fn, 1e-3, sets, options, fresh_optimizer,
          soup)


def load_layers(layers: dict | None) -> dict[str, np.ndarray]:
    """render-layers' pieces for the layers a run switches on (share > 0)."""
    names = [k for k in ("vocals", "guitars", "bass") if (layers or {}).get(k)]
    return {name: np.load(WORK / f"{name}_train.npy", mmap_mode="r") for name in names}


def add_layers(rng: np.random.Generator, a: np.ndarray, layer_audio: dict[str, np.ndarray], layers: dict) -> np.ndarray:
    """Accompaniment `a` with each layer added in its share of calls, at a level drawn from
    layers["db"] against the accompaniment; in layers["alone"] of those, the layers replace it."""
    lo, hi = layers.get("db", [-6, 6])
    chosen = [name for name in layer_audio if rng.random() < layers[name]]
    if not chosen:
        return a
    if rng.random() < layers.get("alone", 0.0):
        a = np.zeros_like(a)
    for name in chosen:
        lay = acc_crop(rng, layer_audio[name], len(a))
        ref = rms(a) if rms(a) > 1e-4 else rms(lay)
        a = a + lay * (ref / rms(lay)) * 10 ** (rng.uniform(lo, hi) / 20)
    return a


def train_separator(minutes: float | None, steps: int | None, resume: bool, sets: tuple[str, ...] = ("train",),
                    batch_size: int = 8, seconds: float = 3.0, fresh_optimizer: bool = False,
                    layers: dict | None = None, bus: dict | None = None, augment: dict | None = None,
                    accomp_db: tuple[float, float] = (-10, 10), local: int = 0, percussive: str = "") -> None:
    """Crops of drum clips under accompaniment at a drum-to-accompaniment RMS ratio drawn from
    accomp_db (runs 1-3: -10..+10 dB; real mixes put the drums at -5..-19 dB, docs/MODELS.md).
    Since session 10, optionally:
    `layers` {"vocals": share, "guitars": share, "bass": share, "db": [lo, hi], "alone": share} adds
    render-layers' sung vocals, amp-distorted guitars and low bass lines to the accompaniment of that share of crops, each at a
    level drawn from db against the accompaniment (replacing the GM accompaniment in `alone` of
    them); `bus` {"eq_db": d, "eq_share": p, "compress": p} puts the mix through one random EQ
    curve and one compressor gain that act on both stems alike (both linear in the signal, so
    the stems still sum to the mix); `augment` varispeeds the drums as the transcriber's runs do.
    `local` grows the separator a LocalMask of that many channels (models.py; session 11);
    `percussive="input"` grows it an input for the median-filter percussive mask (session 12).
    Runs 1-3 used none of these, and a switched-off option draws no random numbers."""
    audio, _, acc = load_training_data(sets)
    n = int(seconds * SR) // S_HOP * S_HOP
    layer_audio = load_layers(layers)
    aug = Augment.from_options(augment)
    print(f"separator: {len(audio)} drum clips, accompaniment {acc.shape}, "
          f"layers {({k: v.shape for k, v in layer_audio.items()})}")

    def batch_fn(rng):
        d = np.zeros((batch_size, n), dtype=np.float32)
        a = np.zeros((batch_size, n), dtype=np.float32)
        for b in range(batch_size):
            i = int(rng.integers(0, len(audio)))
            o = int(rng.integers(0, audio.shape[1] - n))
            clip = audio[i].astype(np.float32)
            rate = aug.draw_rate(rng)
            if rate != 1.0:
                clip = varispeed(clip, rate)
            d[b] = clip[o:o + n]
            a[b] = acc_crop(rng, acc, n)
            if layers:
                a[b] = add_layers(rng, a[b], layer_audio, layers)
            r = rng.random()
            if r < 0.04:
                d[b] = 0
            elif r < 0.08:
                a[b] = 0
            else:
                a[b] *= (rms(d[b]) / rms(a[b])) * 10 ** (-rng.uniform(*accomp_db) / 20)
            if bus:
                if rng.random() < bus.get("eq_share", 0.5):
                    curve = random_eq_curve(rng, n, bus["eq_db"])
                    d[b], a[b] = apply_curve(d[b], curve), apply_curve(a[b], curve)
                if rng.random() < bus.get("compress", 0.0):
                    gain = compressor_gain(rng, d[b] + a[b])
                    d[b] *= gain
                    a[b] *= gain
            g = rng.uniform(0.05, 1.0) / (np.max(np.abs(d[b] + a[b])) + 1e-8)
            d[b] *= g
            a[b] *= g
        return torch.from_numpy(d), torch.from_numpy(a)

    def loss_fn(model, batch):
        d, a = batch
        stft = model.stft
        mix = stft(d + a)
        m = model.mask(mix)
        return F.l1_loss(m * mix, stft(d)) + F.l1_loss((1 - m) * mix, stft(a))

    torch.manual_seed(0)
    options = {"fresh_optimizer": True} if fresh_optimizer else {}
    if tuple(accomp_db) != (-10, 10):
        options["accomp_db"] = list(accomp_db)
    for key, value in (("layers", layers), ("bus", bus), ("augment", augment), ("local", local),
                       ("percussive", percussive)):
        if value:
            options[key] = value
    arch = checkpoint_arch("separator") if resume else {}
    model = Separator(local=max(local, arch.get("local", 0)), percussive=percussive or arch.get("percussive", "product"))
    _loop("separator", model, minutes, steps, resume, batch_fn, loss_fn, 1e-3, sets, options, fresh_optimizer)


def load_trained(name: str):
    ck = torch.load(CKPT_DIR / f"{name}.pt", map_location="cpu")
    model = (Transcriber if name.startswith("transcriber") else Separator)(**ck.get("arch", {}))
    model.load_state_dict(ck["model"])
    model.eval()
    return model, ck.get("state", {})


__all__ = ["train_transcriber", "train_separator", "load_trained", "onset_targets", "Path"]
