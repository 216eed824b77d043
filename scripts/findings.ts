/**
 * `npm run findings` — runs the papers' analyses on the bundled models and writes docs/findings.md, its
 * plots (docs/img/findings-*.png, d3 → SVG → Debian's Chromium) and the raw numbers (docs/findings.json).
 * Every sentence that compares with a paper is computed from the numbers of this run, so a re-run after
 * retraining a model rewrites the comparison too.
 *
 *   npx tsx scripts/findings.ts [--quick]   (--quick: tiny sample counts, into scratch/findings-quick/, to check the script)
 *
 * Sample counts are modest so that the whole run takes minutes on two cores (see COUNTS).
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { useBackend } from './lib/tfnode';
import { gridPng } from './lib/png';
import { grid, heatmap, histogramPlot, imageMontage, linePlot, renderSvgs, row, type Svg } from './lib/plot';
import { bundledModels, openModelId, ROOT, weightsHash } from './atlas/common';
import { spectrumStudy, type SpectrumStudy } from './atlas/spectrum';
import { grassmannStudy, type GrassmannStudy } from './atlas/grassmann';
import { scoreStudy, type ScoreStudy } from './atlas/score';
import { traverseStudy } from './atlas/traverse';
import { basesFor, type BasisName } from './atlas/bases';
import type { DistanceName } from '../src/distance';
import type { Generator } from '../src/model/generator';

const QUICK = process.argv.includes('--quick');
const COUNTS = QUICK
  ? { spectrum: { mse: 2, perceptual: 2 }, alpha: 500, grassmann: 4, scoreSeeds: 1, scoreTop: 3, average: 2 }
  : { spectrum: { mse: 16, perceptual: 8 }, alpha: 2000, grassmann: 100, scoreSeeds: 8, scoreTop: 5, average: 8 };
/** --quick writes to scratch/findings-quick/ (ignored by git) so that docs/ only ever holds a full run. */
const OUT = QUICK ? path.join(ROOT, 'scratch', 'findings-quick') : path.join(ROOT, 'docs');
const IMG = (name: string) => path.join(OUT, 'img', `findings-${name}.png`);
const imgRef = (name: string) => `img/findings-${name}.png`;
const t0 = performance.now();
const log = (msg: string) => process.stderr.write(`[findings ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);

// ── The papers' numbers ──────────────────────────────────────────────────────────────────────────

/** Wang & Ponce Tab. 2 (LPIPS metric): dims holding 0.99 … 0.99999 of the eigenvalue sum. */
const WANG_TAB2: { model: string; n: number; dims: number[]; space: 'z' | 'w' }[] = [
  { model: 'DCGAN-fashion', n: 120, dims: [17, 35, 65, 97], space: 'z' },
  { model: 'StyleGAN2-face512 Z', n: 512, dims: [7, 17, 41, 78], space: 'z' },
  { model: 'StyleGAN2-face256 Z', n: 512, dims: [13, 28, 63, 103], space: 'z' },
  { model: 'StyleGAN2-cat Z', n: 512, dims: [8, 14, 31, 62], space: 'z' },
  { model: 'StyleGAN2-face512 W', n: 512, dims: [153, 345, 471, 506], space: 'w' },
  { model: 'StyleGAN2-face256 W', n: 512, dims: [157, 350, 473, 506], space: 'w' },
  { model: 'StyleGAN2-cat W', n: 512, dims: [23, 57, 126, 269], space: 'w' },
];

/** Wang & Ponce Tab. 4: C^H on log and linear scale, mean and sd over position pairs. */
const WANG_TAB4: { model: string; log: [number, number]; linear: [number, number] }[] = [
  { model: 'DCGAN (fashion)', log: [0.92, 0.028], linear: [0.756, 0.192] },
  { model: 'StyleGAN2-Face512 Z', log: [0.616, 0.052], linear: [0.769, 0.181] },
  { model: 'StyleGAN2-Face256 Z', log: [0.732, 0.037], linear: [0.802, 0.13] },
  { model: 'StyleGAN2-Cat256 Z', log: [0.7, 0.04], linear: [0.689, 0.151] },
  { model: 'StyleGAN2-Face512 W', log: [0.891, 0.048], linear: [0.838, 0.127] },
  { model: 'StyleGAN2-Face256 W', log: [0.869, 0.052], linear: [0.756, 0.159] },
  { model: 'StyleGAN2-Cat256 W', log: [0.895, 0.118], linear: [0.539, 0.216] },
];

/** Choi et al. §4: the order of the five curves (smallest first) in Fig. 8. */
const CHOI_ORDER = {
  projection: ['close-w', 'to-ganspace', 'random-w', 'to-sefa', 'random-O(d)'],
  geodesic: ['close-w', 'to-ganspace', 'to-sefa', 'random-w', 'random-O(d)'],
};

// ── Helpers ──────────────────────────────────────────────────────────────────────────────────────

const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)} %`;
const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '–');
const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');
const table = (head: string[], body: (string | number)[][]) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');

