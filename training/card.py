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


ARTIC_SETS = [("synthetic_drums", "synthetic, drums alone"), ("synthetic_mix", "synthetic + accompaniment"),
              ("mdb_drums", "MDB drum stems"), ("mdb_mixes", "MDB full mixes")]


def _f1(v: dict | None) -> str:
    return f"{v['f1']:.3f}" if v else "—"


def articulation_tables(versions: list[tuple[str, dict]]) -> str:
    """docs/MODELS.md's articulation, velocity and calibration tables from the summaries that
    `evaluate-articulations` writes (training/work/articulations-<version>.json, the manifest's
    articulationMetrics): one figure per version, oldest first ("1.8.0 → 1.9.0")."""
    names = " → ".join(v for v, _ in versions)
    sets = [(k, label) for k, label in ARTIC_SETS if any(k in s["sets"] for _, s in versions)]

    def cells(get) -> list[str]:
        out = []
        for k, _ in sets:
            vals = [get(s["sets"][k]) if k in s["sets"] else None for _, s in versions]
            out.append(" → ".join(x if x is not None else "—" for x in vals))
        return out

    def support(get) -> list[str]:
        return [f"n={get(versions[-1][1]['sets'][k])}" if k in versions[-1][1]["sets"] else "" for k, _ in sets]

    lines = [f"Per-component F1 ({names}) of the charts as shipped (calibration maps applied); a hit is a chart note "
             "on the same lane within 50 ms that names the played component; n = reference notes:", "",
             "| component | " + " | ".join(label for _, label in sets) + " |", "|---|" + "---|" * len(sets)]
    from articulation_eval import COMPONENTS, LANES
    last = versions[-1][1]["sets"]
    for c in COMPONENTS:
        if not any(last[k]["componentF1"].get(c, {}).get("support") for k, _ in sets if k in last):
            continue
        f = cells(lambda s, c=c: _f1(s["componentF1"].get(c)))
        n = support(lambda s, c=c: s["componentF1"].get(c, {}).get("support", 0))
        lines.append(f"| {c} | " + " | ".join(f"{a} ({b})" for a, b in zip(f, n)) + " |")
    for lane in LANES:
        f = cells(lambda s, lane=lane: _f1(s["laneF1"][lane]))
        n = support(lambda s, lane=lane: s["laneF1"][lane]["support"])
        lines.append(f"| lane: {lane} | " + " | ".join(f"{a} ({b})" for a, b in zip(f, n)) + " |")
    lines.append("| ride ↔ crash confusions / cymbal hits | " + " | ".join(cells(
        lambda s: f"{s['rideVsCrash']['share']:.1%}" if s["rideVsCrash"]["share"] is not None else "—")) + " |")

    lines += ["", f"Velocity on matched notes of the held-out synthetic set ({names}): Spearman ρ of the chart's "
              "velocity against the played one, raw output / with the shipped velocity map; share of notes whose "
              "chart band (ghost < 0.4 ≤ normal < 0.85 ≤ accent) is the played band, raw / calibrated:", "",
              "| set | notes | kick ρ | snare ρ | kick + snare ρ | kick + snare band agreement |", "|---|---|---|---|---|---|"]
    for k, label in sets:
        if "velocity" not in last.get(k, {}):
            continue

        def rho(s, lane, k=k):
            v, c = s.get("velocity", {}).get(lane), s.get("velocityCalibrated", {}).get(lane)
            return f"{v['spearman']:.2f} / {c['spearman']:.2f}" if v and c else f"{v['spearman']:.2f}" if v else None

        def agree(s):
            v, c = s.get("velocity", {}).get("kick_snare"), s.get("velocityCalibrated", {}).get("kick_snare")
            return f"{v['bandAgreement']:.2f} / {c['bandAgreement']:.2f}" if v and c else None
        one = [(v, s["sets"][k]) for v, s in versions if k in s["sets"]]
        lines.append(f"| {label} | {last[k]['velocity']['kick_snare']['n']} | "
                     + " | ".join(" → ".join(rho(s, lane) or "—" for _, s in one) for lane in ("kick", "snare", "kick_snare"))
                     + " | " + " → ".join(agree(s) or "—" for _, s in one) + " |")

    lines += ["", f"Snare (head) F1 per played velocity band ({names}); MDB marks ghost notes (SDG) only, so its "
              "bands are ghost and the rest. Shipped thresholds / with the context rule (a quieter snare peak between "
              "two charted snares kept at a lower threshold, chosen out of fold):", "",
              "| set | " + " | ".join(["ghost", "normal", "accent", "rest", "all"]) + " |", "|---|---|---|---|---|---|"]
    for k, label in sets:
        row = []
        for band in ("ghost", "normal", "accent", "rest", "all"):
            if band not in last[k]["snareByBand"]:
                row.append("—")
                continue
            row.append(" → ".join(f"{_f1(s['sets'][k]['snareByBand'].get(band))} / "
                                  f"{_f1(s['sets'][k]['snareContext'].get(band))}" for _, s in versions if k in s["sets"])
                       + f" (n={last[k]['snareByBand'][band]['support']})")
        lines.append(f"| {label} | " + " | ".join(row) + " |")

    lines += ["", f"Per-note confidence ({names}): expected calibration error over 10 bins, AUC (real notes ranked "
              "above false ones), and the editor's \"unsure\" mark (confidence < 0.5): notes marked, share of them "
              "false. Today's rule / the shipped maps (fitted on the synthetic set's other half) / maps fitted out of "
              "fold on the set itself (MDB: leave-one-song-out):", "",
              "| set | notes | ECE | AUC | unsure marks (false share) |", "|---|---|---|---|---|"]
    for k, label in sets:
        def conf(s, key):
            c = s["confidence"]
            parts = [c[x][key] for x in ("before", "shippedMaps", "foldFitted") if x in c]
            return " / ".join("—" if p is None else f"{p:.3f}" if isinstance(p, float) else str(p) for p in parts)

        def unsure(s):
            c = s["confidence"]
            return " / ".join(f"{c[x]['unsure']['notes']}" + (f" ({c[x]['unsure']['falseShare']:.2f})"
                                                              if c[x]["unsure"]["falseShare"] is not None else "")
                              for x in ("before", "shippedMaps", "foldFitted") if x in c)
        one = [s["sets"][k] for _, s in versions if k in s["sets"]]
        lines.append(f"| {label} | {' → '.join(str(s['calibratedNotes']) for s in one)} | "
                     + " → ".join(conf(s, "ece") for s in one) + " | " + " → ".join(conf(s, "auc") for s in one)
                     + " | " + " → ".join(unsure(s) for s in one) + " |")
    return "\n".join(lines)


def reliability_table(report: dict) -> str:
    """Reliability diagram as text: per confidence bin, notes and the share that is real."""
    lines = ["| set | confidence | " + " | ".join(f"{b / 10:.1f}–{(b + 1) / 10:.1f}" for b in range(10)) + " |",
             "|---|---|" + "---|" * 10]
    for k, label in ARTIC_SETS:
        cal = report["sets"].get(k, {}).get("calibration")
        if not cal:
            continue
        for key, text in (("before", "today's rule"), ("shippedMaps", "shipped maps")):
            if key not in cal:
                continue
            by_bin = {b["bin"]: b for b in cal[key]["bins"]}
            row = []
            for b in range(10):
                x = by_bin.get(f"{b / 10:.1f}-{(b + 1) / 10:.1f}")
                row.append(f"{x['real']:.2f} (n={x['n']})" if x else "")
            lines.append(f"| {label} | {text} | " + " | ".join(row) + " |")
    return "\n".join(lines)
