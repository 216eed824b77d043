import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { useBackend } from '../../scripts/lib/tfnode';
import { checkTransposedMatmul, MATMUL_CHECK_SHAPES } from './matmulCheck';

beforeAll(async () => { await useBackend('wasm'); });

it('transposed matmuls on wasm agree with float64 to float32 accuracy, without leaking tensors', async () => {
  const before = tf.memory().numTensors;
  const r = await checkTransposedMatmul();
  expect(r.cases).toHaveLength(MATMUL_CHECK_SHAPES.length * 2);
  // float32 sums of K ≤ 4096 products of unit normals: errors ~1e-6 of the largest entry.
  expect(r.maxRelError).toBeLessThan(1e-4);
  expect(tf.memory().numTensors).toBe(before);
});