interface Montage { id: string; rows: string[]; plot: Svg }

interface ModelInfo { id: string; style: boolean; probe?: string; steps?: number; hash: string; zDim: number; wDim?: number }

function infoOf(g: Generator): ModelInfo {
  return { id: g.manifest.id, style: g.isStyleBased, probe: g.manifest.probe, steps: (g.manifest.training as { steps?: number } | undefined)?.steps, hash: weightsHash(g), zDim: g.zDim, wDim: g.wDim };
}

const label = (s: { model: string; space: string }) => `${s.model} ${s.space.toUpperCase()}`;

// ── Analyses ─────────────────────────────────────────────────────────────────────────────────────

async function main() {
  await useBackend('wasm');
  const ids = bundledModels();
  const models: ModelInfo[] = [];
  const spectra: SpectrumStudy[] = [];
  const grassmanns: GrassmannStudy[] = [];
  const scores: ScoreStudy[] = [];
  const montages: Montage[] = [];

  for (const id of ids) {
    const g = await openModelId(id);
    try {
      models.push(infoOf(g));
      const spaces: ('z' | 'w')[] = g.isStyleBased ? ['z', 'w'] : ['z'];
      for (const distance of ['mse', 'perceptual'] as DistanceName[]) {
        if (distance === 'perceptual' && !g.discriminatorFeatures) continue;
        for (const space of spaces) {
          const samples = COUNTS.spectrum[distance as 'mse' | 'perceptual'];
          log(`spectrum ${id} ${space} ${distance} (${samples} positions)`);
          spectra.push(await spectrumStudy(g, { samples, seed: 0, space, distance, alphaCount: COUNTS.alpha, keep: distance === 'mse' }));
        }
      }
      if (g.isStyleBased) {
        log(`grassmann ${id} (${COUNTS.grassmann} pairs)`);
        grassmanns.push(await grassmannStudy(g, { samples: COUNTS.grassmann, seed: 0 }));
      }
      if (g.manifest.probe === 'shapes-probe') {
        log(`score ${id} (${COUNTS.scoreSeeds} seeds, top ${COUNTS.scoreTop})`);
        const space = g.isStyleBased ? 'w' : 'z';
        scores.push(await scoreStudy(g, { seeds: COUNTS.scoreSeeds, seed: 100, top: COUNTS.scoreTop, space, averageSamples: COUNTS.average }));
        log(`montage ${id}`);
        montages.push(await montage(g, space));
      }
    } finally {
      g.dispose();
    }
    if (tf.memory().numTensors > 0) log(`note: ${tf.memory().numTensors} tensors alive after ${id}`);
  }

  log('plots');
  const plots: { plot: Svg; file: string }[] = [];
  plots.push({ plot: spectraPlot(spectra), file: IMG('spectra') });
  plots.push({ plot: isotropyPlot(spectra), file: IMG('isotropy') });
  for (const gs of grassmanns) plots.push({ plot: grassmannPlot(gs), file: IMG(`grassmann-${gs.model}`) });
  for (const sc of scores) plots.push({ plot: scorePlot(sc), file: IMG(`factors-${sc.model}`) });
  for (const m of montages) plots.push({ plot: m.plot, file: IMG(`traverse-${m.id}`) });
  await renderSvgs(plots);

  const seconds = (performance.now() - t0) / 1000;
  const md = report({ models, spectra, grassmanns, scores, montages, seconds });
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'findings.md'), md);
  const strip = (s: SpectrumStudy) => ({ ...s, perSample: s.perSample.map(({ eigenvectors: _v, alphaSamples: _a, ...rest }) => rest), average: { ...s.average, eigenvectors: undefined } });
  fs.writeFileSync(path.join(OUT, 'findings.json'), JSON.stringify({ generated: new Date().toISOString(), counts: COUNTS, seconds, models, spectra: spectra.map(strip), grassmann: grassmanns, scores }, null, 1) + '\n');
  log(`done in ${seconds.toFixed(0)} s`);
}

