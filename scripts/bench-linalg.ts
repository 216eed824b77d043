/**
 * `npx tsx scripts/bench-linalg.ts` — timings of the float64 linear algebra in Node, printed as JSON
 * (medians of REPEATS runs after one warm-up). For eigh it also runs numpy.linalg.eigh (LAPACK) on the
 * very same matrices when python3 with numpy is available, and reports both the time ratio and the
 * largest eigenvalue difference relative to ‖A‖ — the "validated against numpy/LAPACK" of DESIGN §3.
 * Never asserted in tests. Heavy at n = 512 (seconds per ml-matrix eigh): don't run it next to trainings.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eigh } from '../src/linalg/eigh';
import { svd } from '../src/linalg/svd';
import { Rng } from '../src/util/random';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const SIZES = [128, 256, 512];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(f: () => void): number {
  f(); // warm-up: JIT and allocation growth are not what we measure
  const ms: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  return a;
}

function hasNumpy(): boolean {
  return spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}

const NUMPY_EIGH = `
import sys, json, time
import numpy as np
n, path, repeats = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
a = np.fromfile(path, dtype='<f8').reshape(n, n)
np.linalg.eigh(a)
ts = []
for _ in range(repeats):
    t = time.perf_counter(); w, v = np.linalg.eigh(a); ts.append((time.perf_counter() - t) * 1000)
print(json.dumps({"ms": sorted(ts)[len(ts) // 2], "values": sorted(w.tolist(), reverse=True), "numpy": np.__version__}))
`;

interface NumpyEigh { ms: number; values: number[]; numpy: string }

function numpyEigh(a: Float64Array, n: number): NumpyEigh | { error: string } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-linalg-')), 'a.f64');
  try {
    fs.writeFileSync(file, Buffer.from(a.buffer, a.byteOffset, a.byteLength)); // little-endian on every platform we run
    const r = spawnSync('python3', ['-c', NUMPY_EIGH, String(n), file, String(REPEATS)], { encoding: 'utf8' });
    if (r.status !== 0) return { error: (r.stderr || `python3 exited with ${r.status}`).trim().split('\n').pop()! };
    return JSON.parse(r.stdout) as NumpyEigh;
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

function frobenius(a: Float64Array): number {
  let s = 0;
  for (const x of a) s += x * x;
  return Math.sqrt(s);
}

const numpy = hasNumpy();
const eighResults = SIZES.map((n) => {
  const a = randomSymmetric(n, n);
  let values: Float64Array = new Float64Array(0);
  const ms = time(() => { values = eigh(a, n).values; });
  const row: Record<string, unknown> = { n, mlMatrixMs: Math.round(ms * 10) / 10 };
  if (numpy) {
    const np = numpyEigh(a, n);
    if ('error' in np) row.numpyError = np.error;
    else {
      row.numpyMs = Math.round(np.ms * 100) / 100;
      row.ratio = Math.round((ms / np.ms) * 10) / 10;
      row.maxEigenvalueDiffRelative = Math.max(...np.values.map((v, i) => Math.abs(v - values[i]))) / frobenius(a);
      row.numpyVersion = np.numpy;
    }
  }
  return row;
});

// The Local Basis case: SVD of a mapping network's Jacobian, 64×32.
const rng = new Rng(1);
const jac = Float64Array.from({ length: 64 * 32 }, () => rng.normal());
const svdMs = time(() => svd(jac, 64, 32));

console.log(JSON.stringify({
  repeats: REPEATS,
  numpyAvailable: numpy,
  eigh: eighResults,
  svd64x32Ms: Math.round(svdMs * 100) / 100,
}, null, 2));
