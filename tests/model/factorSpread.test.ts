/**
 * The factor-spread loss of the GAN trainer (training/atlas_train/factor_spread.py) moves a generated batch's
 * continuous factors, as frozen regressors read them, toward the data's mean and spread.
 * training/tests/factor_spread_check.py (Debian's /usr/bin/python3 with python3-torch) takes one gradient step of
 * the loss on the images and judges it by an independent quantity: per factor, the float64 2-Wasserstein distance
 * between normals fitted to the batch's and the data's readings. The check can fail: the mirrored step must raise it.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';

describe('factor-spread loss (PyTorch)', () => {
  it('widens a collapsed factor, recentres an offset one, leaves a matched batch alone, and keeps its readers frozen', () => {
    const r = spawnSync('/usr/bin/python3', ['training/tests/factor_spread_check.py'], {
      encoding: 'utf8', timeout: 120_000, env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    if (r.status !== 0) throw new Error(`factor_spread_check.py failed (exit ${r.status}; apt-get install -y python3-torch python3-numpy):\n${r.stderr}`);
    const out = JSON.parse(r.stdout);
    // Factor 0 collapsed (sd 0.2 against 1), factor 1 offset (mean 2 against 1): a descent step on the images
    // lowers each one's W₂², the mirrored step raises it.
    for (const f of [0, 1]) {
      expect(out.w2AfterDescent[f]).toBeLessThan(out.w2Before[f]);
      expect(out.w2AfterMirrored[f]).toBeGreaterThan(out.w2Before[f]);
    }
    // ... by widening the collapsed factor.
    expect(out.sdAfter).toBeGreaterThan(out.sdBefore);
    // A batch with the data's moments exactly gets no push (float32 rounding); an off one does.
    expect(out.matchedGradMax).toBeLessThan(1e-5);
    expect(out.offGradMax).toBeGreaterThan(1e-2);
    // Gradient reaches the images, never the frozen readers.
    expect(out.readerParamGrads).toEqual([false, false, false, false]);
    expect(out.readersTrainable).toBe(false);
    // The recipe's readers: cached under names that carry their training length, loaded (not retrained) by a
    // second call, and the data's statistics are their mean reading of the training images (numpy, float64).
    expect(out.cacheFiles).toEqual(['shapes-5-targets-3x4-1.pt', 'shapes-5-targets-3x4.pt']);
    expect(out.retrainedOnSecondCall).toBe(false);
    expect(out.reloadedStatsError).toBe(0);
    expect(out.realStatsError).toBeLessThan(1e-5);
  });
});
