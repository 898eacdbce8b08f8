"""train-beats / export-beats: the beat and downbeat model (beatsight-beats).

A non-causal temporal convolutional network after Davies & Böck 2019 ("Temporal convolutional
networks for musical audio beat tracking") and Böck & Davies 2020 ("Deconstruct, analyse,
reconstruct"): a 1x3 input convolution, then residual blocks of a dilated 1x5 convolution (ELU,
spatial dropout) with dilations 1 … 256 (a receptive field of ~41 s at 50 frames per second), and
a 1x1 head giving beat and downbeat probabilities per frame. Its input is what the app has after
transcription (lib/pipeline/beat-model.ts): the transcriber's onset activations on the drum stem
and the accompaniment stem's band onsets and harmony change, computed by training/beat_inputs.ts
with the app's own code on clips rendered by beats_data.py.

Targets are widened as in the papers: the frame nearest a beat 1, its neighbours 0.5. Training
stretches clips in time by 0.85-1.18 (inputs interpolated, labels moved), which multiplies the
tempos the model sees.
"""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from common import CLASSES, MODELS_OUT, N_CLASSES, ROOT, WORK

FPS = 50.0
N_FEATURES = 6  # lib/pipeline/beat-features.ts BEAT_FEATURE_COUNT
IN_CHANNELS = N_CLASSES + N_FEATURES
CKPT = ROOT / "checkpoints" / "beats.pt"
CKPT_INFO = ROOT / "checkpoints" / "beats.json"
RECIPE = ROOT / "recipe.json"
ARCH = {"channels": 32, "kernel": 5, "dilations": [1, 2, 4, 8, 16, 32, 64, 128, 256], "dropout": 0.1}


