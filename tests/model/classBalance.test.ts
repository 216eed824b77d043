/**
 * The class-balance loss of the GAN trainer (training/atlas_train/class_balance.py) pushes a generator's class
 * mix toward the data's shares. training/tests/class_balance_check.py (Debian's /usr/bin/python3 with
 * python3-torch) takes one gradient step of the loss on a batch's class logits and judges it by an independent
 * quantity: the float64 KL divergence of the running class history from the data's shares after the batch is
 * taken in. The check can fail: the same step with its sign flipped must raise that KL. With two categorical
 * factors (faces), each factor's KL is judged on its own.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';

describe('class-balance loss (PyTorch)', () => {
  it('moves an off-balance mix toward the data, leaves a balanced one alone, and spares the frozen reader', () => {
    const r = spawnSync('/usr/bin/python3', ['training/tests/class_balance_check.py'], {
      encoding: 'utf8', timeout: 120_000, env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    if (r.status !== 0) throw new Error(`class_balance_check.py failed (exit ${r.status}; apt-get install -y python3-torch python3-numpy):\n${r.stderr}`);
    const out = JSON.parse(r.stdout);
    // History 55/15/15/15 against shares ~25 % each: a descent step lowers the KL, its mirror raises it.
    expect(out.klAfterDescent).toBeLessThan(out.klBefore);
    expect(out.klAfterFlipped).toBeGreaterThan(out.klBefore);
    // ... by drawing fewer of the over-drawn class 0 and more of every other class.
    expect(out.shareAfter[0]).toBeLessThan(out.shareBefore[0]);
    for (const c of [1, 2, 3]) expect(out.shareAfter[c]).toBeGreaterThan(out.shareBefore[c]);
    // A history at the data's shares pushes nowhere; an off-balance one does.
    expect(out.balancedGradMax).toBeLessThan(1e-7);
    expect(out.skewedGradMax).toBeGreaterThan(1e-3);
    // The history follows the batches (momentum 0.99: 600 batches leave 0.99^600 ≈ 0.24 % of the start).
    expect(out.historyError).toBeLessThan(1e-2);
    // The frozen classifier passes gradient to the images only, and only its first four logits are classes.
    expect(out.readerImageGrad).toBeGreaterThan(0);
    expect(out.readerParamGrads).toEqual([false, false]);
    expect(out.readerKeepsSlicedLogits).toEqual([8, 4]);
    // Two categorical factors (faces: hair and glasses) read by one set of logits: each factor's shares are
    // normalised on their own, and one descent step lowers each factor's KL while its mirror raises both.
    // The recipe's reader (two members, 3 steps of batch 4): cached under names that carry the shorter training,
    // and loaded, not retrained, by a second call (same outputs, files untouched).
    expect(out.readerCacheFiles).toEqual(['shapes-5-3x4-1.pt', 'shapes-5-3x4.pt']);
    expect(out.readerIsEnsemble).toBe(true);
    expect(out.readerReloadedError).toBe(0);
    expect(out.readerRetrainedOnSecondCall).toBe(false);
    for (const s of out.twoFactorSharesSumToOne) expect(s).toBeCloseTo(1, 6);
    for (const f of [0, 1]) {
      expect(out.twoFactorKlAfterDescent[f]).toBeLessThan(out.twoFactorKlBefore[f]);
      expect(out.twoFactorKlAfterFlipped[f]).toBeGreaterThan(out.twoFactorKlBefore[f]);
    }
    // A head on D's features learns both factors' labels: a finite cross entropy summed over the two (> 0).
    expect(out.twoFactorHeadLoss).toBeGreaterThan(0);
    expect(Number.isFinite(out.twoFactorHeadLoss)).toBe(true);
    // An ensemble of readers reads each factor as its members' mean class probability.
    expect(out.ensembleError).toBeLessThan(1e-6);
  });
});
