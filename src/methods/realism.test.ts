/**
 * Realism (paper 003) against answers known independently:
 * - P keeps every norm at √d exactly (float64, 1e-12) and the direction (cos 1);
 * - the hypersphere walk stays on the sphere and on the great circle through its two starts, and its step angle
 *   follows θ′ = atan2(sin θ, 2 − cos θ) (plane geometry of 2z_k − z_{k−1});
 * - with a linear stand-in critic D(z) = w·z the protoimage loss on that great circle is
 *   r(w·e₁ cos φ + w·e₂ sin φ) + Λ cos φ, minimised at φ* = atan2(−r w·e₂, −(r w·e₁ + Λ)): the search must end there;
 * - with the same critic the σ loss (w·P(σp + (1 − σ)z) − t)² has its root found by float64 bisection: Adam must reach it,
 *   and stop at the clamp when the root lies outside [0.5, 0.75];
 * - on a small model (the z fixture with a minibatch-stddev discriminator) both losses decrease, and no tensor leaks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { cosineRows, discriminatorCritic, hypersphereWalk, interpolateToward, meanProto, optimiseSigma, projectTensor, projectToSphere, protoimageSearch, type LatentCritic } from './realism';
import { loadGenerator } from '../model/load';
import { memoryFiles } from '../model/files';
import { denseGenerator, discriminator, manifestFor, serialise } from '../model/testing/fixtures';
import type { Generator } from '../model/generator';
import { Rng } from '../util/random';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>, ao = 0, bo = 0, n = a.length) => { let s = 0; for (let j = 0; j < n; j++) s += a[ao + j] * b[bo + j]; return s; };
const gaussian = (seed: number, n: number) => { const r = new Rng(seed); return Float64Array.from({ length: n }, () => r.normal()); };

/** A linear critic w·z (differentiable, exactly known). */
const linearCritic = (w: Float64Array): LatentCritic => (z) => tf.tidy(() => tf.matMul(z, tf.tensor2d(Float32Array.from(w), [w.length, 1])).reshape([z.shape[0]]) as tf.Tensor1D);

/** Orthonormal e₁ = z/|z|, e₂ ⟂ e₁ in span(z, ẑ). */
function planeOf(z: Float64Array, zh: Float64Array): [Float64Array, Float64Array] {
  const e1 = z.map((v) => v / Math.sqrt(dot(z, z)));
  const p = zh.map((v, j) => v - dot(zh, e1) * e1[j]);
  return [e1, p.map((v) => v / Math.sqrt(dot(p, p)))];
}

let g: Generator;
beforeAll(async () => {
  await tf.setBackend('cpu');
  const files: Record<string, string | ArrayBuffer> = { 'manifest.json': JSON.stringify(manifestFor('z', { id: 'tiny-realism' })) };
  for (const [dir, model] of [['generator', denseGenerator({ zDim: 8 })], ['discriminator', discriminator(3, true)]] as const) {
    const { json, shard } = await serialise(model);
    model.dispose();
    files[`${dir}/model.json`] = JSON.stringify(json);
    files[`${dir}/group1-shard1of1.bin`] = shard;
  }
  const m = JSON.parse(files['manifest.json'] as string);
  m.latent.dim = 8;
  files['manifest.json'] = JSON.stringify(m);
  g = await loadGenerator(memoryFiles('fixture', files));
});

