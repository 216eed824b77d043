/**
 * Mask-free image moments: where an image's object is, how big and how turned, and how bright the image is,
 * read without a detector or a probe — an independent measurement of what a steering walk achieved
 * (steerLimits.ts). The background is taken to be the mean colour of the one-pixel border; each pixel weighs
 * its colour distance from it (Euclidean over channels, in units of a [−1, 1] image), so an object on a plain
 * background is found whatever its colour.
 *
 * - centroid (x, y): weighted mean pixel position, pixels from the image centre ((D − 1)/2), x right, y down;
 * - size: radius of gyration √(Σ w r² / Σ w) about the centroid, pixels (a filled s×s square: √((s² − 1)/6));
 * - orientation: ½ atan2(2μ₁₁, μ₂₀ − μ₀₂), degrees, counter-clockwise on screen (0 = a horizontal bar),
 *   defined modulo 180° and meaningless for a round object;
 * - brightness: the mean of every pixel and channel, in [−1, 1] units.
 */

export interface Moments {
  cx: number;
  cy: number;
  size: number;
  orientation: number;
  brightness: number;
  /** Σ w: how much differs from the border (0 for a plain image, where the other moments are NaN). */
  mass: number;
}

/** Moments of image `k` of a batch [B, H, W, C] (row-major) whose values lie in `range`. */
export function imageMoments(data: Float32Array, k: number, h: number, w: number, c: number, range: readonly [number, number] = [-1, 1]): Moments {
  const scale = 2 / (range[1] - range[0]);
  const unit = (v: number) => (v - range[0]) * scale - 1;
  const base = k * h * w * c;
  const bg = new Float64Array(c);
  let border = 0, total = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) total += unit(data[base + (y * w + x) * c + ch]);
      if (y > 0 && y < h - 1 && x > 0 && x < w - 1) continue;
      border++;
      for (let ch = 0; ch < c; ch++) bg[ch] += unit(data[base + (y * w + x) * c + ch]);
    }
  }
  for (let ch = 0; ch < c; ch++) bg[ch] /= border;
  const weights = new Float64Array(h * w);
  let m = 0, sx = 0, sy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let d2 = 0;
      for (let ch = 0; ch < c; ch++) d2 += (unit(data[base + (y * w + x) * c + ch]) - bg[ch]) ** 2;
      const wt = Math.sqrt(d2);
      weights[y * w + x] = wt;
      m += wt;
      sx += wt * x;
      sy += wt * y;
    }
  }
  const brightness = total / (h * w * c);
  if (!(m > 1e-9)) return { cx: NaN, cy: NaN, size: NaN, orientation: NaN, brightness, mass: 0 };
  const mx = sx / m, my = sy / m;
  let m20 = 0, m02 = 0, m11 = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const wt = weights[y * w + x];
      m20 += wt * (x - mx) ** 2;
      m02 += wt * (y - my) ** 2;
      m11 += wt * (x - mx) * (y - my);
    }
  }
  // y points down on screen, so a counter-clockwise angle on screen has the opposite sign of μ₁₁'s.
  const orientation = (-0.5 * Math.atan2(2 * m11, m20 - m02) * 180) / Math.PI;
  return { cx: mx - (w - 1) / 2, cy: my - (h - 1) / 2, size: Math.sqrt((m20 + m02) / m), orientation, brightness, mass: m };
}
