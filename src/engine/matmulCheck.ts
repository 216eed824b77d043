/**
 * A self-check of transposed matmuls on the current backend. tfjs 4.22's WebGPU split-K matmul returned
 * wrong results for transposeB with K % 4 = 0 (found here; backend.ts sets WEBGPU_MATMUL_PROGRAM_TYPE to
 * work around it). The metric's double-VJP runs through exactly such products, so this check multiplies
 * seeded matrices of shapes that select the small-output / long-K programs, in both transpose modes,
 * and compares with float64 loops.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../util/random';

/** [M, N, K]: small outputs with long K (split-K territory) and one ordinary shape. */
export const MATMUL_CHECK_SHAPES: readonly [number, number, number][] = [[8, 8, 4096], [16, 32, 2048], [32, 16, 1024], [1, 64, 4096], [64, 64, 256]];

export interface MatmulCheck {
  backend: string;
  /** Worst |ours − exact| / max|exact| over all shapes and transpose modes. */
  maxRelError: number;
  cases: { m: number; n: number; k: number; transposeB: boolean; relError: number }[];
}

export async function checkTransposedMatmul(): Promise<MatmulCheck> {
  const rng = new Rng(4242);
  const cases: MatmulCheck['cases'] = [];
  for (const [m, n, k] of MATMUL_CHECK_SHAPES) {
    const a = rng.normals(m * k);
    const b = rng.normals(k * n); // b as [K, N]
    const exact = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[i * k + t] * b[t * n + j];
      exact[i * n + j] = s;
    }
    const scale = Math.max(...exact.map(Math.abs)) || 1;
    for (const transposeB of [false, true]) {
      const out = tf.tidy(() => {
        const ta = tf.tensor2d(a, [m, k]);
        const tb = tf.tensor2d(b, [k, n]);
        return transposeB ? tf.matMul(ta, tb.transpose(), false, true) : tf.matMul(ta, tb);
      });
      const got = await out.data();
      out.dispose();
      let worst = 0;
      for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(got[i] - exact[i]));
      cases.push({ m, n, k, transposeB, relError: worst / scale });
    }
  }
  return { backend: tf.getBackend(), maxRelError: Math.max(...cases.map((c) => c.relError)), cases };
}
