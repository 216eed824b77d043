"""Train a probe: cross-entropy on each categorical factor of its source (shapes: the class; faces: hair style
and glasses; fashion: the class) + MSE on the regression targets (masked where a target is undefined).
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


def split_head(out: torch.Tensor, src: data.Source):
    """The head's outputs as ([logits of each categorical factor], targets)."""
    groups, at = [], 0
    for _, classes in src.categoricals:
        groups.append(out[:, at:at + len(classes)])
        at += len(classes)
    return groups, out[:, at:]


def probe_loss(out: torch.Tensor, labels: torch.Tensor, targets, mask, src: data.Source) -> torch.Tensor:
    groups, predicted = split_head(out, src)
    loss = sum(F.cross_entropy(g, labels[:, i]) for i, g in enumerate(groups))
    if targets is not None:
        sq = (predicted - targets) ** 2
        loss = loss + ((sq * mask).sum() / mask.sum() if mask is not None else sq.mean())
    return loss


def held_out_scores(out: np.ndarray, held: data.Dataset, src: data.Source, n: int) -> dict:
    """Accuracy of each categorical factor and R² of each target (over the images where it is defined)."""
    scores = {"samples": n}
    groups, predicted = split_head(torch.from_numpy(out), src)
    for i, ((name, _), g) in enumerate(zip(src.categoricals, groups)):
        acc = float((g.numpy().argmax(1) == held.labels[:n, i]).mean())
        scores["accuracy" if len(groups) == 1 else f"accuracy_{name}"] = acc
    if src.targets:
        t, p = held.targets[:n], predicted.numpy()
        m = held.mask[:n] if held.mask is not None else np.ones_like(t)
        for j, name in enumerate(src.targets):
            keep = m[:, j] > 0
            res = ((t[keep, j] - p[keep, j]) ** 2).sum()
            tot = ((t[keep, j] - t[keep, j].mean()) ** 2).sum()
            scores[f"r2_{name}"] = float(1 - res / tot)
    return scores


def train_probe(pid: str) -> None:
    r = PROBES[pid]
    src = data.SOURCES[r["data"]]
    gen = seed_everything(r["seed"])
    train = data.load(r["data"], "train", SHAPES_DATA_SEED, r["train_count"], r["size"])
    held = data.load(r["data"], "test", SHAPES_DATA_SEED, EVAL_COUNT, r["size"])
    outputs = src.logits + len(src.targets)
    net = nets.probe(r["size"], r["channels"], outputs, r["seed"], r.get("widths", [32, 64, 64]))
    opt = torch.optim.Adam(net.parameters(), lr=r["lr"])
    # A step decay of the learning rate over the last third (faces: fine targets such as gaze need it).
    decay_at = r.get("decay_at")
    started = time.time()
    for step in range(1, r["steps"] + 1):
        if decay_at and step == decay_at:
            for group in opt.param_groups:
                group["lr"] = r["lr"] * 0.1
        idx = torch.randint(len(train), (r["batch"],), generator=gen).numpy()
        targets = torch.from_numpy(train.targets[idx]) if src.targets else None
        mask = torch.from_numpy(train.mask[idx]) if train.mask is not None else None
        loss = probe_loss(net(train.batch(idx)), torch.from_numpy(train.labels[idx]), targets, mask, src)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % 500 == 0:
            progress(pid, step, r["steps"], started, step, loss=loss.item())
    seconds = time.time() - started

    with torch.no_grad():
        n = min(EVAL_COUNT, len(held))
        out = net(held.batch(np.arange(n))).numpy()
    held_out = held_out_scores(out, held, src, n)
    print(f"[{pid}] held out: {held_out}", flush=True)

    out_dir = os.path.join(MODELS_DIR, "probes", pid)
    nbytes = export_graph(net, os.path.join(out_dir, "model"))
    save_atomic({"state": net.state_dict(), "recipe": r}, os.path.join(CHECKPOINTS_DIR, pid, "probe.pt"))
    outputs_json = {"classes": src.categoricals[0][1]}
    if len(src.categoricals) > 1:
        # The head holds each factor's logits in this order, then the targets.
        outputs_json["categorical"] = [{"name": name, "classes": classes} for name, classes in src.categoricals]
    if src.targets:
        outputs_json["targets"] = src.targets
    write_json(os.path.join(out_dir, "manifest.json"), {
        "id": pid, "name": r["name"], "description": r["description"],
        "input": {"height": r["size"], "width": r["size"], "channels": r["channels"], "range": [-1, 1]},
        "featureLayer": "features",
        "outputs": outputs_json,
        "training": {"data": src.description, "script": f"npm run train -- {pid}", "trainer": "PyTorch (training/)",
                     "steps": r["steps"], "batch": r["batch"], "seconds": round(seconds), "finalLoss": loss.item(),
                     "heldOut": held_out, "weightBytes": nbytes}})


def load_probe(pid: str):
    """The trained probe as a graph (from its PyTorch checkpoint)."""
    ckpt = torch.load(os.path.join(CHECKPOINTS_DIR, pid, "probe.pt"))
    r = ckpt["recipe"]
    src = data.SOURCES[r["data"]]
    net = nets.probe(r["size"], r["channels"], src.logits + len(src.targets), r["seed"], r.get("widths", [32, 64, 64]))
    net.load_state_dict(ckpt["state"])
    net.eval()
    return net
