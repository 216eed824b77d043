/**
 * shuffleWeightData: each tensor keeps its own multiset of values (sorted copies equal, exactly), no value
 * moves between tensors, the order does change, the same seed gives the same permutation, another seed
 * another, and non-float tensors pass through untouched.
 */
import { describe, expect, it } from 'vitest';
import { shuffleWeightData, type WeightSpec } from './shuffleWeights';

function pack(specs: WeightSpec[], fill: (k: number, i: number) => number): ArrayBuffer {
  const sizes = specs.map((s) => s.shape.reduce((a, b) => a * b, 1));
  const out = new Float32Array(sizes.reduce((a, b) => a + b, 0));
  let o = 0;
  sizes.forEach((n, k) => { for (let i = 0; i < n; i++) out[o++] = fill(k, i); });
  return out.buffer;
}

const specs: WeightSpec[] = [
  { name: 'conv/kernel', shape: [3, 3, 4, 5] },
  { name: 'conv/bias', shape: [5] },
  { name: 'dense/kernel', shape: [6, 7] },
];
const sizes = [180, 5, 42];
// Distinct values per tensor (tensor k holds k·1000 + i), so any value that crossed tensors would show.
const data = pack(specs, (k, i) => k * 1000 + i + 0.25);
const tensors = (buf: ArrayBuffer) => {
  const all = new Float32Array(buf);
  let o = 0;
  return sizes.map((n) => { const t = Array.from(all.subarray(o, o + n)); o += n; return t; });
};

describe('shuffleWeightData', () => {
  it('permutes within each tensor: same multiset, new order', () => {
    const before = tensors(data), after = tensors(shuffleWeightData(specs, data, 7));
    for (let k = 0; k < sizes.length; k++) {
      expect([...after[k]].sort((a, b) => a - b)).toEqual([...before[k]].sort((a, b) => a - b));
      // At most a few fixed points in a random permutation of n ≥ 5 entries; the whole tensor unchanged would be a bug.
      expect(after[k]).not.toEqual(before[k]);
    }
  });

  it('is deterministic in the seed and leaves its input alone', () => {
    const copy = data.slice(0);
    const a = new Float32Array(shuffleWeightData(specs, data, 3)), b = new Float32Array(shuffleWeightData(specs, data, 3));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(new Float32Array(data))).toEqual(Array.from(new Float32Array(copy)));
    const c = new Float32Array(shuffleWeightData(specs, data, 4));
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });

  it('copies non-float tensors unchanged and checks the byte count', () => {
    const mixed: WeightSpec[] = [{ name: 'k', shape: [8] }, { name: 'count', shape: [4], dtype: 'int32' }];
    const buf = new ArrayBuffer(48);
    new Float32Array(buf, 0, 8).set([1, 2, 3, 4, 5, 6, 7, 8]);
    new Int32Array(buf, 32, 4).set([10, 20, 30, 40]);
    const out = shuffleWeightData(mixed, buf, 1);
    expect(Array.from(new Int32Array(out, 32, 4))).toEqual([10, 20, 30, 40]);
    expect(() => shuffleWeightData(mixed, buf.slice(0, 44), 1)).toThrow(/past the end/);
    expect(() => shuffleWeightData([{ name: 'k', shape: [8] }], buf, 1)).toThrow(/describe 32 bytes/);
  });
});
