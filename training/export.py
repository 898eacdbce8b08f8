"""export: trained checkpoints -> ONNX (opset 17) in public/models, checked against PyTorch in
onnxruntime-node, plus manifest.json and the recorded outputs the CI model test compares with.

Big constant tables (the windowed DFT kernels and the mel filterbank) are not stored: each is
replaced by a handful of nodes that compute it from its definition, and ONNX Runtime folds
those into constants when the session loads. The stored files hold only learned weights.
"""
from __future__ import annotations

import hashlib
import json
import math
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from check_clip import CHECK_SECONDS, check_clip
from common import ARTICULATION_GROUPS, CLASSES, MODELS_OUT, N_ARTICULATIONS, OUTPUT_CLASSES, REPO, SR, WORK, ensure
from features import dft_kernel, inverse_scale
from models import (S_HOP, S_NFFT, T_FMAX, T_FMIN, T_HOP, T_MELS, T_NFFT, ExportSeparator,
                    ExportTranscriber)
from train import load_trained

# Each model is versioned on its own: a new training run of one does not re-version the other.
VERSIONS = {"transcriber": "1.10.0", "separator": "1.4.0"}
FILES = {"transcriber": "transcriber-v1.onnx", "separator": "separator-v1.onnx"}
MANIFEST = MODELS_OUT / "manifest.json"
EXPECTED = REPO / "lib" / "models" / "fixtures" / "expected-outputs.json"
# Ops the graphs may contain (all run by ONNX Runtime Web on WASM; the ones marked "folded" only
# compute constants and are folded at session creation, so WebGPU never sees them).
ALLOWED_OPS = {
    "Conv", "ConvTranspose", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "Sigmoid", "Log", "Sqrt",
    "MaxPool", "Transpose", "Reshape", "Concat", "Slice", "Shape", "Gather", "Unsqueeze", "Squeeze",
    "ConstantOfShape", "Constant", "Clip", "Max", "Min", "Cast", "Identity",
    "Softmax",  # the articulation groups (1.9.0)
    "Range", "Floor", "Cos", "Sin", "Neg",  # folded
}


def _const(name: str, arr: np.ndarray) -> onnx.NodeProto:
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.asarray(arr), name + "_v"))


def _range_nodes(prefix: str, n: int, axis: int) -> tuple[list[onnx.NodeProto], str]:
    """float [1, n] (axis 0 unsqueezed) or [n, 1] (axis 1) holding 0..n-1."""
    nodes = [
        _const(f"{prefix}_start", np.array(0, dtype=np.float32)),
        _const(f"{prefix}_limit", np.array(n, dtype=np.float32)),
        _const(f"{prefix}_delta", np.array(1, dtype=np.float32)),
        helper.make_node("Range", [f"{prefix}_start", f"{prefix}_limit", f"{prefix}_delta"], [f"{prefix}_r"]),
        _const(f"{prefix}_axes", np.array([axis], dtype=np.int64)),
        helper.make_node("Unsqueeze", [f"{prefix}_r", f"{prefix}_axes"], [f"{prefix}_out"]),
    ]
    return nodes, f"{prefix}_out"


