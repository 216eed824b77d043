"""Factor spread: G's continuous factors drawn with the data's mean and spread, read by frozen regressors.

Why: the faces model draws every face with nearly the same mouth and light. By the probe, its samples' mouth
openness, smile and light side spread 0.42–0.45 of the data's (the bar: 0.7), while hair style and glasses — held to
the data's shares by the class balance (class_balance.py) — are within 4 points. The adversarial loss scores images
one by one and lets such a factor collapse toward its mean; nothing in a batch of 16 tells D that all the mouths
are alike.

How: a frozen reader regresses the source's continuous targets (the probe's architecture and loss, its own seed;
not the probe, which scores the models and never enters training). Its outputs on ~4,000 training images give each
target's mean μ and standard deviation σ once; G then gets, per target over the fake batch (mean m, sd s),
    ((m − μ) / σ)² + (ln s − ln σ)²,
summed over the targets: the two first moments of each factor's marginal matched to the data's (feature matching,
Salimans et al. 2016, in a space whose axes are the factors). It is zero when the batch matches, and its gradient
widens a collapsed factor (s < σ) and narrows an inflated one. With several readers (`factor_spread_readers`) the
targets are their mean reading: a mouth that fools one regressor is less likely to fool three (G fooled a single
class reader, training/README). The real statistics are read through the same readers, so a reader's bias is the
same on both sides.
"""
from __future__ import annotations

import os

import numpy as np
import torch
import torch.nn as nn

from . import data, nets
from .common import frozen_classifier
from .layers import layer_seed
from .recipes import PROBES
from .train_probe import probe_loss

REAL_COUNT = 4096  # training images read once for μ and σ (a target's σ to ~1 %)


def mean_targets(readers, logits: int, images: torch.Tensor) -> torch.Tensor:
    """The readers' mean continuous targets (the outputs after the `logits` class logits), [N, targets]."""
    return torch.stack([r(images)[:, logits:] for r in readers]).mean(dim=0)


class FactorSpread(nn.Module):
    """The spread loss for one source: `readers` map NCHW images in [-1, 1] to the probe's head (the categorical
    logits, then `targets` continuous targets); `real` holds their mean reading of the data's images, per target."""

    def __init__(self, readers, logits: int, real: torch.Tensor):
        super().__init__()
        object.__setattr__(self, "readers", list(readers))  # frozen, cached on their own, never saved with a run
        self.logits = logits
        self.register_buffer("mean", real.mean(dim=0))
        self.register_buffer("sd", real.std(dim=0))

    def read(self, images: torch.Tensor) -> torch.Tensor:
        return mean_targets(self.readers, self.logits, images)

    def moments(self, targets: torch.Tensor):
        """Per target: the batch's standardised mean offset (m − μ) / σ and its log sd ratio ln(s / σ)."""
        return (targets.mean(dim=0) - self.mean) / self.sd, (targets.std(dim=0) / self.sd).clamp_min(1e-6).log()

    def g_loss(self, images: torch.Tensor) -> torch.Tensor:
        offset, log_ratio = self.moments(self.read(images))
        return (offset.pow(2) + log_ratio.pow(2)).sum()


def train_reader(train: data.Dataset, r: dict, path: str, steps: int, batch: int, member: int = 0) -> nn.Module:
    """One regressor of the source's targets (and classes: the probe's loss, masked where a target is undefined),
    the probe recipe's architecture with its own seed, trained on the GAN's training images, cached at `path`."""
    src = data.SOURCES[r["data"]]
    tag = "" if member == 0 else str(member)
    net = nets.probe(r["size"], r["channels"], src.logits + len(src.targets), layer_seed(r["seed"], "factor_spread_reader" + tag),
                     PROBES[r["probe"]].get("widths", [32, 64, 64]))
    gen = torch.Generator().manual_seed(layer_seed(r["seed"], "factor_spread_data" + tag))

    def loss(out, idx):
        mask = torch.from_numpy(train.mask[idx]) if train.mask is not None else None
        return probe_loss(out, torch.from_numpy(train.labels[idx]), torch.from_numpy(train.targets[idx]), mask, src)
    return frozen_classifier(net, train, path, gen, steps, batch, decay_at=int(steps * 0.8), tag=f"factor reader{tag}", loss=loss)


def factor_spread(train: data.Dataset, r: dict, directory: str) -> FactorSpread:
    """The recipe's spread loss: `factor_spread_readers` readers (default 1) of `factor_spread_reader_steps` ×
    `_batch` (default 2000 × 32), cached as `<data>-<seed>-targets-<steps>x<batch>[-i].pt` in `directory`."""
    src = data.SOURCES[r["data"]]
    if not src.targets:
        raise SystemExit(f"factor_spread needs a source with continuous targets; {r['data']} has none")
    n = r.get("factor_spread_readers", 1)
    steps, batch = r.get("factor_spread_reader_steps", 2000), r.get("factor_spread_reader_batch", 32)
    readers = [train_reader(train, r, os.path.join(directory, f"{r['data']}-{r['seed']}-targets-{steps}x{batch}" + (f"-{i}" if i else "") + ".pt"),
                            steps, batch, member=i) for i in range(n)]
    idx = np.random.default_rng(layer_seed(r["seed"], "factor_spread_real")).choice(len(train), min(REAL_COUNT, len(train)), replace=False)
    with torch.no_grad():
        real = torch.cat([mean_targets(readers, src.logits, train.batch(np.sort(idx[i:i + 256]))) for i in range(0, len(idx), 256)])
    return FactorSpread(readers, src.logits, real)
