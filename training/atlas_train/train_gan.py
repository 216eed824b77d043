"""GAN training: non-saturating logistic loss with a lazy R1 penalty, Adam (β1 = 0, β2 = 0.99), an
exponential moving average of G (the shipped weights), style mixing for the style model.

Every `eval_every` steps the EMA generator is scored on 2,000 fresh samples in the probe's feature space
(Fréchet distance against held-out data) and by the probe's reading (class shares, confident share, hue
coverage, background spread). The best few scored checkpoints are kept (`best-<step>.pt`), so a later change
of the ranking rule can still pick among them, and the best one is exported to public/models/<id>/.
`last.pt` (everything, incl. optimiser state and RNG) makes a run cut by --minutes resume exactly.
"""
from __future__ import annotations

import copy
import glob
import json
import os
import shutil
import time

import numpy as np
import torch
import torch.nn.functional as F

from . import data, nets, quality
from .common import (CHECKPOINTS_DIR, EVAL_COUNT, MODELS_DIR, SHAPES_DATA_SEED, progress, save_atomic, seed_everything,
                     write_grid_png, write_json)
from .class_balance import FEATURES as CLASS_FEATURES, ClassBalance, class_reader, class_sizes
from .export import export_graph
from .factor_spread import factor_spread
from .recipes import GANS
from .train_probe import load_probe
from .widen import load_widened

KEEP_BEST = 4


class Generator(torch.nn.Module):
    """G(z) for either kind: a z-space graph, or mapping + synthesis with optional style mixing."""

    def __init__(self, r: dict):
        super().__init__()
        self.r = r
        if r["kind"] == "style":
            gain = r.get("act_gain", 1.0)
            self.mapping = nets.mapping(r["z_dim"], r["w_dim"], r["mapping_layers"], r["mapping_lr_mul"], r["seed"], gain)
            self.synthesis = nets.synthesis(r["w_dim"], r["g_channels"], r["channels"], r["seed"], r.get("skips", False), gain,
                                            r.get("dense_input", False), r.get("upsample", "nearest"))
            self.layers = nets.style_layer_count(r["g_channels"])
        else:
            self.generator = nets.dcgan_generator(r["z_dim"], r["base"], r["g_channels"], r["channels"], r["seed"])

    def forward(self, z, z2=None, cut=None):
        if self.r["kind"] != "style":
            return self.generator(z)
        w = self.mapping(z)
        wplus = w[:, None].repeat(1, self.layers, 1)
        if z2 is not None:
            wplus[:, cut:] = self.mapping(z2)[:, None]
        return self.synthesis(wplus)

    def graphs(self):
        return {"mapping": self.mapping, "synthesis": self.synthesis} if self.r["kind"] == "style" \
            else {"generator": self.generator}


def rank(entry: dict, src: data.Source) -> float:
    """Lower is better: the Fréchet distance, after every checkpoint that covers the classes if it does not
    (the source's floor on the rarest class: shapes and faces 15 %, fashion 4 %)."""
    return entry["fd"] + (1e6 if entry["rarestClass"] < src.class_floor else 0)


@torch.no_grad()
def evaluate(G: Generator, scorer: dict, r: dict, gen: torch.Generator) -> dict:
    G.eval()
    # `eval_count` generated samples against the 2,000 held-out images: with 2,000 the FD of one checkpoint varies by
    # ±3 between draws (shapes-style at 25), enough for the best-ranked checkpoint to be a lucky draw.
    n = r.get("eval_count", EVAL_COUNT)
    z = torch.randn(n, r["z_dim"], generator=gen)
    imgs = torch.cat([G(z[i:i + 500]) for i in range(0, n, 500)])
    feats, head = quality.probe_outputs(scorer["probe"], imgs)
    out = {"fd": quality.frechet_distance(quality.gaussian(feats), scorer["real"]),
           **quality.reading(head, data.SOURCES[r["data"]], scorer["realTargetSd"])}
    return out, imgs


@torch.no_grad()
def discriminator_auc(D, real: torch.Tensor, fake: torch.Tensor) -> float:
    """How well D tells held-out real images from the EMA generator's: the share of (real, fake) pairs it
    scores in the right order (0.5 = blind). A D that R1 has flattened (γ = 1 here: scores within ±0.1,
    AUC 0.63 after 13k steps) gives G no signal about shape."""
    dr, df = D(real).flatten(), D(fake).flatten()
    return float((dr[:, None] > df[None, :]).float().mean())