describe('projection and walk', () => {
  it('P keeps norms at √d and directions; the tensor P agrees with the float64 one', () => {
    const d = 16, n = 5;
    const x = gaussian(1, n * d).map((v, i) => v * (1 + (i % 7)));
    const p = projectToSphere(x, n, d);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(Math.sqrt(dot(p, p, i * d, i * d, d)) - 4)).toBeLessThan(1e-12);
      expect(cosineRows(p.subarray(i * d, (i + 1) * d), x.subarray(i * d, (i + 1) * d), 1, d)[0]).toBeCloseTo(1, 12);
    }
    const pt = tf.tidy(() => projectTensor(tf.tensor2d(Float32Array.from(x), [n, d])));
    const pv = pt.dataSync();
    pt.dispose();
    for (let k = 0; k < p.length; k++) expect(Math.abs(pv[k] - p[k])).toBeLessThan(1e-5 * 4);
    expect(() => projectToSphere(new Float64Array(4), 1, 4)).toThrow(/zero/);
    // P(σp + (1−σ)z) at σ = 0 and 1 are P(z) and P(p).
    const z = x.subarray(0, d), q = x.subarray(d, 2 * d);
    expect(interpolateToward(z, q, 0, 1, d)).toEqual(projectToSphere(z, 1, d));
    expect(Array.from(interpolateToward(z, q, 1, 1, d))).toEqual(Array.from(projectToSphere(q, 1, d)));
    expect(Math.sqrt(dot(meanProto(x, n, d), meanProto(x, n, d))) - 4).toBeCloseTo(0, 12);
  });

  it('the walk stays on the sphere and the great circle, with step angles atan2(sin θ, 2 − cos θ)', () => {
    const d = 12, steps = 20;
    const z = gaussian(2, d), zh = gaussian(3, d);
    const walk = hypersphereWalk(z, zh, steps);
    const [e1, e2] = planeOf(z, zh);
    const r = Math.sqrt(d);
    let theta = Math.acos(cosineRows(projectToSphere(z, 1, d), projectToSphere(zh, 1, d), 1, d)[0]);
    for (let k = 0; k <= steps; k++) {
      const p = walk.subarray(k * d, (k + 1) * d);
      expect(Math.abs(Math.sqrt(dot(p, p)) - r)).toBeLessThan(1e-12);
      const a = dot(p, e1), b = dot(p, e2);
      expect(Math.abs(a * a + b * b - d)).toBeLessThan(1e-9); // nothing off the plane
      if (k >= 2) {
        theta = Math.atan2(Math.sin(theta), 2 - Math.cos(theta));
        const step = Math.acos(Math.min(1, dot(p, walk, 0, (k - 1) * d, d) / d));
        expect(Math.abs(step - theta)).toBeLessThan(1e-7);
      }
    }
    expect(() => hypersphereWalk(z, zh.subarray(1), 3)).toThrow(/differ/);
  });
});

describe('protoimage search', () => {
  it('ends at the analytic minimum φ* on the great circle for a linear critic', async () => {
    const d = 6, lambda = 3;
    const z = projectToSphere(gaussian(4, d), 1, d);
    const zh = projectToSphere(Float64Array.from(z, (v, j) => v + 0.3 * gaussian(5, d)[j]), 1, d);
    const w = gaussian(6, d).map((v) => 0.5 * v);
    const [e1, e2] = planeOf(z, zh);
    const r = Math.sqrt(d);
    const phiStar = Math.atan2(-r * dot(w, e2), -(r * dot(w, e1) + lambda));
    const lossAt = (phi: number) => r * (dot(w, e1) * Math.cos(phi) + dot(w, e2) * Math.sin(phi)) + lambda * Math.cos(phi);
    const before = tf.memory().numTensors;
    const res = await protoimageSearch(linearCritic(w), z, zh, 1, d, { lambda, tol: 0 });
    expect(tf.memory().numTensors).toBe(before);
    const p = res.protos;
    const phi = Math.atan2(dot(p, e2), dot(p, e1));
    const gap = Math.abs(Math.atan2(Math.sin(phi - phiStar), Math.cos(phi - phiStar)));
    expect(gap).toBeLessThan(0.02);
    expect(res.loss[res.loss.length - 1]).toBeCloseTo(lossAt(phiStar), 2);
    expect(res.loss[res.loss.length - 1]).toBeLessThan(res.loss[0]);
    expect(Math.abs(Math.sqrt(dot(p, p)) - r)).toBeLessThan(1e-9);
  });

  it('decreases its loss on a small model with a minibatch-stddev discriminator, without leaking tensors', async () => {
    const n = 8, d = 8;
    const z = projectToSphere(g.samplePrior(11, n), n, d);
    const zh = projectToSphere(Float64Array.from(z, (v, i) => v + 0.5 * gaussian(12, n * d)[i]), n, d);
    const critic = discriminatorCritic(g);
    const before = tf.memory().numTensors;
    const res = await protoimageSearch(critic, z, zh, n, d, { steps: 60 });
    expect(tf.memory().numTensors).toBe(before);
    expect(res.loss.length).toBeGreaterThan(5);
    expect(res.loss[res.loss.length - 1]).toBeLessThan(res.loss[0] - 1e-3);
    for (let i = 0; i < n; i++) expect(Math.abs(dot(res.protos, res.protos, i * d, i * d, d) - d)).toBeLessThan(1e-9);
  });

  it('stops when cancelled, and refuses a zero direction', async () => {
    const c = new AbortController();
    c.abort();
    const z = projectToSphere(gaussian(7, 4), 1, 4);
    await expect(protoimageSearch(linearCritic(gaussian(8, 4)), z, projectToSphere(gaussian(9, 4), 1, 4), 1, 4, {}, { signal: c.signal })).rejects.toThrow();
    await expect(protoimageSearch(linearCritic(gaussian(8, 4)), z, z, 1, 4)).rejects.toThrow(/no direction/);
  });
});

