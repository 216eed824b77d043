/**
 * `npm run bench` — timings on the wasm backend in Node, written to bench/results.json (medians of
 * repeated runs, and ratios between methods measured in the same run). Never asserted in tests.
 *
 * Per bundled model and latent space (z, and w for style models), side by side in one run: one-image render;
 * the floor (one batched forward of n, what any full Jacobian needs at least); the exact pixel metric with
 * forward-mode JVPs (with its reverse-mode check, and without it as sweeps compute it) and with the double-VJP trick; central differences (fd); Lanczos top-10 on HVPs; the bp
 * baseline of second-order backprops; the Local Basis (style models). When Debian's python3 has torch, the
 * PyTorch-CPU peer on the same weights and the same z (training/bench_torch.py, which reads the model's own
 * TF.js files): torch.autograd.functional.jacobian(strategy="forward-mode", vectorize=True) + JᵀJ, and one
 * batched forward of n + 1; the row says how far PyTorch's image and spectrum are from ours (same weights).
 * Every row records the machine's load (load average and the other busy processes) before and after.
 *
 * Then the float64 linear algebra ("linalg": our eigh and its top-k path vs ml-matrix vs numpy/LAPACK
 * on the same matrices, see scripts/bench-linalg.ts).
 *
 * Then slider-to-pixels latency in headless Chromium per backend, alone and with a metric sweep in the
 * job worker, with and without cross-origin isolation (threaded wasm), and a sweep's time with a pool of 1 and
 * of 2 job workers ("sweeps") (scripts/bench-browser.ts).
 *
 * `npm run bench -- --only models|linalg|browser` runs one part and keeps the other parts' last results
 * from bench/results.json.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useBackend } from './lib/tfnode';
import { dirFiles } from './lib/fsFiles';
import { loadGenerator } from '../src/model/load';
import type { LatentSpace } from '../src/model/generator';
import { latentIn } from '../src/engine/latent';
import { computeMetric, type MetricMethod } from '../src/geometry/metric';
import { localBasisOfGenerator } from '../src/geometry/localBasis';
import { benchLinalg } from './bench-linalg';
import { benchBrowser, benchSweeps } from './bench-browser';
import { machineLoad } from './lib/machineLoad';
import { spawnSync } from 'node:child_process';

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

const PYTHON = '/usr/bin/python3';

/** PyTorch is the speed peer when Debian's python3 can import it (training/README.md). */
function torchAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

interface TorchRow {
  torch: string;
  threads: number;
  jacobianMs: number;
  forwardMs: number;
  forwardBatch: number;
  eigenvaluesTop: number[];
  image: number[];
}

/** training/bench_torch.py on the same model folder, space and z (JSON in, JSON out). */
function benchTorch(dir: string, space: LatentSpace, z: ArrayLike<number>): TorchRow | { error: string } {
  const r = spawnSync(PYTHON, [path.join(root, 'training', 'bench_torch.py')], {
    input: JSON.stringify({ model: dir, space, z: Array.from(z), repeats: REPEATS }), encoding: 'utf8', maxBuffer: 64 << 20, timeout: 900_000,
  });
  if (r.status !== 0) return { error: (r.stderr || String(r.error)).trim().split('\n').slice(-1)[0] };
  return JSON.parse(r.stdout) as TorchRow;
}

