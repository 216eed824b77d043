/**
 * `npm run train -- <id> [--steps N] [--minutes M] [--eval N] [--every K]`
 * Trains one bundled model or probe on the wasm backend, resuming from checkpoints/<id>/ when present,
 * and writes the result to public/models/. Seeded and deterministic on wasm: the same id and --steps give
 * the same weights (a run cut by --minutes resumes where it stopped). --steps overrides the recipe's
 * step budget (the committed models record the steps they were trained for in their manifest).
 */
import path from 'node:path';
import { useBackend } from './lib/tfnode';
import { GAN_RECIPES, PROBE_RECIPES } from './train/recipes';
import { trainGan } from './train/gan';
import { trainProbe } from './train/probe';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`--${name} needs a positive number`);
    process.exit(2);
  }
  return v;
}

async function main() {
  const id = process.argv[2];
  const ids = [...Object.keys(PROBE_RECIPES), ...Object.keys(GAN_RECIPES)];
  if (!id || !ids.includes(id)) {
    console.error(`usage: npm run train -- <id> [--steps N] [--minutes M] [--eval N] [--every K]\n  ids: ${ids.join(', ')}`);
    process.exit(2);
  }
  await useBackend('wasm');
  const root = path.resolve(import.meta.dirname, '..');
  const modelsDir = path.join(root, 'public', 'models');
  if (PROBE_RECIPES[id]) {
    await trainProbe(PROBE_RECIPES[id], modelsDir);
    return;
  }
  const recipe = GAN_RECIPES[id];
  await trainGan({ ...recipe, steps: arg('steps', recipe.steps) }, {
    maxMinutes: arg('minutes', 90),
    checkpointDir: path.join(root, 'checkpoints'),
    outDir: modelsDir,
    evalCount: arg('eval', 1000),
    checkpointEvery: arg('every', 500),
  });
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