/** One row per basis (index 0): the eigen-scaled metric move, then the other bases' ±2 moves; plus a Local Basis curve row. */
async function montage(g: Generator, space: 'z' | 'w'): Promise<Montage> {
  const seed = 101, steps = 9;
  const bases = basesFor(g, space);
  const rowsImg: Float32Array[] = [];
  const names: string[] = [];
  for (const basis of bases as BasisName[]) {
    const r = await traverseStudy(g, {
      seed, basis, index: 0, steps, range: basis === 'metric' ? 0.15 : 2, space, distance: 'mse', spherical: false,
      curve: basis === 'local' ? 4 : 0, keepImages: true, averageSamples: COUNTS.average,
    });
    rowsImg.push(r.images!);
    names.push(...r.rows.map((kind) => (kind === 'linear' ? basis : `${basis} (${kind})`)));
  }
  const [h, w, c] = g.outputShape;
  const all = new Float32Array(rowsImg.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of rowsImg) { all.set(a, o); o += a.length; }
  const png = gridPng(all, all.length / (h * w * c), h, w, c, { cols: steps, scale: 3, range: g.manifest.output.range });
  const note = [
    `Seed ${seed}, direction #0 of each basis, ${steps} frames from −T to +T. metric: T = 0.15/√λ₁ (eigen-scaled: ±0.15 predicted RMS image change);`,
    `the others: T = 2 along the unit direction in ${space.toUpperCase()}.${bases.includes('local') ? ' local (curve): Iterative Curve-Traversal with 4 pieces each way, same W length.' : ''}`,
  ];
  return { id: g.manifest.id, rows: names, plot: imageMontage({ title: `${g.manifest.id}: top direction of each basis`, png: png.data, width: png.width, height: png.height, rowLabels: names, note, labelWidth: 130 }) };
}

// ── Plots ────────────────────────────────────────────────────────────────────────────────────────

