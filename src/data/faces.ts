/**
 * The `faces` data set: a cartoon face (avatar style) on a plain background, rendered procedurally with
 * known factors, so that a direction in a GAN's latent space can be *scored* ("moves the smile, 71 %")
 * instead of eyeballed. Issue 13.
 *
 * Drawing follows `shapes.ts`: every part is a signed distance d (in pixels) and covers a pixel by
 * clamp(0.5 − d, 0, 1), so all edges are anti-aliased analytically, without supersampling. Parts are
 * composited back to front (background, shirt, neck, hair behind the head, ears, head, nose, mouth, eyes,
 * hair in front, brows, glasses), each only over the pixels of its bounding box.
 *
 * Geometry is in units of the image side (the frame is [0, 1]², y down), so one renderer serves every
 * size; strokes (lash lines, brows, the closed mouth, glasses) have a floor in pixels so that they still
 * show at 32×32. The head — hair, features and glasses — is drawn in a frame turned by `roll` about a
 * point between the chin and the face centre; background, shirt and neck stay upright (a head tilting on
 * its neck).
 */
import { Rng } from '../util/random';
import { hsvToRgb, standardised } from './shapes';

export const HAIR_STYLES = ['short', 'long', 'bun', 'none'] as const;
export type HairStyle = (typeof HAIR_STYLES)[number];
export const GLASSES = ['none', 'round', 'square'] as const;
export type Glasses = (typeof GLASSES)[number];

/** The continuous factors, in the order of `FACE_FACTORS` after the two categorical ones. */
export const FACE_CONTINUOUS = [
  'roll', 'width', 'skin', 'hairHue', 'hairLight', 'eyeOpen', 'eyeSpacing', 'gaze', 'smile', 'mouthOpen',
  'browHeight', 'bgHue', 'light',
] as const;
export type FaceContinuous = (typeof FACE_CONTINUOUS)[number];

/** Every factor, in the order dumps (`factors.npy`) and manifests list them. */
export const FACE_FACTORS = ['hair', 'glasses', ...FACE_CONTINUOUS] as const;

export interface FaceFactors {
  hair: HairStyle;
  glasses: Glasses;
  /** Head tilt in radians; positive turns the top of the head to the right (clockwise on screen). */
  roll: number;
  /** Half-width of the head as a fraction of the image side (its half-height is fixed at 0.315). */
  width: number;
  /** Position on a light → dark ramp of skin tones, 0…1. */
  skin: number;
  /** Hair hue in [0, 1) (HSL, saturation 0.6). Invisible, hence meaningless, when hair is 'none'. */
  hairHue: number;
  /** Hair lightness (HSL). Meaningless when hair is 'none'. */
  hairLight: number;
  /** Eye opening: the eye's half-height over its half-width. */
  eyeOpen: number;
  /** Half the distance between the eye centres, as a fraction of the image side. */
  eyeSpacing: number;
  /** Where the pupils look: −1 full left, +1 full right (of the picture). */
  gaze: number;
  /** Mouth curvature: −1 frown, 0 straight, +1 smile. */
  smile: number;
  /** 0 closed (a line) … 1 wide open (a dark opening, bent by `smile`). */
  mouthOpen: number;
  /** Height of the brows' middle above the eye centres, as a fraction of the image side. */
  browHeight: number;
  /** Background hue in [0, 1) (HSV, saturation 0.45, value 0.82). */
  bgHue: number;
  /** Side the light comes from: −1 lit from the left (the picture's right side shaded), 0 even, +1 from the right. */
  light: number;
}

/**
 * The one table of ranges. Each range was chosen by looking at grids of samples at 64×64 and 32×32
 * and at the one-factor sheet (`scripts/faces-figures.ts` → `docs/img/faces-factors.png`): every factor's
 * full swing moves at least ~3 px at 64×64 (~1.5 px at 32×32) or changes a large area's colour, and no
 * combination leaves the frame:
 * - roll ±0.35 rad (±20°): clearly tilted; with the widest head and long hair the hair's corners stay
 *   inside the frame (tested).
 * - width 0.21…0.3: 13–19 px half-width at 64 px, narrow oval to round.
 * - eyeOpen 0.25…1: a sleepy slit to a round eye; at its narrowest the pupil still shows in the slit.
 * - eyeSpacing 0.085…0.135: eyes almost touching to wide apart (each moves 3 px), still inside the narrowest head.
 * - browHeight 0.08…0.145: 4 px of travel at 64 px; the lowest brows never touch the widest-open eye.
 * - hairLight 0.22…0.7: dark enough for near-black hair, light enough for blond and pastel, never so dark
 *   or light that the hue is lost.
 */