def spread_text(score: dict) -> str:
    """The eval line's spread figures, where the source has them."""
    if "rarestHueBin" in score:
        return f", rarest hue bin {score['rarestHueBin']:.3f}, bg sd {score['backgroundSd']:.3f}"
    if "minSdRatio" in score:
        return f", min sd ratio {score['minSdRatio']:.2f} ({score['minSdTarget']})"
    return ""


def build(r: dict):
    """G and D of a recipe at their initial weights (a function of the seed and the layer names), and a copy
    of G's initial weights to report how far training moves them."""
    G = Generator(r)
    D = nets.discriminator(r["size"], r["channels"], r["d_width"], r["seed"] + 1000, r.get("d_full_res", False))
    return G, D, {k: v.detach().clone() for k, v in G.named_parameters()}


def weight_motion(G: Generator, start: dict) -> dict:
    """Relative Frobenius change of every kernel from its initial value: how far each network learned."""
    out = {}
    for name, p in G.named_parameters():
        if name.endswith(("kernel", "weight", "affine")):
            s = start[name]
            out[name.replace(".layers.", "/")] = float((p.detach() - s).norm() / s.norm())
    return out


def run_dirs(gid: str, run: str = None):
    """(checkpoint dir, export dir): checkpoints/<id>/ and public/models/<id>/, or for an experiment
    (`--run NAME`) checkpoints/runs/<id>-NAME/ and its export/ subfolder, leaving the shipped model alone."""
    if not run:
        return os.path.join(CHECKPOINTS_DIR, gid), os.path.join(MODELS_DIR, gid)
    ckdir = os.path.join(CHECKPOINTS_DIR, "runs", f"{gid}-{run}")
    return ckdir, os.path.join(ckdir, "export")


def recipe(gid: str, run: str = None, overrides: dict = None) -> dict:
    """The recipe of `gid`, with an experiment's overrides (`--set key=value`, remembered in its
    checkpoint dir as overrides.json so that a resumed run keeps them)."""
    r = dict(GANS[gid])
    if run:
        path = os.path.join(run_dirs(gid, run)[0], "overrides.json")
        saved = {}
        if os.path.exists(path):
            with open(path) as f:
                saved = json.load(f)
        saved.update(overrides or {})
        write_json(path, saved)
        r.update(saved)
    elif overrides:
        raise SystemExit("--set needs --run NAME: the shipped recipe lives in recipes.py")
    return r


def export(r: dict, gid: str, G: Generator, D, state: dict, motion: dict, run: str = None) -> None:
    ckdir, out_dir = run_dirs(gid, run)
    src = data.SOURCES[r["data"]]
    total = 0
    for part, g in G.graphs().items():
        total += export_graph(g, os.path.join(out_dir, part))
    total += export_graph(D, os.path.join(out_dir, "discriminator"))
    best = next(h for h in state["history"] if h["step"] == state["bestStep"])
    manifest = {
        "id": gid, "name": r["name"], "description": r["description"],
        "discriminator": {"path": "discriminator/model.json", "featureLayers": nets.DISCRIMINATOR_FEATURES},
        "output": {"height": r["size"], "width": r["size"], "channels": r["channels"], "range": [-1, 1]},
        **({"factors": src.factors} if src.factors else {}),
        "probe": r["probe"],
        "training": {
            "data": src.description + (f", {r['train_count']:,} images" if src.factors else ""),
            "script": f"npm run train -- {gid}", "trainer": "PyTorch (training/)",
            "steps": state["bestStep"], "seconds": round(best["seconds"]), "batch": r["batch"],
            "trainingScore": {k: best[k] for k in ("fd", "rarestClass", "confident")},
            "weightMotion": motion, "weightBytes": total,
            "recipe": {k: v for k, v in r.items() if k not in ("name", "description")},
        },
        "latent": {"dim": r["z_dim"], "prior": "normal"},
    }
    if r["kind"] == "style":
        manifest["mapping"] = {"path": "mapping/model.json", "wDim": r["w_dim"]}
        manifest["synthesis"] = {"path": "synthesis/model.json", "styleLayers": G.layers, "input": "w+"}
    else:
        manifest["generator"] = {"path": "generator/model.json"}
    # The final quality figure on fresh samples is measured by scripts/docs-models.ts and written there.
    old = os.path.join(out_dir, "manifest.json")
    if os.path.exists(old):
        with open(old) as f:
            prev = json.load(f).get("training", {})
        if prev.get("steps") == state["bestStep"]:
            manifest["training"].update({k: prev[k] for k in ("probeFrechetDistance", "quality") if k in prev})
    write_json(old, manifest)
    untrained = os.path.join(ckdir, "untrained")
    if os.path.isdir(untrained):
        write_json(os.path.join(untrained, "manifest.json"), {
            **{k: v for k, v in manifest.items() if k not in ("discriminator", "training")},
            "id": f"{gid}-untrained", "name": f"{r['name']} (untrained)",
            "training": {"untrained": True, "script": f"npm run train -- {gid}"}})


