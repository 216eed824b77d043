"""Class balance for an unconditional GAN, from the data's own labels.

Why: on the shapes models about half of the probe's Fréchet distance is the class mix, not the shapes — the
samples are ~50 % "hearts" (lumpy in-between shapes) against 25 % in the data; resampling the *same* samples to
the data's shares takes shapes-style from FD 24.3 to 13.5 and shapes-dcgan from 17.4 to 10.2 (training/README).
The adversarial loss alone does not correct a mode's share: D scores images one by one.

How (after Rangwani et al. 2021, "Class balancing GAN with a classifier in the loop"): G gets a second loss,
Σ_c p̄_c · log(h_c / π_c): p̄ is the batch's mean class probability under a reader of the class (with gradient), h a
running average of it (no gradient), π the data's shares. It is the first-order change of KL(h ‖ π) caused by
this batch, so G is pushed away from classes drawn too often and toward the rare ones, and the push vanishes
when the mix matches. Two readers:
- "classifier" (Rangwani et al.'s setting): a separate classifier trained first on the real images, then frozen.
  On shapes-style this took stage 2's training FD from 21–27 to 10.4–14 (run cb2, training/README).
- "head": a linear head on D's penultimate features, trained with D on real labels only. G learns to fool it
  (run cb1: the head read a balanced mix while the probe still read half the samples as hearts; FD 58).
Neither reader is part of the exported discriminator, and neither is the project's probe, which scores the
models and never enters training (but the classifier learns the same labels; silhouette.py's judge, which shares
nothing with either, confirms the balance: training/README).
"""
from __future__ import annotations

import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import data, nets
from .common import class_slices, frozen_classifier
from .layers import layer_seed

# D's layer the head reads: the penultimate dense layer's activation (nets.discriminator).
FEATURES = "fc_act"


class ClassBalance(nn.Module):
    """The balance loss, reading the class of a fake either with a linear head on D's features (`reader="head"`,
    trained with D on real labels) or with a separate classifier trained beforehand on the real data and then
    frozen (`reader="classifier"`, Rangwani et al.'s setting: G cannot move what a fixed network reads).

    A source may have several categorical factors (faces: hair style and glasses): `shares` is then one tensor of
    counts per factor, the reader's logits hold each factor's classes in turn (as the probe's head does), and the
    loss is the sum of each factor's balance loss. One factor (shapes, fashion) may be given as a single tensor."""

    def __init__(self, features: int, shares, seed: int, reader: str = "classifier", classifier=None,
                 momentum: float = 0.99):
        super().__init__()
        if reader not in ("head", "classifier"):
            raise SystemExit(f"class_balance_reader must be 'head' or 'classifier', got {reader!r}")
        groups = [shares] if torch.is_tensor(shares) else list(shares)
        self.sizes = [len(g) for g in groups]
        # Not a registered submodule: frozen, cached on its own, not saved with the run (a plain assignment would
        # register it, and checkpoints would then depend on which reader — one classifier or an ensemble — ran).
        object.__setattr__(self, "classifier", classifier)
        self.head = nn.Linear(features, sum(self.sizes)) if reader == "head" else None
        if self.head is not None:
            g = torch.Generator().manual_seed(layer_seed(seed, "class_head"))
            with torch.no_grad():
                self.head.weight.copy_(torch.randn(self.head.weight.shape, generator=g) / features ** 0.5)
                self.head.bias.zero_()
        self.momentum = momentum
        # Each factor's shares normalised on their own, one after the other (one factor: as before, so older
        # checkpoints load).
        self.register_buffer("shares", torch.cat([g.float() / g.float().sum() for g in groups]))
        # Starts at the data's shares, so the first steps (an untrained head) push nowhere.
        self.register_buffer("history", self.shares.clone())

    def slices(self):
        return class_slices(self.sizes)

    def logits(self, images: torch.Tensor, d_features: torch.Tensor) -> torch.Tensor:
        return self.head(d_features) if self.head is not None else self.classifier(images)[:, :len(self.shares)]

    def d_loss(self, real_features: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Cross entropy of the head on real images' labels ([N, factors]; the head never sees a fake's "label");
        0 with a frozen classifier."""
        if self.head is None:
            return real_features.new_zeros(())
        out = self.head(real_features)
        return sum(F.cross_entropy(out[:, sl], labels[:, i]) for i, sl in enumerate(self.slices()))

    def g_loss(self, logits: torch.Tensor) -> torch.Tensor:
        """Σ over factors of Σ_c p̄_c log(h_c / π_c), and h moves toward this batch's p̄."""
        p = torch.cat([F.softmax(logits[:, sl], dim=1).mean(dim=0) for sl in self.slices()])
        weights = (self.history.clamp_min(1e-4) / self.shares).log()
        with torch.no_grad():
            self.history.mul_(self.momentum).add_(p.detach(), alpha=1 - self.momentum)
        return (p * weights).sum()

    def entropy(self, logits: torch.Tensor) -> torch.Tensor:
        """The mean entropy of each sample's class reading (nats, summed over factors): low when every sample reads
        as one class. With the balance term (which raises the entropy of the *mean* reading toward the data's),
        minimising it maximises the mutual information between image and class, as CatGAN's generator does
        (Springenberg 2016)."""
        total = logits.new_zeros(())
        for sl in self.slices():
            logp = F.log_softmax(logits[:, sl], dim=1)
            total = total - (logp.exp() * logp).sum(dim=1).mean()
        return total

    @torch.no_grad()
    def accuracy(self, images: torch.Tensor, d_features: torch.Tensor, labels: torch.Tensor) -> float:
        """The reader's accuracy on real images ([N, factors] labels), averaged over the factors."""
        out = self.logits(images, d_features)
        return float(sum((out[:, sl].argmax(dim=1) == labels[:, i]).float().mean() for i, sl in enumerate(self.slices()))
                     / len(self.sizes))


