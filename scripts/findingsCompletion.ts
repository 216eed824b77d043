/**
 * The findings' controls and the papers' figures that issue 11 asked to complete: Wang & Ponce Fig. 1
 * (image change along top vs bottom eigenvectors), A.8 (untrained and weight-shuffled generators beside
 * the anisotropy table) and Choi et al. Fig. 9 (the mapping Jacobian's singular values vs a random
 * matrix) — and Choi et al.'s robustness test (§3.3, Fig. 3–4) with their guided and stochastic traversal
 * (§3.4, App. H). Run, plotted and written here so scripts/findings.ts only calls a few functions.
 */
import { grid, histogramPlot, imageMontage, linePlot, row, COLORS, type Svg } from './lib/plot';
import { openModelId } from './atlas/common';
import { controlsStudy, type ControlsStudy } from './atlas/controls';
import { eigenTravelStudy, type EigenTravelStudy } from './atlas/eigenTravel';
import { jacobianSpectrumStudy, type JacobianSpectrumStudy } from './atlas/jacobianSpectrum';
import { figurePng, GUIDE_VARIANTS, METHOD_LABEL, robustnessStudy, ROBUST_METHODS, VARIANT_LABEL, type GuidedRow, type GuideVariant, type RobustnessStudy } from './atlas/robustness';
import { f1, f2, f3, pct, table } from './findingsText';

/** robustness: traversed images per intensity and method, the real reference, the guide's samples and the guided samples. */
export interface CompletionCounts { travel: number; controls: number; jacobian: number; robustness: { count: number; reference: number; guideSamples: number; guided: number } }
export interface Completion { travels: EigenTravelStudy[]; controls: ControlsStudy[]; jacobians: JacobianSpectrumStudy[]; robustness: RobustnessStudy[]; counts: CompletionCounts }

const e2 = (v: number) => (Number.isFinite(v) ? v.toExponential(2) : '–');

export async function runCompletion(ids: string[], counts: CompletionCounts, log: (msg: string) => void): Promise<Completion> {
  const out: Completion = { travels: [], controls: [], jacobians: [], robustness: [], counts };
  for (const id of ids) {
    const g = await openModelId(id);
    const spaces: ('z' | 'w')[] = g.isStyleBased ? ['z', 'w'] : ['z'];
    try {
      for (const space of spaces) {
        log(`eigen travel ${id} ${space} (${counts.travel} positions)`);
        out.travels.push(await eigenTravelStudy(g, { seeds: counts.travel, seed: 0, space }));
      }
      if (g.isStyleBased) {
        log(`jacobian spectrum ${id} (${counts.jacobian} z)`);
        out.jacobians.push(jacobianSpectrumStudy(g, { samples: counts.jacobian, seed: 0 }));
        if (g.manifest.probe) {
          const r = counts.robustness;
          log(`robustness ${id} (${r.count} images per intensity and method, guided ${r.guided})`);
          out.robustness.push(await robustnessStudy(g, { count: r.count, reference: r.reference, guideSamples: r.guideSamples, guidedCount: r.guided, seed: 0, log: (m) => log(`  ${m}`) }));
        }
      }
    } finally {
      g.dispose();
    }
    for (const space of spaces) {
      log(`controls ${id} ${space} (${counts.controls} positions × trained, untrained, shuffled)`);
      out.controls.push(await controlsStudy(id, { samples: counts.controls, seed: 0, space }));
    }
  }
  return out;
}

// ── Plots ────────────────────────────────────────────────────────────────────────────────────────

/** Fig. 1's line plots: measured change (solid) and √λ·|t| (dashed) per rank, at the first position. */
export function travelPlot(studies: EigenTravelStudy[]): Svg {
  return grid(studies.map((s) => {
    const e = s.perSeed[0];
    const top = Math.max(...e.measured.flat());
    return linePlot({
      title: `${s.model} ${s.space.toUpperCase()} (seed ${s.seeds[0]})`, xLabel: `t along uᵢ (units of ${s.space === 'z' ? 'z' : `w spread ${s.unit.toFixed(2)}`})`, yLabel: 'image change (RMS, mse)',
      width: 440, height: 320, legend: 'top-left', yDomain: [0, top * 1.25],
      // Every rank's measured curve; the prediction (dashed) for the top and bottom ranks only, to keep the legend short.
      series: [
        ...e.ranks.map((rank, k) => ({ name: `#${rank + 1} λ=${e2(e.eigenvalues[k])}`, x: s.t, y: e.measured[k], color: COLORS[k % COLORS.length], points: true })),
        ...[0, e.ranks.length - 1].map((k) => ({ name: `√λ·|t| #${e.ranks[k] + 1}`, x: s.t, y: e.predicted[k], color: COLORS[k % COLORS.length], dash: true })),
      ],
    });
  }), 2);
}

