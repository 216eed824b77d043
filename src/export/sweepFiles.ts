/**
 * An atlas sweep as CSV (issue 18 exports): the homogeneity C^H of the sampled positions' metrics (Wang & Ponce
 * Eq. 6, one log-scale correlation per ordered pair, with their mean and sd) and, for style models, the Grassmann
 * curves (Choi et al. Fig. 8: one column per curve, one row per subspace dimension k). Plain data in, text out.
 */
import type { Sweep } from '../engine/sweep';

const num = (v: number) => (Number.isFinite(v) ? String(v) : '');

/** The sweep's files: name → CSV text. `grassmann.csv` only when the sweep has the Grassmann study. */
export function sweepCsvFiles(s: Pick<Sweep, 'count' | 'logCorrelations' | 'logCorrelationMean' | 'logCorrelationStd' | 'grassmann'>): Record<string, string> {
  const files: Record<string, string> = {
    'homogeneity.csv': [
      `# ${s.count} positions; log-scale C^H over ordered pairs: mean ${num(s.logCorrelationMean)}, sd ${num(s.logCorrelationStd)}`,
      'pair,log_correlation',
      ...s.logCorrelations.map((v, i) => `${i + 1},${num(v)}`),
    ].join('\n') + '\n',
  };
  if (s.grassmann) {
    const { ks, curves } = s.grassmann;
    if (curves.some((c) => c.values.length !== ks.length)) throw new Error('sweepCsvFiles: every Grassmann curve needs one value per k.');
    files['grassmann.csv'] = [
      `k,${curves.map((c) => c.name).join(',')}`,
      ...ks.map((k, j) => `${k},${curves.map((c) => num(c.values[j])).join(',')}`),
    ].join('\n') + '\n';
  }
  return files;
}
