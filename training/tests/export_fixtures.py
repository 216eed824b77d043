#!/usr/bin/env python3
"""Fixtures for the PyTorch → TF.js round-trip test (tests/model/export-roundtrip.test.ts).

    /usr/bin/python3 training/tests/export_fixtures.py <out_dir>

For every exportable layer kind (and the bundled architectures at small widths) this builds a tiny graph
with seeded random weights — biases and style-affine biases moved away from their initial values, so a
bias that is dropped or misplaced shows — exports it with `export_graph` into <out_dir>/<case>/, and saves
the inputs and PyTorch's outputs as .npy (images NHWC, as TF.js sees them): in0.npy, in1.npy, …, out.npy.
<out_dir>/index.json lists the cases. Three kinds of case:
- "match": the TF.js model must reproduce out.npy to float32 precision;
- "float16": exported with dtype="float16"; out.npy is PyTorch on the float16-rounded weights (which the
  TF.js model must reproduce to float32 precision), out_f32.npy PyTorch on the original weights (which it
  must reproduce to float16 precision);
- "mismatch": a deliberately wrong weight layout (a transposed kernel), which the test must detect.
It also checks that export_graph refuses NaN and infinite weights, and records what it said.
"""
from __future__ import annotations

import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from atlas_train import nets  # noqa: E402
from atlas_train.export import export_graph  # noqa: E402
from atlas_train.graph import Graph  # noqa: E402
from atlas_train.layers import (Add, ConstInput, Conv2D, Dense, EqConv2D, EqDense, Flatten, LeakyReLU2,  # noqa: E402
                                MinibatchStd, ModConv2D, PixelNorm, Reshape, SoftClip, StyleSlice, Upsample2x, _np)

BATCH = 16