/** A.8 / Fig. 7: median spectrum per variant (raw λ, log scale) per model and space. */
export function controlsPlot(studies: ControlsStudy[]): Svg {
  return grid(studies.map((c) => {
    const top = Math.max(...c.rows.map((r) => r.medianSpectrum[0]));
    return linePlot({
      title: `${c.model} ${c.space.toUpperCase()}: median spectrum (mse)`, xLabel: 'eigenvalue rank', yLabel: 'λ (values < 10⁻⁸·max drawn at the bottom)', logY: true, width: 440, height: 320, legend: 'bottom-left',
      yDomain: [top * 1e-8, top * 2],
      series: c.rows.map((r) => ({ name: `${r.variant} (dim.99 ${r.dims[0].toFixed(0)}/${r.n})`, x: r.medianSpectrum.map((_, k) => k + 1), y: r.medianSpectrum.map((l) => Math.max(l, top * 1e-8)) })),
    });
  }), 2);
}

/** Fig. 9: pooled σ of df_z vs the matched Gaussian matrices, on a linear and a log axis. */
export function jacobianPlot(s: JacobianSpectrumStudy): Svg {
  const sets = [{ name: `σ of df_z (${s.seeds.length} z)`, values: s.jacobian.flat() }, { name: `σ of Gaussian ${s.wDim}×${s.zDim} (${s.random.length})`, values: s.random.flat() }];
  return row([
    histogramPlot({ title: `${s.model}: singular values`, xLabel: 'σ', sets, bins: 40, width: 440, height: 300, legend: 'top-right' }),
    histogramPlot({ title: `${s.model}: singular values (log)`, xLabel: 'σ (log scale)', sets, bins: 40, logX: true, floor: 1e-6, width: 440, height: 300, legend: 'top-left' }),
  ]);
}

// ── Text ─────────────────────────────────────────────────────────────────────────────────────────

const label = (s: { model: string; space: string }) => `${s.model} ${s.space.toUpperCase()}`;
/** A round-off zero eigenvalue of a travel study (below 10⁻¹⁰ of its top one, as the spectrum study's threshold). */
const isNull = (s: EigenTravelStudy, eigenvalue: number) => eigenvalue < 1e-10 * s.summary[0].eigenvalue;

