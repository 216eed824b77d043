#!/usr/bin/env python3
"""`/usr/bin/python3 training/diagnose.py <gan id> [--run NAME] [--checkpoint FILE] [--grids DIR] [--threads T]`

Two questions a GAN's quality figures raise, answered on its data and (optionally) a checkpoint:

1. **What does the probe's Fréchet distance punish?** The FD of 2,000 *real* training images, degraded in known
   ways, against the held-out set the trainer scores with: Gaussian blur, pixel noise, smooth colour blotches.
   Its floor is the undegraded FD. This says how sharp and clean samples must be for a bar such as FD ≤ 10 —
   a generator that drew every factor right but slightly soft would still miss it.
2. **What does the discriminator read?** D's AUC (held-out real vs the EMA generator's samples, as the trainer's
   `dAuc`) on the images as they are and after removing one cue from both sides: the Nyquist rows and columns of
   their spectrum (an upsampling artefact), or most of the top half of the spectrum (a 3×3 binomial blur). An AUC that
   stays near 1 after a filter means D does not need that cue.
3. **Which class is the distance in?** Samples and held-out images grouped by the probe's reading of the first
   categorical factor (shapes: the shape class): each group's share, the probe's confidence and its own Fréchet
   distance, and D's AUC within the group. With `--grids DIR`, 32 samples and 32 real images of each group as PNGs, to look at side by side.
4. **Is the class the probe reads really there?** (shapes) The same samples read by the silhouette judge
   (atlas_train/silhouette.py: a perceptron on the shape's outline, nothing shared with the probe but the labels):
   its class shares, how often it agrees with the probe, and the share it reads with confidence ≥ 0.9.
5. **How much of the distance is the factor distribution?** (shapes, faces) What the probe reads in 2,000 samples
   (class indices and targets) is rendered again by the TypeScript renderer (scripts/dump-data.ts --readings): clean
   images with the samples' factor mix. Their FD is what the mix alone costs; the same round trip through 2,000
   training images is its control (what reading and re-rendering cost on a perfect mix). The rest of the samples'
   FD is how they are drawn (texture, sharpness, mangled parts).

Prints one JSON object (numbers rounded) and nothing else on stdout.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from atlas_train import data, quality, silhouette, train_gan  # noqa: E402
from atlas_train.common import CHECKPOINTS_DIR, EVAL_COUNT, SHAPES_DATA_SEED, write_grid_png  # noqa: E402
from atlas_train.train_probe import load_probe, split_head  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def separable_blur(x: torch.Tensor, taps: torch.Tensor) -> torch.Tensor:
    """NCHW images filtered by the normalised 1-D kernel `taps` along rows and columns, edges replicated."""
    k = taps / taps.sum()
    c, half = x.shape[1], len(taps) // 2
    x = F.conv2d(F.pad(x, (half, half, 0, 0), mode="replicate"), k.view(1, 1, 1, -1).expand(c, 1, 1, len(k)), groups=c)
    return F.conv2d(F.pad(x, (0, 0, half, half), mode="replicate"), k.view(1, 1, -1, 1).expand(c, 1, len(k), 1), groups=c)


def gaussian_blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """Gaussian blur of standard deviation `sigma` px (7 taps)."""
    taps = torch.arange(-3, 4, dtype=torch.float32)
    return separable_blur(x, torch.exp(-taps ** 2 / (2 * sigma * sigma)))


def binomial_blur(x: torch.Tensor) -> torch.Tensor:
    """[1, 2, 1]/4 in both directions: damps the top of the spectrum, keeps shapes and layout."""
    return separable_blur(x, torch.tensor([1.0, 2.0, 1.0]))


def notch_nyquist(x: torch.Tensor) -> torch.Tensor:
    """Zero the spectrum's Nyquist column and row (period-2 stripes in x or y), nothing else."""
    X = torch.fft.fft2(x)
    X[..., :, x.shape[-1] // 2] = 0
    X[..., x.shape[-2] // 2, :] = 0
    return torch.fft.ifft2(X).real


def fd_sensitivity(r: dict, train: data.Dataset, held: data.Dataset) -> dict:
    probe = load_probe(r["probe"])
    reference = quality.gaussian(quality.probe_outputs(probe, held.batch(np.arange(EVAL_COUNT)))[0])
    x = train.batch(np.arange(EVAL_COUNT))
    gen = torch.Generator().manual_seed(0)

    def fd(images):
        return round(quality.frechet_distance(quality.gaussian(quality.probe_outputs(probe, images)[0]), reference), 2)

    def blotches(sd):
        # Noise on an 8×8 grid, bilinearly upsampled: colour drifting over ~1/8 of the image.
        low = torch.randn(x.shape[0], x.shape[1], 8, 8, generator=gen)
        return (x + sd * F.interpolate(low, size=r["size"], mode="bilinear", align_corners=False)).clamp(-1, 1)

    return {
        "floor": fd(x),
        "gaussianBlur": {str(s): fd(gaussian_blur(x, s)) for s in (0.5, 0.7, 1.0)},
        "pixelNoise": {str(n): fd((x + n * torch.randn(x.shape, generator=gen)).clamp(-1, 1)) for n in (0.02, 0.05, 0.1)},
        "smoothBlotches": {str(n): fd(blotches(n)) for n in (0.03, 0.06)},
    }


def load_networks(r: dict, checkpoint: str):
    """(G from the checkpoint's EMA in eval mode, its D, the checkpoint)."""
    G, D, _ = train_gan.build(r)
    ck = torch.load(checkpoint)
    G.load_state_dict(ck["G_ema"])
    D.load_state_dict(ck["D"])
    return G.eval(), D, ck


@torch.no_grad()
def discriminator_cues(r: dict, held: data.Dataset, checkpoint: str) -> dict:
    G, D, ck = load_networks(r, checkpoint)
    real = held.batch(np.arange(500))
    fake = torch.cat([G(torch.randn(250, r["z_dim"], generator=torch.Generator().manual_seed(s))) for s in (1, 2)])

    def auc(a, b):
        return round(train_gan.discriminator_auc(D, a, b), 3)

    return {
        "step": ck.get("score", ck.get("state", {})).get("step"),
        "asIs": auc(real, fake),
        "nyquistRemoved": auc(notch_nyquist(real), notch_nyquist(fake)),
        "blurred": auc(binomial_blur(real), binomial_blur(fake)),
        "onlyFakeBlurred": auc(real, binomial_blur(fake)),
        "pixelSd": {"real": round(float(real.std()), 3), "fake": round(float(fake.std()), 3)},
    }


@torch.no_grad()
def distance_by_class(r: dict, train: data.Dataset, held: data.Dataset, checkpoint: str, grids: str = None) -> dict:
    """FD, share and confidence per class of the first categorical factor, as the probe reads it on both sides
    (the held-out images' true labels would flatter the real side: the probe reads them at ~100 %)."""
    G, D, _ = load_networks(r, checkpoint)
    probe = load_probe(r["probe"])
    real = held.batch(np.arange(EVAL_COUNT))
    z = torch.randn(EVAL_COUNT, r["z_dim"], generator=torch.Generator().manual_seed(3))
    fake = torch.cat([G(z[i:i + 500]) for i in range(0, EVAL_COUNT, 500)])
    (f_real, h_real), (f_fake, h_fake) = quality.probe_outputs(probe, real), quality.probe_outputs(probe, fake)
    # The control: 2,000 training images in place of the samples. A group of ~500 estimates a 64-d Gaussian
    # roughly, so each class's FD has a floor of its own, above the whole set's.
    f_train, h_train = quality.probe_outputs(probe, train.batch(np.arange(EVAL_COUNT)))
    # D scores every image inside a mixed batch, as in training: its minibatch-stddev layer reads the batch, so a
    # batch of one class only would be scored differently.
    d_real, d_fake = D(real).flatten(), D(fake).flatten()
    name, classes = data.SOURCES[r["data"]].categoricals[0]
    k = len(classes)
    p_real, p_fake = quality.softmax(h_real[:, :k]), quality.softmax(h_fake[:, :k])
    c_real, c_fake = p_real.argmax(axis=1), p_fake.argmax(axis=1)
    c_train = h_train[:, :k].argmax(axis=1)
    out = {"factor": name, "fdAll": round(quality.frechet_distance(quality.gaussian(f_fake), quality.gaussian(f_real)), 2),
           "classes": {}}
    for c, label in enumerate(classes):
        fr, ff = c_real == c, c_fake == c
        row = {"shareReal": round(float(fr.mean()), 3), "shareFake": round(float(ff.mean()), 3)}
        if ff.sum() >= 100 and fr.sum() >= 100:  # a 64-d Gaussian needs samples to be estimated at all
            row["fd"] = round(quality.frechet_distance(quality.gaussian(f_fake[ff]), quality.gaussian(f_real[fr])), 2)
            row["fdFloor"] = round(quality.frechet_distance(quality.gaussian(f_train[c_train == c]), quality.gaussian(f_real[fr])), 2)
            row["confidenceFake"] = round(float(p_fake[ff, c].mean()), 3)
            # How well D tells this class's samples from its real images: low where D has a blind spot.
            row["dAuc"] = round(float((d_real[fr][:, None] > d_fake[ff][None, :]).float().mean()), 3)
        out["classes"][label] = row
        if grids:
            os.makedirs(grids, exist_ok=True)
            write_grid_png(os.path.join(grids, f"{label}-fake.png"), fake[ff][:32], cols=8, scale=3)
            write_grid_png(os.path.join(grids, f"{label}-real.png"), real[fr][:32], cols=8, scale=3)
    if r["data"] == "shapes":
        out["independentReading"] = silhouette_reading(r, train, held, real, fake, c_fake, classes)
    return out


def silhouette_reading(r: dict, train: data.Dataset, held: data.Dataset, real, fake, c_probe: np.ndarray, classes) -> dict:
    """The class as the silhouette judge reads it (atlas_train/silhouette.py: a perceptron on the shape's outline,
    sharing nothing with the probe but the labels), beside the probe's reading: does a sample the probe calls a
    square look like a square's outline too? `agreement` is the share of samples both read as the same class;
    `confusion[i][j]` the share the probe reads as class i and the judge as class j."""
    judge = silhouette.train_judge(train, r["size"], os.path.join(CHECKPOINTS_DIR, "classifiers", "shapes-silhouette-judge.pt"))
    p_real, p_fake = silhouette.read(judge, real).numpy(), silhouette.read(judge, fake).numpy()
    j_fake = p_fake.argmax(axis=1)
    k = len(classes)
    confusion = np.zeros((k, k))
    np.add.at(confusion, (c_probe, j_fake), 1)
    return {
        "heldOutAccuracy": round(float((p_real.argmax(axis=1) == held.labels[:len(real), 0]).mean()), 4),
        "confidentReal": round(float((p_real.max(axis=1) >= 0.9).mean()), 3),
        "confidentFake": round(float((p_fake.max(axis=1) >= 0.9).mean()), 3),
        "shareFake": {label: round(float((j_fake == c).mean()), 3) for c, label in enumerate(classes)},
        "agreement": round(float((j_fake == c_probe).mean()), 3),
        "confusion": (confusion / len(fake)).round(3).tolist(),
    }


def factor_groups(src: data.Source):
    """Each factor's columns in a readings row (class indices, then targets): a categorical's one index, a linear
    target's one column, an angle's cos and sin together."""
    groups, at = {}, 0
    for name, _ in src.categoricals:
        groups[name] = [at]
        at += 1
    for j, name in enumerate(src.targets):
        groups.setdefault(name[:-4] if name.endswith(("_cos", "_sin")) else name, []).append(at + j)
    return groups


@torch.no_grad()
def factor_distribution(r: dict, train: data.Dataset, held: data.Dataset, checkpoint: str) -> dict:
    """Section 5 (the rendered sources): the FD of the samples, of the samples re-rendered from the probe's reading
    of them, and of training images re-rendered the same way (the control), all against the held-out set; then,
    factor by factor, the re-rendered samples' FD with that factor's readings taken from the training images
    instead (the data's factors are independent, so this gives the factor its right distribution and leaves the
    others as drawn): the drop from `samplesRerendered` is what that factor's distribution costs; and with the
    samples' own readings of that factor shuffled across samples (the same marginal, no dependence on the others)."""
    src = data.SOURCES[r["data"]]
    G, _, _ = load_networks(r, checkpoint)
    probe = load_probe(r["probe"])
    reference = quality.gaussian(quality.probe_outputs(probe, held.batch(np.arange(EVAL_COUNT)))[0])
    z = torch.randn(EVAL_COUNT, r["z_dim"], generator=torch.Generator().manual_seed(3))
    fake = torch.cat([G(z[i:i + 500]) for i in range(0, EVAL_COUNT, 500)])
    real = train.batch(np.arange(EVAL_COUNT))

    def fd(images):
        return round(quality.frechet_distance(quality.gaussian(quality.probe_outputs(probe, images)[0]), reference), 2)

    def reading(images):
        """Per image: the class index of each categorical factor, then the targets, as the probe reads them."""
        groups, targets = split_head(torch.from_numpy(quality.probe_outputs(probe, images)[1]), src)
        return torch.cat([g.argmax(dim=1, keepdim=True).float() for g in groups] + [targets], dim=1).numpy()

    def rendered(readings: np.ndarray) -> torch.Tensor:
        """The renderer's images of the readings, in one call of scripts/dump-data.ts."""
        with tempfile.TemporaryDirectory() as tmp:
            np.save(os.path.join(tmp, "readings.npy"), readings)
            subprocess.run(["npx", "tsx", "scripts/dump-data.ts", "--source", r["data"], "--size", str(r["size"]),
                            "--readings", os.path.join(tmp, "readings.npy"), "--out", os.path.join(tmp, "again")],
                           cwd=REPO, check=True, stdout=subprocess.DEVNULL)
            pixels = np.load(os.path.join(tmp, "again.images.npy"))
        return torch.from_numpy(pixels).permute(0, 3, 1, 2).float() / 127.5 - 1

    fake_reading, real_reading = reading(fake), reading(real)
    groups = factor_groups(src)
    shuffle = np.random.default_rng(0).permutation(EVAL_COUNT)
    variants = [fake_reading, real_reading]
    for columns in groups.values():
        from_data, shuffled = fake_reading.copy(), fake_reading.copy()
        from_data[:, columns] = real_reading[:, columns]
        shuffled[:, columns] = fake_reading[shuffle][:, columns]
        variants += [from_data, shuffled]
    images = rendered(np.concatenate(variants))
    n = EVAL_COUNT
    out = {"samples": fd(fake), "samplesRerendered": fd(images[:n]), "trainingImages": fd(real),
           "trainingImagesRerendered": fd(images[n:2 * n])}
    # `withTheDatasFactor` fixes the factor's distribution *and* its independence of the other factors (the data's
    # factors are independent); `withItsOwnShuffled` — the samples' own readings of it, shuffled across samples —
    # fixes only the independence. Their difference is what the factor's marginal distribution costs.
    out["withTheDatasFactor"] = {name: fd(images[(2 + 2 * i) * n:(3 + 2 * i) * n]) for i, name in enumerate(groups)}
    out["withItsOwnShuffled"] = {name: fd(images[(3 + 2 * i) * n:(4 + 2 * i) * n]) for i, name in enumerate(groups)}
    return out


def main() -> int:
    p = argparse.ArgumentParser(prog="training/diagnose.py", description=__doc__.split("\n\n")[1])
    p.add_argument("id", choices=sorted(train_gan.GANS))
    p.add_argument("--checkpoint", help="a checkpoint with G_ema and D (default: checkpoints/<id>/resume.pt, or the run's last.pt)")
    p.add_argument("--run", help="an experiment's name: its recipe overrides (e.g. upsample) build the networks")
    p.add_argument("--grids", help="a folder for per-class sample grids (section 3)")
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    r = train_gan.recipe(a.id, a.run)
    checkpoint = a.checkpoint or os.path.join(train_gan.run_dirs(a.id, a.run)[0], "last.pt" if a.run else "resume.pt")
    held = data.load(r["data"], "test", SHAPES_DATA_SEED, EVAL_COUNT, r["size"])  # what the trainer scores against
    train = data.load(r["data"], "train", SHAPES_DATA_SEED, r["train_count"], r["size"])
    out = {"model": a.id, "fdSensitivity": fd_sensitivity(r, train, held)}
    if os.path.exists(checkpoint):
        out["discriminatorCues"] = {"checkpoint": os.path.relpath(checkpoint), **discriminator_cues(r, held, checkpoint)}
        out["distanceByClass"] = distance_by_class(r, train, held, checkpoint, a.grids)
        if r["data"] in ("shapes", "faces"):
            out["factorDistribution"] = factor_distribution(r, train, held, checkpoint)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