def dft_kernel_nodes(out: str, n_fft: int, scale: np.ndarray | None) -> list[onnx.NodeProto]:
    """Nodes computing features.dft_kernel(n_fft) (times `scale`) into `out` [2K, 1, n_fft]."""
    p = out.replace(".", "_") + "_gen"
    k = n_fft // 2 + 1
    nk, kcol = _range_nodes(p + "_k", k, 1)
    nn_, nrow = _range_nodes(p + "_n", n_fft, 0)
    nodes = nk + nn_ + [
        helper.make_node("MatMul", [kcol, nrow], [p + "_prod"]),  # exact integers in float32
        _const(p + "_N", np.array(n_fft, dtype=np.float32)),
        helper.make_node("Div", [p + "_prod", p + "_N"], [p + "_q"]),
        helper.make_node("Floor", [p + "_q"], [p + "_fq"]),
        helper.make_node("Mul", [p + "_fq", p + "_N"], [p + "_m"]),
        helper.make_node("Sub", [p + "_prod", p + "_m"], [p + "_red"]),  # k*n mod N, exactly
        _const(p + "_w0", np.array(2 * math.pi / n_fft, dtype=np.float32)),
        helper.make_node("Mul", [p + "_red", p + "_w0"], [p + "_ang"]),
        helper.make_node("Mul", [nrow, p + "_w0"], [p + "_wang"]),
        helper.make_node("Cos", [p + "_wang"], [p + "_wcos"]),
        _const(p + "_half", np.array(0.5, dtype=np.float32)),
        helper.make_node("Mul", [p + "_wcos", p + "_half"], [p + "_wc2"]),
        helper.make_node("Sub", [p + "_half", p + "_wc2"], [p + "_win"]),  # periodic Hann
        helper.make_node("Cos", [p + "_ang"], [p + "_cos"]),
        helper.make_node("Sin", [p + "_ang"], [p + "_sin"]),
        helper.make_node("Mul", [p + "_cos", p + "_win"], [p + "_re"]),
        helper.make_node("Mul", [p + "_sin", p + "_win"], [p + "_ims"]),
        helper.make_node("Neg", [p + "_ims"], [p + "_im"]),
        helper.make_node("Concat", [p + "_re", p + "_im"], [p + "_cat"], axis=0),
        _const(p + "_ax1", np.array([1], dtype=np.int64)),
    ]
    if scale is None:
        nodes.append(helper.make_node("Unsqueeze", [p + "_cat", p + "_ax1"], [out]))
    else:
        nodes += [
            helper.make_node("Unsqueeze", [p + "_cat", p + "_ax1"], [p + "_k3"]),
            _const(p + "_scale", scale.astype(np.float32)),
            helper.make_node("Mul", [p + "_k3", p + "_scale"], [out]),
        ]
    return nodes


def mel_nodes(out: str, points: np.ndarray, n_fft: int) -> list[onnx.NodeProto]:
    """Nodes computing features.mel_filterbank into `out` [n_mels, K] from its 130 corner points."""
    p = out.replace(".", "_") + "_gen"
    k = n_fft // 2 + 1
    nk, frow = _range_nodes(p + "_f", k, 0)
    lo, ce, hi = points[:-2, None], points[1:-1, None], points[2:, None]
    return nk + [
        _const(p + "_hz", np.array(SR / n_fft, dtype=np.float32)),
        helper.make_node("Mul", [frow, p + "_hz"], [p + "_freq"]),
        _const(p + "_lo", lo.astype(np.float32)),
        _const(p + "_ce", ce.astype(np.float32)),
        _const(p + "_hi", hi.astype(np.float32)),
        helper.make_node("Sub", [p + "_freq", p + "_lo"], [p + "_a"]),
        helper.make_node("Sub", [p + "_ce", p + "_lo"], [p + "_ad"]),
        helper.make_node("Div", [p + "_a", p + "_ad"], [p + "_up"]),
        helper.make_node("Sub", [p + "_hi", p + "_freq"], [p + "_b"]),
        helper.make_node("Sub", [p + "_hi", p + "_ce"], [p + "_bd"]),
        helper.make_node("Div", [p + "_b", p + "_bd"], [p + "_down"]),
        helper.make_node("Min", [p + "_up", p + "_down"], [p + "_tri"]),
        _const(p + "_zero", np.array(0, dtype=np.float32)),
        helper.make_node("Max", [p + "_tri", p + "_zero"], [out]),
    ]


