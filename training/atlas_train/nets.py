"""The bundled networks, built as exportable graphs: StyleGAN-lite mapping + synthesis, the z-space DCGAN,
the discriminator (whose four named activations are the app's perceptual features) and the probes.
Layer names are the ones the app and docs refer to (feat_a…feat_d, conv8a, to_rgb, …)."""
from __future__ import annotations

from .graph import Graph
from .layers import (Add, ConstInput, Conv2D, Dense, EqConv2D, EqDense, Flatten, LeakyReLU2, MinibatchStd, ModConv2D,
                     PixelNorm, Reshape, SoftClip, StyleSlice, Upsample2x)

DISCRIMINATOR_FEATURES = ["feat_a", "feat_b", "feat_c", "feat_d"]


def style_layer_count(channels) -> int:
    """One modulated conv at the base resolution, two per later resolution, one toRGB."""
    return 1 + 2 * (len(channels) - 1) + 1


def mapping(z_dim: int, w_dim: int, layers: int, lr_mul: float, seed: int, gain: float = 1.0) -> Graph:
    """z → w: pixel norm of z (StyleGAN keeps it), then `layers` equalised dense layers with leaky ReLU (times
    `gain`: StyleGAN's √2 keeps w at unit scale; at gain 1 four layers shrink it to sd ~0.2)."""
    g = Graph("mapping")
    h = g.add(PixelNorm("z_norm"), g.input("z", [z_dim]))
    d = z_dim
    for i in range(layers):
        h = g.add(EqDense(f"map_dense{i}", d, w_dim, seed, lr_mul=lr_mul), h)
        h = g.add(LeakyReLU2(f"map_act{i}", gain=gain), h)
        d = w_dim
    g.output(h)
    return g


def synthesis(w_dim: int, channels, out_channels: int, seed: int, skips: bool = False, gain: float = 1.0,
              dense_input: bool = False, upsample: str = "nearest") -> Graph:
    """w+ [L, w_dim] → image: a learned 4×4 constant, modulated 3×3 convs, ×2 upsampling (`upsample`), a 1×1
    toRGB without demodulation, soft clip to (−1, 1).

    With `skips` (StyleGAN2's output-skip generator), every resolution has its own toRGB and the RGB images
    are upsampled and summed, so the coarse resolutions draw the layout from the first steps on instead of
    learning it through every later layer (the 64-px faces model; the 32-px shapes model has one toRGB).
    Each toRGB reads the style of the next resolution's first conv, as in StyleGAN2, so L is the same.

    `gain` multiplies every leaky ReLU (StyleGAN's √2): demodulation normalises the weights, not the signal, so
    without it the activations shrink ~0.7× per layer (the 32-px shapes model's image sd was 0.04 at init).

    With `dense_input` the 4×4 input is not a learned constant but a dense layer of the first style (as the
    DCGAN's input is of z): a constant can only be re-weighted channel by channel by the styles, so where and
    how an object sits must be built from its fixed 4×4 patterns; a dense input draws any coarse layout.

    `upsample`: "nearest" or "bilinear" (see `Upsample2x`) for the feature maps and the skips' RGB."""
    g = Graph("synthesis")
    wplus = g.input("wplus", [style_layer_count(channels), w_dim])
    s = 0
    cin = channels[0]

    slices = {}

    def style_at(index):
        """The slice of w+ for style input `index` (one layer per index: a toRGB shares its conv's)."""
        if index not in slices:
            slices[index] = g.add(StyleSlice(f"style{index}", index), wplus)
        return slices[index]

    if dense_input:
        x = g.add(EqDense("input_dense", w_dim, 4 * 4 * cin, seed), style_at(0))
        x = g.add(Reshape("input_reshape", [4, 4, cin]), x)
        x = g.add(LeakyReLU2("input_act", gain=gain), x)
    else:
        x = g.add(ConstInput("const", 4, cin, seed), wplus)

    def modconv(x, c, name):
        nonlocal s, cin
        style = style_at(s)
        s += 1
        x = g.add(ModConv2D(name, cin, w_dim, c, 3, seed), x, style)
        cin = c
        return g.add(LeakyReLU2(f"{name}_act", gain=gain), x)

    def to_rgb(x, res, index):
        return g.add(ModConv2D(f"to_rgb{res}", cin, w_dim, out_channels, 1, seed, demodulate=False), x,
                     style_at(index))

    x = modconv(x, channels[0], "conv4")
    rgb = to_rgb(x, 4, s) if skips else None  # style s is the next conv's (s is not advanced)
    for r in range(1, len(channels)):
        res = 4 << r
        x = g.add(Upsample2x(f"up{res}", upsample), x)
        x = modconv(x, channels[r], f"conv{res}a")
        x = modconv(x, channels[r], f"conv{res}b")
        if skips:
            up = g.add(Upsample2x(f"rgb_up{res}", upsample), rgb)
            rgb = g.add(Add(f"rgb{res}"), up, to_rgb(x, res, s))
    if skips:
        g.output(g.add(SoftClip("image"), rgb))
        return g
    x = g.add(ModConv2D("to_rgb", cin, w_dim, out_channels, 1, seed, demodulate=False), x, style_at(s))
    g.output(g.add(SoftClip("image"), x))
    return g


