import { describe, expect, it } from 'vitest';
import { MAX_TARGET_SIDE, targetFromRgba } from './targetImage';

/** An RGBA picture from a per-pixel function. */
function picture(width: number, height: number, f: (x: number, y: number) => [number, number, number, number?]): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const [r, g, b, a = 255] = f(x, y);
    out.set([r, g, b, a], 4 * (y * width + x));
  }
  return out;
}

const rgb2: { shape: [number, number, number]; range: [number, number] } = { shape: [2, 2, 3], range: [-1, 1] };

describe('a picture as an inversion target', () => {
  it('area averaging: 4×4 → 2×2 averages each 2×2 block exactly; 3×3 → 2×2 weights the shared middle row and column by ½', () => {
    const four = picture(4, 4, (x, y) => [x * 60, y * 60, 255]);
    const t = targetFromRgba(four, 4, 4, { shape: [2, 2, 3], range: [0, 255] });
    expect(Array.from(t.pixels.subarray(0, 3))).toEqual([30, 30, 255]);
    expect(Array.from(t.pixels.subarray(9, 12))).toEqual([150, 150, 255]);
    const three = picture(3, 3, (x) => [x === 0 ? 90 : x === 1 ? 0 : 30, 0, 0]);
    const u = targetFromRgba(three, 3, 3, { shape: [2, 2, 3], range: [0, 255] });
    // Target pixel (0, 0) covers column 0 fully and column 1 half: (90·1 + 0·½)/1.5 = 60; (1, 0): (0·½ + 30·1)/1.5 = 20.
    expect(u.pixels[0]).toBeCloseTo(60, 4);
    expect(u.pixels[3]).toBeCloseTo(20, 4);
    expect(t.notes).toEqual([]);
  });

  it('maps 0…255 onto the output range and composites alpha over black', () => {
    const t = targetFromRgba(picture(2, 2, () => [255, 0, 51, 255]), 2, 2, rgb2);
    expect(Array.from(t.pixels.subarray(0, 3)).map((v) => +v.toFixed(5))).toEqual([1, -1, -0.6]);
    const half = targetFromRgba(picture(2, 2, () => [255, 255, 0, 0]), 2, 2, rgb2);
    expect(half.pixels[0]).toBe(-1);
  });

  it('crops a wide picture to its centre, with a note', () => {
    // 8×4: the outer two columns on each side are red, the centre 4×4 green.
    const wide = picture(8, 4, (x) => (x < 2 || x >= 6 ? [255, 0, 0] : [0, 255, 0]));
    const t = targetFromRgba(wide, 8, 4, rgb2);
    for (let i = 0; i < 4; i++) expect(Array.from(t.pixels.subarray(3 * i, 3 * i + 3))).toEqual([-1, 1, -1]);
    expect(t.notes[0]).toMatch(/cropped to its centre 4×4/);
  });

  it('colour → grey by luminance for a grey model, grey → three channels for a colour model, each with a note', () => {
    const red = targetFromRgba(picture(2, 2, () => [255, 0, 0]), 2, 2, { shape: [1, 1, 1], range: [0, 1] });
    expect(red.pixels[0]).toBeCloseTo(0.299, 5);
    expect(red.notes[0]).toMatch(/colour.*luminance/);
    const grey = targetFromRgba(picture(2, 2, () => [102, 102, 102]), 2, 2, rgb2);
    expect(Array.from(grey.pixels.subarray(0, 3)).map((v) => +v.toFixed(5))).toEqual([-0.2, -0.2, -0.2]);
    expect(grey.notes[0]).toMatch(/grey.*three channels/);
  });

  it('refuses an empty picture, a huge one, and a buffer of the wrong length with one sentence each', () => {
    expect(() => targetFromRgba(new Uint8ClampedArray(0), 0, 0, rgb2)).toThrow(/no pixels/);
    expect(() => targetFromRgba(new Uint8ClampedArray(4), MAX_TARGET_SIDE + 1, 1, rgb2)).toThrow(/largest accepted/);
    expect(() => targetFromRgba(new Uint8ClampedArray(5), 1, 1, rgb2)).toThrow(/Expected 4 RGBA values/);
  });
});
