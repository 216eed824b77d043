/**
 * score: the factor alignment table (src/geometry/factorScore.ts) of the shapes and faces models — for each
 * basis, its top K directions at S positions, read through the model's probe: how much each factor (shapes:
 * x, y, scale, rotation, hue, background; faces: roll, width, skin, …, smile, light) moves per unit of RMS
 * image change, and how purely.
 */
import * as tf from '@tensorflow/tfjs';
import { anchorDistance } from '../../src/distance';
import { directionalRates, factorGroupsOf, factorRates, responseForward, scoreDirections, type FactorGroup, type FactorScore } from '../../src/geometry/factorScore';
import type { Generator } from '../../src/model/generator';
import { probeTargets, type Probe } from '../../src/model/probe';
import { probeOf } from './search';
import { BASES, basesFor, checkBasis, directionsAt, LOCAL_BASES, maxDirections, type BasisName } from './bases';
import { defaultSpace, latentFor, openModel, seedRange, UsageError, weightsHash, type Opts } from './common';

export interface ScoreOptions {
  bases?: BasisName[];
  /** Positions: seeds seed … seed + seeds − 1. */
  seeds: number;
  seed: number;
  /** Directions per basis. */
  top: number;
  space: 'z' | 'w';
  averageSamples?: number;
  method?: 'exact' | 'fd';
  onProgress?: (done: number, total: number) => void;
}

export interface MethodScore extends FactorScore {
  basis: BasisName;
  notes: string[];
}

export interface ScoreStudy {
  model: string;
  /** sha256 prefix of the weights (see common.weightsHash). */
  weights: string;
  probe: string;
  space: 'z' | 'w';
  distance: 'mse';
  seeds: number[];
  top: number;
  factors: string[];
  methods: MethodScore[];
  /** Per factor: the basis with the highest clarity, and that clarity. */
  best: Record<string, { basis: BasisName; clarity: number }>;
  ms: number;
}

/** The model's probe (read as the app reads it: images mapped to the probe's input range) and its factors. */
export interface ScoreProbe {
  probe: Probe;
  targets: string[];
  groups: readonly FactorGroup[];
}

export async function openProbe(g: Generator): Promise<ScoreProbe> {
  if (!g.manifest.probe) throw new UsageError(`score needs a model with a factor probe; ${g.manifest.id} has none`);
  const probe = await probeOf(g);
  const { targets } = probe.manifest.layout;
  const groups = factorGroupsOf(targets);
  if (!groups) {
    probe.dispose();
    throw new UsageError(`score needs a probe that reads factors; probe ${probe.manifest.id} of ${g.manifest.id} only classifies`);
  }
  return { probe, targets, groups };
}

export async function scoreStudy(g: Generator, o: ScoreOptions): Promise<ScoreStudy> {
  const t0 = performance.now();
  const bases = o.bases ?? basesFor(g, o.space);
  for (const b of bases) {
    checkBasis(g, b, o.space);
    const kMax = maxDirections(g, b, o.space);
    if (o.top > kMax) throw new UsageError(`--top ${o.top} is more than basis ${b} has (${kMax})`);
  }
  const probe = await openProbe(g);
  const ctx = { g, space: o.space, distance: 'mse' as const, k: o.top, averageSamples: o.averageSamples ?? 8, averageSeed: 1000 };
  const cache = new Map<string, unknown>();
  const seeds = seedRange(o.seed, o.seeds);
  const perSeed = new Map<BasisName, Float64Array[]>(bases.map((b) => [b, []]));
  const notes = new Map<BasisName, string[]>();
  const targets = probeTargets(probe.probe);
  const readout = (img: tf.Tensor) => targets.read(img as tf.Tensor4D);
  try {
    for (const [i, seed] of seeds.entries()) {
      const x0 = latentFor(g, [seed], o.space);
      const images0 = tf.tidy(() => g.generate(x0, o.space));
      const dist = anchorDistance('mse', g, images0);
      try {
        const maps = {
          render: (x: tf.Tensor) => g.generate(x, o.space), imageFeatures: (img: tf.Tensor) => dist.features(img as tf.Tensor4D), readout,
          // Exact derivatives by forward mode, as the app's slider labels take them (fd needs no tangents).
          ...(o.method === 'fd' ? {} : { forward: responseForward(g, o.space, dist, targets.pushForward) }),
        };
        for (const b of bases) {
          const d = await directionsAt(ctx, b, seed, cache);
          if (!notes.has(b)) notes.set(b, d.notes);
          const rates = await directionalRates(maps, x0, d.directions.subarray(0, o.top * d.n), { method: o.method });
          perSeed.get(b)!.push(factorRates(rates, probe.targets, probe.groups));
        }
      } finally {
        dist.dispose();
        tf.dispose([x0, images0]);
      }
      o.onProgress?.(i + 1, seeds.length);
    }
  } finally {
    probe.probe.dispose();
  }
  const factors = probe.groups.map((f) => f.name);
  const methods: MethodScore[] = bases.map((b) => ({ basis: b, notes: LOCAL_BASES.includes(b) ? [`computed at each seed`] : notes.get(b)!, ...scoreDirections(perSeed.get(b)!, o.top, factors) }));
  const best: ScoreStudy['best'] = {};
  factors.forEach((f, j) => {
    let top = methods[0];
    for (const m of methods) if (m.clarity[j] > top.clarity[j]) top = m;
    best[f] = { basis: top.basis, clarity: top.clarity[j] };
  });
  return { model: g.manifest.id, weights: weightsHash(g), probe: probe.probe.manifest.id, space: o.space, distance: 'mse', seeds, top: o.top, factors, methods, best, ms: performance.now() - t0 };
}

export async function score(opts: Opts) {
  const seeds = opts.int('seeds', 4, [1, 1000]);
  const seed = opts.int('seed', 100);
  const top = opts.int('top', 5, [1, 1000]);
  const averageSamples = opts.int('samples', 8, [1, 1000]);
  const method = opts.choice('method', ['exact', 'fd'] as const, 'exact');
  const bases = opts.has('basis') ? opts.list('basis', BASES, []) : undefined;
  const g = await openModel(opts);
  try {
    const space = opts.choice('space', ['z', 'w'] as const, defaultSpace(g));
    return await scoreStudy(g, { bases, seeds, seed, top, space, averageSamples, method });
  } finally {
    g.dispose();
  }
}
