/**
 * Timings of the float64 linear algebra in Node, side by side with ml-matrix and numpy/LAPACK on the very
 * same matrices in one run. `npx tsx scripts/bench-linalg.ts` prints the JSON; `npm run bench` (scripts/
 * bench.ts) calls `benchLinalg` and stores it under "linalg" in bench/results.json. Never asserted in tests.
 *
 * eigh at n = 128, 256, 512 on a random symmetric matrix: ours (src/linalg/eigh.ts), ml-matrix's
 * EigenvalueDecomposition (what eigh wrapped before), and numpy.linalg.eigh (LAPACK dsyevd) from every
 * distinct numpy found: Debian's python3-numpy (/usr/bin/python3: reference BLAS/LAPACK unless an
 * optimised libblas is installed) and whatever `python3` is first on PATH (here a pip wheel with OpenBLAS).
 * numpy runs single-threaded (OPENBLAS/OMP/MKL_NUM_THREADS=1, like our code; BENCH_NUMPY_THREADS overrides)
 * and reports which BLAS/LAPACK libraries it had loaded. Also the top-k path (eighTop, k = 10 and 32).
 *
 * Each time is the median of ≈ BENCH_REPEATS runs after a warm-up, as wall time (`ms`) and as process CPU
 * time (`cpuMs`), plus the fastest run's CPU time (`minCpuMs`): on a loaded machine CPU time is steadier
 * than wall time, and the minimum the least disturbed. Ours and numpy are timed in alternating rounds of
 * two runs each, so both see the same load; the load average is recorded.
 * Accuracy rides along: our residual ‖AV − VΛ‖_F/‖A‖_F, orthogonality max|VVᵀ − I|, and the largest
 * eigenvalue difference to each numpy relative to ‖A‖_F.
 * Heavy at n = 512 (seconds per ml-matrix eigh).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { eigh, eighTop } from '../src/linalg/eigh';
import { svd } from '../src/linalg/svd';
import { orthonormalityError } from '../src/linalg/testing';
import { Rng } from '../src/util/random';

const SIZES = [128, 256, 512];
const TOP_K = [10, 32];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

interface Timing { ms: number; cpuMs: number; minCpuMs: number }
interface Samples { ms: number[]; cpu: number[] }

const summary = (s: Samples): Timing => ({ ms: round(median(s.ms)), cpuMs: round(median(s.cpu)), minCpuMs: round(Math.min(...s.cpu)) });

/**
 * Warm-up: JIT tier-up and allocation growth are not what we measure. On a loaded machine V8's
 * background compiler can lag for a second or more (n = 128 measured 40–90 ms a call for the first calls
 * after a 250 ms warm-up, 7 ms after), so: at least 5 calls and 1.5 s (one call if that is longer).
 */
function warm(f: () => void): void {
  const start = performance.now();
  for (let calls = 0; calls < 5 || performance.now() - start < 1500;) {
    f();
    calls++;
    if (calls === 1 && performance.now() - start > 1500) break;
  }
}

function sample(f: () => void, repeats: number, into: Samples = { ms: [], cpu: [] }): Samples {
  for (let i = 0; i < repeats; i++) {
    const t = performance.now(), c = cpuNow();
    f();
    into.ms.push(performance.now() - t);
    into.cpu.push(cpuNow() - c);
  }
  return into;
}

function time(f: () => void, repeats: number): Timing {
  warm(f);
  return summary(sample(f, repeats));
}

function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  return a;
}

function mlMatrixEigh(a: Float64Array, n: number): void {
  const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)));
  const m = new Matrix(rows);
  void new EigenvalueDecomposition(m.add(m.transpose()).div(2), { assumeSymmetric: true }).realEigenvalues;
}

function frobenius(a: Float64Array): number {
  let s = 0;
  for (const x of a) s += x * x;
  return Math.sqrt(s);
}

function residual(a: Float64Array, n: number, values: Float64Array, vectors: Float64Array): number {
  let sq = 0;
  for (let q = 0; q < values.length; q++) {
    const v = vectors.subarray(q * n, (q + 1) * n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * v[j];
      sq += (s - values[q] * v[i]) ** 2;
    }
  }
  return Math.sqrt(sq) / frobenius(a);
}

// --- numpy ---------------------------------------------------------------------------------------------

const NUMPY_PROBE = `
import json, os, sys, numpy as np
np.linalg.eigh(np.eye(3))
libs = sorted({l.split()[-1] for l in open('/proc/self/maps') if any(k in l.lower() for k in ('blas', 'lapack'))})
print(json.dumps({"python": sys.executable, "numpy": np.__version__, "path": os.path.realpath(np.__file__), "libraries": libs}))
`;

const NUMPY_EIGH = `
import sys, json, time
import numpy as np
n, path, repeats = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
a = np.fromfile(path, dtype='<f8').reshape(n, n)
start = time.perf_counter()
while time.perf_counter() - start < 0.1: np.linalg.eigh(a)
ms, cpu = [], []
for _ in range(repeats):
    t, c = time.perf_counter(), time.process_time()
    w, v = np.linalg.eigh(a)
    ms.append((time.perf_counter() - t) * 1000); cpu.append((time.process_time() - c) * 1000)
print(json.dumps({"ms": ms, "cpuMs": cpu, "values": sorted(w.tolist(), reverse=True)}))
`;

interface NumpyInfo { label: string; python: string; numpy: string; path: string; libraries: string[] }

function numpyEnv(): NodeJS.ProcessEnv {
  const threads = process.env.BENCH_NUMPY_THREADS ?? '1';
  return { ...process.env, OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads, MKL_NUM_THREADS: threads };
}

