"""Checks of atlas_train.factor_spread for tests/model/factorSpread.test.ts; prints one JSON object.

The spread loss must move a batch's continuous factors toward the data's mean and spread. Judged by an independent
quantity, not the loss's own formula: per target, the float64 2-Wasserstein distance between the normal fitted to the
batch's readings and the normal of the data's, W₂² = (m − μ)² + (s − σ)². One gradient step on the *images* (through
a frozen linear reader) must lower it for a collapsed factor and an offset one; the mirrored step must raise it (so
the check can fail); a batch whose readings already have the data's moments must get no push. The data's statistics
must be the readers' mean reading of training images (numpy, float64), the readers must stay frozen, and the
recipe's readers must be cached under names that carry their training length and loaded, not retrained, again."""
import json
import os
import sys
import tempfile

sys.path.insert(0, "training")
import numpy as np  # noqa: E402
import torch  # noqa: E402

from atlas_train import data  # noqa: E402
from atlas_train.factor_spread import REAL_COUNT, FactorSpread, factor_spread  # noqa: E402

torch.manual_seed(0)
LOGITS, TARGETS, PIXELS = 2, 3, 3 * 4 * 4


def frozen_linear(seed: int) -> torch.nn.Module:
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(PIXELS, LOGITS + TARGETS))
    torch.manual_seed(seed)
    with torch.no_grad():
        net[1].weight.normal_(0, 0.3)
    for p in net.parameters():
        p.requires_grad_(False)
    return net


readers = [frozen_linear(1), frozen_linear(2)]
MU = torch.tensor([0.0, 1.0, -0.5])
SIGMA = torch.tensor([1.0, 0.5, 2.0])
real_targets = MU + SIGMA * torch.randn(20000, TARGETS)
spread = FactorSpread(readers, LOGITS, real_targets)


def w2(images: torch.Tensor):
    """Per target: W₂² between the normal of the batch's mean readings and the data's (float64)."""
    with torch.no_grad():
        t = torch.stack([r(images)[:, LOGITS:] for r in readers]).mean(0).double()
    m, s = t.mean(0), t.std(0)
    return ((m - spread.mean.double()) ** 2 + (s - spread.sd.double()) ** 2).tolist()


# A fake batch whose readings are collapsed on target 0 (sd ~0.2 against 1), offset on target 1 (mean 2 against 1),
# about right on target 2: images built as the least-squares preimage of the wanted readings.
wanted = torch.stack([0.2 * torch.randn(64), 2.0 + 0.5 * torch.randn(64), -0.5 + 2.0 * torch.randn(64)], dim=1)
A = torch.stack([r[1].weight[LOGITS:] for r in readers]).mean(0)  # the mean reading is linear: A x + b
b = torch.stack([r[1].bias[LOGITS:] for r in readers]).mean(0)
images = (torch.linalg.pinv(A) @ (wanted - b).T).T.reshape(64, 3, 4, 4)
x = images.clone().requires_grad_(True)
spread.g_loss(x).backward()
rate = 0.02
descended, mirrored = (images - rate * x.grad).detach(), (images + rate * x.grad).detach()

# A batch whose readings have exactly the data's moments (standardised, then scaled): no push.
z = torch.randn(64, TARGETS)
z = (z - z.mean(0)) / z.std(0)
exact = spread.mean + spread.sd * z
exact_images = (torch.linalg.pinv(A) @ (exact - b).T).T.reshape(64, 3, 4, 4).requires_grad_(True)
spread.g_loss(exact_images).backward()

# The recipe's readers on a tiny data set (3 steps of batch 4): cached names, reload, statistics.
rng = np.random.default_rng(0)
n = 40
tiny = data.Dataset(images=rng.integers(0, 255, (n, 32, 32, 3), dtype=np.uint8),
                    labels=np.arange(n, dtype=np.int64).reshape(n, 1) % 4,
                    targets=rng.normal(size=(n, 8)).astype(np.float32))
short = {"data": "shapes", "seed": 5, "size": 32, "channels": 3, "probe": "shapes-probe", "factor_spread_readers": 2,
         "factor_spread_reader_steps": 3, "factor_spread_reader_batch": 4}
with tempfile.TemporaryDirectory() as cache:
    first = factor_spread(tiny, short, cache)
    files = sorted(os.listdir(cache))
    stamps = [os.stat(os.path.join(cache, f)).st_mtime_ns for f in files]
    again = factor_spread(tiny, short, cache)
    retrained = [os.stat(os.path.join(cache, f)).st_mtime_ns for f in files] != stamps
    with torch.no_grad():
        readings = np.mean([m(tiny.batch(np.arange(n))).double().numpy()[:, 4:] for m in first.readers], axis=0)
    stats_error = max(float(np.abs(readings.mean(0) - first.mean.double().numpy()).max()),
                      float(np.abs(readings.std(0, ddof=1) - first.sd.double().numpy()).max()))
    reloaded_error = float((first.mean - again.mean).abs().max() + (first.sd - again.sd).abs().max())
    frozen = [p.requires_grad for m in first.readers for p in m.parameters()]

print(json.dumps({
    "w2Before": w2(images),
    "w2AfterDescent": w2(descended),
    "w2AfterMirrored": w2(mirrored),
    "sdBefore": float(torch.stack([r(images)[:, LOGITS:] for r in readers]).mean(0)[:, 0].std()),
    "sdAfter": float(torch.stack([r(descended)[:, LOGITS:] for r in readers]).mean(0)[:, 0].std()),
    "matchedGradMax": float(exact_images.grad.abs().max()),
    "offGradMax": float(x.grad.abs().max()),
    "readerParamGrads": [p.grad is not None for r in readers for p in r.parameters()],
    "cacheFiles": files,
    "retrainedOnSecondCall": retrained,
    "reloadedStatsError": reloaded_error,
    "realStatsError": stats_error,
    "realCount": min(REAL_COUNT, n),
    "readersTrainable": any(frozen),
}))
