/**
 * The text of docs/findings.md that compares our numbers with the papers': the papers' tables, number
 * formats, and one function per section that turns a run's studies into sentences. Every comparison is
 * computed, so a re-run after retraining rewrites it; every claim about a basis or the averaged metric
 * stands beside its random baseline.
 */
import type { SpectrumStudy } from './atlas/spectrum';
import type { GrassmannStudy } from './atlas/grassmann';
import type { ScoreStudy } from './atlas/score';

// ── The papers' numbers ──────────────────────────────────────────────────────────────────────────

/** Wang & Ponce Tab. 2 (LPIPS metric): dims holding 0.99 … 0.99999 of the eigenvalue sum. */
export const WANG_TAB2: { model: string; n: number; dims: number[]; space: 'z' | 'w' }[] = [
  { model: 'DCGAN-fashion', n: 120, dims: [17, 35, 65, 97], space: 'z' },
  { model: 'PGGAN-face', n: 512, dims: [57, 167, 325, 450], space: 'z' },
  { model: 'StyleGAN2-face512 Z', n: 512, dims: [7, 17, 41, 78], space: 'z' },
  { model: 'StyleGAN2-face256 Z', n: 512, dims: [13, 28, 63, 103], space: 'z' },
  { model: 'StyleGAN2-cat Z', n: 512, dims: [8, 14, 31, 62], space: 'z' },
  { model: 'StyleGAN2-face512 W', n: 512, dims: [153, 345, 471, 506], space: 'w' },
  { model: 'StyleGAN2-face256 W', n: 512, dims: [157, 350, 473, 506], space: 'w' },
  { model: 'StyleGAN2-cat W', n: 512, dims: [23, 57, 126, 269], space: 'w' },
];

/** Wang & Ponce Tab. 4: C^H on log and linear scale, mean and sd over position pairs. */
export const WANG_TAB4: { model: string; log: [number, number]; linear: [number, number] }[] = [
  { model: 'DCGAN (fashion)', log: [0.92, 0.028], linear: [0.756, 0.192] },
  { model: 'PGGAN', log: [0.928, 0.014], linear: [0.861, 0.123] },
  { model: 'StyleGAN2-Face512 Z', log: [0.616, 0.052], linear: [0.769, 0.181] },
  { model: 'StyleGAN2-Face256 Z', log: [0.732, 0.037], linear: [0.802, 0.13] },
  { model: 'StyleGAN2-Cat256 Z', log: [0.7, 0.04], linear: [0.689, 0.151] },
  { model: 'StyleGAN2-Face512 W', log: [0.891, 0.048], linear: [0.838, 0.127] },
  { model: 'StyleGAN2-Face256 W', log: [0.869, 0.052], linear: [0.756, 0.159] },
  { model: 'StyleGAN2-Cat256 W', log: [0.895, 0.118], linear: [0.539, 0.216] },
];

/** Choi et al. §4: the order of the five curves (smallest first) in Fig. 8. */
export const CHOI_ORDER = {
  projection: ['close-w', 'to-ganspace', 'random-w', 'to-sefa', 'random-O(d)'],
  geodesic: ['close-w', 'to-ganspace', 'to-sefa', 'random-w', 'random-O(d)'],
};

// ── Helpers ──────────────────────────────────────────────────────────────────────────────────────

