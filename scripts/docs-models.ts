/**
 * `npx tsx scripts/docs-models.ts` — regenerates docs/models.md and docs/img/*: a sample grid per bundled
 * model (and public/models/<id>/samples.png, the picker's strip) and the quality table, measured in the
 * probes' feature spaces on the wasm backend with the app's own loader, on DOCS_SAMPLES (default 5,000)
 * fresh samples. 5,000 rather than the trainer's 2,000: at 2,000 a Fréchet distance in a 64-d feature space is too
 * noisy to judge a bar by (fashion-dcgan's shipped weights read 3.7–8.0 across draws of 2,000 samples and 2,000
 * real images, 3.9–5.2 across draws of 5,000; training/README) and biased upward by ~1/N. The 2,000-sample figure
 * is still given beside it, on the first 2,000 of each set, so earlier pages stay comparable. The measured Fréchet
 * distance and probe reading are written back into each manifest (`training.probeFrechetDistance`,
 * `training.quality`), so the manifest, this page and the README quote one figure.
 *
 * For each model: FD of real vs real (two disjoint real sets: the floor), generated vs real, and the
 * untrained generator of the same recipe (exported by the trainer to checkpoints/<id>/untrained) vs real.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { useBackend } from './lib/tfnode';
import { dirFiles } from './lib/fsFiles';
import { loadGenerator } from '../src/model/load';
import { loadLayersModelFromDir } from './lib/modelio';
import { frechetDistance, gaussianOf, probeFeatures, readProbe, realImages, type DataSource, type ProbeReading } from './lib/probeQuality';
import { writeGridPng } from './lib/png';
import { probeLayout, type ProbeLayout } from '../src/model/probeLayout';

const root = path.resolve(import.meta.dirname, '..');
const N = Number(process.env.DOCS_SAMPLES ?? 5000);
/** The sample count earlier pages and the trainer's evaluations quote; reported beside the N-sample figure. */
const N_EARLIER = Math.min(2000, N);
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

interface Recipe {
  kind: 'style' | 'dcgan'; data: DataSource; batch: number; lr: number; r1_gamma: number; r1_every: number;
  ema_half_life: number; mixing?: number; mapping_lr_mul?: number; g_channels: number[]; d_width: number[];
  d_full_res?: boolean; d_lr?: number; upsample?: 'nearest' | 'bilinear';
  class_balance?: number; class_confidence?: number; class_balance_readers?: number;
  stages?: { until?: number; lr: number; d_lr?: number; r1_gamma: number; from_best?: boolean; class_balance?: number; class_confidence?: number }[];
}

/** The class-balance terms of a stage (or of a recipe without stages), as a clause; '' when off. */
function balanceClause(st: { class_balance?: number; class_confidence?: number }, r: Recipe): string {
  const weight = st.class_balance ?? r.class_balance ?? 0;
  const confidence = st.class_confidence ?? r.class_confidence ?? 0;
  if (weight <= 0) return '';
  const readers = r.class_balance_readers ?? 1;
  const reader = readers > 1 ? `an ensemble of ${readers} frozen classifiers reads` : 'a frozen classifier reads';
  return `, class balance ${weight} (${reader} each sample's class; G is pushed toward the data's class shares)` +
    (confidence > 0 ? ` and class confidence ${confidence}` : '');
}

/** The objective and optimiser settings of a recipe, in one sentence. */
function recipeSentence(r: Recipe): string {
  const stages = r.stages?.map((st, i) => `${i === 0 ? 'to' : st.until ? `then to` : 'then'}${st.until ? ` step ${st.until}` : ''}${st.from_best ? ' from the best checkpoint so far (fresh Adam)' : ''}: lr ${st.lr}${st.d_lr ? ` (D: ${st.d_lr})` : ''}, R1 γ = ${st.r1_gamma}${balanceClause(st, r)}`).join('; ');
  const schedule = stages ? `in stages — ${stages} — with lazy R1 every ${r.r1_every} steps; Adam` : `lazy R1 γ = ${r.r1_gamma} every ${r.r1_every} steps${balanceClause({}, r)}; Adam lr ${r.lr}${r.d_lr ? ` (D: ${r.d_lr})` : ''},`;
  return `Objective: non-saturating GAN loss; ${schedule} β = (0, 0.99); ` +
    `EMA of G with a half-life of ${r.ema_half_life} steps; batch ${r.batch}; G channels ${r.g_channels.join('/')}, D widths ${r.d_width.join('/')}` +
    (r.d_full_res ? ' (with a full-resolution 3×3 conv after fromRGB)' : '') +
    (r.upsample === 'bilinear' ? '; G upsamples bilinearly' : '') +
    (r.kind === 'style' ? `; style mixing with probability ${r.mixing}; mapping learning-rate multiplier ${r.mapping_lr_mul}` : '') + '.';
}

