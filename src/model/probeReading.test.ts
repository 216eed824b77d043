/**
 * The probe reading on rows whose answer is worked out by hand: two classes and one target over three images —
 * shares by top class, "confident" only where softmax p ≥ 0.9 (logit gap ≥ ln 9), population sd of the target.
 */
import { describe, expect, it } from 'vitest';
import { probeLayout } from './probeLayout';
import { readProbeRows } from './probeReading';

describe('readProbeRows', () => {
  it('class shares, confident share and target mean/sd of three rows', () => {
    const layout = probeLayout({ classes: ['a', 'b'], targets: ['t'] });
    // Row 1: a by a gap of 3 (p 0.953, confident); row 2: b by a gap of 1 (p 0.731, not); row 3: b by 2.5 (p 0.924, confident).
    const rows = [3, 0, 2, 0, 1, 3, 0.5, 3, 4];
    const r = readProbeRows(Float32Array.from(rows), 3, layout);
    expect(r.shares[0][0]).toBeCloseTo(1 / 3, 12);
    expect(r.shares[0][1]).toBeCloseTo(2 / 3, 12);
    expect(r.confident).toBeCloseTo(2 / 3, 12);
    expect(r.factorMeans[0]).toBeCloseTo(3, 6);
    expect(r.factorStds[0]).toBeCloseTo(Math.sqrt(2 / 3), 6);
    expect(r.hueBins).toEqual([]);
  });
});
