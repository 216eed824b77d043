/**
 * The findings' controls and the papers' figures that issue 11 asked to complete: Wang & Ponce Fig. 1
 * (image change along top vs bottom eigenvectors), A.8 (untrained and weight-shuffled generators beside
 * the anisotropy table) and Choi et al. Fig. 9 (the mapping Jacobian's singular values vs a random
 * matrix). Run, plotted and written here so scripts/findings.ts only calls three functions.
 */
import { grid, histogramPlot, linePlot, row, COLORS, type Svg } from './lib/plot';
import { openModelId } from './atlas/common';
import { controlsStudy, type ControlsStudy } from './atlas/controls';
import { eigenTravelStudy, type EigenTravelStudy } from './atlas/eigenTravel';
import { jacobianSpectrumStudy, type JacobianSpectrumStudy } from './atlas/jacobianSpectrum';
import { f2, f3, pct, table } from './findingsText';

export interface CompletionCounts { travel: number; controls: number; jacobian: number }
export interface Completion { travels: EigenTravelStudy[]; controls: ControlsStudy[]; jacobians: JacobianSpectrumStudy[]; counts: CompletionCounts }

const e2 = (v: number) => (Number.isFinite(v) ? v.toExponential(2) : '–');

export async function runCompletion(ids: string[], counts: CompletionCounts, log: (msg: string) => void): Promise<Completion> {
  const out: Completion = { travels: [], controls: [], jacobians: [], counts };
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
