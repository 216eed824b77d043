/**
 * `npx tsx scripts/docs-models.ts` — regenerates docs/models.md and docs/img/*: a sample grid per
 * bundled model (and public/models/<id>/samples.png, the picker's strip) and the quality table, all measured in the probes' feature spaces on the wasm backend.
 *
 * For each model: Fréchet distance (FD) of real vs real (two disjoint real sets: the floor), generated
 * vs real, and an untrained generator of the same architecture vs real (the ceiling). For shapes models,
 * the probe's reading of generated samples: class frequencies and factor distributions vs the data.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { useBackend } from './lib/tfnode';
import { dirFiles } from './lib/fsFiles';
import { loadGenerator } from '../src/model/load';
import { loadLayersModelFromDir } from './lib/modelio';
import { GAN_RECIPES, PROBE_RECIPES, type GanRecipe } from './train/recipes';
import { ADAM_BETAS, buildGenerator, sampleImages } from './train/gan';
import { openStream } from './train/data';
import { frechetDistance, gaussianOf, probeFeatures, readProbe } from './train/quality';
import { writeGridPng } from './lib/png';
import { Rng } from '../src/util/random';
import { FACTOR_TARGET_NAMES, SHAPE_CLASSES } from '../src/data/shapes';

const root = path.resolve(import.meta.dirname, '..');
const N = Number(process.env.DOCS_SAMPLES ?? 2000);

/** The objective and optimiser settings of a GAN recipe, in one sentence. */
function recipeSentence(r: GanRecipe): string {
  const objective = r.anchor
    ? `Objective: non-saturating GAN loss plus an encoder anchor (VAE-GAN: a training-only encoder q(z|x), and G reconstructs every real image from a posterior sample with weight ${r.anchor.reconstruction} on the mean squared error plus the posterior's KL to N(0, I) per pixel), so no real mode can be dropped`
    : 'Objective: non-saturating GAN loss';
  return `${objective}; lazy R1 γ = ${r.r1Gamma} every ${r.r1Every} steps; Adam lr ${r.lr}, β = (${ADAM_BETAS.join(', ')}); EMA of G with a half-life of ${r.emaHalfLifeSteps} steps` +
    (r.kind === 'style' ? `; style mixing with probability ${r.mixing}` : '') + '.';
}

