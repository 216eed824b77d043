#!/usr/bin/env python3
"""Build a small z → image generator from the supported layers, export it as a model folder the app loads.

    /usr/bin/python3 training/examples/export_example.py OUT_DIR [--weights STATE_DICT.pt] [--no-check]

OUT_DIR receives manifest.json and generator/ (model.json + one weight shard): drop the folder's files on
the app, or point the CLI at it. Without --weights the generator keeps its seeded random initial weights
(a smoke test); with it, the weights come from a state_dict saved from this same graph after training
(`torch.save(g.state_dict(), path)`). OUT_DIR/check/ holds 4 latents and PyTorch's images for them
(NHWC .npy) so the app's rendering can be compared with PyTorch's (--no-check leaves it out).
"""
import argparse
import os
import sys

import numpy as np
import torch

# The exporter lives in training/atlas_train; run from anywhere.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from atlas_train.export import export_graph, write_manifest  # noqa: E402
from atlas_train.graph import Graph  # noqa: E402
from atlas_train.layers import EqConv2D, EqDense, LeakyReLU2, PixelNorm, Reshape, SoftClip, Upsample2x  # noqa: E402

Z_DIM = 32
SIZE = 16  # 4 → 8 → 16


def build_generator(seed: int = 1) -> Graph:
    """z [32] → 16×16 RGB in (−1, 1). Layer names must be unique; each layer's initial weights are seeded
    by (seed, name). Images are NCHW inside PyTorch and NHWC in the exported model: shapes given to
    g.input and Reshape are NHWC."""
    g = Graph("generator")
    x = g.add(EqDense("fc", Z_DIM, 4 * 4 * 64, seed), g.input("z", [Z_DIM]))
    x = g.add(Reshape("fc_reshape", [4, 4, 64]), x)
    x = g.add(LeakyReLU2("fc_act"), x)
    cin = 64
    for res, c in [(8, 32), (16, 16)]:
        x = g.add(Upsample2x(f"up{res}"), x)
        x = g.add(EqConv2D(f"conv{res}", cin, c, 3, seed), x)
        x = g.add(LeakyReLU2(f"conv{res}_act"), x)
        x = g.add(PixelNorm(f"conv{res}_norm"), x)
        cin = c
    x = g.add(EqConv2D("to_rgb", cin, 3, 1, seed), x)
    g.output(g.add(SoftClip("image"), x))  # SoftClip, not tanh: see the README
    return g


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out_dir")
    p.add_argument("--weights", help="a state_dict of this graph, saved after training")
    p.add_argument("--no-check", action="store_true", help="do not write check/ (latents and PyTorch's images)")
    a = p.parse_args()
    torch.set_num_threads(1)

    g = build_generator(seed=1)
    if a.weights:
        g.load_state_dict(torch.load(a.weights, map_location="cpu"))
    g.eval()

    nbytes = export_graph(g, os.path.join(a.out_dir, "generator"))
    write_manifest(a.out_dir, {
        "id": "my-generator",
        "name": "My generator",
        "description": "A 16×16 RGB generator exported from PyTorch (training/examples/export_example.py).",
        "latent": {"dim": Z_DIM, "prior": "normal"},
        "generator": {"path": "generator/model.json"},
        "output": {"height": SIZE, "width": SIZE, "channels": 3, "range": [-1, 1]},
    })

    if not a.no_check:
        z = np.random.default_rng(0).standard_normal((4, Z_DIM)).astype(np.float32)
        with torch.no_grad():
            images = g(torch.from_numpy(z)).permute(0, 2, 3, 1).contiguous().numpy()  # NCHW → NHWC
        os.makedirs(os.path.join(a.out_dir, "check"), exist_ok=True)
        np.save(os.path.join(a.out_dir, "check", "z.npy"), z)
        np.save(os.path.join(a.out_dir, "check", "images.npy"), images)
    print(f"wrote {a.out_dir}: manifest.json, generator/ ({nbytes} bytes of weights)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
