/**
 * The global bases of a loaded model, as the explorer and the CLI use them (one recipe, so both give
 * the same directions):
 *
 * - GANSpace (Härkönen et al.): in W, the PCA of w samples; in Z of a style model, the PCA of w regressed
 *   back to z (w is the mapping's "activation", as in GANSpace's Z recipe); in Z of a z-space model, the
 *   PCA of the first latent-consuming layer's activations, regressed back to z (globalBases.ganspaceZ).
 * - SeFa (Shen & Zhou): in W, all style affines stacked, output units normalised (the official code's
 *   defaults); in Z, the first dense kernel (of the generator, or of the mapping network for a style model).
 *
 * Both read the model's own networks (Generator.network), so no second copy of the weights is loaded.
 */
import * as tf from '@tensorflow/tfjs';
import type { Generator } from '../model/generator';
import { ganspaceFromActivations, ganspaceW, ganspaceZ, sefa, type GlobalBasis } from './globalBases';

/** GANSpace sample counts: PCA in W (cheap: wDim ≤ samples), and in Z of a z-space model (activations are wide). */
export const GANSPACE_W_SAMPLES = 2000;
export const GANSPACE_Z_SAMPLES = 512;
const MAP_BATCH = 256;

/** A network of the model, or a plain sentence saying the method needs it. */
function networkOf(g: Generator, part: 'generator' | 'mapping' | 'synthesis', method: string): tf.LayersModel {
  const net = g.network?.(part);
  if (!net) throw new Error(`${method} reads the model's ${part} network, which this model does not expose.`);
  return net;
}

/** w = mapZ(z) for `count` rows of z (float64), batched. */
function mapRows(g: Generator, z: Float32Array, count: number): Float64Array {
  const out = new Float64Array(count * g.wDim!);
  for (let s = 0; s < count; s += MAP_BATCH) {
    const b = Math.min(MAP_BATCH, count - s);
    const w = tf.tidy(() => g.mapZ(tf.tensor2d(z.subarray(s * g.zDim, (s + b) * g.zDim), [b, g.zDim])));
    try {
      out.set(w.dataSync(), s * g.wDim!);
    } finally {
      w.dispose();
    }
  }
  return out;
}

/** GANSpace's top-k directions in the basis space (see the module comment for the three cases). */
export function ganspaceBasis(g: Generator, basisSpace: 'z' | 'w', k: number, seed: number): GlobalBasis {
  if (basisSpace === 'w') return ganspaceW(g, { k, samples: GANSPACE_W_SAMPLES, seed, batch: MAP_BATCH });
  if (!g.isStyleBased) {
    const b = ganspaceZ(g, networkOf(g, 'generator', 'GANSpace in Z'), { k, samples: GANSPACE_Z_SAMPLES, seed });
    return { ...b, notes: [...b.notes, 'Regressed back to Z (GANSpace, Härkönen et al.).'] };
  }
  const count = GANSPACE_W_SAMPLES;
  const zFit = g.samplePrior(seed, count), zReg = g.samplePrior(seed + 1, count);
  const fit = mapRows(g, zFit, count), reg = mapRows(g, zReg, count);
  const b = ganspaceFromActivations({ activations: fit, count, dim: g.wDim! }, { activations: reg, latents: Float64Array.from(zReg), count }, g.zDim, k);
  return { ...b, notes: [`PCA of ${count} w samples, regressed back to Z on ${count} fresh samples.`] };
}

/** SeFa's top-k directions in the basis space (see the module comment). */
export function sefaBasis(g: Generator, basisSpace: 'z' | 'w', k: number): GlobalBasis {
  const net = basisSpace === 'w'
    ? networkOf(g, 'synthesis', 'SeFa in W')
    : networkOf(g, g.isStyleBased ? 'mapping' : 'generator', 'SeFa in Z');
  const b = sefa(net, { k, normaliseUnits: true, ...(basisSpace === 'w' ? { layers: 'all' as const } : {}) });
  return { ...b, notes: [...b.notes, 'Output units normalised, as in the official SeFa code.'] };
}
