/**
 * Steerability's edit targets (Jahanian et al., paper 004 §3 and A.2; details from the authors' code,
 * ali-design/gan_steerability utils/transforms.py): edit(G(z), α) with a mask of the pixels the edit
 * defines, the training distribution of α, and α's "feed" — the number the walk multiplies w by.
 *
 * | edit    | α (target units)                          | feed α_g      | mask                          |
 * |---------|-------------------------------------------|---------------|-------------------------------|
 * | zoom    | factor: U(0.25, 1) or U(1, 4), coin flip  | log α         | zoom-in: all; out: the picture |
 * | shift-x | integer pixels in [1, D/2), random sign   | α / (D/2)     | pixels shifted in from inside  |
 * | shift-y | as shift-x, downwards positive            | α / (D/2)     | as shift-x                    |
 * | rotate  | integer degrees in [1, 45), random sign   | α / 45        | pixels rotated in from inside  |
 * | color   | three offsets U(−0.5, 0.5)³               | the three     | all                            |
 *
 * The paper's text says shifts are fed α/D; its code divides by D/2 so that the feed spans (−1, 1): we
 * follow the code. Positive shift moves content right / down; positive rotation turns it counter-clockwise
 * on screen (OpenCV's sign, as the authors'). Zoom α < 1 crops the central α·D square and resizes it up
 * (zoom in); α > 1 pads the picture into an α·D canvas and resizes it down (zoom out) — α is the ratio of
 * the field of view, so the object's size scales by 1/α.
 *
 * Colour offsets are in units of a [−1, 1] image (the authors' BigGAN range) and scaled to the model's
 * output range. Pixels outside the source are filled with the range's midpoint (the authors' 0) and masked
 * out; as in their code, a resampled mask counts a pixel as valid when any of its interpolation taps is.
 * Resampling is bilinear with pixel centres at i + ½ (OpenCV's INTER_LINEAR, no antialiasing), and
 * rotation turns about the image's geometric centre ((D − 1)/2 in pixel indices; the authors' OpenCV call
 * uses the pixel D/2, half a pixel off), so a quarter turn is exactly a transposition and flip.
 *
 * Everything here is plain arrays: a target needs no gradient, and hand-made images test it exactly.
 */
import type { Rng } from '../util/random';

export const STEER_EDITS = ['zoom', 'shift-x', 'shift-y', 'rotate', 'color'] as const;
export type SteerEdit = (typeof STEER_EDITS)[number];

/** Images [B, H, W, C] row-major, the layout tfjs' dataSync gives. */
export interface ImageBatch {
  data: Float32Array;
  b: number;
  h: number;
  w: number;
  c: number;
}

export interface EditTarget {
  /** edit(G(z), α), same layout as the source. */
  target: Float32Array;
  /** 1 where the target is defined, 0 elsewhere; same layout. */
  mask: Float32Array;
}

/** Degrees of the rotation feed's unit (the paper's R = 45). */
export const ROTATE_UNIT = 45;

export function checkEdit(edit: unknown): SteerEdit {
  if (!STEER_EDITS.includes(edit as SteerEdit)) throw new Error(`The edit is one of ${STEER_EDITS.join(', ')}; got '${String(edit).slice(0, 40)}'.`);
  return edit as SteerEdit;
}

/** How many walk directions an edit learns: three for colour (R, G, B), one otherwise. */
export function slidersOf(edit: SteerEdit): number {
  return edit === 'color' ? 3 : 1;
}

/** The unit a requested α is given in, for labels. */
export function unitOf(edit: SteerEdit): string {
  return edit === 'zoom' ? '× field of view' : edit === 'rotate' ? '°' : edit === 'color' ? 'offset ([−1, 1] units)' : 'px';
}

/** The identity's α: 1 for zoom, 0 otherwise. */
export function identityOf(edit: SteerEdit): number {
  return edit === 'zoom' ? 1 : 0;
}

/** The range of α the linear walk is trained on, in target units (colour: each channel). */
export function trainedRange(edit: SteerEdit, size: number): [number, number] {
  if (edit === 'zoom') return [0.25, 4];
  if (edit === 'shift-x' || edit === 'shift-y') return [-(size / 2 - 1), size / 2 - 1];
  if (edit === 'rotate') return [-(ROTATE_UNIT - 1), ROTATE_UNIT - 1];
  return [-0.5, 0.5];
}

