import { describe, expect, it } from 'vitest';
import {
  FACE_CONTINUOUS, FACE_FACTORS, FACE_RANGES, FACE_TARGET_NAMES, GLASSES, HAIR_STYLES, faceFromReading, faceTargetMask,
  faceTargets, facesBatch, renderFace, renderFaceWithoutBoxes, sampleFaceFactors, type FaceFactors,
} from './faces';
import { Rng } from '../util/random';

const S = 64;

/** A symmetric face (no roll, gaze or shading; long hair parts in the middle) that shows every feature. */
const base: FaceFactors = {
  hair: 'long', glasses: 'none', roll: 0, width: 0.25, skin: 0.3, hairHue: 0.6, hairLight: 0.4,
  eyeOpen: 0.7, eyeSpacing: 0.11, gaze: 0, smile: 0.3, mouthOpen: 0.3, browHeight: 0.11, bgHue: 0.3, light: 0,
};

function render(f: FaceFactors, size = S): Float32Array {
  const out = new Float32Array(size * size * 3);
  renderFace(f, size, out);
  return out;
}

/** The pixel at (x, y) in units of the image side, as [r, g, b]. */
function at(img: Float32Array, x: number, y: number, size = S): number[] {
  const o = (Math.floor(y * size) * size + Math.floor(x * size)) * 3;
  return [img[o], img[o + 1], img[o + 2]];
}

/** Centres (units) of the pixels whose colour differs by more than `tol` in some channel. */
function changed(a: Float32Array, b: Float32Array, size = S, tol = 1e-3): [number, number][] {
  const out: [number, number][] = [];
  for (let j = 0; j < size; j++) for (let i = 0; i < size; i++) {
    const o = (j * size + i) * 3;
    if (Math.abs(a[o] - b[o]) > tol || Math.abs(a[o + 1] - b[o + 1]) > tol || Math.abs(a[o + 2] - b[o + 2]) > tol) {
      out.push([(i + 0.5) / size, (j + 0.5) / size]);
    }
  }
  return out;
}

/** Largest |difference| between the image and its left-right mirror. */
function mirrorError(img: Float32Array, size = S): number {
  let worst = 0;
  for (let j = 0; j < size; j++) for (let i = 0; i < size; i++) for (let c = 0; c < 3; c++) {
    worst = Math.max(worst, Math.abs(img[(j * size + i) * 3 + c] - img[(j * size + size - 1 - i) * 3 + c]));
  }
  return worst;
}

function mirrored(img: Float32Array, size = S): Float32Array {
  const out = new Float32Array(img.length);
  for (let j = 0; j < size; j++) for (let i = 0; i < size; i++) for (let c = 0; c < 3; c++) {
    out[(j * size + i) * 3 + c] = img[(j * size + size - 1 - i) * 3 + c];
  }
  return out;
}

// The layout the region checks rely on (units of the image side): eyes centred at y ≈ 0.45, brows
// 0.08–0.145 above them, the mouth at y ≈ 0.62, the head centred at (0.5, 0.455) with half-height 0.315.
const EYE_Y = 0.45;
const MOUTH_Y = 0.62;

