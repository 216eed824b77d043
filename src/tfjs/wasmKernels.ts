/**
 * Kernels the tfjs 4.22 wasm backend lacks or runs slowly, composed from its fast kernels.
 *
 * - `Conv2DBackpropFilter` is not registered at all on wasm, so no conv weight gradient can be taken.
 *   The filter gradient is itself a convolution: with batch and channel axes swapped, x ⋆ dy, where the
 *   forward stride becomes the dilation.
 * - `Conv2DBackpropInput` (the input gradient, also conv-transpose's forward) is a naive loop on wasm.
 *   It equals a stride-1 convolution of the zero-dilated dy with the flipped, in/out-swapped filter.
 * - `BatchMatMul` with a transpose flag is 15–25× slower than without; transposing first is cheaper.
 *
 * Each kernel is computed with ordinary ops (which dispatch to wasm kernels); while a kernel runs the
 * engine does not record a gradient tape, so only the kernel-level op is differentiated. The result's
 * buffer is handed to the engine with one extra reference so disposing our temporary keeps the data.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';

type ConvAttrs = {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

type RefCounted = { incRef(id: object): void };

/**
 * Run `f` on the kernel's inputs as ordinary tensors and hand its result to the engine as the kernel's
 * output. Wrapping an input takes a reference on its buffer (so disposing the wrapper cannot free the
 * caller's data); the result gets one extra reference before our temporary handle is disposed.
 */
function composite(backend: unknown, inputs: TensorInfo[], f: (...ts: tf.Tensor[]) => tf.Tensor): TensorInfo {
  const rc = backend as unknown as RefCounted;
  const out = tf.tidy(() => {
    const ts = inputs.map((info) => {
      rc.incRef(info.dataId);
      return tf.engine().makeTensorFromTensorInfo(info);
    });
    return f(...ts);
  });
  rc.incRef(out.dataId);
  const info = { dataId: out.dataId, shape: out.shape, dtype: out.dtype };
  out.dispose();
  return info;
}

/** Insert s−1 zeros between rows and columns of a [B, H, W, C] tensor (4-D ops only; 6-D is slow). */
function dilate(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  let y: tf.Tensor4D = x;
  if (sw > 1) {
    y = tf.pad(y.reshape([b * h, w, 1, c]), [[0, 0], [0, 0], [0, sw - 1], [0, 0]])
      .reshape([b, h, w * sw, c])
      .slice([0, 0, 0, 0], [b, h, (w - 1) * sw + 1, c]) as tf.Tensor4D;
  }
  if (sh > 1) {
    const w2 = y.shape[2];
    y = tf.pad(y.reshape([b * h, 1, w2 * c]), [[0, 0], [0, sh - 1], [0, 0]])
      .reshape([b, h * sh, w2, c])
      .slice([0, 0, 0, 0], [b, (h - 1) * sh + 1, w2, c]) as tf.Tensor4D;
  }
  return y;
}

/** Pad (or crop, for negative amounts) the two spatial axes of a [B, H, W, C] tensor. */
function padOrCrop(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const ct = Math.max(0, -top), cb = Math.max(0, -bottom), cl = Math.max(0, -left), cr = Math.max(0, -right);
  let y = x;
  if (ct || cb || cl || cr) y = y.slice([0, ct, cl, 0], [b, h - ct - cb, w - cl - cr, c]);
  const pt = Math.max(0, top), pb = Math.max(0, bottom), pl = Math.max(0, left), pr = Math.max(0, right);
  if (pt || pb || pl || pr) y = tf.pad(y, [[0, 0], [pt, pb], [pl, pr], [0, 0]]);
  return y;
}

function convInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs) {
  if (attrs.dataFormat === 'NCHW') throw new Error('wasm conv gradients: only NHWC is supported');
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}

