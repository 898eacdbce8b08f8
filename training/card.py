"""card: the model card's metric tables (docs/MODELS.md), printed as Markdown from the figures that
`evaluate --write-manifest` recorded in public/models/manifest.json, so the card and the manifest
cannot disagree. Paste the output over the tables in docs/MODELS.md.
"""
from __future__ import annotations

from common import CLASSES

CONDITIONS = [
    ("drums_only", "drums only"),
    ("drums_plus_accompaniment", "drums + accompaniment"),
    ("drums_plus_accompaniment_vocals_guitars", "drums + accompaniment + held-out vocals/guitars"),
    ("separated_drums_from_mix", "separator → transcriber"),
    ("drums_plus_accompaniment_threshold_0.5", "drums + accompaniment, all thresholds 0.5"),
]
# The targets on held-out drums mixed with accompaniment.
TARGETS = {"kick": 0.90, "snare": 0.85, "hihat_closed": 0.85, "hihat_any": 0.85, "tom": 0.70, "crash": 0.70,
           "ride": 0.70}
SEPARATION_ROWS = ["model", "mixture_as_estimate", "oracle_ideal_ratio_mask", "model_with_vocals_guitars"]


def cell(v: dict) -> str:
    return f"**{v['f1']:.3f}** ({v['precision']:.2f} / {v['recall']:.2f}), n={v['support']}"


def transcriber_table(entry: dict) -> str:
    conds = entry["metrics"]["conditions"]
    synthetic = entry["metrics"].get("thresholds") or entry["thresholds"]  # what these figures used
    columns = [(k, label) for k, label in CONDITIONS if k in conds]  # versions before 1.7.0 lack the layered one
    head = ["class", "threshold (synthetic)"] + [label for _, label in columns] + ["target (mix)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in [*CLASSES, "hihat_any"]:
        th = synthetic.get(c, "—")
        row = [c, str(th)] + [cell(conds[k]["perClass"][c]) for k, _ in columns]
        row.append(f"{TARGETS[c]:.2f}" if c in TARGETS else "—")
        lines.append("| " + " | ".join(row) + " |")
    micro = ["micro (7 classes)", ""] + [
        f"**{conds[k]['micro']['f1']:.3f}** ({conds[k]['micro']['precision']:.2f} / {conds[k]['micro']['recall']:.2f})"
        for k, _ in columns] + [""]
    lines.append("| " + " | ".join(micro) + " |")
    return "\n".join(lines)


def separator_table(entry: dict) -> str:
    conds = entry["metrics"]["conditions"]
    lines = ["| estimate | drums SDR median (dB) | drums SDR mean (dB) | accompaniment SDR median (dB) |",
             "|---|---|---|---|"]
    for k in (k for k in SEPARATION_ROWS if k in conds):
        v = conds[k]
        lines.append(f"| {k} | {v['drumsSdrMedianDb']} | {v['drumsSdrMeanDb']} | {v['accompanimentSdrMedianDb']} |")
    model = conds["model"]
    bss = {k: v for k, v in model.items() if k.startswith("bssEval")}
    extra = "; ".join(f"{k}: {v} dB" for k, v in bss.items())
    lines.append("")
    lines.append(f"Improvement over the mixture (median per clip): **+{model['drumsSdrImprovementMedianDb']} dB**"
                 + (f"; mir_eval BSS Eval v3 ({extra})" if extra else "") + ".")
    return "\n".join(lines)


REAL_ROWS = ["kick", "snare", "hihat_any", "tom", "crash", "ride", "micro_kick_snare_hihat", "micro_7"]


def real_table(entry: dict) -> str:
    """realValidation (evaluate-real --write-manifest): one column per condition."""
    real = entry["realValidation"]
    conds = list(real["conditions"])
    lines = ["| class | shipped threshold | " + " | ".join(conds) + " |", "|" + "---|" * (len(conds) + 2)]
    for row in REAL_ROWS:
        th = entry["thresholds"].get(row, "")
        cells = [cell(real["conditions"][k][row]) if row in real["conditions"][k] else "—" for k in conds]
        lines.append(f"| {row} | {th} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"{real['dataset']}; tracks per condition: {real['tracks']}. Thresholds: {entry.get('thresholdsSource', '')}.")
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
        if "realValidation" in entry:
            if task == "transcription":
                print("Real recordings:\n")
                print(real_table(entry))
            else:
                r = entry["realValidation"]
                print(f"Real recordings ({r['dataset']}, {r['tracks']} mixes, against {r['reference']}): "
                      f"drums SDR median {r['medianSdrDb']} dB, gain over the mixture median "
                      f"{r['medianSdrGainDb']} / mean {r['meanSdrGainDb']} dB; SI-SDR gain median "
                      f"{r['medianSiSdrGainDb']} dB.")
                for level, v in r.get("crossMixes", {}).items():
                    print(f"- cross mixes (13 real drum stems x 4 real accompaniments), drums {level}: SDR gain "
                          f"median {v['medianSdrGainDb']} / mean {v['meanSdrGainDb']} / 10th percentile {v['p10SdrGainDb']} dB")
            print()
