"""A tiny functional-model graph: named layers wired by name, run in PyTorch and written out as a Keras
functional-model topology (what TF.js `loadLayersModel` reads). One definition gives both, so the trained
network and the exported one cannot drift apart.

    g = Graph("generator")
    z = g.input("z", [64])
    h = g.add(EqDense("fc", 64, 1024, seed), z)
    ...
    g.output(h)
"""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence

import torch
import torch.nn as nn

from .layers import TfLayer


class Graph(nn.Module):
    def __init__(self, name: str):
        super().__init__()
        self.name = name
        self.inputs: List[tuple] = []  # (name, shape without batch)
        self.nodes: List[tuple] = []  # (layer name, [input names])
        self.layers = nn.ModuleDict()
        self.outputs: List[str] = []

    def input(self, name: str, shape: Sequence[int]) -> str:
        self.inputs.append((name, list(shape)))
        return name

    def add(self, layer: TfLayer, *inputs: str) -> str:
        if layer.name in self.layers or any(layer.name == n for n, _ in self.inputs):
            raise ValueError(f"duplicate layer name {layer.name!r}")
        self.layers[layer.name] = layer
        self.nodes.append((layer.name, list(inputs)))
        return layer.name

    def output(self, *names: str) -> None:
        self.outputs = list(names)

    def run(self, *xs: torch.Tensor, keep: Optional[Sequence[str]] = None) -> Dict[str, torch.Tensor]:
        """All activations named in `keep` (and the outputs) for inputs `xs` (NCHW for images)."""
        env = {name: x for (name, _), x in zip(self.inputs, xs)}
        wanted = set(keep or []) | set(self.outputs)
        out = {}
        for name, ins in self.nodes:
            env[name] = self.layers[name](*[env[i] for i in ins])
            if name in wanted:
                out[name] = env[name]
        return out

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        out = self.run(*xs)
        return out[self.outputs[0]] if len(self.outputs) == 1 else tuple(out[n] for n in self.outputs)

    def topology(self) -> dict:
        """The Keras functional-model config TF.js reads (`modelTopology`)."""
        layers = [{"name": n, "class_name": "InputLayer",
                   "config": {"batch_input_shape": [None, *s], "dtype": "float32", "sparse": False, "name": n},
                   "inbound_nodes": []} for n, s in self.inputs]
        for name, ins in self.nodes:
            layer = self.layers[name]
            layers.append({"name": name, "class_name": layer.class_name, "config": layer.tf_config(),
                           "inbound_nodes": [[[i, 0, 0, {}] for i in ins]]})
        return {"class_name": "Model", "keras_version": "tfjs-layers 4.22.0", "backend": "tensor_flow.js",
                "config": {"name": self.name, "layers": layers,
                           "input_layers": [[n, 0, 0] for n, _ in self.inputs],
                           "output_layers": [[n, 0, 0] for n in self.outputs]}}

    def tf_weights(self):
        """(name, float32 array) in TF.js order and layout, layer by layer in graph order."""
        return [(f"{name}/{w}", a) for name, _ in self.nodes for w, a in self.layers[name].tf_weights()]
