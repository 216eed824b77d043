/**
 * A user's picture as an inversion target: decoded RGBA pixels (the app decodes with the browser, the CLI
 * with pngjs / jpeg-js) → the model's output shape and range. Pure arithmetic, no DOM.
 *
 * - The largest centred region with the model's aspect ratio is kept (a note says when something is cut).
 * - It is resampled by area averaging (every source pixel weighted by how much of it a target pixel covers):
 *   exact for integer factors, no aliasing when shrinking; enlarging gives blocky, not invented, pixels.
 * - Channels: a colour picture for a grey model becomes its luminance (Rec. 601 weights), a grey picture for a
 *   colour model is repeated into the three channels; both with a note. Alpha is composited over black.
 * - Values 0…255 map linearly onto the manifest's output range.
 */
import type { ImageFormat } from '../distance/types';

/** Larger pictures are refused rather than resampled (decoding them alone needs hundreds of MB). */
export const MAX_TARGET_SIDE = 8192;

export interface TargetImage {
  /** [height · width · channels] in the model's output range, row-major HWC. */
  pixels: Float32Array;
  notes: string[];
}

export function targetFromRgba(rgba: ArrayLike<number>, width: number, height: number, format: ImageFormat): TargetImage {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1)) throw new Error(`The picture has no pixels (${width}×${height}).`);
  if (width > MAX_TARGET_SIDE || height > MAX_TARGET_SIDE) throw new Error(`The picture is ${width}×${height}; the largest accepted is ${MAX_TARGET_SIDE}×${MAX_TARGET_SIDE}. Shrink it first.`);
  if (rgba.length !== width * height * 4) throw new Error(`Expected ${width * height * 4} RGBA values for a ${width}×${height} picture, got ${rgba.length}.`);
  const [h, w, c] = format.shape;
  const notes: string[] = [];
  // Centred crop to the model's aspect ratio (w/h).
  let cw = width, ch = height;
  if (width * h > height * w) cw = (height * w) / h; else if (width * h < height * w) ch = (width * h) / w;
  const x0 = (width - cw) / 2, y0 = (height - ch) / 2;
  if (cw < width - 0.5 || ch < height - 0.5) notes.push(`The picture (${width}×${height}) was cropped to its centre ${Math.round(cw)}×${Math.round(ch)} to match the model's ${w}×${h}.`);
  let colour = false;
  for (let i = 0; i < width * height && !colour; i++) colour = rgba[4 * i] !== rgba[4 * i + 1] || rgba[4 * i] !== rgba[4 * i + 2];
  if (c === 1 && colour) notes.push('The picture is in colour; this model draws grey images, so its luminance is used.');
  if (c === 3 && !colour) notes.push('The picture is grey; this model draws colour images, so the grey is repeated in all three channels.');
  const [lo, hi] = format.range;
  const out = new Float32Array(h * w * c);
  const sx = cw / w, sy = ch / h;
  const acc = new Float64Array(3);
  for (let ty = 0; ty < h; ty++) {
    const ya = y0 + ty * sy, yb = ya + sy;
    for (let tx = 0; tx < w; tx++) {
      const xa = x0 + tx * sx, xb = xa + sx;
      acc.fill(0);
      let area = 0;
      for (let y = Math.floor(ya); y < Math.ceil(yb) && y < height; y++) {
        const fy = Math.min(yb, y + 1) - Math.max(ya, y);
        if (fy <= 0) continue;
        for (let x = Math.floor(xa); x < Math.ceil(xb) && x < width; x++) {
          const fx = Math.min(xb, x + 1) - Math.max(xa, x);
          if (fx <= 0) continue;
          const a = fx * fy, p = 4 * (y * width + x), alpha = rgba[p + 3] / 255;
          acc[0] += a * rgba[p] * alpha;
          acc[1] += a * rgba[p + 1] * alpha;
          acc[2] += a * rgba[p + 2] * alpha;
          area += a;
        }
      }
      const [r, g, b] = [acc[0] / area, acc[1] / area, acc[2] / area];
      const toRange = (v: number) => lo + ((hi - lo) * v) / 255;
      const o = (ty * w + tx) * c;
      if (c === 1) out[o] = toRange(0.299 * r + 0.587 * g + 0.114 * b);
      else if (c === 3) { out[o] = toRange(r); out[o + 1] = toRange(g); out[o + 2] = toRange(b); }
      else throw new Error(`Models with ${c} channels cannot take a picture as a target (1 or 3 channels).`);
    }
  }
  return { pixels: out, notes };
}
