/**
 * Learned walks. On an affine generator G(z) = b + zA a colour offset is linear in z, so the best linear walk
 * is known in closed form (w_c* = 1_c A⁺, the least-squares preimage of a constant channel) and so is the
 * expected loss of any w (α's channels are independent with E α² = 1/12): the trained directions must match
 * w* and reach its loss at lr 1e-3; at lr 1e-4 they must still lower the exact loss. On the tiny style model
 * a linear zoom and a non-linear shift lower their held-out loss. No tensor outlives a run, cancellation stops
 * one, and a saved walk round-trips through JSON.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Matrix, inverse } from 'ml-matrix';
import { memoryFiles } from '../model/files';
import type { Generator } from '../model/generator';
import { samplePriorFrom } from '../model/layersGenerator';
import { loadGenerator } from '../model/load';
import { styleModelFolder, SIZE } from '../model/testing/fixtures';
import { Rng } from '../util/random';
import { isCancelled } from '../util/jobContext';
import { sampleAlpha } from './steerEdits';
import { parseWalk, trainWalk, walkLatents, walkLoss, type SavedWalk } from './steerWalk';

const N = 6, D = 8, C = 3, M = D * D * C;

/** G(z) = b + zA: A random N(0, 0.3²) plus, in latent row c, a constant 2 on channel c (so colour is reachable). */
function affineGenerator(): { g: Generator; a: Float64Array } {
  const rng = new Rng(7);
  const a = new Float64Array(N * M);
  for (let i = 0; i < N; i++) for (let j = 0; j < M; j++) a[i * M + j] = 0.3 * rng.normal() + (i < C && j % C === i ? 2 : 0);
  const b = Float32Array.from({ length: M }, () => 0.2 * rng.normal());
  const at = tf.tensor2d(Float32Array.from(a), [N, M]), bt = tf.tensor1d(b);
  const g = {
    manifest: { id: 'affine', output: { height: D, width: D, channels: C, range: [-1, 1] } },
    zDim: N, isStyleBased: false, outputShape: [D, D, C], assumptions: [],
    samplePrior: (seed: number, count: number) => samplePriorFrom('normal', N, seed, count),
    generate: (z: tf.Tensor) => tf.tidy(() => tf.add(tf.matMul(z as tf.Tensor2D, at), bt).reshape([-1, D, D, C])),
  } as unknown as Generator;
  return { g, a };
}

/** w_c* = 1_c A⁺ = 1_c Aᵀ (A Aᵀ)⁻¹ for each channel c (the offset of a [−1, 1] image is 1 per unit α). */
function optimum(a: Float64Array): number[][] {
  const A = new Matrix(N, M);
  for (let i = 0; i < N; i++) for (let j = 0; j < M; j++) A.set(i, j, a[i * M + j]);
  const pinvT = A.transpose().mmul(inverse(A.mmul(A.transpose())));
  return [0, 1, 2].map((c) => {
    const one = Matrix.zeros(1, M);
    for (let j = c; j < M; j += C) one.set(0, j, 1);
    return one.mmul(pinvT).to1DArray();
  });
}

/** Exact expected masked L2 of directions w: Σ_c E[α_c²] ‖w_c A − 1_c‖² / M, E α² = 1/12 for U(−½, ½). */
function exactLoss(a: Float64Array, w: number[][]): number {
  let total = 0;
  for (let c = 0; c < C; c++) {
    for (let j = 0; j < M; j++) {
      let v = j % C === c ? -1 : 0;
      for (let i = 0; i < N; i++) v += w[c][i] * a[i * M + j];
      total += v * v;
    }
  }
  return total / 12 / M;
}

