import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { directionalRates, factorGroupsOf, factorRates, FACES_FACTOR_GROUPS, purity, scoreDirections, SHAPES_FACTOR_GROUPS, type DirectionalRates, type ResponseMaps } from './factorScore';
import { FACE_TARGET_NAMES } from '../data/faces';
import { dominantFactor } from './factorGroups';
import { FACTOR_TARGET_NAMES } from '../data/shapes';
import { randomOrthogonal } from '../linalg/testing';
import { Rng } from '../util/random';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const TARGETS = ['x', 'y', 'scale', 'rot_cos', 'rot_sin', 'hue_cos', 'hue_sin', 'background'];

/**
 * An analytic "generator and probe": images are 4×4×1 = 16 pixels; the probe reads target t as the
 * projection of the image onto the orthonormal pattern Pₜ (rows 0…7 of a random orthogonal 16×16 matrix),
 * and rows 8…15 are patterns the probe cannot see. The generator is image = A·x (linear) or (A·x)² (the
 * elementwise square: J = 2 diag(Ax) A), with A's columns chosen from the patterns so that each latent
 * coordinate moves known targets by known amounts. Image features: c·pixels (c = 0.5).
 */
function oracle(square: boolean) {
  const P = randomOrthogonal(16, new Rng(11)); // rows: patterns
  const n = 5;
  // Column j of A (a 16-vector) as a combination of patterns: latent j moves these targets at these rates.
  const mix: Record<number, [number, number][]> = {
    0: [[0, 2]], //                      x only, rate 2
    1: [[0, 1], [2, 1]], //              x and scale equally
    2: [[5, 0.6], [6, 0.8]], //          hue (cos, sin) pair: hue rate 1
    3: [[9, 3]], //                      an invisible pattern (image changes, no factor moves)
    4: [[7, 1], [10, 1]], //             background, plus as much invisible change
  };
  const A = new Float64Array(16 * n); // row-major 16×n
  for (let j = 0; j < n; j++) for (const [p, a] of mix[j]) for (let i = 0; i < 16; i++) A[i * n + j] += a * P[p * 16 + i];
  const At = tf.tensor2d(Float32Array.from(A), [16, n]).transpose();
  const Pt = tf.tensor2d(Float32Array.from(P.subarray(0, 8 * 16)), [8, 16]).transpose();
  const c = 0.5;
  const maps: ResponseMaps = {
    render: (x) => tf.tidy(() => { const y = tf.matMul(x as tf.Tensor2D, At as tf.Tensor2D); return (square ? tf.square(y) : y).reshape([-1, 4, 4, 1]); }),
    imageFeatures: (img) => tf.mul(img.reshape([img.shape[0], 16]), c),
    readout: (img) => tf.matMul(img.reshape([img.shape[0], 16]) as tf.Tensor2D, Pt as tf.Tensor2D),
  };
  return { A, P, n, c, maps, dispose: () => tf.dispose([At, Pt]) };
}

/** J v of the oracle's generator at x: A v, or 2 (Ax) ⊙ (Av). */
function imageTangent(o: ReturnType<typeof oracle>, x: Float64Array, v: Float64Array, square: boolean): Float64Array {
  const out = new Float64Array(16);
  for (let i = 0; i < 16; i++) {
    let av = 0, ax = 0;
    for (let j = 0; j < o.n; j++) { av += o.A[i * o.n + j] * v[j]; ax += o.A[i * o.n + j] * x[j]; }
    out[i] = square ? 2 * ax * av : av;
  }
  return out;
}

describe('directionalRates against the analytic oracle', () => {
  it.each([['linear', false], ['squared', true]])('%s generator: image rate ‖c·Jv‖ and target rates P Jv, exact and fd, no leaks', async (_name, square) => {
    const o = oracle(square as boolean);
    const rng = new Rng(5);
    const x = Float64Array.from(rng.normals(o.n));
    const k = 7;
    const dirs = Float64Array.from(rng.normals(k * o.n));
    const x0 = tf.tensor2d(Float32Array.from(x), [1, o.n]);
    const before = tf.memory().numTensors;
    const exact = await directionalRates(o.maps, x0, dirs, { chunk: 3 });
    const fd = await directionalRates(o.maps, x0, dirs, { method: 'fd' });
    expect(tf.memory().numTensors).toBe(before);
    expect([exact.k, exact.targets]).toEqual([k, 8]);
    for (let i = 0; i < k; i++) {
      const jv = imageTangent(o, x, dirs.subarray(i * o.n, (i + 1) * o.n), square as boolean);
      const rho = o.c * Math.hypot(...jv);
      expect(Math.abs(exact.imageRates[i] - rho) / rho).toBeLessThan(1e-5);
      // fd of a quadratic map is exact up to float32 round-off (the step is relEps·‖x‖ = 1e-3·‖x‖).
      expect(Math.abs(fd.imageRates[i] - rho) / rho).toBeLessThan(2e-3);
      for (let t = 0; t < 8; t++) {
        let a = 0;
        for (let p = 0; p < 16; p++) a += o.P[t * 16 + p] * jv[p];
        expect(Math.abs(exact.targetRates[i * 8 + t] - a)).toBeLessThan(1e-5 * (1 + rho / o.c));
        expect(Math.abs(fd.targetRates[i * 8 + t] - a)).toBeLessThan(2e-3 * (1 + rho / o.c));
      }
    }
    x0.dispose();
    o.dispose();
  });
});

