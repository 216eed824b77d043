/**
 * An explicit W or W+ code as the explorer's latent (an inversion's result in W or W+, "Explore from here").
 *
 * Every job and frame works from a z and a generator (zOf, mapZ, latentIn), as truncation.ts does for ψ; so a
 * W code w* is served the same way: by a *view* of the generator anchored at a z_a whose image under the view
 * is exactly the code. The view's mapping is the model's shifted by a constant, f'(z) = f(z) + δ with
 * δ = w̄* − f(z_a) (w̄* the code, or the mean of a W+ code's layers), and for a W+ code its broadcast adds each
 * layer's own offset Δₗ = w*ₗ − w̄*. Then:
 * - frames, edits, metric bases and their rates, montages in W and W+ see exactly the code (the synthesis
 *   network at w* and its derivatives there, a W direction applied to every layer for a W+ code);
 * - z_a is the z whose f(z) is nearest w̄* (the best of ANCHOR_CANDIDATES prior samples, refined by Adam),
 *   so the Local Basis and the curve walk use the mapping's Jacobian at the nearest point of f(Z), and the
 *   curve walk follows f(Z) translated by δ so that it starts at the inverted image (notes say how far δ is);
 * - global bases (average, GANSpace, SeFa) belong to the model, not the view: engine/basis.ts computes their
 *   directions on `anchorOf(view).base`;
 * - a W code has no z of the model's own: kinds that need one (likelihood, search) refuse it, and Z as the
 *   explorer's space is replaced by W (app/state/keys.ts effectiveSpace).
 * Views are cached per generator and code (WeakMap: a model swap drops them); never dispose a view.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dual, ForwardFallback } from '../model/forward/dual';
import type { Generator } from '../model/generator';
import { atTruncation } from './truncation';
import type { LatentSpec } from './types';

/** Prior samples searched for the anchor, its seed, and the Adam steps that refine it. */
export const ANCHOR_CANDIDATES = 256;
const ANCHOR_SEED = 0xa7c4;
const ANCHOR_STEPS = 100;
const ANCHOR_LR = 0.05;
const MAX_VIEWS = 8;

export interface Anchor {
  /** The model the view belongs to. */
  base: Generator;
  /** 'w' for a code of wDim values, 'wplus' for one of styleLayers·wDim. */
  kind: 'w' | 'wplus';
  /** The code, flat. */
  code: Float32Array;
  /** z_a, the anchor: f(z_a) is the point of f(Z) nearest the (layer-mean) code. */
  z: Float32Array;
  /** ‖δ‖ = ‖w̄* − f(z_a)‖ and ‖w̄*‖: how far the code lies off the mapping's image. */
  offset: number;
  norm: number;
}

const anchors = new WeakMap<Generator, Anchor>();
const views = new WeakMap<Generator, Map<string, Generator>>();

export function isCodeLatent(latent: unknown): latent is { w: number[] } {
  return typeof latent === 'object' && latent !== null && 'w' in latent;
}

/** The anchor of a view made here, or undefined for any other generator. */
export function anchorOf(g: Generator): Anchor | undefined {
  return anchors.get(g);
}

