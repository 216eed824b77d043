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


def softmax(logits: np.ndarray) -> np.ndarray:
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)


def reading(head: np.ndarray, src, real_target_sd: np.ndarray = None) -> Dict[str, object]:
    """What the probe reads in a set of images: each categorical factor's class shares, the share of images
    read with confidence (every factor's top class at p ≥ 0.9), and per source the spread of the targets
    (shapes: hue coverage and background sd; faces: each target's sd over the probe's sd on real images)."""
    out: Dict[str, object] = {}
    at, confident, rarest, commonest = 0, np.ones(len(head), bool), 1.0, 0.0
    for name, classes in src.categoricals:
        p = softmax(head[:, at:at + len(classes)])
        at += len(classes)
        share = np.bincount(p.argmax(axis=1), minlength=len(classes)) / len(p)
        out["classShare" if len(src.categoricals) == 1 else f"share_{name}"] = share.tolist()
        rarest, commonest = min(rarest, float(share.min())), max(commonest, float(share.max()))
        confident &= p.max(axis=1) >= 0.9
    out.update({"rarestClass": rarest, "commonestClass": commonest, "confident": float(confident.mean())})
    t = head[:, at:]
    if src.name == "shapes":
        hue = (np.arctan2(t[:, 6], t[:, 5]) / (2 * math.pi)) % 1.0
        bins = np.bincount(np.minimum((hue * 12).astype(int), 11), minlength=12) / len(hue)
        # The background target is standardised (uniform data: sd 0.577); the bar is sd ≥ 0.5.
        out.update({"hueBins": bins.tolist(), "rarestHueBin": float(bins.min()),
                    "backgroundSd": float(t[:, 7].std())})
    elif src.targets and real_target_sd is not None:
        # The bar of the faces model: every target's spread ≥ 70 % of the data's (both as the probe reads them).
        ratio = t.std(axis=0) / np.maximum(real_target_sd, 1e-9)
        out.update({"sdRatio": ratio.tolist(), "minSdRatio": float(ratio.min()),
                    "minSdTarget": src.targets[int(ratio.argmin())]})
    return out
