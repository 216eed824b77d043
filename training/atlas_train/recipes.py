"""The recipes of every bundled model: architecture, data, optimiser, budget. `npm run train -- <id>` reads
them; the numbers here are what the committed weights were trained with (their manifests record steps)."""

GANS = {
    "shapes-style": dict(
        kind="style", name="Shapes, style-based",
        description="StyleGAN-lite on procedurally rendered shapes (32×32): 4-layer mapping z(32)→w(64), "
                    "modulated convolutions at 4, 8, 16 and 32 px (8 style inputs: W and W+).",
        data="shapes", size=32, channels=3, z_dim=32, w_dim=64, mapping_layers=4,
        # StyleGAN's √2 after every leaky ReLU (at gain 1 the synthesis drew images of sd 0.04 at initialisation).
        act_gain=1.4142135623730951,
        # The shapes-dcgan stage-1 objective — a full-resolution D, R1 γ 0.1, D learning twice as fast — is the
        # first that took this model below the shipped weights' FD (run k9: 51 at 3k and 6k steps; with γ 1 the
        # runs k4–k8 stayed at 90–270; training/README). Mapping lr multiplier 0.1, as the faces model.
        # G's channels at 4/8/16/32 px: 128/96/64/32 (run w1) instead of 96/64/32/16 (k9): the same two stages reached a
        # training FD of 20.6 at 18k steps against 25.2 (24.7 mean over five fresh 2,000-sample draws; training/README).
        mapping_lr_mul=0.1, g_channels=[128, 96, 64, 32], d_width=[16, 32, 64, 96], d_full_res=True,
        # Bilinear ×2 upsampling (run b1): the same stage-1 FD as nearest (26.9 against 28.0 at 9k) with fewer ragged edges.
        upsample="bilinear",
        # k9 peaked at 9–11k steps (FD 27.6–30.3) and drifted up after, as the DCGAN's stage 1 did, so the
        # DCGAN's second stage follows: from the best kept checkpoint at a quarter of the rates, γ doubled —
        # and with the class balance (class_balance.py, a frozen classifier reading the class): every stage 2
        # without it stayed at training FD 21–27 with half the samples "hearts"; with it (run cb2) 10.4–14, classes
        # 20–34 %, and 13.9 on fresh samples against the previous weights' 24.3 (training/README).
        batch=16, r1_every=4, ema_half_life=500, mixing=0.9,
        lr=0.0005, d_lr=0.001, r1_gamma=0.2, class_balance=1.0, class_balance_reader="classifier",
        stages=[dict(until=12_000, lr=0.002, d_lr=0.004, r1_gamma=0.1, class_balance=0.0),
                dict(lr=0.0005, d_lr=0.001, r1_gamma=0.2, from_best=True)],
        seed=11, probe="shapes-probe", train_count=150_000),
    "shapes-dcgan": dict(
        kind="dcgan", name="Shapes, DCGAN",
        description="z-space DCGAN (upsample + 3×3 conv, pixel norm; z not normalised) on procedurally "
                    "rendered shapes (32×32), Normal prior, 64-d latent.",
        data="shapes", size=32, channels=3, z_dim=64, base=4, g_channels=[96, 64, 32, 16],
        # D sees full resolution (a 3×3 conv after fromRGB) and learns twice as fast as G (TTUR) with a light R1:
        # with γ = 1 and no full-resolution conv this small D was nearly blind to corners (AUC 0.57; README).
        # That recipe peaks near 12k steps and then drifts, so a second stage restarts from its best checkpoint
        # at a quarter of the learning rates and double the γ (training/README, "This round").
        # A third stage adds the class balance (class_balance.py): the shipped weights are run cbd1, which started
        # at step 20k from the stage-2 EMA with Adam at zero moments and the rates ramped over 500 steps
        # (`init_from`, `lr_warmup`); from scratch this recipe continues stage 2's optimiser instead.
        d_width=[16, 32, 64, 96], d_full_res=True, batch=16, r1_every=4, ema_half_life=500,
        lr=0.0005, d_lr=0.001, r1_gamma=0.2, class_balance=1.0, class_balance_reader="classifier",
        stages=[dict(until=12_000, lr=0.002, d_lr=0.004, r1_gamma=0.1, class_balance=0.0),
                dict(until=20_000, lr=0.0005, d_lr=0.001, r1_gamma=0.2, class_balance=0.0, from_best=True),
                dict(lr=0.0005, d_lr=0.001, r1_gamma=0.2)],
        seed=12, probe="shapes-probe", train_count=150_000),
    "fashion-dcgan": dict(
        kind="dcgan", name="Fashion-MNIST, DCGAN",
        description="z-space DCGAN on Fashion-MNIST (28×28 grey; z not normalised), Normal prior, 64-d latent.",
        data="fashion", size=28, channels=1, z_dim=64, base=7, g_channels=[96, 64, 32],
        d_width=[16, 32, 64, 96], batch=16, r1_gamma=1.0, r1_every=4, ema_half_life=500,
        # Stage 1 (lr 0.002) gave training FD 8.4 at 16k steps; a second stage at a quarter of the rates with the
        # class balance took it to 3.95 by 50k and 2.6 by 80k (training/README, 2026-12-03). The balance reads the
        # class with an ensemble of three frozen classifiers: with one (run fb1, 16.5k–36k) G drew fewer shirts (4.3 %
        # by the probe) while that classifier still read 10 %; with three (run fb2, from fb1's 36k) 7–8 %. The shipped
        # weights are run fb3's step 80k, reached through fb1 and fb2 (`init_from`, `lr_warmup=500`, Adam restarting
        # at each); from scratch this recipe runs the same stages with the ensemble throughout.
        lr=0.0005, d_lr=0.0005, class_balance=1.0, class_balance_reader="classifier", class_balance_readers=3,
        stages=[dict(until=16_000, lr=0.002, d_lr=0.002, r1_gamma=1.0, class_balance=0.0),
                dict(lr=0.0005, d_lr=0.0005, r1_gamma=1.0, class_balance=1.0)],
        seed=13, probe="fashion-probe", train_count=60_000),
    "faces-style": dict(
        kind="style", name="Faces, style-based",
        description="StyleGAN-lite on procedurally rendered cartoon faces (64×64): 4-layer mapping z(64)→w(128), "
                    "modulated convolutions at 4–64 px with leaky ReLU gain √2, 10 style inputs: coarse 0–2 (4–8 px), "
                    "middle 3–6 (16–32 px), fine 7–9 (64 px).",
        data="faces", size=64, channels=3, z_dim=64, w_dim=128, mapping_layers=4,
        # StyleGAN's √2 after every leaky ReLU: without it the signal shrinks ~0.7× per layer (the shapes-style
        # synthesis drew images of sd 0.04 and w varied by 0.16 across z at initialisation; training/README).
        act_gain=1.4142135623730951,
        # StyleGAN's mapping lr multiplier 0.01 keeps the mapping from collapsing W while G is still poor (the
        # shapes-style runs at 0.3 collapsed without style mixing); 0.1 lets it still learn within ~1M images.
        mapping_lr_mul=0.1, g_channels=[128, 96, 64, 32, 16], d_width=[16, 32, 64, 96, 128], d_full_res=True,
        # R1 γ 1 (not StyleGAN2's 0.05 for 64 px at batch 16): at γ 0.1 this D separated real from fake perfectly
        # (AUC 0.97–1.00) and G collapsed onto one face layout (glasses, one hair shape, one pose; FD 228 at 5k
        # steps); at γ 1 the samples kept every hair style and FD fell to 177 by 2k steps (training/README).
        batch=16, lr=0.0005, r1_gamma=1.0, r1_every=4, ema_half_life=500, mixing=0.9,
        # Bilinear upsampling and a second stage at a quarter of the rates with the class balance on hair style and
        # glasses, read by three frozen classifiers (500 steps of batch 32 each: these classes are easy, loss < 0.01).
        # The shipped weights came in three runs (training/README, 2026-12-03): 17,451 steps with nearest upsampling
        # at lr 0.002; run bl1 swapped in bilinear upsampling (same weights) and trained to 28k; run fcb1 from there
        # with the balance to 30k (`init_from`, `lr_warmup=500`). From scratch this recipe is bilinear throughout.
        upsample="bilinear", d_lr=0.0005, class_balance=1.0, class_balance_reader="classifier",
        class_balance_readers=3, class_balance_reader_steps=500, class_balance_reader_batch=32,
        stages=[dict(until=28_000, lr=0.002, d_lr=0.002, r1_gamma=1.0, class_balance=0.0),
                dict(lr=0.0005, d_lr=0.0005, r1_gamma=1.0, class_balance=1.0)],
        seed=14, probe="faces-probe", train_count=100_000),
}

PROBES = {
    "shapes-probe": dict(
        name="Shapes factor probe",
        description="CNN predicting the shape class (4 logits) and 8 factor targets (x, y, scale, cos/sin of "
                    "symmetric rotation, cos/sin of hue, background) of a 32×32 shapes image.",
        data="shapes", size=32, channels=3, batch=64, steps=2500, lr=0.001, seed=21,
        train_count=150_000),
    "faces-probe": dict(
        name="Faces factor probe",
        description="CNN predicting hair style (4 logits), glasses (3 logits) and 15 factor targets (roll, width, "
                    "skin, cos/sin of hair hue, hair lightness, eye openness, eye spacing, gaze, smile, mouth "
                    "openness, brow height, cos/sin of background hue, light side) of a 64×64 faces image.",
        data="faces", size=64, channels=3, widths=[16, 32, 64, 64], batch=32, steps=5000, decay_at=4000,
        lr=0.001, seed=23, train_count=100_000),
    "fashion-probe": dict(
        name="Fashion-MNIST classifier probe", description="CNN classifying Fashion-MNIST into its 10 classes.",
        data="fashion", size=28, channels=1, batch=64, steps=2000, lr=0.001, seed=22,
        train_count=60_000),
}