def dcgan_generator(z_dim: int, base: int, channels, out_channels: int, seed: int) -> Graph:
    """z → image with no normalisation of z (so the metric in Z has no artificial null direction and ψ·z
    is a real truncation): dense to a base map, then (nearest ×2, 3×3 conv, leaky ReLU, pixel norm) blocks."""
    g = Graph("generator")
    c0 = channels[0]
    x = g.add(EqDense("fc", z_dim, base * base * c0, seed), g.input("z", [z_dim]))
    x = g.add(Reshape("fc_reshape", [base, base, c0]), x)
    x = g.add(LeakyReLU2("fc_act"), x)
    x = g.add(PixelNorm("fc_norm"), x)
    cin = c0

    def block(x, c, name):
        nonlocal cin
        x = g.add(EqConv2D(name, cin, c, 3, seed), x)
        cin = c
        x = g.add(LeakyReLU2(f"{name}_act"), x)
        return g.add(PixelNorm(f"{name}_norm"), x)

    x = block(x, c0, "conv_base")
    for r in range(1, len(channels)):
        res = base << r
        x = g.add(Upsample2x(f"up{res}"), x)
        x = block(x, channels[r], f"conv{res}a")
        x = block(x, channels[r], f"conv{res}b")
    x = g.add(EqConv2D("to_rgb", cin, out_channels, 1, seed), x)
    g.output(g.add(SoftClip("image"), x))
    return g


def discriminator(size: int, channels: int, width, seed: int, full_res: bool = False) -> Graph:
    """ProGAN-style: 1×1 fromRGB, one (stride-2 3×3, 3×3) stage per width after the first (three for the
    32-px models, four at 64 px), minibatch stddev, a conv, two dense. With `full_res`, a 3×3 conv at full resolution follows fromRGB, so D sees corners and edges before the
    first downsampling (without it, one strided 3×3 is all D has at full resolution).
    feat_a…feat_d are fine-to-coarse feature maps (the perceptual distance reads them)."""
    g = Graph("discriminator")
    x = g.add(EqConv2D("from_rgb", channels, width[0], 1, seed), g.input("image", [size, size, channels]))
    if full_res:
        x = g.add(LeakyReLU2("from_rgb_act"), x)
        x = g.add(EqConv2D("conv0", width[0], width[0], 3, seed), x)
    x = g.add(LeakyReLU2("feat_a"), x)
    act_names = {1: "feat_b", 2: "feat_c"}
    side = size
    for i in range(1, len(width)):
        x = g.add(EqConv2D(f"down{i}", width[i - 1], width[i], 3, seed, strides=2), x)
        x = g.add(LeakyReLU2(f"down{i}_act"), x)
        x = g.add(EqConv2D(f"conv{i}", width[i], width[i], 3, seed), x)
        x = g.add(LeakyReLU2(act_names.get(i, f"conv{i}_act")), x)
        side = -(-side // 2)
    x = g.add(MinibatchStd("mbstd", 4), x)
    top = width[-1]
    x = g.add(EqConv2D("final_conv", top + 1, top, 3, seed), x)
    x = g.add(LeakyReLU2("feat_d"), x)
    x = g.add(Flatten("flatten"), x)
    x = g.add(EqDense("fc", side * side * top, top, seed), x)
    x = g.add(LeakyReLU2("fc_act"), x)
    g.output(g.add(EqDense("score", top, 1, seed), x))
    return g


def probe(size: int, channels: int, outputs: int, seed: int, widths=(32, 64, 64)) -> Graph:
    """Small CNN, one (3×3, stride-2 3×3) stage per width: its 64-d `features` layer is the space of the
    project's Fréchet distances; the head predicts the data set's labels (shapes: 4 class logits + 8 factor
    targets; faces: 4 + 3 logits + 15 targets; fashion: 10 logits)."""
    g = Graph("probe")
    x = g.input("image", [size, size, channels])
    cin, side = channels, size
    for i, c in enumerate(widths):
        x = g.add(Conv2D(f"conv{i}", cin, c, 3, seed, activation="relu"), x)
        x = g.add(Conv2D(f"down{i}", c, c, 3, seed, strides=2, activation="relu"), x)
        cin, side = c, -(-side // 2)
    x = g.add(Flatten("flatten"), x)
    x = g.add(Dense("features", side * side * cin, 64, seed, activation="relu"), x)
    g.output(g.add(Dense("head", 64, outputs, seed), x))
    return g
