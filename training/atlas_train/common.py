"""Paths, seeding and small helpers shared by the trainers."""
from __future__ import annotations

import json
import os
import random
import struct
import time
import zlib

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


def write_grid_png(path: str, images, cols: int = 8, scale: int = 3) -> None:
    """NCHW images in [-1, 1] (1 or 3 channels) as a PNG grid with a one-pixel dark gutter, upscaled by
    `scale` (nearest): the training run's samples, to look at while it trains."""
    x = ((images.detach().clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()
    n, h, w, c = x.shape
    x = np.repeat(x, 3, axis=3) if c == 1 else x
    x = x.repeat(scale, axis=1).repeat(scale, axis=2)
    rows = -(-n // cols)
    hs, ws = h * scale + 1, w * scale + 1
    grid = np.full((rows * hs + 1, cols * ws + 1, 3), 24, np.uint8)
    for i in range(n):
        r, q = divmod(i, cols)
        grid[1 + r * hs: r * hs + hs, 1 + q * ws: q * ws + ws] = x[i]
    raw = b"".join(b"\0" + row.tobytes() for row in grid)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", grid.shape[1], grid.shape[0], 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(png)


def class_slices(sizes):
    """Where each categorical factor's logits sit in a head that holds them in turn (the probe's, a class reader's):
    one slice per factor, of its class count."""
    at = np.cumsum([0] + list(sizes))
    return [slice(int(at[i]), int(at[i + 1])) for i in range(len(sizes))]


def frozen_classifier(net: torch.nn.Module, train, path: str, gen: torch.Generator, steps: int, batch: int,
                      inputs=None, decay_at: int = None, tag: str = None, sizes=None, loss=None) -> torch.nn.Module:
    """`net` trained to read the first categorical label of `train` (Adam at 0.001, cross entropy; the rate ×0.1
    from step `decay_at` on), then frozen in eval mode; cached at `path`, so only the first call trains. With
    `sizes` (each categorical factor's class count), the net's outputs hold every factor's logits in turn and the
    loss is the sum of their cross entropies. `loss(out, idx)` replaces that loss (a reader of the regression targets).
    `inputs(images, gen)` turns a batch into what the net reads (default: the images as they are). `tag`: print
    the loss every 500 steps under it. Callers may be inside `torch.no_grad()`: training enables gradients itself."""
    if os.path.exists(path):
        net.load_state_dict(torch.load(path))
    else:
        opt = torch.optim.Adam(net.parameters(), lr=0.001)
        with torch.enable_grad():
            for step in range(1, steps + 1):
                if decay_at is not None and step == decay_at + 1:
                    for group in opt.param_groups:
                        group["lr"] *= 0.1
                idx = torch.randint(len(train), (batch,), generator=gen).numpy()
                x = train.batch(idx)
                x = inputs(x, gen) if inputs else x
                out, labels = net(x), torch.from_numpy(train.labels[idx])
                if loss is not None:
                    value = loss(out, idx)
                elif sizes is None:
                    value = torch.nn.functional.cross_entropy(out, labels[:, 0])
                else:
                    value = sum(torch.nn.functional.cross_entropy(out[:, sl], labels[:, i]) for i, sl in enumerate(class_slices(sizes)))
                opt.zero_grad(set_to_none=True)
                value.backward()
                opt.step()
                if tag and step % 500 == 0:
                    print(f"[{tag}] step {step}/{steps}: loss {value.item():.4f}", flush=True)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        torch.save(net.state_dict(), path)
    net.eval()
    for p in net.parameters():
        p.requires_grad_(False)
    return net