export const FACE_RANGES: { readonly [k in FaceContinuous]: readonly [number, number] } = {
  roll: [-0.35, 0.35],
  width: [0.21, 0.3],
  skin: [0, 1],
  hairHue: [0, 1],
  hairLight: [0.22, 0.7],
  eyeOpen: [0.25, 1],
  eyeSpacing: [0.085, 0.135],
  gaze: [-1, 1],
  smile: [-1, 1],
  mouthOpen: [0, 1],
  browHeight: [0.08, 0.145],
  bgHue: [0, 1],
  light: [-1, 1],
};

/** Hue factors are angles: the probe reads them as (cos 2πh, sin 2πh), not as a line. */
const HUE_FACTORS: ReadonlySet<FaceContinuous> = new Set(['hairHue', 'bgHue']);

/** Every factor independent and uniform: categoricals over their values, continuous ones over their range. */
export function sampleFaceFactors(rng: Rng): FaceFactors {
  const hair = HAIR_STYLES[rng.int(HAIR_STYLES.length)];
  const glasses = GLASSES[rng.int(GLASSES.length)];
  const c = {} as Record<FaceContinuous, number>;
  for (const k of FACE_CONTINUOUS) c[k] = rng.uniform(FACE_RANGES[k][0], FACE_RANGES[k][1]);
  return { hair, glasses, ...c };
}

// ---------------------------------------------------------------------------------------------------
// Layout (head frame, units of the image side). Fixed proportions; the factors move the rest.

const HEAD_X = 0.5;
const HEAD_Y = 0.455;
const HEAD_B = 0.315; // head half-height
/** Roll pivot: between the face centre and the chin, so the tilted head's top stays in the frame. */
const PIVOT_X = 0.5;
const PIVOT_Y = 0.6;
const EYE_Y = HEAD_Y - 0.005;
const EYE_W = 0.06; // eye half-width
const PUPIL_R = 0.025;
const MOUTH_Y = HEAD_Y + 0.165;
const MOUTH_W = 0.085; // mouth half-width
/** Sag of the mouth's corners at |smile| = 1: ±2.6 px at 64 px. */
const MOUTH_SAG = 0.04;
const MOUTH_OPEN = 0.05; // half-height of the opening at mouthOpen = 1
const NOSE_Y = HEAD_Y + 0.075;
const BROW_W = 0.048; // brow half-width
const LENS_R = 0.08; // round glasses: lens radius (outside the widest eye)
const HAIR_SHADOW = 0.014; // depth of the shadow the fringe casts on the forehead
/** Strength of the shading: the far cheek at |light| = 1 is this much darker. */
const SHADE = 0.42;

// Fixed colours: RGB in 0…1 (as drawn; the output maps 0…1 to [-1, 1]).
const WHITE: Rgb = [0.97, 0.97, 0.96];
const INK: Rgb = [0.12, 0.09, 0.09]; // lash lines, pupils, glasses
const BROW: Rgb = [0.24, 0.17, 0.13]; // brows are never hair-coloured, so a bald face shows no hair colour
const MOUTH: Rgb = [0.38, 0.07, 0.1];
const TONGUE: Rgb = [0.85, 0.4, 0.42];
const SHIRT: Rgb = [0.3, 0.33, 0.4];

type Rgb = [number, number, number];

/** Skin tones from light to dark; `skin` interpolates linearly between neighbours. */
const SKIN_RAMP: Rgb[] = [
  [1.0, 0.89, 0.8],
  [0.98, 0.8, 0.66],
  [0.87, 0.64, 0.47],
  [0.67, 0.45, 0.3],
  [0.42, 0.27, 0.18],
];