async function generated(dir: string, count: number, seed: number): Promise<{ images: Float32Array; msPerImage: number }> {
  const g = await loadGenerator(dirFiles(dir));
  const [h, w, c] = g.outputShape;
  const images = new Float32Array(count * h * w * c);
  const t0 = performance.now();
  for (let i = 0; i < count; i += 250) {
    const m = Math.min(250, count - i);
    const img = tf.tidy(() => g.generate(tf.tensor2d(g.samplePrior(seed + i, m), [m, g.zDim]), 'z'));
    images.set(img.dataSync() as Float32Array, i * h * w * c);
    img.dispose();
  }
  const msPerImage = (performance.now() - t0) / count;
  g.dispose();
  return { images, msPerImage };
}

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

/** The model's data source: its recipe's, or (older manifests) its probe's. */
function sourceOf(manifest: { probe: string; training: { recipe?: Recipe } }): DataSource {
  return manifest.training.recipe?.data ?? (manifest.probe === 'shapes-probe' ? 'shapes' : 'fashion');
}

/** The smallest sd ratio (generated / real, as the probe reads them) over the targets, and which target it is. */
function minSpread(gen: ProbeReading, real: ProbeReading, layout: ProbeLayout): { ratio: number; target: string } {
  const ratios = layout.targets.map((_, j) => gen.factorStds[j] / Math.max(real.factorStds[j], 1e-9));
  const j = ratios.indexOf(Math.min(...ratios));
  return { ratio: ratios[j], target: layout.targets[j] };
}

/** The bars of the models issues, as tables: what the probe reads in generated vs real samples. */
function barLines(gen: ProbeReading, real: ProbeReading, layout: ProbeLayout): string[] {
  const lines: string[] = [];
  layout.categorical.forEach((g, k) => {
    const title = layout.categorical.length > 1 ? g.name : 'class';
    lines.push(`| ${title} (probe's reading) | generated | real |`, '|---|---|---|',
      ...g.classes.map((c, i) => `| ${c} | ${pct(gen.shares[k][i])} | ${pct(real.shares[k][i])} |`), '');
  });
  lines.push(`Read with confidence (${layout.categorical.length > 1 ? 'every categorical factor\'s top class at' : 'top class at'} p ≥ 0.9): ${pct(gen.confident)} of generated samples (real: ${pct(real.confident)}).`, '');
  if (gen.hueBins.length > 0) {
    const bg = layout.targets.indexOf('background');
    lines.push(`Hue coverage (12 bins of the circle, probe's reading): rarest bin ${pct(Math.min(...gen.hueBins))} (real ${pct(Math.min(...real.hueBins))}); ` +
      `background sd ${gen.factorStds[bg].toFixed(2)} (real ${real.factorStds[bg].toFixed(2)}).`, '');
  }
  if (layout.targets.length > 0) {
    const spread = minSpread(gen, real, layout);
    lines.push(`Spread: the smallest ratio of generated to real sd over the targets is ${spread.ratio.toFixed(2)} (${spread.target}).`, '',
      '| factor target (probe\'s reading) | generated mean ± sd | real mean ± sd | sd ratio |', '|---|---|---|---|',
      ...layout.targets.map((f, j) => `| ${f} | ${gen.factorMeans[j].toFixed(2)} ± ${gen.factorStds[j].toFixed(2)} | ${real.factorMeans[j].toFixed(2)} ± ${real.factorStds[j].toFixed(2)} | ${(gen.factorStds[j] / Math.max(real.factorStds[j], 1e-9)).toFixed(2)} |`), '');
  }
  return lines;
}

