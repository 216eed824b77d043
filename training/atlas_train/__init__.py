"""Latent Atlas training: the bundled GANs and probes in PyTorch (CPU), exported to TF.js. See ../README.md."""
