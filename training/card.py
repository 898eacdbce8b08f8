"""card: the model card's metric tables (docs/MODELS.md), printed as Markdown from the figures that
`evaluate --write-manifest` recorded in public/models/manifest.json, so the card and the manifest
cannot disagree. Paste the output over the tables in docs/MODELS.md.
"""
from __future__ import annotations

from common import CLASSES

CONDITIONS = [
    ("drums_only", "drums only"),
    ("drums_plus_accompaniment", "drums + accompaniment"),
    ("separated_drums_from_mix", "separator → transcriber"),
    ("drums_plus_accompaniment_threshold_0.5", "drums + accompaniment, all thresholds 0.5"),
]
# The targets on held-out drums mixed with accompaniment.
TARGETS = {"kick": 0.90, "snare": 0.85, "hihat_closed": 0.85, "hihat_any": 0.85, "tom": 0.70, "crash": 0.70,
           "ride": 0.70}
SEPARATION_ROWS = ["model", "mixture_as_estimate", "oracle_ideal_ratio_mask"]


def cell(v: dict) -> str:
    return f"**{v['f1']:.3f}** ({v['precision']:.2f} / {v['recall']:.2f}), n={v['support']}"


def transcriber_table(entry: dict) -> str:
    conds = entry["metrics"]["conditions"]
    head = ["class", "threshold"] + [label for _, label in CONDITIONS] + ["target (mix)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in [*CLASSES, "hihat_any"]:
        th = entry["thresholds"].get(c, "—")
        row = [c, str(th)] + [cell(conds[k]["perClass"][c]) for k, _ in CONDITIONS]
        row.append(f"{TARGETS[c]:.2f}" if c in TARGETS else "—")
        lines.append("| " + " | ".join(row) + " |")
    micro = ["micro (7 classes)", ""] + [
        f"**{conds[k]['micro']['f1']:.3f}** ({conds[k]['micro']['precision']:.2f} / {conds[k]['micro']['recall']:.2f})"
        for k, _ in CONDITIONS] + [""]
    lines.append("| " + " | ".join(micro) + " |")
    return "\n".join(lines)


def separator_table(entry: dict) -> str:
    conds = entry["metrics"]["conditions"]
    lines = ["| estimate | drums SDR median (dB) | drums SDR mean (dB) | accompaniment SDR median (dB) |",
             "|---|---|---|---|"]
    for k in SEPARATION_ROWS:
        v = conds[k]
        lines.append(f"| {k} | {v['drumsSdrMedianDb']} | {v['drumsSdrMeanDb']} | {v['accompanimentSdrMedianDb']} |")
    model = conds["model"]
    bss = {k: v for k, v in model.items() if k.startswith("bssEval")}
    extra = "; ".join(f"{k}: {v} dB" for k, v in bss.items())
    lines.append("")
    lines.append(f"Improvement over the mixture (median per clip): **+{model['drumsSdrImprovementMedianDb']} dB**"
                 + (f"; mir_eval BSS Eval v3 ({extra})" if extra else "") + ".")
    return "\n".join(lines)


def card() -> None:
    from export import load_manifest

    entries = {m["task"]: m for m in load_manifest()["models"]}
    for task, table in (("transcription", transcriber_table), ("separation", separator_table)):
        entry = entries.get(task)
        if not entry or "metrics" not in entry:
            print(f"<!-- {task}: no metrics in the manifest; run evaluate --write-manifest -->\n")
            continue
        print(f"### {entry['name']} {entry['version']} ({entry['metrics']['evaluatedWith']}; "
              f"{entry['training']['steps']:,} steps)\n")
        print(table(entry))
        print()