describe('faces renderer', () => {
  it('is deterministic in its seed and differs across seeds', () => {
    const a = facesBatch(5, 8, 32), b = facesBatch(5, 8, 32), c = facesBatch(6, 8, 32);
    expect(a.images).toEqual(b.images);
    expect(a.factors).toEqual(b.factors);
    expect(a.images).not.toEqual(c.images);
    expect(a.factors).not.toEqual(c.factors);
  });

  it('keeps every pixel in [-1, 1] at 32 and 64 px, and anti-aliases edges', () => {
    for (const size of [32, 64]) {
      const { images } = facesBatch(2, 32, size);
      let lo = Infinity, hi = -Infinity;
      for (const v of images) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      expect(lo).toBeGreaterThanOrEqual(-1);
      expect(hi).toBeLessThanOrEqual(1);
    }
    // Along a row through the cheek, the background → skin step passes through intermediate values.
    const img = render({ ...base, hair: 'none', width: 0.2345 });
    const bg = at(img, 0.02, 0.6)[0], skin = at(img, 0.5, 0.55)[0];
    const j = Math.floor(0.55 * S);
    const row = Array.from({ length: S }, (_, i) => img[(j * S + i) * 3]);
    expect(row.some((v) => Math.abs(v - bg) > 0.05 && Math.abs(v - skin) > 0.05 && (v - bg) * (skin - v) > 0)).toBe(true);
  });

  it('samples every factor within its range and each categorical value near uniformly', () => {
    const rng = new Rng(11);
    const n = 6000;
    const hair = new Map<string, number>(), glasses = new Map<string, number>();
    const lo = Object.fromEntries(FACE_CONTINUOUS.map((k) => [k, Infinity])) as Record<string, number>;
    const hi = Object.fromEntries(FACE_CONTINUOUS.map((k) => [k, -Infinity])) as Record<string, number>;
    for (let i = 0; i < n; i++) {
      const f = sampleFaceFactors(rng);
      hair.set(f.hair, (hair.get(f.hair) ?? 0) + 1);
      glasses.set(f.glasses, (glasses.get(f.glasses) ?? 0) + 1);
      for (const k of FACE_CONTINUOUS) {
        const [a, b] = FACE_RANGES[k];
        expect(f[k]).toBeGreaterThanOrEqual(a);
        expect(f[k]).toBeLessThanOrEqual(b);
        lo[k] = Math.min(lo[k], f[k]);
        hi[k] = Math.max(hi[k], f[k]);
      }
    }
    for (const h of HAIR_STYLES) expect(Math.abs(hair.get(h)! / n - 1 / 4)).toBeLessThan(0.03);
    for (const g of GLASSES) expect(Math.abs(glasses.get(g)! / n - 1 / 3)).toBeLessThan(0.03);
    for (const k of FACE_CONTINUOUS) {
      const [a, b] = FACE_RANGES[k];
      expect((lo[k] - a) / (b - a)).toBeLessThan(0.01);
      expect((b - hi[k]) / (b - a)).toBeLessThan(0.01);
    }
  });

  it('clips nothing with its bounding boxes (same pixels as drawing every part everywhere)', () => {
    const rng = new Rng(4);
    const extremes: FaceFactors[] = HAIR_STYLES.flatMap((hair) => GLASSES.map((glasses) => ({
      ...base, hair, glasses, width: 0.21, eyeSpacing: 0.135, smile: 1, mouthOpen: 1, roll: 0.35, browHeight: 0.145,
    })));
    const faces = [...extremes, ...Array.from({ length: 24 }, () => sampleFaceFactors(rng))];
    for (const size of [24, 50, 64]) for (const f of faces) {
      const a = new Float32Array(size * size * 3), b = new Float32Array(size * size * 3);
      renderFace(f, size, a);
      renderFaceWithoutBoxes(f, size, b);
      expect(a).toEqual(b);
    }
  });

  it('is mirror-symmetric at roll 0 with symmetric settings, and gaze, light or roll break the symmetry', () => {
    for (const hair of ['long', 'bun', 'none'] as const) for (const glasses of GLASSES) {
      expect(mirrorError(render({ ...base, hair, glasses }))).toBeLessThan(1e-4);
    }
    expect(mirrorError(render({ ...base, gaze: 0.8 }))).toBeGreaterThan(0.3);
    expect(mirrorError(render({ ...base, light: 0.8 }))).toBeGreaterThan(0.1);
    expect(mirrorError(render({ ...base, roll: 0.2 }))).toBeGreaterThan(0.3);
  });

  it('rolls the head about a vertical axis of symmetry: roll −r is the mirror image of roll r', () => {
    for (const r of [0.1, 0.35]) {
      const pos = render({ ...base, glasses: 'square', roll: r }), neg = render({ ...base, glasses: 'square', roll: -r });
      const err = mirrored(pos).reduce((m, v, i) => Math.max(m, Math.abs(v - neg[i])), 0);
      expect(err).toBeLessThan(1e-4);
      // Positive roll turns the top of the head clockwise: the hair at the upper right moves down into
      // the frame's right half, the face centre stays put (it is near the pivot).
      const moved = changed(render(base), pos);
      expect(moved.length).toBeGreaterThan(200);
      expect(moved.every(([, y]) => y < 0.9)).toBe(true); // shirt and neck stay upright
    }
  });

  it('keeps the tilted head inside the frame', () => {
    for (const hair of HAIR_STYLES) for (const roll of [-0.35, 0.35]) {
      const f: FaceFactors = { ...base, hair, roll, width: 0.3, glasses: 'square' };
      const img = render(f);
      const bg = at(img, 0.01, 0.01);
      for (let k = 0; k < S; k++) {
        const u = (k + 0.5) / S;
        expect(at(img, u, 0.5 / S)).toEqual(bg); // top row
        if (u < 0.85) {
          expect(at(img, 0.5 / S, u)).toEqual(bg); // left and right columns above the shoulders
          expect(at(img, 1 - 0.5 / S, u)).toEqual(bg);
        }
      }
    }
  });

  describe('each factor changes the pixels it should and no others', () => {
    const ref = render(base);
    const diff = (patch: Partial<FaceFactors>) => changed(ref, render({ ...base, ...patch }));

    it('gaze and eye openness: only the eyes', () => {
      for (const patch of [{ gaze: 1 }, { gaze: -1 }, { eyeOpen: 0.25 }, { eyeOpen: 1 }]) {
        const d = diff(patch);
        expect(d.length).toBeGreaterThan(6);
        for (const [x, y] of d) {
          expect(Math.abs(y - EYE_Y)).toBeLessThan(0.08);
          expect(Math.abs(Math.abs(x - 0.5) - base.eyeSpacing)).toBeLessThan(0.08);
        }
      }
    });

    it('gaze moves the pupils: the dark mass of each eye shifts the way the face looks', () => {
      const darkX = (img: Float32Array) => {
        let sx = 0, n = 0;
        for (let j = Math.floor((EYE_Y - 0.05) * S); j < (EYE_Y + 0.05) * S; j++) for (let i = 0; i < S; i++) {
          const dark = Math.max(0, -img[(j * S + i) * 3 + 2] - 0.3); // pupils are the only near-black
          sx += dark * i; n += dark;
        }
        return sx / n;
      };
      // Each pupil travels ~4 px at 64 px; the lash lines, which stay, dilute the mean's travel.
      expect(darkX(render({ ...base, gaze: 1 })) - darkX(render({ ...base, gaze: -1 }))).toBeGreaterThan(1.5);
      expect(darkX(render({ ...base, gaze: 0.5 })) - darkX(ref)).toBeGreaterThan(0.2);
    });

    it('eye spacing and brow height: only the eye and brow band', () => {
      for (const patch of [{ eyeSpacing: 0.085 }, { eyeSpacing: 0.135 }, { browHeight: 0.08 }, { browHeight: 0.145 }]) {
        const d = diff(patch);
        expect(d.length).toBeGreaterThan(10);
        for (const [, y] of d) expect(y > EYE_Y - 0.17 && y < EYE_Y + 0.08).toBe(true);
      }
      // Brows alone never reach the eyes.
      for (const [, y] of diff({ browHeight: 0.145 })) expect(y).toBeLessThan(EYE_Y - 0.05);
    });

    it('smile and mouth openness: only the mouth; an open mouth is dark', () => {
      for (const patch of [{ smile: -1 }, { smile: 1 }, { mouthOpen: 0 }, { mouthOpen: 1 }]) {
        const d = diff(patch);
        expect(d.length).toBeGreaterThan(8);
        for (const [x, y] of d) {
          expect(Math.abs(y - MOUTH_Y)).toBeLessThan(0.1);
          expect(Math.abs(x - 0.5)).toBeLessThan(0.12);
        }
      }
      // Just above the mouth's centre line: skin when closed, the dark opening when open (the tongue fills the lower part).
      const closed = at(render({ ...base, smile: 0, mouthOpen: 0 }), 0.5, MOUTH_Y - 0.03);
      const open = at(render({ ...base, smile: 0, mouthOpen: 1 }), 0.5, MOUTH_Y - 0.03);
      expect(open[0] + open[1] + open[2]).toBeLessThan(closed[0] + closed[1] + closed[2] - 1.5);
    });

    it('smile bends the mouth: corners up for a smile, down for a frown', () => {
      const cornerDark = (img: Float32Array, y: number) => -at(img, 0.5 + 0.075, y)[1];
      const smile = render({ ...base, smile: 1, mouthOpen: 0 }), frown = render({ ...base, smile: -1, mouthOpen: 0 });
      expect(cornerDark(smile, MOUTH_Y - 0.03)).toBeGreaterThan(cornerDark(frown, MOUTH_Y - 0.03) + 0.3);
      expect(cornerDark(frown, MOUTH_Y + 0.03)).toBeGreaterThan(cornerDark(smile, MOUTH_Y + 0.03) + 0.3);
    });

    it('background hue: only the background', () => {
      const d = diff({ bgHue: 0.8 });
      expect(d.length).toBeGreaterThan(0.35 * S * S);
      // Nothing inside the head and hair, the neck or the shirt.
      const inside = (x: number, y: number) => ((x - 0.5) / 0.28) ** 2 + ((y - 0.45) / 0.33) ** 2 < 1
        || (Math.abs(x - 0.5) < 0.08 && y > 0.7) || (Math.abs(x - 0.5) < 0.25 && y > 0.92);
      expect(d.filter(([x, y]) => inside(x, y))).toEqual([]);
    });

    it('skin tone: the skin, not the background, eyes or hair', () => {
      const d = diff({ skin: 0.9 });
      expect(d.length).toBeGreaterThan(400);
      const img = render({ ...base, skin: 0.9 });
      expect(at(img, 0.5, 0.5)).not.toEqual(at(ref, 0.5, 0.5)); // the nose bridge
      expect(at(img, 0.02, 0.3)).toEqual(at(ref, 0.02, 0.3)); // background
      expect(at(img, 0.5, 0.16)).toEqual(at(ref, 0.5, 0.16)); // hair at the crown
    });

    it('hair colour: the hair only, and nothing at all without hair', () => {
      for (const patch of [{ hairHue: 0.1 }, { hairLight: 0.7 }]) {
        const d = diff(patch);
        expect(d.length).toBeGreaterThan(300);
        const img = render({ ...base, ...patch });
        expect(at(img, 0.5, 0.5)).toEqual(at(ref, 0.5, 0.5));
        expect(at(img, 0.02, 0.3)).toEqual(at(ref, 0.02, 0.3));
        const bald = { ...base, hair: 'none' as const };
        expect(render({ ...bald, ...patch })).toEqual(render(bald));
      }
    });

    it('face width: the outline of the head, not the face inside it', () => {
      const d = changed(render({ ...base, hair: 'none' }), render({ ...base, hair: 'none', width: 0.3 }));
      expect(d.filter(([x]) => Math.abs(x - 0.5) > 0.24).length).toBeGreaterThan(60);
      for (const [x, y] of d) expect(((x - 0.5) / 0.2) ** 2 + ((y - 0.455) / 0.28) ** 2).toBeGreaterThan(1);
    });

    it('light: darkens the side away from the light, leaves the lit side and the background', () => {
      const fromRight = render({ ...base, light: 1 }), fromLeft = render({ ...base, light: -1 });
      const sum = (p: number[]) => p[0] + p[1] + p[2];
      const left = [0.36, 0.55] as const, right = [0.64, 0.55] as const;
      expect(sum(at(ref, ...left))).toBeCloseTo(sum(at(ref, ...right)), 5);
      expect(sum(at(fromRight, ...left))).toBeLessThan(sum(at(fromRight, ...right)) - 0.4);
      expect(sum(at(fromLeft, ...right))).toBeLessThan(sum(at(fromLeft, ...left)) - 0.4);
      // Shading only darkens, the far side most.
      expect(sum(at(fromRight, ...right))).toBeLessThanOrEqual(sum(at(ref, ...right)));
      expect(sum(at(ref, ...left)) - sum(at(fromRight, ...left))).toBeGreaterThan(2 * (sum(at(ref, ...right)) - sum(at(fromRight, ...right))));
      expect(at(fromLeft, 0.02, 0.3)).toEqual(at(ref, 0.02, 0.3));
    });

    it('glasses: add frames around the eyes and leave the eyes visible', () => {
      for (const glasses of ['round', 'square'] as const) {
        const d = diff({ glasses });
        expect(d.length).toBeGreaterThan(60);
        for (const [, y] of d) expect(Math.abs(y - EYE_Y)).toBeLessThan(0.1);
        const img = render({ ...base, glasses, gaze: 1 });
        // The white on the inner side of each eye (the pupils look right) stays bright under the lens.
        for (const side of [-1, 1]) expect(Math.min(...at(img, 0.5 + side * base.eyeSpacing - 0.03, EYE_Y))).toBeGreaterThan(0.7);
      }
      expect(changed(render({ ...base, glasses: 'round' }), render({ ...base, glasses: 'square' })).length).toBeGreaterThan(30);
    });

    it('hair style: every style is a different picture, with hair above the head but for none', () => {
      const imgs = HAIR_STYLES.map((hair) => render({ ...base, hair }));
      for (let i = 0; i < imgs.length; i++) for (let j = i + 1; j < imgs.length; j++) {
        expect(changed(imgs[i], imgs[j]).length).toBeGreaterThan(40);
      }
      const crown = (img: Float32Array) => at(img, 0.5, 0.16);
      const bg = at(imgs[3], 0.02, 0.3);
      HAIR_STYLES.forEach((h, i) => {
        if (h === 'none') expect(crown(imgs[i])).not.toEqual(bg); // bald: skin, not background
        else expect(crown(imgs[i])).not.toEqual(crown(imgs[3]));
      });
    });
  });

  it('draws the same face at 32 and 64 px (the 32-px image is the 64-px one at half resolution, within strokes)', () => {
    const rng = new Rng(9);
    for (let t = 0; t < 6; t++) {
      const f = sampleFaceFactors(rng);
      const big = render(f, 64), small = render(f, 32);
      let err = 0;
      for (let j = 0; j < 32; j++) for (let i = 0; i < 32; i++) for (let c = 0; c < 3; c++) {
        const avg = [0, 1].flatMap((dj) => [0, 1].map((di) => big[((2 * j + dj) * 64 + 2 * i + di) * 3 + c])).reduce((a, b) => a + b) / 4;
        err += Math.abs(avg - small[(j * 32 + i) * 3 + c]);
      }
      expect(err / (32 * 32 * 3)).toBeLessThan(0.03);
    }
  });
});

