/**
 * Turning a render request's latent into tensors. Requests cross a thread boundary, so their shape is
 * checked here rather than trusted from the type system.
 */
import * as tf from '@tensorflow/tfjs';
import type { Generator } from '../model/generator';
import { MAX_TRUNCATION, SPACES } from '../state/vocabulary';
import type { LatentSpace, LatentSpec } from './types';

export { SPACES };

export function isSpace(value: unknown): value is LatentSpace {
  return typeof value === 'string' && (SPACES as readonly string[]).includes(value);
}

/** The spaces a model can be driven in: W and W+ exist only behind a mapping network. */
export function spacesOf(g: Generator): LatentSpace[] {
  return g.isStyleBased ? [...SPACES] : ['z'];
}

/** The z vector [zDim] a latent spec stands for. */
export function zOf(g: Generator, latent: LatentSpec): Float32Array {
  if (latent && typeof latent === 'object' && 'seed' in latent) {
    const seed = latent.seed;
    if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new Error('The seed must be a finite number.');
    const psi = latent.truncation ?? 1;
    if (typeof psi !== 'number' || !(psi > 0 && psi <= MAX_TRUNCATION)) throw new Error(`The truncation ψ must be a number in (0, ${MAX_TRUNCATION}].`);
    const z = g.samplePrior(seed, 1);
    // ψ·z only for a z-space model; a style model's ψ acts in W (atTruncation in truncation.ts).
    if (psi !== 1 && !g.isStyleBased) for (let i = 0; i < z.length; i++) z[i] *= psi;
    return z;
  }
  if (latent && typeof latent === 'object' && 'z' in latent && Array.isArray(latent.z)) {
    const z = latent.z;
    if (z.length !== g.zDim) throw new Error(`The latent has ${z.length} values; this model expects ${g.zDim}.`);
    if (!z.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new Error('The latent contains a value that is not a finite number.');
    return Float32Array.from(z);
  }
  if (latent && typeof latent === 'object' && 'w' in latent) throw new Error('A W or W+ code has no z of the model\'s own here; this needs a seed or a z.');
  throw new Error('A latent must be given as {seed}, {z} or {w}.');
}

/**
 * Images [1, H, W, C] for z, generated through the requested space. The routes agree numerically; the
 * space matters because later steering edits the latent in that space before this point.
 */
export function generateThrough(g: Generator, z: Float32Array, space: LatentSpace): tf.Tensor4D {
  return tf.tidy(() => {
    const route = g.isStyleBased ? space : 'z';
    return g.generate(latentIn(g, tf.tensor2d(z, [1, g.zDim]), route), route);
  });
}

/** z [B, zDim] expressed in `space`: z itself, w = mapZ(z) [B, wDim], or w broadcast to w+ [B, L, wDim]. */
export function latentIn(g: Generator, z: tf.Tensor2D, space: LatentSpace): tf.Tensor {
  if (space === 'z') return z.clone();
  return tf.tidy(() => {
    const w = g.mapZ(z);
    return space === 'w' ? w : g.broadcastW(w);
  });
}
