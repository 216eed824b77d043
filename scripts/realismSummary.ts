/**
 * §10 of docs/findings.md: Wen et al.'s realism improvement against truncation on our models, from the outputs of
 * `atlas realism` kept in docs/realism/<model>.json, beside the paper's Table 1. Written by
 * `node --import tsx scripts/realism-findings.ts` (which refreshes that section in place) and by `npm run findings`
 * from the same files, so both give the same text.
 */
import fs from 'node:fs';
import path from 'node:path';
import { retrainedSince } from './atlas/common';

interface Row { method: 'baseline' | 'truncation' | 'sigma' | 'improved'; param: number | null; count: number; frechet: number; confident: number | null; factorSpread: number | null; meanD: number }
export interface RealismRun { model: string; count: number; protoCount: number; protoCosine?: number; realFloor: number; rows: Row[]; notes: string[]; ms: number; command?: string;
  /** weightsHash of the generator the run measured (scripts/atlas/common.ts). */
  weights?: string }

/** Every docs/realism/<model>.json, in the bundled models' order where known. */
export function readRealismRuns(docs: string): RealismRun[] {
  const dir = path.join(docs, 'realism');
  if (!fs.existsSync(dir)) return [];
  const order = ['shapes-style', 'shapes-dcgan', 'fashion-dcgan', 'faces-style'];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as RealismRun)
    .sort((a, b) => (order.indexOf(a.model) + 99) % 99 - (order.indexOf(b.model) + 99) % 99);
}

const f1 = (v: number | null) => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(1));
const f2 = (v: number | null) => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(2));
const pct = (v: number | null) => (v === null ? '–' : `${(100 * v).toFixed(1)} %`);

function label(r: Row): string {
  if (r.method === 'baseline') return 'baseline';
  if (r.method === 'truncation') return `truncation ψ ${r.param}`;
  if (r.method === 'sigma') return `σ ${r.param} toward p̄`;
  return `σ optimised (mean σ ${f2(r.param)})`;
}

/** Better, equal or worse, with |Δ| below the real-vs-real Fréchet distance at that N counted as equal (sampling noise). */
function verdict(a: number, b: number, noise: number): string {
  if (Math.abs(a - b) < noise) return 'equal (within the real-vs-real distance)';
  return a < b ? 'better' : 'worse';
}

