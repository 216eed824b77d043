/**
 * Which style layers hold which factor (beyond the papers; issue 13: "which W layer range holds hair colour?").
 *
 * StyleGAN's claim (Karras et al. 2019, style mixing): the coarse styles set pose and face shape, the middle ones
 * features such as the eyes and mouth, the fine ones the colour scheme. With a probe that reads every factor of a
 * procedural data set, the claim can be measured instead of eyeballed.
 *
 * For a style range R = [a, b) of the L style inputs, move W on those layers only: the W basis vector eᵢ placed
 * on layers a…b−1 of the W+ code (the edit the app's layer control and `atlas traverse --layers` make). At the
 * W+ code x₀ of a sample, with p the probe's targets and φ the image features (mse):
 *
 *   factor energy  E_f(R) = Σᵢ ‖∂/∂t p_{t∈f}(G(x₀ + t·eᵢ⊗1_R))‖² / range_f²  = ‖J_{f,R}‖²_F / range_f²
 *   image energy   E(R)   = Σᵢ ‖∂/∂t φ(G(x₀ + t·eᵢ⊗1_R))‖²                 = tr H_R
 *
 * (the squared Frobenius norm of the factor's Jacobian with respect to the W code on R, in fractions of the
 * factor's range; the trace of the metric of that layer-restricted move). A sum over an orthonormal basis of W,
 * so it does not depend on which basis: no direction-finding method is involved.
 *
 * Reported per factor: its share of energy in each range, E_f(R)/Σ_R' E_f(R') — where the factor lives — beside
 * each range's share of image energy E(R)/Σ E(R'), the control: a factor whose fine share is far above the fine
 * layers' share of all image change is concentrated there, one that follows the image shares is not.
 */
import * as tf from '@tensorflow/tfjs';
import type { AnchoredDistance } from '../distance';
import type { Dual, ForwardFallback } from '../model/forward/dual';
import type { Generator } from '../model/generator';
import { directionalRates, factorColumns, responseForward, type DirectionalRates, type FactorGroup } from './factorScore';
import { layerRange, type LayerRange } from './traversal';

/** The ranges a style model's W+ input is split into (traversal.ts layerRange: thirds of the style inputs). */
export const STYLE_RANGES: readonly Exclude<LayerRange, 'all'>[] = ['coarse', 'middle', 'fine'];

/**
 * The W basis vectors e₀…e_{wDim−1} each placed on style layers [start, end) of a W+ code: wDim directions of
 * L·wDim entries, row-major (layer-major inside a row, as the W+ tensor [L, wDim] flattens).
 */
export function layerRangeDirections(styleLayers: number, wDim: number, [start, end]: [number, number]): Float64Array {
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= styleLayers && end > start)) {
    throw new Error(`layerRangeDirections: layers [${start}, ${end}) are not a range of the ${styleLayers} style inputs`);
  }
  const n = styleLayers * wDim;
  const out = new Float64Array(wDim * n);
  for (let i = 0; i < wDim; i++) for (let l = start; l < end; l++) out[i * n + l * wDim + i] = 1;
  return out;
}

/** Σ over the directions of the squared image rate, and of each factor's squared rate in fractions of its range. */
export function factorEnergies(rates: DirectionalRates, targetNames: readonly string[], groups: readonly FactorGroup[]): { image: number; factors: Float64Array } {
  const { k, targets: T } = rates;
  if (targetNames.length !== T) throw new Error(`factorEnergies: ${targetNames.length} target names for ${T} targets`);
  const cols = factorColumns(groups, targetNames, 'factorEnergies');
  let image = 0;
  const factors = new Float64Array(groups.length);
  for (let i = 0; i < k; i++) {
    image += rates.imageRates[i] ** 2;
    groups.forEach((g, f) => {
      let sq = 0;
      for (const c of cols[f]) sq += rates.targetRates[i * T + c] ** 2;
      factors[f] += sq / (g.range ?? 1) ** 2;
    });
  }
  return { image, factors };
}

export interface RangeEnergy {
  range: Exclude<LayerRange, 'all'>;
  /** The style inputs [start, end) of the range. */
  layers: [number, number];
  image: number;
  /** One per factor group, in the groups' order. */
  factors: number[];
}

/**
 * The energies of every style range at one W+ code x₀ [1, L, wDim], in one batched forward pass per range
 * (responseForward: generator, distance features and probe targets together). `readout` maps images to the
 * probe's targets [B, T]; `pushReadout` is its forward mode. No tensor outlives the call.
 */
export async function rangeEnergiesAt(
  g: Generator, x0: tf.Tensor, dist: AnchoredDistance,
  probe: { names: readonly string[]; read: (images: tf.Tensor4D) => tf.Tensor; pushForward: (image: Dual) => { out: Dual; fallbacks: ForwardFallback[] } },
  groups: readonly FactorGroup[],
): Promise<RangeEnergy[]> {
  const L = g.styleLayers, wDim = g.wDim;
  if (!g.isStyleBased || !L || !wDim) throw new Error(`Layer ranges need a style model with W+ input; ${g.manifest.id} has none.`);
  const maps = {
    render: (x: tf.Tensor) => g.generate(x, 'wplus'),
    imageFeatures: (img: tf.Tensor) => dist.features(img as tf.Tensor4D),
    readout: (img: tf.Tensor) => probe.read(img as tf.Tensor4D),
    forward: responseForward(g, 'wplus', dist, probe.pushForward),
  };
  const out: RangeEnergy[] = [];
  for (const range of STYLE_RANGES) {
    const layers = layerRange(L, range);
    const rates = await directionalRates(maps, x0, layerRangeDirections(L, wDim, layers));
    const e = factorEnergies(rates, probe.names, groups);
    out.push({ range, layers, image: e.image, factors: Array.from(e.factors) });
  }
  return out;
}

export interface LayerShares {
  /** Per range: its share of the image energy summed over ranges (the control). */
  imageShares: Record<string, number>;
  /** Per factor, per range: the factor's share of its energy summed over ranges. */
  factorShares: Record<string, Record<string, number>>;
  /** Per factor: the range holding most of it, and its share there over that range's image share (> 1: concentrated there). */
  home: Record<string, { range: string; share: number; concentration: number }>;
}

/** Shares of energies summed over positions (one RangeEnergy[] per position, ranges in STYLE_RANGES order). */
export function layerShares(perPosition: readonly RangeEnergy[][], factorNames: readonly string[]): LayerShares {
  if (perPosition.length === 0) throw new Error('layerShares: no positions');
  const ranges = perPosition[0].map((r) => r.range);
  const imageSum = ranges.map((_, r) => perPosition.reduce((s, p) => s + p[r].image, 0));
  const imageTotal = imageSum.reduce((a, b) => a + b, 0);
  const image = Object.fromEntries(ranges.map((name, r) => [name, imageSum[r] / imageTotal]));
  const factors: LayerShares['factorShares'] = {};
  const home: LayerShares['home'] = {};
  factorNames.forEach((f, j) => {
    const sums = ranges.map((_, r) => perPosition.reduce((s, p) => s + p[r].factors[j], 0));
    const total = sums.reduce((a, b) => a + b, 0);
    factors[f] = Object.fromEntries(ranges.map((name, r) => [name, total > 0 ? sums[r] / total : NaN]));
    let top = 0;
    sums.forEach((v, r) => { if (v > sums[top]) top = r; });
    const share = total > 0 ? sums[top] / total : NaN;
    home[f] = { range: ranges[top], share, concentration: share / image[ranges[top]] };
  });
  return { imageShares: image, factorShares: factors, home };
}