/** Beside §1: the untrained and shuffled controls (Wang & Ponce A.8). */
export function controlsSection(c: Completion, imgRef: (name: string) => string): string[] {
  if (!c.controls.length) return [];
  const out = ['### Controls: untrained and weight-shuffled generators (Wang & Ponce A.8, Fig. 7)', '',
    `The same spectrum summary (mse, exact metric, ${c.counts.controls} positions, the same seeds) for each generator as trained, as exported by the trainer before its first step (\`checkpoints/<id>/untrained/\`), and with every weight tensor of the generator shuffled within itself (a seeded permutation: each tensor keeps its exact values; src/model/shuffleWeights.ts, as in the paper's control). mse because the untrained exports ship no discriminator; the paper uses LPIPS. λ₁ and λ̄ = tr H/n are medians over positions; λ₁/λ̄ says how far the top direction stands out (1 for an isotropic metric).`, ''];
  out.push(table(['model / space', 'variant', 'n', 'dim.99', 'dim.999', 'dim.99 / n', 'λ₁', 'λ̄', 'λ₁/λ̄', 'C^H log'],
    c.controls.flatMap((s) => s.rows.map((r) => [label(s), r.variant, r.n, r.dims[0].toFixed(1), r.dims[1].toFixed(1), pct(r.dims[0], r.n), e2(r.topEigenvalue), e2(r.meanEigenvalue), f2(r.topOverMean), r.homogeneityLog === null ? '–' : f3(r.homogeneityLog)]))), '');
  out.push(`![spectra of trained, untrained and shuffled generators](${imgRef('controls')})`, '');
  out.push('Wang & Ponce report this control as figures, without a table: shuffled GANs have "a flatter spectrum and a smaller top eigenvalue" (Fig. 7), and their homogeneity statistic gives mixed results on shuffled networks (strong in some, near zero in others), which they attribute to C^H mixing homogeneity with anisotropy.', '');
  const checks = c.controls.flatMap((s) => {
    const t = s.rows.find((r) => r.variant === 'trained')!;
    return s.rows.filter((r) => r.variant !== 'trained').map((r) => ({ s, r, flatter: r.dims[0] > t.dims[0], smaller: r.topEigenvalue < t.topEigenvalue, t }));
  });
  for (const variant of ['shuffled', 'untrained'] as const) {
    const mine = checks.filter((x) => x.r.variant === variant);
    if (!mine.length) continue;
    out.push(`- ${variant === 'shuffled' ? 'Shuffled' : 'Untrained'}: flatter spectrum (larger dim.99) than trained in ${mine.filter((x) => x.flatter).length} of ${mine.length} model/space cases, smaller λ₁ in ${mine.filter((x) => x.smaller).length} of ${mine.length}; dim.99 trained → ${variant}: ${mine.map((x) => `${label(x.s)} ${x.t.dims[0].toFixed(1)} → ${x.r.dims[0].toFixed(1)} of ${x.r.n}`).join(', ')}.`);
  }
  const all = checks.filter((x) => x.r.variant === 'shuffled');
  if (all.length) {
    const notFlatter = all.filter((x) => !x.flatter), notSmaller = all.filter((x) => !x.smaller);
    const ratio = all.map((x) => x.r.dims[0] / x.t.dims[0]);
    out.push(`- Flatter: ${notFlatter.length === 0 ? `carries over — every shuffled control needs more dimensions for 99 % of the sum (${f2(Math.min(...ratio))}–${f2(Math.max(...ratio))}× the trained dim.99), so the anisotropy of §1 is learnt, not a property of the architecture or of the weights' distribution` : `does not carry over for ${notFlatter.map((x) => label(x.s)).join(', ')}`}. ` +
      `Smaller λ₁: ${notSmaller.length === 0 ? 'carries over in every case' : `holds except for ${notSmaller.map((x) => `${label(x.s)} (${e2(x.t.topEigenvalue)} trained, ${e2(x.r.topEigenvalue)} shuffled)`).join(', ')}`} — the raw λ₁ also moves with the network's overall gain, which shuffling keeps only roughly; λ₁/λ̄ is the scale-free reading.`);
  }
  const hom = checks.filter((x) => x.r.homogeneityLog !== null && x.t.homogeneityLog !== null);
  if (hom.length) out.push(`- C^H log, trained → control: ${hom.map((x) => `${label(x.s)} ${x.r.variant} ${f2(x.t.homogeneityLog!)} → ${f2(x.r.homogeneityLog!)}`).join(', ')}. As the paper warns, near-isotropic controls make this statistic hard to read (with a flat spectrum there is little for the correlation to rank).`);
  // A control with a round-off null eigenvalue where the trained network has none: at initialisation every bias is 0,
  // so a bias-free first layer, a leaky ReLU and a pixel norm make G(cz) = G(z) for c > 0 (a radial null direction).
  const nullRows = c.controls.flatMap((s) => s.rows.filter((r) => r.variant !== 'trained' && r.medianSpectrum[r.n - 1] < 1e-10 * r.medianSpectrum[0]
    && !s.rows.some((t) => t.variant === 'trained' && t.medianSpectrum[t.n - 1] < 1e-10 * t.medianSpectrum[0])).map((r) => `${label(s)} ${r.variant}`));
  if (nullRows.length) out.push(`- ${nullRows.join(', ')}: one round-off zero eigenvalue the trained network does not have (the drop at the last rank in the plot). The untrained exports have all biases 0, so a first layer without bias, a leaky ReLU and a pixel norm make the generator scale-invariant in z (G(cz) = G(z), c > 0): the radial direction is null until training moves the biases. dim.99 is barely affected (one dimension).`);
  const noted = new Set<string>();
  for (const s of c.controls) {
    if (noted.has(s.model)) continue;
    noted.add(s.model);
    if (s.untrainedArchitecture === 'missing') out.push(`- \`${s.model}\`: no untrained export in checkpoints/${s.model}/untrained/; only the shuffled control is shown.`);
    else if (s.untrainedArchitecture !== 'matches') out.push(`- \`${s.model}\`: the committed untrained export is NOT the shipped architecture (${s.untrainedArchitecture}): it is the step-0 export of a later retrain that was not shipped, so its row is an untrained network of the same family and resolution, not the shipped network before training. The shuffled row is the like-for-like control.`);
  }
  out.push('');
  return out;
}

