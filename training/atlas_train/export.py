"""Export graphs to the TF.js layers format the app loads: `model.json` (Keras topology + weights manifest)
and one little-endian float32 shard, optionally float16 (`dtype="float16"`, TF.js dequantises on load)."""
from __future__ import annotations

import json
import os
import numpy as np

from .graph import Graph

SHARD = "group1-shard1of1.bin"


def export_graph(g: Graph, out_dir: str, generated_by: str = "latent-atlas training/", dtype: str = "float32") -> int:
    """Write `g` as a TF.js layers model into `out_dir`; returns the shard's size in bytes."""
    os.makedirs(out_dir, exist_ok=True)
    specs, parts = [], []
    for name, array in g.tf_weights():
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{g.name}: weight {name} holds NaN or infinity; refusing to export it")
        spec = {"name": name, "shape": list(array.shape), "dtype": "float32"}
        if dtype == "float16":
            spec["quantization"] = {"dtype": "float16", "original_dtype": "float32"}
            parts.append(array.astype("<f2").tobytes())
        else:
            parts.append(array.astype("<f4").tobytes())
        specs.append(spec)
    data = b"".join(parts)
    with open(os.path.join(out_dir, SHARD), "wb") as f:
        f.write(data)
    model = {"format": "layers-model", "generatedBy": generated_by, "convertedBy": None,
             "modelTopology": g.topology(), "weightsManifest": [{"paths": [SHARD], "weights": specs}]}
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        json.dump(model, f)
    return len(data)


def write_manifest(out_dir: str, manifest: dict) -> None:
    path = os.path.join(out_dir, "manifest.json")
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
