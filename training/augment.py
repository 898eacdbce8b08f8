"""On-the-fly augmentation of transcriber batches (run 7 on): every time a clip is drawn it can
sound like another kit in another room, so ~16 draws of each pre-rendered clip are no longer 16
copies of one timbre. Session 7 measured the held-out gap as kit timbre (docs/MODELS.md); these
two label-preserving transforms attack it without rendering more data.

- `rate`: varispeed, as a tape or sampler would play it: pitch and tempo together by a factor
  drawn log-uniformly from `rate` (1.12 = +2 semitones, 12 % faster); onset times scale by 1/r.
- `eq`: a random smooth spectral envelope on the whole clip (drums and accompaniment), a few
  log-spaced control points of up to +-`eq_db` dB interpolated over log frequency: mixes,
  microphones and mastering differ in tilt and resonances more than per-instrument EQ covers.
"""
from __future__ import annotations

import numpy as np

from common import SR


def varispeed(x: np.ndarray, rate: float) -> np.ndarray:
    """y[k] = x[k * rate] by linear interpolation, same length as x (zeros after the source ends)."""
    n = len(x)
    pos = np.arange(n, dtype=np.float64) * rate
    return np.interp(pos, np.arange(n, dtype=np.float64), x, right=0.0).astype(np.float32)


def random_eq_curve(rng: np.random.Generator, n: int, max_db: float, points: int = 6) -> np.ndarray:
    """A random smooth gain curve over log frequency, as linear gains on the rfft bins of n samples."""
    f = np.fft.rfftfreq(n, 1 / SR)
    anchors = np.geomspace(30.0, SR / 2, points)
    gains_db = rng.uniform(-max_db, max_db, points)
    return 10 ** (np.interp(np.log(np.maximum(f, 30.0)), np.log(anchors), gains_db) / 20)


def apply_curve(x: np.ndarray, curve: np.ndarray) -> np.ndarray:
    """x filtered by rfft-bin gains (zero phase, via the FFT); linear, so stems filtered alike
    still sum to the filtered mix."""
    return np.fft.irfft(np.fft.rfft(x) * curve, n=len(x)).astype(np.float32)


def random_eq(rng: np.random.Generator, x: np.ndarray, max_db: float, points: int = 6) -> np.ndarray:
    """x filtered by a random smooth gain curve over log frequency."""
    return apply_curve(x, random_eq_curve(rng, len(x), max_db, points))


class Augment:
    """The run's settings; `None` for a transform switches it off (runs 1-6 drew no augmentation,
    and a switched-off transform draws no random numbers, so their replays are unchanged)."""

    def __init__(self, rate: tuple[float, float] | None = None, rate_share: float = 0.5,
                 eq_db: float | None = None, eq_share: float = 0.5) -> None:
        self.rate, self.rate_share = rate, rate_share
        self.eq_db, self.eq_share = eq_db, eq_share

    @classmethod
    def from_options(cls, options: dict | None) -> "Augment":
        o = options or {}
        return cls(tuple(o["rate"]) if "rate" in o else None, o.get("rate_share", 0.5),
                   o.get("eq_db"), o.get("eq_share", 0.5))

    def draw_rate(self, rng: np.random.Generator) -> float:
        if self.rate is None or rng.random() >= self.rate_share:
            return 1.0
        lo, hi = self.rate
        return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))

    def eq(self, rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
        if self.eq_db is None or rng.random() >= self.eq_share:
            return x
        return random_eq(rng, x, self.eq_db)
