/**
 * `npm run inversion-study` — Wang & Ponce §6 (paper 000) and Wen et al. (paper 003) on the bundled models,
 * written to docs/inversion.md (+ .json, docs/img/inversion-*.png):
 * 1. Inversion, plain Adam against Adam in the averaged metric's eigenbasis (the same starts, the same
 *    loss), on generated targets (other seeds: the answer is in the model) and on data (held-out shapes
 *    renders, Fashion-MNIST test images), per space; min over starts of the perceptual distance and the
 *    pixel MSE, as the paper's Table 5 reports min LPIPS over 4 starts.
 * 2. CMA-ES in the full latent space against Hessian CMA-ES in the top-k eigen-coordinates, on the
 *    discriminator's score and a probe objective, several seeds: per generation the best and mean score of the
 *    population and the code norm; and whether the top-k subspace loses the optimum (the full search's best,
 *    projected onto the top-k eigenvectors, scored again).
 * It also rewrites §8 of docs/findings.md (the papers' numbers beside ours) from these numbers.
 * `--quick` runs fewer targets, steps and generations into scratch/inversion-quick/; `--cmaes` reruns part 2 only
 * (a few minutes), keeping part 1 from docs/inversion.json; `--models a,b` reruns both parts on those models only,
 * keeping the other models' rows; `--replot` redraws the curves and rewrites the text from it.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { useBackend } from './lib/tfnode';
import { gridPng } from './lib/png';
import { grid, linePlot, renderSvgs } from './lib/plot';
import { loadFashion } from './lib/fashion';
import { bundledModels, openModelId, ROOT, weightsHash } from './atlas/common';
import { objectiveOf } from './atlas/search';
import { findingsSection8 } from './inversionSummary';
import { anchorDistance } from '../src/distance';
import { shapesBatch } from '../src/data/shapes';
import { averageMetricOf } from '../src/geometry/bases';
import { latentSearch, type SearchRun } from '../src/methods/search';
import { invert, type InversionSpace, type Precondition } from '../src/methods/inversion';
import type { Generator } from '../src/model/generator';

const QUICK = process.argv.includes('--quick');
const CMAES_ONLY = process.argv.includes('--cmaes');
const OUT = QUICK ? path.join(ROOT, 'scratch', 'inversion-quick') : path.join(ROOT, 'docs');
/** Generated targets per model and space (the issue's 8 seeds), and data targets (held-out images). */
const TARGETS = QUICK ? 2 : 8;
const DATA_TARGETS = QUICK ? 2 : 4;
const STEPS = QUICK ? 40 : 100;
const STARTS = 4;
const GENERATIONS = QUICK ? 10 : 100;
const SEARCH_SEEDS = QUICK ? [1] : [1, 2, 3];
const SUBSPACES = [8, 16, 32];
const METHODS: Precondition[] = ['none', 'hessian'];
const t0 = performance.now();
const log = (msg: string) => process.stderr.write(`[inversion ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);

export interface InversionRow { model: string; space: InversionSpace; targets: 'generated' | 'data'; index: number; method: Precondition; perceptual: number; pixelMse: number; loss?: number[]; finalLoss?: number; steps?: number }
/** One search run: `curve` the best score so far per generation, `mean` the population's mean score, `norm` ‖z‖ of the distribution's mean. */
export interface SearchRow { model: string; objective: string; method: string; k: number; seed: number; start: number; best: number; curve: number[]; mean?: number[]; norm?: number[]; startNorm?: number; bestNorm?: number }
/** The full search's best z, its offset from the start projected onto the top-k eigenvectors, scored again. */
export interface ProjectionRow { model: string; objective: string; seed: number; k: number; start: number; full: number; projected: number; energy: number }

/** ½·LPIPS-lite (the project's perceptual distance) between two images [1, H, W, C]. */
function perceptual(g: Generator, a: tf.Tensor4D, b: tf.Tensor4D): number {
  const d = anchorDistance('perceptual', g, b);
  try {
    const v = tf.tidy(() => d.squared(a));
    const out = v.dataSync()[0];
    v.dispose();
    return out;
  } finally {
    d.dispose();
  }
}

/** Data targets: held-out shapes renders or Fashion-MNIST test images, [count] images [1, H, W, C]. */
function dataTargets(g: Generator, count: number): tf.Tensor4D[] {
  const [h, w, c] = g.outputShape;
  const factors = g.manifest.factors ?? [];
  if (factors.includes('shape')) {
    const batch = shapesBatch(7_777, count, h);
    return Array.from({ length: count }, (_, i) => tf.tensor4d(batch.images.subarray(i * h * w * c, (i + 1) * h * w * c), [1, h, w, c]));
  }
  if (c === 1 && h === 28) {
    const test = loadFashion('t10k');
    return Array.from({ length: count }, (_, i) => tf.tensor4d(test.images.subarray(i * 997 * 784, (i * 997 + 1) * 784), [1, 28, 28, 1]));
  }
  return [];
}

/** `--models a,b`: rerun the study (both parts) on these models only, keeping every other model's rows from
 * docs/inversion.json — after one model is retrained, its rows are refreshed in a third of the time. */
const ONLY = (() => {
  const i = process.argv.indexOf('--models');
  if (i < 0) return null;
  const ids = (process.argv[i + 1] ?? '').split(',').filter(Boolean);
  const unknown = ids.filter((id) => !bundledModels().includes(id));
  if (!ids.length || unknown.length) {
    console.error(`--models takes bundled model ids separated by commas (${bundledModels().join(', ')}); got ${unknown.join(', ') || 'none'}`);
    process.exit(2);
  }
  return ids;
})();

async function main() {
  await useBackend('wasm');
  fs.mkdirSync(path.join(OUT, 'img'), { recursive: true });
  const previous = CMAES_ONLY || ONLY ? readPrevious() : null;
  const inversions: InversionRow[] = [];
  const searches: SearchRow[] = [];
  const projections: ProjectionRow[] = [];
  const models: StudiedModel[] = [];
  const strips: { file: string; png: Buffer }[] = [];
  const kept: string[] = [];
  for (const id of bundledModels()) {
    if (ONLY && !ONLY.includes(id)) {
      const before = previous!.models.find((m) => m.id === id);
      if (!before) {
        log(`${id}: not in the earlier run either; left out (--models ${id} adds it)`);
        continue;
      }
      models.push({ measured: previous!.part1.slice(0, 10), ...before });
      inversions.push(...previous!.inversions.filter((r) => r.model === id));
      searches.push(...previous!.searches.filter((r) => r.model === id));
      projections.push(...previous!.projections.filter((r) => r.model === id));
      kept.push(...previous!.strips.filter((f) => f.startsWith(`inversion-${id}-`)));
      continue;
    }
    const g = await openModelId(id);
    models.push({ id, weights: weightsHash(g), measured: new Date().toISOString().slice(0, 10) });
    if (CMAES_ONLY) inversions.push(...previous!.inversions.filter((r) => r.model === id));
    else await inversionStudy(g, id, inversions, strips);
    await searchStudy(g, id, searches, projections);
    g.dispose();
  }
  if (CMAES_ONLY && previous!.models.map((m) => `${m.id}:${m.weights}`).join() !== models.map((m) => `${m.id}:${m.weights}`).join()) {
    log('warning: the models changed since part 1 was run; rerun without --cmaes to refresh it');
  }
  for (const s of strips) fs.writeFileSync(path.join(OUT, 'img', s.file), s.png);
  const stripFiles = CMAES_ONLY ? previous!.strips : ONLY ? orderStrips([...kept, ...strips.map((s) => s.file)]) : strips.map((s) => s.file);
  await plotSearches(searches);
  const generated = new Date().toISOString();
  const json = {
    generated, quick: QUICK, models, strips: stripFiles, part1: CMAES_ONLY ? previous!.part1 : generated,
    inversions: inversions.map(({ loss, ...r }) => (loss ? { ...r, finalLoss: loss[loss.length - 1], steps: loss.length } : r)),
    searches, projections,
  };
  fs.writeFileSync(path.join(OUT, 'inversion.md'), text(models, json.part1, inversions, searches, projections, stripFiles));
  fs.writeFileSync(path.join(OUT, 'inversion.json'), compactJson(json));
  log(`wrote ${path.relative(ROOT, OUT)}/inversion.md`);
  refreshFindings(json);
}

/** §8 of the findings quotes these numbers beside the papers': refresh it in place (npm run findings writes the same text). */
function refreshFindings(json: Parameters<typeof findingsSection8>[0] & object) {
  if (QUICK) return;
  const file = path.join(OUT, 'findings.md');
  const doc = fs.readFileSync(file, 'utf8');
  // §8 ends where the next section starts (§9 and §10 follow it; ending at "## Reproduce" dropped them).
  const a = doc.indexOf('## 8. '), b = doc.indexOf('\n## ', a + 1) + 1;
  if (a >= 0 && b > a) {
    fs.writeFileSync(file, doc.slice(0, a) + findingsSection8(json).join('\n') + '\n' + doc.slice(b));
    log('refreshed §8 of docs/findings.md');
  }
}

/** JSON with one object per line and number arrays (per-generation curves) on one line each. */
function compactJson(value: unknown): string {
  return JSON.stringify(value, null, 1).replace(/\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g, (_, body: string) => `[${body.replace(/\s+/g, '')}]`) + '\n';
}

/** A model the study measured: its weights' hash, and (since `--models`) the day its rows were measured. */
interface StudiedModel { id: string; weights: string; measured?: string }

/** Strip images in the order a full run writes them: model, space, generated before data. */
function orderStrips(files: string[]): string[] {
  const rank = (f: string) => {
    const m = /^inversion-(.+)-(z|w|wplus)-(generated|data)\.png$/.exec(f)!;
    return bundledModels().indexOf(m[1]) * 100 + ['z', 'w', 'wplus'].indexOf(m[2]) * 10 + (m[3] === 'data' ? 1 : 0);
  };
  return [...files].sort((a, b) => rank(a) - rank(b));
}

/** An earlier run (docs/inversion.json), for --cmaes (keeps its part 1) and --models (keeps the other models' rows). */
function readPrevious(): { models: StudiedModel[]; inversions: InversionRow[]; searches: SearchRow[]; projections: ProjectionRow[]; strips: string[]; part1: string } {
  const file = path.join(OUT, 'inversion.json');
  if (!fs.existsSync(file)) throw new Error(`--cmaes and --models keep rows from ${path.relative(ROOT, file)}, which does not exist: run the whole study first.`);
  const j = JSON.parse(fs.readFileSync(file, 'utf8')) as { models: StudiedModel[]; inversions: InversionRow[]; searches?: SearchRow[]; projections?: ProjectionRow[]; strips?: string[]; part1?: string; generated: string };
  const strips = j.strips ?? orderStrips(fs.readdirSync(path.join(OUT, 'img')).filter((f) => /^inversion-.+-(z|w|wplus)-(generated|data)\.png$/.test(f)));
  return { models: j.models, inversions: j.inversions, searches: j.searches ?? [], projections: j.projections ?? [], strips, part1: j.part1 ?? j.generated };
}

async function inversionStudy(g: Generator, id: string, inversions: InversionRow[], strips: { file: string; png: Buffer }[]) {
  const spaces: InversionSpace[] = g.isStyleBased ? ['z', 'w', 'wplus'] : ['z'];
  const bases: Record<'z' | 'w', Float64Array | undefined> = { z: undefined, w: undefined };
  for (const space of spaces) {
    const basisSpace = space === 'z' ? 'z' : 'w';
    bases[basisSpace] ??= (await averageMetricOf(g, basisSpace, 'mse', 0, 12)).eigenvectors;
    const kinds: ('generated' | 'data')[] = space === 'wplus' ? ['generated'] : ['generated', 'data'];
    for (const kind of kinds) {
      const targets = kind === 'generated'
        ? Array.from({ length: TARGETS }, (_, i) => tf.tidy(() => g.generate(tf.tensor2d(g.samplePrior(500 + i, 1), [1, g.zDim]), 'z')))
        : dataTargets(g, DATA_TARGETS);
      const images: Float32Array[] = [];
      for (const [i, target] of targets.entries()) {
        images.push(target.dataSync() as Float32Array);
        for (const method of METHODS) {
          const r = await invert(g, target, { space, loss: g.discriminatorFeatures ? 'diamond' : 'pixel', init: 'nearest', starts: STARTS, steps: STEPS, precondition: method, basis: bases[basisSpace], seed: i });
          const shape = space === 'z' ? [1, g.zDim] : space === 'w' ? [1, g.wDim!] : [1, g.styleLayers!, g.wDim!];
          const recon = tf.tidy(() => g.generate(tf.tensor(Float32Array.from(r.latent), shape), space));
          inversions.push({ model: id, space, targets: kind, index: i, method, perceptual: perceptual(g, recon, target), pixelMse: r.pixelMse, loss: r.loss });
          if (i < 4) images.push(recon.dataSync() as Float32Array);
          recon.dispose();
        }
        target.dispose();
      }
      // Target | plain | Hessian for the first four targets.
      const [h, w, c] = g.outputShape;
      const shown = images.filter((_, k) => k < 12);
      if (shown.length) {
        const flat = new Float32Array(shown.length * h * w * c);
        shown.forEach((im, k) => flat.set(im, k * h * w * c));
        strips.push({ file: `inversion-${id}-${space}-${kind}.png`, png: gridPng(flat, shown.length, h, w, c, { cols: 3, scale: 3, range: g.manifest.output.range }).data });
      }
      log(`${id} ${space} ${kind}: ${targets.length} targets`);
    }
  }
}

/**
 * CMA-ES vs Hessian CMA-ES: the discriminator's score (unbounded, like the paper's unit activations) and, for
 * shapes, "move it left" (−x from the probe). A class probability saturates at 1 within a few generations.
 * Every run records the best and mean score and the code norm per generation; the full run's best is also
 * projected onto each top-k subspace (does restricting the search lose the optimum?).
 */
async function searchStudy(g: Generator, id: string, searches: SearchRow[], projections: ProjectionRow[]) {
  const specs = [...(g.discriminatorScore ? ['discriminator'] : []), ...(g.manifest.factors?.includes('shape') ? ['-factor:x'] : [])];
  if (!specs.length) return;
  const avg = await averageMetricOf(g, 'z', 'mse', 0, 12);
  const n = g.zDim;
  for (const spec of specs) {
    const { objective, probe } = await objectiveOf(g, spec);
    try {
      for (const seed of SEARCH_SEEDS) {
        const z0 = Float64Array.from(g.samplePrior(seed, 1));
        const start = (await objective.score(z0, 1))[0];
        const row = (r: SearchRun): SearchRow => ({
          model: id, objective: objective.label, method: r.method === 'cmaes' ? 'CMA-ES' : 'Hessian CMA-ES', k: r.dimensions, seed, start, best: r.bestScore,
          curve: r.history.map((h) => h.bestSoFar), mean: r.history.map((h) => h.mean), norm: r.history.map((h) => h.latentNorm),
          startNorm: Math.hypot(...z0), bestNorm: Math.hypot(...r.best),
        });
        const full = await latentSearch(g, objective, { method: 'cmaes', start: z0, generations: GENERATIONS, sigma: 0.2, seed });
        searches.push(row(full));
        const offset = full.best.map((v, i) => v - z0[i]);
        for (const k of SUBSPACES.filter((s) => s <= n)) {
          searches.push(row(await latentSearch(g, objective, { method: 'hessian-cmaes', start: z0, generations: GENERATIONS, sigma: 0.2, seed, k, basis: avg })));
          const projected = Float64Array.from(z0);
          let inside = 0;
          for (let e = 0; e < k; e++) {
            const u = avg.eigenvectors.subarray(e * n, (e + 1) * n);
            const c = offset.reduce((a, v, i) => a + v * u[i], 0);
            inside += c * c;
            for (let i = 0; i < n; i++) projected[i] += c * u[i];
          }
          projections.push({ model: id, objective: objective.label, seed, k, start, full: full.bestScore, projected: (await objective.score(projected, 1))[0], energy: inside / offset.reduce((a, v) => a + v * v, 0) });
        }
      }
    } finally {
      probe?.dispose();
    }
    log(`${id}: search on ${spec} done`);
  }
}

/**
 * Per model and objective, mean over seeds: the best score so far (solid) and the population's mean score
 * (dashed) per generation for the full search and Hessian CMA-ES at each k; beside it the code norm ‖z‖ of the
 * distribution's mean per generation.
 */
async function plotSearches(searches: SearchRow[]) {
  const plots = [...new Set(searches.map((s) => `${s.model}|${s.objective}`))].flatMap((mo) => {
    const [m] = mo.split('|');
    const rows = searches.filter((s) => `${s.model}|${s.objective}` === mo);
    const keys = [...new Set(rows.map((s) => `${s.method}|${s.k}`))];
    const seeds = new Set(rows.map((r) => r.seed)).size;
    const colors = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd'];
    const across = (key: string, pick: (r: SearchRow) => number[]) => {
      const runs = rows.filter((s) => `${s.method}|${s.k}` === key);
      const first = pick(runs[0]);
      return { x: first.map((_, i) => i + 1), y: first.map((_, i) => mean(runs.map((r) => pick(r)[i] ?? NaN))) };
    };
    const name = (key: string) => { const [method, k] = key.split('|'); return method === 'CMA-ES' ? `full (${k})` : `Hessian k=${k}`; };
    // The score panel shows the full search and Hessian CMA-ES at k = 16 (the table has every k): best solid, mean dashed.
    const shown = keys.filter((key) => key.startsWith('CMA-ES') || key.endsWith('|16'));
    return [
      linePlot({
        title: `${m}: ${rows[0].objective}`, xLabel: 'generation', yLabel: `score (mean of ${seeds} seeds)`, width: 380, height: 260, legend: 'bottom-right',
        series: shown.flatMap((key) => {
          const color = colors[keys.indexOf(key) % colors.length];
          return [
            { name: `${name(key)}: best so far`, color, ...across(key, (r) => r.curve) },
            ...(r0(rows).mean ? [{ name: `${name(key)}: mean`, color, dash: true, ...across(key, (r) => r.mean ?? []) }] : []),
          ];
        }),
      }),
      ...(r0(rows).norm ? [linePlot({
        title: 'code norm (log scale)', xLabel: 'generation', yLabel: '‖z‖ of the mean', width: 320, height: 260, legend: 'top-left', logY: true,
        series: keys.map((key, i) => ({ name: name(key), color: colors[i % colors.length], ...across(key, (r) => r.norm ?? []) })),
      })] : []),
    ];
  });
  if (plots.length) await renderSvgs([{ plot: grid(plots, 2), file: path.join(OUT, 'img', 'inversion-search.png') }]);
}

const r0 = (rows: SearchRow[]) => rows[0];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));
const f = (v: number, d = 3) => (Number.isFinite(v) ? (Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(1) : v.toFixed(d)) : '–');

function text(models: StudiedModel[], part1: string, inv: InversionRow[], search: SearchRow[], projections: ProjectionRow[], images: string[], part2 = new Date().toISOString()): string {
  const lines = [
    '# Inversion and search in latent space (Wang & Ponce §6, Wen et al.)',
    '',
    `Generated by \`npm run inversion-study\` (part 1 ${part1.slice(0, 10)}, part 2 ${part2.slice(0, 10)}${QUICK ? ', QUICK run' : ''}) on ${models.map((m) => `\`${m.id}\` (\`${m.weights}\`${m.measured && m.measured !== part2.slice(0, 10) ? `, measured ${m.measured}` : ''})`).join(', ')}.`,
    'Methods: src/methods/inversion.ts, src/methods/cmaes.ts, src/methods/search.ts; the app\'s Invert and Search panels and `atlas invert` / `atlas search` run the same code.',
    '',
    '## 1. Inversion: plain Adam vs Adam in the Hessian eigenbasis',
    '',
    `Loss: Wen et al.'s (discriminator-feature L1 + 2·pixel L1 + (‖z‖ − √d)² in Z), Adam lr 0.1 with ×0.1 decay every 200 steps, ${STEPS} steps,`,
    `${STARTS} starts (the ${STARTS} of 1,000 prior samples nearest the target in discriminator features), the same starts for both methods;`,
    '"Hessian": Adam on c with z = cU, U the eigenbasis of the mse metric averaged over 12 prior samples (in W for W and W+).',
    `Targets: ${TARGETS} generated images (seeds 500…) per model and space, and ${DATA_TARGETS} data images (held-out shapes renders,`,
    'Fashion-MNIST test images). Reported: the final perceptual distance (½·LPIPS-lite on the discriminator\'s features, the',
    'project\'s `perceptual`) and pixel MSE of the best start, mean ± sd over targets, and on how many targets the Hessian run ended lower.',
    '',
    'Paper (Table 5, min LPIPS over 4 starts, Hessian vs none): PGGAN CelebA 0.179 vs 0.207, BigGAN 0.162 vs 0.189 on real images; on',
    'GAN-generated targets PGGAN was *worse* with the Hessian basis (0.045 vs 0.027).',
    '',
    '| model | space | targets | perceptual, plain | perceptual, Hessian | Hessian lower on | pixel MSE, plain | pixel MSE, Hessian |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const groups = [...new Set(inv.map((r) => `${r.model}|${r.space}|${r.targets}`))];
  let better = 0, total = 0;
  for (const key of groups) {
    const [model, space, targets] = key.split('|');
    const of = (m: Precondition) => inv.filter((r) => r.model === model && r.space === space && r.targets === targets && r.method === m).sort((a, b) => a.index - b.index);
    const plain = of('none'), hess = of('hessian');
    const wins = hess.filter((h, i) => h.perceptual < plain[i].perceptual).length;
    better += wins; total += hess.length;
    const ms = (rows: InversionRow[], k: 'perceptual' | 'pixelMse') => `${f(mean(rows.map((r) => r[k])))} ± ${f(sd(rows.map((r) => r[k])))}`;
    lines.push(`| ${model} | ${space === 'wplus' ? 'W+' : space.toUpperCase()} | ${targets} | ${ms(plain, 'perceptual')} | ${ms(hess, 'perceptual')} | ${wins} of ${hess.length} | ${ms(plain, 'pixelMse')} | ${ms(hess, 'pixelMse')} |`);
  }
  lines.push('', `Over all ${total} target × space pairs the Hessian basis ended lower on ${better} (${f((100 * better) / Math.max(1, total), 0)} %).`, '',
    'Target | plain | Hessian, first four targets of each row:', '');
  for (const file of images) lines.push(`![${file}](img/${file})`, '');
  lines.push(...searchText(search, projections));
  return lines.join('\n') + '\n';
}