/** Wang & Ponce Fig. 1: the measured change along single eigenvectors. */
export function travelSection(c: Completion, imgRef: (name: string) => string): string[] {
  if (!c.travels.length) return [];
  const s0 = c.travels[0];
  const out = ['## 3a. Image change along top vs bottom eigenvectors (Wang & Ponce Fig. 1)', '',
    `At ${c.counts.travel} position(s) per model and space, the latent moves by t along single unit eigenvectors uᵢ of the mse metric — ranks #1–#3, the middle and the bottom two — over the same latent distances for every rank, |t| ≤ ${Math.max(...s0.t)} in units of the prior's spread per coordinate (Z: 1; W: the RMS sd of w's coordinates), and the image change √(2d²) (RMS pixel difference in units of the output range) is measured against the first-order prediction √λᵢ·|t| (src/geometry/eigenTravel.ts). "ratio" = measured / predicted, at |t| = 0.05 (linear regime) and at the end of the range (means over positions).`, ''];
  out.push(table(['model / space', 'rank', 'λ', 'measured at ±T', '√λ·T', 'ratio |t|=0.05', 'ratio at T'],
    c.travels.flatMap((s) => s.summary.map((r) => {
      const nul = isNull(s, r.eigenvalue);
      return [label(s), `#${r.rank + 1}${nul ? ' (null)' : ''}`, e2(r.eigenvalue), f3(r.measuredAtEnd), f3(r.predictedAtEnd), nul ? '–' : f2(r.ratioNear), nul ? '–' : f2(r.ratioEnd)];
    }))), '');
  out.push('"(null)": a round-off zero eigenvalue (< 10⁻¹⁰λ₁), the radial direction of a mapping that pixel-normalises z; the image does not move along it (to first order, and exactly while the norm stays positive), so it has no ratio and is left out of the top-vs-bottom comparison below.', '');
  out.push(`![image change vs travel along eigenvectors](${imgRef('eigentravel')})`, '');
  out.push('Wang & Ponce show this as line plots under their montages (LPIPS, BigGAN and StyleGAN2) without numbers: the image changes at very different rates along different eigenvectors, fast along the top ones, hardly along the bottom ones.', '');
  for (const s of c.travels) {
    const live = s.summary.filter((r) => !isNull(s, r.eigenvalue));
    const top = live[0], bottom = live[live.length - 1];
    const linear = live.filter((r) => Math.abs(r.ratioNear - 1) < 0.1).length;
    out.push(`- ${label(s)}: at |t| = T the top eigenvector changes the image ${f2(top.measuredAtEnd / bottom.measuredAtEnd)}× as much as the lowest non-null one, #${bottom.rank + 1} (first order predicts √(λ₁/λ) = ${f2(Math.sqrt(top.eigenvalue / bottom.eigenvalue))}); the prediction holds within 10 % at |t| = 0.05 for ${linear} of ${live.length} non-null ranks, and at T the top direction reaches ${f2(top.ratioEnd)} of its linear prediction${top.ratioEnd < 0.8 ? ' (the image saturates: it cannot keep moving at the initial rate)' : ''}, the bottom one ${f2(bottom.ratioEnd)}${bottom.ratioEnd > 1.5 ? ' (second-order change outgrows its tiny first-order rate)' : ''}.`);
  }
  out.push('', 'What carries over: the ordering — top eigenvectors move the image far more than bottom ones over the same latent distance. What the local metric does not give: the size of the difference over the prior\'s range, which is much smaller than √(λ₁/λ_n) because top directions saturate and bottom ones bend.', '');
  return out;
}

/** Choi et al. Fig. 9: singular values of df_z vs a random matrix. */
export function jacobianSection(c: Completion, imgRef: (name: string) => string): string[] {
  if (!c.jacobians.length) return [];
  const out = ['### Singular values of the mapping\'s Jacobian vs a random matrix (Choi et al. Fig. 9)', '',
    `σᵢ of df_z (the Local Basis SVD, src/geometry/localBasis.ts) at ${c.counts.jacobian} prior z, pooled, against as many Gaussian matrices of the same shape whose entries have the Jacobians' pooled mean and sd (the paper's control; src/geometry/jacobianSpectrum.ts). Summaries are means over matrices: share of σ below 10 % of that matrix's σ_max, σ_min/σ_max, and the participation ratio (Σσ²)²/Σσ⁴ (effective number of directions, r = min(dW, dZ) if all σ are equal).`, ''];
  out.push(table(['model', 'J', 'entries mean / sd', 'σ 10 / 50 / 90 %: df_z', 'random', 'σ < 0.1σ_max: df_z', 'random', 'σ_min/σ_max: df_z', 'random', 'eff. rank: df_z', 'random'],
    c.jacobians.map((s) => [s.model, `${s.wDim}×${s.zDim}`, `${e2(s.moments.mean)} / ${e2(s.moments.sd)}`, s.quantiles.jacobian.map(f3).join(' / '), s.quantiles.random.map(f3).join(' / '),
      pct(s.summary.jacobian.shareBelowTenth, 1), pct(s.summary.random.shareBelowTenth, 1), e2(s.summary.jacobian.minOverMax), f3(s.summary.random.minOverMax), f2(s.summary.jacobian.effectiveRank), f2(s.summary.random.effectiveRank)])), '');
  for (const s of c.jacobians) out.push(`![singular values of df_z of ${s.model}](${imgRef(`jacobian-${s.model}`)})`, '');
  out.push('Choi et al. (StyleGAN2 FFHQ, 512×512 Jacobian; histogram, no numbers): a sharp peak of σ near zero for df_z, none for the random matrix — most linear perturbations of z collapse in W, their evidence that f(Z) is a thin manifold in W.', '');
  for (const s of c.jacobians) {
    const j = s.summary.jacobian, r = s.summary.random;
    const holds = j.shareBelowTenth > r.shareBelowTenth + 0.2 && j.effectiveRank < 0.5 * r.effectiveRank;
    out.push(`- \`${s.model}\`: ${pct(j.shareBelowTenth, 1)} of df_z's σ lie below a tenth of its largest (random: ${pct(r.shareBelowTenth, 1)}); effective rank ${f2(j.effectiveRank)} of ${Math.min(s.wDim, s.zDim)} (random: ${f2(r.effectiveRank)}). ${holds ? 'The paper\'s observation carries over.' : 'The paper\'s contrast does not show clearly here.'}${j.minOverMax < 1e-6 ? ' Its smallest σ is a round-off zero: the mapping pixel-normalises z, so the radial direction maps to nothing (one of the collapsed directions is by construction, the rest are learnt or architectural).' : ''}`);
  }
  out.push('');
  return out;
}

