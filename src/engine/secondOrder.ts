/**
 * Can exact derivatives run through a model? Exact Jacobian-vector products go by forward mode
 * (src/model/forward), which needs only first derivatives: every layer has a rule or is pushed by its own
 * local derivatives. A generator that cannot push forward (one not built from tf.LayersModels) takes JVPs
 * by differentiating a gradient (the double-VJP trick), which fails for layers whose gradient has no
 * gradient of its own (tf.layers.upSampling2d's ResizeNearestNeighborGrad, for one). Such a model still
 * renders, and finite differences need first derivatives only, so jobs fall back to `fd` for it and say
 * why (FD_FALLBACK), instead of letting the raw TF.js error reach the user.
 *
 * A job first takes the exact route; only when it fails is the model probed (one double-VJP JVP through G
 * at a prior sample, cached per generator), so models that work pay nothing (on WebGL and WebGPU a probe
 * would compile shaders of its own). A failed probe means the exact route cannot be used for this model,
 * whatever the message says: the job runs again with fd, and later jobs on the model go to fd directly.
 * (TF.js keeps the tensors a failed second-order gradient had saved for its tape, ≈ 70 for the test
 * fixture: once per such model, since later jobs never try the exact route again.)
 */
import * as tf from '@tensorflow/tfjs';
import { jvpDoubleVjp } from '../geometry/hvp';
import type { Generator } from '../model/generator';
import { isCancelled } from '../util/jobContext';

export const FD_FALLBACK =
  'This model cannot be differentiated in forward mode and has a layer that TF.js cannot differentiate twice (nearest-neighbour upsampling is one), so the metric and the rates ' +
  'are computed by finite differences (fd) instead of exact derivatives: a little less accurate, and slower.';

const probed = new WeakMap<Generator, boolean>();
/** Generators whose exact route failed for want of second derivatives: later jobs go to fd directly. */
const exactFailed = new WeakSet<Generator>();

/** True when a JVP by the double-VJP trick runs through the whole generator (cached per generator). */
export function hasSecondOrderGradients(g: Generator): boolean {
  const hit = probed.get(g);
  if (hit !== undefined) return hit;
  const [h, w, c] = g.outputShape;
  let ok = true;
  try {
    tf.tidy(() => {
      const x0 = tf.tensor2d(g.samplePrior(0, 1), [1, g.zDim]);
      const v = tf.oneHot([0], g.zDim).toFloat() as tf.Tensor2D;
      const jv = jvpDoubleVjp({ f: (x) => g.generate(x, 'z').reshape([x.shape[0], h * w * c]) as tf.Tensor2D, x0, m: h * w * c }, v);
      jv.dataSync();
    });
  } catch {
    ok = false;
  }
  probed.set(g, ok);
  return ok;
}

/**
 * Run `job` with exact derivatives, or with fd for a model found to lack second-order gradients (then
 * `fellBack` is true). `asked` is the request's own choice, which is taken as it is.
 */
export async function withDerivatives<R>(g: Generator, asked: 'exact' | 'fd' | undefined, job: (d: 'exact' | 'fd') => Promise<R>): Promise<{ result: R; fellBack: boolean }> {
  if (asked !== undefined) return { result: await job(asked), fellBack: false };
  if (exactFailed.has(g)) return { result: await job('fd'), fellBack: true };
  try {
    return { result: await job('exact'), fellBack: false };
  } catch (e) {
    // A cancellation or any failure of a model that does have second-order gradients is the job's own.
    if (isCancelled(e) || hasSecondOrderGradients(g)) throw e;
    exactFailed.add(g);
    return { result: await job('fd'), fellBack: true };
  }
}

/**
 * TF.js's own message for a missing second-order gradient, turned into one plain sentence; any other
 * error is returned as it is. A safety net for paths the probe does not cover (a distance's own network).
 */
export function plainDerivativeError(e: unknown): unknown {
  const message = e instanceof Error ? e.message : String(e);
  if (/gradient function not found|Cannot compute gradient/i.test(message)) {
    return new Error('This computation needs a second derivative that TF.js does not have for one of this model\'s layers; try the fd-based bases, or another distance.');
  }
  return e;
}
