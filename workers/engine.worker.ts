/**
 * The engine's thread. Thin on purpose: it wires the build's wasm binaries into the Engine and exposes
 * it through comlink; all behaviour lives in src/engine.
 */
import * as Comlink from 'comlink';
import { WASM_BINARIES } from './wasmBinaries';
import { Engine } from '../src/engine/engine';
import { checkTransposedMatmul } from '../src/engine/matmulCheck';
import type { EngineApi } from '../src/engine/types';

let engine: Engine | null = null;

function started(): Engine {
  if (!engine) throw new Error('The engine has not been started.');
  return engine;
}

const api: EngineApi = {
  start(opts) {
    engine ??= new Engine({
      modelsBaseUrl: opts.modelsBaseUrl,
      ...(opts.backends?.length ? { backends: opts.backends } : {}),
      wasmPaths: WASM_BINARIES,
      // Chosen by the page (main.tsx): the cores the job pool leaves to frames.
      ...(opts.wasmThreads !== undefined ? { wasmThreads: opts.wasmThreads } : {}),
    });
    return engine.init();
  },
  catalogue: () => started().catalogue(),
  load: (source) => started().load(source),
  async render(req) {
    const frame = await started().render(req);
    // Hand the pixel buffer over instead of copying it.
    return Comlink.transfer(frame, [frame.rgba.buffer]);
  },
  memory: async () => started().memory(),
  info: async () => started().info(),
  async matmulCheck() {
    await started().init();
    const { backend, maxRelError } = await checkTransposedMatmul();
    return { backend, maxRelError };
  },
  async crash() {
    setTimeout(() => { throw new Error('simulated crash (diagnostics)'); }, 0);
  },
};

Comlink.expose(api);
