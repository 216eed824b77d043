"""PyTorch twins of the custom TF.js layers in src/model/layers.ts, plus the standard Keras layers the
exporter writes, each able to describe itself as a Keras layer config and to hand over its weights in
TF.js order (`tf_config`, `tf_weights`).

Conventions (the exporter and the round-trip tests rely on them):
- 4-D activations are NCHW inside PyTorch; the TF.js model is NHWC. Only layers whose meaning depends
  on the layout (Reshape, Flatten, the constant input, convolution kernels) convert, so a network built
  here computes exactly what the exported TF.js network computes on the transposed input.
- 'same' padding follows TensorFlow: with stride 2 and an even input the extra row/column of zeros goes
  at the bottom/right (PyTorch's symmetric padding would shift every feature map by half a pixel).
- Equalised learning rate (ProGAN/StyleGAN): weights are stored ~N(0, 1/lr_mul²) and scaled at run time
  by lr_mul/√fan_in, exactly as the TF.js layers do.
- Every layer initialises from its own generator seeded by (model seed, layer name) (`layer_seed`), so no
  two layers share a random stream (one stream per layer class made kernels of different layers 0.99
  cosine-similar in the first bundled models).
"""
from __future__ import annotations

import math
from typing import Dict, List, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def layer_seed(model_seed: int, name: str) -> int:
    """FNV-1a (32-bit) of "<model seed>/<layer name>": the per-layer initialiser seed (same in TS)."""
    h = 0x811C9DC5
    for byte in f"{model_seed}/{name}".encode("utf-8"):
        h ^= byte
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def _normal(shape, std: float, seed: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g) * std


