"""Quality figures in a probe's feature space: Fréchet distance, and the probe's reading of samples
(class shares, confident share, hue coverage, background spread) — the bars of docs/models.md."""
from __future__ import annotations

import math
from typing import Dict

import numpy as np
import torch

from .graph import Graph


def gaussian(features: np.ndarray):
    f = features.astype(np.float64)
    return f.mean(axis=0), np.cov(f, rowvar=False)


def frechet_distance(a, b) -> float:
    """‖μa − μb‖² + tr(Σa + Σb − 2 (Σa^½ Σb Σa^½)^½), in float64 with symmetric square roots."""
    (mu1, s1), (mu2, s2) = a, b
    w, v = np.linalg.eigh(s1)
    root = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    m = root @ s2 @ root
    cross = np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2), 0, None)).sum()
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * cross)


@torch.no_grad()
def probe_outputs(probe: Graph, images: torch.Tensor, chunk: int = 500):
    """(features [n, 64], head outputs [n, k]) for NCHW images in [-1, 1]."""
    feats, heads = [], []
    for i in range(0, len(images), chunk):
        out = probe.run(images[i:i + chunk], keep=["features"])
        feats.append(out["features"])
        heads.append(out[probe.outputs[0]])
    return torch.cat(feats).numpy(), torch.cat(heads).numpy()


def reading(head: np.ndarray, classes: int, shapes: bool) -> Dict[str, object]:
    """What the probe reads in a set of images."""
    logits = head[:, :classes]
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    share = np.bincount(p.argmax(axis=1), minlength=classes) / len(p)
    out: Dict[str, object] = {"classShare": share.tolist(), "rarestClass": float(share.min()),
                              "commonestClass": float(share.max()), "confident": float((p.max(axis=1) >= 0.9).mean())}
    if shapes:
        t = head[:, classes:]
        hue = (np.arctan2(t[:, 6], t[:, 5]) / (2 * math.pi)) % 1.0
        bins = np.bincount(np.minimum((hue * 12).astype(int), 11), minlength=12) / len(hue)
        # The background target is standardised (uniform data: sd 0.577); the bar is sd ≥ 0.5.
        out.update({"hueBins": bins.tolist(), "rarestHueBin": float(bins.min()),
                    "backgroundSd": float(t[:, 7].std())})
    return out
