import { describe, expect, it } from 'vitest';
import { Rng } from '../util/random';
import { decodeFloats, decodeView, encodeFloats, encodeView, sanitiseView, URL_VERSION, VIEW_FIELDS, type ViewState } from './url';
import {
  DISTANCES, LAYER_RANGES, LOGDET_FLOORS, MAX_ASCENT_STEPS, MAX_DIRECTION_LENGTH, MAX_DIRECTIONS, MAX_LINKED_DIRECTION_NUMBERS, PANELS, SLIDER_BASIS_KINDS,
  SLIDER_RANGE_FACTORS, SPACES,
} from './vocabulary';
import { TOURS } from './tours';

describe('url codec: round trips', () => {
  const views: ViewState[] = [
    {},
    { model: 'shapes-style' },
    { model: 'shapes-style', seed: 42, space: 'w' },
    { model: 'fashion-dcgan', seed: 0, space: 'z' },
    { modelUrl: 'https://example.org/models/mine/', seed: 4294967295, space: 'wplus' },
    { model: 'm1', z: [0, 1, -1, 0.5, Math.fround(1e-20), -3.25, 65504] },
    {
      model: 'shapes-style', seed: 7, space: 'wplus', truncation: 0.7, basis: 'local', distance: 'perceptual', k: 12,
      sliders: [0, 1.5, -2.25, 0.1, 0.07 * 3, -1e-7], reach: 8, layers: 'coarse', panel: 'curve',
    },
    { model: 'shapes-dcgan', seed: 3, basis: 'sefa', distance: 'ssim', k: 32, spherical: true, panel: 'atlas' },
  ];
  for (const view of views) {
    it(`round-trips ${JSON.stringify(view)}`, () => {
      const hash = encodeView(view);
      expect(hash.startsWith(`v=${URL_VERSION}`)).toBe(true);
      const { state, notices } = decodeView('#' + hash);
      expect(notices).toEqual([]);
      expect(state).toEqual(view);
    });
  }

  it('writes fields in a stable order', () => {
    expect(encodeView({ space: 'w', seed: 7, model: 'shapes-style' })).toBe('v=1&model=shapes-style&seed=7&space=w');
  });

  it('leaves invalid values out when encoding', () => {
    const bad = { model: '../etc', seed: -1, space: 'q', z: [NaN] } as unknown as ViewState;
    expect(encodeView(bad)).toBe('v=1');
    expect(sanitiseView(bad)).toEqual({});
  });

  it('stores latents exactly as float32', () => {
    const z = Array.from(new Rng(3).normals(64));
    const back = decodeFloats(encodeFloats(z))!;
    expect(back).toEqual(z);
    expect(encodeFloats(z)).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe('url codec: decoding is total', () => {
  it('ignores an empty hash silently', () => {
    expect(decodeView('')).toEqual({ state: {}, notices: [] });
    expect(decodeView('#')).toEqual({ state: {}, notices: [] });
  });

  it('ignores garbage with a notice', () => {
    const { state, notices } = decodeView('#<img src=x onerror=alert(1)>');
    expect(state).toEqual({});
    expect(notices).toHaveLength(1);
  });

  it('ignores other versions with a notice', () => {
    const { state, notices } = decodeView('#v=2&model=shapes-style');
    expect(state).toEqual({});
    expect(notices[0]).toMatch(/version "2"/);
  });

  it('drops malformed fields one by one and keeps the rest', () => {
    const { state, notices } = decodeView('#v=1&model=shapes-style&seed=abc&space=x&z=%%%&zoom=3');
    expect(state).toEqual({ model: 'shapes-style' });
    expect(notices).toEqual([
      'Ignored unknown setting "zoom".',
      'Ignored an invalid seed.',
      'Ignored an invalid latent code.',
      'Ignored an invalid latent space.',
    ]);
  });

  it('refuses model ids that could escape the models folder', () => {
    for (const id of ['../secret', 'a/b', '.hidden', 'A', '', 'x'.repeat(80), 'a%2Fb']) {
      expect(decodeView(`v=1&model=${encodeURIComponent(id)}`).state.model).toBeUndefined();
    }
  });

  it('accepts only http(s) model URLs', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'ftp://x/y', 'not a url']) {
      const { state, notices } = decodeView(`v=1&url=${encodeURIComponent(url)}`);
      expect(state.modelUrl).toBeUndefined();
      expect(notices).toEqual(['Ignored an invalid model URL.']);
    }
  });

  it('prefers the bundled model when a link names both', () => {
    const { state, notices } = decodeView('v=1&model=shapes-style&url=https%3A%2F%2Fx.org%2Fm%2F');
    expect(state).toEqual({ model: 'shapes-style' });
    expect(notices).toHaveLength(1);
  });

  it('uses the first of repeated fields', () => {
    const { state, notices } = decodeView('v=1&seed=1&seed=2');
    expect(state).toEqual({ seed: 1 });
    expect(notices).toHaveLength(1);
  });

  it('rejects seeds out of range and latents with non-finite values', () => {
    expect(decodeView('v=1&seed=4294967296').state.seed).toBeUndefined();
    expect(decodeView('v=1&seed=1.5').state.seed).toBeUndefined();
    const nan = encodeFloats([1, 2]).slice(0, 6) + 'f_8'; // last float's bytes ff ff ff 7f = NaN
    expect(decodeView(`v=1&z=${nan}`).state.z).toBeUndefined();
  });

  it('drops explorer settings outside their ranges', () => {
    const { state, notices } = decodeView('#v=1&seed=2&k=33&psi=0&basis=pca&dist=l2&layers=top&sph=yes&panel=x');
    expect(state).toEqual({ seed: 2 });
    expect(notices).toHaveLength(7);
    expect(decodeView(`#v=1&c=${Array.from({ length: 33 }, () => 1).join(',')}`).state).toEqual({});
    expect(decodeView('#v=1&c=1,,2').state).toEqual({});
    expect(decodeView('#v=1&c=1,NaN').state).toEqual({});
    expect(decodeView('#v=1&c=0x10').state).toEqual({});
  });

  it('quotes untrusted keys briefly and as printable text', () => {
    const { notices } = decodeView(`v=1&${'<b>\u0000'.repeat(20)}=1`);
    expect(notices[0].length).toBeLessThan(80);
    expect([...notices[0]].every((ch) => ch.charCodeAt(0) >= 0x20)).toBe(true);
  });

  it('fuzz: random strings never throw and always give a valid view', () => {
    const rng = new Rng(2024);
    const alphabet = 'v=1&model=seed=z=space=url=%#?wplus-_.:/0123456789abcXYZ<>"\'\u0000\u00e9\ud800\udfff ';
    for (let i = 0; i < 5000; i++) {
      const n = rng.int(120);
      let s = '';
      for (let j = 0; j < n; j++) {
        s += rng.next() < 0.9 ? alphabet[rng.int(alphabet.length)] : String.fromCharCode(rng.int(0x10000));
      }
      if (rng.next() < 0.5) s = 'v=1&' + s;
      const { state, notices } = decodeView(s);
      expect(sanitiseView(state)).toEqual(state);
      for (const n of notices) expect(typeof n).toBe('string');
    }
    for (const weird of [undefined, null, 42, {}, [], 'v=1'.repeat(10_000)]) expect(() => decodeView(weird)).not.toThrow();
  });

  it('fuzz: valid random views of every field survive a round trip', () => {
    const rng = new Rng(7);
    const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];
    // One generator per field: a ViewState property without one does not compile.
    const values: { [K in keyof Required<ViewState>]: () => NonNullable<ViewState[K]> } = {
      model: () => `m${rng.int(1000)}`,
      modelUrl: () => `https://example.org/m${rng.int(1000)}/`,
      seed: () => rng.int(0xffffffff),
      z: () => Array.from(rng.normals(1 + rng.int(100))),
      w: () => Array.from(rng.normals(1 + rng.int(512))),
      space: () => pick(SPACES),
      truncation: () => pick([0.05, 0.5, 0.75, 1, 1.25, 2]),
      basis: () => pick(SLIDER_BASIS_KINDS),
      imported: () => {
        const k = 1 + rng.int(MAX_DIRECTIONS);
        const n = 1 + rng.int(Math.min(MAX_DIRECTION_LENGTH, Math.floor(MAX_LINKED_DIRECTION_NUMBERS / k)));
        // float32 values, as a link carries them; names with the link's separator in them too.
        return { space: pick(['z', 'w'] as const), name: pick(['metric-seed3.json', 'a, b.json', 'x']),
          directions: Array.from({ length: k }, () => Array.from(Float32Array.from(rng.normals(n)))) };
      },
      distance: () => pick(DISTANCES),
      k: () => 1 + rng.int(MAX_DIRECTIONS),
      sliders: () => Array.from({ length: 1 + rng.int(MAX_DIRECTIONS) }, () => (rng.next() - 0.5) * 10 ** (rng.int(9) - 6)),
      reach: () => pick(SLIDER_RANGE_FACTORS),
      layers: () => pick(LAYER_RANGES),
      spherical: () => rng.next() < 0.5,
      panel: () => pick(PANELS),
      presenter: () => rng.next() < 0.5,
      tour: () => { const t = pick(TOURS); return { id: t.id, step: 1 + rng.int(t.steps.length) }; },
      ascent: () => ({ steps: 1 + rng.int(MAX_ASCENT_STEPS), lr: pick([0.001, 0.05, 0.5, 1]), eps: pick([1e-2, 1e-4, 1e-6, 0.25]),
        floor: pick(LOGDET_FLOORS), gradient: pick(['exact', 'estimator'] as const) }),
      compare: () => { const kinds = [...SLIDER_BASIS_KINDS]; rng.shuffle(kinds); return kinds.slice(0, 2 + rng.int(2)); },
      steerWalk: () => ({ edit: pick(['zoom', 'shift-x', 'shift-y', 'rotate'] as const), space: pick(['z', 'w'] as const),
        alpha: pick([0.25, 1, 3.5, 4]), direction: Array.from(rng.normals(1 + rng.int(64))) }),
    };
    expect(Object.keys(values).sort()).toEqual(VIEW_FIELDS.map((f) => f.prop).sort());
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const view: Record<string, unknown> = {};
      for (const [prop, make] of Object.entries(values)) if (rng.next() < 0.5) view[prop] = make();
      // The codec prefers a bundled model over a URL (tested above).
      if (view.model !== undefined) delete view.modelUrl;
      // An imported basis without its directions reads back as the metric (tested below).
      if (view.basis === 'imported' && view.imported === undefined) delete view.basis;
      // So does a compared 'imported' column without them (left out, tested below): the fuzz brings them along.
      if ((view.compare as string[] | undefined)?.includes('imported') && view.imported === undefined) view.imported = values.imported();
      Object.keys(view).forEach((k) => seen.add(k));
      expect(decodeView(encodeView(view as ViewState))).toEqual({ state: view, notices: [] });
    }
    expect([...seen].sort()).toEqual(Object.keys(values).sort());
  });

  it('imported directions read back exactly; too long ones fall back to the metric with a notice; malformed ones are dropped', () => {
    const imported = { space: 'w' as const, name: 'metric, seed 3.json', directions: [[0.6, -0.8, 0], [0, 0, 1]].map((r) => Array.from(Float32Array.from(r))) };
    const hash = encodeView({ seed: 3, basis: 'imported', imported });
    expect(decodeView(hash)).toEqual({ state: { seed: 3, basis: 'imported', imported }, notices: [] });
    // k·n = 2048 still links; 2049 does not: the link keeps basis=imported, the reader gets the metric and a notice.
    const rows = (k: number, n: number) => Array.from({ length: k }, (_, i) => Array.from({ length: n }, (_, j) => (i === j % k ? 1 : 0.5)));
    expect(decodeView(encodeView({ basis: 'imported', imported: { ...imported, directions: rows(32, 64) } })).state.imported?.directions).toEqual(rows(32, 64));
    const long = decodeView(encodeView({ basis: 'imported', imported: { ...imported, directions: rows(3, 683) } }));
    expect(long.state).toEqual({});
    expect(long.notices).toEqual(['The link\'s basis is directions loaded from a file, too long to carry in a link (more than 2048 numbers); it shows the local metric instead.']);
    const d = encodeFloats([1, 0, 0, 1]);
    for (const bad of [`q,2,${d},f.json`, `z,0,${d},f.json`, `z,3,${d},f.json`, `z,33,${d},f.json`, `z,2,${d},`, `z,2,${d},caf\u00e9`, `z,2,${encodeFloats([0, 0, 1, 1])},f`, `z,2,@@,f`]) {
      const r = decodeView(`v=1&dirs=${encodeURIComponent(bad)}`);
      expect(r.state.imported, bad).toBeUndefined();
      expect(r.notices, bad).toEqual(['Ignored an invalid imported directions.']);
    }
  });

  it('a compared column of imported directions reads back with them; without them it is left out with a notice', () => {
    const imported = { space: 'z' as const, name: 'sefa.json', directions: [[0.6, -0.8, 0], [0, 0, 1]].map((r) => Array.from(Float32Array.from(r))) };
    const view: ViewState = { seed: 3, panel: 'compare', compare: ['imported', 'sefa'], imported };
    expect(decodeView(encodeView(view))).toEqual({ state: view, notices: [] });
    const notice = 'The link compares directions loaded from a file, too long to carry in a link (more than 2048 numbers); that column is left out.';
    // Two bases left: they stay; one left: the default's first basis not shown joins it; three: two stay.
    expect(decodeView('v=1&panel=compare&cmp=imported,sefa')).toEqual({ state: { panel: 'compare', compare: ['sefa', 'metric'] }, notices: [notice] });
    expect(decodeView('v=1&panel=compare&cmp=metric,imported')).toEqual({ state: { panel: 'compare', compare: ['metric', 'ganspace'] }, notices: [notice] });
    expect(decodeView('v=1&panel=compare&cmp=local,imported,random').state.compare).toEqual(['local', 'random']);
  });

  it('a steering walk reads back exactly; a malformed one is dropped with a notice', () => {
    const steerWalk = { edit: 'shift-x' as const, space: 'w' as const, alpha: -6, direction: [0.5, -0.25, 1e-3] };
    const hash = encodeView({ seed: 3, panel: 'steer', steerWalk });
    expect(decodeView(hash).state.steerWalk).toEqual({ ...steerWalk, direction: Array.from(Float32Array.from(steerWalk.direction)) });
    const d = encodeFloats([1, 2]);
    for (const bad of [`color,w,1,${d}`, `zoom,w,0,${d}`, `zoom,w,-2,${d}`, `shift-x,q,1,${d}`, `shift-x,w,x,${d}`, 'shift-x,w,1,', `shift-x,w,1,${d},9`]) {
      const r = decodeView(`v=1&stw=${encodeURIComponent(bad)}`);
      expect(r.state.steerWalk).toBeUndefined();
      expect(r.notices).toEqual(['Ignored an invalid steering walk.']);
    }
  });

  it('an ascent reads back exactly; a malformed one is dropped with a notice', () => {
    const ascent = { steps: 150, lr: 0.05, eps: 1e-4, floor: 'shift' as const, gradient: 'estimator' as const };
    const hash = encodeView({ seed: 3, panel: 'likelihood', ascent });
    expect(hash).toContain('asc=150%2C0.05%2C0.0001%2Cshift%2Cestimator');
    expect(decodeView(hash).state.ascent).toEqual(ascent);
    for (const bad of ['150,0.05,0.0001,shift', '0,0.05,0.0001,clamp,exact', '99999,0.05,0.0001,clamp,exact', '10,2,0.0001,clamp,exact',
      '10,0.05,1,clamp,exact', '10,0.05,0.0001,round,exact', '10,0.05,0.0001,clamp,guess', '10,-0.05,0.0001,clamp,exact', '1e400,1,1,clamp,exact']) {
      const d = decodeView(`v=1&asc=${encodeURIComponent(bad)}`);
      expect(d.state.ascent).toBeUndefined();
      expect(d.notices).toEqual(['Ignored an invalid likelihood ascent.']);
    }
  });

  it('binds every field but the model ones and the reach to a store key, with a default the field itself accepts', () => {
    for (const f of VIEW_FIELDS) {
      // The model fields are resolved against the catalogue, the reach is converted to the distance's units (app/state/view.ts).
      if (f.prop === 'model' || f.prop === 'modelUrl' || f.prop === 'reach') {
        expect(f.store).toBeNull();
        continue;
      }
      expect(f.store).not.toBeNull();
      if (f.fallback === null || (Array.isArray(f.fallback) && f.fallback.length === 0)) continue;
      expect(sanitiseView({ [f.prop]: f.fallback } as ViewState)).toEqual({ [f.prop]: f.fallback });
    }
  });
});