def conv_same(x: torch.Tensor, weight: torch.Tensor, bias, stride: int = 1) -> torch.Tensor:
    """conv2d with TensorFlow's 'same' padding: where TF pads unevenly (extra at bottom/right, e.g. stride 2
    on an even side) the input is padded explicitly; otherwise the convolution pads (no copy)."""
    k = weight.shape[-1]

    def amounts(n: int) -> Tuple[int, int]:
        total = max((-(-n // stride) - 1) * stride + k - n, 0)
        return total // 2, total - total // 2
    (top, bottom), (left, right) = amounts(x.shape[2]), amounts(x.shape[3])
    if top == bottom and left == right:
        return F.conv2d(x, weight, bias, stride=stride, padding=(top, left))
    return F.conv2d(F.pad(x, (left, right, top, bottom)), weight, bias, stride=stride)


class TfLayer(nn.Module):
    """A layer with a Keras name and class, exportable to TF.js."""

    class_name = ""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def tf_config(self) -> dict:
        return {"name": self.name, "trainable": True}

    def tf_weights(self) -> List[Tuple[str, np.ndarray]]:
        return []


def _np(t: torch.Tensor) -> np.ndarray:
    return t.detach().cpu().numpy().astype(np.float32)


def _channels_last(f, x: torch.Tensor) -> torch.Tensor:
    """f on the feature axis, as TF.js applies a dense layer: for a 4-D (NCHW) input that is the channel
    axis, so f runs on the NHWC view and the result returns to NCHW; other inputs use their last axis."""
    if x.dim() != 4:
        return f(x)
    return f(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


# ---- the project's custom layers (src/model/layers.ts) -------------------------------------------

class LeakyReLU2(TfLayer):
    """Leaky ReLU times `gain`: StyleGAN's √2 keeps unit variance in networks without normalisation layers
    (the style mapping and synthesis); the DCGAN's pixel norms make it unnecessary there (gain 1)."""
    class_name = "LeakyReLU2"

    def __init__(self, name: str, alpha: float = 0.2, gain: float = 1.0):
        super().__init__(name)
        self.alpha, self.gain = alpha, gain

    def forward(self, x):
        y = F.leaky_relu(x, self.alpha)
        return y if self.gain == 1.0 else y * self.gain

    def tf_config(self):
        return {**super().tf_config(), "alpha": self.alpha, **({} if self.gain == 1.0 else {"gain": self.gain})}


class SoftClip(TfLayer):
    """x / √(1 + x²): tanh's role at the generator output (second derivatives are right in tfjs)."""
    class_name = "SoftClip"

    def forward(self, x):
        return x * torch.rsqrt(x * x + 1)


class PixelNorm(TfLayer):
    """Unit RMS over the feature axis (channels for 4-D, the last axis otherwise)."""
    class_name = "PixelNorm"

    def forward(self, x):
        dim = 1 if x.dim() == 4 else -1
        return x * torch.rsqrt(x.pow(2).mean(dim=dim, keepdim=True) + 1e-8)


class EqDense(TfLayer):
    class_name = "EqDense"

    def __init__(self, name: str, in_dim: int, units: int, seed: int, lr_mul: float = 1.0, bias_init: float = 0.0):
        super().__init__(name)
        self.units, self.lr_mul, self.bias_init = units, lr_mul, bias_init
        self.kernel = nn.Parameter(_normal((in_dim, units), 1.0 / lr_mul, layer_seed(seed, name)))
        self.bias = nn.Parameter(torch.full((units,), bias_init / lr_mul))
        self.scale = lr_mul / math.sqrt(in_dim)

    def forward(self, x):
        return _channels_last(lambda t: t @ (self.kernel * self.scale) + self.bias * self.lr_mul, x)

    def tf_config(self):
        return {**super().tf_config(), "units": self.units, "lr_mul": self.lr_mul, "bias_init": self.bias_init}

    def tf_weights(self):
        return [("kernel", _np(self.kernel)), ("bias", _np(self.bias))]


class EqConv2D(TfLayer):
    class_name = "EqConv2D"

    def __init__(self, name: str, cin: int, filters: int, kernel_size: int, seed: int, strides: int = 1):
        super().__init__(name)
        self.filters, self.kernel_size, self.strides = filters, kernel_size, strides
        self.weight = nn.Parameter(_normal((filters, cin, kernel_size, kernel_size), 1.0, layer_seed(seed, name)))
        self.bias = nn.Parameter(torch.zeros(filters))
        self.scale = 1.0 / math.sqrt(kernel_size * kernel_size * cin)

    def forward(self, x):
        return conv_same(x, self.weight * self.scale, self.bias, self.strides)

    def tf_config(self):
        return {**super().tf_config(), "filters": self.filters, "kernel_size": self.kernel_size, "strides": self.strides}

    def tf_weights(self):
        return [("kernel", _np(self.weight.permute(2, 3, 1, 0))), ("bias", _np(self.bias))]


class ModConv2D(TfLayer):
    """StyleGAN2 modulated convolution on inputs (x, w): style s = A·w + 1 scales the input channels;
    with demodulation each output channel is rescaled to unit expected variance (as in the TF.js layer)."""
    class_name = "ModConv2D"

    def __init__(self, name: str, cin: int, w_dim: int, filters: int, kernel_size: int, seed: int, demodulate: bool = True):
        super().__init__(name)
        self.filters, self.kernel_size, self.demodulate = filters, kernel_size, demodulate
        s = layer_seed(seed, name)
        self.weight = nn.Parameter(_normal((filters, cin, kernel_size, kernel_size), 1.0, s))
        self.affine = nn.Parameter(_normal((w_dim, cin), 1.0, s ^ 0x5BD1E995))
        self.affine_bias = nn.Parameter(torch.ones(cin))
        self.bias = nn.Parameter(torch.zeros(filters))
        self.scale = 1.0 / math.sqrt(kernel_size * kernel_size * cin)
        self.affine_scale = 1.0 / math.sqrt(w_dim)

    def forward(self, x, w):
        style = w @ (self.affine * self.affine_scale) + self.affine_bias  # [B, cin]
        weight = self.weight * self.scale
        y = conv_same(x * style[:, :, None, None], weight, None)
        if self.demodulate:
            energy = weight.pow(2).sum(dim=(2, 3)).t()  # [cin, cout]
            y = y * torch.rsqrt(style.pow(2) @ energy + 1e-8)[:, :, None, None]
        return y + self.bias[None, :, None, None]

    def tf_config(self):
        return {**super().tf_config(), "filters": self.filters, "kernel_size": self.kernel_size, "demodulate": self.demodulate}

    def tf_weights(self):
        return [("kernel", _np(self.weight.permute(2, 3, 1, 0))), ("affine", _np(self.affine)),
                ("affine_bias", _np(self.affine_bias)), ("bias", _np(self.bias))]


class ConstInput(TfLayer):
    """A learned constant, repeated over the batch of its (otherwise unused) input."""
    class_name = "ConstInput"

    def __init__(self, name: str, size: int, channels: int, seed: int):
        super().__init__(name)
        self.size, self.channels = size, channels
        self.value = nn.Parameter(_normal((1, channels, size, size), 1.0, layer_seed(seed, name)))

    def forward(self, x):
        return self.value.expand(x.shape[0], -1, -1, -1)

    def tf_config(self):
        return {**super().tf_config(), "size": self.size, "channels": self.channels}

    def tf_weights(self):
        return [("value", _np(self.value.permute(0, 2, 3, 1)))]


class Upsample2x(TfLayer):
    """×2 upsampling, nearest (the default) or bilinear with half-pixel centres and clamped edges — each output
    pixel ¾ of its source and ¼ of the neighbour on its side, StyleGAN2's [1, 3, 3, 1] filter — which spares
    the synthesis the 2×2 blocks it must otherwise smooth away with its convs."""
    class_name = "Upsample2x"
    MODES = ("nearest", "bilinear")

    def __init__(self, name: str, interpolation: str = "nearest"):
        super().__init__(name)
        if interpolation not in self.MODES:
            raise ValueError(f"Upsample2x interpolation must be one of {self.MODES}, not {interpolation!r}")
        self.interpolation = interpolation

    def forward(self, x):
        if self.interpolation == "bilinear":
            return F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        return x.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)

    def tf_config(self):
        # Nearest writes no key, so every model exported before the option loads as it did.
        extra = {} if self.interpolation == "nearest" else {"interpolation": self.interpolation}
        return {**super().tf_config(), **extra}


class StyleSlice(TfLayer):
    class_name = "StyleSlice"

    def __init__(self, name: str, index: int):
        super().__init__(name)
        self.index = index

    def forward(self, x):
        return x[:, self.index]

    def tf_config(self):
        return {**super().tf_config(), "index": self.index}


class MinibatchStd(TfLayer):
    """ProGAN minibatch stddev, grouped exactly as the TF.js layer: group size g = the largest divisor of
    the batch ≤ group_size, sample i in group i mod (B/g); one extra channel with the group's mean std."""
    class_name = "MinibatchStd"

    def __init__(self, name: str, group_size: int = 4):
        super().__init__(name)
        self.group_size = group_size

    def forward(self, x):
        b, c, h, w = x.shape
        g = min(self.group_size, b)
        while b % g:
            g -= 1
        grouped = x.reshape(g, b // g, c * h * w)
        std = (grouped - grouped.mean(dim=0, keepdim=True)).pow(2).mean(dim=0).add(1e-8).sqrt()  # [B/g, chw]
        stat = std.mean(dim=1)  # [B/g]
        stat = stat.repeat(g)[:, None, None, None].expand(b, 1, h, w)
        return torch.cat([x, stat], dim=1)

    def tf_config(self):
        return {**super().tf_config(), "group_size": self.group_size}


# ---- standard Keras layers (probes, and users' own networks) --------------------------------------

_ACTIVATIONS = {"linear": lambda x: x, "relu": F.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
                "elu": F.elu, "softplus": F.softplus}


class Dense(TfLayer):
    class_name = "Dense"

    def __init__(self, name: str, in_dim: int, units: int, seed: int, activation: str = "linear"):
        super().__init__(name)
        self.units, self.activation = units, activation
        std = math.sqrt((2.0 if activation == "relu" else 1.0) / in_dim)
        self.kernel = nn.Parameter(_normal((in_dim, units), std, layer_seed(seed, name)))
        self.bias = nn.Parameter(torch.zeros(units))

    def forward(self, x):
        return _ACTIVATIONS[self.activation](_channels_last(lambda t: t @ self.kernel + self.bias, x))

    def tf_config(self):
        return {**super().tf_config(), "units": self.units, "activation": self.activation, "use_bias": True}

    def tf_weights(self):
        return [("kernel", _np(self.kernel)), ("bias", _np(self.bias))]


class Conv2D(TfLayer):
    class_name = "Conv2D"

    def __init__(self, name: str, cin: int, filters: int, kernel_size: int, seed: int, strides: int = 1, activation: str = "linear"):
        super().__init__(name)
        self.filters, self.kernel_size, self.strides, self.activation = filters, kernel_size, strides, activation
        std = math.sqrt((2.0 if activation == "relu" else 1.0) / (kernel_size * kernel_size * cin))
        self.weight = nn.Parameter(_normal((filters, cin, kernel_size, kernel_size), std, layer_seed(seed, name)))
        self.bias = nn.Parameter(torch.zeros(filters))

    def forward(self, x):
        y = conv_same(x, self.weight, self.bias, self.strides)
        return _ACTIVATIONS[self.activation](y)

    def tf_config(self):
        k, s = self.kernel_size, self.strides
        return {**super().tf_config(), "filters": self.filters, "kernel_size": [k, k], "strides": [s, s],
                "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1],
                "activation": self.activation, "use_bias": True}

    def tf_weights(self):
        return [("kernel", _np(self.weight.permute(2, 3, 1, 0))), ("bias", _np(self.bias))]


class Flatten(TfLayer):
    """Flattens in NHWC order, as Keras does on the exported model."""
    class_name = "Flatten"

    def forward(self, x):
        return (x.permute(0, 2, 3, 1) if x.dim() == 4 else x).reshape(x.shape[0], -1)


class Reshape(TfLayer):
    """Keras Reshape to an NHWC target [h, w, c] (returned as NCHW) or any other target shape. A 4-D
    input is read in NHWC order, as the exported model reads it."""
    class_name = "Reshape"

    def __init__(self, name: str, target_shape: List[int]):
        super().__init__(name)
        self.target_shape = list(target_shape)

    def forward(self, x):
        if x.dim() == 4:
            x = x.permute(0, 2, 3, 1)
        y = x.reshape(x.shape[0], *self.target_shape)
        return y.permute(0, 3, 1, 2) if len(self.target_shape) == 3 else y

    def tf_config(self):
        return {**super().tf_config(), "target_shape": self.target_shape}


class Add(TfLayer):
    """Keras Add: the sum of its inputs (the skip generator sums each resolution's RGB)."""
    class_name = "Add"

    def forward(self, *xs):
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out


LAYER_CLASSES: Dict[str, type] = {c.class_name: c for c in [
    LeakyReLU2, SoftClip, PixelNorm, EqDense, EqConv2D, ModConv2D, ConstInput, Upsample2x, StyleSlice,
    MinibatchStd, Dense, Conv2D, Flatten, Reshape, Add]}
