/**
 * Function-preserving widening of a style generator (training/atlas_train/widen.py): a narrower checkpoint loaded
 * into a wider synthesis must draw the same images, so a training run can grow a shipped model's channels and
 * continue instead of starting over. training/tests/widen_check.py (Debian's /usr/bin/python3 with python3-torch)
 * builds a small style generator with seeded weights moved off their initial values, widens two resolutions and the
 * toRGB, and reports max|Δ| / max|ref| over 16 latents.
 *
 * Bound 3e-5: float32 on both sides, but the wider convs sum more (zero) terms in another order (seen: 6e-6). The
 * check can fail: two controls — the old weights pasted in with the new channels left at their initial weights,
 * and the widening without its toRGB scale correction — must be off by > 5 %.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';

const TOLERANCE = 3e-5;

describe('widening a style generator (PyTorch)', () => {
  it('draws the same images, refuses to narrow, and lets the zeroed weights learn', () => {
    const r = spawnSync('/usr/bin/python3', ['training/tests/widen_check.py'], {
      encoding: 'utf8', timeout: 240_000, env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    if (r.status !== 0) throw new Error(`widen_check.py failed (exit ${r.status}; apt-get install -y python3-torch python3-numpy):\n${r.stderr}`);
    const out = JSON.parse(r.stdout);
    expect(out.widened).toEqual(['synthesis.layers.conv8a', 'synthesis.layers.conv8b', 'synthesis.layers.conv16a', 'synthesis.layers.conv16b', 'synthesis.layers.to_rgb']);
    expect(out.shape).toEqual([16, 3, 16, 16]);
    expect(out.match).toBeLessThan(TOLERANCE);
    expect(out.naive).toBeGreaterThan(0.05);
    expect(out.unscaledToRgb).toBeGreaterThan(0.05);
    expect(out.refusal).toMatch(/can only widen/);
    expect(out.zeroBlockWeight).toBe(0);
    expect(out.zeroBlockGrad).toBeGreaterThan(1e-4);
  });
});