/** dW[kh,kw,ci,co] = Σ_{b,i,j} x[b, i·s+kh−top, j·s+kw−left, ci] · dy[b,i,j,co]. */
export function conv2dFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], attrs: ConvAttrs): tf.Tensor4D {
  const info = convInfo(x.shape, filterShape, attrs);
  const [kh, kw] = filterShape;
  const { top, left } = info.padInfo;
  const sh = info.strideHeight, sw = info.strideWidth;
  const oh = info.outHeight, ow = info.outWidth;
  return tf.tidy(() => {
    const xT = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D; // [ci, H, W, B]
    const dyT = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [oh, ow, B, co]
    const H = x.shape[1], W = x.shape[2];
    const bottom = kh + (oh - 1) * sh - H - top;
    const right = kw + (ow - 1) * sw - W - left;
    const xp = padOrCrop(xT, top, bottom, left, right);
    const g = tf.conv2d(xp, dyT, 1, 'valid', 'NHWC', [sh, sw]); // [ci, kh, kw, co]
    return tf.transpose(g, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/**
 * The filter rotated by 180° in space, with in and out channels swapped: f'[i,j,o,c] = f[kh−1−i, kw−1−j, c, o].
 * Flipping both spatial axes reverses their flattened product (i·kw + j ↦ taps−1−(i·kw + j)), done as a
 * product with the anti-identity: wasm's `Reverse` (and `Gather`) took ≈ 2.5 ms on one 3×3×64×64 filter,
 * the matmul ≈ 0.5 ms. It is exact: every output is one weight times 1 plus zeros (a NaN weight would
 * spread to the other taps of its channel pair, but the gradient is NaN then anyway).
 */
function flippedSwapped(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, ci, co] = filter.shape;
  const taps = kh * kw;
  const antiIdentity = tf.tensor2d(Array.from({ length: taps * taps }, (_, k) => (Math.floor(k / taps) + (k % taps) === taps - 1 ? 1 : 0)), [taps, taps]);
  const rows = tf.transpose(filter, [0, 1, 3, 2]).reshape([taps, co * ci]);
  return tf.matMul(antiIdentity, rows).reshape([kh, kw, co, ci]);
}

/** dx = (dy dilated by the stride) ⋆ (filter flipped, in/out swapped), stride 1. */
export function conv2dInputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: number[], attrs: ConvAttrs): tf.Tensor4D {
  const info = convInfo(inputShape, filter.shape, attrs);
  const [kh, kw] = filter.shape;
  const { top, left } = info.padInfo;
  const sh = info.strideHeight, sw = info.strideWidth;
  const H = inputShape[1], W = inputShape[2];
  return tf.tidy(() => {
    const dyD = dilate(dy, sh, sw);
    const padTop = kh - 1 - top;
    const padLeft = kw - 1 - left;
    const padBottom = H + kh - 1 - dyD.shape[1] - padTop;
    const padRight = W + kw - 1 - dyD.shape[2] - padLeft;
    const dyP = padOrCrop(dyD, padTop, padBottom, padLeft, padRight);
    return tf.conv2d(dyP, flippedSwapped(filter), 1, 'valid');
  });
}

const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const a = attrs as unknown as ConvAttrs & { filterShape: number[] };
    return composite(backend, [x, dy], (xt, dyt) =>
      conv2dFilterGradient(xt as tf.Tensor4D, dyt as tf.Tensor4D, a.filterShape, a));
  },
};

const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as unknown as ConvAttrs & { inputShape: number[] };
    return composite(backend, [dy, filter], (dyt, ft) =>
      conv2dInputGradient(dyt as tf.Tensor4D, ft as tf.Tensor4D, a.inputShape, a));
  },
};

let installed = false;

/**
 * Register the replacement kernels on the wasm backend (idempotent). Call before the wasm backend
 * initialises (i.e. before `setBackend('wasm')`), so the kept wasm matmul's setup still runs.
 * Replacing a registered kernel requires unregistering it first (tfjs warns otherwise).
 */
export function installWasmKernels(): void {
  if (installed) return;
  installed = true;
  const originalMatMul = tf.getKernel('BatchMatMul', 'wasm');
  for (const cfg of [conv2DBackpropFilterConfig, conv2DBackpropInputConfig]) {
    if (tf.getKernel(cfg.kernelName, 'wasm')) tf.unregisterKernel(cfg.kernelName, 'wasm');
    tf.registerKernel(cfg);
  }
  if (originalMatMul) {
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel({
      kernelName: 'BatchMatMul',
      backendName: 'wasm',
      // The wasm kernel binds its C function in setupFunc, run when the backend initialises.
      setupFunc: originalMatMul.setupFunc,
      kernelFunc: (args) => {
        const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
        const attrs = args.attrs as { transposeA: boolean; transposeB: boolean };
        if (!attrs.transposeA && !attrs.transposeB) return originalMatMul.kernelFunc(args);
        // Transpose explicitly, then use the fast untransposed path.
        const swapLast = (t: tf.Tensor) => {
          const perm = t.shape.map((_, i) => i);
          const r = perm.length;
          [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
          return tf.transpose(t, perm);
        };
        return composite(args.backend, [a, b], (ta, tb) =>
          tf.matMul(attrs.transposeA ? swapLast(ta) : ta, attrs.transposeB ? swapLast(tb) : tb));
      },
    });
  }
}
