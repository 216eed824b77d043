/**
 * Which unsupervised direction a learned walk resembles (issue 17, item 5): the |cosine| between a linear walk's
 * direction and every direction of the metric, Local Basis, averaged metric, GANSpace, SeFa and random bases at a
 * reference latent (geometry/bases.ts), in the walk's space. |cos| because a basis direction's sign is a
 * convention. The random basis is the control: a direction unrelated to the walk has |cos| ≈ √(2/(πn)).
 * Colour's three directions are compared through their sum, the brightness direction the slider walks.
 */
import { BASIS_KINDS, basisDirections, unsupported, type BasisKind } from '../geometry/bases';
import type { Generator } from '../model/generator';
import type { ComputeContext } from '../util/jobContext';
import type { SavedWalk } from './steerWalk';

export interface DirectionMatch {
  kind: BasisKind;
  /** Index of the best direction (0 = the basis's first) and its |cosine| with the walk. */
  index: number;
  cosine: number;
  /** Directions compared. */
  k: number;
  /** The best direction itself (unit, in the walk's space), for factor scores. */
  direction?: number[];
  /** Which factor of the data it moves most and that factor's share (filled by the caller that has a probe). */
  factor?: { factor: string; share: number } | null;
  /** Why the kind was left out, when it was. */
  skipped?: string;
}

/** The walk's direction as one unit vector (colour: the sum of R, G and B). */
export function walkDirection(walk: SavedWalk): Float64Array {
  if (walk.kind !== 'linear' || !walk.directions) throw new Error('Only a linear walk has a direction to compare with a basis.');
  const d = new Float64Array(walk.dim);
  for (const row of walk.directions) for (let i = 0; i < walk.dim; i++) d[i] += row[i];
  const norm = Math.hypot(...d);
  if (!(norm > 0)) throw new Error('The walk\'s direction is zero.');
  return d.map((v) => v / norm);
}

/** The best |cosine| of the walk with each basis kind's top `k` directions at latent z. */
export async function matchUnsupervised(g: Generator, walk: SavedWalk, z: ArrayLike<number>, k: number, ctx?: ComputeContext,
  cache?: Map<string, unknown>, kinds: readonly BasisKind[] = BASIS_KINDS): Promise<DirectionMatch[]> {
  const w = walkDirection(walk);
  const out: DirectionMatch[] = [];
  for (const kind of kinds) {
    const why = unsupported(g, kind, walk.space);
    if (why) {
      out.push({ kind, index: -1, cosine: NaN, k: 0, skipped: why });
      continue;
    }
    try {
      const b = await basisDirections(g, { kind, basisSpace: walk.space, distance: 'mse', z, k, seed: 0 }, ctx, cache);
      let best = -1, bestCos = -1;
      for (let r = 0; r < b.k; r++) {
        let dot = 0, nn = 0;
        for (let i = 0; i < b.n; i++) {
          dot += b.directions[r * b.n + i] * w[i];
          nn += b.directions[r * b.n + i] ** 2;
        }
        const c = Math.abs(dot) / Math.sqrt(nn);
        if (c > bestCos) [best, bestCos] = [r, c];
      }
      const row = Array.from(b.directions.subarray(best * b.n, (best + 1) * b.n));
      const norm = Math.hypot(...row);
      out.push({ kind, index: best, cosine: bestCos, k: b.k, direction: row.map((v) => v / norm) });
    } catch (e) {
      if ((e as Error).name === 'JobCancelled') throw e;
      out.push({ kind, index: -1, cosine: NaN, k: 0, skipped: (e as Error).message });
    }
  }
  return out;
}
