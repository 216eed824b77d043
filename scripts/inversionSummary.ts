/**
 * §8 of docs/findings.md: the inversion study's numbers (docs/inversion.json, `npm run inversion-study`) beside the
 * papers'. Written by the study when it runs (it refreshes that section in place) and by `npm run findings`
 * from the same JSON, so both give the same text.
 */
import fs from 'node:fs';
import path from 'node:path';
import { retrainedSince } from './atlas/common';

interface Inv { model: string; space: string; targets: string; index: number; method: string; perceptual: number; pixelMse: number }
interface Search { model: string; objective: string; method: string; k: number; seed: number; start: number; best: number }
interface Projection { model: string; objective: string; seed: number; k: number; start: number; full: number; projected: number; energy: number }
export interface InversionJson { generated: string; models?: { id: string; weights: string }[]; inversions: Inv[]; searches: Search[]; projections?: Projection[] }

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const f3 = (v: number) => (Number.isFinite(v) ? (Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(1) : v.toFixed(3)) : '–');
const spaceName = (s: string) => (s === 'wplus' ? 'W+' : s.toUpperCase());

/** docs/inversion.json, or null when the study has not been run. */
export function readInversionJson(docs: string): InversionJson | null {
  const file = path.join(docs, 'inversion.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as InversionJson) : null;
}

export function findingsSection8(j: InversionJson | null): string[] {
  const out = ['## 8. Inversion and search (Wang & Ponce §6, Wen et al.)', ''];
  out.push('Its own study, [inversion.md](inversion.md) (`npm run inversion-study`; `-- --cmaes` reruns the search part alone): inversion with plain Adam against Adam in the averaged metric\'s eigenbasis on generated and data targets in every space; CMA-ES against Hessian CMA-ES in top-k eigen-coordinates. Its numbers beside the paper\'s:', '');
  if (!j) return [...out, '(Not run yet.)', ''];
  // The study is evidence about the weights it measured: name the models retrained since.
  const stale = (j.models ?? []).flatMap((m) => {
    const now = retrainedSince(m.id, m.weights);
    return now !== null ? [`**${m.id}** was measured on weights \`${m.weights}\`, not the shipped \`${now}\``] : [];
  });
  if (stale.length) out.push(`Not yet rerun after a retrain: ${stale.join('; ')} (\`npm run inversion-study -- --models <id>\` refreshes one model).`, '');
  out.push('**Inversion, Hessian basis vs none** (final perceptual distance, mean over targets; the paper: min LPIPS over 4 starts, Table 5).', '',
    '| | targets | plain | Hessian basis | Hessian lower on |', '|---|---|---|---|---|',
    '| paper: PGGAN (CelebA) | real | 0.207 | 0.179 | — |', '| paper: BigGAN | real | 0.189 | 0.162 | — |', '| paper: PGGAN | generated | 0.027 | 0.045 (worse) | — |');
  for (const key of [...new Set(j.inversions.map((r) => `${r.model}|${r.space}|${r.targets}`))]) {
    const [model, space, targets] = key.split('|');
    const of = (m: string) => j.inversions.filter((r) => r.model === model && r.space === space && r.targets === targets && r.method === m).sort((a, b) => a.index - b.index);
    const plain = of('none'), hess = of('hessian');
    const wins = hess.filter((h, i) => h.perceptual < plain[i].perceptual).length;
    out.push(`| ours: ${model}, ${spaceName(space)} | ${targets} | ${f3(mean(plain.map((r) => r.perceptual)))} | ${f3(mean(hess.map((r) => r.perceptual)))} | ${wins} of ${hess.length} |`);
  }
  const hessAll = j.inversions.filter((r) => r.method === 'hessian').length;
  const winsAll = j.inversions.filter((r) => r.method === 'hessian' && r.perceptual < (j.inversions.find((p) => p.method === 'none' && p.model === r.model && p.space === r.space && p.targets === r.targets && p.index === r.index)?.perceptual ?? Infinity)).length;
  out.push('', `The Hessian basis ended lower on ${winsAll} of ${hessAll} target × space pairs.`, '');
  if (!j.searches.length) return out;
  out.push('**Search, Hessian CMA-ES vs CMA-ES** (best score after 100 generations, mean over seeds). Paper (§6, Fig. 5, no table): FC6GAN searched in 500 of 4096 dimensions "without impairing maximal activation values"; in BigGAN Hessian CMA-ES reached higher activations than CMA-ES.', '');
  const ks = [...new Set(j.searches.filter((s) => s.method === 'Hessian CMA-ES').map((s) => s.k))].sort((a, b) => a - b);
  out.push(`| model | objective | start | full CMA-ES | ${ks.map((k) => `Hessian k=${k}`).join(' | ')} | full optimum's gain kept in the top ${ks[0]} |`, `|---|---|---|---|${ks.map(() => '---|').join('')}---|`);
  for (const mo of [...new Set(j.searches.map((s) => `${s.model}|${s.objective}`))]) {
    const rows = j.searches.filter((s) => `${s.model}|${s.objective}` === mo);
    const full = rows.filter((r) => r.method === 'CMA-ES');
    const hk = (k: number) => { const r = rows.filter((x) => x.method === 'Hessian CMA-ES' && x.k === k); return r.length ? f3(mean(r.map((x) => x.best))) : '–'; };
    const proj = (j.projections ?? []).filter((p) => `${p.model}|${p.objective}` === mo && p.k === ks[0]);
    const kept = proj.length ? `${(100 * mean(proj.map((p) => (p.projected - p.start) / Math.max(1e-12, p.full - p.start)))).toFixed(0)} % (of ${full[0]?.k} dimensions)` : '–';
    out.push(`| ${full[0]?.model} | ${full[0]?.objective} | ${f3(mean(full.map((r) => r.start)))} | ${f3(mean(full.map((r) => r.best)))} | ${ks.map(hk).join(' | ')} | ${kept} |`);
  }
  out.push('');
  return out;
}