// ── Choi et al. §3.3–3.4: robustness, guided and stochastic traversal ───────────────────────────

const levelsOf = (s: RobustnessStudy) => [0, ...s.levels];
/** y at x by linear interpolation over increasing xs (clamped at the ends). */
function interpolate(xs: number[], ys: number[], x: number): number {
  if (x <= xs[0]) return ys[0];
  for (let i = 1; i < xs.length; i++) if (x <= xs[i]) return ys[i - 1] + ((ys[i] - ys[i - 1]) * (x - xs[i - 1])) / (xs[i] - xs[i - 1]);
  return ys[ys.length - 1];
}
const levelText = (v: number) => (v === 0 ? '0' : `${v}R`);

/** Fig. 4: FD against I/R, one line per method, the 1st and 2nd direction side by side. */
export function robustnessPlot(s: RobustnessStudy): Svg {
  // One log axis for both panels, with a decade of headroom above the highest point for the legend.
  const all = [s.floorFd, s.baselineFd, ...s.curves.flatMap((cv) => cv.fd)].filter((v) => v > 0);
  const yDomain: [number, number] = [10 ** Math.floor(Math.log10(Math.min(...all))), 10 ** Math.ceil(Math.log10(Math.max(...all)) + 0.8)];
  return row([0, 1].map((k) => linePlot({
    yDomain,
    title: `${s.model}: direction #${k + 1} (${s.count} images per point)`, xLabel: `intensity I (units of R = mean ‖w − w̄‖ = ${f2(s.unit)})`, yLabel: 'probe Fréchet distance to real (log)',
    logY: true, width: 460, height: 340, legend: 'top-left',
    series: [
      ...ROBUST_METHODS.map((m, j) => ({ name: METHOD_LABEL[m], x: levelsOf(s), y: [s.baselineFd, ...s.curves.find((c) => c.method === m && c.direction === k)!.fd], color: COLORS[j], points: true, dash: m === 'random' })),
      { name: 'real vs real (floor)', x: [0, Math.max(...s.levels)], y: [s.floorFd, s.floorFd], color: '#888', dash: true },
    ],
  })));
}

/** Fig. 3: one sample, rows = direction × method, columns = increasing I. */
export function robustnessMontage(s: RobustnessStudy): Svg {
  const png = figurePng(s, s.figure!, 2);
  return imageMontage({ title: `${s.model}: one sample along each method's 1st and 2nd direction`, png: png.data, width: png.width, height: png.height, rowLabels: s.figure!.rows, labelWidth: 150,
    note: [`Columns: I = ${levelsOf(s).map(levelText).join(', ')} (R = ${f2(s.unit)}).`, `Linear traversal w + I·v, except Curve-Traversal (path length I, pieces of ${f2(0.25 * s.unit)}).`] });
}

/** Fig. 7 / 14: one sample along the guide, rows = variants, columns = path positions 0 … I. */
export function guidedMontage(s: RobustnessStudy): Svg | null {
  if (!s.guided || !s.guidedFigure) return null;
  const png = figurePng(s, s.guidedFigure, 3);
  return imageMontage({ title: `${s.model}: guided by the ${s.guided.target} direction, I = ${s.guided.level}R`, png: png.data, width: png.width, height: png.height, rowLabels: s.guidedFigure.rows, labelWidth: 230,
    note: [`Columns: path length 0, ¼, ½, ¾, 1 of I = ${f2(s.guided.level * s.unit)}.`] });
}