export const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)} %`;
export const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');
export const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '–');
export const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');
export const table = (head: string[], body: (string | number)[][]) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');


export interface ModelInfo { id: string; style: boolean; probe?: string; steps?: number; hash: string; zDim: number; wDim?: number }

export const label = (s: { model: string; space: string }) => `${s.model} ${s.space.toUpperCase()}`;

export function find(spectra: SpectrumStudy[], model: string, space: string, distance: string) {
  return spectra.find((s) => s.model === model && s.space === space && s.distance === distance);
}

/** Whether a Z spectrum shows a pixel-normalised z: a round-off null eigenvalue along z/‖z‖ at every position. */
function normalisesZ(s: SpectrumStudy): boolean {
  return s.space === 'z' && s.perSample.every((p) => Math.max(0, p.eigenvalues[s.n - 1]) / p.eigenvalues[0] < 1e-9 && (p.radialOverlap ?? 0) > 0.99);
}

/** The z-space generators' Z spectra (perceptual if there is one, else mse), each with the paper row it compares with. */
function zModels(spectra: SpectrumStudy[], models: ModelInfo[]) {
  return models.filter((m) => !m.style).flatMap((m) => {
    const s = find(spectra, m.id, 'z', 'perceptual') ?? find(spectra, m.id, 'z', 'mse');
    if (!s) return [];
    const pggan = normalisesZ(s);
    return [{ s, pggan, tab2: WANG_TAB2.find((p) => p.model === (pggan ? 'PGGAN-face' : 'DCGAN-fashion'))!, tab4: WANG_TAB4.find((p) => p.model === (pggan ? 'PGGAN' : 'DCGAN (fashion)'))! }];
  });
}

export function anisotropyText(spectra: SpectrumStudy[], models: ModelInfo[]): string[] {
  const lines: string[] = [];
  const fracs = spectra.map((s) => s.anisotropy.mean[0] / s.n);
  const paperZ = WANG_TAB2.filter((p) => p.space === 'z').map((p) => p.dims[0] / p.n);
  const paperW = WANG_TAB2.filter((p) => p.space === 'w').map((p) => p.dims[0] / p.n);
  lines.push(`- dim.99 / n ranges over ${pct(Math.min(...fracs), 1)} … ${pct(Math.max(...fracs), 1)} across our models, spaces and distances; the papers' Z spaces: ${pct(Math.min(...paperZ), 1)} … ${pct(Math.max(...paperZ), 1)}, W spaces ${pct(Math.min(...paperW), 1)} … ${pct(Math.max(...paperW), 1)}. ` +
    `Part of the gap is size: dim.99 ≥ 1, so dim.99/n cannot go below 1/n (1.6 % for n = 64, 3.1 % for n = 32), and a flat-enough spectrum of 64 values needs a larger fraction than one of 512.`);
  for (const { s: z, pggan, tab2 } of zModels(spectra, models)) {
    const why = pggan ? 'it pixel-normalises z, as PGGAN does' : 'it does not normalise z, like the paper\'s DCGAN';
    lines.push(`- ${z.model} (${z.distance}) against Wang's ${tab2.model} (${why}): dim.99 ${z.anisotropy.mean[0].toFixed(1)}/${z.n} = ${pct(z.anisotropy.mean[0], z.n)} vs ${tab2.dims[0]}/${tab2.n} = ${pct(tab2.dims[0], tab2.n)}; dim.999 ${pct(z.anisotropy.mean[1], z.n)} vs ${pct(tab2.dims[1], tab2.n)}; dim.9999 ${pct(z.anisotropy.mean[2], z.n)} vs ${pct(tab2.dims[2], tab2.n)}.`);
  }
  for (const d of ['mse', 'perceptual']) {
    const z = find(spectra, 'shapes-style', 'z', d), w = find(spectra, 'shapes-style', 'w', d);
    if (z && w) {
      const fz = z.anisotropy.mean[0] / z.n, fw = w.anisotropy.mean[0] / w.n;
      lines.push(`- shapes-style, ${d}: dim.99/n is ${pct(fz, 1)} in Z and ${pct(fw, 1)} in W. Wang & Ponce find W much less anisotropic than Z in StyleGAN2 (face512: 1.4 % in Z vs 29.9 % in W); ours ${fw > fz ? `agrees in direction (W/Z ratio ${(fw / fz).toFixed(1)}× vs 21.9× for face512, 2.9× for cat)` : `does NOT agree: W is ${fw === fz ? 'as' : 'more'} anisotropic than Z (ratio ${(fw / fz).toFixed(2)})`}.`);
    }
  }
  for (const s of spectra.filter((x) => x.space === 'z' && x.distance === 'mse')) {
    const ratios = s.perSample.map((p) => Math.max(0, p.eigenvalues[s.n - 1]) / p.eigenvalues[0]);
    const overlap = Math.min(...s.perSample.map((p) => p.radialOverlap ?? 0));
    if (Math.max(...ratios) < 1e-9) lines.push(`- ${label(s)}: the smallest eigenvalue is zero up to round-off at every position (λ_n/λ₁ ≤ ${Math.max(...ratios).toExponential(0)}) and its eigenvector is the radial direction z/‖z‖ (|cos| ≥ ${overlap.toFixed(4)}): the network normalises z first, so G(cz) = G(z). That caps dim.99999 at n − 1.`);
  }
  const wider = spectra.filter((s) => s.anisotropy.ofAverage[0] > s.anisotropy.mean[0] + 2 * s.anisotropy.sd[0] + 0.5);
  if (wider.length) lines.push(`- The averaged metric H̄ needs more dims for 99 % than single positions do (more than the mean + 2 sd) in ${wider.length} of ${spectra.length} cases: ${wider.map((s) => `${label(s)} ${s.distance} ${s.anisotropy.ofAverage[0]} vs ${s.anisotropy.mean[0].toFixed(1)}`).join('; ')}. Summing metrics whose top eigenvectors point different ways spreads the spectrum — the local top subspaces turn from position to position.`);
  // The baseline beside every averaged-metric claim: where H̄'s dims fall between a shared frame and random frames.
  const between = spectra.map((s) => {
    const [rand, shared, avg] = [s.average.randomFrameDims[0], s.average.sharedFrameDims[0], s.anisotropy.ofAverage[0]];
    return { s, rand, shared, avg, frac: rand > shared ? (avg - shared) / (rand - shared) : NaN };
  });
  lines.push(`- Against its baselines, H̄'s dim.99 lies at ${between.map((b) => `${label(b.s)} ${b.s.distance} ${b.avg} (shared frame ${b.shared}, random frames ${b.rand})`).join('; ')}. ` +
    `As a fraction of the way from a shared frame (0) to random frames (1): ${between.map((b) => f2(b.frac)).join(', ')}. Near 0, the positions share their top directions (the averaged basis is meaningful); near 1, H̄ is no better than averaging unrelated metrics.`);
  return lines;
}