def replace_constants(model: onnx.ModelProto, generators: list[tuple[np.ndarray, callable]]) -> list[str]:
    """Swap every initializer or Constant node equal to a known table for nodes that compute it."""
    g = model.graph

    def find(arr: np.ndarray):
        return next((make for table, make in generators
                     if arr.shape == table.shape and np.allclose(arr, table, atol=1e-6)), None)

    replaced, keep, gen_nodes = [], [], []
    for init in g.initializer:
        arr = numpy_helper.to_array(init)
        make = find(arr)
        if make is None:
            keep.append(init)
            continue
        gen_nodes += make(init.name)
        replaced.append(f"initializer {init.name} {list(arr.shape)}")
    del g.initializer[:]
    g.initializer.extend(keep)
    nodes = []
    for node in g.node:
        if node.op_type == "Constant" and node.attribute and node.attribute[0].name == "value":
            arr = numpy_helper.to_array(node.attribute[0].t)
            make = find(arr) if arr.size > 1000 else None
            if make is not None:
                gen_nodes += make(node.output[0])
                replaced.append(f"constant {node.output[0]} {list(arr.shape)}")
                continue
        nodes.append(node)
    del g.node[:]
    g.node.extend(gen_nodes + nodes)
    return replaced


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_ort(model: Path, clips: np.ndarray, input_name: str) -> tuple[dict[str, np.ndarray], dict]:
    """Run clips [C, N] through onnxruntime-node; returns outputs stacked per clip."""
    with tempfile.TemporaryDirectory() as tmp:
        inp = Path(tmp) / "in.f32"
        clips.astype(np.float32).tofile(inp)
        res = subprocess.run(["node", str(Path(__file__).parent / "ort_run.mjs"), str(model), str(inp), input_name,
                              str(len(clips)), str(Path(tmp) / "out")],
                             check=True, capture_output=True, text=True, cwd=REPO, timeout=3600)
        info = json.loads(res.stdout.strip().splitlines()[-1])
        outs = {}
        for name, dims in info["dims"].items():
            outs[name] = np.fromfile(Path(tmp) / f"out.{name}.f32", dtype=np.float32).reshape(len(clips), *dims[1:])
    return outs, info


def git_commit() -> str:
    try:
        # the last commit that changed the training code (HEAD moves with unrelated work)
        return subprocess.run(["git", "log", "-1", "--format=%H", "--", "training"], cwd=REPO,
                              capture_output=True, text=True, check=True).stdout.strip()
    except Exception:  # noqa: BLE001
        return "unknown"


def load_manifest() -> dict:
    if MANIFEST.exists():
        return json.loads(MANIFEST.read_text())
    return {"schemaVersion": 1, "models": []}


def save_manifest(man: dict) -> None:
    man["models"].sort(key=lambda m: m["task"], reverse=True)
    MANIFEST.write_text(json.dumps(man, indent=2) + "\n")
    try:  # the repository's formatter owns JSON layout (`npm run lint` checks it)
        subprocess.run(["npx", "biome", "format", "--write", str(MANIFEST)], cwd=REPO, check=True,
                       capture_output=True, timeout=120)
    except Exception as e:  # noqa: BLE001
        print(f"  (biome format skipped: {e})")


def upsert(man: dict, entry: dict, new_thresholds: dict | None = None, unchanged: dict | None = None) -> None:
    """Replace the task's entry; the thresholds and the onset figures already measured stay
    (evaluate and evaluate-real rewrite them), `articulationMetrics` measured on an earlier version
    does not (evaluate-articulations remeasures it). `unchanged` ({"onset": [...], "velocity":
    [...]}, the classes whose output equals the recorded one on the check clip) keeps the old
    `calibration` maps of those outputs and the thresholds of those onsets; without it no
    calibration stays. `new_thresholds` gives the thresholds of the other classes."""
    old = next((m for m in man["models"] if m["task"] == entry["task"]), None)
    if old is not None:
        for keep in ("thresholds", "metrics", "thresholdsSource", "realValidation"):
            if keep in old and keep not in entry:
                entry[keep] = old[keep]
        if unchanged and "calibration" in old:
            cal = {k: v for k, v in old["calibration"].items() if k not in ("confidence", "velocity")}
            for kind, output in (("confidence", "onset"), ("velocity", "velocity")):
                maps = {c: m for c, m in old["calibration"].get(kind, {}).items() if c in unchanged[output]}
                if maps:
                    cal[kind] = maps
            if any(k in cal for k in ("confidence", "velocity")):
                entry["calibration"] = cal
        man["models"].remove(old)
    if entry["task"] == "transcription":
        # until `evaluate --tune-thresholds --write-manifest`
        thresholds = entry.get("thresholds", {c: 0.5 for c in entry["classes"]})
        keep = set(entry["classes"]) if unchanged is None else set(unchanged["onset"])
        entry["thresholds"] = {c: thresholds[c] if c in thresholds and c in keep else (new_thresholds or {}).get(c, 0.5)
                               for c in entry["classes"]}
    man["models"].append(entry)