/** Beside §4: Choi et al.'s robustness test (Fig. 3–4) and guided / stochastic Curve-Traversal (§3.4, App. H). */
export function robustnessSection(c: Completion, imgRef: (name: string) => string): string[] {
  if (!c.robustness.length) return [];
  const r0 = c.robustness[0];
  const out = ['### Robustness of traversals: image quality vs intensity (Choi et al. §3.3, Fig. 3–4)', '',
    `\`atlas robustness\` (scripts/atlas/robustness.ts). Each of ${r0.count} prior samples (seed ${r0.seed}) is moved in W by the perturbation intensity I — the traversal's path length in W, as in the paper — along the 1st and the 2nd direction of GANSpace (PCA of 2000 w), SeFa (all style affines, units normalised), its own Local Basis (linear: w + I·v), and Iterative Curve-Traversal departing along the same Local Basis vector (src/geometry/curveTraversal.ts, Algorithm 2; pieces of 0.25R, every intensity a point of one curve). Control: a unit random W direction, fresh for each sample. Sign: even samples travel +v, odd ones −v (both signs, half the samples each; SVD and PCA signs are arbitrary anyway). Quality: Fréchet distance in the probe's 64-d feature space (the paper's FID) of the ${r0.count} traversed images per intensity and method to ${r0.reference} real renders; the floor is ${r0.count} other real renders against the same reference (FD is biased upward at small N, so all sets have the same N), and I = 0 is the untraversed samples.`, '',
    `Scale: the paper goes to I = 12 in StyleGAN2-FFHQ's W, whose scale differs from ours, so I is given in units of R = mean ‖w − w̄‖ over 2000 samples: ${c.robustness.map((s) => `${s.model} R = ${f2(s.unit)} (per-coordinate sd ${f3(s.coordSd)}, √dW·sd = ${f2(s.coordSd * Math.sqrt(s.wDim))})`).join('; ')}. We go to I = ${Math.max(...r0.levels)}R.`, ''];
  const cols = levelsOf(r0);
  out.push(table(['model', 'direction', 'method', ...cols.map((v) => `FD at I = ${levelText(v)}`), 'chord / I at the end'],
    c.robustness.flatMap((s) => [
      ...s.curves.map((cv) => [s.model, `#${cv.direction + 1}`, METHOD_LABEL[cv.method], f1(s.baselineFd), ...cv.fd.map(f1), f2(cv.chordRatio.at(-1)!)]),
      [s.model, '–', 'real vs real (floor)', ...cols.map(() => f1(s.floorFd)), '–'],
    ])), '');
  out.push('"chord / I": mean ‖w_I − w₀‖ / I — 1 for a straight line; below 1 where Curve-Traversal bends (its path length is I, its endpoint nearer).', '');
  for (const s of c.robustness) out.push(`![FD vs intensity, ${s.model}](${imgRef(`robustness-${s.model}`)})`, '', `![one sample along each method, ${s.model}](${imgRef(`robustness-grid-${s.model}`)})`, '');
  out.push('Choi et al. (StyleGAN2-FFHQ, FID of 10,000 traversed images per intensity, I = 0 … 12; Fig. 4 is a plot, the text gives no values): the global methods (GANSpace, SeFa) have small FID under small perturbations, but their FID rises sharply with I — the images collapse (Fig. 3) — while the Local Basis has much smaller FID, with and without Iterative Curve-Traversal, and the curve is the more stable of the two ("stronger tracing to the latent manifold"). The paper has no random-direction control.', '');
  const top = r0.levels.length - 1;
  const verdicts: string[] = [];
  for (const s of c.robustness) for (const k of [0, 1]) {
    const fd = (m: string) => s.curves.find((cv) => cv.method === m && cv.direction === k)!.fd;
    const glob = Math.min(fd('ganspace')[top], fd('sefa')[top]);
    const [lb, cu, rnd] = [fd('local')[top], fd('curve')[top], fd('random')[top]];
    const order = [...ROBUST_METHODS].sort((a, b) => fd(a)[top] - fd(b)[top]).map((m) => `${METHOD_LABEL[m]} ${f1(fd(m)[top])}`).join(' < ');
    const small = r0.levels.indexOf(0.5);
    const smallNote = small >= 0 ? ` At I = 0.5R: ${ROBUST_METHODS.map((m) => `${METHOD_LABEL[m]} ${f1(fd(m)[small])}`).join(', ')} (I = 0: ${f1(s.baselineFd)}).` : '';
    verdicts.push(`${s.model} #${k + 1}`);
    out.push(`- \`${s.model}\` direction #${k + 1}, at I = ${levelText(s.levels[top])}: ${order} (untraversed ${f1(s.baselineFd)}, floor ${f1(s.floorFd)}). Local Basis ${lb < glob ? 'below' : 'NOT below'} both global methods (${f1(lb)} vs ${f1(glob)}); Curve-Traversal ${cu < lb ? 'below' : 'NOT below'} the linear Local Basis (${f1(cu)}); the random control ${rnd < lb ? 'below the Local Basis' : rnd < glob ? 'between the Local Basis and the global methods' : 'above both global methods'} (${f1(rnd)}).${smallNote}`);
  }
  const cases = c.robustness.flatMap((s) => [0, 1].map((k) => {
    const at = (m: string) => s.curves.find((cv) => cv.method === m && cv.direction === k)!.fd[top];
    return { lbBelowGlobal: at('local') < Math.min(at('ganspace'), at('sefa')), curveBelowLb: at('curve') < at('local'), curveLowest: ROBUST_METHODS.every((m) => m === 'curve' || at('curve') <= at(m)), randomBelowLb: at('random') < at('local') };
  }));
  const count = (f: (x: (typeof cases)[number]) => boolean) => cases.filter(f).length;
  out.push('', `Over the ${cases.length} model × direction cases at I = ${levelText(r0.levels[top])}: the Local Basis is below both global methods in ${count((x) => x.lbBelowGlobal)}, Curve-Traversal below the linear Local Basis in ${count((x) => x.curveBelowLb)} and lowest of all methods in ${count((x) => x.curveLowest)}; a random W direction is below the linear Local Basis in ${count((x) => x.randomBelowLb)}.`, '');
  // The curve at I_top against the linear Local Basis at the same displacement ‖w_I − w₀‖ = chord·I_top (FD interpolated in I).
  const equal = c.robustness.flatMap((s) => [0, 1].map((k) => {
    const cv = s.curves.find((x) => x.method === 'curve' && x.direction === k)!, lb = s.curves.find((x) => x.method === 'local' && x.direction === k)!;
    const at = cv.chordRatio[top] * s.levels[top];
    return { name: `${s.model} #${k + 1}`, curve: cv.fd[top], at, local: interpolate(levelsOf(s), [s.baselineFd, ...lb.fd], at) };
  }));
  const n = cases.length;
  const allCurve = count((x) => x.curveLowest) === n;
  out.push('What carries over and what does not:',
    `- ${allCurve ? 'Curve-Traversal has the lowest FD of all methods at the largest intensity in every case, as the paper finds' : `Curve-Traversal has the lowest FD at the largest intensity in ${count((x) => x.curveLowest)} of ${n} cases (the paper: the most stable)`}. Part of that is geometry, not only "staying on the manifold": its endpoint is nearer the start (chord / I in the table), so at equal path length it has moved less far in W than any linear traversal. Against the linear Local Basis at the same displacement (I = chord · ${levelText(r0.levels[top])}, FD interpolated): ${equal.map((e) => `${e.name} curve ${f1(e.curve)} vs linear ${f1(e.local)} at ${f2(e.at)}R`).join('; ')} — the curve is lower in ${equal.filter((e) => e.curve < e.local).length} of ${equal.length}.`,
    `- The linear Local Basis beats both global methods at the largest intensity in ${count((x) => x.lbBelowGlobal)} of ${n} cases (the paper: always, by far). It is a tangent of f(Z) at w only; the straight line leaves f(Z) as the manifold curves, so far out it degrades too. The random-direction control — which the paper does not show — is the fair baseline for "leaving the manifold": our W has dZ < dW (32 → 64, 64 → 128), so f(Z) has at most dZ − 1 dimensions (the mapping pixel-normalises z, so the radial direction of Z is null and is never followed: Curve-Traversal skips σ ≤ 10⁻⁶σ₁) and a random W direction points mostly off it; it is below the linear Local Basis in ${count((x) => x.randomBelowLb)} of ${n} cases.`,
    '- The probe Fréchet distance is not FID: a 64-d feature space of a small probe trained on the renders; the untraversed samples already sit well above the floor (the generators are imperfect), so the rise over I = 0 is the comparable quantity, not the absolute values.',
    '');

  const guided = c.robustness.filter((s) => s.guided);
  if (!guided.length) return out;
  const g0 = guided[0].guided!;
  out.push('### Guided and stochastic Curve-Traversal (Choi et al. §3.4, Fig. 7; App. H, Fig. 14–15)', '',
    `There is no StyleCLIP here, but the probe is ground truth. The guide is a global W direction that moves a known factor (src/geometry/factorGuide.ts): the mean w of the quarter of ${g0.guideFit.samples} prior samples the probe reads highest on the factor minus the mean w of the lowest quarter, unit length (${guided.map((s) => `${s.model}: ${s.guided!.target}, read ${f2(s.guided!.guideFit.low)} vs ${f2(s.guided!.guideFit.high)} in the two quarters, |cos| with GANSpace #1/#2 ${s.guided!.cosGlobal.ganspace.map(f2).join('/')}, SeFa #1/#2 ${s.guided!.cosGlobal.sefa.map(f2).join('/')}`).join('; ')}). ` +
    `The first ${g0.count} traversed samples move by the same total intensity I = ${g0.level}R (path length in W) toward the high end: linearly along the guide; by Iterative Curve-Traversal whose every piece takes the Local Basis vector most similar to the guide (App. H's second option, the one of Fig. 7 and 15); guided at departure only, then following its own previous piece (App. H's first option, Fig. 14); guided every piece with stochastic piece lengths ~ U[${f3(g0.stochastic[0])}R, ${f3(g0.stochastic[1])}R] (the paper: U[0.05, 0.15] at I = 4); fixed pieces are ${g0.pieces} of I/${g0.pieces}. Control: a linear step along a random unit W direction. "|cos(guide, v taken)|": how well the Local Basis vector a curve takes matches the guide (for the departure-only curve, its first piece): how close the guide is to a single Local Basis direction. ` +
    'Factor changes are the probe\'s reading at the endpoint minus at the start, in fractions of the factor\'s range (as §5): the target\'s mean signed change, the other factors\' RMS change, and the target\'s share Δ_t²/Σ_f Δ_f² (mean over samples). FD: the endpoints against the real reference (same N as the baseline row).', '');
  out.push(table(['model', 'variant', 'target Δ', 'others (RMS Δ)', 'target share', 'FD', 'chord ‖w_end − w₀‖ / I', 'cos(w_end − w₀, guide)', '|cos(guide, v taken)|', 'pieces'],
    guided.flatMap((s) => {
      const gs = s.guided!;
      return [
        ...gs.rows.map((r) => [s.model, VARIANT_LABEL[r.variant], `${r.change.target >= 0 ? '+' : ''}${f3(r.change.target)}`, f3(r.change.others), f2(r.change.targetShare), f1(r.fd), f2(r.chord / (gs.level * s.unit)), f2(r.cosGuide), f2(r.similarity), r.pieces > 0 ? f1(r.pieces) : '–']),
        [s.model, 'untraversed / real floor', '–', '–', '–', `${f1(gs.baselineFd)} / ${f1(gs.floorFd)}`, '–', '–', '–', '–'],
      ];
    })), '');
  for (const s of guided) {
    const m = guidedMontage(s);
    if (m) out.push(`![guided traversal, ${s.model}](${imgRef(`guided-${s.model}`)})`, '');
  }
  out.push('Choi et al. (no numbers): the linear traversal along the global (StyleCLIP) direction changes little of the target (only wrinkles for "old") and the image collapses soon; both Curve-Traversals change the target with high fidelity, the stochastic one with more diversity; guided at departure only keeps the quality but not the intended change (Fig. 14).', '');
  const rowsOf = (s: RobustnessStudy) => Object.fromEntries(GUIDE_VARIANTS.map((v) => [v, s.guided!.rows.find((r) => r.variant === v)!])) as Record<GuideVariant, GuidedRow>;
  for (const s of guided) {
    const gs = s.guided!;
    const { linear: lin, 'every-step': every, departure: dep, stochastic: sto, random: rnd } = rowsOf(s);
    const rise = (fd: number) => fd - gs.baselineFd;
    out.push(`- \`${s.model}\` (${gs.target}): linear along the guide Δ ${f3(lin.change.target)} of the range (others ${f3(lin.change.others)}), FD ${f1(lin.fd)}; guided every piece Δ ${f3(every.change.target)} (others ${f3(every.change.others)}), FD ${f1(every.fd)}; at departure only Δ ${f3(dep.change.target)}, FD ${f1(dep.fd)}; stochastic Δ ${f3(sto.change.target)}, FD ${f1(sto.fd)}; random control Δ ${f3(rnd.change.target)} (others ${f3(rnd.change.others)}), FD ${f1(rnd.fd)} (untraversed ${f1(gs.baselineFd)}). ` +
      `The guide is not one Local Basis direction: the one the guided curve takes at each piece has mean |cos| ${f2(every.similarity)} with it, so each piece follows ${every.similarity > 0.7 ? 'most' : every.similarity > 0.4 ? 'part' : 'little'} of it. FD rise over the untraversed samples: linear ${f1(rise(lin.fd))}, guided curve ${f1(rise(every.fd))}.`);
  }
  const N = guided.length;
  const tally = (f: (r: ReturnType<typeof rowsOf>) => boolean) => guided.filter((s) => f(rowsOf(s))).length;
  const verdict = (k: number) => (k === N ? `carries over (${k} of ${N})` : k === 0 ? `does not carry over (0 of ${N})` : `holds in ${k} of ${N} models`);
  const lowerFd = tally((r) => r['every-step'].fd < r.linear.fd);
  const curveMoves = tally((r) => r['every-step'].change.target > 0.5 * r.linear.change.target);
  const depLess = tally((r) => r.departure.change.target < r['every-step'].change.target);
  const stoSame = tally((r) => Math.abs(r.stochastic.change.target - r['every-step'].change.target) < 0.2 * Math.abs(r['every-step'].change.target) + 0.02);
  const traversals = guided.flatMap((s) => s.guided!.rows.filter((r) => r.variant !== 'random'));
  const entangled = traversals.filter((r) => r.change.others >= 0.5 * Math.abs(r.change.target));
  out.push('', 'Against the paper, model by model:',
    `- The guided curve keeps the images nearer the data than the linear step along the guide (lower FD): ${verdict(lowerFd)}.`,
    `- The guided curve still changes the target (at least half the linear step's change): ${verdict(curveMoves)}. The paper's linear step along its StyleCLIP direction barely changed "old"; our guide is built from the target factor itself, so the linear step is the strong baseline here, and at equal path length the curve bends away from the guide (cos column) and ends nearer the start (chord column).`,
    `- Guided only at departure, the curve loses the target (less change than guided every piece, App. H, Fig. 14): ${verdict(depLess)}.`,
    `- Stochastic piece lengths give about the same endpoints as fixed ones of the same mean length (target change within 20 % + 0.02 in ${stoSame} of ${N}); the paper's claim for them is diversity of appearance, which the probe's mean readings do not measure.`,
    `- Purity: the other factors' RMS change is at least half the target's in ${entangled.length} of ${traversals.length} guided rows (our models' factors are entangled, §5); the target's share of the squared change is ${f2(Math.min(...traversals.map((r) => r.change.targetShare)))}–${f2(Math.max(...traversals.map((r) => r.change.targetShare)))}.`, '');
  return out;
}
