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
import { layerStudy, type LayerStudy } from './atlas/layers';
import { traverseStudy } from './atlas/traverse';
import { basesFor, type BasisName } from './atlas/bases';
import type { DistanceName } from '../src/distance';
import type { Generator } from '../src/model/generator';
import { findingsSection8, readInversionJson } from './inversionSummary';
import { findingsRealismSection, readRealismRuns } from './realismSummary';
import { controlsPlot, controlsSection, guidedMontage, jacobianPlot, jacobianSection, robustnessMontage, robustnessPlot, robustnessSection, runCompletion, travelPlot, travelSection, type Completion } from './findingsCompletion';
import { anisotropyText, f2, f3, grassmannText, homogeneityText, isotropyText, label, pct, scoreText, table, WANG_TAB2, WANG_TAB4, type ModelInfo } from './findingsText';

const QUICK = process.argv.includes('--quick');
const COUNTS = QUICK
  ? { spectrum: { mse: 2, perceptual: 2 }, alpha: 64, grassmann: 4, scoreSeeds: 1, scoreTop: 3, average: 2, completion: { travel: 1, controls: 2, jacobian: 10, robustness: { count: 24, reference: 200, guideSamples: 200, guided: 12 } } }
  : { spectrum: { mse: 16, perceptual: 8 }, alpha: 256, grassmann: 100, scoreSeeds: 8, scoreTop: 5, average: 8, completion: { travel: 4, controls: 8, jacobian: 100, robustness: { count: 500, reference: 2000, guideSamples: 2000, guided: 300 } } };
