/** Writing image grids as PNG (Node only): used by training snapshots, docs and the CLI. */
import { PNG } from 'pngjs';
import fs from 'node:fs';
import path from 'node:path';

/** Grid layout: columns (default √count, rounded up), integer upscale, and the value range mapped to 0…255. */
export interface GridOptions {
  cols?: number;
  scale?: number;
  range?: [number, number];
  /** Dark pixels between and around the images (default 1; 0 for a single image of its own). */
  gutter?: number;
}

/**
 * Write `count` images ([count, h, w, c] row-major, values in [lo, hi]) as a grid PNG with a one-pixel
 * dark gutter, optionally upscaled by an integer factor (nearest, so pixels stay crisp).
 */
export function writeGridPng(
  file: string,
  images: Float32Array | number[],
  count: number,
  h: number,
  w: number,
  c: number,
  opts: GridOptions = {},
): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, gridPng(images, count, h, w, c, opts).data);
}

/** The grid of writeGridPng as PNG bytes, with its pixel size. */
export function gridPng(
  images: Float32Array | number[],
  count: number,
  h: number,
  w: number,
  c: number,
  opts: GridOptions = {},
): { data: Buffer; width: number; height: number } {
  const cols = opts.cols ?? Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / cols);
  const s = opts.scale ?? 1;
  const [lo, hi] = opts.range ?? [-1, 1];
  const gut = opts.gutter ?? 1;
  const W = cols * (w * s + gut) + gut;
  const H = rows * (h * s + gut) + gut;
  const png = new PNG({ width: W, height: H });
  png.data.fill(0);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  for (let k = 0; k < count; k++) {
    const ox = gut + (k % cols) * (w * s + gut);
    const oy = gut + Math.floor(k / cols) * (h * s + gut);
    for (let y = 0; y < h * s; y++) {
      for (let x = 0; x < w * s; x++) {
        const src = ((k * h + Math.floor(y / s)) * w + Math.floor(x / s)) * c;
        const dst = ((oy + y) * W + ox + x) * 4;
        for (let ch = 0; ch < 3; ch++) {
          const v = images[src + (c === 1 ? 0 : ch)];
          png.data[dst + ch] = Math.max(0, Math.min(255, Math.round(((v - lo) / (hi - lo)) * 255)));
        }
      }
    }
  }
  return { data: PNG.sync.write(png), width: W, height: H };
}

/** One image ([h, w, c] row-major, values in opts.range) as a PNG of its own: no gutter, upscaled by opts.scale. */
export function writeImagePng(file: string, image: Float32Array | number[], h: number, w: number, c: number, opts: Omit<GridOptions, 'cols' | 'gutter'> = {}): void {
  writeGridPng(file, image, 1, h, w, c, { ...opts, cols: 1, gutter: 0 });
}