def perturb(g: Graph, seed: int) -> None:
    """Move every bias (and style-affine bias) away from its initial value, so the export of each is tested.
    An EqDense bias is stored divided by lr_mul, so it moves by 0.5/lr_mul (0.5 after scaling)."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for layer in g.layers.values():
            for pname, p in layer.named_parameters():
                if "bias" in pname:
                    p.add_(torch.randn(p.shape, generator=gen) * 0.5 / getattr(layer, "lr_mul", 1.0))


def to_torch(a: np.ndarray) -> torch.Tensor:
    t = torch.from_numpy(a)
    return t.permute(0, 3, 1, 2).contiguous() if t.dim() == 4 else t


def to_numpy(t: torch.Tensor) -> np.ndarray:
    t = t.detach()
    return (t.permute(0, 2, 3, 1) if t.dim() == 4 else t).contiguous().numpy().astype(np.float32)


def single(name: str, layer, *shapes, seed: int = 1) -> Graph:
    """A graph with one input per shape (without batch) feeding `layer`."""
    g = Graph(name)
    ins = [g.input(f"in{i}" if len(shapes) > 1 else "x", s) for i, s in enumerate(shapes)]
    g.output(g.add(layer, *ins))
    return g


class Cases:
    def __init__(self, out_dir: str):
        self.out_dir = out_dir
        self.index = []

    def add(self, case: str, g: Graph, kind: str = "match", batch: int = BATCH, scale: float = 1.0,
            seed: int = 0, perturb_biases: bool = True, note: str = "") -> None:
        if perturb_biases:
            perturb(g, 7919 + seed)
        rng = np.random.default_rng(1000 + seed)
        inputs = [(rng.standard_normal((batch, *shape)) * scale).astype(np.float32) for _, shape in g.inputs]
        folder = os.path.join(self.out_dir, case)
        export_graph(g, folder, dtype="float16" if kind == "float16" else "float32")
        with torch.no_grad():
            out = to_numpy(g(*[to_torch(a) for a in inputs]))
            if kind == "float16":
                np.save(os.path.join(folder, "out_f32.npy"), out)
                for p in g.parameters():
                    p.copy_(p.half().float())
                out = to_numpy(g(*[to_torch(a) for a in inputs]))
        for i, a in enumerate(inputs):
            np.save(os.path.join(folder, f"in{i}.npy"), a)
        np.save(os.path.join(folder, "out.npy"), out)
        self.index.append({"case": case, "kind": kind, "inputs": len(inputs), "batch": batch, "note": note})


def build(cases: Cases) -> None:
    s = iter(range(1, 10_000))  # one model seed per case, so no two cases share weights

    # -- element-wise and normalisation layers
    cases.add("LeakyReLU2/2d", single("m", LeakyReLU2("act"), [11]), scale=2, seed=next(s))
    cases.add("LeakyReLU2/4d-alpha0.3", single("m", LeakyReLU2("act", alpha=0.3), [5, 6, 3]), scale=2, seed=next(s))
    cases.add("SoftClip", single("m", SoftClip("clip"), [4, 4, 3]), scale=3, seed=next(s))
    cases.add("PixelNorm/2d", single("m", PixelNorm("norm"), [9]), scale=3, seed=next(s))
    cases.add("PixelNorm/4d", single("m", PixelNorm("norm"), [5, 4, 6]), scale=3, seed=next(s))

    # -- equalised dense
    k = next(s)
    cases.add("EqDense/lr1", single("m", EqDense("fc", 12, 10, k), [12]), seed=k)
    k = next(s)
    cases.add("EqDense/lr0.01-bias_init1", single("m", EqDense("fc", 12, 10, k, lr_mul=0.01, bias_init=1.0), [12]), seed=k)

    # -- equalised conv: stride 1 and 2, 1×1 and 3×3 (and a 4×4, TF's uneven 'same' padding at stride 1),
    #    odd and even sides, non-square images
    for ks, st, (h, w) in [(3, 1, (7, 7)), (3, 1, (8, 6)), (3, 2, (8, 8)), (3, 2, (7, 9)), (1, 1, (6, 6)),
                           (1, 2, (7, 8)), (4, 1, (6, 6)), (4, 2, (9, 8))]:
        k = next(s)
        cases.add(f"EqConv2D/k{ks}-s{st}-{h}x{w}", single("m", EqConv2D("conv", 3, 5, ks, k, strides=st), [h, w, 3]), seed=k)

    # -- modulated conv: inputs (x, w)
    for ks, demod, (h, w) in [(3, True, (6, 6)), (3, True, (5, 7)), (3, False, (6, 6)), (1, False, (8, 8)), (1, True, (5, 5))]:
        k = next(s)
        layer = ModConv2D("mod", 4, 7, 5, ks, k, demodulate=demod)
        cases.add(f"ModConv2D/k{ks}-demod{int(demod)}-{h}x{w}", single("m", layer, [h, w, 4], [7]), seed=k)

    # -- constant input, upsampling, style slice
    k = next(s)
    cases.add("ConstInput", single("m", ConstInput("const", 4, 5, k), [3]), seed=k)
    cases.add("Upsample2x", single("m", Upsample2x("up"), [3, 5, 2]), seed=next(s))
    cases.add("Upsample2x/bilinear", single("m", Upsample2x("up", "bilinear"), [3, 5, 2]), seed=next(s))
    cases.add("StyleSlice", single("m", StyleSlice("slice", 2), [4, 6]), seed=next(s))

    # -- minibatch stddev: batch 16 → groups of 4; 6 → groups of 3; 7 (prime) → groups of 1
    for b, note in [(16, "groups of 4"), (6, "group shrinks to 3"), (7, "group shrinks to 1")]:
        cases.add(f"MinibatchStd/batch{b}", single("m", MinibatchStd("mbstd", 4), [4, 3, 5]), batch=b, seed=next(s), note=note)

    # -- standard Keras layers
    for act in ["relu", "linear", "tanh", "sigmoid", "elu", "softplus"]:
        k = next(s)
        cases.add(f"Dense/{act}", single("m", Dense("fc", 10, 8, k, activation=act), [10]), scale=2, seed=k)
    for ks, st, (h, w), act in [(3, 1, (7, 7), "relu"), (3, 2, (8, 8), "linear"), (1, 2, (7, 6), "tanh")]:
        k = next(s)
        cases.add(f"Conv2D/k{ks}-s{st}-{h}x{w}-{act}", single("m", Conv2D("conv", 3, 4, ks, k, strides=st, activation=act), [h, w, 3]), seed=k)
    k = next(s)
    cases.add("Dense/4d-input", single("m", Dense("fc", 3, 4, k, activation="relu"), [5, 6, 3]), seed=k)
    k = next(s)
    cases.add("EqDense/4d-input", single("m", EqDense("fc", 3, 4, k), [5, 6, 3]), seed=k)
    cases.add("Flatten/4d", single("m", Flatten("flat"), [3, 4, 5]), seed=next(s))
    cases.add("Flatten/3d", single("m", Flatten("flat"), [4, 6]), seed=next(s))
    cases.add("Reshape/2d-to-image", single("m", Reshape("rs", [2, 3, 4]), [24]), seed=next(s))
    cases.add("Reshape/image-to-2d", single("m", Reshape("rs", [24]), [2, 3, 4]), seed=next(s))
    cases.add("Reshape/image-to-image", single("m", Reshape("rs", [3, 2, 4]), [2, 3, 4]), seed=next(s))
    # Flatten and Reshape feeding a layer that mixes positions, as in the discriminator and the DCGAN.
    k = next(s)
    g = Graph("m")
    x = g.add(Flatten("flat"), g.input("x", [3, 4, 2]))
    g.output(g.add(EqDense("fc", 24, 6, k), x))
    cases.add("Flatten+EqDense", g, seed=k)
    k = next(s)
    g = Graph("m")
    x = g.add(EqDense("fc", 5, 3 * 4 * 2, k), g.input("x", [5]))
    x = g.add(Reshape("rs", [3, 4, 2]), x)
    g.output(g.add(EqConv2D("conv", 2, 3, 3, k), x))
    cases.add("EqDense+Reshape+EqConv2D", g, seed=k)

    # -- the bundled architectures, at small widths
    cases.add("nets/mapping", nets.mapping(8, 8, 3, 0.01, next(s)), seed=100)
    cases.add("nets/synthesis", nets.synthesis(8, [8, 8, 4], 3, next(s)), seed=101)
    cases.add("nets/dcgan_generator", nets.dcgan_generator(8, 4, [8, 4], 3, next(s)), seed=102)
    cases.add("nets/discriminator", nets.discriminator(16, 3, [4, 8, 8, 8], next(s)), seed=103)
    cases.add("nets/probe", nets.probe(16, 1, 5, next(s)), seed=104)
    # (a fixed seed, so the seeds of the cases after it do not shift)
    cases.add("nets/discriminator-full-res", nets.discriminator(16, 3, [4, 8, 8, 8], 1107, full_res=True), seed=107)
    # The 64-px faces architectures: the skip synthesis (a toRGB per resolution, summed by Add), a
    # discriminator with four downsampling stages, a probe with four stages. Fixed seeds, as above.
    cases.add("Add/three-inputs", single("m", Add("add"), [3, 4, 2], [3, 4, 2], [3, 4, 2]), seed=108)
    cases.add("nets/synthesis-skips", nets.synthesis(8, [8, 8, 4, 4], 3, 1109, skips=True), seed=109)
    cases.add("nets/discriminator-4-stages", nets.discriminator(32, 3, [4, 8, 8, 8, 8], 1110, full_res=True), seed=110)
    cases.add("nets/probe-4-stages", nets.probe(32, 3, 9, 1111, widths=[8, 8, 8, 8]), seed=111)
    cases.add("LeakyReLU2/gain-sqrt2", single("m", LeakyReLU2("act", gain=2 ** 0.5), [5, 6, 3]), scale=2, seed=112)
    cases.add("nets/mapping-gain-sqrt2", nets.mapping(8, 8, 3, 0.1, 1113, gain=2 ** 0.5), seed=113)
    # The synthesis whose 4×4 input is a dense layer of the first style instead of a learned constant.
    cases.add("nets/synthesis-dense-input", nets.synthesis(8, [8, 8, 4], 3, 1114, gain=2 ** 0.5, dense_input=True), seed=114)

    # -- float16 export
    cases.add("float16/dcgan_generator", nets.dcgan_generator(8, 4, [8, 4], 3, next(s)), kind="float16", seed=105)
    cases.add("float16/synthesis", nets.synthesis(8, [8, 8, 4], 3, next(s)), kind="float16", seed=106)

    # -- deliberately wrong layouts, which the test must notice
    class KhKwSwapped(EqConv2D):
        """Writes the kernel as [kw, kh, in, out] instead of [kh, kw, in, out]."""
        def tf_weights(self):
            return [("kernel", _np(self.weight.permute(3, 2, 1, 0))), ("bias", _np(self.bias))]

    class TransposedDense(EqDense):
        """Writes the (square) kernel transposed, [out, in] instead of [in, out]."""
        def tf_weights(self):
            return [("kernel", _np(self.kernel.t())), ("bias", _np(self.bias))]

    k = next(s)
    cases.add("mismatch/EqConv2D-kh-kw-swapped", single("m", KhKwSwapped("conv", 3, 5, 3, k), [6, 6, 3]), kind="mismatch", seed=k)
    k = next(s)
    cases.add("mismatch/EqDense-transposed", single("m", TransposedDense("fc", 8, 8, k), [8]), kind="mismatch", seed=k)


def nan_refusal(out_dir: str) -> dict:
    """export_graph must refuse a NaN or infinite weight, and write no model.json."""
    result = {}
    for what, value in [("nan", float("nan")), ("inf", float("inf"))]:
        g = single("m", EqDense("fc", 4, 3, 1), [4])
        with torch.no_grad():
            g.layers["fc"].bias[1] = value
        folder = os.path.join(out_dir, f"refuse-{what}")
        try:
            export_graph(g, folder)
            result[what] = {"refused": False, "message": ""}
        except ValueError as err:
            result[what] = {"refused": True, "message": str(err)}
        result[what]["wroteModelJson"] = os.path.exists(os.path.join(folder, "model.json"))
    return result


def main() -> int:
    torch.set_num_threads(1)
    torch.manual_seed(0)
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    cases = Cases(out_dir)
    build(cases)
    with open(os.path.join(out_dir, "index.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases.index, "refusal": nan_refusal(out_dir)}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