/** --quick writes to scratch/findings-quick/ (ignored by git) so that docs/ only ever holds a full run. */
const OUT = QUICK ? path.join(ROOT, 'scratch', 'findings-quick') : path.join(ROOT, 'docs');
const IMG = (name: string) => path.join(OUT, 'img', `findings-${name}.png`);
const imgRef = (name: string) => `img/findings-${name}.png`;
const t0 = performance.now();
const log = (msg: string) => process.stderr.write(`[findings ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);

interface Montage { id: string; rows: string[]; plot: Svg }

function infoOf(g: Generator): ModelInfo {
  return { id: g.manifest.id, style: g.isStyleBased, probe: g.manifest.probe, steps: (g.manifest.training as { steps?: number } | undefined)?.steps, hash: weightsHash(g), zDim: g.zDim, wDim: g.wDim };
}


// ── Analyses ─────────────────────────────────────────────────────────────────────────────────────

async function main() {
  await useBackend('wasm');
  const ids = bundledModels();
  const models: ModelInfo[] = [];
  const spectra: SpectrumStudy[] = [];
  const grassmanns: GrassmannStudy[] = [];
  const scores: ScoreStudy[] = [];
  const layers: LayerStudy[] = [];
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
      if (g.manifest.probe && FACTOR_PROBES.includes(g.manifest.probe)) {
        log(`score ${id} (${COUNTS.scoreSeeds} seeds, top ${COUNTS.scoreTop})`);
        const space = g.isStyleBased ? 'w' : 'z';
        scores.push(await scoreStudy(g, { seeds: COUNTS.scoreSeeds, seed: 100, top: COUNTS.scoreTop, space, averageSamples: COUNTS.average }));
        if (g.isStyleBased) {
          log(`layers ${id} (${COUNTS.scoreSeeds} seeds)`);
          layers.push(await layerStudy(g, { seeds: COUNTS.scoreSeeds, seed: 100 }));
        }
        log(`montage ${id}`);
        montages.push(await montage(g, space));
      }
    } finally {
      g.dispose();
    }
    if (tf.memory().numTensors > 0) log(`note: ${tf.memory().numTensors} tensors alive after ${id}`);
  }

  // Wang & Ponce Fig. 1 and A.8, Choi et al. Fig. 9 (scripts/findingsCompletion.ts).
  const completion = await runCompletion(ids, COUNTS.completion, log);

  log('plots');
  const plots: { plot: Svg; file: string }[] = [];
  plots.push({ plot: travelPlot(completion.travels), file: IMG('eigentravel') });
  plots.push({ plot: controlsPlot(completion.controls), file: IMG('controls') });
  for (const j of completion.jacobians) plots.push({ plot: jacobianPlot(j), file: IMG(`jacobian-${j.model}`) });
  for (const r of completion.robustness) {
    plots.push({ plot: robustnessPlot(r), file: IMG(`robustness-${r.model}`) }, { plot: robustnessMontage(r), file: IMG(`robustness-grid-${r.model}`) });
    const guided = guidedMontage(r);
    if (guided) plots.push({ plot: guided, file: IMG(`guided-${r.model}`) });
  }
  plots.push({ plot: spectraPlot(spectra), file: IMG('spectra') });
  plots.push({ plot: isotropyPlot(spectra), file: IMG('isotropy') });
  for (const gs of grassmanns) plots.push({ plot: grassmannPlot(gs), file: IMG(`grassmann-${gs.model}`) });
  for (const sc of scores) plots.push({ plot: scorePlot(sc), file: IMG(`factors-${sc.model}`) });
  for (const m of montages) plots.push({ plot: m.plot, file: IMG(`traverse-${m.id}`) });
  await renderSvgs(plots);

  const seconds = (performance.now() - t0) / 1000;
  const md = report({ models, spectra, grassmanns, scores, layers, montages, seconds, completion });
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'findings.md'), md);
  const strip = (s: SpectrumStudy) => ({ ...s, perSample: s.perSample.map(({ eigenvectors: _v, alphaSamples: _a, ...rest }) => rest), average: { ...s.average, eigenvectors: undefined } });
  fs.writeFileSync(path.join(OUT, 'findings.json'), JSON.stringify({ generated: new Date().toISOString(), counts: COUNTS, seconds, models, spectra: spectra.map(strip), grassmann: grassmanns, scores, layers: layers.map(({ perSeed: _p, ...rest }) => rest), completion: { ...completion, travels: completion.travels.map(({ perSeed: _p, ...rest }) => rest), robustness: completion.robustness.map(({ figure: _f, guidedFigure: _g, ...rest }) => rest) } }, null, 1) + '\n');
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
    caption: ['share = s_f² / Σ s² (mean over seeds); s_f = factor rate in fractions of its range', `per unit RMS image change; purity = mean over seeds of the largest share (1/${sc.factors.length} … 1)`],
  });
}

// ── The report ───────────────────────────────────────────────────────────────────────────────────

/** Probes that read the factors of a procedural data set (factorGroups.ts): their models get §5's scores. */
const FACTOR_PROBES = ['shapes-probe', 'faces-probe'];
/** The factors each data set's text discusses one by one (the questions issues 3 and 13 ask). */
const HIGHLIGHT: Record<string, string[]> = { 'shapes-probe': ['x', 'scale', 'hue'], 'faces-probe': ['smile', 'roll', 'hairHue', 'mouthOpen', 'skin'] };

function facesIntro(): string[] {
  const probeManifest = path.join(ROOT, 'public', 'models', 'probes', 'faces-probe', 'manifest.json');
  const held = fs.existsSync(probeManifest) ? (JSON.parse(fs.readFileSync(probeManifest, 'utf8')) as { training?: { heldOut?: Record<string, number> } }).training?.heldOut ?? {} : {};
  const r2 = Object.entries(held).filter(([key]) => key.startsWith('r2_')).map(([key, v]) => `${key.slice(3)} ${v.toFixed(2)}`).join(', ');
  return [
    'The faces model is scored the same way through the faces probe, which reads 13 continuous factors (src/data/faces.ts): head roll, face width, skin tone, hair hue and lightness, eye openness and spacing, gaze, smile (mouth curvature, frown ↔ smile), mouth openness, eyebrow height, background hue and the light side. Hue angles are (cos, sin) pairs (range one turn), every other factor is standardised to [−1, 1] (range 2). Hair style and glasses are categorical and not scored. Which method finds "smile"? The clarity columns answer it, the random row is the baseline.',
    '',
    ...(r2 ? [`Caveat: held-out R² of the faces probe on real renders: ${r2}; its reading of generated faces far from the data is less reliable.`, ''] : []),
  ];
}

const f2s = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '—');

/** §5's layer-range table per style model: where each factor lives (coarse, middle, fine) against the image-change control. */
function layersSection(studies: LayerStudy[]): string[] {
  const out = ['### Which style layers hold which factor? (beyond the papers)', '',
    'StyleGAN\'s claim (Karras et al. 2019, style mixing): coarse styles set pose and shape, middle ones features, fine ones the colour scheme. Here it is measured: for each range of style inputs, the W basis vectors are applied to those layers only (the edit of the app\'s layer control and `atlas traverse --layers`), and the probe\'s factor derivatives are summed over the whole W basis — ‖J_{f,R}‖²_F in fractions of the factor\'s range, no direction-finding method involved. A factor\'s share per range is its fraction of that energy; the control is each range\'s share of all image change (tr H_R, mse). "×" = the factor\'s share in its home range over that range\'s image share: > 1 means the factor is concentrated there beyond the range\'s weight in the image. (src/geometry/layerFactors.ts, `atlas layers`)', ''];
  for (const st of studies) {
    const ranges = Object.keys(st.imageShares);
    out.push(`#### \`${st.model}\` (${st.styleLayers} style inputs: ${ranges.map((r) => `${r} ${st.ranges[r][0]}–${st.ranges[r][1] - 1}`).join(', ')}; seeds ${st.seeds[0]}…${st.seeds.at(-1)})`, '');
    out.push(table(['factor', ...ranges, 'home', '×'], [
      ['*all image change*', ...ranges.map((r) => f2s(st.imageShares[r])), '', ''],
      ...st.factors.map((f) => [f, ...ranges.map((r) => f2s(st.factorShares[f][r])), st.home[f].range, f2s(st.home[f].concentration)]),
    ]), '');
    const byRange = ranges.map((r) => {
      const here = st.factors.filter((f) => st.home[f].range === r);
      return `${r}: ${here.length ? here.map((f) => `${f} ${Math.round(100 * st.home[f].share)} %`).join(', ') : 'no factor'}`;
    });
    out.push(`- Home range of each factor (its share there): ${byRange.join('; ')}.`);
    const colour = st.factors.filter((f) => /hue|hairLight|skin/i.test(f));
    if (colour.length) out.push(`- Colour factors: ${colour.map((f) => `${f} lives in the ${st.home[f].range} layers (${Math.round(100 * st.home[f].share)} %, ×${f2s(st.home[f].concentration)})`).join('; ')}.`);
    out.push('');
  }
  return out;
}

