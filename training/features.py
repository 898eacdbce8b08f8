"""Feature front-ends shared by training and export.

Training uses torch.stft (fast FFT). Export uses the same transform written as a Conv1d with a
windowed DFT kernel (and ConvTranspose1d for the inverse), which ONNX Runtime Web runs on WASM
and WebGPU. export.py replaces the big kernel constants by a few small nodes that compute them
at session load, so the shipped files stay small. Definitions (both paths):

  frames: zero padding of n_fft/2 on both sides ("center"), frame t starts at t*hop - n_fft/2,
          T = floor(N / hop) + 1 frames for N input samples
  window: periodic Hann, w[n] = 0.5 - 0.5 cos(2 pi n / n_fft)
  spectrum: X[k, t] = sum_n x[t*hop - n_fft/2 + n] w[n] exp(-2 pi i k n / n_fft), k = 0..n_fft/2
  magnitude: |X| = sqrt(re^2 + im^2)
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def hann(n_fft: int) -> np.ndarray:
    n = np.arange(n_fft, dtype=np.float64)
    return 0.5 - 0.5 * np.cos(2 * math.pi * n / n_fft)


def dft_kernel(n_fft: int) -> np.ndarray:
    """[2K, 1, n_fft]: rows 0..K-1 = w cos, rows K..2K-1 = -w sin (K = n_fft/2 + 1)."""
    k = np.arange(n_fft // 2 + 1, dtype=np.float64)[:, None]
    n = np.arange(n_fft, dtype=np.float64)[None, :]
    prod = k * n
    ang = 2 * math.pi * (prod - n_fft * np.floor(prod / n_fft)) / n_fft
    w = hann(n_fft)[None, :]
    return np.concatenate([np.cos(ang) * w, -np.sin(ang) * w])[:, None, :].astype(np.float32)


def inverse_scale(n_fft: int) -> np.ndarray:
    """[2K, 1, 1] factors turning dft_kernel into the one-sided inverse DFT (times window)."""
    c = np.full(n_fft // 2 + 1, 2.0 / n_fft)
    c[0] = c[-1] = 1.0 / n_fft
    return np.concatenate([c, c])[:, None, None].astype(np.float32)


def mel_filterbank(sr: int, n_fft: int, n_mels: int, fmin: float, fmax: float) -> np.ndarray:
    """[n_mels, K] triangular filters on the HTK mel scale, peak 1 (no area normalisation)."""
    def hz_to_mel(f):
        return 2595.0 * np.log10(1.0 + np.asarray(f) / 700.0)

    def mel_to_hz(m):
        return 700.0 * (10.0 ** (np.asarray(m) / 2595.0) - 1.0)

    pts = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    lo, ce, hi = pts[:-2, None], pts[1:-1, None], pts[2:, None]
    f = (np.arange(n_fft // 2 + 1) * sr / n_fft)[None, :]
    fb = np.maximum(0.0, np.minimum((f - lo) / (ce - lo), (hi - f) / (hi - ce)))
    return fb.astype(np.float32), pts.astype(np.float32)


class STFT(nn.Module):
    """Magnitude (and complex) STFT; `export=True` switches to the Conv1d formulation."""

    def __init__(self, n_fft: int, hop: int) -> None:
        super().__init__()
        self.n_fft, self.hop = n_fft, hop
        self.register_buffer("window", torch.from_numpy(hann(n_fft).astype(np.float32)), persistent=False)
        self.register_buffer("kernel", torch.from_numpy(dft_kernel(n_fft)), persistent=False)
        self.export = False

    def complex(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x [B, N] -> (re, im) each [B, K, T]."""
        if self.export:
            y = F.conv1d(x.unsqueeze(1), self.kernel, stride=self.hop, padding=self.n_fft // 2)
            k = self.n_fft // 2 + 1
            return y[:, :k], y[:, k:]
        s = torch.stft(x, self.n_fft, self.hop, window=self.window, center=True, pad_mode="constant",
                       return_complex=True)
        return s.real, s.imag

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        re, im = self.complex(x)
        if self.export:
            return torch.sqrt(re * re + im * im)
        return torch.sqrt(re * re + im * im + 1e-12)


class ISTFT(nn.Module):
    """Inverse of STFT (overlap-add with the same window, divided by the summed squared window).
    Output length (T - 1) * hop, i.e. N when N is a multiple of hop."""

    def __init__(self, stft: STFT) -> None:
        super().__init__()
        self.stft = stft
        # Its own buffer (not stft.kernel * scale) so export can regenerate it by name.
        inv = dft_kernel(stft.n_fft) * inverse_scale(stft.n_fft)
        self.register_buffer("kernel", torch.from_numpy(inv), persistent=False)
        self.register_buffer("win_sq", torch.from_numpy((hann(stft.n_fft) ** 2).astype(np.float32))[None, None],
                             persistent=False)

    def forward(self, re: torch.Tensor, im: torch.Tensor) -> torch.Tensor:
        n_fft, hop = self.stft.n_fft, self.stft.hop
        spec = torch.cat([re, im], dim=1)
        y = F.conv_transpose1d(spec, self.kernel, stride=hop)
        env = F.conv_transpose1d(torch.ones_like(re[:, :1]), self.win_sq, stride=hop)
        y = y / torch.clamp(env, min=1e-6)
        return y[:, 0, n_fft // 2: y.shape[-1] - n_fft // 2]
