/** Image moments against closed forms: a filled square's centroid, radius of gyration √((s² − 1)/6), a bar's orientation, brightness. */
import { describe, expect, it } from 'vitest';
import { imageMoments } from './imageMoments';

/** A 20×20 colour image: background (−1, −0.5, 0), the cells `inside` says in (0.8, 0.2, −0.6). */
function picture(inside: (y: number, x: number) => boolean): Float32Array {
  const d = new Float32Array(20 * 20 * 3);
  for (let y = 0; y < 20; y++) {
    for (let x = 0; x < 20; x++) {
      const on = inside(y, x);
      d.set(on ? [0.8, 0.2, -0.6] : [-1, -0.5, 0], (y * 20 + x) * 3);
    }
  }
  return d;
}

describe('imageMoments', () => {
  it('a 6×6 square: centroid at its centre, size √(35/6), and 3 px right moves cx by exactly 3', () => {
    const a = imageMoments(picture((y, x) => y >= 4 && y < 10 && x >= 5 && x < 11), 0, 20, 20, 3);
    expect(a.cx).toBeCloseTo(7.5 - 9.5, 10);
    expect(a.cy).toBeCloseTo(6.5 - 9.5, 10);
    expect(a.size).toBeCloseTo(Math.sqrt(35 / 6), 10);
    const b = imageMoments(picture((y, x) => y >= 4 && y < 10 && x >= 8 && x < 14), 0, 20, 20, 3);
    expect(b.cx - a.cx).toBeCloseTo(3, 10);
    expect(b.cy).toBeCloseTo(a.cy, 10);
  });
  it('a horizontal bar is at 0°, a vertical one at ±90°, a rising diagonal (on screen) at +45°', () => {
    expect(imageMoments(picture((y, x) => y >= 9 && y < 11 && x >= 3 && x < 17), 0, 20, 20, 3).orientation).toBeCloseTo(0, 8);
    expect(Math.abs(imageMoments(picture((y, x) => x >= 9 && x < 11 && y >= 3 && y < 17), 0, 20, 20, 3).orientation)).toBeCloseTo(90, 8);
    // Rising on screen: x grows as y (down) shrinks.
    expect(imageMoments(picture((y, x) => Math.abs(x + y - 19) <= 1 && Math.abs(x - y) <= 12), 0, 20, 20, 3).orientation).toBeCloseTo(45, 6);
  });
  it('brightness is the mean over pixels and channels in [−1, 1] units; a [0, 1] image reads the same', () => {
    const d = picture(() => false);
    expect(imageMoments(d, 0, 20, 20, 3).brightness).toBeCloseTo(-0.5, 10);
    const unitRange = Float32Array.from(d, (v) => (v + 1) / 2);
    const m = imageMoments(unitRange, 0, 20, 20, 3, [0, 1]);
    expect(m.brightness).toBeCloseTo(-0.5, 6);
    expect(m.mass).toBe(0);
    expect(Number.isNaN(m.cx)).toBe(true);
  });
});