interface Results { models: ModelInfo[]; spectra: SpectrumStudy[]; grassmanns: GrassmannStudy[]; scores: ScoreStudy[]; layers: LayerStudy[]; montages: Montage[]; seconds: number; completion?: Completion }

function report(r: Results): string {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  push('# Findings: the papers\' analyses on our models', '',
    `Generated by \`npm run findings\` (scripts/findings.ts) on ${new Date().toISOString().slice(0, 10)} in ${(r.seconds / 60).toFixed(1)} min (wasm backend, Node).`,
    'Every number and every comparison below is computed by that run; re-run it after retraining a model. Raw numbers: [findings.json](findings.json).', '',
    table(['model', 'latent', 'training steps', 'weights (sha256 of the .bin shards)'], r.models.map((m) => [`\`${m.id}\``, m.style ? `z ${m.zDim} → w ${m.wDim}` : `z ${m.zDim}`, m.steps ?? '–', `\`${m.hash}\``])), '',
    `Sample counts: ${COUNTS.spectrum.mse} positions per spectrum (mse), ${COUNTS.spectrum.perceptual} (perceptual), ${COUNTS.alpha} random directions per position for α, ${COUNTS.grassmann} pairs per Grassmann curve, ${COUNTS.scoreSeeds} seeds × top ${COUNTS.scoreTop} directions for the factor scores, averaged metric over ${COUNTS.average} positions. The papers use hundreds to thousands of positions and 120–4096-d latents; ours are 32–64-d, so dims are compared as fractions of n.`,
    '', 'Metrics are exact (forward-mode Jacobians since issue 12 — batched double-VJP before, the same eigenvalues to ≤ 4e-7·λ₁ — and a float64 eigendecomposition). Wang & Ponce measure with LPIPS. Our `perceptual` distance is NOT LPIPS: it is an LPIPS-style distance (unit-normalised channels, squared differences averaged over positions) on the features of each model\'s own discriminator, trained with that generator — there is no pretrained LPIPS network here — so its numbers compare with the paper\'s only loosely. `mse` is the pixel distance.',
    'A z-space generator that pixel-normalises z (G(cz) = G(z), found below by its radial null direction) is compared with the paper\'s PGGAN row, which normalises z the same way, rather than with its DCGAN row, which does not.', '');

  // Anisotropy
  push('## 1. Anisotropy (Wang & Ponce Tab. 2)', '',
    'Number of top eigenvalues holding 99 % … 99.999 % of the eigenvalue sum, mean ± sd over positions (and for the averaged metric H̄), with the same as a fraction of n.', '');
  push(table(['model / space', 'distance', 'n', 'dim.99', 'dim.999', 'dim.9999', 'dim.99999', 'dim.99 of H̄', 'H̄ baseline: random frames / shared frame', 'dim.99 / n'],
    r.spectra.map((s) => [label(s), s.distance, s.n, ...s.anisotropy.mean.map((m, j) => `${m.toFixed(1)} ± ${s.anisotropy.sd[j].toFixed(1)}`), s.anisotropy.ofAverage[0], `${s.average.randomFrameDims[0]} / ${s.average.sharedFrameDims[0]}`, pct(s.anisotropy.mean[0], s.n)])), '');
  push('H̄ baselines: the same positions\' spectra averaged in independent Haar-random eigenframes (what H̄ would need if the top directions turned at random from place to place) and in one shared frame (the rank-wise mean spectrum: nothing turns).', '');
  push('Wang & Ponce (LPIPS):', '', table(['model', 'n', 'dim.99', 'dim.999', 'dim.9999', 'dim.99999', 'dim.99 / n'], WANG_TAB2.map((p) => [p.model, p.n, ...p.dims, pct(p.dims[0], p.n)])), '');
  push(`![normalised spectra](${imgRef('spectra')})`, '');
  push(...anisotropyText(r.spectra, r.models), '');
  if (r.completion) push(...controlsSection(r.completion, imgRef));

  // Homogeneity
  push('## 2. Homogeneity (Wang & Ponce Tab. 4)', '',
    'C^H_ij = corr(diag(UᵢᵀHⱼUᵢ), Λⱼ) over ordered pairs of positions i ≠ j, on log and linear scale (Eq. 5–6, rank pairing as in the authors\' code). The log scale leaves out eigenpairs below 10⁻¹⁰λ₁ of either metric: round-off zeros such as the radial null direction of a generator that normalises z, whose logs sit ~10 decades below the rest and would otherwise dominate the correlation.', '');
  push(table(['model / space', 'distance', 'positions', 'C^H log: mean', 'sd', 'C^H linear: mean', 'sd'],
    r.spectra.filter((s) => s.homogeneity).map((s) => [label(s), s.distance, s.samples, f3(s.homogeneity!.log.mean), f3(s.homogeneity!.log.sd), f3(s.homogeneity!.linear.mean), f3(s.homogeneity!.linear.sd)])), '');
  push('Wang & Ponce (LPIPS):', '', table(['model', 'log: mean', 'sd', 'linear: mean', 'sd'], WANG_TAB4.map((p) => [p.model, p.log[0], p.log[1], p.linear[0], p.linear[1]])), '');
  push(...homogeneityText(r.spectra, r.models), '');

  // Isotropy illusion
  push('## 3. The illusion of isotropy (Wang & Ponce A.6, Fig. 2D)', '',
    `α(v) = vᵀHv/vᵀv for Gaussian v is the squared speed of image change in a random direction, measured here through the network (one Jacobian-vector product per direction, ${COUNTS.alpha} directions per position), not drawn from the spectrum. Its law from the spectrum: E[α] = mean eigenvalue, Var[α] = 2/(n+2)·Var[λ]. Columns: sample mean / law mean and sample variance / law variance (both 1 if the law holds), the largest |z| of the mean over positions, and the spread of α (log10 of the 99th/1st percentile) against the spread of the eigenvalues (log10 λ₁/λ_min, round-off zeros below 10⁻¹⁰λ₁ excluded).`, '');
  push(table(['model / space', 'distance', 'E ratio', 'Var ratio', 'max |z|', 'α spread (decades)', 'λ spread (decades)', 'cv α', 'cv λ'],
    r.spectra.map((s) => [label(s), s.distance, `${f3(s.alpha.meanRatio.mean)} ± ${f3(s.alpha.meanRatio.sd)}`, `${f3(s.alpha.varianceRatio.mean)} ± ${f3(s.alpha.varianceRatio.sd)}`, f2(s.alpha.maxAbsMeanZ), f2(s.alpha.alphaDecades), f2(s.alpha.eigenDecades), f2(s.alpha.cvAlpha), f2(s.alpha.cvEigen)])), '');
  push(`![α of random directions vs eigenvalues](${imgRef('isotropy')})`, '', ...isotropyText(r.spectra), '');

  if (r.completion) push(...travelSection(r.completion, imgRef));

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

  if (r.completion) push(...jacobianSection(r.completion, imgRef), ...robustnessSection(r.completion, imgRef));

  // Factor scores
  push('## 5. Ground truth: which directions move which factor? (beyond the papers)', '',
    'For each basis\'s top directions at several positions, the shapes probe reads x, y, scale, rotation (cos/sin of the symmetric angle), hue (cos/sin) and background; a factor\'s rate is the norm of its targets\' derivative along the direction, divided by the RMS image change rate √(vᵀHv) (mse metric) and by the factor\'s full range (x, y, scale, background: the data set\'s range; hue and rotation: one full turn), i.e. "fractions of the factor\'s range per unit of RMS pixel change". Share = a factor\'s fraction of the squared rates; purity = the largest share (1: one factor; 1/F: all F factors equally). Clarity of a factor = mean over seeds of the best share any of the top directions gives it; "fixed" = the best share of ONE direction index used at every seed (what a global slider offers). Shape class is categorical and not scored. Metric and Local Basis directions are recomputed at each seed; average (H̄ over the prior samples of seed 1000), GANSpace, SeFa (all style layers for style models, output units normalised) and random (seeded Gaussian directions, orthonormalised: the baseline every other row must beat) are global — the same directions as the app\'s sliders and `atlas basis`. (src/geometry/factorScore.ts, src/geometry/bases.ts)', '');
  const probeManifest = path.join(ROOT, 'public', 'models', 'probes', 'shapes-probe', 'manifest.json');
  if (r.scores.length && fs.existsSync(probeManifest)) {
    const held = (JSON.parse(fs.readFileSync(probeManifest, 'utf8')) as { training?: { heldOut?: Record<string, number> } }).training?.heldOut ?? {};
    const r2 = Object.entries(held).filter(([key]) => key.startsWith('r2_')).map(([key, v]) => `${key.slice(3)} ${v.toFixed(2)}`).join(', ');
    push(`Caveat: the probe was trained on real shapes (held-out R²: ${r2}); on generated images far from the data its reading, and so its derivatives, can be unreliable — e.g. the hue of an almost invisible shape is undefined.`, '');
  }
  for (const sc of r.scores) {
    if (sc.probe === 'faces-probe') push(...facesIntro());
    push(`### \`${sc.model}\` (${sc.space.toUpperCase()}, seeds ${sc.seeds[0]}…${sc.seeds.at(-1)}, top ${sc.top})`, '');
    if (sc.factors.length <= 8) {
      push(table(['basis', 'purity', ...sc.factors.map((f) => `${f} clarity`), ...sc.factors.map((f) => `${f} fixed`)],
        sc.methods.map((m) => [m.basis, f2(m.purity), ...m.clarity.map(f2), ...m.fixedClarity.map((v, j) => `${f2(v)} (#${m.fixedIndex[j]})`)])), '');
    } else {
      // Many factors: one row per factor (a row per basis would be 2F columns wide), "clarity / fixed (#index)" per basis.
      push('Each cell: clarity / fixed clarity (#direction); the best basis per factor in bold.', '');
      push(table(['factor', ...sc.methods.map((m) => m.basis)], [
        ['*purity*', ...sc.methods.map((m) => f2(m.purity))],
        ...sc.factors.map((f, j) => {
          const best = Math.max(...sc.methods.filter((m) => m.basis !== 'random').map((m) => m.clarity[j]));
          return [f, ...sc.methods.map((m) => {
            const cellText = `${f2(m.clarity[j])} / ${f2(m.fixedClarity[j])} (#${m.fixedIndex[j]})`;
            return m.basis !== 'random' && m.clarity[j] === best ? `**${cellText}**` : cellText;
          })];
        }),
      ]), '');
    }
    push(`![factor shares of ${sc.model}](${imgRef(`factors-${sc.model}`)})`, '', ...scoreText(sc, HIGHLIGHT[sc.probe] ?? sc.factors.slice(0, 3)), '');
  }
  if (r.layers.length) push(...layersSection(r.layers));

  // Montages
  if (r.montages.length) {
    push('## 6. What the directions do', '');
    push('Frames along the first direction of each basis at one position (the caption under each montage says how far each row moves).', '');
    for (const m of r.montages) push(`![traversals of ${m.id}: ${m.rows.join(', ')}](${imgRef(`traverse-${m.id}`)})`, '');
  }
  push('## 7. Implicit likelihood (Ramesh & LeCun)', '',
    'Its own study, [likelihood.md](likelihood.md) (`npm run likelihood-study`): Algorithm 1 against the exact log-determinant over ε, degree, probes and both floors (clamp, shift); its gradient against the exact one; likelihood ascent by both gradients with the probe reading its images; the effective dimension v_eff(τ).', '');
  // The inversion study's own numbers (docs/inversion.json) beside the papers'; the study refreshes this section too.
  push(...findingsSection8(readInversionJson(path.join(ROOT, 'docs'))));
  // The steerability study's summary (docs/steerability-summary.md, written with docs/steerability.md from
  // scripts/steer-study.sh and steer-table.ts): kept verbatim so a findings run does not drop it.
  const steer = path.join(ROOT, 'docs', 'steerability-summary.md');
  if (fs.existsSync(steer)) push(fs.readFileSync(steer, 'utf8').trimEnd(), '');
  // Wen et al.'s realism against truncation, from the `atlas realism` outputs in docs/realism/ (scripts/realism-findings.ts refreshes it alone).
  push(...findingsRealismSection(readRealismRuns(path.join(ROOT, 'docs')), path.join(ROOT, 'docs')));
  push('## Reproduce', '', '```', 'npm run findings', 'npm run atlas -- spectrum --model shapes-style --space w --samples 16', 'npm run atlas -- grassmann --model shapes-style --samples 100', 'npm run atlas -- score --model shapes-style --seeds 8 --top 5', 'npm run atlas -- traverse --model shapes-style --seed 101 --basis local --range 2 --curve 4 --png out.png', '```', '');
  return out.join('\n');
}


main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
