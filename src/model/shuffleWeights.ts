/**
 * Weight-shuffled control networks (Wang & Ponce, ICLR 2021, appendix A.8): the entries of every weight
 * tensor are permuted within that tensor, so each tensor keeps its exact multiset of values (its scale,
 * sparsity and sign balance) while the structure training put into it is destroyed. Trained networks
 * are compared with these to show that anisotropy is learnt, not an artefact of the architecture or of
 * the weights' distribution.
 *
 * Works on a TF.js weights manifest group (the specs and the concatenated bytes of its shards), so the
 * shuffled model is loaded by the project's own loader like any other model folder. No tfjs, no DOM.
 */
import { layerSeed, Rng } from '../util/random';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype?: string;
}

/** Bytes per entry of the dtypes a layers-model shard can hold unquantised. */
const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/**
 * A seeded permutation of each float32 tensor's entries within that tensor (Fisher–Yates; tensor k uses
 * the stream layerSeed(seed, name), so one tensor's permutation does not depend on the others or on
 * their order). Non-float tensors (integer counters, flags) are copied unchanged: permuting them has no
 * meaning. Returns a new buffer; `data` is not modified.
 */
export function shuffleWeightData(specs: readonly WeightSpec[], data: ArrayBuffer, seed: number): ArrayBuffer {
  const out = data.slice(0);
  let offset = 0;
  for (const spec of specs) {
    const dtype = spec.dtype ?? 'float32';
    const bytes = BYTES[dtype];
    if (bytes === undefined) throw new Error(`shuffleWeightData: ${spec.name} has dtype ${dtype}, which is not supported (quantised weights?)`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const end = offset + size * bytes;
    if (end > data.byteLength) throw new Error(`shuffleWeightData: ${spec.name} runs past the end of the weights (${end} > ${data.byteLength} bytes)`);
    if (dtype === 'float32') {
      // A copy for alignment: offsets of bool tensors before this one need not be multiples of 4.
      const values = new Float32Array(data.slice(offset, end));
      new Rng(layerSeed(seed, spec.name)).shuffle(values as unknown as Int32Array);
      new Uint8Array(out, offset, size * bytes).set(new Uint8Array(values.buffer));
    }
    offset = end;
  }
  if (offset !== data.byteLength) throw new Error(`shuffleWeightData: the specs describe ${offset} bytes, the weights have ${data.byteLength}`);
  return out;
}
