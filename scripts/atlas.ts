/**
 * `npm run atlas -- <command> [options]` — the command-line face of src/: same loader, same math as the
 * app (bases and studies come from src/geometry, the code the job worker runs). JSON goes to stdout (or
 * --out FILE). `atlas --help` and `atlas <command> --help` print usage. Bad arguments and unknown models:
 * one line on stderr, exit 2. The commands live in scripts/atlas/<command>.ts; each also exports its study
 * for scripts/findings.ts.
 */
import fs from 'node:fs';
import { useBackend } from './lib/tfnode';
import { ModelLoadError } from '../src/model/errors';
import { parseArgs, UsageError, type Opts } from './atlas/common';
import { generate, localBasisCommand, map, metric } from './atlas/basic';
import { ascent, likelihood, veff } from './atlas/likelihood';
import { basisCommand } from './atlas/bases';
import { spectrum } from './atlas/spectrum';
import { grassmann } from './atlas/grassmann';
import { traverse } from './atlas/traverse';
import { compare } from './atlas/compare';
import { score } from './atlas/score';
import { layers } from './atlas/layers';
import { invert } from './atlas/invert';
import { search } from './atlas/search';
import { steer, steerApply, steerLimitsCommand } from './atlas/steer';
import { realism, walk } from './atlas/realism';
import { robustness } from './atlas/robustness';

interface Command {
  run: (o: Opts) => Promise<unknown>;
  options: readonly string[];
  /** Its options, for --help. */
  usage: string;
  /** What it does, in one line. */
  summary: string;
}