async function main() {
  await useBackend('wasm');
  const lines: string[] = [];
  const summary: Record<string, unknown> = {};
  const { models } = readJson(path.join(root, 'public', 'models', 'index.json')) as { models: string[] };
  const probeIds = new Set<string>();
  for (const id of models) {
    const dir = path.join(root, 'public', 'models', id);
    const manifestFile = path.join(dir, 'manifest.json');
    const manifest = readJson(manifestFile);
    // Models from the earlier tfjs-wasm trainer (removed) carry no recipe in their manifest.
    const recipe = manifest.training.recipe as Recipe | undefined;
    const source = sourceOf(manifest);
    const classFloor = source === 'fashion' ? 0.04 : 0.15;
    const [size, channels] = [manifest.output.height, manifest.output.channels];
    probeIds.add(manifest.probe);
    const probeDir = path.join(root, 'public', 'models', 'probes', manifest.probe);
    const probe = await loadLayersModelFromDir(path.join(probeDir, 'model'));
    const layout = probeLayout(readJson(path.join(probeDir, 'manifest.json')).outputs);
    const real = realImages(source, 77, 2 * N, size);
    const per = size * size * channels;
    const [realA, realB] = [real.images.subarray(0, N * per), real.images.subarray(N * per)];
    const dim = (probe.getLayer('features').output as tf.SymbolicTensor).shape[1] as number;
    const featuresOf = (imgs: Float32Array) => probeFeatures(probe, imgs, N);
    const fitFirst = (features: Float32Array, n: number) => gaussianOf(features.subarray(0, n * dim), n);
    const fA = featuresOf(realA);
    const gA = fitFirst(fA, N);
    const feats = (imgs: Float32Array) => fitFirst(featuresOf(imgs), N);
    const { images: gen, msPerImage } = await generated(dir, N, 1000);
    // The trainer exports the untrained generator of its recipe; it is this model's ceiling only if this model came from that recipe.
    const untrainedDir = path.join(root, 'checkpoints', id, 'untrained');
    const untrained = recipe && fs.existsSync(path.join(untrainedDir, 'manifest.json')) ? (await generated(untrainedDir, N, 1000)).images : null;
    const fGen = featuresOf(gen);
    const fd = {
      realVsReal: frechetDistance(gA, feats(realB)), generatedVsReal: frechetDistance(gA, fitFirst(fGen, N)),
      generatedVsRealEarlierN: frechetDistance(fitFirst(fA, N_EARLIER), fitFirst(fGen, N_EARLIER)),
      untrainedVsReal: untrained ? frechetDistance(gA, feats(untrained)) : null,
    };
    writeGridPng(path.join(root, 'docs', 'img', `${id}-grid.png`), gen, 64, size, size, channels, { cols: 8, scale: 3 });
    writeGridPng(path.join(root, 'docs', 'img', `${id}-real.png`), realA, 32, size, size, channels, { cols: 8, scale: 2 });
    // The model picker's sample strip: the first 8 samples, native size, shipped beside the model.
    writeGridPng(path.join(dir, 'samples.png'), gen, 8, size, size, channels, { cols: 8, scale: 1 });
    const readGen = readProbe(probe, gen, N, layout);
    const readReal = readProbe(probe, realA, N, layout);
    summary[id] = { fd, msPerImageBatched: msPerImage, probeOnGenerated: readGen, probeOnReal: readReal, training: manifest.training };
    manifest.training.probeFrechetDistance = fd.generatedVsReal;
    manifest.training.quality = {
      samples: N, floor: fd.realVsReal, [`fdAt${N_EARLIER}`]: fd.generatedVsRealEarlierN, untrained: fd.untrainedVsReal, classShare: readGen.classShare, confident: readGen.confident,
      ...(layout.categorical.length > 1 ? { shares: Object.fromEntries(layout.categorical.map((g, k) => [g.name, readGen.shares[k]])) } : {}),
      ...(source === 'shapes' ? { rarestHueBin: Math.min(...readGen.hueBins), backgroundSd: readGen.factorStds[layout.targets.indexOf('background')] } : {}),
      ...(source === 'faces' ? { minSdRatio: minSpread(readGen, readReal, layout).ratio } : {}),
    };
    fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
    const t = manifest.training;
    lines.push(`## ${manifest.name} (\`${id}\`)`, '', manifest.description, '',
      `![samples of ${id}](img/${id}-grid.png)`, '',
      `64 samples from seeds 1000…; real data for comparison: [img/${id}-real.png](img/${id}-real.png).`, '',
      ...(recipe
        ? [`Trained ${t.steps} steps (batch ${t.batch}) in ${(t.seconds / 60).toFixed(0)} min with PyTorch on the CPU (\`training/\`); ` +
          'shipped: the EMA checkpoint with the lowest probe FD during training (2,000 samples each) among those whose rarest class ' +
          `clears ${100 * classFloor} %` + (t.trainingScore.rarestClass >= classFloor ? '.'
            : ` — **none did** (the shipped one's rarest class read ${pct(t.trainingScore.rarestClass)} while training), so simply the lowest FD.`),
          '', recipeSentence(recipe), '']
        : [`Trained ${t.steps} steps (batch ${t.batch}) in ${(t.seconds / 60).toFixed(0)} min by the earlier tfjs-wasm trainer, since removed ` +
          '(its recipe, an encoder-anchored GAN, is in the git history before `training/` existed); the PyTorch retrain below is not shipped yet (training/README.md says where it stands).', '']),
      '| Fréchet distance in the probe\'s feature space | value |', '|---|---|',
      `| real vs real (floor, ${N} vs ${N}) | ${fd.realVsReal.toFixed(3)} |`,
      `| **generated vs real** | **${fd.generatedVsReal.toFixed(3)}** |`,
      ...(N_EARLIER < N ? [`| generated vs real, the first ${N_EARLIER} of each (as earlier pages and the trainer measure) | ${fd.generatedVsRealEarlierN.toFixed(3)} |`] : []),
      `| untrained generator vs real (ceiling) | ${fd.untrainedVsReal === null ? 'not exported' : fd.untrainedVsReal.toFixed(3)} |`, '');
    const historyFile = path.join(root, 'checkpoints', id, 'history.json');
    if (!recipe && fs.existsSync(historyFile)) {
      const history = readJson(historyFile) as { step: number; fd: number; rarestClass: number }[];
      const best = history.reduce((a, h) => (h.fd < a.fd ? h : a));
      lines.push(`The PyTorch retrain in \`checkpoints/${id}/\` (probe FD of the EMA generator on 2,000 samples at each evaluation): best FD ${best.fd.toFixed(1)} at step ${best.step} with its rarest class at ${pct(best.rarestClass)}; all evaluations: ${history.map((h) => `${h.step}: ${h.fd.toFixed(1)} (${pct(h.rarestClass)})`).join(' · ')}.`, '');
    }
    if (recipe && fs.existsSync(historyFile)) {
      const history = readJson(historyFile) as { step: number; fd: number; rarestClass: number }[];
      lines.push(`Probe FD of the EMA generator during training (2,000 samples each; in brackets the rarest class): ${history.map((h) => `${h.step}: ${h.fd.toFixed(1)} (${pct(h.rarestClass)})`).join(' · ')}.`, '');
    }
    if (t.weightMotion) {
      const motion = Object.entries(t.weightMotion as Record<string, number>);
      lines.push(`How far training moved each kernel from its initial value (‖W − W₀‖ / ‖W₀‖): ${motion.map(([k, v]) => `${k.replace(/\.(kernel|weight)$/, '')} ${v.toFixed(2)}`).join(', ')}.`, '');
    }
    lines.push(...barLines(readGen, readReal, layout));
    console.log(id, JSON.stringify(fd), `${msPerImage.toFixed(2)} ms/image batched`);
  }
  const probeLines = [...probeIds].map((pid) => {
    const m = readJson(path.join(root, 'public', 'models', 'probes', pid, 'manifest.json'));
    const held = m.training.heldOut;
    const r2 = Object.entries(held).filter(([k]) => k.startsWith('r2_')).map(([k, v]) => `${k.slice(3)} ${(v as number).toFixed(3)}`).join(', ');
    const accuracy = Object.entries(held).filter(([k]) => k.startsWith('accuracy')).map(([k, v]) => `accuracy${k.slice(8).replace('_', ' ')} ${pct(v as number)}`).join(', ');
    return `| \`${pid}\` | ${m.description} | ${accuracy}${r2 ? `; R²: ${r2}` : ''} | ${m.training.steps} steps, ${Math.round(m.training.seconds / 60)} min |`;
  });
  const doc = ['# Bundled models', '',
    'Every model here was trained by this project\'s own scripts (`npm run train -- <id>`: PyTorch on the CPU, `training/`,',
    'seeded and resumable) on a 2-core machine without a GPU, and exported to the TF.js layers format the app loads.',
    'This page is generated by `npx tsx scripts/docs-models.ts`; the numbers below are what that script measured on the',
    'committed weights, with the app\'s own loader on the wasm backend.', '',
    '## Probes', '', 'Small CNNs that give the quality figures (Fréchet distances in their 64-d `features` layer) and, for shapes and faces, the',
    'ground-truth reading of generated images. Held-out figures on 2,000 fresh images:', '',
    '| probe | what it predicts | held-out | training |', '|---|---|---|---|', ...probeLines, '', ...lines].join('\n');
  fs.writeFileSync(path.join(root, 'docs', 'models.md'), doc + '\n');
  fs.writeFileSync(path.join(root, 'docs', 'models.json'), JSON.stringify(summary, null, 1) + '\n');
}

main().catch((e) => { console.error(e instanceof Error ? e.stack : e); process.exit(1); });
