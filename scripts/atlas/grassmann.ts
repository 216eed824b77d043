/**
 * grassmann: Choi et al.'s Fig. 8 on a style model, through src/geometry/grassmann.ts (the study the app's
 * atlas sweep runs): projection and geodesic distances on Gr(k, W) between Local Bases at close and random
 * positions, to the global GANSpace and SeFa bases, and between random frames, for k = 1 … --k-max.
 */
import { grassmannStudy as study, type GrassmannStudy as Study } from '../../src/geometry/grassmann';
import type { Generator } from '../../src/model/generator';
import { openModel, UsageError, weightsHash, type Opts } from './common';


export interface GrassmannStudy extends Study {
  model: string;
  /** sha256 prefix of the weights (see common.weightsHash). */
  weights: string;
  ms: number;
}

export interface GrassmannOptions {
  samples: number;
  seed: number;
  /** ‖z − z′‖ of the close pairs. Default 0.1. */
  closeDistance?: number;
  /** Largest subspace dimension (default min(dZ, dW)). */
  kMax?: number;
}

export async function grassmannStudy(g: Generator, o: GrassmannOptions): Promise<GrassmannStudy> {
  if (!g.isStyleBased) throw new UsageError(`grassmann needs a style model (Local Basis of a mapping network); ${g.manifest.id} is a z-space generator`);
  const r = Math.min(g.zDim, g.wDim!);
  const kMax = o.kMax ?? r;
  if (!(Number.isInteger(kMax) && kMax >= 1 && kMax <= r)) throw new UsageError(`--k-max must be between 1 and ${r} (the Local Basis has min(dZ, dW) = ${r} directions)`);
  const t0 = performance.now();
  const s = await study(g, { samples: o.samples, seed: o.seed, closeDistance: o.closeDistance, ks: Array.from({ length: kMax }, (_, i) => i + 1) });
  return { model: g.manifest.id, weights: weightsHash(g), ...s, ms: performance.now() - t0 };
}

export async function grassmann(opts: Opts) {
  const samples = opts.int('samples', undefined, [1, 10_000]);
  const seed = opts.int('seed', 0);
  const closeDistance = opts.num('close', 0.1, [1e-6, 100]);
  const kMax = opts.has('k-max') ? opts.int('k-max') : undefined;
  const g = await openModel(opts);
  try {
    return await grassmannStudy(g, { samples, seed, closeDistance, kMax });
  } finally {
    g.dispose();
  }
}
