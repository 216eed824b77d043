/**
 * What a probe reads in a set of images, from its output rows laid out by `layout` (src/model/probeLayout.ts): each
 * categorical factor's class shares, the share read with confidence and the targets' means and sds. Shared by the
 * docs (scripts/lib/probeQuality.ts) and the realism job (src/engine/realism.ts). No tfjs.
 */
import type { ProbeLayout } from './probeLayout';

export interface ProbeReading {
  /** Per categorical factor (the layout's order): the share of images whose top class is each class. */
  shares: number[][];
  /** The first categorical factor's shares (shapes, Fashion-MNIST: the class). */
  classShare: number[];
  /** Share of images read with confidence: every categorical factor's top class at softmax p ≥ 0.9. */
  confident: number;
  /** Mean and sd of each regression target; for shapes also the hue histogram over 12 bins of the circle. */
  factorMeans: number[];
  factorStds: number[];
  hueBins: number[];
}

/** The reading of `n` output rows (flat, row-major, `layout.width` columns each). */
export function readProbeRows(out: ArrayLike<number>, n: number, layout: ProbeLayout): ProbeReading {
  const width = out.length / n;
  const rows = Array.from({ length: n }, (_, i) => Array.prototype.slice.call(out, i * width, (i + 1) * width) as number[]);
  const shares = layout.categorical.map((g) => new Array(g.classes.length).fill(0));
  const T = layout.targets.length, at = layout.targetOffset;
  const sums = new Array(T).fill(0), sq = new Array(T).fill(0);
  const [hueCos, hueSin] = [layout.targets.indexOf('hue_cos'), layout.targets.indexOf('hue_sin')];
  const hueBins = new Array(hueCos >= 0 && hueSin >= 0 ? 12 : 0).fill(0);
  let confident = 0;
  for (const row of rows) {
    let sure = true;
    layout.categorical.forEach((g, k) => {
      const logits = row.slice(g.offset, g.offset + g.classes.length);
      const top = Math.max(...logits);
      const z = logits.reduce((a, l) => a + Math.exp(l - top), 0);
      shares[k][logits.indexOf(top)] += 1 / n;
      sure &&= 1 / z >= 0.9;
    });
    if (sure && layout.categorical.length > 0) confident += 1 / n;
    for (let j = 0; j < T; j++) { sums[j] += row[at + j] / n; sq[j] += row[at + j] ** 2 / n; }
    if (hueBins.length > 0) {
      const hue = ((Math.atan2(row[at + hueSin], row[at + hueCos]) / (2 * Math.PI)) % 1 + 1) % 1;
      hueBins[Math.min(11, Math.floor(hue * 12))] += 1 / n;
    }
  }
  return { shares, classShare: shares[0] ?? [], confident, factorMeans: sums, factorStds: sq.map((s, j) => Math.sqrt(Math.max(0, s - sums[j] ** 2))), hueBins };
}
