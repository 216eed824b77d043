/**
 * Global (position-independent) bases that Choi et al. compare the Local Basis against:
 *
 * GANSpace (Härkönen et al. 2020): PCA of sampled codes. For style models, PCA of w = f(z) in W directly.
 * For z-space models PCA runs on an early layer's activations y = G₁(z) and each component is carried back
 * to Z by least squares, M = argmin ‖A M − Z‖ with A the samples' PCA coordinates, and the rows of M
 * normalised (their decomposition.py `linreg_lstsq`, which also divides A by the components' stdev — a
 * per-row scale of M that the normalisation removes, so we skip it). Like them we regress on a FRESH draw of
 * latents. For a linear first layer y = Kᵀz this returns K's left singular vectors, i.e. SeFa's directions.
 *
 * SeFa (Shen & Zhou 2021): the top eigenvectors of AᵀA for the first weight A that consumes the latent
 * (y = A·x): for z-space models the first dense kernel K = Aᵀ [zDim, units]; for style models the style
 * affine of a ModConv2D, `affine` [wDim, cin] — several layers' A stacked when asked (the official code's
 * default is all layers; this function's is the first, the model-level sefaBasis asks for all). Each output
 * unit's weight vector (a column of W [latent, out]) is divided by its norm first, as the official
 * factorize_weight does (`weight / np.linalg.norm(weight, axis=0, keepdims=True)`, then the eigenvectors of
 * W Wᵀ): on by default, `normaliseUnits: false` gives the paper's plain Eq. on the raw weights.
 *
 * SeFa and the z-space GANSpace take the tf.LayersModel: the z-space `generator` network, or a style model's
 * `synthesis` network, from Generator.network (layers models) or loaded on its own with
 * `loadLayersModelFrom(files, manifest.generator.path | manifest.synthesis.path)` (src/model/load).
 * Directions are unit rows with the sign fixed so the largest-magnitude entry is positive (stable sliders).
 */
import * as tf from '@tensorflow/tfjs';
import { eigh } from '../linalg/eigh';
import type { Generator } from '../model/generator';
import { layerRange, type LayerRange } from './traversal';

export interface GlobalBasis {
  method: 'ganspace' | 'sefa';
  space: 'z' | 'w';
  dim: number;
  k: number;
  /** k×dim, unit rows, most important first. */
  directions: Float64Array;
  /** GANSpace: variance of each PCA component (in the PCA space). SeFa: eigenvalues of AᵀA. */
  values: Float64Array;
  /** values / their total over ALL components. */
  explained: Float64Array;
  /** What was used (layers, samples), for display. */
  notes: string[];
}

function fixSign(rows: Float64Array, k: number, d: number): void {
  for (let r = 0; r < k; r++) {
    let big = 0;
    for (let i = 0; i < d; i++) if (Math.abs(rows[r * d + i]) > Math.abs(big)) big = rows[r * d + i];
    if (big < 0) for (let i = 0; i < d; i++) rows[r * d + i] = -rows[r * d + i];
  }
}

function normaliseRows(rows: Float64Array, k: number, d: number): void {
  for (let r = 0; r < k; r++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += rows[r * d + i] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let i = 0; i < d; i++) rows[r * d + i] *= inv;
  }
}

export interface Pca {
  mean: Float64Array;
  /** k×dim unit rows. */
  components: Float64Array;
  /** Sample variances (N − 1) of the k components, descending. */
  variances: Float64Array;
  totalVariance: number;
}

/**
 * PCA of `count` rows of length `dim`. Exact eigen-decomposition of the smaller Gram matrix: the dim×dim
 * covariance when dim ≤ count, else the count×count XXᵀ with components Xᵀa/‖Xᵀa‖. Cost min(N, D)²·max(N, D).
 */
