import { describe, expect, it } from 'vitest';
import { SHAPE_CLASSES, factorTargets, renderShape, sampleFactors, shapesBatch, type ShapeFactors } from './shapes';
import { Rng } from '../util/random';

const base: ShapeFactors = { shape: 'square', x: 0, y: 0, scale: 0.2, rotation: 0, hue: 0, background: 0.25 };

function render(f: ShapeFactors, size = 32) {
  const out = new Float32Array(size * size * 3);
  renderShape(f, size, out);
  return out;
}

/** Fraction of pixels whose colour differs from the background (the shape's area). */
function coverage(img: Float32Array, bg: number): number {
  let n = 0;
  for (let i = 0; i < img.length; i += 3) if (Math.abs(img[i] - (2 * bg - 1)) + Math.abs(img[i + 1] - (2 * bg - 1)) + Math.abs(img[i + 2] - (2 * bg - 1)) > 0.05) n++;
  return n / (img.length / 3);
}

/** Centroid of non-background pixels, in pixels. */
function centroid(img: Float32Array, size: number, bg: number): [number, number] {
  let sx = 0, sy = 0, n = 0;
  for (let j = 0; j < size; j++) for (let i = 0; i < size; i++) {
    const o = (j * size + i) * 3;
    const d = Math.abs(img[o] - (2 * bg - 1)) + Math.abs(img[o + 1] - (2 * bg - 1)) + Math.abs(img[o + 2] - (2 * bg - 1));
    sx += i * d; sy += j * d; n += d;
  }
  return [sx / n, sy / n];
}

describe('shapes renderer', () => {
  it('is deterministic in its seed and differs across seeds', () => {
    const a = shapesBatch(5, 8, 32), b = shapesBatch(5, 8, 32), c = shapesBatch(6, 8, 32);
    expect(a.images).toEqual(b.images);
    expect(a.factors).toEqual(b.factors);
    expect(a.images).not.toEqual(c.images);
  });

  it('keeps every pixel in [-1, 1] and paints the background where there is no shape', () => {
    const { images } = shapesBatch(1, 64, 32);
    let lo = Infinity, hi = -Infinity;
    for (const v of images) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    expect(lo).toBeGreaterThanOrEqual(-1);
    expect(hi).toBeLessThanOrEqual(1);
    const img = render(base);
    expect(img[0]).toBeCloseTo(2 * base.background - 1, 6); // top-left corner is background
  });

  it('moves the centroid with x and y (to within half a pixel)', () => {
    for (const [x, y] of [[0.1, 0], [0, -0.15], [-0.2, 0.2]]) {
      const [cx, cy] = centroid(render({ ...base, shape: 'ellipse', x, y }), 32, base.background);
      expect(cx).toBeCloseTo((0.5 + x) * 32 - 0.5, 0);
      expect(cy).toBeCloseTo((0.5 + y) * 32 - 0.5, 0);
    }
  });

  it('scales area with scale² (square: (2·0.85·s·32)² px, anti-aliased coverage summed)', () => {
    const red = 2 * 0.95 - 1; // hue 0 at value 0.95: the red channel of a fully covered pixel
    const bg = 2 * base.background - 1;
    for (const scale of [0.12, 0.2, 0.26]) {
      const img = render({ ...base, scale, rotation: 0.2 });
      let area = 0;
      for (let i = 0; i < img.length; i += 3) area += (img[i] - bg) / (red - bg);
      const expected = (2 * 0.85 * scale * 32) ** 2;
      expect(Math.abs(area - expected) / expected).toBeLessThan(0.02);
    }
  });

  it('anti-aliases: edge pixels take intermediate values', () => {
    const img = render({ ...base, rotation: 0.3 });
    const bg = 2 * base.background - 1;
    const partial = Array.from({ length: 32 * 32 }, (_, k) => img[k * 3 + 1]).filter((v) => Math.abs(v - bg) > 0.02 && Math.abs(v - bg) < 0.9 * Math.abs(img[(16 * 32 + 16) * 3 + 1] - bg));
    expect(partial.length).toBeGreaterThan(10);
  });

  it('renders each class with a distinct silhouette', () => {
    const imgs = SHAPE_CLASSES.map((shape) => render({ ...base, shape, rotation: 0.4 }));
    for (let i = 0; i < imgs.length; i++) for (let j = i + 1; j < imgs.length; j++) expect(imgs[i]).not.toEqual(imgs[j]);
    for (const img of imgs) expect(coverage(img, base.background)).toBeGreaterThan(0.05);
  });

  it('samples every class and covers the factor ranges', () => {
    const rng = new Rng(3);
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const f = sampleFactors(rng);
      counts.set(f.shape, (counts.get(f.shape) ?? 0) + 1);
      expect(f.x).toBeGreaterThanOrEqual(-0.2);
      expect(f.x).toBeLessThanOrEqual(0.2);
    }
    for (const c of SHAPE_CLASSES) expect(counts.get(c)! / 4000).toBeGreaterThan(0.2);
  });

  it('maps each position, size and background range onto [-1, 1] for the probe', () => {
    const lo = factorTargets({ ...base, x: -0.2, y: -0.2, scale: 0.18, background: 0 });
    const hi = factorTargets({ ...base, x: 0.2, y: 0.2, scale: 0.3, background: 0.5 });
    const mid = factorTargets({ ...base, x: 0, y: 0, scale: 0.24, background: 0.25 });
    for (const j of [0, 1, 2, 7]) {
      expect(lo[j]).toBeCloseTo(-1, 12);
      expect(hi[j]).toBeCloseTo(1, 12);
      expect(mid[j]).toBeCloseTo(0, 12);
    }
  });

  it('encodes rotation modulo the class symmetry (a square turned by 90° has the same targets)', () => {
    const a = factorTargets({ ...base, rotation: 0.3 });
    const b = factorTargets({ ...base, rotation: 0.3 + Math.PI / 2 });
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 9));
  });
});
