/**
 * Edit targets and masks against hand-made images: a shift of a known pattern is an index offset, a zoom of a
 * centred square scales its area by 1/α², a quarter turn is a transposition and flip (np.rot90), colour adds the
 * offsets in the model's units; α draws stay in the paper's ranges and feed the walk inside (−1, 1).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/random';
import { editTargets, feedOf, nonlinearAlpha, nonlinearStepsOf, sampleAlpha, type ImageBatch } from './steerEdits';

function image(h: number, w: number, c: number, f: (y: number, x: number, ch: number) => number): ImageBatch {
  const data = new Float32Array(h * w * c);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) data[(y * w + x) * c + ch] = f(y, x, ch);
  return { data, b: 1, h, w, c };
}
const px = (img: Float32Array, w: number, c: number, y: number, x: number, ch = 0) => img[(y * w + x) * c + ch];
const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);

describe('shift', () => {
  const src = image(8, 8, 2, (y, x, ch) => 10 * y + x + 100 * ch);
  it('shift-x by +3 moves the pattern right and masks the three columns it uncovered', () => {
    const { target, mask } = editTargets('shift-x', src, [[3]]);
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        for (let ch = 0; ch < 2; ch++) {
          expect(px(mask, 8, 2, y, x, ch)).toBe(x >= 3 ? 1 : 0);
          if (x >= 3) expect(px(target, 8, 2, y, x, ch)).toBe(10 * y + (x - 3) + 100 * ch);
        }
      }
    }
  });
  it('shift-y by −2 moves it up and masks the bottom two rows', () => {
    const { target, mask } = editTargets('shift-y', src, [[-2]]);
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        expect(px(mask, 8, 2, y, x)).toBe(y < 6 ? 1 : 0);
        if (y < 6) expect(px(target, 8, 2, y, x)).toBe(10 * (y + 2) + x);
      }
    }
  });
});

describe('zoom', () => {
  // A 4×4 square of ones in the middle of a 16×16 image of zeros.
  const square = image(16, 16, 1, (y, x) => (y >= 6 && y < 10 && x >= 6 && x < 10 ? 1 : 0));
  it('zoom in (α = 0.5) doubles the square\'s side: 4× its mass, the middle full, the border empty, nothing masked', () => {
    const { target, mask } = editTargets('zoom', square, [[0.5]], [0, 1]);
    expect(sum(mask)).toBe(256);
    expect(sum(target) / sum(square.data)).toBeCloseTo(4, 1);
    for (const [y, x] of [[6, 6], [9, 9], [5, 10], [7, 8]]) expect(px(target, 16, 1, y, x)).toBe(1);
    for (const [y, x] of [[0, 0], [2, 8], [8, 1], [13, 13]]) expect(px(target, 16, 1, y, x)).toBe(0);
  });
  it('zoom out (α = 2) halves the side (¼ of the mass) and masks everything outside the shrunken picture', () => {
    // Range [−1, 1]: the fill outside the picture is 0, so it adds no mass.
    const { target, mask } = editTargets('zoom', square, [[2]], [-1, 1]);
    expect(sum(target) / sum(square.data)).toBeCloseTo(0.25, 1);
    // The picture now covers the middle 8×8 pixels; a resampled mask counts the ring that touches it too.
    const valid = sum(mask);
    expect(valid).toBeGreaterThanOrEqual(64);
    expect(valid).toBeLessThanOrEqual(100);
    expect(px(mask, 16, 1, 8, 8)).toBe(1);
    for (const [y, x] of [[0, 0], [0, 8], [15, 15], [2, 13]]) expect(px(mask, 16, 1, y, x)).toBe(0);
  });
  it('α = 1 is the identity', () => {
    const { target, mask } = editTargets('zoom', square, [[1]], [0, 1]);
    expect(Array.from(target)).toEqual(Array.from(square.data));
    expect(sum(mask)).toBe(256);
  });
});

describe('rotate', () => {
  for (const d of [7, 8]) {
    it(`a quarter turn of an asymmetric ${d}×${d} image is np.rot90 (counter-clockwise), nothing masked`, () => {
      const rng = new Rng(d);
      const src = image(d, d, 3, () => rng.next());
      const { target, mask } = editTargets('rotate', src, [[90]]);
      for (let y = 0; y < d; y++) {
        for (let x = 0; x < d; x++) {
          for (let ch = 0; ch < 3; ch++) expect(px(target, d, 3, y, x, ch)).toBeCloseTo(px(src.data, d, 3, x, d - 1 - y, ch), 5);
        }
      }
      expect(sum(mask)).toBe(d * d * 3);
    });
  }
  it('45° masks the corners and keeps the centre pixel of an odd image', () => {
    const src = image(9, 9, 1, (y, x) => y * 9 + x);
    const { target, mask } = editTargets('rotate', src, [[45]]);
    expect(px(target, 9, 1, 4, 4)).toBeCloseTo(40, 5);
    for (const [y, x] of [[0, 0], [0, 8], [8, 0], [8, 8]]) expect(px(mask, 9, 1, y, x)).toBe(0);
  });
});

describe('colour', () => {
  it('adds each channel\'s offset, in units of a [−1, 1] image scaled to the range', () => {
    const src = image(4, 4, 3, (_y, _x, ch) => 0.1 * ch);
    const { target, mask } = editTargets('color', src, [[0.5, -0.25, 0]], [0, 1]);
    expect(px(target, 4, 3, 2, 2, 0)).toBeCloseTo(0.25, 6);
    expect(px(target, 4, 3, 2, 2, 1)).toBeCloseTo(0.1 - 0.125, 6);
    expect(px(target, 4, 3, 2, 2, 2)).toBeCloseTo(0.2, 6);
    expect(sum(mask)).toBe(48);
  });
});

describe('α draws and feeds', () => {
  it('zoom draws in [0.25, 4], about half of them zooming in; feeds log α', () => {
    const rng = new Rng(1);
    const draws = Array.from({ length: 2000 }, () => sampleAlpha('zoom', 32, rng)[0]);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0.25);
    expect(Math.max(...draws)).toBeLessThanOrEqual(4);
    expect(draws.filter((a) => a < 1).length / 2000).toBeGreaterThan(0.45);
    expect(draws.filter((a) => a < 1).length / 2000).toBeLessThan(0.55);
    expect(feedOf('zoom', 4, 32)[0]).toBeCloseTo(Math.log(4), 12);
  });
  it('shifts draw whole pixels in [1, D/2) of both signs and feed α/(D/2) inside (−1, 1)', () => {
    const rng = new Rng(2);
    const draws = Array.from({ length: 2000 }, () => sampleAlpha('shift-x', 32, rng)[0]);
    expect(draws.every((a) => Number.isInteger(a) && Math.abs(a) >= 1 && Math.abs(a) <= 15)).toBe(true);
    expect(new Set(draws.map(Math.abs)).size).toBe(15);
    expect(draws.some((a) => a < 0) && draws.some((a) => a > 0)).toBe(true);
    expect(feedOf('shift-x', 15, 32)[0]).toBeCloseTo(15 / 16, 12);
  });
  it('rotation draws whole degrees in [1, 45) and colour three offsets in (−0.5, 0.5)', () => {
    const rng = new Rng(3);
    const rot = Array.from({ length: 500 }, () => sampleAlpha('rotate', 32, rng)[0]);
    expect(rot.every((a) => Number.isInteger(a) && Math.abs(a) >= 1 && Math.abs(a) < 45)).toBe(true);
    const col = Array.from({ length: 500 }, () => sampleAlpha('color', 32, rng)).flat();
    expect(col.length).toBe(1500);
    expect(col.every((a) => a > -0.5 && a < 0.5)).toBe(true);
  });
  it('non-linear steps: ε^n for zoom, n·ε otherwise, and back', () => {
    expect(nonlinearAlpha('zoom', 1.41, -2)[0]).toBeCloseTo(1 / 1.41 ** 2, 12);
    expect(nonlinearAlpha('shift-x', 4, 3)[0]).toBe(12);
    expect(nonlinearStepsOf('zoom', 1.41, 1.41 ** 3)).toBe(3);
    expect(nonlinearStepsOf('rotate', 10, -21)).toBe(-2);
  });
});
