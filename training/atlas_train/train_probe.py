"""Train a probe: shapes (class cross-entropy + MSE on the 8 factor targets) or fashion (cross-entropy).
Its 64-d `features` layer is where every Fréchet distance of the project is measured."""
from __future__ import annotations

import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from . import data, nets
from .common import CHECKPOINTS_DIR, EVAL_COUNT, MODELS_DIR, SHAPES_DATA_SEED, progress, save_atomic, seed_everything, write_json
from .export import export_graph
from .recipes import PROBES


def probe_loss(out: torch.Tensor, labels: torch.Tensor, targets, classes: int) -> torch.Tensor:
    loss = F.cross_entropy(out[:, :classes], labels)
    if targets is not None:
        loss = loss + F.mse_loss(out[:, classes:], targets)
    return loss


def train_probe(pid: str) -> None:
    r = PROBES[pid]
    gen = seed_everything(r["seed"])
    shapes = r["data"] == "shapes"
    classes = 4 if shapes else 10
    train = data.load(r["data"], "train", SHAPES_DATA_SEED, r["train_count"], r["size"])
    held = data.load(r["data"], "test", SHAPES_DATA_SEED, EVAL_COUNT, r["size"])
    net = nets.probe(r["size"], r["channels"], r["outputs"], r["seed"])
    opt = torch.optim.Adam(net.parameters(), lr=r["lr"])
    started = time.time()
    for step in range(1, r["steps"] + 1):
        idx = torch.randint(len(train), (r["batch"],), generator=gen).numpy()
        targets = torch.from_numpy(train.targets[idx]) if shapes else None
        loss = probe_loss(net(train.batch(idx)), torch.from_numpy(train.labels[idx]), targets, classes)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % 500 == 0:
            progress(pid, step, r["steps"], started, step, loss=loss.item())
    seconds = time.time() - started

    with torch.no_grad():
        n = min(EVAL_COUNT, len(held))
        out = net(held.batch(np.arange(n))).numpy()
    held_out = {"samples": n, "accuracy": float((out[:, :classes].argmax(1) == held.labels[:n]).mean())}
    if shapes:
        t = held.targets[:n]
        for j, name in enumerate(data.SHAPE_TARGETS):
            res = ((t[:, j] - out[:, classes + j]) ** 2).sum()
            tot = ((t[:, j] - t[:, j].mean()) ** 2).sum()
            held_out[f"r2_{name}"] = float(1 - res / tot)
    print(f"[{pid}] held out: {held_out}", flush=True)

    out_dir = os.path.join(MODELS_DIR, "probes", pid)
    nbytes = export_graph(net, os.path.join(out_dir, "model"))
    save_atomic({"state": net.state_dict(), "recipe": r}, os.path.join(CHECKPOINTS_DIR, pid, "probe.pt"))
    write_json(os.path.join(out_dir, "manifest.json"), {
        "id": pid, "name": r["name"], "description": r["description"],
        "input": {"height": r["size"], "width": r["size"], "channels": r["channels"], "range": [-1, 1]},
        "featureLayer": "features",
        "outputs": {"classes": data.SHAPE_CLASSES, "targets": data.SHAPE_TARGETS} if shapes
        else {"classes": data.FASHION_CLASSES},
        "training": {"data": "shapes (procedural, src/data/shapes.ts via scripts/dump-shapes.ts)" if shapes
                     else "Fashion-MNIST train split (Debian dataset-fashion-mnist)",
                     "script": f"npm run train -- {pid}", "trainer": "PyTorch (training/)", "steps": r["steps"],
                     "batch": r["batch"], "seconds": round(seconds), "finalLoss": loss.item(),
                     "heldOut": held_out, "weightBytes": nbytes}})


def load_probe(pid: str):
    """The trained probe as a graph (from its PyTorch checkpoint)."""
    ckpt = torch.load(os.path.join(CHECKPOINTS_DIR, pid, "probe.pt"))
    r = ckpt["recipe"]
    net = nets.probe(r["size"], r["channels"], r["outputs"], r["seed"])
    net.load_state_dict(ckpt["state"])
    net.eval()
    return net