class Ensemble(nn.Module):
    """Several frozen readers as one: per categorical factor, the log of their mean class probabilities (so a
    softmax of its output is that mean). Why: G learns to draw shapes that one fixed classifier misreads — run cb4's
    classifier read 26 % hearts where the probe read 33 % and the silhouette judge 31 % (training/README) — and
    an image that fools several independently seeded readers at once is much harder to find."""

    def __init__(self, members, sizes):
        super().__init__()
        self.members = nn.ModuleList(members)
        self.sizes = list(sizes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        outs = [m(images) for m in self.members]
        parts = [torch.stack([F.softmax(o[:, sl], dim=1) for o in outs]).mean(dim=0).clamp_min(1e-12).log()
                 for sl in class_slices(self.sizes)]
        return torch.cat(parts, dim=1)


def class_sizes(r: dict):
    """Each categorical factor's class count, as the recipe's data source declares them."""
    return [len(classes) for _, classes in data.SOURCES[r["data"]].categoricals]


def train_classifier(train, r: dict, path: str, steps: int = 1500, batch: int = 64, member: int = 0):
    """A class reader for `reader="classifier"`: the probe's architecture with every categorical factor's logits,
    its own seed (`member` > 0: another seed, for an ensemble), trained on the GAN's training images and cached at
    `path`. It is not the probe that scores the models (other weights, other seed), but it learns the same labels,
    so the probe's figures can partly reward images that fool both. The independent check is the silhouette judge
    (silhouette.py, diagnose.py): on cb2's samples it reads the same class mix as the probe (hearts 34 % against
    the probe's 35 %; the shipped weights: 47 / 50 %)."""
    tag = "" if member == 0 else str(member)
    sizes = class_sizes(r)
    net = nets.probe(r["size"], r["channels"], sum(sizes), layer_seed(r["seed"], "class_balance_classifier" + tag))
    gen = torch.Generator().manual_seed(layer_seed(r["seed"], "class_balance_data" + tag))
    return frozen_classifier(net, train, path, gen, steps, batch, tag=f"class balance classifier{tag}", sizes=sizes)


def class_reader(train, r: dict, directory: str) -> nn.Module:
    """The recipe's frozen reader: one classifier (cached as `<data>-<seed>.pt`; `<data>-<seed>-<steps>x<batch>.pt`
    when trained other than the default 1500 × 64), or with `class_balance_readers` n > 1 an `Ensemble` of n (the
    others cached with `-<i>` appended)."""
    n = r.get("class_balance_readers", 1)
    # A reader's training length and batch (`class_balance_reader_steps`, `_batch`): 1500 × 64 suits 28–32 px; a
    # 64×64 faces reader took ~2.4 s per such step beside a training run and its loss was 0.002 by step 500.
    steps, batch = r.get("class_balance_reader_steps", 1500), r.get("class_balance_reader_batch", 64)
    length = "" if (steps, batch) == (1500, 64) else f"-{steps}x{batch}"  # the cache names a shorter training
    members = [train_classifier(train, r, os.path.join(directory, f"{r['data']}-{r['seed']}{length}" + (f"-{i}" if i else "") + ".pt"),
                                steps=steps, batch=batch, member=i) for i in range(n)]
    if n == 1:
        return members[0]
    return Ensemble(members, class_sizes(r))
