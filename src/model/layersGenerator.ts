/**
 * The Generator interface on top of loaded tf.LayersModels: either one z-space generator, or a mapping
 * network composed with a synthesis network (style models), plus an optional discriminator. Models are
 * run with `apply` (not `predict`) so that gradients flow through them for the geometry code.
 */
import * as tf from '@tensorflow/tfjs';
import type { Generator, LatentSpace } from './generator';
import type { ModelManifest } from './manifest';
import { Rng } from '../util/random';
import { showShape } from './validate';
import type { Dual, ForwardFallback } from './forward/dual';
import { pushForward } from './forward/interpret';

/** The networks of one model, already checked against the manifest by the loader. */
export interface GeneratorParts {
  manifest: ModelManifest;
  assumptions: string[];
  generator?: tf.LayersModel;
  mapping?: tf.LayersModel;
  synthesis?: tf.LayersModel;
  discriminator?: tf.LayersModel;
}

/**
 * Free a model's weights. LayersModel.dispose() frees a layer's weights only when its reference count
 * reaches zero, which a layer applied twice in the graph never does, so leftovers are freed here too.
 */
export function disposeModel(model: tf.LayersModel): void {
  const variables = model.weights.map((w) => w.read());
  model.dispose();
  for (const v of variables) if (!v.isDisposed) v.dispose();
}

/** Draw `count` latents of dimension `dim` from a prior, deterministically from `seed`. */
export function samplePriorFrom(prior: ModelManifest['latent']['prior'], dim: number, seed: number, count: number): Float32Array {
  const rng = new Rng(seed);
  if (prior === 'uniform') return Float32Array.from({ length: count * dim }, () => rng.uniform(-1, 1));
  const z = rng.normals(count * dim);
  if (prior === 'sphere') {
    for (let i = 0; i < count; i++) {
      const row = z.subarray(i * dim, (i + 1) * dim);
      let norm = 0;
      for (let j = 0; j < dim; j++) norm += row[j] * row[j];
      norm = Math.sqrt(norm);
      const scale = norm > 0 ? Math.sqrt(dim) / norm : 0;
      for (let j = 0; j < dim; j++) row[j] *= scale;
    }
  }
  return z;
}

function run(model: tf.LayersModel, x: tf.Tensor): tf.Tensor {
  return model.apply(x, { training: false }) as tf.Tensor;
}

export class LayersGenerator implements Generator {
  readonly manifest: ModelManifest;
  readonly zDim: number;
  readonly wDim?: number;
  /** For a synthesis taking a single w, W+ has one layer and is the same as W. */
  readonly styleLayers?: number;
  readonly isStyleBased: boolean;
  readonly outputShape: [number, number, number];
  readonly assumptions: string[];
  readonly discriminatorScore?: (images: tf.Tensor4D) => tf.Tensor1D;
  readonly discriminatorFeatures?: (images: tf.Tensor4D) => tf.Tensor4D[];
  readonly discriminatorFeaturesForward?: (image: Dual) => { features: Dual[]; fallbacks: ForwardFallback[] };

  private readonly parts: GeneratorParts;
  private disposed = false;

  constructor(parts: GeneratorParts) {
    const m = parts.manifest;
    this.parts = parts;
    this.manifest = m;
    this.assumptions = parts.assumptions;
    this.zDim = m.latent.dim;
    this.isStyleBased = parts.mapping !== undefined;
    if (this.isStyleBased) {
      this.wDim = m.mapping!.wDim;
      this.styleLayers = m.synthesis!.input === 'w+' ? m.synthesis!.styleLayers : 1;
    }
    this.outputShape = [m.output.height, m.output.width, m.output.channels];

    const D = parts.discriminator;
    if (D) {
      this.discriminatorScore = (images) => tf.tidy(() => {
        this.assertUsable();
        return run(D, images).reshape([images.shape[0]]) as tf.Tensor1D;
      });
      // One multi-output model over D's own layers (it shares their weights; never dispose it separately).
      const names = m.discriminator?.featureLayers ?? [];
      const features = names.length > 0
        ? tf.model({ inputs: D.inputs, outputs: names.map((n) => D.getLayer(n).output as tf.SymbolicTensor), name: `${D.name}_features` })
        : undefined;
      this.discriminatorFeatures = (images) => {
        this.assertUsable();
        if (!features) return [];
        const out = features.apply(images, { training: false });
        return (Array.isArray(out) ? out : [out]) as tf.Tensor4D[];
      };
      this.discriminatorFeaturesForward = (image) => {
        this.assertUsable();
        if (!features) return { features: [], fallbacks: [] };
        const pass = pushForward(D, [image], features.outputs);
        return { features: pass.outputs, fallbacks: pass.fallbacks };
      };
    }
  }

  samplePrior(seed: number, count: number): Float32Array {
    return samplePriorFrom(this.manifest.latent.prior, this.zDim, seed, count);
  }

  mapZ(z: tf.Tensor2D): tf.Tensor2D {
    this.assertUsable();
    const mapping = this.parts.mapping;
    if (!mapping) throw new Error(`Model '${this.manifest.id}' has no mapping network, so it has no W space.`);
    this.expectShape(z, [null, this.zDim], 'z');
    return run(mapping, z) as tf.Tensor2D;
  }