/** Part 2: the runs, the top-k projection of the full optimum, and what they say against the paper. */
function searchText(search: SearchRow[], projections: ProjectionRow[]): string[] {
  const seeds = [...new Set(search.map((s) => s.seed))];
  const lines = ['## 2. Search: CMA-ES vs Hessian CMA-ES', '',
    `CMA-ES (Hansen's defaults, λ = 4 + ⌊3 ln N⌋, σ₀ 0.2) from the seed's z (seeds ${seeds.join(', ')}), ${GENERATIONS} generations, maximising the discriminator's score`,
    '(an unbounded unit, as the paper\'s AlexNet units) and, on shapes, −x from the probe ("move it left");',
    'full latent space against the top-k eigen-coordinates of the averaged mse metric (12 prior samples) with steps ∝ λ^(−1/2.5) (RMS 1).',
    'Paper (§6, Fig. 5; no table): FC6GAN\'s search space cut from 4096 to 500 dimensions (12 %) "without impairing maximal activation',
    'values"; in BigGAN, Hessian CMA-ES reached higher activations than CMA-ES.', '',
    '| model | objective | method | dimensions | start | best, mean ± sd over seeds | population mean, last generation | best after 25 % of the generations | ‖z‖: start → mean, last generation |',
    '|---|---|---|---|---|---|---|---|---|'];
  const keys = [...new Set(search.map((s) => `${s.model}|${s.objective}|${s.method}|${s.k}`))];
  for (const key of keys) {
    const rows = search.filter((s) => `${s.model}|${s.objective}|${s.method}|${s.k}` === key);
    const quarter = Math.max(0, Math.floor(rows[0].curve.length / 4) - 1);
    const last = (xs?: number[]) => (xs && xs.length ? xs[xs.length - 1] : NaN);
    lines.push(`| ${rows[0].model} | ${rows[0].objective} | ${rows[0].method} | ${rows[0].k} | ${f(mean(rows.map((r) => r.start)))} | ${f(mean(rows.map((r) => r.best)))} ± ${f(sd(rows.map((r) => r.best)))} | ${f(mean(rows.map((r) => last(r.mean))))} | ${f(mean(rows.map((r) => r.curve[quarter])))} | ${f(mean(rows.map((r) => r.startNorm ?? NaN)), 2)} → ${f(mean(rows.map((r) => last(r.norm))), 2)} |`);
  }
  lines.push('', '![best and mean score, and code norm, per generation](img/inversion-search.png)', '');
  if (projections.length) {
    lines.push('**Does the top-k subspace lose the optimum?** The full search\'s best z, its offset from the start projected onto the top-k',
      'eigenvectors of the averaged metric and scored again; beside it the best Hessian CMA-ES found in those k coordinates (mean over seeds).', '',
      '| model | objective | k of n | offset inside the top k (energy) | full search\'s best | its top-k projection | Hessian CMA-ES best in k |', '|---|---|---|---|---|---|---|');
    for (const key of [...new Set(projections.map((p) => `${p.model}|${p.objective}|${p.k}`))]) {
      const rows = projections.filter((p) => `${p.model}|${p.objective}|${p.k}` === key);
      const hess = search.filter((s) => s.model === rows[0].model && s.objective === rows[0].objective && s.method === 'Hessian CMA-ES' && s.k === rows[0].k);
      const n = search.find((s) => s.model === rows[0].model && s.method === 'CMA-ES')?.k ?? NaN;
      lines.push(`| ${rows[0].model} | ${rows[0].objective} | ${rows[0].k} of ${n} | ${f(100 * mean(rows.map((r) => r.energy)), 0)} % | ${f(mean(rows.map((r) => r.full)))} | ${f(mean(rows.map((r) => r.projected)))} | ${f(mean(hess.map((r) => r.best)))} |`);
    }
    lines.push('');
  }
  lines.push(...searchVerdicts(search, projections), '',
    'The probe\'s targets are standardised to ±1 over the data; a search that pushes −x beyond 1 has found images the probe',
    'misreads (the shape leaves the frame or turns into something the probe never saw), not a shape further left than the data\'s.', '');
  return lines;
}

