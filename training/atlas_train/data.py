"""Training data as uint8 NHWC arrays in memory.

- shapes: rendered by the project's one TypeScript renderer (src/data/shapes.ts) through
  scripts/dump-shapes.ts into checkpoints/data/ (a pure function of seed, count and size; cached);
- fashion: Fashion-MNIST from Debian's `dataset-fashion-mnist` (IDX files), never downloaded.
"""
from __future__ import annotations

import gzip
import os
import subprocess
from dataclasses import dataclass
from typing import Optional

import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA_DIR = os.path.join(ROOT, "checkpoints", "data")
FASHION_DIR = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
SHAPE_CLASSES = ["square", "ellipse", "triangle", "heart"]
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
SHAPE_TARGETS = ["x", "y", "scale", "rot_cos", "rot_sin", "hue_cos", "hue_sin", "background"]


@dataclass
class Dataset:
    images: np.ndarray  # uint8 [N, H, W, C]
    labels: np.ndarray  # int64 [N]
    targets: Optional[np.ndarray] = None  # float32 [N, 8] (shapes)
    factors: Optional[np.ndarray] = None  # float32 [N, 7] (shapes)

    def __len__(self):
        return len(self.images)

    def batch(self, idx) -> torch.Tensor:
        """Images idx as float NCHW in [-1, 1]."""
        x = torch.from_numpy(self.images[idx]).float().div_(127.5).sub_(1)
        return x.permute(0, 3, 1, 2).contiguous()


def shapes(seed: int, count: int, size: int = 32) -> Dataset:
    os.makedirs(DATA_DIR, exist_ok=True)
    prefix = os.path.join(DATA_DIR, f"shapes-s{seed}-n{count}-p{size}")
    if not os.path.exists(prefix + ".factors.npy"):
        subprocess.run(["npx", "tsx", "scripts/dump-shapes.ts", "--count", str(count), "--seed", str(seed),
                        "--size", str(size), "--out", prefix], cwd=ROOT, check=True)
    factors = np.load(prefix + ".factors.npy")
    return Dataset(np.load(prefix + ".images.npy"), factors[:, 0].astype(np.int64),
                   np.load(prefix + ".targets.npy"), factors)


def _idx(path: str) -> np.ndarray:
    if not os.path.exists(path):
        raise FileNotFoundError(f"Fashion-MNIST not found at {path}. Install Debian's package: "
                                "apt-get install -y dataset-fashion-mnist (or set FASHION_MNIST_DIR).")
    with gzip.open(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def fashion(split: str) -> Dataset:
    """split: 'train' or 't10k'."""
    images = _idx(os.path.join(FASHION_DIR, f"{split}-images-idx3-ubyte.gz"))[..., None]
    labels = _idx(os.path.join(FASHION_DIR, f"{split}-labels-idx1-ubyte.gz")).astype(np.int64)
    return Dataset(images, labels)


def load(source: str, split: str, seed: int, count: int, size: int) -> Dataset:
    """Train or held-out data; the shapes held-out set uses another seed, as the TypeScript streams do."""
    if source == "shapes":
        return shapes(seed if split == "train" else seed + 999_983, count, size)
    return fashion("train" if split == "train" else "t10k")