def export_best(gid: str, step: int = 0, run: str = None) -> None:
    """Export a kept checkpoint again (`best-<step>.pt`; by default the best-ranked one): after a change of
    the ranking rule, or when public/models was overwritten by another run."""
    r = recipe(gid, run)
    ckdir = run_dirs(gid, run)[0]
    ck = torch.load(os.path.join(ckdir, "last.pt"))
    state = ck["state"]
    kept = {int(os.path.basename(f)[5:-3]) for f in glob.glob(os.path.join(ckdir, "best-*.pt"))}
    ranked = [h for h in sorted(state["history"], key=lambda h: rank(h, data.SOURCES[r["data"]])) if h["step"] in kept]
    if not ranked:
        raise SystemExit(f"{gid}: no kept checkpoint (best-*.pt) in {ckdir}")
    chosen = next((h for h in ranked if h["step"] == step), None) if step else ranked[0]
    if chosen is None:
        raise SystemExit(f"{gid}: step {step} is not among the kept checkpoints {sorted(kept)}")
    best = torch.load(os.path.join(ckdir, f"best-{chosen['step']}.pt"))
    G, D, start = build(r)
    G.load_state_dict(best["G_ema"]); D.load_state_dict(best["D"])
    export(r, gid, G, D, {**state, "bestStep": chosen["step"]}, weight_motion(G, start), run)
    print(f"[{gid}] exported kept checkpoint of step {chosen['step']} (FD {chosen['fd']:.2f})", flush=True)


def export_untrained(G: Generator, ckdir: str) -> None:
    """The untrained generator (same seed, same architecture) to <ckdir>/untrained/: the ceiling of docs/models.md
    and the "untrained weights" control of the findings (its manifest is written with the trained model's)."""
    untrained = os.path.join(ckdir, "untrained")
    if os.path.isdir(untrained):
        shutil.rmtree(untrained)
    for part, g in G.graphs().items():
        export_graph(g, os.path.join(untrained, part))


def adopt(gid: str, checkpoint: str, history_file: str = None) -> None:
    """Ship an experiment's kept checkpoint as the bundled model: its EMA generator and D exported to
    public/models/<id>/, the recipe's untrained generator (the docs' ceiling and the findings' control) exported
    anew to checkpoints/<id>/untrained/, and checkpoints/<id>/resume.pt (G and its EMA both from the EMA, D as
    kept, Adam restarting) with history.json, so `npm run train -- <id>` continues from the adopted step.
    The recipe must be the experiment's (same architecture and seed): the weights' motion is measured from the
    recipe's initial weights, which are the experiment's own only then."""
    r = recipe(gid)
    ckdir, _ = run_dirs(gid)
    path = checkpoint if os.path.exists(checkpoint) else os.path.join(CHECKPOINTS_DIR, checkpoint)
    best = torch.load(path)
    G, D, start = build(r)
    # The untrained twin first, from G as built (the recipe's initial weights), before the checkpoint replaces them.
    export_untrained(G, ckdir)
    try:
        G.load_state_dict(best["G_ema"]); D.load_state_dict(best["D"])
    except RuntimeError as e:
        raise SystemExit(f"{gid}: {path} does not fit the recipe in recipes.py (set it to the experiment's first): {e}")
    step = best["score"]["step"]
    history = [best["score"]]
    if history_file:
        with open(history_file) as f:
            history = [h for h in json.load(f) if h["step"] <= step]
        if not any(h["step"] == step for h in history):
            raise SystemExit(f"{gid}: {history_file} has no evaluation at step {step}")
    state = {"step": step, "seconds": best["score"]["seconds"], "history": history, "bestStep": step}
    export(r, gid, G, D, state, weight_motion(G, start))
    gen = torch.Generator().manual_seed(r["seed"] + step)
    save_atomic({"G": G.state_dict(), "D": D.state_dict(), "G_ema": G.state_dict(), "gen": gen.get_state(), "state": state},
                os.path.join(ckdir, "resume.pt"))
    for stale in glob.glob(os.path.join(ckdir, "best-*.pt")) + [os.path.join(ckdir, "last.pt")]:
        if os.path.exists(stale):
            os.remove(stale)
    write_json(os.path.join(ckdir, "history.json"), history)
    score = next(h for h in history if h["step"] == step)
    print(f"[{gid}] adopted {path} (step {step}, training FD {score['fd']:.2f}, rarest class {score['rarestClass']:.3f}): "
          f"exported to public/models/{gid}/, resume.pt and untrained/ rewritten", flush=True)


