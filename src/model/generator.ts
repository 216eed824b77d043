/**
 * The Generator interface: everything the rest of the project may ask of a loaded model. Geometry,
 * methods and the engine work against this, never against tf.LayersModel directly, so that a z-space
 * DCGAN, a style-based model (mapping ∘ synthesis) and a user's plain TF.js generator look alike.
 *
 * All tensor-returning methods return new tensors owned by the caller (dispose them or use tf.tidy).
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelManifest } from './manifest';
import type { LatentSpace } from '../state/vocabulary';
import type { Dual, ForwardFallback } from './forward/dual';

/** Where a latent lives: the prior space Z, the style space W, or per-layer styles W+ (src/state/vocabulary). */
export type { LatentSpace } from '../state/vocabulary';

export interface Generator {
  readonly manifest: ModelManifest;
  /** Latent dimension of Z. */
  readonly zDim: number;
  /** Dimension of W (style models), otherwise undefined. */
  readonly wDim?: number;
  /** Number of style inputs of the synthesis network (style models), otherwise undefined. */
  readonly styleLayers?: number;
  /** True when the model has a mapping network (so W and W+ exist). */
  readonly isStyleBased: boolean;
  /** Output image shape [height, width, channels]. */
  readonly outputShape: [number, number, number];
  /** Notes about what was assumed while loading (e.g. no manifest given); shown to the user. */
  readonly assumptions: string[];

  /** Deterministic samples of the prior: [count, zDim]. */
  samplePrior(seed: number, count: number): Float32Array;
  /** z [B, zDim] → w [B, wDim] (style models only). */
  mapZ(z: tf.Tensor2D): tf.Tensor2D;
  /** w [B, wDim] → w+ [B, styleLayers, wDim] (broadcast). */
  broadcastW(w: tf.Tensor2D): tf.Tensor3D;
  /** w+ [B, L, wDim] → images [B, H, W, C] (style models only). */
  synthesize(wplus: tf.Tensor3D): tf.Tensor4D;
  /** Images from a latent in the given space: z [B, zDim], w [B, wDim] or w+ [B, L, wDim]. */
  generate(latent: tf.Tensor, space?: LatentSpace): tf.Tensor4D;
  /**
   * Forward mode (src/model/forward): the image at one latent [1, ...] in `space` and its directional
   * derivatives along `directions` [k, ...] (the latent's item shape), in one pass; `fallbacks` names the
   * layers that had no forward rule and how their derivatives were computed instead.
   */
  pushForward?(latent: tf.Tensor, directions: tf.Tensor, space: LatentSpace): { image: Dual; fallbacks: ForwardFallback[] };
  /** Forward mode of mapZ (style models): w and its tangents for a z dual of batch 1. A view that replaces mapZ replaces this too. */
  mapZForward?(z: Dual): { w: Dual; fallbacks: ForwardFallback[] };
  /** Forward mode through the discriminator's feature layers (fine to coarse), for an image dual of batch 1. */
  discriminatorFeaturesForward?(image: Dual): { features: Dual[]; fallbacks: ForwardFallback[] };
  /** Discriminator logit per image [B] (if the model ships a discriminator). */
  discriminatorScore?(images: tf.Tensor4D): tf.Tensor1D;
  /** The discriminator's named feature maps, fine to coarse (if it ships one). */
  discriminatorFeatures?(images: tf.Tensor4D): tf.Tensor4D[];
  /**
   * The tf.LayersModel behind one part, for methods that read weights (SeFa) or a layer's activations
   * (GANSpace in Z); undefined when the model has no such part. It shares the generator's weights:
   * never dispose it, and do not keep it past the generator's life.
   */
  network?(part: 'generator' | 'mapping' | 'synthesis'): tf.LayersModel | undefined;
  /** Images [B, H, W, C] in the manifest's output range → RGBA bytes, B·H·W·4 (grey replicated). */
  toRGBA(images: tf.Tensor4D): Promise<Uint8ClampedArray>;
  /** Free every weight. The generator is unusable afterwards. */
  dispose(): void;
}