export function homogeneityText(spectra: SpectrumStudy[], models: ModelInfo[]): string[] {
  const lines: string[] = [];
  const withH = spectra.filter((s) => s.homogeneity);
  const logs = withH.map((s) => s.homogeneity!.log.mean);
  lines.push(`- Log-scale C^H over our models and spaces: ${f3(Math.min(...logs))} … ${f3(Math.max(...logs))}; in the paper 0.616 … 0.986 (all models), StyleGAN2 Z 0.616 … 0.732, StyleGAN2 W 0.869 … 0.895, DCGAN 0.920, PGGAN 0.928.`);
  for (const d of ['mse', 'perceptual']) {
    const z = find(spectra, 'shapes-style', 'z', d), w = find(spectra, 'shapes-style', 'w', d);
    if (z?.homogeneity && w?.homogeneity) {
      const lz = z.homogeneity.log.mean, lw = w.homogeneity.log.mean;
      lines.push(`- shapes-style, ${d}: log C^H ${f3(lz)} in Z vs ${f3(lw)} in W. The paper finds W more homogeneous than Z for every StyleGAN2 (e.g. face512 0.616 → 0.891, +0.275); ours ${lw > lz ? `agrees (${lw - lz >= 0 ? '+' : ''}${f3(lw - lz)})` : `does NOT (${f3(lw - lz)})`}.`);
    }
  }
  for (const { s: z, pggan, tab4 } of zModels(spectra, models)) {
    if (!z.homogeneity) continue;
    lines.push(`- ${z.model} (${z.distance}${pggan ? ', pixel-normalised z' : ''}): log C^H ${f3(z.homogeneity.log.mean)} ± ${f3(z.homogeneity.log.sd)} vs the paper's ${tab4.model} ${tab4.log[0]} ± ${tab4.log[1]}; linear ${f3(z.homogeneity.linear.mean)} vs ${tab4.linear[0]}.`);
  }
  const linHigher = withH.filter((s) => s.homogeneity!.linear.mean > s.homogeneity!.log.mean).length;
  lines.push(`- Linear C^H exceeds log C^H in ${linHigher} of ${withH.length} of our cases (paper: 2 of its 13 image-GAN rows, StyleGAN2-Face512 Z and Face256 Z). The linear statistic is carried by the top few eigenvalues, the log one by the whole spectrum (A.7).`);
  return lines;
}

