"""Checks of atlas_train.class_balance for tests/model/classBalance.test.ts; prints one JSON object.

The balance loss must push a generator's class mix toward the data's shares. Checked against an independent
computation, not the loss's own formula: the KL divergence of the running class history from the data's shares,
in float64, after the history has taken in the batch (h' = m·h + (1 − m)·p̄). One small gradient-descent step on
the batch's logits must lower that KL when the history is off balance, and must move nothing when the history
already equals the shares. The frozen classifier reader must pass gradient to the images and none to itself."""
import json
import sys

sys.path.insert(0, "training")
import torch  # noqa: E402

import os  # noqa: E402
import tempfile  # noqa: E402

import numpy as np  # noqa: E402

from atlas_train import data  # noqa: E402
from atlas_train.class_balance import ClassBalance, Ensemble, class_reader  # noqa: E402

torch.manual_seed(0)
SHARES = torch.tensor([240.0, 240.0, 264.0, 256.0])  # unnormalised, as counted from data
PI = (SHARES / SHARES.sum()).double()
MOMENTUM = 0.99


def kl_after(history: torch.Tensor, logits: torch.Tensor) -> float:
    """KL(h' ‖ π) in float64, h' the history after taking in this batch's mean class probability."""
    p = torch.softmax(logits.double(), dim=1).mean(dim=0)
    h = MOMENTUM * history.double() + (1 - MOMENTUM) * p
    return float((h * (h / PI).log()).sum())


def descent_step(history: torch.Tensor, logits: torch.Tensor, rate: float):
    """(logits after one gradient step on the balance loss, the gradient, the per-class share before and after)."""
    balance = ClassBalance(8, SHARES, seed=1, reader="classifier", classifier=None, momentum=MOMENTUM)
    balance.history.copy_(history)
    x = logits.clone().requires_grad_(True)
    balance.g_loss(x).backward()
    stepped = (logits - rate * x.grad).detach()
    return stepped, x.grad, torch.softmax(logits, 1).mean(0), torch.softmax(stepped, 1).mean(0)


logits = torch.randn(64, 4) * 2
logits[:, 0] += 1.5  # this batch, too, leans to class 0
skewed = torch.tensor([0.55, 0.15, 0.15, 0.15])
stepped, grad, before, after = descent_step(skewed, logits, rate=0.5)
_, grad_balanced, _, _ = descent_step(PI.float().clone(), logits, rate=0.5)

# The sign flipped (the control): a loss that rewards the excess must raise the KL, or the check could not fail.
flipped = (logits + 0.5 * grad).detach()

# The history follows the batches: 600 batches of one fixed mix bring it within 1e-2 of that mix (0.99^600 ≈ 0.0024).
balance = ClassBalance(8, SHARES, seed=1, reader="classifier", classifier=None, momentum=MOMENTUM)
fixed = torch.tensor([[3.0, 0.0, 0.0, 0.0]]).repeat(16, 1)
for _ in range(600):
    balance.g_loss(fixed)
target = torch.softmax(fixed, 1).mean(0)

# The frozen classifier reader: gradient reaches the images, not the classifier.
classifier = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 4 * 4, 6))
for p in classifier.parameters():
    p.requires_grad_(False)
reader = ClassBalance(8, SHARES, seed=1, reader="classifier", classifier=classifier, momentum=MOMENTUM)
reader.history.copy_(skewed)
images = torch.randn(8, 3, 4, 4, requires_grad=True)
reader.g_loss(reader.logits(images, None)).backward()

# Two categorical factors (as faces: hair style and glasses), one reader with both factors' logits in turn. Each
# factor's KL, computed on its own in float64, must fall after a descent step; the mirrored step must raise both.
GLASSES = torch.tensor([34.0, 35.0, 31.0])
PI2 = (GLASSES / GLASSES.sum()).double()


def kl_factor(history: torch.Tensor, logits: torch.Tensor, pi: torch.Tensor) -> float:
    p = torch.softmax(logits.double(), dim=1).mean(dim=0)
    h = MOMENTUM * history.double() + (1 - MOMENTUM) * p
    return float((h * (h / pi).log()).sum())


