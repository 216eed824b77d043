"""An independent reading of a shapes image's class: a judge that shares nothing with the probe but the labels.

Why: the class-balance loss (class_balance.py) trains G against a frozen classifier of the probe's architecture, and
the probe scores the models. A generator could then draw images that *both* convolutional readers call squares
without being squares. The judge here sees the image through a fixed, non-learned transform and a different kind of
network, so what fools the probe's family has no reason to fool it:

- **Silhouette.** A shapes image is a saturated shape (HSV saturation 0.85, value 0.95) on a grey background, so a
  pixel's chroma max(r, g, b) − min(r, g, b), divided by the shape's own 0.85 · 0.95, is its coverage by the shape —
  on real renders exactly the anti-aliased coverage of the signed-distance renderer. Hue and background are gone;
  only the outline remains.
- **A multilayer perceptron** on the 32 × 32 silhouette (1024 → 512 → 256 → 4, ReLU): no convolutions, no weight
  sharing, trained on real silhouettes with random flips and quarter turns (the classes are closed under them).

It reads 2,000 held-out renders 100 % right (diagnose.py reports it as `heldOutAccuracy`); it is a check, not a
scorer: no figure the docs quote comes from it."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .common import frozen_classifier
from .layers import layer_seed

# HSV saturation × value of every rendered shape (src/data/shapes.ts): the chroma of a fully covered pixel.
SHAPE_CHROMA = 0.85 * 0.95


def silhouette(images: torch.Tensor) -> torch.Tensor:
    """NCHW RGB in [-1, 1] → N × 1 × H × W coverage in [0, 1]."""
    x = (images.clamp(-1, 1) + 1) / 2
    chroma = x.max(dim=1, keepdim=True).values - x.min(dim=1, keepdim=True).values
    return (chroma / SHAPE_CHROMA).clamp(0, 1)


def judge_net(size: int, classes: int, seed: int) -> nn.Sequential:
    torch.manual_seed(layer_seed(seed, "silhouette_judge"))
    return nn.Sequential(nn.Flatten(), nn.Linear(size * size, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(),
                         nn.Linear(256, classes))


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """A random quarter turn and horizontal flip per batch (the four classes map onto themselves)."""
    x = torch.rot90(x, int(torch.randint(4, (1,), generator=gen)), dims=(2, 3))
    return x.flip(3) if bool(torch.randint(2, (1,), generator=gen)) else x


def train_judge(train, size: int, path: str, seed: int = 31, steps: int = 4000, batch: int = 128) -> nn.Sequential:
    """The judge, trained on `train`'s silhouettes and labels (cached at `path`), frozen."""
    classes = int(train.labels[:, 0].max()) + 1
    gen = torch.Generator().manual_seed(layer_seed(seed, "silhouette_judge_data"))
    return frozen_classifier(judge_net(size, classes, seed), train, path, gen, steps, batch,
                             inputs=lambda x, g: augment(silhouette(x), g), decay_at=steps * 3 // 4)


@torch.no_grad()
def read(net: nn.Sequential, images: torch.Tensor) -> torch.Tensor:
    """Class probabilities [N, classes]."""
    return torch.cat([F.softmax(net(silhouette(images[i:i + 500])), dim=1) for i in range(0, len(images), 500)])
