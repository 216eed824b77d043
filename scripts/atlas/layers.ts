/**
 * layers: style models — which style layer range (coarse, middle, fine) holds which factor, read through the
 * model's probe (src/geometry/layerFactors.ts): per factor, its share of the Jacobian energy in each range, beside
 * each range's share of all image change (the control), averaged over S positions.
 */
import * as tf from '@tensorflow/tfjs';
import { anchorDistance } from '../../src/distance';
import { layerShares, rangeEnergiesAt, type LayerShares, type RangeEnergy } from '../../src/geometry/layerFactors';
import type { Generator } from '../../src/model/generator';
import { probeTargets } from '../../src/model/probe';
import { latentFor, openModel, seedRange, UsageError, weightsHash, type Opts } from './common';
import { openProbe } from './score';

export interface LayerStudy extends LayerShares {
  model: string;
  weights: string;
  probe: string;
  seeds: number[];
  styleLayers: number;
  /** The style inputs [start, end) of each range. */
  ranges: Record<string, [number, number]>;
  factors: string[];
  /** The energies at each seed, ranges in coarse, middle, fine order. */
  perSeed: RangeEnergy[][];
  ms: number;
}

export async function layerStudy(g: Generator, o: { seeds: number; seed: number; onProgress?: (done: number, total: number) => void }): Promise<LayerStudy> {
  const t0 = performance.now();
  if (!g.isStyleBased || !g.styleLayers || g.styleLayers < 3) throw new UsageError(`layers splits a style model's W+ input into ranges; ${g.manifest.id} has none`);
  const probe = await openProbe(g);
  const read = { names: probe.targets, ...probeTargets(probe.probe) };
  const seeds = seedRange(o.seed, o.seeds);
  const perSeed: RangeEnergy[][] = [];
  try {
    for (const [i, seed] of seeds.entries()) {
      const x0 = latentFor(g, [seed], 'wplus');
      const image0 = tf.tidy(() => g.generate(x0, 'wplus') as tf.Tensor4D);
      const dist = anchorDistance('mse', g, image0);
      try {
        perSeed.push(await rangeEnergiesAt(g, x0, dist, read, probe.groups));
      } finally {
        dist.dispose();
        tf.dispose([x0, image0]);
      }
      o.onProgress?.(i + 1, seeds.length);
    }
  } finally {
    probe.probe.dispose();
  }
  const factors = probe.groups.map((f) => f.name);
  return {
    model: g.manifest.id, weights: weightsHash(g), probe: probe.probe.manifest.id, seeds, styleLayers: g.styleLayers,
    ranges: Object.fromEntries(perSeed[0].map((r) => [r.range, r.layers])), factors, ...layerShares(perSeed, factors), perSeed,
    ms: performance.now() - t0,
  };
}

export async function layers(opts: Opts) {
  const seeds = opts.int('seeds', 4, [1, 1000]);
  const seed = opts.int('seed', 100);
  const g = await openModel(opts);
  try {
    return await layerStudy(g, { seeds, seed });
  } finally {
    g.dispose();
  }
}
