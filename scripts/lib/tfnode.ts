/**
 * tfjs set-up for Node (training, CLI, benchmarks, tests): the wasm backend from the installed package,
 * with the project's replacement kernels, or the cpu backend where float64-like care matters.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { installWasmKernels } from '../../src/tfjs/wasmKernels';

const require = createRequire(import.meta.url);

export async function useBackend(name: 'wasm' | 'cpu' = 'wasm'): Promise<typeof tf> {
  if (name === 'wasm') {
    const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
    setWasmPaths(dist);
    installWasmKernels();
  }
  // tfjs prints a hint about tfjs-node on first use in Node; we deliberately do not use tfjs-node.
  tf.env().set('IS_NODE', true);
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tfjs backend '${name}' failed to initialise`);
  await tf.ready();
  return tf;
}
