import { describe, expect, it } from 'vitest';
import { frameGrid } from './frameGrid';

/** Three 2×1 frames, each pixel a distinct colour: frame k, pixel x → (10k + x, 100 + k, 200, 255). */
const frames = Uint8ClampedArray.from([0, 1, 2].flatMap((k) => [0, 1].flatMap((x) => [10 * k + x, 100 + k, 200, 255])));

describe('frameGrid', () => {
  it('lays frames out row by row with gaps and upscales each pixel into a square', () => {
    const g = frameGrid(frames, { frameWidth: 2, frameHeight: 1, columns: 2, scale: 3, gap: 1, background: [9, 9, 9, 255] });
    expect([g.width, g.height]).toEqual([1 + 2 * (6 + 1), 1 + 2 * (3 + 1)]);
    const at = (x: number, y: number) => Array.from(g.rgba.subarray((y * g.width + x) * 4, (y * g.width + x) * 4 + 4));
    expect(at(0, 0)).toEqual([9, 9, 9, 255]);
    expect(at(1, 1)).toEqual([0, 100, 200, 255]); // frame 0, pixel 0
    expect(at(3, 3)).toEqual([0, 100, 200, 255]); // still pixel 0 (3×3 square)
    expect(at(4, 1)).toEqual([1, 100, 200, 255]); // frame 0, pixel 1
    expect(at(8, 2)).toEqual([10, 101, 200, 255]); // frame 1, pixel 0
    expect(at(7, 2)).toEqual([9, 9, 9, 255]); // the gap between frames 0 and 1
    expect(at(1, 5)).toEqual([20, 102, 200, 255]); // frame 2 starts row 2
    expect(at(8, 5)).toEqual([9, 9, 9, 255]); // no frame 3: background
  });

  it('refuses bytes that are not whole frames and bad layouts', () => {
    expect(() => frameGrid(frames.subarray(0, 5), { frameWidth: 2, frameHeight: 1, columns: 2 })).toThrow(/whole 2×1 RGBA frames/);
    expect(() => frameGrid(frames, { frameWidth: 2, frameHeight: 1, columns: 0 })).toThrow(/columns/);
  });
});
