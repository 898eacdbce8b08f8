#!/usr/bin/env python3
"""BeatSight model pipeline: one subcommand per step. Run with Debian's Python:

    /usr/bin/python3 training/cli.py <step> [options]

Steps, in order: build-bank, render-accomp, synth-data, train-transcriber, train-separator,
export, evaluate, and evaluate-real (real recordings; needs an MDB Drums checkout). `all` runs
them in order (evaluate-real only with --mdb). The beat model has its own steps, after the other
two models are exported: render-beats, beat-inputs, train-beats, export-beats. See
training/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


RECIPE = Path(__file__).resolve().parent / "recipe.json"
JEMALLOC = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"


def use_jemalloc() -> None:
    """torch on glibc malloc spends most of its time faulting in fresh pages for every large
    temporary on this VM (7x slower element-wise ops); jemalloc that never returns memory avoids it."""
    if os.path.exists(JEMALLOC) and "libjemalloc" not in os.environ.get("LD_PRELOAD", ""):
        env = dict(os.environ, LD_PRELOAD=JEMALLOC, MALLOC_CONF="retain:true,dirty_decay_ms:-1,muzzy_decay_ms:-1")
        os.execve(sys.executable, [sys.executable, *sys.argv], env)


def main() -> None:
    use_jemalloc()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="step", required=True)
    bb = sub.add_parser("build-bank", help="collect labelled one-shots from Debian packages")
    bb.add_argument("--which", default="main,more", help="main (bank.npz) and/or more (bank_more.npz)")
    a = sub.add_parser("render-accomp", help="render procedural accompaniment with fluidsynth")
    a.add_argument("--train-pieces", type=int, default=40, help="pieces per training soundfont")
    a.add_argument("--val-pieces", type=int, default=16)
    a.add_argument("--extra-pieces", type=int, default=120, help="pieces per training soundfont in accomp_extra")
    a.add_argument("--sets", default="base,extra", help="base (train + val) and/or extra")
    ly = sub.add_parser("render-layers", help="render sung vocals and amp-distorted guitars (separator layers)")
    ly.add_argument("--vocals", type=int, default=400, help="30 s vocal pieces (Festival singing mode)")
    ly.add_argument("--guitars", type=int, default=300, help="30 s guitar pieces (fluidsynth + amp model)")
    ly.add_argument("--val", type=int, default=40, help="held-out pieces of each (Italian voices, TimGM6mb)")
    ly.add_argument("--which", default="vocals,guitars,bass")
    s = sub.add_parser("synth-data", help="render labelled drum clips (train, held-out val, extra)")
    s.add_argument("--n-train", type=int, default=4000)
    s.add_argument("--n-val", type=int, default=200)
    s.add_argument("--n-extra", type=int, default=12000, help="clips in the varied, partly codec-coded set")
    s.add_argument("--n-h2", type=int, default=4000, help="clips like extra's, 70 %% on Hydrogen's patterns")
    s.add_argument("--n-synth", type=int, default=4000, help="clips like h2's, played on synthesised kits")
    s.add_argument("--n-more", type=int, default=3000, help="clips like h2's, played on bank_more's kits")
    ra = sub.add_parser("render-artic", help="drum clips labelled by articulation and played velocity (artic_data.py)")
    ra.add_argument("--n-val", type=int, default=200, help="held-out clips of 8 s (drums_artic_val.npz)")
    ra.add_argument("--n-train", type=int, default=8000, help="training clips of 4 s (drums_artic.npz)")
    for name in ("train-transcriber", "train-separator"):
        t = sub.add_parser(name)
        budget = t.add_mutually_exclusive_group()
        budget.add_argument("--steps", type=int, help="optimiser steps in this run (what recipe.json records)")
        budget.add_argument("--minutes", type=float, help="wall-clock budget instead (exploration)")
        t.add_argument("--resume", action="store_true", help="continue from the last checkpoint")
        t.add_argument("--fresh-optimizer", action="store_true",
                       help="with --resume: start Adam's moments afresh (what a run on a machine without "
                            "training/work/ does; recipe runs that did so record it)")
        t.add_argument("--threads", type=int, default=1)
        t.add_argument("--data", default="train,extra,h2,synth", help="data sets to draw from (train = session 1's, extra, h2, synth, more)")
        t.add_argument("--accomp-db", default="-10,12" if name == "train-transcriber" else "-10,10",
                       help="drum-to-accompaniment RMS ratio range, dB")
        if name == "train-transcriber":
            t.add_argument("--accomp-share", type=float, default=0.75, help="share of clips under accompaniment")
            t.add_argument("--refine", type=int, default=0, help="grow the network to N RefineBlock2d (models.py)")
            t.add_argument("--soup", type=float, default=0.0,
                           help="end on the average of the final and the starting weights, this share of the start")
            t.add_argument("--loss", type=json.loads, default=None,
                           help='onset loss weights, e.g. \'{"confusion": 2, "soft": 2}\' (train.onset_weights)')
            t.add_argument("--articulation", type=json.loads, default=None,
                           help='train only 1.9.0\'s articulation, cross-stick and velocity heads over the frozen '
                                'trunk, e.g. \'{"views": 1, "batch": 64, "lr": 0.01}\' (artic_train.py; --data artic)')
        else:
            t.add_argument("--local", type=int, default=0, help="grow the separator a LocalMask of N channels (models.py)")
            t.add_argument("--percussive-input", action="store_true",
                           help="grow the separator an input for the median-filter percussive mask (hpss.py)")
            t.add_argument("--bus", type=json.loads, default=None,
                           help='EQ and compression of the whole mix, e.g. \'{"eq_db": 6, "eq_share": 0.5, "compress": 0.4}\'')
        t.add_argument("--layers", type=json.loads, default=None,
                       help='render-layers\' vocals and guitars over the accompaniment, e.g. '
                            '\'{"vocals": 0.5, "guitars": 0.35, "db": [-6, 6], "alone": 0.15}\' (train.py)')
        t.add_argument("--augment", type=json.loads, default=None,
                       help='on-the-fly augmentation as JSON, e.g. \'{"rate": [0.89, 1.12], "eq_db": 6}\' (augment.py)')
    e = sub.add_parser("export", help="export ONNX, verify with onnxruntime-node, write manifest")
    e.add_argument("--which", choices=["both", "transcriber", "separator"], default="both")
    e.add_argument("--experiment", help="a transcriber checkpoint that is not shipped (checkpoints/<name>.pt): "
                                        "ONNX to training/work/<name>.onnx, checked, manifest untouched")
    v = sub.add_parser("evaluate", help="mir_eval onset F1 per class and SDR on held-out data")
    v.add_argument("--which", choices=["both", "transcriber", "separator"], default="both")
    v.add_argument("--onnx", action="store_true", help="evaluate the exported ONNX models (node)")
    v.add_argument("--write-manifest", action="store_true", help="record figures in the manifest")
    v.add_argument("--tune-thresholds", action="store_true", help="pick per-class thresholds on val")
    v.add_argument("--by-kit", action="store_true", help="also print the transcriber's F1 per held-out kit")
    v.add_argument("--errors", action="store_true", help="also print where the transcriber's errors are")
    r = sub.add_parser("evaluate-real", help="the shipped ONNX models on MDB Drums (real recordings, evaluation only)")
    r.add_argument("--mdb", required=True, help="MDB Drums checkout: the folder holding audio/ and annotations/")
    r.add_argument("--write-manifest", action="store_true", help="record the figures in the manifest")
    r.add_argument("--calibrate", action="store_true", help="choose the shipped thresholds on these recordings")
    ea = sub.add_parser("evaluate-articulations",
                        help="articulation F1, velocity Spearman, snare F1 per band, confidence calibration (shipped ONNX)")
    ea.add_argument("--model", help="the manifest's transcriber file (default: public/models/<its file>)")
    ea.add_argument("--mdb", help="MDB Drums checkout: also score its drum stems and mixes")
    ea.add_argument("--write-manifest", action="store_true", help="record the calibration and the figures")
    rb = sub.add_parser("render-beats", help="long clips with exact beats and downbeats (beats_data.py)")
    rb.add_argument("--n-train", type=int, default=150)
    rb.add_argument("--n-val", type=int, default=20)
    bi = sub.add_parser("beat-inputs", help="run the shipped separator and transcriber over render-beats' clips")
    bi.add_argument("--threads", type=int, default=2)
    tb = sub.add_parser("train-beats", help="train the beat and downbeat TCN (beats_model.py)")
    tb_budget = tb.add_mutually_exclusive_group()
    tb_budget.add_argument("--steps", type=int, help="optimiser steps in this run (what recipe.json records)")
    tb_budget.add_argument("--minutes", type=float, help="wall-clock budget instead")
    tb.add_argument("--resume", action="store_true", help="continue from checkpoints/beats.pt")
    tb.add_argument("--lr", type=float, default=2e-3, help="peak learning rate (cosine over the run)")
    tb.add_argument("--threads", type=int, default=1)
    sub.add_parser("export-beats", help="export the beat model to ONNX, check it in onnxruntime-node, manifest entry")
    sub.add_parser("card", help="print the model card's metric tables from the manifest")
    al = sub.add_parser("all", help="every step with defaults")
    al.add_argument("--mdb", help="MDB Drums checkout: calibrate the shipped thresholds on it (evaluate-real)")
    args = p.parse_args()

    import torch
    torch.set_num_threads(getattr(args, "threads", 1) or 1)

    # export before evaluate: evaluate writes thresholds and metrics into the entries export creates
    steps = ["build-bank", "render-accomp", "render-layers", "synth-data", "render-artic", "train-transcriber",
             "train-separator", "export", "evaluate"] if args.step == "all" else [args.step]
    if args.step == "all" and args.mdb:
        steps.append("evaluate-real")
    for step in steps:
        if step == "build-bank":
            from bank import build_bank, build_more_bank
            which = getattr(args, "which", "main,more").split(",")
            if "main" in which:
                build_bank()
            if "more" in which:
                build_more_bank()
        elif step == "render-accomp":
            from accomp import render_accomp
            render_accomp(getattr(args, "train_pieces", 40), getattr(args, "val_pieces", 16),
                          getattr(args, "extra_pieces", 120), tuple(getattr(args, "sets", "base,extra").split(",")))
        elif step == "render-layers":
            from accomp import render_layers
            render_layers(getattr(args, "vocals", 400), getattr(args, "guitars", 300),
                          tuple(getattr(args, "which", "vocals,guitars,bass").split(",")), getattr(args, "val", 40))
        elif step == "synth-data":
            from synth import synth_data
            synth_data({"train": getattr(args, "n_train", 4000), "val": getattr(args, "n_val", 200),
                        "extra": getattr(args, "n_extra", 12000), "h2": getattr(args, "n_h2", 4000),
                        "synth": getattr(args, "n_synth", 4000), "more": getattr(args, "n_more", 3000)})
        elif step == "render-artic":
            from artic_data import render_artic
            render_artic({"artic_val": getattr(args, "n_val", 200), "artic": getattr(args, "n_train", 8000)})
        elif step in ("train-transcriber", "train-separator"):
            from train import train_separator, train_transcriber
            train = train_transcriber if step == "train-transcriber" else train_separator
            name = step.removeprefix("train-")
            replay = args.step == "all" or (args.steps is None and args.minutes is None)
            if replay and getattr(args, "resume", False):
                p.error("--resume continues the last checkpoint for a budget: give --steps or --minutes")
            if replay:
                # the shipped model's schedule: every run in training/recipe.json, in order
                for run in json.loads(RECIPE.read_text())[name]:
                    train(None, run["steps"], run["resume"], tuple(run.get("data", ["train"])), **run.get("options", {}))
            else:
                options = {"accomp_db": tuple(float(v) for v in args.accomp_db.split(","))}
                if name == "transcriber":
                    options["accomp_share"] = args.accomp_share
                    if args.refine:
                        options["refine"] = args.refine
                    if args.loss:
                        options["loss"] = args.loss
                    if args.soup:
                        options["soup"] = args.soup
                    if args.articulation:
                        options["articulation"] = args.articulation
                else:
                    if args.bus:
                        options["bus"] = args.bus
                    if args.local:
                        options["local"] = args.local
                    if args.percussive_input:
                        options["percussive"] = "input"
                for key in ("layers", "augment"):
                    if getattr(args, key):
                        options[key] = getattr(args, key)
                if args.fresh_optimizer:
                    options["fresh_optimizer"] = True
                train(args.minutes, args.steps, args.resume, tuple(args.data.split(",")), **options)
        elif step == "evaluate":
            from evaluate import evaluate
            evaluate(getattr(args, "which", "both"), getattr(args, "onnx", False),
                     getattr(args, "write_manifest", False) or args.step == "all",
                     getattr(args, "tune_thresholds", False) or args.step == "all", getattr(args, "by_kit", False),
                     getattr(args, "errors", False))
        elif step == "evaluate-real":
            from evaluate_real import evaluate_real
            evaluate_real(Path(args.mdb), args.write_manifest or args.step == "all", args.calibrate or args.step == "all")
        elif step == "evaluate-articulations":
            from articulation_eval import evaluate_articulations
            evaluate_articulations(Path(args.model) if args.model else None, Path(args.mdb) if args.mdb else None,
                                   args.write_manifest)
        elif step == "render-beats":
            from beats_data import render_beats
            render_beats(args.n_train, args.n_val)
        elif step == "beat-inputs":
            import subprocess
            from common import WORK
            root = Path(__file__).resolve().parent
            subprocess.run(["node", "--import", "tsx", str(root / "beat_inputs.ts"), str(WORK / "beats" / "train"),
                            str(WORK / "beats" / "val"), "--threads", str(args.threads)], check=True, cwd=root.parent)
        elif step == "train-beats":
            from beats_model import train_beats
            if args.steps is None and args.minutes is None:
                for run in json.loads(RECIPE.read_text())["beats"]:  # replay the shipped schedule
                    train_beats(None, run["steps"], run["resume"], lr=run["options"]["lr"],
                                schedule_steps=run["options"]["schedule_steps"])
            else:
                train_beats(args.minutes, args.steps, args.resume, lr=args.lr)
        elif step == "export-beats":
            from beats_model import export_beats
            export_beats()
        elif step == "card":
            from card import card
            card()
        elif step == "export" and getattr(args, "experiment", None):
            from export import export_experiment
            export_experiment(args.experiment)
        elif step == "export":
            from export import export
            export(getattr(args, "which", "both"))


if __name__ == "__main__":
    main()
