/**
 * The edited latent as a tensor, ready for the generator: the tensor side of edit.ts (which stays free of
 * tfjs so that the UI can import its slider arithmetic).
 */
import * as tf from '@tensorflow/tfjs';
import type { Generator } from '../model/generator';
import { layerRange, sphericalStep } from '../geometry/traversal';
import { editDim, editOffset, isIdentityEdit, validateEdit } from './edit';
import { latentIn } from './latent';
import type { LatentEdit, LatentSpace } from './types';

/**
 * The edited latent in `space` ([1, zDim], [1, wDim] or [1, L, wDim]; the caller owns it) for the prior
 * latent z: reference + Σ stepsᵢ·directionsᵢ, where the reference is z, w = mapZ(z), or w broadcast to w+
 * with the offset on the style layers of `edit.layers` only (default all). `space` must be one the model
 * has (the engine maps 'w' to 'z' for z-space models before calling). With `spherical` (Z only) the
 * offset is followed along the great circle of radius ‖z‖ (traversal.ts sphericalStep, arc length = the
 * offset's tangential length). No edit, or every step 0, gives exactly the unedited latent.
 */
export function editedLatent(g: Generator, z: ArrayLike<number>, space: LatentSpace, edit?: LatentEdit): tf.Tensor {
  if (edit) validateEdit(g, space, edit);
  if (z.length !== g.zDim) throw new Error(`The latent has ${z.length} values; this model expects ${g.zDim}.`);
  const z2 = () => tf.tensor2d(Float32Array.from(z), [1, g.zDim]);
  if (!edit || isIdentityEdit(edit)) return tf.tidy(() => latentIn(g, z2(), space));
  const dim = editDim(g, space);
  const offset = editOffset(edit, dim);
  if (space === 'z') {
    const moved = edit.spherical ? sphericalStep(z, offset, 1) : Float64Array.from(z, (v, i) => v + offset[i]);
    return tf.tensor2d(Float32Array.from(moved), [1, dim]);
  }
  return tf.tidy(() => {
    const w = g.mapZ(z2());
    if (space === 'w') return tf.add(w, tf.tensor2d(Float32Array.from(offset), [1, dim]));
    const L = g.styleLayers!;
    const [start, end] = layerRange(L, edit.layers ?? 'all');
    const perLayer = new Float32Array(L * dim);
    for (let l = start; l < end; l++) perLayer.set(offset, l * dim);
    // Layers outside the range get w + 0, which is w exactly in floating point.
    return tf.add(g.broadcastW(w), tf.tensor3d(perLayer, [1, L, dim]));
  });
}