/**
 * The feed α_g of a requested α (target units); `size` is D. Colour takes three offsets (a number is the same
 * offset on every channel: a change of brightness).
 */
export function feedOf(edit: SteerEdit, alpha: number | readonly number[], size: number): number[] {
  if (edit === 'color') return typeof alpha === 'number' ? [alpha, alpha, alpha] : [alpha[0], alpha[1], alpha[2]];
  const a = typeof alpha === 'number' ? alpha : alpha[0];
  if (edit === 'zoom') {
    if (!(a > 0)) throw new Error(`A zoom factor must be positive, got ${a}.`);
    return [Math.log(a)];
  }
  if (edit === 'rotate') return [a / ROTATE_UNIT];
  return [a / (size / 2)];
}

/** One training draw of α (target units; three numbers for colour), as the authors' get_train_alpha. */
export function sampleAlpha(edit: SteerEdit, size: number, rng: Rng): number[] {
  if (edit === 'color') return [rng.next() - 0.5, rng.next() - 0.5, rng.next() - 0.5];
  if (edit === 'zoom') return [rng.next() <= 0.5 ? rng.uniform(0.25, 1) : rng.uniform(1, 4)];
  const max = edit === 'rotate' ? ROTATE_UNIT : Math.floor(size / 2);
  const a = 1 + rng.int(Math.max(1, max - 1));
  return [rng.next() <= 0.5 ? -a : a];
}

/** The non-linear walk's fixed step ε and step count N per edit (issue 17, after the authors' defaults). */
export function nonlinearStep(edit: SteerEdit, size: number): { eps: number; n: number } {
  if (edit === 'zoom') return { eps: 1.41, n: 4 };
  if (edit === 'shift-x' || edit === 'shift-y') return { eps: size / 8, n: 5 };
  if (edit === 'rotate') return { eps: 10, n: 5 };
  return { eps: 0.1, n: 5 };
}

/** The target α of n non-linear steps: ε^n for zoom (multiplicative), n·ε otherwise (colour: on every channel). */
export function nonlinearAlpha(edit: SteerEdit, eps: number, n: number): number[] {
  if (edit === 'zoom') return [eps ** n];
  if (edit === 'color') return [n * eps, n * eps, n * eps];
  return [n * eps];
}

/** Steps of the non-linear walk nearest a requested α (target units; colour: its mean offset). */
export function nonlinearStepsOf(edit: SteerEdit, eps: number, alpha: number): number {
  if (edit === 'zoom') {
    if (!(alpha > 0)) throw new Error(`A zoom factor must be positive, got ${alpha}.`);
    return Math.round(Math.log(alpha) / Math.log(eps));
  }
  return Math.round(alpha / eps);
}

/** Bilinear sample of channel `ch` of image `k` at (sy, sx) in pixel indices; taps outside count as `pad`, and `inside` is whether any tap was inside. */
function sample(img: ImageBatch, k: number, sy: number, sx: number, ch: number, pad: number): { v: number; inside: boolean } {
  const { h, w, c, data } = img;
  const y0 = Math.floor(sy), x0 = Math.floor(sx);
  const fy = sy - y0, fx = sx - x0;
  let v = 0, inside = false;
  for (let dy = 0; dy <= 1; dy++) {
    const wy = dy ? fy : 1 - fy;
    if (wy === 0) continue;
    for (let dx = 0; dx <= 1; dx++) {
      const wx = dx ? fx : 1 - fx;
      if (wx === 0) continue;
      const y = y0 + dy, x = x0 + dx;
      if (y >= 0 && y < h && x >= 0 && x < w) {
        v += wy * wx * data[((k * h + y) * w + x) * c + ch];
        inside = true;
      } else {
        v += wy * wx * pad;
      }
    }
  }
  return { v, inside };
}

/** Resize a [h, w] region (as a sampler) to D×D, OpenCV INTER_LINEAR style (source index = (i + ½)·scale − ½, clamped). */
function resizeInto(srcH: number, srcW: number, get: (y: number, x: number) => number, dstH: number, dstW: number, out: (y: number, x: number, v: number) => void): void {
  const sy = srcH / dstH, sx = srcW / dstW;
  for (let y = 0; y < dstH; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), srcH - 1);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, srcH - 1), ay = fy - y0;
    for (let x = 0; x < dstW; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), srcW - 1);
      const x0 = Math.floor(fx), x1 = Math.min(x0 + 1, srcW - 1), ax = fx - x0;
      out(y, x, (1 - ay) * ((1 - ax) * get(y0, x0) + ax * get(y0, x1)) + ay * ((1 - ax) * get(y1, x0) + ax * get(y1, x1)));
    }
  }
}

