/**
 * The CLI's bases: a thin adapter over src/geometry/bases.ts, the code the app's job worker runs, so a
 * basis here is the basis of the app's view with the same model, seed, space, kind, distance and k.
 *
 *   atlas basis --model M --seed S --kind metric|local|average|ganspace|sefa|random [--space z|w] [--k K]
 *               [--distance mse|ssim|perceptual]
 *   atlas basis --from FILE --seed S [--model M] [--space z|w] [--k K] [--distance D]
 *               (directions from a file, read as the app's Load directions… reads it: kind 'imported')
 *   → {model, kind, space, seed, distance, z, w?, directions (k × n unit rows), values, valueName, rates, notes}
 *
 * score and traverse use directionsAt (the same directions, without rates). Global bases (average,
 * ganspace, sefa, random) go into the caller's cache and are reused across positions, as in the app.
 */
import { BASIS_KINDS, basisDirections, computeBasisAt, DEFAULT_AVERAGE_SAMPLES, GLOBAL_DIRECTIONS, unsupported, type BasisKind } from '../../src/geometry/bases';
import { DISTANCES, type DistanceName } from '../../src/distance';
import type { Generator } from '../../src/model/generator';
import fs from 'node:fs';
import { npyBytes } from '../../src/util/npy';
import { basisArrays } from '../../src/export/basisFiles';
import { readDirectionsFile } from '../../src/export/directionsFile';
import { importDirections, type ImportedDirections } from '../../src/state/importedBasis';
import type { SliderBasisKind } from '../../src/state/vocabulary';
import { openModel, openModelSpec, rows, UsageError, type Opts } from './common';

export const BASES = BASIS_KINDS;
export type BasisName = BasisKind;
/** Bases computed anew at each position. */
export const LOCAL_BASES: readonly BasisName[] = ['metric', 'local'];

export interface Directions {
  basis: BasisName;
  space: 'z' | 'w';
  n: number;
  k: number;
  /** k×n unit rows, most important first, signs canonical. */
  directions: Float64Array;
  values: number[];
  notes: string[];
}

export interface BasisContext {
  g: Generator;
  space: 'z' | 'w';
  distance: DistanceName;
  /** Directions wanted (the top k). */
  k: number;
  /** average: positions averaged, from the prior samples of `averageSeed` (kept apart from evaluation seeds). */
  averageSamples: number;
  averageSeed: number;
}

/** The bases a model supports in a space (the default list of `score`), random last. */
export function basesFor(g: Generator, space: 'z' | 'w'): BasisName[] {
  return BASES.filter((b) => unsupported(g, b, space) === null);
}

export function checkBasis(g: Generator, basis: SliderBasisKind, space: 'z' | 'w'): void {
  const why = unsupported(g, basis, space);
  if (why) throw new UsageError(`${g.manifest.id}: ${why}`);
}

/** Largest k a basis can give. */
export function maxDirections(g: Generator, basis: BasisName, space: 'z' | 'w'): number {
  const n = space === 'z' ? g.zDim : g.wDim!;
  return basis === 'local' ? Math.min(g.zDim, g.wDim!) : LOCAL_BASES.includes(basis) || basis === 'random' ? n : Math.min(n, GLOBAL_DIRECTIONS);
}

/** Directions of any basis at the prior sample of `seed`; global ones come from (and go into) `cache`. */
export async function directionsAt(ctx: BasisContext, basis: BasisName, seed: number, cache: Map<string, unknown>): Promise<Directions> {
  const { g, space } = ctx;
  checkBasis(g, basis, space);
  // The random basis's seed is the basis seed (fixed), not the position: one global control basis.
  const basisSeed = basis === 'average' ? ctx.averageSeed : 0;
  const d = await basisDirections(g, { kind: basis, basisSpace: space, distance: ctx.distance, z: g.samplePrior(seed, 1), k: ctx.k, seed: basisSeed, samples: ctx.averageSamples }, undefined, cache, { spectrum: false });
  return { basis, space, n: d.n, k: d.k, directions: d.directions, values: Array.from(d.values), notes: d.notes };
}

