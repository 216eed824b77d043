/**
 * `npm run atlas -- <command> [options]` — the command-line face of src/: same loader, same math.
 * JSON goes to stdout (or --out FILE). Bad arguments and unknown models: one line on stderr, exit 2.
 * The commands live in scripts/atlas/<command>.ts; each also exports its study for scripts/findings.ts.
 *
 *   generate    --model ID (--seed S [--count C] | --latents FILE.json) [--space z|w|wplus] [--png FILE]
 *   metric      --model ID --seed S [--space z|w|wplus] [--distance mse|ssim|perceptual] [--method exact|fd|lanczos|bp] [--k K]
 *   map         --model ID --latents FILE.json            (style models: the w of each z)
 *   local-basis --model ID --seed S                       (style models: Choi et al.'s Local Basis at z)
 *   spectrum    --model ID --samples N [--seed S0] [--space z|w|wplus] [--distance D] [--alpha-samples A]
 *               per-sample spectra, anisotropy dims, α(v) vs its law, C^H (linear, log), averaged metric
 *   grassmann   --model ID --samples N [--seed S0] [--close 0.1] [--k-max K]      (style models: Choi Fig. 8)
 *   traverse    --model ID --seed S --basis hessian|local|average|ganspace|sefa [--index I] [--steps K]
 *               --range R [--space z|w] [--distance D] [--spherical] [--curve N] [--layers coarse|middle|fine] [--samples M] [--scale X] --png FILE
 *   score       --model ID [--basis b1,b2,…] [--seeds S] [--seed S0] [--top K] [--space z|w] [--samples M] [--method exact|fd]
 *               (shapes models: factor alignment of each basis's top directions, through the shapes probe)
 */
import fs from 'node:fs';
import { useBackend } from './lib/tfnode';
import { ModelLoadError } from '../src/model/errors';
import { parseArgs, UsageError, type Opts } from './atlas/common';
import { generate, localBasisCommand, map, metric } from './atlas/basic';
import { spectrum } from './atlas/spectrum';
import { grassmann } from './atlas/grassmann';
import { traverse } from './atlas/traverse';
import { score } from './atlas/score';

interface Command {
  run: (o: Opts) => Promise<unknown>;
  options: readonly string[];
}

const COMMANDS: Record<string, Command> = {
  generate: { run: generate, options: ['model', 'seed', 'count', 'latents', 'space', 'png'] },
  metric: { run: metric, options: ['model', 'seed', 'space', 'distance', 'method', 'k'] },
  map: { run: map, options: ['model', 'latents'] },
  'local-basis': { run: localBasisCommand, options: ['model', 'seed'] },
  spectrum: { run: spectrum, options: ['model', 'samples', 'seed', 'space', 'distance', 'alpha-samples'] },
  grassmann: { run: grassmann, options: ['model', 'samples', 'seed', 'close', 'k-max'] },
  traverse: { run: traverse, options: ['model', 'seed', 'basis', 'index', 'steps', 'range', 'space', 'distance', 'spherical', 'curve', 'layers', 'samples', 'scale', 'png'] },
  score: { run: score, options: ['model', 'basis', 'seeds', 'seed', 'top', 'space', 'samples', 'method'] },
};

/** Float64Arrays (kept for in-process callers) become plain arrays in the JSON. */
const replacer = (_key: string, value: unknown) => (value instanceof Float64Array ? Array.from(value) : value);

async function main() {
  const argv = process.argv.slice(2);
  const { command, opts } = parseArgs(argv, (c) => COMMANDS[c]?.options);
  const cmd = COMMANDS[command];
  if (!cmd) throw new UsageError(`unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
  await useBackend('wasm');
  const out = JSON.stringify(await cmd.run(opts), replacer);
  if (opts.has('out')) fs.writeFileSync(opts.str('out')!, out + '\n');
  else process.stdout.write(out + '\n');
}

main().catch((e) => {
  if (e instanceof UsageError || e instanceof ModelLoadError) {
    console.error(`atlas: ${e.message}`);
    process.exit(2);
  }
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
