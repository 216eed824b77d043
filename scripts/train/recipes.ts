/**
 * The training recipes of every bundled model: architecture, data, optimiser settings, step budget.
 * `npm run train -- <id>` reads them; the numbers here are what the committed weights were trained with.
 */
import type { DcganSpec, StyleSpec } from './architectures';

export type DataSource = 'shapes' | 'fashion';

interface GanBase {
  id: string;
  name: string;
  description: string;
  data: DataSource;
  size: number;
  channels: number;
  /** Discriminator widths per resolution (4 entries). */
  dWidth: number[];
  batch: number;
  steps: number;
  lr: number;
  /** R1 penalty weight γ (applied lazily every `r1Every` steps, scaled by that interval). */
  r1Gamma: number;
  r1Every: number;
  emaHalfLifeSteps: number;
  seed: number;
  probe: string;
  /**
   * Encoder anchoring (VAE-GAN, see anchor.ts): a training-only encoder, and G also reconstructs every
   * real image from its posterior sample, with `reconstruction` = 1/(2σ_x²) on the mean squared error.
   * Absent: a pure GAN. (A mean-L1 reconstruction was tried first: its median optimum is the plain
   * background, and after 1,000 steps G reconstructed the background only.)
   */
  anchor?: { reconstruction: number };
}

export interface StyleRecipe extends GanBase {
  kind: 'style';
  spec: StyleSpec;
  /** Probability of style mixing (two w's with a random crossover layer) per batch. */
  mixing: number;
}

export interface DcganRecipe extends GanBase {
  kind: 'dcgan';
  spec: DcganSpec;
}

export type GanRecipe = StyleRecipe | DcganRecipe;

export interface ProbeRecipe {
  id: string;
  name: string;
  description: string;
  data: DataSource;
  size: number;
  channels: number;
  outputs: number;
  batch: number;
  steps: number;
  lr: number;
  seed: number;
}

export const GAN_RECIPES: Record<string, GanRecipe> = {
  'shapes-style': {
    id: 'shapes-style',
    kind: 'style',
    name: 'Shapes, style-based',
    description: 'StyleGAN-lite on procedurally rendered shapes (32×32): 4-layer mapping z(32)→w(64), ' +
      'modulated convolutions at 4, 8, 16 and 32 px (8 style inputs: W and W+).',
    data: 'shapes',
    size: 32,
    channels: 3,
    spec: { zDim: 32, wDim: 64, mappingLayers: 4, channels: [64, 48, 32, 16], outChannels: 3 },
    dWidth: [16, 32, 64, 64],
    batch: 16,
    steps: 12000,
    lr: 0.001,
    // γ 1, not the DCGAN's 0.1: an earlier anchored run with γ 0.1 oscillated and collapsed. This one is
    // steadier but still swings (probe FD 56 at its best step 1750, 158–198 after it).
    r1Gamma: 1,
    r1Every: 4,
    emaHalfLifeSteps: 500,
    mixing: 0.5,
    seed: 11,
    probe: 'shapes-probe',
    anchor: { reconstruction: 50 },
  },
  'shapes-dcgan': {
    id: 'shapes-dcgan',
    kind: 'dcgan',
    name: 'Shapes, DCGAN',
    description: 'z-space DCGAN (upsample + 3×3 conv, pixel norm) on procedurally rendered shapes (32×32), ' +
      'Normal prior, 64-d latent.',
    data: 'shapes',
    size: 32,
    channels: 3,
    spec: { zDim: 64, baseSize: 4, channels: [64, 48, 32, 16], outChannels: 3 },
    dWidth: [16, 32, 64, 64],
    batch: 16,
    steps: 12000,
    lr: 0.001,
    r1Gamma: 0.1,
    r1Every: 4,
    emaHalfLifeSteps: 500,
    seed: 12,
    probe: 'shapes-probe',
    anchor: { reconstruction: 50 },
  },
  'fashion-dcgan': {
    id: 'fashion-dcgan',
    kind: 'dcgan',
    name: 'Fashion-MNIST, DCGAN',
    description: 'z-space DCGAN on Fashion-MNIST (28×28 grey), Normal prior, 64-d latent.',
    data: 'fashion',
    size: 28,
    channels: 1,
    spec: { zDim: 64, baseSize: 7, channels: [64, 32, 16], outChannels: 1 },
    dWidth: [16, 32, 64, 64],
    batch: 16,
    steps: 12000,
    lr: 0.002,
    r1Gamma: 1,
    r1Every: 4,
    emaHalfLifeSteps: 500,
    seed: 13,
    probe: 'fashion-probe',
  },
};

export const PROBE_RECIPES: Record<string, ProbeRecipe> = {
  'shapes-probe': {
    id: 'shapes-probe',
    name: 'Shapes factor probe',
    description: 'CNN predicting the shape class (4 logits) and 8 factor targets (x, y, scale, ' +
      'cos/sin of symmetric rotation, cos/sin of hue, background) of a 32×32 shapes image.',
    data: 'shapes',
    size: 32,
    channels: 3,
    outputs: 12,
    batch: 64,
    steps: 1500,
    lr: 0.001,
    seed: 21,
  },
  'fashion-probe': {
    id: 'fashion-probe',
    name: 'Fashion-MNIST classifier probe',
    description: 'CNN classifying Fashion-MNIST into its 10 classes.',
    data: 'fashion',
    size: 28,
    channels: 1,
    outputs: 10,
    batch: 64,
    steps: 1000,
    lr: 0.001,
    seed: 22,
  },
};
