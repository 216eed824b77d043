#!/usr/bin/env python3
"""`/usr/bin/python3 training/fresh_draws.py <gan id> CHECKPOINT... [--run NAME] [--seeds 3,4] [--count 2000] [--threads T]`

Scores checkpoints on fresh samples, to choose which one to ship: for each checkpoint (its EMA generator) and each z
seed, the probe's Fréchet distance of `count` samples against `count` held-out images, and the probe's reading of
them (class shares, confident share, the faces' spread ratios), as the trainer's evaluation computes them
(quality.py). Why not the trainer's own figure: it ranks checkpoints on one draw at the step's seed, and the best of
many draws is a lucky one (a 2,000-sample FD varies by ±1.5 at fashion's 5 and ±3 at shapes-style's 25 between
draws; training/README). Seeds other than the trainer's (its seed is the step) give an unbiased second look.

Held-out images: the rendered sources' held-out dump of `count` images (made on first use); fashion: `count` images
of the test split drawn at random (seed 77), not its first ones, which read ~1 lower (training/README).

Prints one JSON object per line: {checkpoint, seed, fd, ...reading}.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from atlas_train import data, quality, train_gan  # noqa: E402
from atlas_train.common import SHAPES_DATA_SEED  # noqa: E402
from atlas_train.train_probe import load_probe  # noqa: E402


def held_out(r: dict, count: int) -> data.Dataset:
    if r["data"] == "fashion":
        test = data.load("fashion", "test", SHAPES_DATA_SEED, count, r["size"])
        if count > len(test):
            raise SystemExit(f"the fashion test split holds {len(test)} images; asked for {count}")
        idx = np.random.default_rng(77).permutation(len(test))[:count]
        return data.Dataset(test.images[idx], test.labels[idx])
    return data.load(r["data"], "test", SHAPES_DATA_SEED, count, r["size"])


@torch.no_grad()
def main() -> int:
    p = argparse.ArgumentParser(prog="training/fresh_draws.py", description=__doc__.split("\n\n")[1])
    p.add_argument("id", choices=sorted(train_gan.GANS))
    p.add_argument("checkpoints", nargs="+", help="files with G_ema (best-<step>.pt, last.pt, resume.pt)")
    p.add_argument("--run", help="an experiment's name: its recipe overrides (e.g. upsample) build the networks")
    p.add_argument("--seeds", default="3,4", help="z seeds, comma-separated")
    p.add_argument("--count", type=int, default=2000)
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    r = train_gan.recipe(a.id, a.run)
    src = data.SOURCES[r["data"]]
    probe = load_probe(r["probe"])
    held = held_out(r, a.count)
    feats, head = quality.probe_outputs(probe, held.batch(np.arange(len(held))))
    real, real_sd = quality.gaussian(feats), head[:, src.logits:].std(axis=0)
    for path in a.checkpoints:
        G, _, _ = train_gan.build(r)
        G.load_state_dict(torch.load(path)["G_ema"])
        G.eval()
        for seed in (int(s) for s in a.seeds.split(",")):
            z = torch.randn(a.count, r["z_dim"], generator=torch.Generator().manual_seed(seed))
            imgs = torch.cat([G(z[i:i + 250]) for i in range(0, a.count, 250)])
            f, h = quality.probe_outputs(probe, imgs)
            row = {"checkpoint": os.path.relpath(path), "seed": seed, "fd": round(quality.frechet_distance(quality.gaussian(f), real), 3)}
            for k, v in quality.reading(h, src, real_sd).items():
                row[k] = round(v, 3) if isinstance(v, float) else [round(x, 3) for x in v] if isinstance(v, list) else v
            print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