describe('factorRates and purity', () => {
  it('the planted directions of the linear oracle: x only, x and scale, hue pair, invisible, background + invisible', async () => {
    const o = oracle(false);
    const x0 = tf.tensor2d([[0.3, -0.2, 0.5, 1, 0]]);
    const eye = Float64Array.from({ length: o.n * o.n }, (_, t) => (t % (o.n + 1) === 0 ? 1 : 0));
    const rates = await directionalRates(o.maps, x0, eye);
    const s = factorRates(rates, TARGETS);
    const F = SHAPES_FACTOR_GROUPS.length;
    const row = (i: number) => Array.from(s.subarray(i * F, (i + 1) * F));
    // Rates are in fractions of each factor's range: 2 for x, scale, background; 2π for the hue angle.
    // e₀: image rate c·2 = 1, x target rate 2 → s_x = 2/(1·2) = 1, every other factor 0.
    expect(row(0)[0]).toBeCloseTo(1, 5);
    expect(row(0).slice(1).every((v) => Math.abs(v) < 1e-5)).toBe(true);
    expect(purity(row(0))).toBeCloseTo(1, 6);
    // e₁: ‖Av‖ = √2, image rate c√2; x and scale target rates 1 → s = 1/(c√2·2) = 1/√2 each, purity ½.
    expect(row(1)[0]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(row(1)[2]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(purity(row(1))).toBeCloseTo(0.5, 5);
    // e₂: the (cos, sin) pair groups into one hue rate ‖(0.6, 0.8)‖ = 1 per image rate c·1, over 2π.
    expect(row(2)[4]).toBeCloseTo(1 / (o.c * 2 * Math.PI), 5);
    expect(row(2)[3]).toBeCloseTo(0, 5);
    // e₃: the image changes but no factor moves: all rates 0, purity undefined.
    expect(row(3).every((v) => Math.abs(v) < 1e-5)).toBe(true);
    expect(rates.imageRates[3]).toBeCloseTo(o.c * 3, 5);
    // e₄: half its image change is invisible to the probe: background rate 1/(c√2·2).
    expect(row(4)[5]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(purity(row(4))).toBeCloseTo(1, 5);
    x0.dispose();
    o.dispose();
  });

  it('is invariant to the length and sign of a direction', async () => {
    const o = oracle(true);
    const x0 = tf.tensor2d([[0.4, 0.1, -0.7, 0.2, 0.9]]);
    const v = Float64Array.from(new Rng(3).normals(o.n));
    const dirs = new Float64Array(3 * o.n);
    dirs.set(v, 0);
    dirs.set(v.map((a) => 3 * a), o.n);
    dirs.set(v.map((a) => -0.1 * a), 2 * o.n);
    const s = factorRates(await directionalRates(o.maps, x0, dirs), TARGETS);
    const F = SHAPES_FACTOR_GROUPS.length;
    for (let f = 0; f < F; f++) {
      expect(s[F + f]).toBeCloseTo(s[f], 4);
      expect(s[2 * F + f]).toBeCloseTo(s[f], 4);
    }
    x0.dispose();
    o.dispose();
  });

  it('refuses a probe without a needed target, and gives NaN for a direction that does not change the image', () => {
    const r: DirectionalRates = { k: 1, targets: 2, imageRates: Float64Array.of(0), targetRates: Float64Array.of(1, 1) };
    expect(() => factorRates(r, ['x', 'y'])).toThrow(/needs target 'scale'/);
    expect(Number.isNaN(factorRates(r, ['a', 'b'], [{ name: 'a', targets: ['a'] }])[0])).toBe(true);
    expect(purity([0, 0])).toBeNaN();
    expect(purity([1, 1, 1, 1])).toBeCloseTo(0.25, 12);
  });
});

describe('scoreDirections', () => {
  it('hand-computed summary over two seeds', () => {
    const factors = ['a', 'b'];
    // Seed 0: direction 0 moves a only (rate 2), direction 1 moves a and b equally (1, 1).
    // Seed 1: direction 0 moves b only (rate 1), direction 1 moves a only (rate 3).
    const score = scoreDirections([Float64Array.of(2, 0, 1, 1), Float64Array.of(0, 1, 3, 0)], 2, factors);
    expect(score.seeds).toBe(2);
    const [d0, d1] = score.directions;
    expect(d0.response[0]).toBeCloseTo(Math.sqrt((4 + 0) / 2), 12);
    expect(d0.response[1]).toBeCloseTo(Math.sqrt((0 + 1) / 2), 12);
    expect(d0.purity).toBeCloseTo(1, 12);
    expect(d0.share).toEqual([0.5, 0.5]);
    expect(d1.purity).toBeCloseTo((0.5 + 1) / 2, 12);
    expect(d1.share[0]).toBeCloseTo(0.75, 12);
    expect(d1.dominant).toBe('a');
    expect(d1.dominantAgreement).toBeCloseTo(1, 12); // seed 0 is a tie, resolved to the first factor 'a'
    expect(d0.dominantAgreement).toBeCloseTo(0.5, 12);
    expect(score.purity).toBeCloseTo((1 + 0.75) / 2, 12);
    // Best a-share per seed: max(1, 0.5) = 1 and max(0, 1) = 1; best b-share: 0.5 and 1.
    expect(score.clarity[0]).toBeCloseTo(1, 12);
    expect(score.clarity[1]).toBeCloseTo(0.75, 12);
    // One index for both seeds: a → direction 1 (mean share 0.75), b → direction 0 (0.5).
    expect(score.fixedIndex).toEqual([1, 0]);
    expect(score.fixedClarity[0]).toBeCloseTo(0.75, 12);
    expect(score.fixedClarity[1]).toBeCloseTo(0.5, 12);
  });

  it('skips a seed at which a direction moves nothing, and checks sizes', () => {
    const score = scoreDirections([Float64Array.of(NaN, NaN), Float64Array.of(0, 2)], 1, ['a', 'b']);
    expect(score.directions[0].purity).toBeCloseTo(1, 12);
    expect(score.directions[0].dominant).toBe('b');
    expect(score.directions[0].response[1]).toBeCloseTo(2, 12); // RMS over the seeds where it is defined
    expect(() => scoreDirections([Float64Array.of(1)], 1, ['a', 'b'])).toThrow(/expected 1×2/);
    expect(() => scoreDirections([], 1, ['a'])).toThrow(/no seeds/);
  });
});

describe('factor groups of a probe', () => {
  it('the faces groups read every faces target exactly once, angles as (cos, sin) pairs over a full turn', () => {
    const read = FACES_FACTOR_GROUPS.flatMap((g) => g.targets);
    expect([...read].sort()).toEqual([...FACE_TARGET_NAMES].sort());
    expect(new Set(read).size).toBe(read.length);
    const hue = FACES_FACTOR_GROUPS.find((g) => g.name === 'hairHue')!;
    expect(hue.targets).toEqual(['hair_hue_cos', 'hair_hue_sin']);
    expect(hue.range).toBeCloseTo(2 * Math.PI, 12);
    expect(FACES_FACTOR_GROUPS.find((g) => g.name === 'mouthOpen')).toEqual({ name: 'mouthOpen', targets: ['mouth_open'], range: 2 });
  });

  it('chooses the shapes or faces groups by the targets a probe reads, one factor per target for any other probe, none for a classifier', () => {
    expect(factorGroupsOf(FACTOR_TARGET_NAMES)).toBe(SHAPES_FACTOR_GROUPS);
    expect(factorGroupsOf(FACE_TARGET_NAMES)).toBe(FACES_FACTOR_GROUPS);
    expect(factorGroupsOf([])).toBeNull();
    expect(factorGroupsOf(['smile', 'rot_cos'])).toEqual([{ name: 'smile', targets: ['smile'], range: 1 }, { name: 'rot_cos', targets: ['rot_cos'], range: 1 }]);
  });

  it('a direction\'s dominant factor is the largest squared rate, its share that over the sum', () => {
    expect(dominantFactor([3, 4, 0], ['a', 'b', 'c'])).toEqual({ factor: 'b', share: 16 / 25 });
    expect(dominantFactor([-5, 1], ['a', 'b'])!.factor).toBe('a');
    expect(dominantFactor([0, 0], ['a', 'b'])).toBeNull();
    expect(dominantFactor([NaN, 1], ['a', 'b'])).toBeNull();
  });
});