export function pca(samples: Float64Array, count: number, dim: number, k: number): Pca {
  if (samples.length !== count * dim) throw new Error(`pca: expected ${count}×${dim} samples, got ${samples.length} values`);
  if (count < 2) throw new Error('pca: need at least 2 samples');
  const kMax = Math.min(dim, count - 1);
  if (!Number.isInteger(k) || k < 1 || k > kMax) throw new Error(`pca: k must be in 1…${kMax}, got ${k}`);
  const mean = new Float64Array(dim);
  for (let s = 0; s < count; s++) for (let i = 0; i < dim; i++) mean[i] += samples[s * dim + i] / count;
  const x = Float64Array.from(samples, (v, t) => v - mean[t % dim]);
  const components = new Float64Array(k * dim);
  const variances = new Float64Array(k);
  let totalVariance = 0;
  for (let t = 0; t < x.length; t++) totalVariance += x[t] * x[t] / (count - 1);
  const small = Math.min(dim, count);
  const g = new Float64Array(small * small);
  if (dim <= count) { // XᵀX
    for (let s = 0; s < count; s++) {
      const o = s * dim;
      for (let i = 0; i < dim; i++) { const xi = x[o + i]; if (xi !== 0) for (let j = i; j < dim; j++) g[i * dim + j] += xi * x[o + j]; }
    }
  } else { // XXᵀ
    for (let a = 0; a < count; a++) for (let b = a; b < count; b++) {
      let s = 0;
      for (let i = 0; i < dim; i++) s += x[a * dim + i] * x[b * dim + i];
      g[a * count + b] = s;
    }
  }
  for (let i = 0; i < small; i++) for (let j = 0; j < i; j++) g[i * small + j] = g[j * small + i];
  const e = eigh(g, small);
  for (let r = 0; r < k; r++) {
    variances[r] = Math.max(0, e.values[r]) / (count - 1);
    const a = e.vectors.subarray(r * small, (r + 1) * small);
    if (dim <= count) components.set(a, r * dim);
    else for (let s = 0; s < count; s++) for (let i = 0; i < dim; i++) components[r * dim + i] += a[s] * x[s * dim + i];
  }
  normaliseRows(components, k, dim);
  fixSign(components, k, dim);
  return { mean, components, variances, totalVariance };
}

/**
 * Rows of M = argmin ‖A M − Z‖_F (A: N×k coordinates, Z: N×n latents), normalised: each PCA component's
 * latent direction. Normal equations solved through eigh of AᵀA (k×k, well conditioned: the coordinates
 * of distinct components are nearly uncorrelated), dropping eigenvalues below 1e-12 of the largest.
 */
export function regressToLatent(coords: Float64Array, latents: Float64Array, count: number, k: number, n: number): Float64Array {
  const ata = new Float64Array(k * k), atz = new Float64Array(k * n);
  for (let s = 0; s < count; s++) {
    for (let a = 0; a < k; a++) {
      const ca = coords[s * k + a];
      for (let b = 0; b < k; b++) ata[a * k + b] += ca * coords[s * k + b];
      for (let i = 0; i < n; i++) atz[a * n + i] += ca * latents[s * n + i];
    }
  }
  const e = eigh(ata, k);
  const m = new Float64Array(k * n);
  for (let r = 0; r < k; r++) {
    if (!(e.values[r] > 1e-12 * e.values[0])) continue;
    const v = e.vectors.subarray(r * k, (r + 1) * k);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
      const c = (v[a] * v[b]) / e.values[r];
      if (c !== 0) for (let i = 0; i < n; i++) m[a * n + i] += c * atz[b * n + i];
    }
  }
  normaliseRows(m, k, n);
  fixSign(m, k, n);
  return m;
}

/**
 * GANSpace in Z from activations: PCA of `fit` activations (N×D), then the PCA coordinates of the `regress`
 * activations regressed onto their latents (N'×n). Pass the same arrays twice to reuse one draw.
 */
export function ganspaceFromActivations(fit: { activations: Float64Array; count: number; dim: number }, regress: { activations: Float64Array; latents: Float64Array; count: number }, n: number, k: number): GlobalBasis {
  const p = pca(fit.activations, fit.count, fit.dim, k);
  const d = fit.dim, c = regress.count;
  const coords = new Float64Array(c * k);
  for (let s = 0; s < c; s++) for (let r = 0; r < k; r++) {
    let v = 0;
    for (let i = 0; i < d; i++) v += (regress.activations[s * d + i] - p.mean[i]) * p.components[r * d + i];
    coords[s * k + r] = v;
  }
  return {
    method: 'ganspace', space: 'z', dim: n, k,
    directions: regressToLatent(coords, regress.latents, c, k, n),
    values: p.variances, explained: p.variances.map((v) => v / p.totalVariance),
    notes: [`PCA of ${fit.count} activations (${d}-d), regressed to Z on ${c} samples`],
  };
}