export function findingsRealismSection(runs: RealismRun[], docsDir: string): string[] {
  const out = ['## 10. Realism from the discriminator (Wen et al., Table 1)', ''];
  out.push('`atlas realism` (src/methods/realismStudy.ts, the code of the app\'s Realism panel): the same N prior samples as the baseline, under truncation '
    + '(ψ in W for the style models, ψ·z for the DCGANs), moved toward the mean protoimage p̄ by a fixed σ (the authors\' FID recipe: protoimages of a subset, '
    + 'their normalised mean for every sample; the paper\'s "proposed" is the best σ of such a series), and with σ optimised per sample '
    + '(Adam 0.01, ≤ 100 steps, σ in [0.5, 0.75], D pulled to 0) on the first M samples, measured against a baseline of the same M samples. '
    + 'Quality: the probe\'s Fréchet distance to N real images (lower is better; our probes\' features, not Inception, so only the direction of a change compares with the paper\'s FID), '
    + 'the share the probe reads with confidence, and the factor spread (generated / real sd, averaged over the probe\'s targets: diversity). '
    + 'A difference smaller than the Fréchet distance between two real sets of the same N is called equal. '
    + 'The DCGANs take z as it is, so every σ row is also moved onto the √d sphere by P: their σ 0.01 row is close to P(z) alone, the projection\'s own effect (the style models normalise z, so there P changes nothing).', '',
  '| paper (FID, CelebA) | baseline | truncation (best ψ) | proposed (best σ) |', '|---|---|---|---|',
  '| PGAN | 12.09 | 11.84 | 11.69 |', '| WGAN-GP | 58.53 | 58.36 | 57.38 |', '');
  if (runs.length === 0) return [...out, '(Not run yet.)', ''];
  // A run is only evidence about the weights it measured: say so when a model has been retrained since.
  const stale = runs.flatMap((r) => {
    const now = retrainedSince(r.model, r.weights);
    return now !== null ? [`**${r.model}** was measured on weights \`${r.weights ?? 'unrecorded'}\`, not the shipped \`${now}\` (retrained since; rerun \`${r.command ?? 'atlas realism'}\` to refresh)`] : [];
  });
  if (stale.length) out.push(`Not yet rerun after a retrain: ${stale.join('; ')}.`, '');
  out.push('| ours (probe Fréchet distance) | N | real vs real | baseline | truncation (best ψ of 1, 0.75, 0.5, 0.25, 0.1) | best ψ < 1 | best σ toward p̄ | σ optimised (M) | its baseline (M) |', '|---|---|---|---|---|---|---|---|---|');
  const verdicts: string[] = [];
  for (const r of runs) {
    const base = r.rows.find((x) => x.method === 'baseline' && x.count === r.count)!;
    const best = (m: Row['method']) => r.rows.filter((x) => x.method === m && x.count === r.count).sort((a, b) => a.frechet - b.frechet)[0];
    // The paper's truncation series runs ψ 0.1…1.0, so ψ = 1 (the baseline) is one of its candidates; ψ < 1 is shown too.
    const truncBelow = best('truncation'), sig = best('sigma');
    const trunc = truncBelow && truncBelow.frechet < base.frechet ? truncBelow : { ...base, method: 'truncation' as const, param: 1 };
    const imp = r.rows.find((x) => x.method === 'improved');
    const impBase = imp ? r.rows.find((x) => x.method === 'baseline' && x.count === imp.count) : undefined;
    out.push(`| ${r.model} | ${r.count} | ${f1(r.realFloor)} | ${f1(base.frechet)} | ${f1(trunc.frechet)} (ψ ${trunc.param}) | ${f1(truncBelow?.frechet ?? null)} (ψ ${truncBelow?.param}) | ${f1(sig?.frechet ?? null)} (σ ${sig?.param}) | ${imp ? `${f1(imp.frechet)} (M ${imp.count})` : '–'} | ${impBase ? f1(impBase.frechet) : '–'} |`);
    if (sig) {
      verdicts.push(`- **${r.model}**: best σ toward p̄ vs best truncation: ${verdict(sig.frechet, trunc.frechet, r.realFloor)} (${f1(sig.frechet)} vs ${f1(trunc.frechet)} at ψ ${trunc.param}); `
        + `vs baseline: ${verdict(sig.frechet, base.frechet, r.realFloor)} (${f1(base.frechet)}). `
        + `Factor spread: baseline ${f2(base.factorSpread)}, best σ ${f2(sig.factorSpread)}, ψ ${truncBelow?.param} ${f2(truncBelow?.factorSpread ?? null)}; read confidently: ${pct(base.confident)} → ${pct(sig.confident)} (σ ${sig.param}) / ${pct(truncBelow?.confident ?? null)} (ψ ${truncBelow?.param})`
        + (imp && impBase ? `. σ optimised on ${imp.count}: ${f1(imp.frechet)} against ${f1(impBase.frechet)} for the same samples unchanged — ${verdict(imp.frechet, impBase.frechet, r.realFloor)}, spread ${f2(impBase.factorSpread)} → ${f2(imp.factorSpread)}, mean D ${f2(impBase.meanD)} → ${f2(imp.meanD)}.` : '.'));
    }
  }
  const tally = { better: 0, equal: 0, worse: 0 };
  for (const r of runs) {
    const base = r.rows.find((x) => x.method === 'baseline' && x.count === r.count)!;
    const sig = r.rows.filter((x) => x.method === 'sigma' && x.count === r.count).sort((a, b) => a.frechet - b.frechet)[0];
    const trunc = Math.min(base.frechet, ...r.rows.filter((x) => x.method === 'truncation').map((x) => x.frechet));
    if (sig) tally[verdict(sig.frechet, trunc, r.realFloor).split(' ')[0] as keyof typeof tally]++;
  }
  out.push('', ...verdicts, '', `Against the paper's claim (proposed better than truncation on every model): on ours the best σ toward p̄ is better than the best truncation on ${tally.better}, equal on ${tally.equal} and worse on ${tally.worse} of ${runs.length} models.`, '');
  for (const r of runs) {
    if (fs.existsSync(path.join(docsDir, 'img', `realism-${r.model}.png`))) {
      out.push(`${r.model}, the first 8 samples (top), protoimages (middle), σ-optimised toward p̄ (bottom):`, '', `![${r.model}: samples, protoimages, improved](img/realism-${r.model}.png)`, '');
    }
    out.push(`<details><summary>${r.model}: every row (N ${r.count}, ${r.protoCount} protoimages, ${(r.ms / 60000).toFixed(1)} min)</summary>`, '',
      '| row | N | Fréchet | read confidently | factor spread | mean D (each image alone) |', '|---|---|---|---|---|---|',
      ...r.rows.map((x) => `| ${label(x)} | ${x.count} | ${f1(x.frechet)} | ${pct(x.confident)} | ${f2(x.factorSpread)} | ${f2(x.meanD)} |`), '',
      ...r.notes.map((n) => `- ${n}`), ...(r.protoCosine !== undefined ? [`- Mean cos(protoimage latent, its z): ${f2(r.protoCosine)}.`] : []), ...(r.command ? ['', `\`${r.command}\``] : []), '', '</details>', '');
  }
  return out;
}