function skinColour(t: number): Rgb {
  const x = Math.min(Math.max(t, 0), 1) * (SKIN_RAMP.length - 1);
  const i = Math.min(Math.floor(x), SKIN_RAMP.length - 2);
  const f = x - i;
  const a = SKIN_RAMP[i], b = SKIN_RAMP[i + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

function hslToRgb(h: number, s: number, l: number): Rgb {
  const v = l + s * Math.min(l, 1 - l);
  return hsvToRgb(h, v === 0 ? 0 : 2 * (1 - l / v), v);
}

function scaled(c: Rgb, k: number): Rgb {
  return [c[0] * k, c[1] * k, c[2] * k];
}

// ---------------------------------------------------------------------------------------------------
// Signed distances (units; negative inside).

/** √(x² + y²): Math.hypot is much slower in V8 (using it doubled a batch's time), and this runs per pixel and part. */
function len(x: number, y: number): number {
  return Math.sqrt(x * x + y * y);
}

/** Ellipse, first-order approximation k0(k0 − 1)/k1: exact on the edge, which is all coverage needs. */
function sdEllipse(x: number, y: number, a: number, b: number): number {
  const k0 = len(x / a, y / b);
  const k1 = len(x / (a * a), y / (b * b));
  return k1 > 1e-12 ? (k0 * (k0 - 1)) / k1 : -Math.min(a, b);
}

function sdRoundBox(x: number, y: number, hx: number, hy: number, r: number): number {
  const qx = Math.abs(x) - hx + r;
  const qy = Math.abs(y) - hy + r;
  return len(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/** Distance to the segment a→b (a capsule of radius 0 — subtract a half-thickness for a stroke). */
function sdSegment(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const vx = bx - ax, vy = by - ay;
  const t = Math.min(1, Math.max(0, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)));
  return len(x - ax - t * vx, y - ay - t * vy);
}

/**
 * Distance to an arc of radius r about the origin, symmetric about the upward axis, spanning ±phi from
 * it (phi < π/2). Used for the brows.
 */
function sdArcUp(x: number, y: number, r: number, phi: number): number {
  const qx = Math.abs(x), qy = -y; // up is +qy
  if (qy > 0 && qx * Math.cos(phi) < qy * Math.sin(phi)) return Math.abs(len(qx, qy) - r);
  return len(qx - r * Math.sin(phi), qy - r * Math.cos(phi));
}

// ---------------------------------------------------------------------------------------------------
// The canvas: the output's RGB values, in [0, 1] while drawing, and the head's frame.

class Canvas {
  private readonly cos: number;
  private readonly sin: number;
  private readonly lightK: number;
  private readonly lightAbs: number;

  /** Draws into rgb[base … base + size²·3) (no buffer of its own: a batch allocates nothing per image). */
  constructor(
    private readonly rgb: Float32Array, private readonly base: number, readonly size: number,
    roll: number, light: number, private readonly boxes = true,
  ) {
    this.cos = Math.cos(roll);
    this.sin = Math.sin(roll);
    this.lightK = light;
    this.lightAbs = Math.abs(light);
  }

  fill(c: Rgb): void {
    for (let o = this.base, end = this.base + this.size * this.size * 3; o < end; o += 3) {
      this.rgb[o] = c[0];
      this.rgb[o + 1] = c[1];
      this.rgb[o + 2] = c[2];
    }
  }

  /**
   * Composite one part: `sdf(x, y)` in units, in the head's frame if `head` (else the image's), over the
   * local bounding box [x0, x1] × [y0, y1]; colour `c`, times the shading across the face if `shaded`.
   */
  paint(
    head: boolean, x0: number, y0: number, x1: number, y1: number,
    sdf: (x: number, y: number) => number, c: Rgb, shaded = false, alpha = 1,
  ): void {
    const n = this.size;
    const { cos, sin } = this;
    // The box's image-space bounds (its four corners turned into the image), plus a pixel for the ramp.
    let u0 = x0, u1 = x1, v0 = y0, v1 = y1;
    if (!this.boxes) {
      u0 = v0 = 0;
      u1 = v1 = 1;
    } else if (head) {
      u0 = v0 = Infinity;
      u1 = v1 = -Infinity;
      for (const [lx, ly] of [[x0, y0], [x1, y0], [x0, y1], [x1, y1]]) {
        const dx = lx - PIVOT_X, dy = ly - PIVOT_Y;
        const u = PIVOT_X + cos * dx - sin * dy;
        const v = PIVOT_Y + sin * dx + cos * dy;
        u0 = Math.min(u0, u); u1 = Math.max(u1, u);
        v0 = Math.min(v0, v); v1 = Math.max(v1, v);
      }
    }
    const i0 = Math.max(0, Math.floor(u0 * n) - 1), i1 = Math.min(n - 1, Math.ceil(u1 * n) + 1);
    const j0 = Math.max(0, Math.floor(v0 * n) - 1), j1 = Math.min(n - 1, Math.ceil(v1 * n) + 1);
    for (let j = j0; j <= j1; j++) {
      const v = (j + 0.5) / n;
      for (let i = i0; i <= i1; i++) {
        const u = (i + 0.5) / n;
        let x = u, y = v;
        if (head) {
          // Image → head frame: the inverse rotation about the pivot.
          const dx = u - PIVOT_X, dy = v - PIVOT_Y;
          x = PIVOT_X + cos * dx + sin * dy;
          y = PIVOT_Y - sin * dx + cos * dy;
        }
        const cover = alpha * Math.min(1, Math.max(0, 0.5 - sdf(x, y) * n));
        if (cover <= 0) continue;
        // Light is in the world, so the shade runs across the image, not across the tilted head:
        // 1 at the lit edge (0.3 from the middle), 1 − SHADE·|light| at the far edge, linear between.
        let s = 1;
        if (shaded) {
          const xn = Math.min(1, Math.max(-1, (u - PIVOT_X) / 0.3));
          s = 1 - (SHADE * (this.lightAbs - this.lightK * xn)) / 2;
        }
        const o = this.base + (j * n + i) * 3;
        this.rgb[o] += cover * (c[0] * s - this.rgb[o]);
        this.rgb[o + 1] += cover * (c[1] * s - this.rgb[o + 1]);
        this.rgb[o + 2] += cover * (c[2] * s - this.rgb[o + 2]);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------

/**
 * Hair in front of the head: a cap over the skull cut off below a hairline y = top + k·x² + vee·|x| + sweep·x
 * (k > 0: sideburns; vee > 0: a parting in the middle; sweep ≠ 0: a fringe swept to one side).
 */
function hairCap(a: number, grow: number, top: number, k: number, vee: number, sweep: number) {
  const ca = a + grow, cb = HEAD_B + grow;
  return (x: number, y: number): number => {
    const dx = x - HEAD_X;
    const cap = sdEllipse(dx, y - HEAD_Y, ca, cb);
    // The hairline, with an optional parting (a V of slope `vee` at the middle).
    const ax = Math.abs(dx);
    const line = HEAD_Y + top + k * dx * dx + vee * ax + sweep * dx;
    const slope = 2 * k * dx + vee * Math.sign(dx) + sweep;
    return Math.max(cap, (y - line) / Math.sqrt(1 + slope * slope));
  };
}

/**
 * Each style's cap: `grow` beyond the skull, the hairline's parameters (`hairCap`; `top` relative to the
 * head's centre), and `low`, how far below the head's centre the cap reaches at the widest head (found by
 * search; the bottom of its bounding box).
 */
const HAIR_CAPS = {
  short: { grow: 0.022, top: -0.165, k: 2.4, vee: 0, sweep: -0.28, low: 0.18 },
  long: { grow: 0.03, top: -0.235, k: 1.2, vee: 0.45, sweep: 0, low: 0.09 },
  bun: { grow: 0.012, top: -0.19, k: 1.4, vee: 0, sweep: 0, low: 0 },
} as const;

/**
 * Render one face into `out` (length size·size·3) at `offset`, values in [-1, 1], row-major HWC.
 */
export function renderFace(f: FaceFactors, size: number, out: Float32Array, offset = 0): void {
  draw(f, size, out, offset, true);
}

/** `renderFace` with every part evaluated at every pixel: the reference that its bounding boxes clip nothing (tests). */
export function renderFaceWithoutBoxes(f: FaceFactors, size: number, out: Float32Array, offset = 0): void {
  draw(f, size, out, offset, false);
}

function draw(f: FaceFactors, size: number, out: Float32Array, offset: number, boxes: boolean): void {
  const cv = new Canvas(out, offset, size, f.roll, f.light, boxes);
  const px = 1 / size; // one pixel in units: the floor of every stroke's width
  const stroke = (w: number) => Math.max(w, 0.45 * px);
  const a = f.width;
  const skin = skinColour(f.skin);
  const hair = hslToRgb(f.hairHue, 0.6, f.hairLight);
  const hx = HEAD_X, hy = HEAD_Y;

  cv.fill(hsvToRgb(f.bgHue, 0.45, 0.82));

  // Shoulders and neck: upright, not turned with the head.
  cv.paint(false, 0.04, 0.86, 0.96, 1, (x, y) => sdEllipse(x - 0.5, y - 1.09, 0.45, 0.22), SHIRT);
  cv.paint(false, 0.39, 0.6, 0.61, 1, (x, y) => sdRoundBox(x - 0.5, y - 0.86, 0.095, 0.26, 0.02), scaled(skin, 0.82), true);

  // Hair behind the head.
  if (f.hair === 'long') {
    const w = a + 0.045;
    cv.paint(true, hx - w, hy - HEAD_B - 0.04, hx + w, hy + 0.36, (x, y) => Math.min(
      sdEllipse(x - hx, y - hy + 0.005, w, HEAD_B + 0.035),
      sdRoundBox(x - hx, y - hy - 0.17, w, 0.19, 0.09),
    ), hair, true);
  } else if (f.hair === 'bun') {
    const by = hy - HEAD_B - 0.03, r = 0.07;
    cv.paint(true, hx - r, by - r, hx + r, by + r, (x, y) => len(x - hx, y - by) - r, hair, true);
  }

  // Ears, then the head.
  const earY = EYE_Y + 0.045;
  for (const side of [-1, 1]) {
    const ex = hx + side * (a - 0.01);
    cv.paint(true, ex - 0.04, earY - 0.06, ex + 0.04, earY + 0.06, (x, y) => sdEllipse(x - ex, y - earY, 0.036, 0.055), scaled(skin, 0.9), true);
  }
  cv.paint(true, hx - a, hy - HEAD_B, hx + a, hy + HEAD_B, (x, y) => {
    // Slightly narrower at the jaw than at the temples: an egg rather than an ellipse.
    const dy = y - hy;
    const taper = 1 - 0.12 * Math.max(0, dy / HEAD_B);
    return sdEllipse((x - hx) / taper, dy, a, HEAD_B) * taper;
  }, skin, true);

  // Nose: a soft darker bump.
  cv.paint(true, hx - 0.03, NOSE_Y - 0.025, hx + 0.03, NOSE_Y + 0.025, (x, y) => sdEllipse(x - hx, y - NOSE_Y, 0.022, 0.016), scaled(skin, 0.82), true);

  // Mouth: in coordinates straightened along the parabola y = MOUTH_Y − k x² (k > 0 lifts the corners),
  // a line (the closed lips) united with an ellipse (the opening); dividing by the parabola's stretch
  // keeps the distance right across the edge.
  const k = (f.smile * MOUTH_SAG) / (MOUTH_W * MOUTH_W);
  const lip = stroke(0.011);
  const open = f.mouthOpen * MOUTH_OPEN;
  const mouthSdf = (x: number, y: number): number => {
    const dx = x - hx;
    const dy = y - MOUTH_Y + k * dx * dx;
    const stretch = Math.sqrt(1 + 4 * k * k * dx * dx);
    const line = sdSegment(dx, dy, -MOUTH_W, 0, MOUTH_W, 0) - lip;
    const hole = open > 0 ? sdEllipse(dx, dy, MOUTH_W * 0.92, open + lip) : Infinity;
    return Math.min(line, hole) / stretch;
  };
  const mx0 = hx - MOUTH_W - 0.02, mx1 = hx + MOUTH_W + 0.02;
  const my0 = MOUTH_Y - MOUTH_SAG - MOUTH_OPEN - 0.02, my1 = MOUTH_Y + MOUTH_SAG + MOUTH_OPEN + 0.02;
  cv.paint(true, mx0, my0, mx1, my1, mouthSdf, MOUTH);
  if (open > 0.004) {
    // The tongue: the lower part of the opening, so an open mouth reads as a mouth and not a hole.
    const ty = MOUTH_Y + open * 0.75;
    cv.paint(true, mx0, my0, mx1, my1, (x, y) => {
      const dx = x - hx;
      return Math.max(mouthSdf(x, y) + lip * 0.6, sdEllipse(dx, y - ty + k * dx * dx, MOUTH_W * 0.55, open * 0.6));
    }, TONGUE);
  }

  // Eyes: white, the pupil clipped to the white (so it shows even in a slit), then the lash line.
  const eh = EYE_W * f.eyeOpen;
  const lash = Math.max(0.008, 0.3 * px); // thinner floor than other strokes: at 32 px the white must show
  const pupilShift = f.gaze * (EYE_W - PUPIL_R) * 0.9;
  for (const side of [-1, 1]) {
    const ex = hx + side * f.eyeSpacing;
    const eye = (x: number, y: number) => sdEllipse(x - ex, y - EYE_Y, EYE_W, eh);
    const bx0 = ex - EYE_W - 0.02, bx1 = ex + EYE_W + 0.02, by0 = EYE_Y - eh - 0.02, by1 = EYE_Y + eh + 0.02;
    cv.paint(true, bx0, by0, bx1, by1, eye, WHITE);
    const pxc = ex + pupilShift;
    cv.paint(true, bx0, by0, bx1, by1, (x, y) => Math.max(len(x - pxc, y - EYE_Y) - PUPIL_R, eye(x, y)), INK);
    cv.paint(true, bx0, by0, bx1, by1, (x, y) => Math.abs(eye(x, y)) - lash, INK);
  }

  // Hair in front, over the shadow it casts on the forehead: a band of darker skin just below the
  // hairline, so hair that happens to match the skin tone still has an edge.
  if (f.hair !== 'none') {
    const { grow, top, k, vee, sweep, low } = HAIR_CAPS[f.hair];
    const cap = hairCap(a, grow, top, k, vee, sweep);
    const headSdf = (x: number, y: number) => sdEllipse(x - hx, y - hy, a, HEAD_B);
    const x0 = hx - a - 0.04, x1 = hx + a + 0.04, y0 = hy - HEAD_B - 0.04, y1 = hy + low;
    cv.paint(true, x0, y0, x1, y1, (x, y) => Math.max(cap(x, y - HAIR_SHADOW), headSdf(x, y)), scaled(skin, 0.78), true);
    cv.paint(true, x0, y0, x1, y1, cap, hair, true);
  }

  // Brows: arcs above each eye.
  const browT = stroke(0.01);
  const browR = 0.12, browPhi = Math.asin(BROW_W / browR);
  const browY = EYE_Y - f.browHeight;
  for (const side of [-1, 1]) {
    const ex = hx + side * f.eyeSpacing;
    cv.paint(true, ex - BROW_W - 0.02, browY - 0.02, ex + BROW_W + 0.02, browY + 0.03,
      (x, y) => sdArcUp(x - ex, y - browY - browR, browR, browPhi) - browT, BROW);
  }

  // Glasses: two frames, the bridge, and the arms to the ears. Frames only: the eyes stay visible.
  if (f.glasses !== 'none') {
    const t = stroke(0.009);
    const s = f.eyeSpacing;
    const round = f.glasses === 'round';
    const hw = round ? LENS_R : 0.083, hh = round ? LENS_R : 0.062;
    const frame = (x: number, y: number) => {
      const dx = Math.abs(x - hx) - s, dy = y - EYE_Y;
      return round ? len(dx, dy) - LENS_R : sdRoundBox(dx, dy, hw, hh, 0.018);
    };
    // A faint tint so the lens area reads as glass, never hiding the eye.
    cv.paint(true, hx - s - hw - 0.01, EYE_Y - hh - 0.01, hx + s + hw + 0.01, EYE_Y + hh + 0.01, frame, [0.85, 0.92, 1], false, 0.12);
    const reach = Math.max(a, s + hw) + 0.02;
    cv.paint(true, hx - reach, EYE_Y - hh - 0.02, hx + reach, EYE_Y + hh + 0.02, (x, y) => {
      const ring = Math.abs(frame(x, y)) - t;
      const inner = s - hw;
      const bridge = sdSegment(x, y, hx - inner, EYE_Y - 0.01, hx + inner, EYE_Y - 0.01) - t;
      const ax = Math.abs(x - hx);
      const arm = sdSegment(ax, y, s + hw, EYE_Y - 0.015, Math.max(a, s + hw), EYE_Y - 0.02) - t;
      return Math.min(ring, bridge, arm);
    }, INK);
  }

  for (let i = offset, end = offset + size * size * 3; i < end; i++) out[i] = 2 * Math.min(1, Math.max(0, out[i])) - 1;
}

export interface FacesBatch {
  /** [count, size, size, 3] in [-1, 1], row-major. */
  images: Float32Array;
  factors: FaceFactors[];
}

/** A deterministic batch: the same seed always gives the same images and factors. */
export function facesBatch(seed: number, count: number, size: number): FacesBatch {
  const rng = new Rng(seed);
  const images = new Float32Array(count * size * size * 3);
  const factors: FaceFactors[] = [];
  for (let k = 0; k < count; k++) {
    const f = sampleFaceFactors(rng);
    factors.push(f);
    renderFace(f, size, images, k * size * size * 3);
  }
  return { images, factors };
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Target names in `faceTargets` order: linear factors by name, hue factors as `<name>_cos`, `<name>_sin`. */
export const FACE_TARGET_NAMES: string[] = FACE_CONTINUOUS.flatMap((k) =>
  HUE_FACTORS.has(k) ? [`${snake(k)}_cos`, `${snake(k)}_sin`] : [snake(k)]);

/** The probe's regression targets: each linear factor standardised to [-1,1] over its range; the two hue factors (hairHue, bgHue) as (cos 2πh, sin 2πh) pairs. */
export function faceTargets(f: FaceFactors): number[] {
  return FACE_CONTINUOUS.flatMap((k) => {
    const v = f[k];
    if (HUE_FACTORS.has(k)) return [Math.cos(2 * Math.PI * v), Math.sin(2 * Math.PI * v)];
    return [standardised(v, FACE_RANGES[k])];
  });
}

/**
 * A face from what a reader (the probe) reads in an image: hair and glasses as class indices, the targets in
 * `faceTargets` order. The inverse of `faceTargets` on its range: linear targets are mapped back and clamped to
 * their factor's range, hue pairs become an angle (a reading off the unit circle still has one). Used to
 * re-render a generator's samples as the probe sees them (training/diagnose.py).
 */
export function faceFromReading(hair: number, glasses: number, targets: ArrayLike<number>): FaceFactors {
  if (targets.length !== FACE_TARGET_NAMES.length) {
    throw new Error(`faceFromReading: ${targets.length} targets, expected ${FACE_TARGET_NAMES.length}`);
  }
  const pick = <T>(values: readonly T[], v: number): T => values[Math.min(values.length - 1, Math.max(0, Math.round(v)))];
  const f = { hair: pick(HAIR_STYLES, hair), glasses: pick(GLASSES, glasses) } as FaceFactors;
  let j = 0;
  for (const k of FACE_CONTINUOUS) {
    if (HUE_FACTORS.has(k)) {
      const turn = Math.atan2(targets[j + 1], targets[j]) / (2 * Math.PI);
      f[k] = turn - Math.floor(turn);
      j += 2;
    } else {
      const [lo, hi] = FACE_RANGES[k];
      const t = Math.min(1, Math.max(-1, targets[j]));
      f[k] = lo + ((t + 1) / 2) * (hi - lo);
      j += 1;
    }
  }
  return f;
}

/**
 * 1 where a target is visible in the image, 0 where it is not: without hair, hair hue and lightness are
 * not drawn, so their targets are noise. Train the probe with the loss of masked targets left out (and
 * score directions against hair colour only on faces that have hair).
 */
export function faceTargetMask(f: FaceFactors): number[] {
  return FACE_CONTINUOUS.flatMap((k) => {
    const m = f.hair === 'none' && (k === 'hairHue' || k === 'hairLight') ? 0 : 1;
    return HUE_FACTORS.has(k) ? [m, m] : [m];
  });
}