def unchanged_outputs(ref: list[np.ndarray], recorded: dict | None, classes: list[str]) -> dict | None:
    """Per output (onset, velocity), the classes whose column equals the recorded outputs on the
    check clip within 1e-5 (plus the fixture's rounding): a network grown beside a frozen part
    keeps those outputs' calibration and thresholds (upsert)."""
    if recorded is None:
        return None
    out = {}
    for k, name in enumerate(("onset", "velocity")):
        rec = recorded["outputs"].get(name)
        if rec is None:
            return None
        old = np.array(rec["values"], dtype=np.float32).reshape(rec["shape"])
        n = min(old.shape[-1], ref[k].shape[-1])
        out[name] = [classes[c] for c in range(n) if float(np.max(np.abs(ref[k][..., c] - old[..., c]))) <= 1e-5 + 5e-7]
    return out


def check_frozen_onsets(onset: np.ndarray, recorded: dict | None, state: dict) -> None:
    """A run that froze the trunk and the first seven onset rows (artic_train.py) must give the
    recorded onsets of those seven classes on the check clip (1.9.0 against 1.8.0's fixture)."""
    last = (state.get("runs") or [{}])[-1]
    if recorded is None or "articulation" not in last.get("options", {}):
        return
    rec = recorded["outputs"]["onset"]
    old = np.array(rec["values"], dtype=np.float32).reshape(rec["shape"])[..., :len(CLASSES)]
    diff = float(np.max(np.abs(onset[..., :len(CLASSES)] - old)))
    print(f"  first {len(CLASSES)} onset outputs vs the recorded ones: max |diff| {diff:.2e}")
    assert diff <= 1e-5 + 5e-7, f"the frozen onset rows changed: {diff}"  # fixture values are rounded to 1e-6


def export_experiment(name: str) -> Path:
    """A transcriber checkpoint that is not shipped (checkpoints/<name>.pt) as
    training/work/<name>.onnx, checked in onnxruntime-node against PyTorch and, for the frozen onset
    rows, against the recorded outputs; the manifest and the fixtures are left alone. An evaluation
    takes the file (evaluate-articulations --model)."""
    model, state = load_trained(name)
    clip = check_clip()
    xt = torch.from_numpy(clip)[None]
    with torch.no_grad():
        model.set_export(True)
        wrapper = ExportTranscriber(model).eval()
        ref = [t.numpy() for t in wrapper(xt)]
    out_names = ["onset", "velocity", "articulation"]
    raw = WORK / f"{name}-raw.onnx"
    axes = {"audio": {0: "batch", 1: "samples"}, **{o: {0: "batch", 1: "frames"} for o in out_names}}
    torch.onnx.export(wrapper, xt, str(raw), opset_version=17, input_names=["audio"], output_names=out_names,
                      dynamic_axes=axes, do_constant_folding=True)
    m = onnx.load(str(raw))
    replaced = replace_constants(m, [(dft_kernel(T_NFFT), lambda n: dft_kernel_nodes(n, T_NFFT, None)),
                                     (model.mel_fb.numpy(), lambda n: mel_nodes(n, model.mel_points, T_NFFT))])
    assert len(replaced) == 2, replaced
    m.doc_string = f"BeatSight transcriber experiment {name} (not shipped); see docs/MODELS.md"
    onnx.checker.check_model(m)
    bad = {n.op_type for n in m.graph.node} - ALLOWED_OPS
    assert not bad, f"ops outside the allowed set: {bad}"
    out = WORK / f"{name}.onnx"
    onnx.save(m, str(out))
    outs, _ = run_ort(out, clip[None], "audio")
    diffs = {k: float(np.max(np.abs(outs[k][0] - r[0]))) for k, r in zip(out_names, ref)}
    assert all(v < 1e-4 for v in diffs.values()), diffs
    recorded = json.loads(EXPECTED.read_text()).get("transcriber") if EXPECTED.exists() else None
    check_frozen_onsets(ref[0], recorded, state)
    val_set = next(p for p in (WORK / "drums_val.npz", WORK / "drums_artic_val.npz") if p.exists())
    _, tinfo = run_ort(out, np.load(val_set)["audio"][:4].astype(np.float32), "audio")
    print(f"{out}: {out.stat().st_size} bytes, {sum(p.numel() for p in model.parameters())} parameters, "
          f"max |ort - torch| {diffs}, {tinfo['ms'] / 1000 / tinfo['seconds']:.4f} s per audio second")
    return out


