"""Confidence and velocity calibration: reliability, expected calibration error, and the monotone
piecewise-linear maps of the manifest's `calibration` field (isotonic fits thinned to <= 32 points;
the contract in /work/notes is docs/MODELS.md "Articulations, dynamics and confidence")."""
from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

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


def check_map(points: list[list[float]]) -> None:
    """The contract: 2-32 points, x strictly increasing, y non-decreasing, both in [0, 1]."""
    assert 2 <= len(points) <= MAX_POINTS, len(points)
    xs, ys = np.array(points).T
    assert np.all(np.diff(xs) > 0) and np.all(np.diff(ys) >= 0), points
    assert xs.min() >= 0 and xs.max() <= 1 and ys.min() >= 0 and ys.max() <= 1, points