/** SeFa from a weight W [inDim (latent), outDim] as stored by dense kernels and style affines (y = x·W, A = Wᵀ). */
export function sefaFromWeight(weight: Float64Array, inDim: number, outDim: number, k: number, opts: { normaliseUnits?: boolean } = {}): GlobalBasis {
  if (weight.length !== inDim * outDim) throw new Error(`sefa: weight has ${weight.length} values, expected ${inDim}×${outDim}`);
  if (!Number.isInteger(k) || k < 1 || k > inDim) throw new Error(`sefa: k must be in 1…${inDim}, got ${k}`);
  const w = Float64Array.from(weight);
  if (opts.normaliseUnits ?? true) for (let j = 0; j < outDim; j++) {
    let s = 0;
    for (let i = 0; i < inDim; i++) s += w[i * outDim + j] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let i = 0; i < inDim; i++) w[i * outDim + j] *= inv;
  }
  const ata = new Float64Array(inDim * inDim); // AᵀA = W Wᵀ
  for (let a = 0; a < inDim; a++) for (let b = a; b < inDim; b++) {
    let s = 0;
    for (let j = 0; j < outDim; j++) s += w[a * outDim + j] * w[b * outDim + j];
    ata[a * inDim + b] = ata[b * inDim + a] = s;
  }
  const e = eigh(ata, inDim);
  const directions = e.vectors.slice(0, k * inDim);
  fixSign(directions, k, inDim);
  const total = e.values.reduce((s, v) => s + Math.max(0, v), 0);
  const values = Float64Array.from(e.values.subarray(0, k), (v) => Math.max(0, v));
  return { method: 'sefa', space: 'z', dim: inDim, k, directions, values, explained: values.map((v) => v / total), notes: [] };
}

export interface LatentWeight {
  layer: string;
  className: string;
  /** Style input index feeding this layer (style models), if known. */
  styleIndex?: number;
  /** [inDim, outDim] row-major, the run-time weight (equalised-lr scale applied). */
  weight: Float64Array;
  inDim: number;
  outDim: number;
}

function read(v: tf.LayerVariable): Float64Array {
  return Float64Array.from(v.read().dataSync());
}

/**
 * The weights that consume the latent: every ModConv2D `affine` [wDim, cin] (with its StyleSlice index) if
 * the model has any, else the first kernel whose input axis has the latent's size (Dense/EqDense 2-D; a
 * 4-D conv kernel is flattened to [zDim, rest], the input-channel axis being 2, or 3 for Conv2DTranspose).
 */
export function latentWeights(model: tf.LayersModel): LatentWeight[] {
  const inShape = model.inputs[0].shape;
  const latentDim = inShape[inShape.length - 1] as number;
  const style: LatentWeight[] = [];
  for (const layer of model.layers) {
    const affine = layer.weights.find((w) => w.originalName.endsWith('affine') || w.name.endsWith('/affine'));
    if (!affine) continue;
    const [inDim, outDim] = affine.shape as number[];
    const idx = (layer.inboundNodes[0]?.inboundLayers[1]?.getConfig() as { index?: unknown } | undefined)?.index;
    const weight = read(affine).map((x) => x / Math.sqrt(inDim)); // ModConv2D's affineScale
    style.push({ layer: layer.name, className: layer.getClassName(), styleIndex: typeof idx === 'number' ? idx : style.length, weight, inDim, outDim });
  }
  if (style.length > 0) return style;
  for (const layer of model.layers) {
    const kernel = layer.weights.find((w) => w.originalName.endsWith('kernel') || w.name.endsWith('/kernel'));
    if (!kernel) continue;
    const shape = kernel.shape as number[];
    const cls = layer.getClassName();
    const axis = shape.length === 2 ? 0 : shape.length === 4 ? (cls === 'Conv2DTranspose' ? 3 : 2) : -1;
    if (axis < 0 || shape[axis] !== latentDim) continue;
    const data = read(kernel);
    const outDim = data.length / latentDim;
    const weight = new Float64Array(data.length);
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    for (let t = 0; t < data.length; t++) { // move `axis` first: [..., latent, inner] → [latent, ...·inner]
      const i = Math.floor(t / inner) % latentDim, outer = Math.floor(t / (inner * latentDim));
      weight[i * outDim + outer * inner + (t % inner)] = data[t];
    }
    const cfg = layer.getConfig() as { lrMul?: number };
    const scale = cls === 'EqDense' ? (cfg.lrMul ?? 1) / Math.sqrt(latentDim) : cls === 'EqConv2D' ? 1 / Math.sqrt(data.length / shape[3]) : 1;
    return [{ layer: layer.name, className: cls, weight: weight.map((x) => x * scale), inDim: latentDim, outDim }];
  }
  throw new Error(`sefa: model '${model.name}' has no style affine and no kernel taking the ${latentDim}-d latent`);
}

