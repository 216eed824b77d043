/**
 * `npm run bench` — timings on the wasm backend in Node, written to bench/results.json (medians of
 * repeated runs, and ratios between methods measured in the same run). Never asserted in tests.
 *
 * Per bundled model and latent space: one-image render; the Local Basis (style models); the pixel metric by each method of
 * computeMetric (exact batched double-VJP, central differences, Lanczos top-10 on HVPs, and the bp
 * baseline of second-order backprops), against the floor of n batched forward passes (what any full
 * Jacobian needs at least).
 *
 * Then the float64 linear algebra ("linalg": our eigh and its top-k path vs ml-matrix vs numpy/LAPACK
 * on the same matrices, see scripts/bench-linalg.ts).
 *
 * Then slider-to-pixels latency in headless Chromium per backend, alone and with a metric sweep in the
 * job worker (scripts/bench-browser.ts).
 *
 * `npm run bench -- --only models|linalg|browser` runs one part and keeps the other parts' last results
 * from bench/results.json.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { useBackend } from './lib/tfnode';
import { dirFiles } from './lib/fsFiles';
import { loadGenerator } from '../src/model/load';
import type { LatentSpace } from '../src/model/generator';
import { latentIn } from '../src/engine/latent';
import { computeMetric, METRIC_METHODS } from '../src/geometry/metric';
import { localBasisOfGenerator } from '../src/geometry/localBasis';
import { benchLinalg } from './bench-linalg';
import { benchBrowser } from './bench-browser';

const root = path.resolve(import.meta.dirname, '..');
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(f: () => unknown, repeats = REPEATS): Promise<number> {
  await f(); // warm-up: kernel setup and memory growth are not what we measure
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

async function benchModels(backend: 'wasm' | 'cpu'): Promise<Record<string, unknown>[]> {
  await useBackend(backend);
  const index = JSON.parse(fs.readFileSync(path.join(root, 'public', 'models', 'index.json'), 'utf8'));
  const results: Record<string, unknown>[] = [];
  for (const id of index.models as string[]) {
    const dir = path.join(root, 'public', 'models', id);
    if (!fs.existsSync(path.join(dir, 'manifest.json'))) continue;
    const g = await loadGenerator(dirFiles(dir));
    const spaces: LatentSpace[] = g.isStyleBased ? ['z', 'w'] : ['z'];
    for (const space of spaces) {
      const x0 = tf.tidy(() => latentIn(g, tf.tensor2d(g.samplePrior(1, 1), [1, g.zDim]), space));
      const f = (x: tf.Tensor) => g.generate(x, space);
      const n = x0.size;
      // Extra warm-up: the first model's first frames also pay for JIT and kernel setup of the process.
      for (let i = 0; i < 10; i++) tf.tidy(() => { f(x0).dataSync(); });
      const render = await time(() => tf.tidy(() => { f(x0).dataSync(); }), 20);
      const floor = await time(() => tf.tidy(() => { f(tf.tile(x0, [n, 1])).dataSync(); }));
      const methods: Record<string, number> = {};
      for (const method of METRIC_METHODS) {
        methods[method] = await time(() => computeMetric(g, x0, { space, distance: 'mse', method, k: method === 'lanczos' ? 10 : undefined }), method === 'bp' ? 1 : REPEATS);
      }
      // Local Basis (Choi Alg. 1): the mapping's Jacobian z → w and its SVD; once per style model.
      const z = g.samplePrior(1, 1);
      const localBasisMs = g.isStyleBased && space === 'z' ? await time(() => localBasisOfGenerator(g, z)) : undefined;
      const row = {
        model: id, space, n, backend, renderMs: render, floorMs: floor, metricMs: methods, ...(localBasisMs !== undefined ? { localBasisMs } : {}),
        ratios: { exactOverFloor: methods.exact / floor, exactOverFd: methods.exact / methods.fd, bpOverExact: methods.bp / methods.exact, lanczos10OverExact: methods.lanczos / methods.exact },
      };
      console.log(JSON.stringify(row));
      results.push(row);
      x0.dispose();
    }
    g.dispose();
  }
  return results;
}

async function main() {
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  const parts = ['models', 'linalg', 'browser'];
  if (only !== undefined && !parts.includes(only)) throw new Error(`--only takes one of ${parts.join(', ')}, got '${only}'`);
  const run = (part: string) => only === undefined || only === part;
  const file = path.join(root, 'bench', 'results.json');
  const previous = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  const backend = (process.env.BENCH_BACKEND ?? 'wasm') as 'wasm' | 'cpu';
  const results = run('models') ? await benchModels(backend) : previous.results ?? [];
  const linalg = run('linalg') ? await benchLinalg({ log: (line) => console.log(line) }) : previous.linalg;
  const browser = run('browser') ? await benchBrowser() : previous.browser;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const out = { date: new Date().toISOString(), node: process.version, repeats: REPEATS, ...(only ? { partial: `--only ${only}` } : {}), results, linalg, browser };
  fs.writeFileSync(file, JSON.stringify(out, null, 1) + '\n');
  console.log(`wrote bench/results.json (${results.length} model rows, ${linalg?.eigh?.length ?? 0} eigh rows)`);
}

main().catch((e) => { console.error(e instanceof Error ? e.stack : e); process.exit(1); });
