/**
 * The curve walk job (orchestration; the math is geometry/curveTraversal.ts and traversal.ts).
 *
 * Curve walk vs straight walk (Choi et al. §3.2, Fig. 3–4): from w₀ = f(z), the Iterative Curve-Traversal
 * (geometry/curveTraversal, re-linearising the mapping network at every piece, so the path stays on f(Z))
 * and the straight line w₀ + t·v_k along the same initial Local Basis direction, with the same W length I
 * in the same number of pieces. Both paths are rendered through W and projected onto the plane of the
 * first two Local Basis directions at the start, where the straight path is a line by construction and the
 * curve shows how the manifold bends away from it.
 */
import * as tf from '@tensorflow/tfjs';
import { curveTraversalOfGenerator } from '../geometry/curveTraversal';
import { localBasisOfGenerator } from '../geometry/localBasis';
import { linearPath, planeCoordinates } from '../geometry/traversal';
import type { Generator } from '../model/generator';
import { MAX_CURVE_STEPS, MAX_INTENSITY } from '../state/vocabulary';
import type { JobContext } from './jobContext';
import { anchorNote } from './explicitLatent';
import { zOf } from './latent';
import { checkInt, checkPositive } from './requests';
import type { LatentSpec } from './types';

export interface CurveWalkRequest {
  latent: LatentSpec;
  /** Local Basis direction (0-based) to depart along; one with σ > 1e-6·σ₁. */
  index: number;
  /** N pieces. */
  steps: number;
  /** I, the total W path length. */
  intensity: number;
  sign?: 1 | -1;
}

export interface CurveWalk {
  /** N+1 frames of the curve walk (Choi Alg. 2) and of the linear walk along the same initial direction. */
  width: number;
  height: number;
  curveRgba: Uint8ClampedArray;
  linearRgba: Uint8ClampedArray;
  /** The paths' W coordinates on the first two Local Basis directions at the start (x, y per point). */
  curvePlane: [number, number][];
  linearPlane: [number, number][];
  /** How the walk was set up when that needs saying (a W or W+ code's anchor). */
  notes: string[];
  ms: number;
}


/** Limits (src/state/vocabulary); the cap on I (W path length): W coordinates are O(1), far beyond is meaningless. */
export { MAX_CURVE_STEPS, MAX_INTENSITY } from '../state/vocabulary';
/** Images per batch through the synthesis network. */
const FRAME_BATCH = 8;

export async function computeCurveWalk(g: Generator, req: CurveWalkRequest, ctx: JobContext): Promise<CurveWalk> {
  const t0 = performance.now();
  if (!req || typeof req !== 'object') throw new Error('A curve walk request must be an object.');
  if (!g.isStyleBased) throw new Error('A curve walk follows the image of the mapping network in W, and this model has no mapping network.');
  const steps = checkInt(req.steps, 1, MAX_CURVE_STEPS, 'The number of steps');
  const intensity = checkPositive(req.intensity, MAX_INTENSITY, 'The intensity');
  const sign = req.sign ?? 1;
  if (sign !== 1 && sign !== -1) throw new Error('The sign must be 1 or -1.');
  const z = zOf(g, req.latent);
  const wDim = g.wDim!;

  await ctx.checkpoint();
  const start = localBasisOfGenerator(g, z);
  let usable = 0;
  while (usable < start.r && start.singularValues[usable] > 1e-6 * start.singularValues[0]) usable++;
  const index = checkInt(req.index, 0, Math.max(0, usable - 1), 'The direction index');
  ctx.progress('curve', 0, steps);
  // Synchronous (every piece is one mapping-network Jacobian, a few ms for small mappings); cancellation is
  // honoured before and after it.
  const curve = curveTraversalOfGenerator(g, z, {
    intensity, steps, index, sign, onStep: (done, planned) => ctx.progress('curve', done, planned),
  });
  await ctx.checkpoint();

  const points = curve.points;
  const v = start.wDirections.subarray(index * wDim, (index + 1) * wDim);
  const linear = linearPath(start.w, v, Array.from({ length: points }, (_, i) => (sign * intensity * i) / steps));
  const plane = (path: Float64Array) => planeCoordinates(path, points, start.w, start.wDirections, start.r) as [number, number][];

  const curveRgba = await renderW(g, curve.w, points, ctx, 'frames: curve');
  const linearRgba = await renderW(g, linear, points, ctx, 'frames: straight');
  const [height, width] = g.outputShape;
  return { width, height, curveRgba, linearRgba, curvePlane: plane(curve.w), linearPlane: plane(linear), notes: anchorNote(g), ms: performance.now() - t0 };
}

/** RGBA frames of `count` w rows, batched with a cancellation checkpoint between batches. */
async function renderW(g: Generator, w: Float64Array, count: number, ctx: JobContext, phase: string): Promise<Uint8ClampedArray> {
  const wDim = g.wDim!;
  const [height, width] = g.outputShape;
  const frame = width * height * 4;
  const out = new Uint8ClampedArray(count * frame);
  for (let s = 0; s < count; s += FRAME_BATCH) {
    await ctx.checkpoint();
    const b = Math.min(FRAME_BATCH, count - s);
    const images = tf.tidy(() => g.generate(tf.tensor2d(Float32Array.from(w.subarray(s * wDim, (s + b) * wDim)), [b, wDim]), 'w'));
    try {
      out.set(await g.toRGBA(images), s * frame);
    } finally {
      images.dispose();
    }
    ctx.progress(phase, s + b, count);
  }
  return out;
}
