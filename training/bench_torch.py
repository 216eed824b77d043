#!/usr/bin/env python3
"""The PyTorch-CPU peer of `npm run bench`: the same generator weights and the same latent, timed in PyTorch.

    /usr/bin/python3 training/bench_torch.py < request.json > result.json

The request (JSON on stdin): {"model": "<folder with manifest.json>", "space": "z" | "w", "z": [...],
"repeats": R, "time": true}. The generator is rebuilt from the model's own TF.js files (model.json topology and weights,
read back through atlas_train's layer classes, the exporter's inverse), so any bundled model made of those
layers works, including one retrained or replaced after its recipe changed. In space w the network is
w ↦ synthesis(w repeated over the style layers), with w = mapping(z), as the app's W.

Timed (warm medians of R runs after one warm-up, float32, torch's intra-op threads = all cores):
- jacobianMs: torch.autograd.functional.jacobian(f, x, strategy="forward-mode", vectorize=True) and JᵀJ,
  f the flattened image — what a researcher gets from stock PyTorch for the metric H = JᵀJ;
- forwardMs: one batched forward of n + 1 copies of x under no_grad (the primal and n tangents' worth).

Also returned, so the caller can check the weights are the same: the image at x (NHWC, flattened) and the
top eigenvalues of JᵀJ (float64 eigh of the float32 product).
"""
import json
import math
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from atlas_train.graph import Graph  # noqa: E402
from atlas_train.layers import LAYER_CLASSES  # noqa: E402


