#!/usr/bin/env python3
"""`npm run train -- <id> [--minutes M] [--steps N] [--eval-every K] [--threads T]`

Trains one bundled GAN or probe in PyTorch on the CPU and exports it to public/models/ (TF.js layers
format). GANs resume from checkpoints/<id>/last.pt; a probe trains in one go (a few minutes).
Runs with Debian's python3 and python3-torch (apt-get install -y python3-torch).
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from atlas_train.recipes import GANS, PROBES  # noqa: E402


def set_value(text: str):
    """A --set value: JSON when it parses (numbers, lists, true, []), else the text itself — so a path needs no
    shell-proof quoting (the shell strips `init_from="a/b.pt"` to `init_from=a/b.pt`)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def main() -> int:
    ids = [*PROBES, *GANS]
    p = argparse.ArgumentParser(prog="npm run train --", description=__doc__.split("\n\n")[1])
    p.add_argument("id", choices=ids)
    p.add_argument("--minutes", type=float, default=60, help="wall-clock budget of this run (GANs)")
    p.add_argument("--steps", type=int, default=200_000, help="stop at this total step (GANs)")
    p.add_argument("--eval-every", type=int, default=1000, help="score and maybe export every K steps (GANs)")
    p.add_argument("--export-best", type=int, nargs="?", const=0, metavar="STEP",
                   help="GANs: only export a kept checkpoint (the best-ranked, or best-STEP.pt) to public/models")
    p.add_argument("--adopt", metavar="CHECKPOINT",
                   help="GANs: ship a kept checkpoint of an experiment (checkpoints/runs/<id>-NAME/best-STEP.pt, or a committed "
                   "one) as the bundled model: export it and the recipe's untrained twin, and make it checkpoints/<id>/resume.pt; "
                   "the recipe in recipes.py must already be the experiment's (--history: that run's history.json)")
    p.add_argument("--history", metavar="FILE", help="with --adopt: the experiment's history.json (kept up to the adopted step)")
    p.add_argument("--run", metavar="NAME", help="GANs: an experiment, trained into checkpoints/runs/<id>-NAME/ "
                   "and exported there (public/models untouched)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="with --run: override a recipe value (VALUE as JSON, e.g. r1_gamma=0.1 g_channels=[96,64,32,32]; "
                   "a VALUE that is not JSON, such as a path, is taken as a string)")
    p.add_argument("--threads", type=int, default=torch.get_num_threads(), help="PyTorch CPU threads")
    a = p.parse_args()
    overrides = {k: set_value(v) for k, v in (kv.split("=", 1) for kv in a.set)}
    torch.set_num_threads(a.threads)
    if a.id in PROBES:
        from atlas_train.train_probe import train_probe
        train_probe(a.id)
    elif a.adopt is not None:
        from atlas_train.train_gan import adopt
        adopt(a.id, a.adopt, a.history)
    elif a.export_best is not None:
        from atlas_train.train_gan import export_best
        export_best(a.id, a.export_best, a.run)
    else:
        from atlas_train.train_gan import train_gan
        train_gan(a.id, a.minutes, a.steps, a.eval_every, a.run, overrides)
    return 0


if __name__ == "__main__":
    sys.exit(main())