async function generated(id: string, count: number, seed: number): Promise<{ images: Float32Array; msPerImage: number }> {
  const g = await loadGenerator(dirFiles(path.join(root, 'public', 'models', id)));
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

async function main() {
  await useBackend('wasm');
  const lines: string[] = [];
  const summary: Record<string, unknown> = {};
  for (const r of Object.values(GAN_RECIPES)) {
    const dir = path.join(root, 'public', 'models', r.id);
    if (!fs.existsSync(path.join(dir, 'manifest.json'))) { console.log(`skip ${r.id}: not trained yet`); continue; }
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    const probe = await loadLayersModelFromDir(path.join(root, 'public', 'models', 'probes', r.probe, 'model'));
    const classes = PROBE_RECIPES[r.probe].data === 'shapes' ? SHAPE_CLASSES.length : 10;
    const realA = openStream(r.data, r.seed + 5, r.size, 'test').batch(0, N);
    const realB = openStream(r.data, r.seed + 6, r.size, 'test').batch(1, N);
    const feats = (imgs: Float32Array) => gaussianOf(probeFeatures(probe, imgs, N, r.size, r.size, r.channels), N);
    const gA = feats(realA.images);
    const { images: gen, msPerImage } = await generated(r.id, N, 1000);
    const untrained = sampleImages(r, buildGenerator(r), new Rng(99).normals(N * r.spec.zDim), N);
    const fd = { realVsReal: frechetDistance(gA, feats(realB.images)), generatedVsReal: frechetDistance(gA, feats(gen)), untrainedVsReal: frechetDistance(gA, feats(untrained)) };
    writeGridPng(path.join(root, 'docs', 'img', `${r.id}-grid.png`), gen, 64, r.size, r.size, r.channels, { cols: 8, scale: 3 });
    writeGridPng(path.join(root, 'docs', 'img', `${r.id}-real.png`), realA.images, 32, r.size, r.size, r.channels, { cols: 8, scale: 2 });
    // The model picker's sample strip: the first 8 samples, native size, shipped beside the model.
    writeGridPng(path.join(dir, 'samples.png'), gen, 8, r.size, r.size, r.channels, { cols: 8, scale: 1 });
    const readGen = readProbe(probe, gen, N, r, classes);
    const readReal = readProbe(probe, realA.images, N, r, classes);
    summary[r.id] = { fd, msPerImageBatched: msPerImage, probeOnGenerated: readGen, probeOnReal: readReal, training: manifest.training };
    lines.push(`## ${manifest.name} (\`${r.id}\`)`, '', manifest.description, '',
      `![samples of ${r.id}](img/${r.id}-grid.png)`, '',
      `64 samples from seeds 1000…; real data for comparison: [img/${r.id}-real.png](img/${r.id}-real.png).`, '',
      `Trained ${manifest.training.steps} steps (batch ${manifest.training.batch}) in ${(manifest.training.seconds / 60).toFixed(0)} min on the wasm backend; ` +
        (r.data === 'shapes'
          ? 'shipped: the checkpoint with the lowest probe FD among those whose rarest shape class clears 10 % by two standard errors (1,000 samples).'
          : 'shipped: the checkpoint with the lowest probe FD.'), '',
      recipeSentence(r), '',
      '| Fréchet distance in the probe\'s feature space | value |', '|---|---|',
      `| real vs real (floor, ${N} vs ${N}) | ${fd.realVsReal.toFixed(3)} |`,
      `| **generated vs real** | **${fd.generatedVsReal.toFixed(3)}** |`,
      `| untrained generator vs real (ceiling) | ${fd.untrainedVsReal.toFixed(3)} |`, '');
    const historyFile = path.join(root, 'checkpoints', r.id, 'history.json');
    if (fs.existsSync(historyFile)) {
      const history = JSON.parse(fs.readFileSync(historyFile, 'utf8')) as { step: number; fid: number; rarestClass?: number }[];
      const entry = (h: (typeof history)[number]) => `${h.step}: ${h.fid.toFixed(1)}` + (h.rarestClass === undefined ? '' : ` (${(100 * h.rarestClass).toFixed(1)} %)`);
      lines.push(`Probe FD of the EMA generator during training (1,000 samples each${r.data === 'shapes' ? '; in brackets the rarest shape class' : ''}): ${history.map(entry).join(' · ')}.`, '');
    }
    const classNames = classes === 4 ? [...SHAPE_CLASSES] : JSON.parse(fs.readFileSync(path.join(root, 'public', 'models', 'probes', r.probe, 'manifest.json'), 'utf8')).outputs.classes;
    const rarest = Math.min(...readGen.classFreq);
    lines.push('| class (probe\'s reading) | generated | real |', '|---|---|---|',
      ...classNames.map((c: string, i: number) => `| ${c} | ${(100 * readGen.classFreq[i]).toFixed(1)} % | ${(100 * readReal.classFreq[i]).toFixed(1)} % |`), '',
      ...(r.data === 'shapes' ? [`Rarest shape class among generated samples: ${(100 * rarest).toFixed(1)} % (${rarest >= 0.1 ? 'every class ≥ 10 %' : '**below the 10 % bar: not every class is covered**'}).`, ''] : []));
    if (r.data === 'shapes') {
      lines.push('| factor target (probe\'s reading) | generated mean ± sd | real mean ± sd |', '|---|---|---|',
        ...FACTOR_TARGET_NAMES.map((f, j) => `| ${f} | ${readGen.factorMeans[j].toFixed(2)} ± ${readGen.factorStds[j].toFixed(2)} | ${readReal.factorMeans[j].toFixed(2)} ± ${readReal.factorStds[j].toFixed(2)} |`), '');
    }
    console.log(r.id, JSON.stringify(fd), `${msPerImage.toFixed(2)} ms/image batched`);
  }
  const probeLines = Object.values(PROBE_RECIPES).map((p) => {
    const m = JSON.parse(fs.readFileSync(path.join(root, 'public', 'models', 'probes', p.id, 'manifest.json'), 'utf8'));
    const held = m.training.heldOut;
    const r2 = Object.entries(held).filter(([k]) => k.startsWith('r2_')).map(([k, v]) => `${k.slice(3)} ${(v as number).toFixed(3)}`).join(', ');
    return `| \`${p.id}\` | ${m.description} | accuracy ${(100 * held.accuracy).toFixed(1)} %${r2 ? `; R²: ${r2}` : ''} | ${m.training.steps} steps, ${Math.round(m.training.seconds / 60)} min |`;
  });
  const doc = ['# Bundled models', '',
    'Every model here was trained by this project\'s own scripts (`npm run train -- <id>`, seeded and resumable) on the',
    'wasm backend in Node, on a 2-core machine without a GPU. This page is generated by `npx tsx scripts/docs-models.ts`;',
    'the numbers below are what that script measured on the committed weights.', '',
    '## Probes', '', 'Small CNNs that give the quality figures (Fréchet distances in their 64-d `features` layer) and, for shapes, the',
    'ground-truth reading of generated images. Held-out figures on 2,000 fresh images:', '',
    '| probe | what it predicts | held-out | training |', '|---|---|---|---|', ...probeLines, '', ...lines].join('\n');
  fs.writeFileSync(path.join(root, 'docs', 'models.md'), doc + '\n');
  fs.writeFileSync(path.join(root, 'docs', 'models.json'), JSON.stringify(summary, null, 1) + '\n');
}

main().catch((e) => { console.error(e instanceof Error ? e.stack : e); process.exit(1); });
