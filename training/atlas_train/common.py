"""Paths, seeding and small helpers shared by the trainers."""
from __future__ import annotations

import json
import os
import random
import time

import numpy as np
import torch

from .data import ROOT

MODELS_DIR = os.path.join(ROOT, "public", "models")
CHECKPOINTS_DIR = os.path.join(ROOT, "checkpoints")
# Every shapes model trains on one dump of the renderer (seed 1) and is scored on another (seed 1 + 999,983).
SHAPES_DATA_SEED = 1
EVAL_COUNT = 2000


def seed_everything(seed: int) -> torch.Generator:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def progress(tag: str, step: int, total: int, started: float, done: int, **values) -> None:
    """One log line; the rate is over the `done` steps since `started` (this process)."""
    rate = (time.time() - started) / max(done, 1)
    text = " ".join(f"{k} {v:.4g}" for k, v in values.items())
    print(f"[{tag}] step {step}/{total} ({rate * 1000:.0f} ms/step) {text}", flush=True)


def write_json(path: str, value) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(value, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)


def save_atomic(obj, path: str) -> None:
    """torch.save to a temporary name, then rename: an interrupted save never corrupts the last one."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.save(obj, path + ".tmp")
    os.replace(path + ".tmp", path)
