"""Median-filter harmonic/percussive separation (Fitzgerald, DAFx 2010) written with ops that
ONNX Runtime Web runs on WebGPU and WASM: Slice, Concat, Min and Max only.

A drum hit is a short vertical line in a magnitude spectrogram (broadband, brief), a held note
a horizontal one. Median-filtering |X| along time keeps the horizontal lines (the harmonic
estimate H), along frequency the vertical ones (the percussive estimate P), and P^2 / (P^2 + H^2)
is a soft mask for what is percussive. The separator multiplies its learned drum mask by it
(models.Separator.refined_mask): its mask, trained on General MIDI accompaniment, lets through
much of a real song's sustained guitars and voice, which no drum sound resembles in this way.
Below ~130 Hz the learned mask is left alone: a kick's body is a narrow low band, where a median
across 17 bins (365 Hz) sees mostly the empty bins around it and calls the kick harmonic.

The median is exact: a sorting network (Batcher's odd-even merge sort) over the 2r + 1 shifted
copies of the input, pruned to the comparators the middle output depends on, each comparator a
Min and a Max. ONNX has no median operator, and TopK (which could stand in for one) does not run
on onnxruntime-web's WebGPU backend.
"""
from __future__ import annotations

import functools

import torch
from torch import nn


def batcher_comparators(n: int) -> list[tuple[int, int]]:
    """Comparators (i, j), i < j, min to i, of Batcher's odd-even merge sort on n inputs: the
    network for the next power of two, minus the comparators that touch the padding (which
    holds +inf there, so they never swap)."""
    size = 1
    while size < n:
        size *= 2
    pairs: list[tuple[int, int]] = []
    p = 1
    while p < size:
        k = p
        while k >= 1:
            for j in range(k % p, size - k, 2 * k):
                for i in range(min(k, size - j - k)):
                    a, b = i + j, i + j + k
                    if a // (2 * p) == b // (2 * p) and b < n:
                        pairs.append((a, b))
            k //= 2
        p *= 2
    return pairs


@functools.cache
def median_network(n: int) -> tuple[tuple[int, int], ...]:
    """The comparators the middle output (index n // 2) of the sorted order depends on."""
    needed = {n // 2}
    kept = []
    for a, b in reversed(batcher_comparators(n)):
        if a in needed or b in needed:
            kept.append((a, b))
            needed |= {a, b}
    return tuple(reversed(kept))


def _slice(x: torch.Tensor, dim: int, start: int | None, stop: int | None) -> torch.Tensor:
    index = [slice(None)] * x.dim()
    index[dim] = slice(start, stop)
    return x[tuple(index)]


def pad_edges(x: torch.Tensor, radius: int, dim: int, mirror: bool) -> torch.Tensor:
    """`radius` values more at both ends of dim: mirrored without the edge value (d c b | a b c d,
    needs radius + 1 values), or the edge value repeated (a a a | a b c d, any length). Written as
    slices and a concat: torch 1.13 exports F.pad(mode="reflect") with If nodes."""
    if mirror:
        left = [_slice(x, dim, i, i + 1) for i in range(radius, 0, -1)]
        right = [_slice(x, dim, -1 - i, -i) for i in range(1, radius + 1)]
    else:
        left = [_slice(x, dim, 0, 1)] * radius
        right = [_slice(x, dim, -1, None)] * radius
    return torch.cat(left + [x] + right, dim=dim)


def median_filter(x: torch.Tensor, radius: int, dim: int, mirror: bool = True) -> torch.Tensor:
    """Running median of x over 2 * radius + 1 values along dim, edges padded by pad_edges."""
    xp = pad_edges(x, radius, dim, mirror)
    n = x.shape[dim]
    taps = [_slice(xp, dim, k, k + n) if k + n < xp.shape[dim] else _slice(xp, dim, k, None)
            for k in range(2 * radius + 1)]
    for a, b in median_network(len(taps)):
        taps[a], taps[b] = torch.minimum(taps[a], taps[b]), torch.maximum(taps[a], taps[b])
    return taps[radius]


class PercussiveMask(nn.Module):
    """|X| [B, K, T] -> P^2 / (P^2 + H^2), with median windows of 2r + 1 frames and bins (17:
    0.2 s and 365 Hz at the separator's STFT, Fitzgerald's choice), faded to 1 (no say) from
    bin `low[1]` down to bin `low[0]`."""

    def __init__(self, n_bins: int, radius: int = 8, low: tuple[int, int] = (3, 6)) -> None:
        super().__init__()
        self.radius = radius
        k = torch.arange(n_bins, dtype=torch.float32)[:, None]
        weight = torch.clamp((k - low[0]) / (low[1] - low[0]), 0.0, 1.0)
        self.register_buffer("weight", weight, persistent=False)  # not in checkpoints

    def forward(self, mag: torch.Tensor) -> torch.Tensor:
        # along time, what is sustained (edge frames repeated, so a clip of any length runs);
        # along frequency, what is broadband (513 bins, mirrored at 0 Hz and Nyquist)
        h = median_filter(mag, self.radius, -1, mirror=False)
        p = median_filter(mag, self.radius, -2)
        p2 = p * p
        return 1.0 - self.weight + self.weight * (p2 / (p2 + h * h + 1e-10))