def write_slim_checkpoint(ckdir: str) -> None:
    """resume.pt: last.pt without Adam's moments, small enough to commit, so a later session on a fresh
    machine can continue (Adam restarts from zero moments there)."""
    ck = torch.load(os.path.join(ckdir, "last.pt"))
    save_atomic({k: ck[k] for k in ("G", "D", "G_ema", "gen", "state")}, os.path.join(ckdir, "resume.pt"))


def stage_of(r: dict, step: int) -> dict:
    """The recipe's settings at `step` (1-based): a recipe with `stages` (a list of {until, lr, d_lr, r1_gamma,
    class_balance, class_confidence, factor_spread, from_best}, the last without `until`) runs each stage's values up to and
    including its `until` step."""
    base = {"lr": r["lr"], "d_lr": r.get("d_lr", r["lr"]), "r1_gamma": r["r1_gamma"], "from_best": False, "index": 0,
            "class_balance": r.get("class_balance", 0), "class_confidence": r.get("class_confidence", 0),
            "factor_spread": r.get("factor_spread", 0)}
    for i, st in enumerate(r.get("stages", [])):
        if st.get("until") is None or step <= st["until"]:
            return {**base, **{k: v for k, v in st.items() if k != "until"}, "index": i}
    return base


def warmup_factor(r: dict, state: dict, step: int) -> float:
    """The learning rates' multiplier at `step`: after Adam restarts from zero moments (a slim resume.pt, `init_from`,
    a stage from the best checkpoint) they ramp up linearly over the recipe's `lr_warmup` steps (default 0: none).
    Why: with β1 = 0 Adam's first bias-corrected update is lr·sign(g) for every weight at once, a jolt the
    restarted runs showed as FD drifting up (faces 41.0 → 43.4, training/README) until the moments settle."""
    n = r.get("lr_warmup", 0)
    since = step - state.get("adamRestart", -n)
    return 1.0 if n <= 0 or since >= n else max(since, 1) / n


def best_kept(ckdir: str, history: list, src: data.Source) -> str:
    """The best-ranked kept checkpoint file of a run."""
    kept = {int(os.path.basename(f)[5:-3]) for f in glob.glob(os.path.join(ckdir, "best-*.pt"))}
    ranked = [h for h in sorted(history, key=lambda h: rank(h, src)) if h["step"] in kept]
    if not ranked:
        raise SystemExit(f"no kept checkpoint in {ckdir} to start the next stage from")
    return os.path.join(ckdir, f"best-{ranked[0]['step']}.pt")