const cosine = (u: number[], v: number[]) => u.reduce((s, x, i) => s + x * v[i], 0) / Math.hypot(...u) / Math.hypot(...v);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('linear walk on an affine generator (known answer)', () => {
  const { g, a } = affineGenerator();
  const best = optimum(a);

  it('lr 1e-3: the three colour directions match w* (cosine > 0.995) and reach its loss', async () => {
    const before = tf.memory().numTensors;
    const { walk, history } = await trainWalk(g, { edit: 'color', kind: 'linear', space: 'z', steps: 1500, lr: 1e-3, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(history).toHaveLength(1500);
    for (let c = 0; c < C; c++) expect(cosine(walk.directions![c], best[c])).toBeGreaterThan(0.995);
    const init = exactLoss(a, (await trainWalk(g, { edit: 'color', kind: 'linear', space: 'z', steps: 1, lr: 1e-3, seed: 3 })).walk.directions!);
    expect(exactLoss(a, walk.directions!) - exactLoss(a, best)).toBeLessThan(0.01 * init);
  });

  it('lr 1e-4: the same run still lowers the exact loss, by less', async () => {
    const first = (await trainWalk(g, { edit: 'color', kind: 'linear', space: 'z', steps: 1, lr: 1e-4, seed: 3 })).walk;
    const { walk } = await trainWalk(g, { edit: 'color', kind: 'linear', space: 'z', steps: 1500, lr: 1e-4, seed: 3 });
    const l0 = exactLoss(a, first.directions!), l1 = exactLoss(a, walk.directions!), lBest = exactLoss(a, best);
    expect(l1).toBeLessThan(0.8 * l0);
    expect(l1).toBeGreaterThan(lBest + 0.05 * (l0 - lBest));
  });
});

describe('walks on the tiny style model', () => {
  let g: Generator;
  beforeAll(async () => {
    g = await loadGenerator(memoryFiles('style', await styleModelFolder()));
  });
  const heldOut = (edit: 'zoom' | 'shift-x') => {
    const rng = new Rng(99);
    return { z: samplePriorFrom('normal', g.zDim, 12345, 16), alphas: Array.from({ length: 16 }, () => sampleAlpha(edit, SIZE, rng)) };
  };

  it('a linear zoom walk lowers its held-out loss, leaking no tensor', async () => {
    const { z, alphas } = heldOut('zoom');
    const before = tf.memory().numTensors;
    const start = (await trainWalk(g, { edit: 'zoom', kind: 'linear', space: 'w', steps: 1, lr: 1e-2, seed: 5 })).walk;
    const { walk } = await trainWalk(g, { edit: 'zoom', kind: 'linear', space: 'w', steps: 300, lr: 1e-2, seed: 5 });
    expect(tf.memory().numTensors).toBe(before);
    const l0 = walkLoss(g, start, z, alphas), l1 = walkLoss(g, walk, z, alphas);
    // The fixture's 8×8 images and 6-d W can zoom only a little (0.081 → 0.075 measured): the affine test above is the accuracy oracle.
    expect(l1).toBeLessThan(0.95 * l0);
  });

  it('a non-linear shift walk in W lowers its held-out loss (n·ε steps, ± networks)', async () => {
    const z = samplePriorFrom('normal', g.zDim, 4242, 8);
    const rng = new Rng(4);
    // Whole steps of ε = D/8 = 1 px, within the trained ±5.
    const alphas = Array.from({ length: 8 }, () => [(1 + rng.int(5)) * (rng.next() < 0.5 ? -1 : 1)]);
    const centre = new Float32Array(g.wDim!);
    const start = (await trainWalk(g, { edit: 'shift-x', kind: 'nonlinear', space: 'w', centre, steps: 1, lr: 1e-2, seed: 6 })).walk;
    const { walk } = await trainWalk(g, { edit: 'shift-x', kind: 'nonlinear', space: 'w', centre, steps: 200, lr: 1e-2, seed: 6 });
    expect(walk.plus!.w1).toHaveLength(g.wDim! * g.wDim!);
    expect(walkLoss(g, walk, z, alphas)).toBeLessThan(0.9 * walkLoss(g, start, z, alphas));
  });

  it('cancellation between steps rejects with JobCancelled and frees everything', async () => {
    const before = tf.memory().numTensors;
    const abort = new AbortController();
    const run = trainWalk(g, { edit: 'rotate', kind: 'linear', space: 'z', steps: 1000 }, { signal: abort.signal, checkpoint: async () => {
      abort.signal.throwIfAborted();
    } }, (h) => {
      if (h.length === 3) abort.abort();
    });
    await expect(run).rejects.toSatisfy((e: unknown) => e !== null && (isCancelled(e) || (e as Error).name === 'AbortError'));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a saved walk round-trips through JSON and applies the same; bad walks get one sentence', async () => {
    const { walk } = await trainWalk(g, { edit: 'shift-y', kind: 'nonlinear', space: 'z', steps: 3, seed: 2 });
    const back = parseWalk(JSON.parse(JSON.stringify(walk)), g);
    const start = tf.tensor2d(samplePriorFrom('normal', g.zDim, 1, 2), [2, g.zDim]);
    const [x, y] = [walkLatents(walk, start, [-3, 2]), walkLatents(back, start, [-3, 2])];
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([start, x, y]);
    expect(() => parseWalk({ ...walk, format: 'x' })).toThrow(/not a saved walk/);
    expect(() => parseWalk({ ...walk, edit: 'blur' })).toThrow(/edit is one of/);
    expect(() => parseWalk({ ...walk, dim: 5, plus: walk.plus } as SavedWalk, g)).toThrow(/two networks/);
  });
});
