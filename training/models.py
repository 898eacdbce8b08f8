"""The two networks. Conv-only (no recurrent layers) so every op runs on ONNX Runtime Web's
WebGPU backend as well as WASM; BatchNorm is folded into the convolutions at export."""
from __future__ import annotations

import torch
from torch import nn

from common import ARTICULATION_GROUPS, N_ARTICULATIONS, N_CLASSES, N_OUTPUT, SR
from features import ISTFT, STFT, mel_filterbank
from hpss import PercussiveMask

# Transcriber front-end
T_NFFT, T_HOP, T_MELS, T_FMIN, T_FMAX = 2048, 441, 128, 30.0, 11000.0  # 50 frames per second
# Separator front-end
S_NFFT, S_HOP = 1024, 256


class InputNorm(nn.Module):
    """Per-bin standardisation learned as BatchNorm; exported as a plain Mul/Add."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.bn = nn.BatchNorm1d(n)
        self.export = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.export:
            return self.bn(x)
        bn = self.bn
        scale = (bn.weight / torch.sqrt(bn.running_var + bn.eps))[None, :, None]
        shift = (bn.bias - bn.running_mean * bn.weight / torch.sqrt(bn.running_var + bn.eps))[None, :, None]
        return x * scale + shift


class TemporalBlock(nn.Module):
    def __init__(self, ch: int, dilation: int) -> None:
        super().__init__()
        self.conv = nn.Conv1d(ch, ch, 3, padding=dilation, dilation=dilation)
        self.bn = nn.BatchNorm1d(ch)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.act(self.bn(self.conv(x)))


def conv2d_block(cin: int, cout: int, pool: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d((pool, 1)))


class RefineBlock2d(nn.Module):
    """x + relu(bn(conv3x3(x))) over (frequency band, frame). Its BatchNorm scale starts at zero, so
    a block added to a trained model leaves the model's outputs exactly as they were (the way
    run 7 grew 1.5.0 instead of starting again): capacity where kits are told apart, after the
    conv stack, at 8 bands x 64 channels."""

    def __init__(self, ch: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(ch, ch, 3, padding=1)
        self.bn = nn.BatchNorm2d(ch)
        nn.init.zeros_(self.bn.weight)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.act(self.bn(self.conv(x)))


class ArticBranch(nn.Module):
    """A small temporal network from the conv stack's features to extra channels for the heads,
    beside the frozen trunk (1.10.0): 1x1 to `ch`, then residual dilated temporal blocks (1, 2, 4,
    8). The trunk was trained to merge every tom into one class, crash, splash and china into
    another and to ignore side sticks; the branch learns what the articulation and cross-stick
    heads need without moving the trunk, so the seven onset outputs stay 1.8.0's."""

    def __init__(self, cin: int, ch: int) -> None:
        super().__init__()
        self.inp = nn.Sequential(nn.Conv1d(cin, ch, 1), nn.BatchNorm1d(ch), nn.ReLU())
        self.tcn = nn.Sequential(*[TemporalBlock(ch, d) for d in (1, 2, 4, 8)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.tcn(self.inp(x))


class Transcriber(nn.Module):
    """PCM [B, N] at 22,050 Hz -> onset probabilities and velocities [B, T, C] at 50 fps.

    `articulation` (1.9.0, issue 33): an eighth onset and velocity channel (the cross-stick) and an
    articulation head, a 1x1 convolution with a channel per component of ARTICULATION_GROUPS
    (softmaxed within each group at export). Without it the network is 1.8.0's."""

    def __init__(self, ch: int = 128, dilations=(1, 2, 4, 8, 16), refine: int = 0, articulation: bool = False,
                 branch: int = 0) -> None:
        super().__init__()
        # what a checkpoint records to rebuild this network
        self.arch = {"refine": refine, **({"articulation": True} if articulation else {}),
                     **({"branch": branch} if branch else {})}
        self.stft = STFT(T_NFFT, T_HOP)
        fb, self.mel_points = mel_filterbank(SR, T_NFFT, T_MELS, T_FMIN, T_FMAX)
        self.register_buffer("mel_fb", torch.from_numpy(fb), persistent=False)
        self.norm = InputNorm(T_MELS)
        self.conv = nn.Sequential(conv2d_block(1, 16, 4), conv2d_block(16, 32, 2), conv2d_block(32, 64, 2))
        self.refine = nn.Sequential(*[RefineBlock2d(64) for _ in range(refine)])
        self.proj = nn.Sequential(nn.Conv1d(64 * (T_MELS // 16), ch, 1), nn.BatchNorm1d(ch), nn.ReLU())
        self.tcn = nn.Sequential(*[TemporalBlock(ch, d) for d in dilations])
        n_out = N_OUTPUT if articulation else N_CLASSES
        # `branch` (1.10.0): ArticBranch's channels beside the trunk's, read by the heads
        self.branch = ArticBranch(64 * (T_MELS // 16), branch) if branch else None
        self.onset = nn.Conv1d(ch + branch, n_out, 1)
        self.velocity = nn.Conv1d(ch + branch, n_out, 1)
        self.articulation = nn.Conv1d(ch + branch, N_ARTICULATIONS, 1) if articulation else None

    def set_export(self, on: bool) -> None:
        self.stft.export = on
        self.norm.export = on

    def features(self, x: torch.Tensor) -> torch.Tensor:
        mag = self.stft(x)  # [B, K, T]
        mel = torch.matmul(self.mel_fb, mag)  # [B, M, T]
        return torch.log(mel + 1e-3)

    def front(self, x: torch.Tensor) -> torch.Tensor:
        """PCM -> the conv stack's features, bands stacked as channels [B, 64 * M/16, T]."""
        f = self.norm(self.features(x))
        h = self.refine(self.conv(f.unsqueeze(1)))  # [B, 64, M/16, T]
        b, c, m, t = h.shape
        return h.reshape(b, c * m, t)

    def trunk(self, x: torch.Tensor) -> torch.Tensor:
        """PCM -> the features every head reads [B, ch, T] (with a branch: [B, ch + branch, T])."""
        front = self.front(x)
        return self.head_input(self.tcn(self.proj(front)), front)

    def head_input(self, h: torch.Tensor, front: torch.Tensor | None) -> torch.Tensor:
        return h if self.branch is None else torch.cat([h, self.branch(front)], dim=1)

    def heads(self, h: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Logits [B, C, T] of the onset and velocity heads (and articulation's [B, 12, T])."""
        if self.articulation is None:
            return self.onset(h), self.velocity(h)
        return self.onset(h), self.velocity(h), self.articulation(h)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return self.heads(self.trunk(x))

    def grow_articulation(self, cross_stick_bias: float = -6.0) -> "Transcriber":
        """A 1.9.0-shaped copy of this 1.8.0-shaped network: the trunk and the seven onset and
        velocity rows unchanged, the cross-stick's onset row silent (zero weights, low bias) and its
        velocity row the snare's, the articulation head at zero (every group uniform)."""
        grown = Transcriber(refine=self.arch["refine"], articulation=True)
        state = {k: v for k, v in self.state_dict().items() if not k.startswith(("onset.", "velocity."))}
        missing, unexpected = grown.load_state_dict(state, strict=False)
        assert not unexpected and all(k.startswith(("onset.", "velocity.", "articulation.")) for k in missing), missing
        with torch.no_grad():
            for head in ("onset", "velocity"):
                new, old = getattr(grown, head), getattr(self, head)
                new.weight.zero_()
                new.bias.zero_()
                new.weight[:N_CLASSES] = old.weight
                new.bias[:N_CLASSES] = old.bias
            grown.onset.bias[N_CLASSES] = cross_stick_bias
            grown.velocity.weight[N_CLASSES] = self.velocity.weight[1]
            grown.velocity.bias[N_CLASSES] = self.velocity.bias[1]
            grown.articulation.weight.zero_()
            grown.articulation.bias.zero_()
        return grown

    def grow_branch(self, width: int) -> "Transcriber":
        """This articulated network with an ArticBranch of `width` channels beside the trunk; the
        heads' weights on the new channels start at zero, so every output starts unchanged."""
        grown = Transcriber(refine=self.arch["refine"], articulation=True, branch=width)
        heads = ("onset.weight", "velocity.weight", "articulation.weight")
        state = {k: v for k, v in self.state_dict().items() if k not in heads}
        missing, unexpected = grown.load_state_dict(state, strict=False)
        assert not unexpected and all(k in heads or k.startswith("branch.") for k in missing), missing
        with torch.no_grad():
            for key in heads:
                head = getattr(grown, key.split(".")[0])
                head.weight.zero_()
                head.weight[:, : self.onset.weight.shape[1]] = self.state_dict()[key]
        return grown


def group_softmax(logits: torch.Tensor, dim: int) -> torch.Tensor:
    """Softmax within each articulation group (ARTICULATION_GROUPS' channel ranges) along `dim`."""
    parts, start = [], 0
    for _, components in ARTICULATION_GROUPS:
        parts.append(torch.softmax(logits.narrow(dim, start, len(components)), dim=dim))
        start += len(components)
    return torch.cat(parts, dim=dim)


class ExportTranscriber(nn.Module):
    def __init__(self, m: Transcriber) -> None:
        super().__init__()
        self.m = m

    def forward(self, audio: torch.Tensor):
        out = self.m(audio)
        onset, vel = torch.sigmoid(out[0]).transpose(1, 2), torch.sigmoid(out[1]).transpose(1, 2)
        if len(out) == 2:
            return onset, vel
        return onset, vel, group_softmax(out[2].transpose(1, 2), dim=2)


class LocalMask(nn.Module):
    """A frequency-local term for the separator's mask logits: 3x3 convolutions over (bin, frame)
    of the normalised log magnitude, dilated 1, 2, 4 (+-7 bins, +-7 frames), so a sustained bass
    note and a kick's transient in the same bins can be told apart by their local shape, which the
    separator's 1x1 convolution over all 513 bins sees only blended. Its last convolution starts at
    zero, so a separator grown with it starts as exactly the checkpoint it resumes."""

    def __init__(self, ch: int) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, ch, 3, padding=1), nn.ReLU(),
                                 nn.Conv2d(ch, ch, 3, padding=2, dilation=2), nn.ReLU(),
                                 nn.Conv2d(ch, ch, 3, padding=4, dilation=4), nn.ReLU(),
                                 nn.Conv2d(ch, 1, 1))
        nn.init.zeros_(self.net[-1].weight)
        nn.init.zeros_(self.net[-1].bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.unsqueeze(1)).squeeze(1)


class Separator(nn.Module):
    """Mixture PCM [B, N] -> drum magnitude mask [B, K, T] (STFT 1024/256 at 22,050 Hz)."""

    def __init__(self, ch: int = 256, dilations=(1, 2, 4, 8, 16, 32, 1, 2), local: int = 0,
                 percussive: str = "product") -> None:
        super().__init__()
        # what a checkpoint records to rebuild this network
        self.arch = {**({"local": local} if local else {}), **({"percussive": percussive} if percussive != "product" else {})}
        self.stft = STFT(S_NFFT, S_HOP)
        self.istft = ISTFT(self.stft)
        k = S_NFFT // 2 + 1
        self.norm = InputNorm(k)
        self.inp = nn.Sequential(nn.Conv1d(k, ch, 1), nn.BatchNorm1d(ch), nn.ReLU())
        self.tcn = nn.Sequential(*[TemporalBlock(ch, d) for d in dilations])
        self.out = nn.Conv1d(ch, k, 1)
        self.local = LocalMask(local) if local else None
        self.percussive = PercussiveMask(k)
        # "product": the shipped mask is the learned one times the percussive mask (1.3.0);
        # "input": the network sees the log percussive mask as a second input instead, through a
        # 1x1 convolution that starts at zero (so it grows from a checkpoint without it)
        self.percussive_mode = percussive
        self.percussive_in = nn.Conv1d(k, ch, 1, bias=False) if percussive == "input" else None
        if self.percussive_in is not None:
            nn.init.zeros_(self.percussive_in.weight)

    def set_export(self, on: bool) -> None:
        self.stft.export = on
        self.norm.export = on

    def mask(self, mag: torch.Tensor) -> torch.Tensor:
        f = self.norm(torch.log(mag + 1e-3))
        if self.percussive_in is None:
            h = self.inp(f)
        else:  # added after the BatchNorm, which the export folds into the first convolution
            h = self.inp[1](self.inp[0](f)) + self.percussive_in(torch.log(self.percussive(mag) + 1e-3))
            h = self.inp[2](h)
        logits = self.out(self.tcn(h))
        if self.local is not None:
            logits = logits + self.local(f)
        return torch.sigmoid(logits)

    def refined_mask(self, mag: torch.Tensor) -> torch.Tensor:
        """What the shipped graph applies: the learned mask times the median-filter percussive
        mask (hpss.py), unless the network takes that mask as an input. Training fits mask()."""
        if self.percussive_mode == "input":
            return self.mask(mag)
        return self.mask(mag) * self.percussive(mag)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.mask(self.stft(x))


class ExportSeparator(nn.Module):
    """PCM in, PCM out: drums = iSTFT(refined mask * X), accompaniment = mixture - drums."""

    def __init__(self, m: Separator) -> None:
        super().__init__()
        self.m = m

    def forward(self, mixture: torch.Tensor):
        re, im = self.m.stft.complex(mixture)
        mask = self.m.refined_mask(torch.sqrt(re * re + im * im))
        drums = self.m.istft(re * mask, im * mask)
        return drums, mixture[:, : drums.shape[-1]] - drums