export function isotropyText(spectra: SpectrumStudy[]): string[] {
  const mse = spectra.filter((s) => s.distance === 'mse');
  const lines: string[] = [];
  const ratios = spectra.map((s) => s.alpha.varianceRatio.mean);
  const zs = spectra.map((s) => s.alpha.maxAbsMeanZ);
  const holds = ratios.every((v) => v > 0.8 && v < 1.25) && zs.every((z) => z < 4);
  lines.push(`- ${holds ? 'The law holds on every model' : 'The law does NOT hold everywhere'} for α measured through the network: mean variance ratio ${f3(Math.min(...ratios))} … ${f3(Math.max(...ratios))} (1 expected), largest |z| of a sample mean ${f2(Math.max(...zs))} over ${spectra.reduce((s, x) => s + x.samples, 0)} positions.`);
  for (const s of mse) lines.push(`- ${label(s)} (mse): eigenvalues span ${f2(s.alpha.eigenDecades)} decades, α of random directions ${f2(s.alpha.alphaDecades)} (1st–99th percentile); coefficient of variation ${f2(s.alpha.cvEigen)} for λ vs ${f2(s.alpha.cvAlpha)} for α. ${s.alpha.alphaDecades < s.alpha.eigenDecades / 2 ? 'Random directions change the image at rates within a narrow band around the mean eigenvalue, which hides the anisotropy (Wang & Ponce\'s point, reproduced).' : 'Here α is not much narrower than the spectrum (the illusion is weak).'}`);
  return lines;
}

/** Curves sorted by mean at k, adjacent ones joined by "≈" when their means differ by less than two standard errors. */
function orderOf(gs: GrassmannStudy, which: 'projection' | 'geodesic', k: number): string {
  const sorted = [...gs.curves].sort((a, b) => a[which].mean[k - 1] - b[which].mean[k - 1]);
  return sorted.map((c, i) => (i === 0 ? c.name : `${significant(gs, which, k, sorted[i - 1].name, c.name) ? '<' : '≈'} ${c.name}`)).join(' ');
}

/** Whether curve b's mean exceeds a's by more than two standard errors at k. */
function significant(gs: GrassmannStudy, which: 'projection' | 'geodesic', k: number, a: string, b: string): boolean {
  const A = gs.curves.find((c) => c.name === a)!, B = gs.curves.find((c) => c.name === b)!;
  const se = Math.sqrt(A[which].sd[k - 1] ** 2 / A.pairs + B[which].sd[k - 1] ** 2 / B.pairs);
  return B[which].mean[k - 1] - A[which].mean[k - 1] > 2 * se;
}