two = ClassBalance(8, [SHARES, GLASSES], seed=1, reader="classifier", classifier=None, momentum=MOMENTUM)
skewed2 = torch.tensor([0.2, 0.2, 0.6])
start = torch.cat([skewed, skewed2])
two.history.copy_(start)
logits2 = torch.randn(64, 7) * 2
x2 = logits2.clone().requires_grad_(True)
two.g_loss(x2).backward()
descended2, mirrored2 = (logits2 - 0.5 * x2.grad).detach(), (logits2 + 0.5 * x2.grad).detach()


def kls(lg: torch.Tensor):
    return [kl_factor(skewed, lg[:, :4], PI), kl_factor(skewed2, lg[:, 4:], PI2)]


head2 = ClassBalance(5, [SHARES, GLASSES], seed=1, reader="head", momentum=MOMENTUM)
head_loss = head2.d_loss(torch.randn(10, 5), torch.stack([torch.randint(4, (10,)), torch.randint(3, (10,))], dim=1))

# An ensemble of readers: per factor, its softmax is the members' mean probability (computed here member by member).
members = [torch.nn.Linear(6, 7) for _ in range(3)]
ens = Ensemble(members, [4, 3])
probe_in = torch.randn(5, 6)
by_hand = torch.cat([torch.stack([torch.softmax(m(probe_in)[:, a:b], 1) for m in members]).mean(0) for a, b in ((0, 4), (4, 7))], 1)
with torch.no_grad():
    got = torch.cat([torch.softmax(ens(probe_in)[:, a:b], 1) for a, b in ((0, 4), (4, 7))], 1)

# The recipe's reader: n members trained for the recipe's steps and batch, cached under names that say so (a cache
# of the default 1500 × 64 must not stand in for a shorter training); a second call loads them instead of training.
tiny = data.Dataset(images=np.random.default_rng(0).integers(0, 255, (16, 32, 32, 3), dtype=np.uint8),
                    labels=np.arange(16, dtype=np.int64).reshape(16, 1) % 4)
short = {"data": "shapes", "seed": 5, "size": 32, "channels": 3, "class_balance_readers": 2,
         "class_balance_reader_steps": 3, "class_balance_reader_batch": 4}
with tempfile.TemporaryDirectory() as cache:
    first = class_reader(tiny, short, cache)
    files = sorted(os.listdir(cache))
    stamps = [os.stat(os.path.join(cache, f)).st_mtime_ns for f in files]
    again = class_reader(tiny, short, cache)
    x = tiny.batch(np.arange(4))
    with torch.no_grad():
        reloaded_error = float((first(x) - again(x)).abs().max())
    retrained = [os.stat(os.path.join(cache, f)).st_mtime_ns for f in files] != stamps

print(json.dumps({
    "readerCacheFiles": files,
    "readerIsEnsemble": isinstance(first, Ensemble),
    "readerReloadedError": reloaded_error,
    "readerRetrainedOnSecondCall": retrained,
    "ensembleError": float((got - by_hand).abs().max()),
    "twoFactorSharesSumToOne": [float(two.shares[:4].sum()), float(two.shares[4:].sum())],
    "twoFactorKlBefore": kls(logits2),
    "twoFactorKlAfterDescent": kls(descended2),
    "twoFactorKlAfterFlipped": kls(mirrored2),
    "twoFactorHeadLoss": float(head_loss),
    "klBefore": kl_after(skewed, logits),
    "klAfterDescent": kl_after(skewed, stepped),
    "klAfterFlipped": kl_after(skewed, flipped),
    "shareBefore": before.tolist(),
    "shareAfter": after.tolist(),
    "balancedGradMax": float(grad_balanced.abs().max()),
    "skewedGradMax": float(grad.abs().max()),
    "historyError": float((balance.history - target).abs().max()),
    "readerImageGrad": float(images.grad.abs().max()),
    "readerParamGrads": [p.grad is not None for p in classifier.parameters()],
    "readerKeepsSlicedLogits": list(reader.logits(images, None).shape),
}))
