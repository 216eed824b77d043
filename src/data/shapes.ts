/**
 * The `shapes` data set: one coloured shape on a plain background, rendered procedurally with known
 * factors. Every image comes with the factor values that made it — the ground truth later used to
 * score how cleanly each method's latent directions move one factor at a time.
 *
 * Rendering is analytic anti-aliasing: a signed distance d (in pixels) to the shape's edge gives the
 * pixel's coverage clamp(0.5 − d, 0, 1), which is a one-pixel-wide linear ramp across the edge. This
 * is deterministic, fast, and needs no supersampling.
 */
import { Rng } from '../util/random';

export const SHAPE_CLASSES = ['square', 'ellipse', 'triangle', 'heart'] as const;
export type ShapeClass = (typeof SHAPE_CLASSES)[number];

/**
 * Rotational symmetry order of each class: rotation is only defined modulo 2π / order. Not quite true of the
 * triangle: it turns about a point 0.25 half-sizes above its centroid (the `+ 0.25` in `signedDistance`, which
 * centres its height in the frame), so turning it by 2π/3 also moves it by 2.5–4 px at 32×32, and a triangle's
 * (x, y, cos 3θ, sin 3θ) have three readings of one image. Fixing it changes the data every shapes model and the
 * probe were trained on, so it waits for their next retraining (scripts/dump-data.test.ts shows it).
 */
export const SHAPE_SYMMETRY: Record<ShapeClass, number> = { square: 4, ellipse: 2, triangle: 3, heart: 1 };

/** Factor names in the order the probe predicts and the manifests list them. */
export const SHAPE_FACTORS = ['shape', 'x', 'y', 'scale', 'rotation', 'hue', 'background'] as const;

export interface ShapeFactors {
  shape: ShapeClass;
  /** Centre, as a fraction of the image side, in [-0.2, 0.2] around the image centre. */
  x: number;
  y: number;
  /** Half-size of the shape as a fraction of the image side, in [0.18, 0.3]. */
  scale: number;
  /** Radians in [0, 2π). */
  rotation: number;
  /** Hue in [0, 1) (HSV, saturation 0.85, value 0.95). */
  hue: number;
  /** Grey level of the background in [0, 0.5]. */
  background: number;
}

/**
 * Shapes are large for a 32×32 frame (a square is 11–18 px a side) so that what tells the classes
 * apart — corners, straight edges, the heart's notch — spans enough pixels for a small GAN to learn in
 * the few tens of thousands of images it sees here. (With half-sizes 0.12–0.26 and centres within
 * ±0.25, the bundled GANs drew round blobs and under-produced squares.) Centres stay within ±0.2 so
 * that even the largest rotated square stays almost entirely inside the frame.
 */
export const FACTOR_RANGES = {
  x: [-0.2, 0.2],
  y: [-0.2, 0.2],
  scale: [0.18, 0.3],
  rotation: [0, 2 * Math.PI],
  hue: [0, 1],
  background: [0, 0.5],
} as const;

export function sampleFactors(rng: Rng): ShapeFactors {
  const r = FACTOR_RANGES;
  return {
    shape: SHAPE_CLASSES[rng.int(SHAPE_CLASSES.length)],
    x: rng.uniform(r.x[0], r.x[1]),
    y: rng.uniform(r.y[0], r.y[1]),
    scale: rng.uniform(r.scale[0], r.scale[1]),
    rotation: rng.uniform(r.rotation[0], r.rotation[1]),
    hue: rng.uniform(r.hue[0], r.hue[1]),
    background: rng.uniform(r.background[0], r.background[1]),
  };
}

export function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const i = Math.floor(h * 6);
  const f = h * 6 - i;
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  switch (((i % 6) + 6) % 6) {
    case 0: return [v, t, p];
    case 1: return [q, v, p];
    case 2: return [p, v, t];
    case 3: return [p, q, v];
    case 4: return [t, p, v];
    default: return [v, p, q];
  }
}

/** Signed distance (in shape units, where the shape's half-size is 1) from a local point to the edge. */
function signedDistance(shape: ShapeClass, px: number, py: number): number {
  switch (shape) {
    case 'square': {
      const qx = Math.abs(px) - 0.85;
      const qy = Math.abs(py) - 0.85;
      const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
      return outside + Math.min(Math.max(qx, qy), 0);
    }
    case 'ellipse': {
      // Axes 1 and 0.55 so that rotation is visible. Distance approximated by the first-order
      // formula (f / |∇f|), accurate within the one-pixel band where it matters for coverage.
      const a = 1;
      const b = 0.55;
      const f = Math.hypot(px / a, py / b) - 1;
      const gx = px / (a * a);
      const gy = py / (b * b);
      const g = Math.hypot(gx, gy) / Math.max(Math.hypot(px / a, py / b), 1e-9);
      return f / Math.max(g, 1e-9);
    }
    case 'triangle': {
      // Equilateral triangle with circumradius 1, one vertex pointing up (negative y is up).
      const k = Math.sqrt(3);
      let x = Math.abs(px);
      let y = -py + 0.25;
      const r = 0.9;
      x = x - r;
      y = y + r / k;
      if (x + k * y > 0) {
        const nx = (x - k * y) / 2;
        const ny = (-k * x - y) / 2;
        x = nx;
        y = ny;
      }
      x -= Math.min(Math.max(x, -2 * r), 0);
      return -Math.hypot(x, y) * Math.sign(y);
    }
    case 'heart': {
      // Inigo Quilez's exact heart SDF, scaled to fit the unit half-size.
      const s = 1.45;
      const x = Math.abs(px) / s;
      const y = (-py) / s + 0.55;
      let d: number;
      if (y + x > 1) {
        d = Math.hypot(x - 0.25, y - 0.75) - Math.SQRT2 / 4;
      } else {
        const d1 = x * x + (y - 1) * (y - 1);
        const m = Math.max(x + y, 0) * 0.5;
        const d2 = (x - m) * (x - m) + (y - m) * (y - m);
        d = Math.sqrt(Math.min(d1, d2)) * Math.sign(x - y);
      }
      return d * s;
    }
  }
}