const MODEL = '--model ID|PATH';
const COMMANDS: Record<string, Command> = {
  generate: {
    run: generate, options: ['model', 'seed', 'count', 'latents', 'space', 'png'],
    usage: `${MODEL} (--seed S [--count C] | --latents FILE.json) [--space z|w|wplus] [--png FILE]`,
    summary: 'images of prior samples or given latents: raw outputs, and a PNG grid',
  },
  metric: {
    run: metric, options: ['model', 'seed', 'space', 'distance', 'method', 'k', 'jvp', 'repeat'],
    usage: `${MODEL} --seed S [--space z|w|wplus] [--distance mse|ssim|perceptual] [--method exact|fd|lanczos|bp] [--k K]\n  [--jvp forward|double-vjp] (how exact JVPs are taken; output 'fallbacks' names layers forward mode had no rule for)\n  [--repeat N] (N more calls after the first: 'ms' is their median, 'coldMs' the first call's time)`,
    summary: 'the metric H = JᵀJ at one latent: eigenvalues and eigenvectors',
  },
  basis: {
    run: basisCommand, options: ['model', 'seed', 'kind', 'from', 'space', 'k', 'distance', 'npy'],
    usage: `${MODEL} --seed S --kind metric|local|average|ganspace|sefa|random [--space z|w] [--k K] [--distance mse|ssim|perceptual] [--npy PREFIX]\n  or --from FILE --seed S [--model M] [--space z|w] [--k K] [--distance D] (directions from a file: the app's Export → Basis JSON or atlas basis output; kind 'imported', rates at this view)`,
    summary: 'the directions (k × n unit rows), values and rates √(vᵀHv) the app\'s sliders use for that view',
  },
  map: { run: map, options: ['model', 'latents'], usage: `${MODEL} --latents FILE.json`,
    summary: 'style models: the w of each z',
  },
  'local-basis': { run: localBasisCommand, options: ['model', 'seed'], usage: `${MODEL} --seed S`,
    summary: 'style models: Choi et al.\'s Local Basis at z',
  },
  spectrum: {
    run: spectrum, options: ['model', 'samples', 'seed', 'space', 'distance', 'alpha-samples'],
    usage: `${MODEL} --samples N [--seed S0] [--space z|w|wplus] [--distance D] [--alpha-samples A]`,
    summary: 'spectra, anisotropy, α(v) measured through the network vs its law, C^H, the averaged metric',
  },
  grassmann: {
    run: grassmann, options: ['model', 'samples', 'seed', 'close', 'k-max'],
    usage: `${MODEL} --samples N [--seed S0] [--close 0.1] [--k-max K]`,
    summary: 'style models: Choi et al. Fig. 8, Local Bases on the Grassmannian (the app\'s atlas sweep study)',
  },
  traverse: {
    run: traverse, options: ['model', 'seed', 'basis', 'index', 'steps', 'range', 'space', 'distance', 'spherical', 'curve', 'layers', 'samples', 'scale', 'png', 'frames'],
    usage: `${MODEL} --seed S --basis metric|local|average|ganspace|sefa|random [--index I] [--steps K] --range R [--space z|w]\n  [--distance D] [--spherical] [--curve N] [--layers coarse|middle|fine] [--samples M] [--scale X]
  [--png FILE] [--frames DIR]`,
    summary: 'a montage PNG along one direction, and/or its frames as PNGs (metric: R is the predicted image change; others: the latent step)',
  },
  compare: {
    run: compare, options: ['model', 'seed', 'bases', 'from', 'rows', 'columns', 'distance', 'extent', 'space', 'png'],
    usage: `${MODEL} --seed S [--bases metric,local,ganspace] (2 or 3) [--from FILE] (the basis 'imported': directions from a file)\n  [--rows R] [--columns C] [--distance D] [--extent E] [--space z|w] [--png FILE]`,
    summary: 'bases side by side (the app\'s Compare panel): top directions with factor labels on one predicted-change scale, |cos| and span overlaps',
  },
  likelihood: {
    run: likelihood, options: ['model', 'seed', 'space', 'eps', 'floor', 'probes', 'degree', 'power', 'margin', 'estimator-seed'],
    usage: `${MODEL} --seed S [--eps E] [--floor clamp|shift] [--probes P] [--degree m] [--power t] [--margin g] [--estimator-seed K]`,
    summary: 'Ramesh & LeCun: ln Q = ln p(z) − ½ ln det M at a seed, exact (Σ ln max(λ, ε), or Σ ln(λ + ε) with --floor shift) beside Algorithm 1\'s estimate',
  },
  ascent: {
    run: ascent, options: ['model', 'seed', 'space', 'steps', 'lr', 'eps', 'floor', 'gradient', 'every', 'png'],
    usage: `${MODEL} --seed S [--steps K] [--lr R] [--eps E] [--floor clamp|shift] [--gradient exact|estimator] [--every F] [--png FILE]`,
    summary: 'likelihood ascent in Z (Adam; exact gradient, or Algorithm 1 differentiated): ln Q, ln p, ln det, λmin, λmax per step, images of frames',
  },
  invert: {
    run: invert, options: ['model', 'target-seed', 'image', 'dataset-image', 'space', 'loss', 'alpha', 'beta', 'init', 'candidates', 'starts', 'steps', 'lr', 'tol', 'precondition', 'average-samples', 'seed', 'png'],
    usage: `${MODEL} (--target-seed S | --image FILE.png|.jpg | --dataset-image shapes:SEED|faces:SEED|fashion:INDEX) [--space z|w|wplus] [--loss diamond|pixel|perceptual] [--precondition none|hessian]\n  [--starts K] [--steps N] [--init nearest|random] [--candidates N] [--lr R] [--alpha A] [--beta B] [--tol T] [--average-samples M] [--seed S0] [--png FILE]`,
    summary: 'inversion (Wen et al. loss, Wang & Ponce preconditioning): the latent of a target image; `latents` feeds atlas generate --latents',
  },
  search: {
    run: search, options: ['model', 'objective', 'method', 'seed', 'generations', 'sigma', 'k', 'average-samples', 'png'],
    usage: `${MODEL} --objective discriminator|class:NAME|factor:NAME|-factor:NAME [--method cmaes|hessian-cmaes] [--seed S] [--generations G]\n  [--sigma 0.2] [--k K] [--average-samples M] [--png FILE]`,
    summary: 'CMA-ES on a score of the image (probe class or factor, discriminator), full space or Wang & Ponce\'s Hessian CMA-ES: curves per generation',
  },
  steer: {
    run: steer, options: ['model', 'edit', 'walk', 'space', 'steps', 'lr', 'loss', 'seed'],
    usage: `${MODEL} --edit zoom|shift-x|shift-y|rotate|color [--walk linear|nonlinear] [--space z|w] [--steps 2000] [--lr 1e-3]\n  [--loss l2|perceptual] [--seed S]`,
    summary: 'Jahanian et al.: learn a walk that zooms, shifts, rotates or recolours; the walk JSON (direction or networks) and its loss curve',
  },
  'steer-apply': {
    run: steerApply, options: ['model', 'walk', 'seed', 'alphas', 'png'],
    usage: `${MODEL} --walk WALK.json --alphas A1,A2,… [--seed S] [--png FILE]   (α in px, × field of view, °, or colour offset)`,
    summary: 'a learned walk\'s frames from one seed: {latents, shape, outputs} like generate',
  },
  'steer-limits': {
    run: steerLimitsCommand, options: ['model', 'walk', 'count', 'seed', 'alphas', 'control', 'control-seed', 'match', 'png'],
    usage: `${MODEL} --walk WALK.json [--count 64] [--seed S] [--alphas LIST] [--control none|random] [--match yes|no] [--png FILE]`,
    summary: 'requested vs achieved transformation per α, saturation, FD per α, Δμ vs the data\'s σ, nearest unsupervised directions',
  },
  robustness: {
    run: robustness, options: ['model', 'count', 'reference', 'guide-samples', 'guided-count', 'seed', 'png'],
    usage: `${MODEL} [--count 500] [--reference 2000] [--guide-samples 2000] [--guided-count 300] [--seed S] [--png FILE]`,
    summary: 'style models: Choi et al. Fig. 3–4, probe Fréchet distance vs intensity along GANSpace, SeFa, Local Basis, Curve-Traversal and random W directions; and guided / stochastic Curve-Traversal on a probe-built guide',
  },
  realism: {
    run: realism, options: ['model', 'count', 'improve-count', 'sigma', 'psi', 'seed', 'protos', 'inversion-steps', 'proto-steps', 'lambda', 'png'],
    usage: `${MODEL} --count N [--sigma auto|VALUE] [--psi 1,0.75,0.5,0.25,0.1] [--seed S] [--protos P] [--improve-count M] [--inversion-steps 100]\n  [--proto-steps 501] [--lambda 3] [--png FILE]`,
    summary: 'Wen et al.: baseline, truncation ψ, σ toward the mean protoimage and σ-optimised samples: probe Fréchet distance, share read confidently, factor spread',
  },
  walk: {
    run: walk, options: ['model', 'seed', 'target-seed', 'steps', 'png'],
    usage: `${MODEL} --seed S --target-seed T [--steps K] [--png FILE]`,
    summary: 'the hypersphere walk z_{k+1} = P(z_k + (z_k − z_{k−1})) from one seed towards another: latents, step angles, discriminator scores',
  },
  veff: {
    run: veff, options: ['model', 'samples', 'alpha', 'random', 'seed'],
    usage: `${MODEL} [--samples 12] [--alpha 0.6] [--random 16] [--seed S0]`,
    summary: 'effective dimension v_eff(τ): eigen-directions that change the image more than τ× a random one',
  },
  layers: {
    run: layers, options: ['model', 'seeds', 'seed'],
    usage: `${MODEL} [--seeds S] [--seed S0]`,
    summary: 'style models with a factor probe: which style layer range (coarse, middle, fine) holds which factor, against each range\'s share of image change',
  },
  score: {
    run: score, options: ['model', 'basis', 'seeds', 'seed', 'top', 'space', 'samples', 'method'],
    usage: `${MODEL} [--basis b1,b2,…] [--seeds S] [--seed S0] [--top K] [--space z|w] [--samples M] [--method exact|fd]`,
    summary: 'shapes models: factor alignment of each basis\'s top directions through the shapes probe (random included)',
  },
};

function help(command?: string): string {
  const model = 'ID is a bundled model; PATH a model folder, or its model.json or manifest.json. Every command takes --out FILE.';
  if (command && COMMANDS[command]) return `usage: atlas ${command} ${COMMANDS[command].usage}\n\n${COMMANDS[command].summary}\n${model}\n`;
  const list = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)}${c.summary}`);
  return `usage: atlas <command> [options]   (atlas <command> --help for its options)\n\ncommands:\n${list.join('\n')}\n\n${model}\n`;
}

/** Float64Arrays (kept for in-process callers) become plain arrays in the JSON. */
const replacer = (_key: string, value: unknown) => (value instanceof Float64Array ? Array.from(value) : value);

async function main() {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(help(argv[0] === 'help' ? argv[1] : undefined));
    return;
  }
  const { command, opts } = parseArgs(argv, (c) => COMMANDS[c]?.options);
  const cmd = COMMANDS[command];
  if (!cmd) throw new UsageError(`unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(', ')}; atlas --help)`);
  if (opts.flag('help')) {
    process.stdout.write(help(command));
    return;
  }
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