function quantileAt(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = q * (s.length - 1), lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

function spectraPlot(spectra: SpectrumStudy[]): Svg {
  const panel = (distance: DistanceName) => {
    const mine = spectra.filter((s) => s.distance === distance);
    return linePlot({
      title: `Normalised spectra λᵢ/λ₁ (${distance}), median and 10–90 %`,
      xLabel: 'eigenvalue rank i / n', yLabel: 'λᵢ / λ₁ (values < 10⁻⁸ drawn at the bottom)', logY: true, legend: 'bottom-left', xDomain: [0, 1], yDomain: [1e-8, 1],
      series: mine.map((s) => {
        const norm = s.perSample.map((p) => p.eigenvalues.map((l) => l / p.eigenvalues[0]));
        const at = (i: number, q: number) => quantileAt(norm.map((r) => r[i]), q);
        const idx = Array.from({ length: s.n }, (_, i) => i);
        return { name: `${label(s)} (n=${s.n})`, x: idx.map((i) => (i + 1) / s.n), y: idx.map((i) => at(i, 0.5)), lo: idx.map((i) => at(i, 0.1)), hi: idx.map((i) => at(i, 0.9)) };
      }),
    });
  };
  return row((['mse', 'perceptual'] as DistanceName[]).filter((d) => spectra.some((s) => s.distance === d)).map(panel));
}

function isotropyPlot(spectra: SpectrumStudy[]): Svg {
  const panels = spectra.filter((s) => s.distance === 'mse').map((s) => {
    const eig = s.perSample.flatMap((p) => p.eigenvalues.map((l) => l / p.alpha.lawMean));
    const alpha = s.perSample.flatMap((p) => Array.from(p.alphaSamples ?? []).map((a) => a / p.alpha.lawMean));
    return histogramPlot({
      title: `${label(s)} (mse, ${s.samples} positions)`, xLabel: 'value / mean eigenvalue (log scale)', logX: true, bins: 36, width: 440, height: 300, floor: 1e-6,
      sets: [{ name: `eigenvalues λ (${eig.length})`, values: eig }, { name: `α(v) random v (${alpha.length})`, values: alpha }],
    });
  });
  return grid(panels, 2);
}

function grassmannPlot(gs: GrassmannStudy): Svg {
  const panel = (which: 'projection' | 'geodesic') => linePlot({
    title: `${gs.model}: ${which} metric (${gs.samples} pairs)`, xLabel: 'subspace dimension k', yLabel: which === 'projection' ? '‖P₁ − P₂‖₂' : '‖θ‖₂', legend: which === 'projection' ? 'bottom-right' : 'top-left',
    series: gs.curves.map((c) => ({ name: c.name, x: gs.k, y: c[which].mean, lo: c[which].mean.map((m, j) => m - c[which].sd[j]), hi: c[which].mean.map((m, j) => m + c[which].sd[j]) })),
  });
  return row([panel('projection'), panel('geodesic')]);
}

function scorePlot(sc: ScoreStudy): Svg {
  const rows: string[] = [], values: number[][] = [], separators: number[] = [];
  for (const m of sc.methods) {
    if (rows.length) separators.push(rows.length);
    for (const d of m.directions) {
      rows.push(`${m.basis} #${d.index}`);
      values.push([...d.share, d.purity]);
    }
  }
  return heatmap({
    title: `${sc.model}: factor shares per direction (${sc.seeds.length} seeds)`,
    rows, cols: [...sc.factors, 'purity'], values, separators, cellWidth: 74, rowLabelWidth: 110,
    caption: ['share = s_f² / Σ s² (mean over seeds); s_f = factor rate in fractions of its range', 'per unit RMS image change; purity = mean over seeds of the largest share (1/6 … 1)'],
  });
}

// ── The report ───────────────────────────────────────────────────────────────────────────────────

interface Results { models: ModelInfo[]; spectra: SpectrumStudy[]; grassmanns: GrassmannStudy[]; scores: ScoreStudy[]; montages: Montage[]; seconds: number }

function report(r: Results): string {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  push('# Findings: the papers\' analyses on our models', '',
    `Generated by \`npm run findings\` (scripts/findings.ts) on ${new Date().toISOString().slice(0, 10)} in ${(r.seconds / 60).toFixed(1)} min (wasm backend, Node).`,
    'Every number and every comparison below is computed by that run; re-run it after retraining a model. Raw numbers: [findings.json](findings.json).', '',
    table(['model', 'latent', 'training steps', 'weights (sha256 of the .bin shards)'], r.models.map((m) => [`\`${m.id}\``, m.style ? `z ${m.zDim} → w ${m.wDim}` : `z ${m.zDim}`, m.steps ?? '–', `\`${m.hash}\``])), '',
    `Sample counts: ${COUNTS.spectrum.mse} positions per spectrum (mse), ${COUNTS.spectrum.perceptual} (perceptual), ${COUNTS.alpha} random directions per position for α, ${COUNTS.grassmann} pairs per Grassmann curve, ${COUNTS.scoreSeeds} seeds × top ${COUNTS.scoreTop} directions for the factor scores, averaged metric over ${COUNTS.average} positions. The papers use hundreds to thousands of positions and 120–4096-d latents; ours are 32–64-d, so dims are compared as fractions of n.`,
    '', 'Metrics are exact (batched double-VJP Jacobians, float64 eigendecomposition). Wang & Ponce measure with LPIPS; our `perceptual` distance is the LPIPS-style distance on each model\'s own discriminator features, `mse` the pixel distance.', '');

  // Anisotropy
  push('## 1. Anisotropy (Wang & Ponce Tab. 2)', '',
    'Number of top eigenvalues holding 99 % … 99.999 % of the eigenvalue sum, mean ± sd over positions (and for the averaged metric H̄), with the same as a fraction of n.', '');
  push(table(['model / space', 'distance', 'n', 'dim.99', 'dim.999', 'dim.9999', 'dim.99999', 'dim.99 of H̄', 'dim.99 / n'],
    r.spectra.map((s) => [label(s), s.distance, s.n, ...s.anisotropy.mean.map((m, j) => `${m.toFixed(1)} ± ${s.anisotropy.sd[j].toFixed(1)}`), s.anisotropy.ofAverage[0], pct(s.anisotropy.mean[0], s.n)])), '');
  push('Wang & Ponce (LPIPS):', '', table(['model', 'n', 'dim.99', 'dim.999', 'dim.9999', 'dim.99999', 'dim.99 / n'], WANG_TAB2.map((p) => [p.model, p.n, ...p.dims, pct(p.dims[0], p.n)])), '');
  push(`![normalised spectra](${imgRef('spectra')})`, '');
  push(...anisotropyText(r.spectra), '');

  // Homogeneity
  push('## 2. Homogeneity (Wang & Ponce Tab. 4)', '',
    'C^H_ij = corr(diag(UᵢᵀHⱼUᵢ), Λⱼ) over ordered pairs of positions i ≠ j, on log and linear scale (Eq. 5–6, rank pairing as in the authors\' code).', '');
  push(table(['model / space', 'distance', 'positions', 'C^H log: mean', 'sd', 'C^H linear: mean', 'sd'],
    r.spectra.filter((s) => s.homogeneity).map((s) => [label(s), s.distance, s.samples, f3(s.homogeneity!.log.mean), f3(s.homogeneity!.log.sd), f3(s.homogeneity!.linear.mean), f3(s.homogeneity!.linear.sd)])), '');
  push('Wang & Ponce (LPIPS):', '', table(['model', 'log: mean', 'sd', 'linear: mean', 'sd'], WANG_TAB4.map((p) => [p.model, p.log[0], p.log[1], p.linear[0], p.linear[1]])), '');
  push(...homogeneityText(r.spectra), '');

  // Isotropy illusion
  push('## 3. The illusion of isotropy (Wang & Ponce A.6, Fig. 2D)', '',
    'α(v) = vᵀHv/vᵀv for Gaussian v is the squared speed of image change in a random direction. Its law: E[α] = mean eigenvalue, Var[α] = 2/(n+2)·Var[λ]. Columns: sample mean / law mean and sample variance / law variance (both 1 if the law holds), the largest |z| of the mean over positions, and the spread of α (log10 of the 99th/1st percentile) against the spread of the eigenvalues (log10 λ₁/λ_min, round-off zeros below 10⁻¹⁰λ₁ excluded).', '');
  push(table(['model / space', 'distance', 'E ratio', 'Var ratio', 'max |z|', 'α spread (decades)', 'λ spread (decades)', 'cv α', 'cv λ'],
    r.spectra.map((s) => [label(s), s.distance, `${f3(s.alpha.meanRatio.mean)} ± ${f3(s.alpha.meanRatio.sd)}`, `${f3(s.alpha.varianceRatio.mean)} ± ${f3(s.alpha.varianceRatio.sd)}`, f2(s.alpha.maxAbsMeanZ), f2(s.alpha.alphaDecades), f2(s.alpha.eigenDecades), f2(s.alpha.cvAlpha), f2(s.alpha.cvEigen)])), '');
  push(`![α of random directions vs eigenvalues](${imgRef('isotropy')})`, '', ...isotropyText(r.spectra), '');

  // Grassmann
  push('## 4. Warpage of W on the Grassmannian (Choi et al. Fig. 8)', '');
  if (r.grassmanns.length === 0) push('No style model is bundled, so there is no Local Basis to compare.', '');
  for (const gs of r.grassmanns) {
    const nulls = Math.round(gs.nullDirections);
    push(`\`${gs.model}\`: ${gs.notes.join('; ')}. Close pairs at ‖z − z′‖ = ${gs.closeDistance}.`, '');
    if (nulls > 0) push(`The last ${nulls} of the ${gs.k.length} Local Basis vectors ${nulls > 1 ? 'are null directions' : 'is a null direction'} (mean σ/σ₁ of the last three: ${gs.lastSigmaRatios.map((v) => v.toExponential(1)).join(', ')}): the mapping normalises z, so the radial direction of Z maps to nothing and its W "direction" is an arbitrary unit vector orthogonal to the rest. Curves at k > ${gs.k.length - nulls} include it; read them up to k = ${gs.k.length - nulls}.`, '');
    const ks = [...new Set([1, 2, 4, 8, 16, gs.k.length - nulls])].filter((k) => k >= 1 && k <= gs.k.length);
    push(table(['curve', ...ks.map((k) => `proj. k=${k}`), ...ks.map((k) => `geo. k=${k}`)],
      gs.curves.map((c) => [c.name, ...ks.map((k) => f3(c.projection.mean[k - 1])), ...ks.map((k) => f2(c.geodesic.mean[k - 1]))])), '');
    push(`![Grassmann metrics of ${gs.model}](${imgRef(`grassmann-${gs.model}`)})`, '', ...grassmannText(gs), '');
  }

  // Factor scores
  push('## 5. Ground truth: which directions move which factor? (beyond the papers)', '',
    'For each basis\'s top directions at several positions, the shapes probe reads x, y, scale, rotation (cos/sin of the symmetric angle), hue (cos/sin) and background; a factor\'s rate is the norm of its targets\' derivative along the direction, divided by the RMS image change rate √(vᵀHv) (mse metric) and by the factor\'s full range (x, y, scale, background: the data set\'s range; hue and rotation: one full turn), i.e. "fractions of the factor\'s range per unit of RMS pixel change". Share = a factor\'s fraction of the squared rates; purity = the largest share (1: one factor; 1/6: all equally). Clarity of a factor = mean over seeds of the best share any of the top directions gives it; "fixed" = the best share of ONE direction index used at every seed (what a global slider offers). Shape class is categorical and not scored. Hessian and Local Basis directions are recomputed at each seed; average (H̄ over positions 1000…), GANSpace and SeFa (all style layers for style models) are global. (src/geometry/factorScore.ts)', '');
  const probeManifest = path.join(ROOT, 'public', 'models', 'probes', 'shapes-probe', 'manifest.json');
  if (r.scores.length && fs.existsSync(probeManifest)) {
    const held = (JSON.parse(fs.readFileSync(probeManifest, 'utf8')) as { training?: { heldOut?: Record<string, number> } }).training?.heldOut ?? {};
    const r2 = Object.entries(held).filter(([key]) => key.startsWith('r2_')).map(([key, v]) => `${key.slice(3)} ${v.toFixed(2)}`).join(', ');
    push(`Caveat: the probe was trained on real shapes (held-out R²: ${r2}); on generated images far from the data its reading, and so its derivatives, can be unreliable — e.g. the hue of an almost invisible shape is undefined.`, '');
  }
  for (const sc of r.scores) {
    push(`### \`${sc.model}\` (${sc.space.toUpperCase()}, seeds ${sc.seeds[0]}…${sc.seeds.at(-1)}, top ${sc.top})`, '');
    push(table(['basis', 'purity', ...sc.factors.map((f) => `${f} clarity`), ...sc.factors.map((f) => `${f} fixed`)],
      sc.methods.map((m) => [m.basis, f2(m.purity), ...m.clarity.map(f2), ...m.fixedClarity.map((v, j) => `${f2(v)} (#${m.fixedIndex[j]})`)])), '');
    push(`![factor shares of ${sc.model}](${imgRef(`factors-${sc.model}`)})`, '', ...scoreText(sc), '');
  }

  // Montages
  if (r.montages.length) {
    push('## 6. What the directions do', '');
    push('Frames along the first direction of each basis at one position (the caption under each montage says how far each row moves).', '');
    for (const m of r.montages) push(`![traversals of ${m.id}: ${m.rows.join(', ')}](${imgRef(`traverse-${m.id}`)})`, '');
  }
  push('## Reproduce', '', '```', 'npm run findings', 'npm run atlas -- spectrum --model shapes-style --space w --samples 16', 'npm run atlas -- grassmann --model shapes-style --samples 100', 'npm run atlas -- score --model shapes-style --seeds 8 --top 5', 'npm run atlas -- traverse --model shapes-style --seed 101 --basis local --range 2 --curve 4 --png out.png', '```', '');
  return out.join('\n');
}

function find(spectra: SpectrumStudy[], model: string, space: string, distance: string) {
  return spectra.find((s) => s.model === model && s.space === space && s.distance === distance);
}

function anisotropyText(spectra: SpectrumStudy[]): string[] {
  const lines: string[] = [];
  const fracs = spectra.map((s) => s.anisotropy.mean[0] / s.n);
  const paperZ = WANG_TAB2.filter((p) => p.space === 'z').map((p) => p.dims[0] / p.n);
  const paperW = WANG_TAB2.filter((p) => p.space === 'w').map((p) => p.dims[0] / p.n);
  lines.push(`- dim.99 / n ranges over ${pct(Math.min(...fracs), 1)} … ${pct(Math.max(...fracs), 1)} across our models, spaces and distances; the papers' Z spaces: ${pct(Math.min(...paperZ), 1)} … ${pct(Math.max(...paperZ), 1)}, W spaces ${pct(Math.min(...paperW), 1)} … ${pct(Math.max(...paperW), 1)}. ` +
    `Part of the gap is size: dim.99 ≥ 1, so dim.99/n cannot go below 1/n (1.6 % for n = 64, 3.1 % for n = 32), and a flat-enough spectrum of 64 values needs a larger fraction than one of 512.`);
  const fashion = find(spectra, 'fashion-dcgan', 'z', 'perceptual') ?? find(spectra, 'fashion-dcgan', 'z', 'mse');
  if (fashion) lines.push(`- fashion-dcgan (${fashion.distance}) against Wang's DCGAN-fashion: dim.99 ${fashion.anisotropy.mean[0].toFixed(1)}/${fashion.n} = ${pct(fashion.anisotropy.mean[0], fashion.n)} vs 17/120 = 14.2 %; dim.999 ${pct(fashion.anisotropy.mean[1], fashion.n)} vs 29.2 %; dim.9999 ${pct(fashion.anisotropy.mean[2], fashion.n)} vs 54.2 %.`);
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
  return lines;
}

function homogeneityText(spectra: SpectrumStudy[]): string[] {
  const lines: string[] = [];
  const withH = spectra.filter((s) => s.homogeneity);
  const logs = withH.map((s) => s.homogeneity!.log.mean);
  lines.push(`- Log-scale C^H over our models and spaces: ${f3(Math.min(...logs))} … ${f3(Math.max(...logs))}; in the paper 0.616 … 0.986 (all models), StyleGAN2 Z 0.616 … 0.732, StyleGAN2 W 0.869 … 0.895, DCGAN 0.920.`);
  for (const d of ['mse', 'perceptual']) {
    const z = find(spectra, 'shapes-style', 'z', d), w = find(spectra, 'shapes-style', 'w', d);
    if (z?.homogeneity && w?.homogeneity) {
      const lz = z.homogeneity.log.mean, lw = w.homogeneity.log.mean;
      lines.push(`- shapes-style, ${d}: log C^H ${f3(lz)} in Z vs ${f3(lw)} in W. The paper finds W more homogeneous than Z for every StyleGAN2 (e.g. face512 0.616 → 0.891, +0.275); ours ${lw > lz ? `agrees (${lw - lz >= 0 ? '+' : ''}${f3(lw - lz)})` : `does NOT (${f3(lw - lz)})`}.`);
    }
  }
  const fashion = find(spectra, 'fashion-dcgan', 'z', 'perceptual') ?? find(spectra, 'fashion-dcgan', 'z', 'mse');
  if (fashion?.homogeneity) lines.push(`- fashion-dcgan (${fashion.distance}): log C^H ${f3(fashion.homogeneity.log.mean)} ± ${f3(fashion.homogeneity.log.sd)} vs the paper's DCGAN 0.920 ± 0.028; linear ${f3(fashion.homogeneity.linear.mean)} vs 0.756.`);
  const linHigher = withH.filter((s) => s.homogeneity!.linear.mean > s.homogeneity!.log.mean).length;
  lines.push(`- Linear C^H exceeds log C^H in ${linHigher} of ${withH.length} of our cases (paper: 2 of its 13 image-GAN rows, StyleGAN2-Face512 Z and Face256 Z). The linear statistic is carried by the top few eigenvalues, the log one by the whole spectrum (A.7).`);
  return lines;
}

function isotropyText(spectra: SpectrumStudy[]): string[] {
  const mse = spectra.filter((s) => s.distance === 'mse');
  const lines: string[] = [];
  const ratios = spectra.map((s) => s.alpha.varianceRatio.mean);
  const zs = spectra.map((s) => s.alpha.maxAbsMeanZ);
  const holds = ratios.every((v) => v > 0.8 && v < 1.25) && zs.every((z) => z < 4);
  lines.push(`- ${holds ? 'The law holds on every model' : 'The law does NOT hold everywhere'}: mean variance ratio ${f3(Math.min(...ratios))} … ${f3(Math.max(...ratios))} (1 expected), largest |z| of a sample mean ${f2(Math.max(...zs))} over ${spectra.reduce((s, x) => s + x.samples, 0)} positions.`);
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

function grassmannText(gs: GrassmannStudy): string[] {
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

function scoreText(sc: ScoreStudy): string[] {
  const lines: string[] = [];
  const purest = [...sc.methods].sort((a, b) => b.purity - a.purity);
  lines.push(`- Mean purity of the top ${sc.top} directions: ${purest.map((m) => `${m.basis} ${f2(m.purity)}`).join(', ')} (1/6 = 0.17 would be no preference at all).`);
  for (const f of ['x', 'scale', 'hue']) {
    const j = sc.factors.indexOf(f);
    const byClarity = [...sc.methods].sort((a, b) => b.clarity[j] - a.clarity[j]);
    const byFixed = [...sc.methods].sort((a, b) => b.fixedClarity[j] - a.fixedClarity[j]);
    lines.push(`- ${f}: best share at each seed ${f2(byClarity[0].clarity[j])} (${byClarity[0].basis}), then ${f2(byClarity[1]?.clarity[j])} (${byClarity[1]?.basis}); with one fixed direction ${f2(byFixed[0].fixedClarity[j])} (${byFixed[0].basis} #${byFixed[0].fixedIndex[j]}). ${byClarity[0].clarity[j] >= 0.8 ? `A direction that moves ${f} almost alone exists.` : `No method isolates ${f}: its best direction gives it ${pct(byClarity[0].clarity[j], 1)} of the response.`}`);
  }
  const dom = sc.methods.map((m) => `${m.basis}: ${m.directions.map((d) => d.dominant).join(', ')}`);
  lines.push(`- Dominant factor of directions #0…#${sc.top - 1}: ${dom.join('; ')}.`);
  return lines;
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