class Block(nn.Module):
    def __init__(self, ch: int, kernel: int, dilation: int, dropout: float) -> None:
        super().__init__()
        self.conv = nn.Conv1d(ch, ch, kernel, dilation=dilation, padding=dilation * (kernel - 1) // 2)
        self.mix = nn.Conv1d(ch, ch, 1)
        self.drop = nn.Dropout1d(dropout) if hasattr(nn, "Dropout1d") else nn.Dropout2d(dropout)
        self.act = nn.ELU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.act(self.conv(x))
        y = self.drop(y) if isinstance(self.drop, nn.Dropout1d) else self.drop(y.unsqueeze(-1)).squeeze(-1)
        return x + self.mix(y)


class BeatTCN(nn.Module):
    def __init__(self, channels: int = 32, kernel: int = 5, dilations: list[int] | None = None,
                 dropout: float = 0.1) -> None:
        super().__init__()
        self.inp = nn.Conv1d(IN_CHANNELS, channels, 3, padding=1)
        self.blocks = nn.ModuleList(Block(channels, kernel, d, dropout) for d in (dilations or ARCH["dilations"]))
        self.head = nn.Conv1d(channels, 2, 1)
        self.act = nn.ELU()

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """x: [batch, frames, IN_CHANNELS] -> [batch, 2, frames]."""
        x = x.transpose(1, 2)
        # accompaniment features arrive in log-energy differences (0 to ~10): squash the tail
        x = torch.cat([x[:, :N_CLASSES], torch.log1p(x[:, N_CLASSES:])], dim=1)
        y = self.act(self.inp(x))
        for b in self.blocks:
            y = b(y)
        return self.head(y)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        p = torch.sigmoid(self.logits(x))
        return p[:, 0], p[:, 1]


# ---------------------------------------------------------------------------------------------
# Data

def load_split(split: str) -> list[dict]:
    folder = WORK / "beats" / split
    clips = []
    for info_file in sorted(folder.glob("clip_*.json")):
        inputs = info_file.with_suffix(".inputs.f32")
        if not inputs.exists():
            continue
        x = np.fromfile(inputs, dtype=np.float32).reshape(-1, IN_CHANNELS)
        info = json.loads(info_file.read_text())
        clips.append({"x": x, "beats": np.array(info["beats"]), "downbeats": np.array(info["downbeats"]), "info": info})
    if not clips:
        raise SystemExit(f"No beat-model inputs in {folder}: run render-beats, then beat-inputs")
    return clips


def targets(times: np.ndarray, frames: int) -> np.ndarray:
    y = np.zeros(frames, dtype=np.float32)
    idx = np.round(times * FPS).astype(int)
    idx = idx[(idx >= 0) & (idx < frames)]
    for d in (-1, 1):
        j = np.clip(idx + d, 0, frames - 1)
        y[j] = np.maximum(y[j], 0.5)
    y[idx] = 1.0
    return y


def crop(rng: np.random.Generator, clip: dict, frames: int, stretch: tuple[float, float]) -> tuple[np.ndarray, ...]:
    """A `frames`-long window of a clip played `s` times slower (inputs interpolated linearly)."""
    s = float(np.exp(rng.uniform(np.log(stretch[0]), np.log(stretch[1]))))
    x = clip["x"]
    n = int((len(x) - 1) * s) + 1
    start = int(rng.integers(0, max(1, n - frames)))
    pos = (start + np.arange(frames)) / s
    valid = pos <= len(x) - 1
    i0 = np.clip(np.floor(pos).astype(int), 0, len(x) - 1)
    i1 = np.clip(i0 + 1, 0, len(x) - 1)
    w = (pos - i0)[:, None].astype(np.float32)
    xs = ((1 - w) * x[i0] + w * x[i1]) * valid[:, None]
    # a peak spread over two frames by the interpolation keeps its height
    xs[:, :N_CLASSES] = np.maximum(xs[:, :N_CLASSES], 0)
    off = start / FPS
    yb = targets(clip["beats"] * s - off, frames)
    yd = targets(clip["downbeats"] * s - off, frames)
    return xs.astype(np.float32), yb, yd, valid.astype(np.float32)


def batch(rng: np.random.Generator, clips: list[dict], size: int, frames: int,
          stretch: tuple[float, float]) -> tuple[torch.Tensor, ...]:
    rows = [crop(rng, clips[int(rng.integers(0, len(clips)))], frames, stretch) for _ in range(size)]
    return tuple(torch.from_numpy(np.stack(col)) for col in zip(*rows))


def loss_of(model: BeatTCN, xb, yb, yd, mask) -> torch.Tensor:
    logits = model.logits(xb)
    bce = nn.functional.binary_cross_entropy_with_logits
    lb = (bce(logits[:, 0], yb, reduction="none") * mask).sum() / mask.sum()
    ld = (bce(logits[:, 1], yd, reduction="none") * mask).sum() / mask.sum()
    return lb + ld


def val_loss(model: BeatTCN, clips: list[dict]) -> float:
    model.eval()
    total = 0.0
    with torch.no_grad():
        for c in clips:
            x = torch.from_numpy(c["x"][None])
            f = len(c["x"])
            total += float(loss_of(model, x, torch.from_numpy(targets(c["beats"], f)[None]),
                                   torch.from_numpy(targets(c["downbeats"], f)[None]), torch.ones(1, f)))
    model.train()
    return total / len(clips)


# ---------------------------------------------------------------------------------------------
# Training

def train_beats(minutes: float | None, steps: int | None, resume: bool, lr: float = 2e-3, batch_size: int = 6,
                frames: int = 1000, stretch: tuple[float, float] = (0.85, 1.18),
                schedule_steps: int | None = None) -> None:
    """One run: `steps` optimiser steps or `minutes` of wall clock, the learning rate falling from `lr`
    on a cosine over `schedule_steps` (default: the run's steps; with a time budget, 4 steps a
    second, so a budgeted run on a busy machine ends before the cosine does: recipe.json records
    the length each run used, and a replay uses it)."""
    torch.manual_seed(0)
    train, val = load_split("train"), load_split("val")
    model = BeatTCN(**ARCH)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    info = {"step": 0, "seconds": 0.0, "runs": []}
    if resume:
        state = torch.load(CKPT)
        model.load_state_dict(state["model"])
        info = json.loads(CKPT_INFO.read_text())
        opt_file = WORK / "beats_optimizer.pt"
        if opt_file.exists():
            opt.load_state_dict(torch.load(opt_file))
    step0 = info["step"]
    expected = len(list((WORK / "beats" / "train").glob("clip_*.json")))
    total = steps if steps is not None else None
    budget = (minutes or 0) * 60
    rng = np.random.default_rng(1000 + step0)
    params = sum(p.numel() for p in model.parameters())
    print(f"beats: {len(train)} train clips, {len(val)} val clips, {params} parameters, from step {step0}", flush=True)
    t0 = time.time()
    last_save = t0
    step = step0
    smooth = None
    sched_len = schedule_steps or total or max(1, int(budget / 0.25))
    while True:
        done = step - step0
        if (total is not None and done >= total) or (total is None and time.time() - t0 >= budget):
            break
        for g in opt.param_groups:
            g["lr"] = lr * 0.5 * (1 + np.cos(np.pi * min(1.0, done / sched_len)))
        if done % 200 == 0 and done and len(train) < expected:
            # beat-inputs may still be writing clips: take up the new ones as they arrive
            train = load_split("train")
        xb, yb, yd, mask = batch(rng, train, batch_size, frames, stretch)
        loss = loss_of(model, xb, yb, yd, mask)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        smooth = float(loss) if smooth is None else 0.98 * smooth + 0.02 * float(loss)
        if step % 100 == 0:
            print(f"step {step} loss {smooth:.4f} ({time.time() - t0:.0f} s)", flush=True)
        if time.time() - last_save > 180:
            save(model, opt, info, step, time.time() - t0, None)
            last_save = time.time()
    vl = val_loss(model, val)
    run = {"minutes": round((time.time() - t0) / 60, 1), "steps": step - step0, "resume": resume, "end_step": step,
           "final_loss": smooth, "val_loss": vl, "options": {"lr": lr, "batch": batch_size, "frames": frames,
                                                               "stretch": list(stretch), "schedule_steps": sched_len}}
    save(model, opt, info, step, time.time() - t0, run)
    print(f"beats: step {step}, train loss {smooth:.4f}, val loss {vl:.4f}", flush=True)


def save(model: BeatTCN, opt, info: dict, step: int, seconds: float, run: dict | None) -> None:
    CKPT.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.state_dict(), "arch": ARCH}, CKPT)
    torch.save(opt.state_dict(), WORK / "beats_optimizer.pt")
    out = dict(info, step=step, seconds=info.get("seconds", 0.0) + seconds, arch=ARCH)
    if run is not None:
        out["runs"] = [*info.get("runs", []), run]
        info.update(out)
        recipe = json.loads(RECIPE.read_text())
        recipe["beats"] = [*recipe.get("beats", []),
                           {k: run[k] for k in ("steps", "resume")} | {"options": run["options"]}]
        RECIPE.write_text(json.dumps(recipe, indent=1) + "\n")
    CKPT_INFO.write_text(json.dumps(out, indent=1) + "\n")


