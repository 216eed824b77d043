import { describe, expect, it } from 'vitest';
import { sweepCsvFiles } from './sweepFiles';

describe('sweepCsvFiles', () => {
  it('writes C^H per pair with its summary, and one Grassmann column per curve, one row per k', () => {
    const f = sweepCsvFiles({
      count: 3, logCorrelations: [0.5, -0.25, 0.125], logCorrelationMean: 0.125, logCorrelationStd: 0.3,
      grassmann: { ks: [1, 2], curves: [{ name: 'close-w', values: [0.1, 0.2] }, { name: 'random-w', values: [1.5, NaN] }] },
    });
    expect(f['homogeneity.csv'].split('\n')).toEqual(['# 3 positions; log-scale C^H over ordered pairs: mean 0.125, sd 0.3', 'pair,log_correlation', '1,0.5', '2,-0.25', '3,0.125', '']);
    expect(f['grassmann.csv']).toBe('k,close-w,random-w\n1,0.1,1.5\n2,0.2,\n');
  });

  it('has no Grassmann file for a z-space sweep, and refuses ragged curves', () => {
    expect(Object.keys(sweepCsvFiles({ count: 2, logCorrelations: [1, 1], logCorrelationMean: 1, logCorrelationStd: 0 }))).toEqual(['homogeneity.csv']);
    expect(() => sweepCsvFiles({ count: 2, logCorrelations: [], logCorrelationMean: NaN, logCorrelationStd: NaN, grassmann: { ks: [1, 2], curves: [{ name: 'a', values: [1] }] } })).toThrow(/one value per k/);
  });
});