describe('σ-optimised improvement', () => {
  const d = 6;
  const z = projectToSphere(gaussian(20, d), 1, d);
  const proto = projectToSphere(gaussian(21, d), 1, d);
  // w along P(proto) − P(z): the score grows monotonically with σ along the arc.
  const w = Float64Array.from(proto, (v, j) => 0.4 * (v - z[j]));
  const scoreAt = (s: number) => dot(w, interpolateToward(z, proto, s, 1, d));
  function root(t: number): number {
    let lo = 0, hi = 1;
    for (let k = 0; k < 200; k++) { const m = (lo + hi) / 2; if (scoreAt(m) < t) lo = m; else hi = m; }
    return (lo + hi) / 2;
  }

  it('reaches the root of w·P(σp + (1 − σ)z) = t found by bisection', async () => {
    const t = scoreAt(0.62);
    const sStar = root(t);
    expect(sStar).toBeCloseTo(0.62, 9);
    const before = tf.memory().numTensors;
    const res = await optimiseSigma(linearCritic(w), z, proto, 1, d, { target: t, steps: 3000, tol: 0, lr: 0.003 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(res.sigmas[0] - sStar)).toBeLessThan(2e-3);
    expect(res.latents).toEqual(interpolateToward(z, proto, res.sigmas, 1, d));
    expect(res.scores[0]).toBeCloseTo(dot(w, res.latents), 4);
  });

  it('stops at the clamp when the root lies outside [0.5, 0.75]', async () => {
    const hiT = await optimiseSigma(linearCritic(w), z, proto, 1, d, { target: scoreAt(0.95), tol: 0 });
    expect(hiT.sigmas[0]).toBe(0.75);
    const loT = await optimiseSigma(linearCritic(w), z, proto, 1, d, { target: scoreAt(0.2), tol: 0, steps: 100 });
    expect(loT.sigmas[0]).toBe(0.5);
    await expect(optimiseSigma(linearCritic(w), z, proto, 1, d, { start: 0.9 })).rejects.toThrow(/must lie/);
  });

  it('decreases its loss on a small model toward one mean protoimage', async () => {
    const n = 8, dd = 8;
    const zs = projectToSphere(g.samplePrior(31, n), n, dd);
    const p = projectToSphere(gaussian(32, dd), 1, dd);
    const before = tf.memory().numTensors;
    const res = await optimiseSigma(discriminatorCritic(g), zs, p, n, dd, { target: -5, lr: 0.01 });
    expect(tf.memory().numTensors).toBe(before);
    expect(res.loss[res.loss.length - 1]).toBeLessThan(res.loss[0]);
    for (const s of res.sigmas) expect(s >= 0.5 && s <= 0.75).toBe(true);
  });
});