/**
 * edit(images, α) and its mask. `alphas[k]` is image k's α in target units (colour: three offsets).
 * `range` is the images' value range (the model's output range): the fill value and the colour scale.
 */
export function editTargets(edit: SteerEdit, images: ImageBatch, alphas: readonly (readonly number[])[], range: readonly [number, number] = [-1, 1]): EditTarget {
  const { b, h, w, c, data } = images;
  if (alphas.length !== b) throw new Error(`One α per image: ${b} images, ${alphas.length} α.`);
  const target = new Float32Array(data.length), mask = new Float32Array(data.length);
  const pad = (range[0] + range[1]) / 2;
  const half = (range[1] - range[0]) / 2;
  const at = (k: number, y: number, x: number, ch: number) => ((k * h + y) * w + x) * c + ch;
  for (let k = 0; k < b; k++) {
    const a = alphas[k];
    if (edit === 'color') {
      for (let i = 0; i < h * w; i++) {
        for (let ch = 0; ch < c; ch++) {
          const j = (k * h * w + i) * c + ch;
          target[j] = data[j] + a[ch % a.length] * half;
          mask[j] = 1;
        }
      }
      continue;
    }
    if (edit === 'shift-x' || edit === 'shift-y') {
      const t = Math.round(a[0]);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const sy = edit === 'shift-y' ? y - t : y, sx = edit === 'shift-x' ? x - t : x;
          const ok = sy >= 0 && sy < h && sx >= 0 && sx < w;
          for (let ch = 0; ch < c; ch++) {
            target[at(k, y, x, ch)] = ok ? data[at(k, sy, sx, ch)] : pad;
            mask[at(k, y, x, ch)] = ok ? 1 : 0;
          }
        }
      }
      continue;
    }
    if (edit === 'rotate') {
      const th = (a[0] * Math.PI) / 180, cos = Math.cos(th), sin = Math.sin(th);
      const cy = (h - 1) / 2, cx = (w - 1) / 2;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          // Inverse map of a counter-clockwise turn on screen (y points down): source = Rᵀ(dest − centre) + centre.
          const dx = x - cx, dy = y - cy;
          const sx = cos * dx - sin * dy + cx, sy = sin * dx + cos * dy + cy;
          for (let ch = 0; ch < c; ch++) {
            const s = sample(images, k, sy, sx, ch, pad);
            target[at(k, y, x, ch)] = s.v;
            mask[at(k, y, x, ch)] = s.inside ? 1 : 0;
          }
        }
      }
      continue;
    }
    // Zoom (square images, as the authors').
    const alpha = a[0];
    if (!(alpha > 0)) throw new Error(`A zoom factor must be positive, got ${alpha}.`);
    if (h !== w) throw new Error(`Zoom edits square images; these are ${h}×${w}.`);
    const d = h;
    const size = Math.floor(alpha * d);
    if (alpha === 1 || size === d) {
      for (let i = 0; i < h * w * c; i++) {
        target[k * h * w * c + i] = data[k * h * w * c + i];
        mask[k * h * w * c + i] = 1;
      }
      continue;
    }
    if (alpha < 1) {
      const halfSize = Math.max(1, Math.floor(size / 2)), lo = Math.floor(d / 2) - halfSize;
      for (let ch = 0; ch < c; ch++) {
        resizeInto(2 * halfSize, 2 * halfSize, (y, x) => data[at(k, lo + y, lo + x, ch)], d, d, (y, x, v) => {
          target[at(k, y, x, ch)] = v;
          mask[at(k, y, x, ch)] = 1;
        });
      }
    } else {
      const off = Math.floor(size / 2) - Math.floor(d / 2);
      const inside = (y: number, x: number) => y >= off && y < off + d && x >= off && x < off + d;
      for (let ch = 0; ch < c; ch++) {
        resizeInto(size, size, (y, x) => (inside(y, x) ? data[at(k, y - off, x - off, ch)] : pad), d, d, (y, x, v) => { target[at(k, y, x, ch)] = v; });
        resizeInto(size, size, (y, x) => (inside(y, x) ? 1 : 0), d, d, (y, x, v) => { mask[at(k, y, x, ch)] = v > 0 ? 1 : 0; });
      }
    }
  }
  return { target, mask };
}