/**
 * Render one image into `out` (length size·size·3) at `offset`, values in [-1, 1], row-major HWC.
 */
export function renderShape(f: ShapeFactors, size: number, out: Float32Array, offset = 0): void {
  const [r, g, b] = hsvToRgb(f.hue, 0.85, 0.95);
  const cos = Math.cos(f.rotation);
  const sin = Math.sin(f.rotation);
  const halfPx = f.scale * size; // shape half-size in pixels
  const cx = (0.5 + f.x) * size;
  const cy = (0.5 + f.y) * size;
  const bg = f.background;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const dx = i + 0.5 - cx;
      const dy = j + 0.5 - cy;
      // Rotate into the shape's frame and normalise to shape units.
      const lx = (cos * dx + sin * dy) / halfPx;
      const ly = (-sin * dx + cos * dy) / halfPx;
      const dPixels = signedDistance(f.shape, lx, ly) * halfPx;
      const cover = Math.min(1, Math.max(0, 0.5 - dPixels));
      const o = offset + (j * size + i) * 3;
      out[o] = 2 * (bg + cover * (r - bg)) - 1;
      out[o + 1] = 2 * (bg + cover * (g - bg)) - 1;
      out[o + 2] = 2 * (bg + cover * (b - bg)) - 1;
    }
  }
}

export interface ShapesBatch {
  /** [count, size, size, 3] in [-1, 1], row-major. */
  images: Float32Array;
  factors: ShapeFactors[];
}

/** A deterministic batch: the same seed always gives the same images and factors. */
export function shapesBatch(seed: number, count: number, size: number): ShapesBatch {
  const rng = new Rng(seed);
  const images = new Float32Array(count * size * size * 3);
  const factors: ShapeFactors[] = [];
  for (let k = 0; k < count; k++) {
    const f = sampleFactors(rng);
    factors.push(f);
    renderShape(f, size, images, k * size * size * 3);
  }
  return { images, factors };
}

/** A factor's value mapped from its sampling range to [-1, 1] (the probes' regression targets, shapes and faces). */
export function standardised(v: number, [lo, hi]: readonly [number, number]): number {
  return (2 * v - lo - hi) / (hi - lo);
}

/**
 * The probe's regression targets for one image: [x, y, scale, cos(kθ), sin(kθ), cos 2πh, sin 2πh, bg],
 * where k is the class's symmetry order so that rotation is a continuous, well-defined target.
 */
export function factorTargets(f: ShapeFactors): number[] {
  const k = SHAPE_SYMMETRY[f.shape];
  return [
    standardised(f.x, FACTOR_RANGES.x),
    standardised(f.y, FACTOR_RANGES.y),
    standardised(f.scale, FACTOR_RANGES.scale),
    Math.cos(k * f.rotation),
    Math.sin(k * f.rotation),
    Math.cos(2 * Math.PI * f.hue),
    Math.sin(2 * Math.PI * f.hue),
    standardised(f.background, FACTOR_RANGES.background),
  ];
}
export const FACTOR_TARGET_NAMES = ['x', 'y', 'scale', 'rot_cos', 'rot_sin', 'hue_cos', 'hue_sin', 'background'];

/**
 * A shape from what a reader (the probe) reads in an image: the class index and the targets in `factorTargets`
 * order. The inverse of `factorTargets` up to the class's symmetry (rotation comes back in [0, 2π/k), which draws
 * the same shape): linear targets are mapped back and clamped to their range, angle pairs become angles (a
 * reading off the unit circle still has one). Used to re-render a generator's samples as the probe sees them.
 */
export function shapeFromReading(shape: number, targets: ArrayLike<number>): ShapeFactors {
  if (targets.length !== FACTOR_TARGET_NAMES.length) {
    throw new Error(`shapeFromReading: ${targets.length} targets, expected ${FACTOR_TARGET_NAMES.length}`);
  }
  const cls = SHAPE_CLASSES[Math.min(SHAPE_CLASSES.length - 1, Math.max(0, Math.round(shape)))];
  const linear = (t: number, [lo, hi]: readonly [number, number]) => lo + ((Math.min(1, Math.max(-1, t)) + 1) / 2) * (hi - lo);
  const turn = (c: number, s: number) => {
    const a = Math.atan2(s, c) / (2 * Math.PI);
    return a - Math.floor(a);
  };
  return {
    shape: cls,
    x: linear(targets[0], FACTOR_RANGES.x),
    y: linear(targets[1], FACTOR_RANGES.y),
    scale: linear(targets[2], FACTOR_RANGES.scale),
    rotation: (2 * Math.PI * turn(targets[3], targets[4])) / SHAPE_SYMMETRY[cls],
    hue: turn(targets[5], targets[6]),
    background: linear(targets[7], FACTOR_RANGES.background),
  };
}