/** SeFa on a network; `layers` picks style inputs (by StyleSlice index) for style models. */
export function sefa(model: tf.LayersModel, opts: { k: number; layers?: 'first' | LayerRange | number[]; normaliseUnits?: boolean }): GlobalBasis {
  const all = latentWeights(model);
  const isStyle = all[0].styleIndex !== undefined;
  let chosen = all.slice(0, 1);
  if (isStyle && opts.layers && opts.layers !== 'first') {
    const L = Math.max(...all.map((w) => w.styleIndex! + 1));
    const want = Array.isArray(opts.layers) ? opts.layers : (([s, e]) => Array.from({ length: e - s }, (_, i) => s + i))(layerRange(L, opts.layers));
    chosen = all.filter((w) => want.includes(w.styleIndex!));
    if (chosen.length === 0) throw new Error(`sefa: no style layer with index in [${want}]`);
  }
  const inDim = chosen[0].inDim;
  const outDim = chosen.reduce((s, w) => s + w.outDim, 0);
  const stacked = new Float64Array(inDim * outDim); // [inDim, Σ out]: the A's stacked (concatenated along the output axis)
  let off = 0;
  for (const w of chosen) {
    for (let i = 0; i < inDim; i++) for (let j = 0; j < w.outDim; j++) stacked[i * outDim + off + j] = w.weight[i * w.outDim + j];
    off += w.outDim;
  }
  const basis = sefaFromWeight(stacked, inDim, outDim, opts.k, opts);
  return { ...basis, space: isStyle ? 'w' : 'z', notes: [`SeFa on ${chosen.map((w) => `${w.layer} [${w.inDim}×${w.outDim}]`).join(', ')}`] };
}

type Sampler = Pick<Generator, 'samplePrior' | 'zDim'>;

function drawLatents(g: Sampler, seed: number, count: number): Float64Array {
  return Float64Array.from(g.samplePrior(seed, count));
}

function runBatched(fn: (x: tf.Tensor2D) => tf.Tensor, z: Float64Array, count: number, zDim: number, batch: number): { data: Float64Array; dim: number } {
  const parts: Float32Array[] = [];
  for (let s = 0; s < count; s += batch) {
    const b = Math.min(batch, count - s);
    parts.push(tf.tidy(() => fn(tf.tensor2d(Float32Array.from(z.subarray(s * zDim, (s + b) * zDim)), [b, zDim])).reshape([b, -1]).dataSync() as Float32Array));
  }
  const dim = parts[0].length / Math.min(batch, count);
  const data = new Float64Array(count * dim);
  let o = 0;
  for (const p of parts) { data.set(p, o); o += p.length; }
  return { data, dim };
}

/** GANSpace in W: PCA of w = mapZ(z) for `samples` prior draws. */
export function ganspaceW(g: Sampler & Pick<Generator, 'mapZ' | 'isStyleBased'>, opts: { k: number; samples?: number; seed?: number; batch?: number }): GlobalBasis {
  if (!g.isStyleBased) throw new Error('ganspaceW: this model has no W space; use ganspaceZ with its generator network');
  const count = opts.samples ?? 2000;
  const z = drawLatents(g, opts.seed ?? 0, count);
  const { data, dim } = runBatched((x) => g.mapZ(x), z, count, g.zDim, opts.batch ?? 256);
  const p = pca(data, count, dim, opts.k);
  return { method: 'ganspace', space: 'w', dim, k: opts.k, directions: p.components, values: p.variances, explained: p.variances.map((v) => v / p.totalVariance), notes: [`PCA of ${count} w samples`] };
}

/**
 * GANSpace in Z for a z-space generator network: PCA of the output of `layer` (default: the layer holding
 * the first weight on the latent, as in latentWeights — GANSpace's BigGAN default is likewise the first
 * linear layer), regressed back to Z on a fresh draw (seed + 1). Cost ∝ min(samples, D)²·max(samples, D).
 */
export function ganspaceZ(g: Sampler, model: tf.LayersModel, opts: { k: number; samples?: number; seed?: number; layer?: string; batch?: number }): GlobalBasis {
  const count = opts.samples ?? 512, seed = opts.seed ?? 0, batch = opts.batch ?? 128;
  const name = opts.layer ?? latentWeights(model)[0].layer;
  // Shares the model's layers and weights: must not be disposed (that would free the generator's weights).
  const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer(name).output as tf.SymbolicTensor });
  const act = (x: tf.Tensor2D) => sub.apply(x, { training: false }) as tf.Tensor;
  const zFit = drawLatents(g, seed, count);
  const fit = runBatched(act, zFit, count, g.zDim, batch);
  const zReg = drawLatents(g, seed + 1, count);
  const reg = runBatched(act, zReg, count, g.zDim, batch);
  const basis = ganspaceFromActivations({ activations: fit.data, count, dim: fit.dim }, { activations: reg.data, latents: zReg, count }, g.zDim, opts.k);
  return { ...basis, notes: [`layer '${name}': ${basis.notes[0]}`] };
}
