/**
 * Summarise scripts/steer-study.sh's outputs as the markdown tables of docs/findings.md ("Steerability"):
 * `npx tsx scripts/steer-table.ts [DIR]` (default /tmp/steer-study). For each model and edit: the walk's
 * held-out loss, then per measure the mean change at the data's edge and at the trained range's ends,
 * monotonicity, saturation, Pearson, Δμ against the data's σ — beside the same for a random direction of the
 * same length — the FD at the identity and at α*, and the unsupervised direction nearest the walk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { monotoneToSaturation, type SteerLimits, type MeasureCurve } from '../src/methods/steerLimits';
import type { DirectionMatch } from '../src/methods/steerMatch';

const dir = process.argv[2] ?? '/tmp/steer-study';
const f2 = (v: number | null | undefined, d = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d));
type Limits = SteerLimits & { matches: DirectionMatch[] | null };

/**
 * yes (over the whole trained range), "to saturation" (strictly until the walk stops following, see steerLimits), or
 * no. Recomputed from the means: limits JSON written before monotoneToSaturation existed lacks the field.
 */
function monotoneWords(limits: SteerLimits, m: MeasureCurve): string {
  if (m.monotone) return 'yes';
  return monotoneToSaturation(limits.alphas, m.perAlpha.map((p) => p.mean), limits.alphaStar, m.saturation, limits.edit) ? 'to saturation' : 'no';
}

const rows: string[] = [];
const matchRows: string[] = [];
// Only finished pairs (the study may still be running).
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.limits.json') && fs.existsSync(path.join(dir, f.replace('.limits.json', '.control.json')))).sort()) {
  const base = file.replace('.limits.json', '');
  const limits = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Limits;
  const control = JSON.parse(fs.readFileSync(path.join(dir, `${base}.control.json`), 'utf8')) as Limits;
  const walk = JSON.parse(fs.readFileSync(path.join(dir, `${base}.walk.json`), 'utf8')) as { heldOutLoss: { afterOneStep: number; final: number }; seconds: number; space: string };
  const [model] = base.split(/-(?=shift|zoom|color|rotate)/);
  const at = (a: number) => limits.alphas.reduce((best, x, i) => (Math.abs(x - a) < Math.abs(limits.alphas[best] - a) ? i : best), 0);
  const [lo, hi] = limits.alphaStar;
  for (const m of limits.measures) {
    const c = control.measures.find((x) => x.name === m.name) as MeasureCurve;
    const sd = m.exactDataSd ?? m.dataSd;
    const ch = (k: number) => f2(m.perAlpha[k].change);
    rows.push(`| ${model} | ${limits.edit} | ${f2(walk.heldOutLoss.afterOneStep, 3)} → ${f2(walk.heldOutLoss.final, 3)} | ${m.name} | ${ch(at(lo))} / ${ch(at(hi))} | `
      + `${monotoneWords(limits, m)} | ${f2(m.saturation.negative)} / ${f2(m.saturation.positive)} | `
      + `${m.saturation.negative === null ? '–' : ch(at(m.saturation.negative))} / ${m.saturation.positive === null ? '–' : ch(at(m.saturation.positive))} | ${f2(m.pearson)} (${f2(c.pearson)}) | `
      + `${f2(m.deltaMu)} (${f2(c.deltaMu)}) | ${f2(sd)}${m.exactDataSd !== null ? ' exact' : ''} | ${f2(m.deltaMu / (sd ?? NaN))} | `
      + `${limits.fd ? `${f2(limits.fd[at(limits.edit === 'zoom' ? 1 : 0)], 0)} → ${f2(limits.fd[at(lo)], 0)} / ${f2(limits.fd[at(hi)], 0)}` : '–'} |`);
  }
  if (limits.matches) {
    const byCos = limits.matches.filter((m) => !m.skipped).sort((a, b) => b.cosine - a.cosine);
    matchRows.push(`| ${model} | ${limits.edit} | ${byCos.map((m) => `${m.kind} #${m.index + 1}: ${f2(m.cosine)}`).join(', ')} |`);
  }
}
console.log('| model | edit | held-out loss | measure | mean change at α* (−/+) | monotone | saturates at α (−/+) | change there (−/+) | Pearson (random) | Δμ (random) | data σ | Δμ/σ | FD: identity → α* (−/+) |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
console.log(rows.join('\n'));
console.log('\n| model | edit | best |cos| with each basis (best first) |');
console.log('|---|---|---|');
console.log(matchRows.join('\n'));
