/**
 * The job worker's thread: bases, montages, curve walks and sweeps, away from the render worker so that a
 * long job never delays a frame. Thin on purpose, like engine.worker.ts: it wires the build's wasm
 * binaries into src/engine's Jobs and exposes it through comlink; all behaviour lives in src/engine.
 */
import * as Comlink from 'comlink';
import { WASM_BINARIES } from './wasmBinaries';
import { Jobs, type ProgressCallback } from '../src/engine/jobs';
import type { JobProgress, JobsApi } from '../src/engine/types';

let jobs: Jobs | null = null;

function started(): Jobs {
  if (!jobs) throw new Error('The job worker has not been started.');
  return jobs;
}

/**
 * Run a job with the caller's progress callback (a comlink proxy), and release that proxy when the job
 * settles so its message port does not outlive the job.
 */
async function withProgress<T>(onProgress: (p: JobProgress) => void, job: (cb: ProgressCallback) => Promise<T>): Promise<T> {
  try {
    return await job(onProgress);
  } finally {
    const release = (onProgress as Partial<Comlink.Remote<unknown>>)[Comlink.releaseProxy];
    if (typeof release === 'function') release();
  }
}

const api: JobsApi = {
  start(opts) {
    jobs ??= new Jobs({
      modelsBaseUrl: opts.modelsBaseUrl,
      ...(opts.backends?.length ? { backends: opts.backends } : {}),
      wasmPaths: WASM_BINARIES,
    });
    return jobs.start();
  },
  load: (source) => started().load(source),
  basis: (id, req, onProgress) => withProgress(onProgress, (cb) => started().basis(id, req, cb)),
  async montage(id, req, onProgress) {
    const montage = await withProgress(onProgress, (cb) => started().montage(id, req, cb));
    // Hand the pixel buffers over instead of copying them.
    return Comlink.transfer(montage, [montage.rgba.buffer]);
  },
  async curveWalk(id, req, onProgress) {
    const walk = await withProgress(onProgress, (cb) => started().curveWalk(id, req, cb));
    return Comlink.transfer(walk, [walk.curveRgba.buffer, walk.linearRgba.buffer]);
  },
  sweep: (id, req, onProgress) => withProgress(onProgress, (cb) => started().sweep(id, req, cb)),
  cancel(id) {
    jobs?.cancel(id);
  },
  memory: async () => started().memory(),
};

Comlink.expose(api);