describe('faces targets', () => {
  it('lists every factor once, categoricals first', () => {
    expect(FACE_FACTORS).toEqual(['hair', 'glasses', ...FACE_CONTINUOUS]);
    expect(FACE_TARGET_NAMES).toEqual([
      'roll', 'width', 'skin', 'hair_hue_cos', 'hair_hue_sin', 'hair_light', 'eye_open', 'eye_spacing', 'gaze',
      'smile', 'mouth_open', 'brow_height', 'bg_hue_cos', 'bg_hue_sin', 'light',
    ]);
  });

  it('gives one target per name, in [-1, 1], with range ends at ±1 and hues on the unit circle', () => {
    const rng = new Rng(2);
    for (let i = 0; i < 500; i++) {
      const t = faceTargets(sampleFaceFactors(rng));
      expect(t.length).toBe(FACE_TARGET_NAMES.length);
      for (const v of t) expect(Math.abs(v)).toBeLessThanOrEqual(1 + 1e-12);
      for (const name of ['hair_hue', 'bg_hue']) {
        const c = t[FACE_TARGET_NAMES.indexOf(`${name}_cos`)], s = t[FACE_TARGET_NAMES.indexOf(`${name}_sin`)];
        expect(Math.hypot(c, s)).toBeCloseTo(1, 9);
      }
    }
    const lo = { ...base }, hi = { ...base }, mid = { ...base };
    for (const k of FACE_CONTINUOUS) {
      lo[k] = FACE_RANGES[k][0];
      hi[k] = FACE_RANGES[k][1];
      mid[k] = (FACE_RANGES[k][0] + FACE_RANGES[k][1]) / 2;
    }
    const [tl, th, tm] = [faceTargets(lo), faceTargets(hi), faceTargets(mid)];
    FACE_TARGET_NAMES.forEach((name, j) => {
      if (name.includes('hue')) return;
      expect(tl[j]).toBeCloseTo(-1, 12);
      expect(th[j]).toBeCloseTo(1, 12);
      expect(tm[j]).toBeCloseTo(0, 12);
    });
    // Hue 0.25 is (cos, sin) = (0, 1).
    const q = faceTargets({ ...base, hairHue: 0.25 });
    expect(q[FACE_TARGET_NAMES.indexOf('hair_hue_cos')]).toBeCloseTo(0, 12);
    expect(q[FACE_TARGET_NAMES.indexOf('hair_hue_sin')]).toBeCloseTo(1, 12);
  });

  it('reads a face back from its targets: the same factors, and the same pixels rendered', () => {
    const rng = new Rng(5);
    for (let i = 0; i < 200; i++) {
      const f = sampleFaceFactors(rng);
      const g = faceFromReading(HAIR_STYLES.indexOf(f.hair), GLASSES.indexOf(f.glasses), faceTargets(f));
      expect(g.hair).toBe(f.hair);
      expect(g.glasses).toBe(f.glasses);
      for (const k of FACE_CONTINUOUS) expect(g[k]).toBeCloseTo(f[k], 9);
      if (i < 10) {
        const [a, b] = [render(f), render(g)];
        let worst = 0;
        for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - b[j]));
        expect(worst).toBeLessThan(1e-6);
      }
    }
  });

  it('reads a noisy reading as the nearest face: class indices rounded and clamped, targets clamped, hues from the angle', () => {
    const t = faceTargets(base).map((v) => v);
    t[FACE_TARGET_NAMES.indexOf('roll')] = 1.7; // beyond the range end
    t[FACE_TARGET_NAMES.indexOf('smile')] = -3;
    t[FACE_TARGET_NAMES.indexOf('bg_hue_cos')] = 0; // off the unit circle, pointing at hue 0.75
    t[FACE_TARGET_NAMES.indexOf('bg_hue_sin')] = -0.3;
    const g = faceFromReading(7.2, -1, t);
    expect(g.hair).toBe('none');
    expect(g.glasses).toBe('none');
    expect(g.roll).toBe(FACE_RANGES.roll[1]);
    expect(g.smile).toBe(FACE_RANGES.smile[0]);
    expect(g.bgHue).toBeCloseTo(0.75, 12);
    expect(() => faceFromReading(0, 0, t.slice(1))).toThrow(/targets/);
  });

  it('masks hair colour exactly when there is no hair', () => {
    const hairTargets = ['hair_hue_cos', 'hair_hue_sin', 'hair_light'];
    for (const hair of HAIR_STYLES) {
      const m = faceTargetMask({ ...base, hair });
      expect(m.length).toBe(FACE_TARGET_NAMES.length);
      FACE_TARGET_NAMES.forEach((name, j) => expect(m[j]).toBe(hair === 'none' && hairTargets.includes(name) ? 0 : 1));
    }
  });
});