export async function basisCommand(opts: Opts) {
  const seed = opts.int('seed');
  const from = opts.str('from');
  if (from !== undefined && opts.has('kind')) throw new UsageError('--from reads the directions from a file: leave out --kind');
  const file = from === undefined ? null : directionsFileAt(from);
  const kind: SliderBasisKind = file ? 'imported' : opts.choice('kind', BASES);
  const k = opts.int('k', file ? file.directions.length : 10, [1, GLOBAL_DIRECTIONS]);
  const distance = opts.choice('distance', DISTANCES, 'mse');
  // A file names its model; --model may say it again (or point at the model's folder).
  const g = file && !opts.has('model') ? await openModelSpec(file.model) : await openModel(opts);
  try {
    const space = opts.choice('space', ['z', 'w'] as const, file?.basisSpace ?? 'z');
    if (space === 'w' && !g.isStyleBased) throw new UsageError(`model ${g.manifest.id} has no w space (it is a z-space generator)`);
    checkBasis(g, kind, space);
    if (distance === 'perceptual' && !g.discriminatorFeatures) throw new UsageError(`model ${g.manifest.id} ships no discriminator, so it has no perceptual distance`);
    // The same checks and unit scaling as the app's Load directions… (src/state/importedBasis.ts).
    const imported = file ? Float64Array.from(importedFrom(file, from!, g, space).directions.flat()) : undefined;
    const z = g.samplePrior(seed, 1);
    // The app's view: basis seed 0 and the default number of averaged samples (app/session.ts).
    const b = await computeBasisAt(g, { kind, basisSpace: space, distance, z, k, seed: 0, samples: DEFAULT_AVERAGE_SAMPLES, directions: imported });
    const npy = opts.str('npy');
    const files = npy ? writeBasisNpy(npy, b) : undefined;
    return {
      model: g.manifest.id, kind, space, seed, distance,
      z: Array.from(z),
      ...(space === 'w' ? { w: Array.from(b.reference) } : {}),
      directions: rows(b.directions, b.n),
      values: Array.from(b.values),
      valueName: b.valueName,
      rates: Array.from(b.rates),
      notes: b.notes,
      ...(from !== undefined ? { from } : {}),
      ...(files ? { files } : {}),
    };
  } finally {
    g.dispose();
  }
}

/** --from FILE, read and checked by the app's reader; its sentence becomes the usage error. */
export function directionsFileAt(file: string) {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--from: cannot read ${file} (${(e as Error).message})`);
  }
  try {
    return readDirectionsFile(text);
  } catch (e) {
    throw new UsageError(`--from ${file}: ${(e as Error).message}`);
  }
}

/** A file's directions as the app imports them (model and length checked, unit rows). */
export function importedFrom(file: ReturnType<typeof readDirectionsFile>, name: string, g: Generator, space: 'z' | 'w'): ImportedDirections {
  if (space !== file.basisSpace) throw new UsageError(`--from ${name}: the directions live in ${file.basisSpace}, not ${space}`);
  try {
    const spaces: ('z' | 'w' | 'wplus')[] = g.isStyleBased ? ['z', 'w', 'wplus'] : ['z'];
    return importDirections(file, name, { model: { id: g.manifest.id, zDim: g.zDim, wDim: g.wDim, spaces }, isCode: false });
  } catch (e) {
    throw new UsageError(`--from ${name}: ${(e as Error).message}`);
  }
}

/**
 * `--npy PREFIX`: the basis as numpy arrays (float64, C order; `numpy.load` reads them): PREFIX.directions.npy
 * [k, n] (rows are directions), .values.npy [k] (the basis's own numbers; empty for random), .rates.npy [k]
 * (√(vᵀHv)), .reference.npy [n] (the latent the basis was computed at, in the basis space).
 */
function writeBasisNpy(prefix: string, b: { k: number; n: number; directions: Float64Array; values: ArrayLike<number>; rates: ArrayLike<number>; reference: ArrayLike<number> }): string[] {
  const directions = Array.from({ length: b.k }, (_, i) => Array.from(b.directions.subarray(i * b.n, (i + 1) * b.n)));
  // The same arrays under the same names as the app's .npz export (src/export/basisFiles.ts).
  return basisArrays({ directions, values: Array.from(b.values), rates: Array.from(b.rates), reference: Array.from(b.reference) }).map(({ name, data, shape }) => {
    const file = `${prefix}.${name}.npy`;
    try {
      fs.writeFileSync(file, npyBytes(data, shape));
    } catch (e) {
      throw new UsageError(`--npy: cannot write ${file} (${(e as Error).message})`);
    }
    return file;
  });
}