def export(which: str) -> None:
    ensure(MODELS_OUT)
    ensure(EXPECTED.parent)
    man = load_manifest()
    expected = json.loads(EXPECTED.read_text()) if EXPECTED.exists() else {}
    clip = check_clip()
    for name in (["transcriber", "separator"] if which == "both" else [which]):
        model, state = load_trained(name)
        params = sum(p.numel() for p in model.parameters())
        x = clip if name == "transcriber" else clip[: len(clip) // S_HOP * S_HOP]
        xt = torch.from_numpy(x)[None]
        with torch.no_grad():
            ref_train = model(xt) if name == "transcriber" else None  # torch.stft front-end
            model.set_export(True)
            wrapper = ExportTranscriber(model) if name == "transcriber" else ExportSeparator(model)
            wrapper.eval()
            ref = [t.numpy() for t in wrapper(xt)]
        raw = WORK / f"{name}-raw.onnx"
        in_name = "audio" if name == "transcriber" else "mixture"
        articulated = name == "transcriber" and model.articulation is not None
        out_names = (["onset", "velocity"] + (["articulation"] if articulated else []) if name == "transcriber"
                     else ["drums", "accompaniment"])
        axes = {in_name: {0: "batch", 1: "samples"}}
        for o in out_names:
            axes[o] = {0: "batch", 1: "frames"} if name == "transcriber" else {0: "batch", 1: "samples"}
        torch.onnx.export(wrapper, xt, str(raw), opset_version=17, input_names=[in_name], output_names=out_names,
                          dynamic_axes=axes, do_constant_folding=True)
        m = onnx.load(str(raw))
        if name == "transcriber":
            gens = [(dft_kernel(T_NFFT), lambda n: dft_kernel_nodes(n, T_NFFT, None)),
                    (model.mel_fb.numpy(), lambda n: mel_nodes(n, model.mel_points, T_NFFT))]
        else:
            gens = [(dft_kernel(S_NFFT), lambda n: dft_kernel_nodes(n, S_NFFT, None)),
                    (dft_kernel(S_NFFT) * inverse_scale(S_NFFT),
                     lambda n: dft_kernel_nodes(n, S_NFFT, inverse_scale(S_NFFT)))]
        replaced = replace_constants(m, gens)
        assert len(replaced) == 2, replaced
        m.producer_name = "beatsight-training"
        m.doc_string = f"BeatSight {name} {VERSIONS[name]}; see docs/MODELS.md"
        onnx.checker.check_model(m)
        ops = sorted({n.op_type for n in m.graph.node})
        bad = set(ops) - ALLOWED_OPS
        assert not bad, f"ops outside the allowed set: {bad}"
        out = MODELS_OUT / FILES[name]
        onnx.save(m, str(out))
        size = out.stat().st_size
        limit = 2_000_000 if name == "transcriber" else 10_000_000
        assert size <= limit, f"{out} is {size} bytes, over {limit}"

        # onnxruntime-node against PyTorch on the check clip and on 8 s of held-out audio
        outs, info = run_ort(out, x[None], in_name)
        diffs = {k: float(np.max(np.abs(outs[k][0] - r[0]))) for k, r in zip(out_names, ref)}
        if ref_train is not None:  # the conv front-end equals torch.stft's
            diffs["onset_vs_torch_stft"] = float(np.max(np.abs(
                torch.sigmoid(ref_train[0]).transpose(1, 2).numpy()[0] - ref[0][0])))
        print(f"{name}: {size} bytes, {params} parameters, ops {ops}\n  replaced {replaced}\n  max |ort - torch| {diffs}")
        unchanged = unchanged_outputs(ref, expected.get("transcriber"), OUTPUT_CLASSES) if articulated else None
        if articulated:
            print(f"  outputs unchanged since the recorded export: {unchanged}")
            check_frozen_onsets(ref[0], expected.get("transcriber"), state)
            groups = ref[2][0].reshape(-1, N_ARTICULATIONS)
            sums = [groups[:, a:a + len(c)].sum(axis=1) for a, c in zip(np.cumsum([0] + [len(c) for _, c in ARTICULATION_GROUPS]),
                                                                        [c for _, c in ARTICULATION_GROUPS])]
            assert np.allclose(np.stack(sums), 1.0, atol=1e-5), "articulation groups do not sum to 1"
        assert all(v < 2e-3 for v in diffs.values()), diffs
        # 4 held-out clips of 8 s: synth-data's val, or render-artic's (a machine without the old sets)
        val_set = next(p for p in (WORK / "drums_val.npz", WORK / "drums_artic_val.npz") if p.exists())
        val = np.load(val_set)["audio"][:4].astype(np.float32)
        val = val[:, : val.shape[1] // S_HOP * S_HOP]
        _, tinfo = run_ort(out, val, in_name)
        rtf = tinfo["ms"] / 1000 / tinfo["seconds"]

        expected[name] = {
            "file": FILES[name],
            "input": in_name,
            "samples": int(len(x)),
            "outputs": {k: {"shape": list(r.shape), "stride": (1 if name == "transcriber" else 97),
                            "values": [round(float(v), 6) for v in
                                       (r[0].reshape(-1) if name == "transcriber" else r[0].reshape(-1)[::97])]}
                        for k, r in zip(out_names, ref)},
            "tolerance": 2e-3,
        }
        entry = {
            "name": f"beatsight-{name}",
            "version": VERSIONS[name],
            "task": "transcription" if name == "transcriber" else "separation",
            "file": FILES[name],
            "url": f"/models/{FILES[name]}",
            "sha256": sha256(out),
            "bytes": size,
            "opset": 17,
            "parameters": int(params),
            "sampleRate": SR,
            "channels": 1,
            "trainingCommit": git_commit(),
            "training": {
                "steps": int(state.get("step", 0)),
                "minutes": round(float(state.get("seconds", 0)) / 60, 1),
                "runs": state.get("runs", []),
                "hardware": "CPU only: 2 cores, Debian 12, PyTorch 1.13.1 (threads per run: docs/MODELS.md)",
                "command": f"/usr/bin/python3 training/cli.py train-{name}",
            },
            "inference": {"secondsPerAudioSecond": round(rtf, 4),
                          "measuredOn": "onnxruntime-node 1.30 CPU, 1 thread, this training machine"},
            "ortMaxAbsDiffVsPyTorch": diffs,
        }
        if name == "transcriber":
            entry.update({
                "hop": T_HOP,
                "frameRate": SR / T_HOP,
                "inputs": [{"name": "audio", "dtype": "float32", "shape": ["batch", "samples"],
                            "description": "mono PCM in [-1, 1] at sampleRate; any length >= 1 hop"}],
                "outputs": [
                    {"name": "onset", "dtype": "float32", "shape": ["batch", "frames", "classes"],
                     "description": "onset probability per class; frames = floor(samples / hop) + 1, "
                                    "frame t is centred on sample t * hop (time t / frameRate seconds)"},
                    {"name": "velocity", "dtype": "float32", "shape": ["batch", "frames", "classes"],
                     "description": "played velocity / 127 (MIDI), 0-1; read it at the onset's peak frame"},
                ] + ([{"name": "articulation", "dtype": "float32", "shape": ["batch", "frames", N_ARTICULATIONS],
                       "description": "probability of each component of a class, softmaxed within each group of "
                                      "`articulations`; read it at the class's onset peak frame"}] if articulated else []),
                "classes": OUTPUT_CLASSES if articulated else CLASSES,
                **({"articulations": {"output": "articulation",
                                      "groups": [{"class": cls, "components": comps}
                                                 for cls, comps in ARTICULATION_GROUPS]}} if articulated else {}),
                # evaluate.py: on held-out mixes the full mix scored higher (micro F1 0.671) than the
                # separator's drum stem (0.661); the transcriber never saw separation artefacts
                "recommendedSource": "mixture",
                "features": {"inGraph": True, "stft": {"nFft": T_NFFT, "hop": T_HOP, "window": "hann-periodic",
                                                      "center": "zero-pad nFft/2 both sides"},
                             "mel": {"bins": T_MELS, "fMinHz": T_FMIN, "fMaxHz": T_FMAX, "scale": "htk",
                                     "of": "magnitude"},
                             "log": "ln(mel + 1e-3)"},
                "peakPicking": {"method": "local-maximum", "radiusFrames": 2,
                                "description": "an onset is a frame whose probability is >= the class threshold "
                                               "and is the maximum within +-radiusFrames frames (first wins ties)"},
                "chunking": {"chunkSeconds": 30, "overlapSeconds": 2, "receptiveFieldHalfWidthSeconds": 0.68,
                             "alignSamples": T_HOP,
                             "description": "run chunks that start on multiples of hop; drop overlapSeconds/2 "
                                            "of frames at each inner chunk edge"},
            })
        else:
            entry.update({
                "hop": S_HOP,
                "inputs": [{"name": "mixture", "dtype": "float32", "shape": ["batch", "samples"],
                            "description": "mono PCM in [-1, 1] at sampleRate; samples a multiple of hop"}],
                "outputs": [
                    {"name": "drums", "dtype": "float32", "shape": ["batch", "samples"],
                     "description": "drum stem, same length and rate as the input"},
                    {"name": "accompaniment", "dtype": "float32", "shape": ["batch", "samples"],
                     "description": "mixture - drums"},
                ],
                "features": {"inGraph": True, "stft": {"nFft": S_NFFT, "hop": S_HOP, "window": "hann-periodic",
                                                      "center": "zero-pad nFft/2 both sides"},
                             "mask": "sigmoid magnitude mask on the mixture STFT times a median-filter percussive "
                                     "mask P^2 / (P^2 + H^2) (17 frames x 17 bins, faded out below 130 Hz; "
                                     "training/hpss.py); inverse STFT by overlap-add divided by the summed "
                                     "squared window"},
                "chunking": {"chunkSeconds": 11.89, "overlapSeconds": 2.0, "receptiveFieldHalfWidthSeconds": 0.86,
                             "alignSamples": S_HOP,
                             "description": "chunks of 262144 samples starting on multiples of hop; overlap "
                                            "consecutive chunks by overlapSeconds and cross-fade linearly across it"},
            })
        measured = state.get("measured", {}).get("artic_val", {})
        # the cross-stick's threshold: the lowest at which half its notes are right (artic_train.cross_stick_f1)
        upsert(man, entry, {"snare_cross_stick": measured.get("crossStick", {}).get("precise", {}).get("threshold", 0.5)},
               unchanged)
        save_manifest(man)
        print(f"  inference {rtf:.4f} s per audio second; wrote {out} and {MANIFEST}")
    EXPECTED.write_text(json.dumps({"checkClip": {"sampleRate": SR, "seconds": CHECK_SECONDS,
                                                  "generator": "lib/models/check-clip.ts"}, **expected}) + "\n")


__all__ = ["export", "run_ort", "load_manifest", "save_manifest", "TensorProto"]