def train_gan(gid: str, minutes: float, max_steps: int, eval_every: int, run: str = None,
              overrides: dict = None) -> None:
    r = recipe(gid, run, overrides)
    src = data.SOURCES[r["data"]]
    seed_everything(r["seed"])
    ckdir = run_dirs(gid, run)[0]
    train = data.load(r["data"], "train", SHAPES_DATA_SEED, r["train_count"], r["size"])
    held = data.load(r["data"], "test", SHAPES_DATA_SEED, EVAL_COUNT, r["size"])
    scorer = {}

    def get_scorer():
        """The probe and the held-out statistics, once the probe has been trained (a GAN may start first;
        until then evaluations are skipped and nothing is exported)."""
        if not scorer and os.path.exists(os.path.join(CHECKPOINTS_DIR, r["probe"], "probe.pt")):
            scorer["probe"] = load_probe(r["probe"])
            feats, head = quality.probe_outputs(scorer["probe"], held.batch(np.arange(EVAL_COUNT)))
            scorer["real"] = quality.gaussian(feats)
            scorer["realTargetSd"] = head[:, src.logits:].std(axis=0)
        return scorer

    G, D, start_weights = build(r)
    G_ema = copy.deepcopy(G).eval()
    for p in G_ema.parameters():
        p.requires_grad_(False)
    # `class_balance` (a weight; 0 = off): G gets a loss toward the data's class shares (class_balance.py). The
    # class is read by a frozen classifier trained first on the real images (`class_balance_reader=classifier`, the
    # one that worked, the default) or by a head on D trained with it (`head`, fooled by G; `class_head` weighs its cross entropy).
    # `class_confidence` (a weight; needs `class_balance`) adds each sample's class entropy under that reader to G's loss.
    balance = None
    if any(st.get("class_balance", 0) > 0 for st in [r] + r.get("stages", [])):
        reader = r.get("class_balance_reader", "classifier")
        classifier = class_reader(train, r, os.path.join(CHECKPOINTS_DIR, "classifiers")) if reader == "classifier" else None
        # One share vector per categorical factor (faces: hair style and glasses), read by one classifier.
        counts = [torch.bincount(torch.from_numpy(train.labels[:, i]), minlength=k) for i, k in enumerate(class_sizes(r))]
        balance = ClassBalance(r["d_width"][-1], counts, r["seed"] + 2000, reader, classifier)
    # `factor_spread` (a weight; 0 = off): G gets a loss matching each continuous factor's batch mean and spread, as
    # frozen regressors read them, to the data's (factor_spread.py).
    spread = None
    if any(st.get("factor_spread", 0) > 0 for st in [r] + r.get("stages", [])):
        spread = factor_spread(train, r, os.path.join(CHECKPOINTS_DIR, "classifiers"))
    d_params = list(D.parameters()) + (list(balance.parameters()) if balance else [])
    g_opt = torch.optim.Adam(G.parameters(), lr=r["lr"], betas=(0.0, 0.99), eps=1e-8)
    d_opt = torch.optim.Adam(d_params, lr=r.get("d_lr", r["lr"]), betas=(0.0, 0.99), eps=1e-8)
    gen = torch.Generator().manual_seed(r["seed"])
    state = {"step": 0, "seconds": 0.0, "history": [], "bestStep": -1}

    def restore_balance(ck: dict) -> None:
        """The balance's running class history (and head), where the checkpoint has them (slim ones do not)."""
        if balance and "class_balance" in ck:
            # Checkpoints written before the reader was unregistered also hold the frozen classifier's weights.
            balance.load_state_dict({k: v for k, v in ck["class_balance"].items() if not k.startswith("classifier.")})

    last, slim = os.path.join(ckdir, "last.pt"), os.path.join(ckdir, "resume.pt")
    if os.path.exists(last) or os.path.exists(slim):
        exact = os.path.exists(last)
        ck = torch.load(last if exact else slim)
        G.load_state_dict(ck["G"]); D.load_state_dict(ck["D"]); G_ema.load_state_dict(ck["G_ema"])
        restore_balance(ck)
        if exact:
            g_opt.load_state_dict(ck["g_opt"]); d_opt.load_state_dict(ck["d_opt"])
        gen.set_state(ck["gen"]); state = ck["state"]
        print(f"[{gid}] resumed at step {state['step']} ({state['seconds'] / 60:.1f} min trained)" +
              ("" if exact else " from the committed slim checkpoint: Adam restarts with zero moments"), flush=True)
        if not exact:
            state["adamRestart"] = state["step"]
    elif r.get("init_from"):
        # A second stage (`--set init_from=runs/<id>-<run>/best-<step>.pt`, or a shipped `<id>/resume.pt`): G and its EMA start from a kept
        # checkpoint's EMA, D from its D, Adam from zero moments; steps count on from that checkpoint's.
        ck = torch.load(os.path.join(CHECKPOINTS_DIR, r["init_from"]))
        if "score" not in ck:
            # A shipped model's resume.pt (`init_from=<id>/resume.pt`): its step and its last evaluation.
            st = ck["state"]
            ck["score"] = {**(st["history"][-1] if st["history"] else {}), "step": st["step"], "seconds": st["seconds"]}
        # A wider synthesis than the checkpoint's (a recipe's g_channels grown) starts as the same function.
        widened = load_widened(G, ck["G_ema"]); load_widened(G_ema, ck["G_ema"]); D.load_state_dict(ck["D"])
        restore_balance(ck)
        if widened:
            print(f"[{gid}] widened from the checkpoint, drawing the same images: {', '.join(widened)}", flush=True)
        state["step"] = ck["score"]["step"]; state["seconds"] = ck["score"]["seconds"]
        state["history"] = [ck["score"]]; state["bestStep"] = ck["score"]["step"]
        state["adamRestart"] = state["step"]
        print(f"[{gid}] from {r['init_from']} (step {state['step']}): a new stage with Adam restarting", flush=True)
    else:
        export_untrained(G, ckdir)
        print(f"[{gid}] from scratch: G {sum(p.numel() for p in G.parameters())} params, "
              f"D {sum(p.numel() for p in D.parameters())} params", flush=True)

    def save():
        save_atomic({"G": G.state_dict(), "D": D.state_dict(), "G_ema": G_ema.state_dict(), "g_opt": g_opt.state_dict(),
                     "d_opt": d_opt.state_dict(), "gen": gen.get_state(), "state": state,
                     **({"class_balance": balance.state_dict()} if balance else {})}, last)

    beta = 0.5 ** (1 / r["ema_half_life"])
    stage = stage_of(r, state["step"] + 1)
    deadline = time.time() + minutes * 60
    started, t0, t_prev = time.time(), state["step"], time.time()
    B = r["batch"]
    while state["step"] < max_steps and time.time() < deadline:
        step = state["step"] + 1
        entering = stage_of(r, step)
        if entering["index"] != stage["index"]:
            # A new stage: its learning rates and γ; with from_best, G, its EMA and D restart from the best kept
            # checkpoint so far (G from its EMA) with Adam's moments at zero.
            if entering["from_best"]:
                ck = torch.load(best_kept(ckdir, state["history"], src))
                G.load_state_dict(ck["G_ema"]); G_ema.load_state_dict(ck["G_ema"]); D.load_state_dict(ck["D"])
                restore_balance(ck)
                g_opt = torch.optim.Adam(G.parameters(), lr=entering["lr"], betas=(0.0, 0.99), eps=1e-8)
                d_opt = torch.optim.Adam(d_params, lr=entering["d_lr"], betas=(0.0, 0.99), eps=1e-8)
                print(f"[{gid}] stage {entering['index'] + 1} from the best kept checkpoint (step {ck['score']['step']})", flush=True)
                state["adamRestart"] = state["step"]
            stage = entering
        warm = warmup_factor(r, state, step)
        for group in g_opt.param_groups:
            group["lr"] = stage["lr"] * warm
        for group in d_opt.param_groups:
            group["lr"] = stage["d_lr"] * warm
        G.train()
        # Discriminator step (with the lazy R1 penalty on real images every r1_every steps).
        idx = torch.randint(len(train), (B,), generator=gen).numpy()
        real = train.batch(idx)
        z = torch.randn(B, r["z_dim"], generator=gen)
        mix = r.get("mixing", 0) > 0 and torch.rand(1, generator=gen).item() < r["mixing"]
        z2 = torch.randn(B, r["z_dim"], generator=gen) if mix else None
        cut = int(torch.randint(1, G.layers, (1,), generator=gen).item()) if mix else None
        with torch.no_grad():
            fake = G(z, z2, cut)
        r1_now = step % r["r1_every"] == 0
        real.requires_grad_(r1_now)
        seen = D.run(real, keep=[CLASS_FEATURES] if balance else None)
        d_real = seen["score"]
        d_loss = F.softplus(D(fake)).mean() + F.softplus(-d_real).mean()
        if balance:
            d_loss = d_loss + r.get("class_head", 1.0) * balance.d_loss(seen[CLASS_FEATURES], torch.from_numpy(train.labels[idx]))
        r1 = torch.zeros(())
        if r1_now:
            grad, = torch.autograd.grad(d_real.sum(), real, create_graph=True)
            r1 = grad.pow(2).sum(dim=(1, 2, 3)).mean()
            d_loss = d_loss + 0.5 * stage["r1_gamma"] * r["r1_every"] * r1
        d_opt.zero_grad(set_to_none=True)
        d_loss.backward()
        d_opt.step()
        # Generator step.
        z = torch.randn(B, r["z_dim"], generator=gen)
        fake = G(z, z2, cut)
        seen = D.run(fake, keep=[CLASS_FEATURES] if balance else None)
        g_loss = F.softplus(-seen["score"]).mean()
        if balance and stage["class_balance"] > 0:
            logits = balance.logits(fake, seen.get(CLASS_FEATURES))
            g_loss = g_loss + stage["class_balance"] * balance.g_loss(logits)
            if stage["class_confidence"] > 0:
                g_loss = g_loss + stage["class_confidence"] * balance.entropy(logits)
        if spread is not None and stage["factor_spread"] > 0:
            g_loss = g_loss + stage["factor_spread"] * spread.g_loss(fake)
        g_opt.zero_grad(set_to_none=True)
        g_loss.backward()
        g_opt.step()
        with torch.no_grad():
            for pe, p in zip(G_ema.parameters(), G.parameters()):
                pe.lerp_(p, 1 - beta)
        state["step"] = step
        now = time.time()
        state["seconds"] += now - t_prev
        t_prev = now
        if step % 200 == 0:
            progress(gid, step, max_steps, started, step - t0, d=d_loss.item(), g=g_loss.item(), r1=r1.item())
        if step % eval_every == 0 and get_scorer():
            score, imgs = evaluate(G_ema, scorer, r, torch.Generator().manual_seed(step))
            score = {"step": step, "seconds": state["seconds"], **score,
                     "dAuc": discriminator_auc(D, held.batch(np.arange(500)), imgs[:500])}
            if balance:
                with torch.no_grad():
                    images = held.batch(np.arange(500))
                    feats = D.run(images, keep=[CLASS_FEATURES])[CLASS_FEATURES]
                score["classHeadAccuracy"] = balance.accuracy(images, feats, torch.from_numpy(held.labels[:500]))
                score["classHistory"] = [round(float(v), 3) for v in balance.history]
            write_grid_png(os.path.join(ckdir, "samples-last.png"), imgs[:64], cols=8, scale=3)
            state["history"].append(score)
            print(f"[{gid}] eval @ {step}: FD {score['fd']:.2f}, rarest class {score['rarestClass']:.3f}, "
                  f"confident {score['confident']:.3f}, D AUC {score['dAuc']:.2f}" + spread_text(score) +
                  (f", class head {score['classHeadAccuracy']:.2f}, its running shares {score['classHistory']}" if balance else ""), flush=True)
            ranked = sorted(state["history"], key=lambda h: rank(h, src))
            keep = {h["step"] for h in ranked[:KEEP_BEST]}
            if step in keep:
                save_atomic({"G_ema": G_ema.state_dict(), "D": D.state_dict(), "score": score,
                             **({"class_balance": balance.state_dict()} if balance else {})}, os.path.join(ckdir, f"best-{step}.pt"))
            for f in glob.glob(os.path.join(ckdir, "best-*.pt")):
                if int(os.path.basename(f)[5:-3]) not in keep:
                    os.remove(f)
            if ranked[0]["step"] == step:
                state["bestStep"] = step
                export(r, gid, G_ema, D, state, weight_motion(G_ema, start_weights), run)
                print(f"[{gid}] exported step {step}", flush=True)
            write_json(os.path.join(ckdir, "history.json"), state["history"])
        if step % eval_every == 0:
            save()
    save()
    write_slim_checkpoint(ckdir)
    print(f"[{gid}] stopped at step {state['step']} ({state['seconds'] / 60:.1f} min); best step {state['bestStep']}", flush=True)