def load_graph(model_json: str) -> Graph:
    """A Graph with the topology and weights of a TF.js layers model written by atlas_train.export."""
    folder = os.path.dirname(model_json)
    with open(model_json) as f:
        spec = json.load(f)
    weights = {}
    for group in spec["weightsManifest"]:
        data = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            quant = w.get("quantization", {}).get("dtype")
            dtype = {"float16": "<f2"}.get(quant, "<f4")
            count = int(np.prod(w["shape"])) if w["shape"] else 1
            size = count * np.dtype(dtype).itemsize
            weights[w["name"]] = np.frombuffer(data[offset:offset + size], dtype=dtype).astype(np.float32).reshape(w["shape"])
            offset += size
    topo = spec["modelTopology"]
    config = topo["config"] if "config" in topo else topo["model_config"]["config"]
    g = Graph(config.get("name", "model"))
    for layer in config["layers"]:
        name, cls, cfg = layer["name"], layer["class_name"], layer["config"]
        inputs = [n[0] for n in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else []
        if cls == "InputLayer":
            g.input(name, cfg["batch_input_shape"][1:])
            continue
        g.add(build_layer(cls, name, cfg, {k.split("/", 1)[1]: v for k, v in weights.items() if k.split("/", 1)[0] == name}), *inputs)
    g.output(*[o[0] for o in config["output_layers"]])
    # Derivatives are taken with respect to the latent only (as in the app): frozen weights.
    g.requires_grad_(False)
    return g.eval()


def _int(v):
    return v[0] if isinstance(v, list) else v


def build_layer(cls: str, name: str, cfg: dict, w: dict):
    """One layer from its Keras config and its TF.js weights (shapes give the sizes the config leaves out)."""
    C = LAYER_CLASSES[cls]
    if cls == "LeakyReLU2":
        layer = C(name, cfg.get("alpha", 0.2), cfg.get("gain", 1.0))
    elif cls == "EqDense":
        layer = C(name, w["kernel"].shape[0], cfg["units"], 0, cfg.get("lr_mul", 1.0), cfg.get("bias_init", 0.0))
    elif cls == "EqConv2D":
        layer = C(name, w["kernel"].shape[2], cfg["filters"], _int(cfg["kernel_size"]), 0, _int(cfg.get("strides", 1)))
    elif cls == "ModConv2D":
        layer = C(name, w["kernel"].shape[2], w["affine"].shape[0], cfg["filters"], _int(cfg["kernel_size"]), 0, cfg.get("demodulate", True))
    elif cls == "ConstInput":
        layer = C(name, cfg["size"], cfg["channels"], 0)
    elif cls == "StyleSlice":
        layer = C(name, cfg["index"])
    elif cls == "MinibatchStd":
        layer = C(name, cfg.get("group_size", 4))
    elif cls == "Dense":
        layer = C(name, w["kernel"].shape[0], cfg["units"], 0, cfg.get("activation", "linear"))
    elif cls == "Conv2D":
        layer = C(name, w["kernel"].shape[2], cfg["filters"], _int(cfg["kernel_size"]), 0, _int(cfg.get("strides", 1)), cfg.get("activation", "linear"))
    elif cls == "Reshape":
        layer = C(name, cfg["target_shape"])
    elif cls == "Upsample2x":
        layer = C(name, cfg.get("interpolation", "nearest"))
        # The training twin upsamples nearest with two repeat_interleave calls, which torch 1.13 runs ~50× slower
        # than nearest interpolation (437 ms against ~10 ms for a 65×32×32×32 batch here); the same numbers,
        # the way a PyTorch user would write it. Bilinear already interpolates.
        if layer.interpolation == "nearest":
            layer.forward = lambda x: F.interpolate(x, scale_factor=2, mode="nearest")
    else:
        layer = C(name)
    # The inverse of each layer's tf_weights(): kernels [k, k, cin, cout] → [cout, cin, k, k], the constant
    # [1, h, w, c] → [1, c, h, w], everything else as is.
    with torch.no_grad():
        for key, array in w.items():
            t = torch.from_numpy(array.copy())
            if key == "kernel" and hasattr(layer, "weight"):
                layer.weight.copy_(t.permute(3, 2, 0, 1))
            elif key == "value":
                layer.value.copy_(t.permute(0, 3, 1, 2))
            else:
                getattr(layer, key).copy_(t)
    return layer


def network(model_dir: str, space: str):
    """f(x) for x [B, n] → images NCHW, and the latent x for a given z [1, zDim]."""
    with open(os.path.join(model_dir, "manifest.json")) as f:
        manifest = json.load(f)
    if "generator" in manifest:
        if space != "z":
            raise SystemExit(f"{manifest['id']} has no {space} space")
        g = load_graph(os.path.join(model_dir, manifest["generator"]["path"]))
        return g, (lambda z: z)
    mapping = load_graph(os.path.join(model_dir, manifest["mapping"]["path"]))
    synthesis = load_graph(os.path.join(model_dir, manifest["synthesis"]["path"]))
    layers = manifest["synthesis"]["styleLayers"]
    if space == "z":
        return (lambda z: synthesis(mapping(z)[:, None].repeat(1, layers, 1))), (lambda z: z)
    if space == "w":
        return (lambda w: synthesis(w[:, None].repeat(1, layers, 1))), (lambda z: mapping(z))
    raise SystemExit(f"space {space!r} is not benchmarked here (z or w)")


def median_ms(f, repeats: int) -> float:
    f()  # warm-up: allocator and kernel selection are not what we measure
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    req = json.load(sys.stdin)
    # Debian's torch starts with one intra-op thread here; the app's wasm backend gets every core too.
    torch.set_num_threads(os.cpu_count() or 1)
    f, to_space = network(req["model"], req["space"])
    repeats = int(req.get("repeats", 5))
    with torch.no_grad():
        x = to_space(torch.tensor([req["z"]], dtype=torch.float32))
    n = x.shape[1]
    flat = lambda v: f(v[None]).permute(0, 2, 3, 1).reshape(-1)  # noqa: E731 (NHWC, as the app flattens)

    def metric():
        jac = torch.autograd.functional.jacobian(flat, x[0], strategy="forward-mode", vectorize=True)
        return jac.T @ jac

    def forward():
        with torch.no_grad():
            return f(x.repeat(n + 1, 1))

    # "time": false skips the timings (a test that only checks the weights and the spectrum).
    timed = req.get("time", True)
    jacobian_ms = median_ms(metric, repeats) if timed else None
    forward_ms = median_ms(forward, max(repeats, 10)) if timed else None
    h = metric().double().numpy()
    eig = np.linalg.eigvalsh((h + h.T) / 2)[::-1]
    with torch.no_grad():
        image = flat(x[0]).numpy()
    json.dump({
        "torch": torch.__version__, "threads": torch.get_num_threads(), "n": n, "repeats": repeats,
        "jacobianMs": jacobian_ms, "forwardMs": forward_ms, "forwardBatch": n + 1,
        "eigenvaluesTop": [float(v) for v in eig[:8]], "image": [float(v) for v in image],
        "imageFinite": bool(all(math.isfinite(v) for v in image)),
    }, sys.stdout)


if __name__ == "__main__":
    main()
