/**
 * The job worker's thread: the kinds of src/engine/registry.ts (bases, montages, curve walks, sweeps), away
 * from the render worker so that a long job never delays a frame. Thin on purpose, like engine.worker.ts:
 * it wires the build's wasm binaries into src/engine's Jobs and exposes it through comlink, handing each
 * result's buffers over as the registry lists them; all behaviour lives in src/engine.
 */
import * as Comlink from 'comlink';
import { WASM_BINARIES } from './wasmBinaries';
import { Jobs } from '../src/engine/jobs';
import { jobSpec, type JobsApi } from '../src/engine/registry';

let jobs: Jobs | null = null;

function started(): Jobs {
  if (!jobs) throw new Error('The job worker has not been started.');
  return jobs;
}

const api: JobsApi = {
  start(opts) {
    jobs ??= new Jobs({
      modelsBaseUrl: opts.modelsBaseUrl,
      ...(opts.backends?.length ? { backends: opts.backends } : {}),
      wasmPaths: WASM_BINARIES,
      // Single-threaded wasm in job workers: the pool already spreads jobs over the cores (leaving one to
      // the render worker, which gets the threaded build), and a threaded build would start its own set
      // of pthread workers in every job worker.
      wasmThreads: 1,
    });
    return jobs.start();
  },
  load: (source) => started().load(source),
  async run(kind, id, req, onProgress) {
    try {
      const result = await started().run(kind, id, req, onProgress);
      // Hand pixel buffers over instead of copying them.
      return Comlink.transfer(result, jobSpec(kind).transfer(result));
    } finally {
      // Release the caller's progress proxy so its message port does not outlive the job.
      const release = (onProgress as Partial<Comlink.Remote<unknown>>)[Comlink.releaseProxy];
      if (typeof release === 'function') release();
    }
  },
  cancel(id) {
    jobs?.cancel(id);
  },
  memory: async () => started().memory(),
  pause: () => jobs?.pause(),
  resume: () => jobs?.resume(),
};

Comlink.expose(api);
