"""Training data as uint8 NHWC arrays in memory, and what each source's labels mean.

- shapes, faces: rendered by the project's one TypeScript renderer of each (src/data/shapes.ts,
  src/data/faces.ts) through scripts/dump-data.ts into checkpoints/data/ (a pure function of source, seed,
  count and size; cached);
- fashion: Fashion-MNIST from Debian's `dataset-fashion-mnist` (IDX files), never downloaded.
"""
from __future__ import annotations

import gzip
import os
import subprocess
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA_DIR = os.path.join(ROOT, "checkpoints", "data")
FASHION_DIR = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")


@dataclass(frozen=True)
class Source:
    """What a data source's labels are: its categorical factors (each a group of class logits in the probe's
    head, in this order) and its regression targets (after the logits), the factor names a generator's
    manifest lists, and the share below which a generator is said to have dropped a class (checkpoint ranking)."""
    name: str
    categoricals: List[Tuple[str, List[str]]]
    targets: List[str] = field(default_factory=list)
    factors: Optional[List[str]] = None
    class_floor: float = 0.0
    description: str = ""

    @property
    def logits(self) -> int:
        return sum(len(c) for _, c in self.categoricals)


SOURCES = {
    "shapes": Source(
        "shapes", [("shape", ["square", "ellipse", "triangle", "heart"])],
        ["x", "y", "scale", "rot_cos", "rot_sin", "hue_cos", "hue_sin", "background"],
        ["shape", "x", "y", "scale", "rotation", "hue", "background"], 0.15,
        "shapes (procedural, src/data/shapes.ts via scripts/dump-data.ts)"),
    "fashion": Source(
        "fashion", [("class", ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                               "Bag", "Ankle boot"])], class_floor=0.04,
        description="Fashion-MNIST train split (Debian dataset-fashion-mnist)"),
    # Mirrors src/data/faces.ts (HAIR_STYLES, GLASSES, FACE_TARGET_NAMES, FACE_FACTORS); a test checks the dump.
    "faces": Source(
        "faces", [("hair", ["short", "long", "bun", "none"]), ("glasses", ["none", "round", "square"])],
        ["roll", "width", "skin", "hair_hue_cos", "hair_hue_sin", "hair_light", "eye_open", "eye_spacing", "gaze",
         "smile", "mouth_open", "brow_height", "bg_hue_cos", "bg_hue_sin", "light"],
        ["hair", "glasses", "roll", "width", "skin", "hairHue", "hairLight", "eyeOpen", "eyeSpacing", "gaze", "smile",
         "mouthOpen", "browHeight", "bgHue", "light"], 0.15,
        "faces (procedural, src/data/faces.ts via scripts/dump-data.ts)"),
}
# Kept for the callers that name them.
SHAPE_CLASSES = SOURCES["shapes"].categoricals[0][1]
FASHION_CLASSES = SOURCES["fashion"].categoricals[0][1]
SHAPE_TARGETS = SOURCES["shapes"].targets


@dataclass
class Dataset:
    images: np.ndarray  # uint8 [N, H, W, C]
    labels: np.ndarray  # int64 [N, G]: one class index per categorical factor
    targets: Optional[np.ndarray] = None  # float32 [N, T] (rendered sources)
    factors: Optional[np.ndarray] = None  # float32 [N, F] raw factor values (rendered sources)
    mask: Optional[np.ndarray] = None  # float32 [N, T]: 0 where a target is undefined (faces: hair colour, no hair)

    def __len__(self):
        return len(self.images)

    def batch(self, idx) -> torch.Tensor:
        """Images idx as float NCHW in [-1, 1]."""
        x = torch.from_numpy(self.images[idx]).float().div_(127.5).sub_(1)
        return x.permute(0, 3, 1, 2).contiguous()


def rendered(source: str, seed: int, count: int, size: int) -> Dataset:
    """A dump of the TypeScript renderer of `source` (made on first use, then read from checkpoints/data/)."""
    os.makedirs(DATA_DIR, exist_ok=True)
    prefix = os.path.join(DATA_DIR, f"{source}-s{seed}-n{count}-p{size}")
    if not os.path.exists(prefix + ".factors.npy"):
        subprocess.run(["npx", "tsx", "scripts/dump-data.ts", "--source", source, "--count", str(count),
                        "--seed", str(seed), "--size", str(size), "--out", prefix], cwd=ROOT, check=True)
    factors = np.load(prefix + ".factors.npy")
    groups = len(SOURCES[source].categoricals)
    mask = np.load(prefix + ".mask.npy") if os.path.exists(prefix + ".mask.npy") else None
    return Dataset(np.load(prefix + ".images.npy"), factors[:, :groups].astype(np.int64),
                   np.load(prefix + ".targets.npy"), factors, mask)


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
    return Dataset(images, labels[:, None])


def load(source: str, split: str, seed: int, count: int, size: int) -> Dataset:
    """Train or held-out data; the rendered held-out sets use another seed, as the TypeScript streams do."""
    if source == "fashion":
        return fashion("train" if split == "train" else "t10k")
    return rendered(source, seed if split == "train" else seed + 999_983, count, size)