# ---------------------------------------------------------------------------------------------
# Export

VERSION = "1.0.0"
FILE = "beats-v1.onnx"


def check_inputs(frames: int = 500) -> np.ndarray:
    """Deterministic input for the recorded outputs (lib/models/models.test.ts rebuilds it):
    drum activations and features from sines of the frame index."""
    t = np.arange(frames, dtype=np.float64)[:, None]
    c = np.arange(IN_CHANNELS, dtype=np.float64)[None, :]
    x = 0.5 + 0.5 * np.sin(0.37 * t * (c + 1) + 0.11 * c)
    x[:, N_CLASSES:] *= 3
    return x.astype(np.float32)


def export_beats() -> None:
    import subprocess

    state = torch.load(CKPT)
    model = BeatTCN(**state["arch"])
    model.load_state_dict(state["model"])
    model.eval()
    out = MODELS_OUT / FILE
    dummy = torch.from_numpy(check_inputs()[None])
    torch.onnx.export(model, dummy, str(out), input_names=["inputs"], output_names=["beat", "downbeat"],
                      dynamic_axes={"inputs": {1: "frames"}, "beat": {1: "frames"}, "downbeat": {1: "frames"}},
                      opset_version=17)
    data = out.read_bytes()
    with torch.no_grad():
        pb, pd = model(dummy)
    # onnxruntime-node on the same input, as the app runs it
    tmp = WORK / "beats_check"
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "in.f32").write_bytes(check_inputs().tobytes())
    subprocess.run(["node", str(ROOT / "beat_ort_check.mjs"), str(out), str(tmp / "in.f32"), str(IN_CHANNELS),
                    str(tmp / "out")], check=True)
    ob = np.fromfile(tmp / "out.beat.f32", dtype=np.float32)
    od = np.fromfile(tmp / "out.downbeat.f32", dtype=np.float32)
    diff = {"beat": float(np.max(np.abs(ob - pb.numpy()[0]))), "downbeat": float(np.max(np.abs(od - pd.numpy()[0])))}
    print("ort vs torch max abs diff", diff)
    assert max(diff.values()) < 1e-4, diff
    info = json.loads(CKPT_INFO.read_text())
    manifest_path = MODELS_OUT / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    transcriber = next(m for m in manifest["models"] if m["task"] == "transcription")
    # The model reads the transcriber's onsets of CLASSES by name (lib/pipeline/beat-model.ts): a
    # transcriber that adds classes after them (1.9.0's snare_cross_stick) feeds it unchanged.
    missing = [c for c in CLASSES if c not in transcriber["classes"]]
    assert not missing, f"the transcriber has no {missing}: the beat model needs retraining"
    # The models whose outputs it was trained on: today's, unless this very file is already listed
    # (re-exported after a transcriber update that kept its onsets, as 1.9.0 kept 1.8.0's).
    sha = hashlib.sha256(data).hexdigest()
    old = next((m for m in manifest["models"] if m.get("name") == "beatsight-beats"), None)
    trained_with = old["trainedWith"] if old and old.get("sha256") == sha else {
        "transcriber": transcriber["version"],
        "separator": next(m["version"] for m in manifest["models"] if m["task"] == "separation")}
    entry = {
        "name": "beatsight-beats", "version": VERSION, "task": "beats", "file": FILE, "url": f"/models/{FILE}",
        "sha256": sha, "bytes": len(data), "opset": 17,
        "parameters": sum(p.numel() for p in model.parameters()),
        "frameRate": FPS, "inputChannels": IN_CHANNELS,
        "inputClasses": CLASSES,
        "inputFeatures": "lib/pipeline/beat-features.ts: accompaniment log band-energy onsets (30-150, 150-400, "
                         "400-1200, 1200-4000, 4000-11000 Hz) and harmony change (chroma L1 distance, 6 frames either side)",
        "trainedWith": trained_with,
        "inputs": [{"name": "inputs", "dtype": "float32", "shape": ["batch", "frames", "channels"],
                    "description": "per transcriber frame (channels = inputChannels): the transcriber's onset probabilities of inputClasses, in that order, "
                                   "then the accompaniment features"}],
        "outputs": [{"name": "beat", "dtype": "float32", "shape": ["batch", "frames"], "description": "beat probability"},
                    {"name": "downbeat", "dtype": "float32", "shape": ["batch", "frames"],
                     "description": "downbeat (bar line) probability"}],
        "architecture": {"type": "non-causal dilated TCN", **state["arch"],
                         "receptiveFieldSeconds": round((1 + 2 + sum((state["arch"]["kernel"] - 1) * d
                                                                     for d in state["arch"]["dilations"])) / FPS, 1)},
        "training": {"steps": info["step"], "minutes": round(info["seconds"] / 60, 1), "runs": info["runs"],
                     "data": "training/beats_data.py clips (MuseScore_General only; no evaluation soundfont)",
                     "command": "/usr/bin/python3 training/cli.py train-beats"},
        "ortMaxAbsDiffVsPyTorch": diff,
    }
    manifest["models"] = [m for m in manifest["models"] if m.get("name") != entry["name"]] + [entry]
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    # the repository's formatter owns JSON layout (as export.py's save_manifest)
    subprocess.run(["npx", "biome", "format", "--write", str(manifest_path)], cwd=ROOT.parent, check=True,
                   capture_output=True, timeout=120)
    fixtures = ROOT.parent / "lib" / "models" / "fixtures" / "expected-beats.json"
    frames = len(ob)
    picks = list(range(0, frames, 25))
    fixtures.write_text(json.dumps({
        "model": entry["name"], "version": VERSION, "sha256": entry["sha256"], "frames": frames,
        "input": "training/beats_model.py check_inputs (lib/models/models.test.ts beatCheckInputs)",
        "frameIndices": picks, "beat": [float(ob[i]) for i in picks], "downbeat": [float(od[i]) for i in picks],
    }, indent=1) + "\n")
    print(f"exported {out} ({len(data)} bytes), manifest entry and {fixtures.name} written")