async function benchModels(backend: 'wasm' | 'cpu'): Promise<Record<string, unknown>[]> {
  await useBackend(backend);
  const index = JSON.parse(fs.readFileSync(path.join(root, 'public', 'models', 'index.json'), 'utf8'));
  const withTorch = torchAvailable();
  const results: Record<string, unknown>[] = [];
  for (const id of index.models as string[]) {
    const dir = path.join(root, 'public', 'models', id);
    if (!fs.existsSync(path.join(dir, 'manifest.json'))) continue;
    const g = await loadGenerator(dirFiles(dir));
    const spaces: LatentSpace[] = g.isStyleBased ? ['z', 'w'] : ['z'];
    for (const space of spaces) {
      const loadBefore = await machineLoad();
      const z = g.samplePrior(1, 1);
      const x0 = tf.tidy(() => latentIn(g, tf.tensor2d(z, [1, g.zDim]), space));
      const f = (x: tf.Tensor) => g.generate(x, space);
      const n = x0.size;
      // Extra warm-up: the first model's first frames also pay for JIT and kernel setup of the process.
      for (let i = 0; i < 10; i++) tf.tidy(() => { f(x0).dataSync(); });
      // The 1-minute load average at the end of each figure, beside it.
      const loadAt: Record<string, number> = {};
      const timed = async (name: string, run: () => unknown, repeats = REPEATS) => {
        const ms = await time(run, repeats);
        loadAt[name] = Math.round(os.loadavg()[0] * 100) / 100;
        return ms;
      };
      const render = await timed('render', () => tf.tidy(() => { f(x0).dataSync(); }), 20);
      const floor = await timed('floor', () => tf.tidy(() => { f(tf.tile(x0, [n, 1])).dataSync(); }));
      const metric = (method: MetricMethod, jvp?: 'forward' | 'double-vjp', check = true) =>
        computeMetric(g, x0, { space, distance: 'mse', method, ...(jvp ? { jvp } : {}), k: method === 'lanczos' ? 10 : undefined, check });
      const metricMs = {
        exactForward: await timed('exactForward', () => metric('exact', 'forward')),
        // Without the reverse-mode check (what sweeps, averages and likelihood steps compute).
        exactForwardUnchecked: await timed('exactForwardUnchecked', () => metric('exact', 'forward', false)),
        exactDoubleVjp: await timed('exactDoubleVjp', () => metric('exact', 'double-vjp')),
        fd: await timed('fd', () => metric('fd')),
        lanczos: await timed('lanczos', () => metric('lanczos')),
        bp: await timed('bp', () => metric('bp'), 1),
      };
      const exact = await metric('exact', 'forward');
      // Local Basis (Choi Alg. 1): the mapping's Jacobian z → w and its SVD; once per style model.
      const localBasisMs = g.isStyleBased && space === 'z' ? await timed('localBasis', () => localBasisOfGenerator(g, z)) : undefined;
      let torch: Record<string, unknown> | undefined;
      if (withTorch) {
        const t = benchTorch(dir, space, z);
        loadAt.torch = Math.round(os.loadavg()[0] * 100) / 100;
        if ('error' in t) torch = { error: t.error };
        else {
          // Same weights? The image at the reference (NHWC, as both flatten it) and the spectrum's shape
          // (eigenvalue ratios λᵢ/λ₁: our mse metric may carry a constant factor).
          const ours = tf.tidy(() => f(x0).dataSync() as Float32Array);
          const imageMaxAbsDiff = ours.reduce((m, v, i) => Math.max(m, Math.abs(v - t.image[i])), 0);
          const top = Math.min(5, t.eigenvaluesTop.length);
          let spectrumRatioMaxDiff = 0;
          for (let i = 0; i < top; i++) spectrumRatioMaxDiff = Math.max(spectrumRatioMaxDiff, Math.abs(exact.eigenvalues[i] / exact.eigenvalues[0] - t.eigenvaluesTop[i] / t.eigenvaluesTop[0]));
          torch = {
            version: t.torch, threads: t.threads, jacobianMs: t.jacobianMs, forwardMs: t.forwardMs, forwardBatch: t.forwardBatch,
            sameWeights: { imageMaxAbsDiff, spectrumRatioMaxDiff, eigenvalueScale: exact.eigenvalues[0] / t.eigenvaluesTop[0] },
          };
        }
      }
      const torchMs = torch && typeof torch.jacobianMs === 'number' ? { jacobian: torch.jacobianMs as number, forward: torch.forwardMs as number } : null;
      const row = {
        model: id, space, n, backend, renderMs: render, floorMs: floor, metricMs, ...(localBasisMs !== undefined ? { localBasisMs } : {}),
        jvp: exact.jvp, ...(exact.fallbacks?.length ? { fallbacks: exact.fallbacks } : {}),
        ...(torch ? { torch } : { torch: withTorch ? null : 'python3 has no torch here' }),
        ratios: {
          exactOverFloor: metricMs.exactForward / floor,
          exactUncheckedOverFloor: metricMs.exactForwardUnchecked / floor,
          doubleVjpOverFloor: metricMs.exactDoubleVjp / floor,
          forwardOverDoubleVjp: metricMs.exactForward / metricMs.exactDoubleVjp,
          exactOverFd: metricMs.exactForward / metricMs.fd,
          bpOverExact: metricMs.bp / metricMs.exactForward,
          lanczos10OverExact: metricMs.lanczos / metricMs.exactForward,
          ...(torchMs ? { exactOverTorchJacobian: metricMs.exactForward / torchMs.jacobian, floorOverTorchForward: floor / torchMs.forward } : {}),
        },
        load: { before: loadBefore, atFigure: loadAt, after: await machineLoad() },
      };
      console.log(JSON.stringify({ ...row, load: { loadavg: row.load.before.loadavg, busy: row.load.before.busy.length } }));
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
  const sweeps = run('browser') ? await benchSweeps() : previous.sweeps;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const out = { date: new Date().toISOString(), node: process.version, repeats: REPEATS, ...(only ? { partial: `--only ${only}` } : {}), results, linalg, browser, sweeps };
  fs.writeFileSync(file, JSON.stringify(out, null, 1) + '\n');
  console.log(`wrote bench/results.json (${results.length} model rows, ${linalg?.eigh?.length ?? 0} eigh rows)`);
}

main().catch((e) => { console.error(e instanceof Error ? e.stack : e); process.exit(1); });