/** One sentence per model and objective, computed from the runs: which search got higher, and what the top-k projection kept. */
export function searchVerdicts(search: SearchRow[], projections: ProjectionRow[]): string[] {
  const out: string[] = [];
  for (const mo of [...new Set(search.map((s) => `${s.model}|${s.objective}`))]) {
    const rows = search.filter((s) => `${s.model}|${s.objective}` === mo);
    const full = rows.filter((r) => r.method === 'CMA-ES');
    const best = (k: number) => mean(rows.filter((r) => r.method === 'Hessian CMA-ES' && r.k === k).map((r) => r.best));
    const ks = [...new Set(rows.filter((r) => r.method === 'Hessian CMA-ES').map((r) => r.k))].sort((a, b) => a - b);
    const fullBest = mean(full.map((r) => r.best));
    const higher = ks.filter((k) => best(k) > fullBest);
    const proj = projections.filter((p) => `${p.model}|${p.objective}` === mo);
    const kept = (k: number) => { const ps = proj.filter((p) => p.k === k); return mean(ps.map((p) => (p.projected - p.start) / Math.max(1e-12, p.full - p.start))); };
    const smallest = ks[0];
    out.push(`- ${full[0].model}, ${full[0].objective}: full CMA-ES ${f(fullBest)}; Hessian CMA-ES ${ks.map((k) => `k=${k} ${f(best(k))}`).join(', ')} — ` +
      (higher.length ? `higher than the full search at k = ${higher.join(', ')}` : 'lower than the full search at every k') +
      (proj.length ? `; the full optimum projected onto the top ${smallest} keeps ${f(100 * kept(smallest), 0)} % of its gain over the start (top ${ks[ks.length - 1]}: ${f(100 * kept(ks[ks.length - 1]), 0)} %).` : '.'));
  }
  // Where the searches went: a mean far outside the prior's shell (‖z‖ ≈ √n) is an image the model never drew in training.
  const far = [...new Set(search.map((s) => `${s.model}|${s.objective}|${s.method}|${s.k}`))].map((key) => {
    const rows = search.filter((s) => `${s.model}|${s.objective}|${s.method}|${s.k}` === key);
    const n = search.find((s) => s.model === rows[0].model && s.method === 'CMA-ES')?.k ?? rows[0].k;
    const end = mean(rows.map((r) => r.norm?.[r.norm.length - 1] ?? NaN));
    return { name: `${rows[0].model} ${rows[0].objective} ${rows[0].method === 'CMA-ES' ? 'full' : `Hessian k=${rows[0].k}`}`, ratio: end / Math.sqrt(n) };
  }).filter((r) => r.ratio > 3).sort((a, b) => b.ratio - a.ratio);
  if (far.length) {
    out.push(`- Code norm: ${far.length} of the runs ended with the mean's ‖z‖ more than 3× the prior's √n — ${far.map((r) => `${r.name} (${f(r.ratio, 0)}×)`).join(', ')}. ` +
      'Hessian CMA-ES scales steps by λ^(−1/2.5), so the flattest of its k directions take the largest steps and the search walks far off the prior. ' +
      'shapes-style pixel-normalises z before its mapping, so there the norm changes nothing; the DCGANs do not normalise z, and a score gained far off the prior there is an image the model was never trained to draw (and the probe never trained to read).');
  }
  return out;
}

/** --replot: redraw the search curves and rewrite inversion.md and findings §8 from inversion.json (no recomputation). */
async function replot() {
  const j = JSON.parse(fs.readFileSync(path.join(OUT, 'inversion.json'), 'utf8')) as {
    generated: string; part1?: string; models: StudiedModel[]; inversions: InversionRow[]; strips?: string[]; searches: SearchRow[]; projections?: ProjectionRow[];
  };
  await plotSearches(j.searches);
  const strips = j.strips ?? readPrevious().strips;
  fs.writeFileSync(path.join(OUT, 'inversion.md'), text(j.models, j.part1 ?? j.generated, j.inversions, j.searches, j.projections ?? [], strips, j.generated));
  refreshFindings({ ...j, projections: j.projections ?? [] });
  fs.writeFileSync(path.join(OUT, 'inversion.json'), compactJson({ ...j, strips }));
  log(`rewrote ${path.relative(ROOT, OUT)}/inversion.md from inversion.json`);
}

(process.argv.includes('--replot') ? replot() : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
