/**
 * The linearisation of "latent → features of an image distance" at one latent, which every exact product
 * (J V, Jᵀ U, H V: hvp.ts) works from. Built once here for the metric, the rates and α alike.
 */
import * as tf from '@tensorflow/tfjs';
import type { AnchoredDistance } from '../distance';
import type { ForwardFallback } from '../model/forward/dual';
import type { Generator, LatentSpace } from '../model/generator';
import type { Linearisation } from './hvp';

/** How exact Jacobian-vector products are taken: forward mode (when the model and distance support it) or the double-VJP trick. */
export type JvpMode = 'forward' | 'double-vjp';

/**
 * The map latent → features of `dist` at x₀ [1, ...latent] through `space`, as hvp.ts needs it; with
 * forward mode (the default) when both the generator and the distance can push tangents, so every exact
 * JVP is one batched forward pass. Layers without a forward rule are collected in `fallbacks`.
 */
export function linearisation(g: Generator, dist: AnchoredDistance, x0: tf.Tensor, space: LatentSpace, mode: JvpMode = 'forward'): Linearisation {
  const lin: Linearisation = { f: (x) => dist.features(g.generate(x, space)), x0, m: dist.m, weight: dist.weight };
  const pushImage = g.pushForward?.bind(g), pushFeatures = dist.pushForward?.bind(dist);
  if (mode === 'forward' && pushImage && pushFeatures) {
    const seen = new Map<string, ForwardFallback>();
    lin.fallbacks = [];
    lin.push = (v) => tf.tidy(() => {
      const directions = v.reshape([v.shape[0], ...x0.shape.slice(1)]);
      const image = pushImage(x0, directions, space);
      const features = pushFeatures(image.image);
      for (const f of [...image.fallbacks, ...features.fallbacks]) {
        if (!seen.has(f.layer)) { seen.set(f.layer, f); lin.fallbacks!.push(f); }
      }
      return features.tangent;
    });
  }
  return lin;
}