export function grassmannText(gs: GrassmannStudy): string[] {
  const lines: string[] = [];
  const kUse = gs.k.length - Math.round(gs.nullDirections);
  const kMid = Math.max(1, Math.round(kUse / 2));
  for (const which of ['projection', 'geodesic'] as const) {
    const paper = CHOI_ORDER[which];
    // A contradiction: a pair the paper orders a < b that we find significantly the other way round.
    const reversals = (k: number) => paper.flatMap((a, i) => paper.slice(i + 1).filter((b) => significant(gs, which, k, b, a)).map((b) => `${b} < ${a}`));
    const atMid = reversals(kMid);
    const kClean = gs.k.filter((k) => k <= kUse && reversals(k).length === 0).length;
    lines.push(`- ${which} metric at k = ${kMid}: ${orderOf(gs, which, kMid)} ("≈": within two standard errors); Choi et al.: ${paper.join(' < ')}. ` +
      (atMid.length === 0 ? 'No significant reversal of the paper\'s order' : `Significant reversals of the paper's order: ${atMid.join(', ')}`) +
      `. Over k = 1…${kUse}, the paper's order holds without a significant reversal at ${kClean} of ${kUse} values of k.`);
  }
  const get = (name: string) => gs.curves.find((c) => c.name === name)!;
  const close = get('close-w').geodesic.mean[kMid - 1], rw = get('random-w').geodesic.mean[kMid - 1], ro = get('random-O(d)').geodesic.mean[kMid - 1], gsn = get('to-ganspace').geodesic.mean[kMid - 1];
  lines.push(`- Geodesic distance at k = ${kMid}: close-w ${f2(close)}, to-GANSpace ${f2(gsn)}, random-w ${f2(rw)}, random O(d) ${f2(ro)} (maximum √k·π/2 = ${f2((Math.sqrt(kMid) * Math.PI) / 2)}). Random-w / close-w = ${(rw / close).toFixed(1)}×: ${rw > 2 * close ? 'the Local Basis turns a lot across W (global warpage) but little between close points, as in the paper' : 'less contrast than the paper reports'}. Random-w is ${rw < ro ? `below random O(d) by ${f2(ro - rw)}` : 'NOT below random O(d)'} (the paper: below, i.e. some global alignment).`);
  return lines;
}

/** The score study in sentences: purity against random, then each `highlight` factor: which basis isolates it best. */
export function scoreText(sc: ScoreStudy, highlight: readonly string[]): string[] {
  const lines: string[] = [];
  // Every purity and clarity claim stands beside the random-direction baseline of the same study.
  const random = sc.methods.find((m) => m.basis === 'random');
  const bases = sc.methods.filter((m) => m.basis !== 'random');
  const purest = [...bases].sort((a, b) => b.purity - a.purity);
  const base = (v: number | undefined) => (random && v !== undefined ? ` (random directions: ${f2(v)})` : '');
  lines.push(`- Mean purity of the top ${sc.top} directions: ${purest.map((m) => `${m.basis} ${f2(m.purity)}`).join(', ')}${base(random?.purity)}; 1/${sc.factors.length} = ${f2(1 / sc.factors.length)} would be no preference at all. ` +
    (random ? `Bases above the random baseline: ${purest.filter((m) => m.purity > random.purity).map((m) => m.basis).join(', ') || 'none'}.` : ''));
  for (const f of highlight) {
    const j = sc.factors.indexOf(f);
    if (j < 0) continue;
    const byClarity = [...bases].sort((a, b) => b.clarity[j] - a.clarity[j]);
    const byFixed = [...bases].sort((a, b) => b.fixedClarity[j] - a.fixedClarity[j]);
    const beats = random ? (byClarity[0].clarity[j] > random.clarity[j] ? `, above random directions' ${f2(random.clarity[j])}` : `, NOT above random directions' ${f2(random.clarity[j])}`) : '';
    lines.push(`- ${f}: best share at each seed ${f2(byClarity[0].clarity[j])} (${byClarity[0].basis}${beats}), then ${f2(byClarity[1]?.clarity[j])} (${byClarity[1]?.basis}); with one fixed direction ${f2(byFixed[0].fixedClarity[j])} (${byFixed[0].basis} #${byFixed[0].fixedIndex[j]})${base(random?.fixedClarity[j])}. ${byClarity[0].clarity[j] >= 0.8 ? `A direction that moves ${f} almost alone exists.` : `No method isolates ${f}: its best direction gives it ${pct(byClarity[0].clarity[j], 1)} of the response.`}`);
  }
  const dom = sc.methods.map((m) => `${m.basis}: ${m.directions.map((d) => d.dominant).join(', ')}`);
  lines.push(`- Dominant factor of directions #0…#${sc.top - 1}: ${dom.join('; ')}.`);
  return lines;
}