/** A W or W+ code checked against the model: its kind and values, or one sentence. */
function checkedCode(g: Generator, w: unknown): { kind: 'w' | 'wplus'; code: Float32Array } {
  if (!g.isStyleBased || g.wDim === undefined) throw new Error(`Model '${g.manifest.id}' has no W space, so a W code cannot be shown; give a seed or a z.`);
  const wDim = g.wDim, L = g.styleLayers!;
  if (!Array.isArray(w) || (w.length !== wDim && w.length !== L * wDim)) {
    throw new Error(`A W code of this model has ${wDim} values (W) or ${L * wDim} (W+, ${L} layers of ${wDim}); got ${Array.isArray(w) ? w.length : 'none'}.`);
  }
  if (!w.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new Error('The W code contains a value that is not a finite number.');
  return { kind: w.length === wDim ? 'w' : 'wplus', code: Float32Array.from(w) };
}

/** The mean over layers of a W+ code (the code itself for W). */
function layerMean(code: Float32Array, wDim: number): Float32Array {
  const L = code.length / wDim;
  const out = new Float32Array(wDim);
  for (let l = 0; l < L; l++) for (let i = 0; i < wDim; i++) out[i] += code[l * wDim + i] / L;
  return out;
}

/** z whose f(z) is nearest `target` in W: the best prior sample, then Adam on ‖f(z) − target‖². Deterministic. */
function nearestZ(g: Generator, target: Float32Array): { z: Float32Array; offset: number } {
  const n = g.zDim;
  const zs = g.samplePrior(ANCHOR_SEED, ANCHOR_CANDIDATES);
  const d = tf.tidy(() => tf.sum(tf.square(tf.sub(g.mapZ(tf.tensor2d(zs, [ANCHOR_CANDIDATES, n])), tf.tensor2d(target, [1, target.length]))), 1));
  const dist = d.dataSync();
  d.dispose();
  let best = 0;
  for (let i = 1; i < ANCHOR_CANDIDATES; i++) if (dist[i] < dist[best]) best = i;
  const z = Float64Array.from(zs.subarray(best * n, (best + 1) * n));
  const m1 = new Float64Array(n), m2 = new Float64Array(n);
  const w = tf.tensor2d(target, [1, target.length]);
  const loss = (zt: tf.Tensor) => tf.sum(tf.square(tf.sub(g.mapZ(zt as tf.Tensor2D), w))) as tf.Scalar;
  try {
    for (let step = 0; step < ANCHOR_STEPS; step++) {
      const grad = tf.tidy(() => tf.grad(loss)(tf.tensor2d(Float32Array.from(z), [1, n])));
      const gv = grad.dataSync();
      grad.dispose();
      for (let i = 0; i < n; i++) {
        m1[i] = 0.9 * m1[i] + 0.1 * gv[i];
        m2[i] = 0.999 * m2[i] + 0.001 * gv[i] * gv[i];
        z[i] -= (ANCHOR_LR * (m1[i] / (1 - 0.9 ** (step + 1)))) / (Math.sqrt(m2[i] / (1 - 0.999 ** (step + 1))) + 1e-8);
      }
    }
    const zf = Float32Array.from(z);
    const final = tf.tidy(() => loss(tf.tensor2d(zf, [1, n])));
    const offset = Math.sqrt(final.dataSync()[0]);
    final.dispose();
    // Adam may wander off a good start on a flat mapping: keep the better of the two.
    return offset <= Math.sqrt(dist[best]) ? { z: zf, offset } : { z: zs.slice(best * n, (best + 1) * n), offset: Math.sqrt(dist[best]) };
  } finally {
    w.dispose();
  }
}

/** The view of `g` whose image of its anchor z is the code `w` (see the header). Never dispose it. */
export function anchoredGenerator(g: Generator, w: unknown): Generator {
  const { kind, code } = checkedCode(g, w);
  const key = Array.from(code).join(',');
  let cache = views.get(g);
  if (!cache) views.set(g, (cache = new Map()));
  const hit = cache.get(key);
  if (hit) return hit;
  const wDim = g.wDim!, L = g.styleLayers!;
  const mean = layerMean(code, wDim);
  const { z, offset } = nearestZ(g, mean);
  const fz = tf.tidy(() => g.mapZ(tf.tensor2d(z, [1, g.zDim])));
  const fzv = fz.dataSync();
  fz.dispose();
  const delta = Float32Array.from(mean, (v, i) => v - fzv[i]);
  const layers = kind === 'wplus' ? Float32Array.from(code, (v, j) => v - mean[j % wDim]) : null;
  const props: PropertyDescriptorMap = {
    mapZ: {
      value: (zt: tf.Tensor2D): tf.Tensor2D => tf.tidy(() => tf.add(g.mapZ(zt), tf.tensor2d(delta, [1, wDim])) as tf.Tensor2D),
    },
    // A constant shift: tangents are the mapping's own.
    mapZForward: {
      value: (zd: Dual) => {
        const inner = g.mapZForward!(zd);
        const shift = tf.tensor2d(delta, [1, wDim]);
        const primal = tf.add(inner.w.primal, shift);
        shift.dispose();
        return { w: { primal, tangent: inner.w.tangent }, fallbacks: inner.fallbacks };
      },
    },
    dispose: { value: () => undefined },
  };
  if (layers) {
    const offsets = () => tf.tensor3d(layers, [1, L, wDim]);
    // W → W+ adds each layer's offset to the primal only; a tangent is broadcast as it is (pushForward below).
    props.broadcastW = { value: (wt: tf.Tensor2D): tf.Tensor3D => tf.tidy(() => tf.add(g.broadcastW(wt), offsets()) as tf.Tensor3D) };
    props.pushForward = {
      value(this: Generator, latent: tf.Tensor, directions: tf.Tensor, space: 'z' | 'w' | 'wplus' = 'z') {
        if (space === 'wplus') return g.pushForward!(latent, directions, 'wplus');
        let wd: Dual = { primal: latent, tangent: directions };
        const fallbacks: ForwardFallback[] = [];
        if (space === 'z') {
          const mapped = this.mapZForward!(wd);
          wd = mapped.w;
          fallbacks.push(...mapped.fallbacks);
        }
        const primal = tf.tidy(() => tf.add(g.broadcastW(wd.primal as tf.Tensor2D), offsets()));
        const tangent = wd.tangent && g.broadcastW(wd.tangent as tf.Tensor2D);
        const out = g.pushForward!(primal, tangent ?? tf.zerosLike(primal), 'wplus');
        return { image: out.image, fallbacks: [...fallbacks, ...out.fallbacks] };
      },
    };
  }
  const view: Generator = Object.create(g, props);
  anchors.set(view, { base: g, kind, code, z, offset, norm: Math.hypot(...mean) });
  if (cache.size >= MAX_VIEWS) cache.delete(cache.keys().next().value!);
  cache.set(key, view);
  return view;
}

/**
 * The generator and z-latent a request's latent means: for a W or W+ code the anchored view and its anchor z,
 * for a truncated seed the truncated view (truncation.ts), otherwise `g` and the latent as given.
 */
export function atLatent(g: Generator, latent: LatentSpec): { g: Generator; latent: LatentSpec } {
  if (!isCodeLatent(latent)) return atTruncation(g, latent);
  const view = anchoredGenerator(g, latent.w);
  return { g: view, latent: { z: Array.from(anchors.get(view)!.z) } };
}

/** One sentence on where an anchored view's z comes from, for notes (empty for any other generator). */
export function anchorNote(g: Generator): string[] {
  const a = anchorOf(g);
  if (!a) return [];
  return [`A ${a.kind === 'w' ? 'W' : 'W+'} code: the mapping's Jacobian is taken at the z whose image is nearest it (‖f(z) − w̄‖ = ${a.offset.toPrecision(3)}, ‖w̄‖ = ${a.norm.toPrecision(3)}), and f(Z) is translated by that gap so that walks start at the code.`];
}