/** Every distinct numpy among Debian's python3 and the python3 on PATH. */
function findNumpys(): NumpyInfo[] {
  const found: NumpyInfo[] = [];
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['-c', NUMPY_PROBE], { encoding: 'utf8', env: numpyEnv() });
    if (r.status !== 0) continue;
    const info = JSON.parse(r.stdout) as Omit<NumpyInfo, 'label'>;
    if (found.some((f) => f.path === info.path)) continue;
    const debian = info.path.startsWith('/usr/lib/python3/dist-packages/');
    const blas = info.libraries.map((l) => path.basename(l)).join(', ') || 'unknown';
    found.push({ ...info, label: `${debian ? 'Debian python3-numpy' : 'numpy'} ${info.numpy} (${blas})` });
  }
  return found;
}

/** `repeats` timed numpy.linalg.eigh runs of the matrix stored in `file` (per-run times) and its values. */
function numpyEigh(python: string, file: string, n: number, repeats: number): { ms: number[]; cpuMs: number[]; values: number[] } | { error: string } {
  const r = spawnSync(python, ['-c', NUMPY_EIGH, String(n), file, String(repeats)], { encoding: 'utf8', env: numpyEnv() });
  if (r.status !== 0) return { error: (r.stderr || `${python} exited with ${r.status}`).trim().split('\n').pop()! };
  return JSON.parse(r.stdout);
}

// --- the bench -----------------------------------------------------------------------------------------

export async function benchLinalg(opts: { repeats?: number; log?: (line: string) => void } = {}) {
  const repeats = opts.repeats ?? Number(process.env.BENCH_REPEATS ?? 5);
  const log = opts.log ?? (() => {});
  const loadBefore = os.loadavg().map((x) => round(x));
  const numpys = findNumpys();
  const eighRows = SIZES.map((n) => {
    const a = randomSymmetric(n, n);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-linalg-'));
    const file = path.join(dir, 'a.f64');
    fs.writeFileSync(file, Buffer.from(a.buffer, a.byteOffset, a.byteLength)); // little-endian on every platform we run
    // Ours and each numpy alternate in rounds, so that they see the same load (it changes over seconds).
    const run = () => { eigh(a, n); };
    warm(run);
    const ours: Samples = { ms: [], cpu: [] };
    const np = numpys.map(() => ({ ms: [] as number[], cpu: [] as number[], values: [] as number[], error: undefined as string | undefined }));
    const rounds = Math.max(1, Math.round(repeats / 2));
    for (let r = 0; r < rounds; r++) {
      sample(run, 2, ours);
      numpys.forEach((info, j) => {
        const res = numpyEigh(info.python, file, n, 2);
        if ('error' in res) { np[j].error = res.error; return; }
        np[j].ms.push(...res.ms); np[j].cpu.push(...res.cpuMs); np[j].values = res.values;
      });
    }
    fs.rmSync(dir, { recursive: true, force: true });
    const oursT = summary(ours);
    const mine = eigh(a, n);
    const mlMatrix = time(() => mlMatrixEigh(a, n), Math.min(repeats, 3));
    const top = Object.fromEntries(TOP_K.map((k) => [`k${k}`, time(() => { eighTop(a, n, k); }, repeats)]));
    const scale = frobenius(a);
    const row: Record<string, unknown> = {
      n,
      ours: oursT,
      mlMatrix,
      top,
      accuracy: { residual: residual(a, n, mine.values, mine.vectors), orthogonality: orthonormalityError(mine.vectors, n, n) },
      ratios: {
        mlMatrixOverOurs: round(mlMatrix.cpuMs / oursT.cpuMs, 1),
        ...Object.fromEntries(TOP_K.map((k) => [`oursOverTopK${k}`, round(oursT.cpuMs / (top[`k${k}`] as Timing).cpuMs, 1)])),
      },
      numpy: numpys.map((info, j) => {
        const r = np[j];
        if (r.error !== undefined) return { label: info.label, error: r.error };
        const t = summary({ ms: r.ms, cpu: r.cpu });
        return {
          label: info.label,
          ...t,
          oursOverNumpy: round(oursT.cpuMs / t.cpuMs), oursOverNumpyWall: round(oursT.ms / t.ms), oursOverNumpyMin: round(oursT.minCpuMs / t.minCpuMs),
          topK10OverNumpy: round((top.k10 as Timing).cpuMs / t.cpuMs),
          maxEigenvalueDiffRelative: Math.max(...r.values.map((v, i) => Math.abs(v - mine.values[i]))) / scale,
        };
      }),
    };
    log(JSON.stringify(row));
    return row;
  });
  // The Local Basis case: SVD of a mapping network's Jacobian, 64×32.
  const rng = new Rng(1);
  const jac = Float64Array.from({ length: 64 * 32 }, () => rng.normal());
  const svdTime = time(() => svd(jac, 64, 32), repeats);
  return {
    repeats,
    loadAverage: { before: loadBefore, after: os.loadavg().map((x) => round(x)) },
    numpy: numpys,
    numpyThreads: Number(process.env.BENCH_NUMPY_THREADS ?? 1),
    note: 'ms, cpuMs: medians of wall and process CPU time; minCpuMs: the fastest run (under contention the best estimate of the intrinsic cost); ratios use cpuMs unless named Wall or Min',
    eigh: eighRows,
    svd64x32: svdTime,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchLinalg({ log: (line) => console.error(line) })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((e) => { console.error(e instanceof Error ? e.stack : e); process.exit(1); });
}
