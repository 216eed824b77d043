"""Checks of atlas_train.widen for tests/model/widen.test.ts; prints one JSON object.

A small style generator with seeded weights moved off their initial values (so zero biases and unit affine biases
cannot hide a fault) is widened at its two finer resolutions and its toRGB; the wider one must draw the same
images. A naive widening (the old weights pasted in, the new channels' weights left at their initial values) is
the control: it must draw visibly different images, or the check could not fail."""
import json
import math
import sys

sys.path.insert(0, "training")
import torch  # noqa: E402

from atlas_train.train_gan import Generator  # noqa: E402
from atlas_train.widen import _paste, load_widened  # noqa: E402


def recipe(channels):
    return dict(kind="style", z_dim=8, w_dim=8, mapping_layers=2, mapping_lr_mul=0.1, act_gain=math.sqrt(2),
                g_channels=channels, channels=3, seed=5)


def moved(module, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.add_(0.3 * torch.randn(p.shape, generator=g))
    return module


def rel(a, b):
    return ((a - b).abs().max() / b.abs().max()).item()


torch.manual_seed(0)
narrow = moved(Generator(recipe([8, 8, 4])), 1)
wide = Generator(recipe([8, 12, 8]))
widened = load_widened(wide, narrow.state_dict())
naive = Generator(recipe([8, 12, 8]))
naive.load_state_dict({k: _paste(v, narrow.state_dict()[k]) for k, v in naive.state_dict().items()})
# Second control: the widening without the √(cin_new/cin_old) on toRGB (the one conv without demodulation).
unscaled = Generator(recipe([8, 12, 8]))
load_widened(unscaled, narrow.state_dict())
with torch.no_grad():
    unscaled.synthesis.layers["to_rgb"].weight.mul_(math.sqrt(4 / 8))
z = torch.randn(16, 8, generator=torch.Generator().manual_seed(2))
with torch.no_grad():
    ref, out, off, unscaled_out = narrow(z), wide(z), naive(z), unscaled(z)

try:
    load_widened(Generator(recipe([8, 8, 4])), wide.state_dict())
    refusal = ""
except ValueError as e:
    refusal = str(e)

# The zeroed weights (old outputs reading new inputs) must receive gradients, or the new channels never join in.
wide(z).square().mean().backward()
conv = wide.synthesis.layers["conv8b"]  # 8 → 12 channels in and out
zero_block_grad = conv.weight.grad[:8, 8:].abs().max().item()
print(json.dumps({"widened": widened, "shape": list(out.shape), "match": rel(out, ref), "naive": rel(off, ref), "unscaledToRgb": rel(unscaled_out, ref),
                  "refusal": refusal, "zeroBlockGrad": zero_block_grad,
                  "zeroBlockWeight": conv.weight.detach()[:8, 8:].abs().max().item()}))