  broadcastW(w: tf.Tensor2D): tf.Tensor3D {
    this.assertStyleBased('W+');
    this.expectShape(w, [null, this.wDim!], 'w');
    return tf.tidy(() => tf.tile(tf.expandDims(w, 1), [1, this.styleLayers!, 1]) as tf.Tensor3D);
  }

  synthesize(wplus: tf.Tensor3D): tf.Tensor4D {
    this.assertUsable();
    this.assertStyleBased('W+');
    this.expectShape(wplus, [null, this.styleLayers!, this.wDim!], 'w+');
    const synthesis = this.parts.synthesis!;
    if (this.manifest.synthesis!.input === 'w+') return run(synthesis, wplus) as tf.Tensor4D;
    return tf.tidy(() => run(synthesis, tf.reshape(wplus, [wplus.shape[0], this.wDim!])) as tf.Tensor4D);
  }

  generate(latent: tf.Tensor, space: LatentSpace = 'z'): tf.Tensor4D {
    this.assertUsable();
    if (!this.isStyleBased) {
      if (space !== 'z') this.assertStyleBased(space === 'w' ? 'W' : 'W+');
      this.expectShape(latent, [null, this.zDim], 'z');
      return run(this.parts.generator!, latent) as tf.Tensor4D;
    }
    return tf.tidy(() => {
      if (space === 'wplus') return this.synthesize(latent as tf.Tensor3D);
      const w = space === 'w' ? (latent as tf.Tensor2D) : this.mapZ(latent as tf.Tensor2D);
      return this.synthesize(this.broadcastW(w));
    });
  }

  mapZForward(z: Dual): { w: Dual; fallbacks: ForwardFallback[] } {
    this.assertUsable();
    const mapping = this.parts.mapping;
    if (!mapping) throw new Error(`Model '${this.manifest.id}' has no mapping network, so it has no W space.`);
    const pass = pushForward(mapping, [z]);
    return { w: pass.outputs[0], fallbacks: pass.fallbacks };
  }

  pushForward(latent: tf.Tensor, directions: tf.Tensor, space: LatentSpace = 'z'): { image: Dual; fallbacks: ForwardFallback[] } {
    this.assertUsable();
    const input: Dual = { primal: latent, tangent: directions };
    if (!this.isStyleBased) {
      if (space !== 'z') this.assertStyleBased(space === 'w' ? 'W' : 'W+');
      this.expectShape(latent, [1, this.zDim], 'z');
      const pass = pushForward(this.parts.generator!, [input]);
      return { image: pass.outputs[0], fallbacks: pass.fallbacks };
    }
    const fallbacks: ForwardFallback[] = [];
    let wplus = input;
    if (space !== 'wplus') {
      let w = input;
      if (space === 'z') {
        this.expectShape(latent, [1, this.zDim], 'z');
        // Through this.mapZForward, not the mapping network directly: a view of the generator (truncation)
        // replaces mapZ and mapZForward together.
        const mapped = this.mapZForward(input);
        w = mapped.w;
        fallbacks.push(...mapped.fallbacks);
      }
      this.expectShape(w.primal, [1, this.wDim!], 'w');
      wplus = { primal: this.broadcastW(w.primal as tf.Tensor2D), tangent: w.tangent && this.broadcastW(w.tangent as tf.Tensor2D) };
    }
    this.expectShape(wplus.primal, [1, this.styleLayers!, this.wDim!], 'w+');
    const single = this.manifest.synthesis!.input !== 'w+';
    const flat = (t: tf.Tensor | null) => (t && single ? t.reshape([t.shape[0], this.wDim!]) : t);
    const pass = pushForward(this.parts.synthesis!, [{ primal: flat(wplus.primal)!, tangent: flat(wplus.tangent) }]);
    return { image: pass.outputs[0], fallbacks: [...fallbacks, ...pass.fallbacks] };
  }

  network(part: 'generator' | 'mapping' | 'synthesis'): tf.LayersModel | undefined {
    this.assertUsable();
    return this.parts[part];
  }

  async toRGBA(images: tf.Tensor4D): Promise<Uint8ClampedArray> {
    const [lo, hi] = this.manifest.output.range;
    const rgba = tf.tidy(() => {
      const [b, h, w, c] = images.shape;
      const scaled = tf.mul(tf.sub(images, lo), 255 / (hi - lo));
      const rgb = c === 1 ? tf.tile(scaled, [1, 1, 1, 3]) : scaled;
      return tf.concat([rgb, tf.fill([b, h, w, 1], 255)], 3);
    });
    const values = await rgba.data();
    rgba.dispose();
    // The clamped array rounds to nearest and clips to 0..255 on conversion.
    return new Uint8ClampedArray(values);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const { generator, mapping, synthesis, discriminator } = this.parts;
    for (const model of [generator, mapping, synthesis, discriminator]) if (model) disposeModel(model);
  }

  private assertUsable(): void {
    if (this.disposed) throw new Error(`Model '${this.manifest.id}' has been disposed.`);
  }

  private assertStyleBased(space: string): void {
    if (!this.isStyleBased) {
      throw new Error(`Model '${this.manifest.id}' has no mapping network, so it has no ${space} space; use space 'z'.`);
    }
  }

  private expectShape(t: tf.Tensor, shape: (number | null)[], what: string): void {
    const ok = t.rank === shape.length && shape.every((d, i) => d === null || d === t.shape[i]);
    if (!ok) throw new Error(`Model '${this.manifest.id}' expects ${what} of shape ${showShape(shape)}, not ${showShape(t.shape)}.`);
  }
}
