"""Function-preserving widening of a style generator (Net2Wider for modulated convolutions).

A kept checkpoint of a narrower synthesis is loaded into a wider one so that the wider network draws exactly the
same images at the start, and training continues with the extra channels instead of starting over (a from-scratch
run of the faces model costs ~17k steps, most of a session, to get back to where the narrow one stopped).

Why it preserves the function, layer by layer (ModConv2D, `layers.py`):
- a new *output* channel of a conv keeps the wider network's own initial weights; what it draws is invisible
  because the next layer reads it through weights that start at zero;
- a new *input* channel's weights into the old output channels are zero, so the old outputs are unchanged, and so
  is their demodulation (Σ style²·W² over inputs gains only zeros);
- demodulated convs are invariant to the equalised-lr scale 1/√(k²·cin), which changes with cin; the one conv
  without demodulation (toRGB) gets its old weights multiplied by √(cin_new/cin_old) to cancel that change.
The zero weights receive gradients (the new channels' activations are not zero), so the new channels start to
learn at the first step.
"""
from __future__ import annotations

import math

import torch

from .layers import ConstInput, ModConv2D


def _paste(target: torch.Tensor, source: torch.Tensor) -> torch.Tensor:
    """`target` with its leading block (source's shape) replaced by `source`."""
    out = target.detach().clone()
    out[tuple(slice(0, n) for n in source.shape)] = source
    return out


def load_widened(module: torch.nn.Module, state: dict) -> list:
    """Load `state` (a state dict of the same architecture with fewer channels in some synthesis layers) into
    `module`, widening as described above. Parameters of equal shape are copied as they are; any other shape
    change than growth of a ModConv2D's or ConstInput's channels is refused. Returns the widened layer names."""
    own = module.state_dict()
    missing = set(own) ^ set(state)
    if missing:
        raise ValueError(f"checkpoint and network differ in their layers: {sorted(missing)[:4]}")
    new = dict(state)
    widened = []
    for prefix, layer in module.named_modules():
        key = (prefix + ".") if prefix else ""
        if isinstance(layer, ModConv2D):
            w_old = state[key + "weight"]
            out_new, in_new = layer.weight.shape[:2]
            out_old, in_old = w_old.shape[:2]
            if (out_new, in_new) == (out_old, in_old):
                continue
            if out_new < out_old or in_new < in_old or w_old.shape[2:] != layer.weight.shape[2:]:
                raise ValueError(f"{prefix}: can only widen ({tuple(w_old.shape)} → {tuple(layer.weight.shape)})")
            weight = _paste(layer.weight, w_old * (1.0 if layer.demodulate else math.sqrt(in_new / in_old)))
            weight[:out_old, in_old:] = 0.0
            new[key + "weight"] = weight
            new[key + "affine"] = _paste(layer.affine, state[key + "affine"])
            new[key + "affine_bias"] = _paste(layer.affine_bias, state[key + "affine_bias"])
            new[key + "bias"] = _paste(layer.bias, state[key + "bias"])
            widened.append(prefix)
        elif isinstance(layer, ConstInput) and layer.value.shape != state[key + "value"].shape:
            new[key + "value"] = _paste(layer.value, state[key + "value"])
            widened.append(prefix)
    for k, v in new.items():
        if v.shape != own[k].shape:
            raise ValueError(f"{k}: shape {tuple(v.shape)} in the checkpoint, {tuple(own[k].shape)} in the network")
    module.load_state_dict(new)
    return widened
