/**
 * A model folder on disk with its generator's weights shuffled within each tensor (Wang & Ponce A.8's
 * control; src/model/shuffleWeights.ts), as ModelFiles for the project's loader. Only the generator
 * networks (generator, or mapping and synthesis) are shuffled; the discriminator is left as trained, so
 * a perceptual distance, which reads its features, measures the same thing for both.
 */
import { normalisePath, type ModelFiles } from '../../src/model/files';
import { shuffleWeightData, type WeightSpec } from '../../src/model/shuffleWeights';
import { snapshotFiles } from './fsFiles';

interface WeightsGroup { paths: string[]; weights: WeightSpec[] }

export async function shuffledFolderFiles(dir: string, seed: number): Promise<ModelFiles & { hash: string }> {
  const files = snapshotFiles(dir);
  const manifest = JSON.parse(await files.text('manifest.json')) as Record<string, { path?: string } | undefined>;
  const networks = (['generator', 'mapping', 'synthesis'] as const).map((k) => manifest[k]?.path).filter((p): p is string => typeof p === 'string');
  if (networks.length === 0) throw new Error(`${dir}: the manifest names no generator, mapping or synthesis network`);
  const replaced = new Map<string, ArrayBuffer>();
  for (const modelPath of networks) {
    const base = modelPath.includes('/') ? modelPath.slice(0, modelPath.lastIndexOf('/') + 1) : '';
    const json = JSON.parse(await files.text(modelPath)) as { weightsManifest: WeightsGroup[] };
    for (const group of json.weightsManifest) {
      // A group's tensors run across its shards in order: shuffle the concatenation, then cut it back.
      const shardPaths = group.paths.map((p) => normalisePath(base + p));
      const shards = await Promise.all(shardPaths.map((p) => files.bytes(p)));
      const all = new Uint8Array(shards.reduce((s, b) => s + b.byteLength, 0));
      let o = 0;
      for (const b of shards) { all.set(new Uint8Array(b), o); o += b.byteLength; }
      const shuffled = shuffleWeightData(group.weights, all.buffer, seed);
      o = 0;
      shardPaths.forEach((p, i) => { replaced.set(p, shuffled.slice(o, o + shards[i].byteLength)); o += shards[i].byteLength; });
    }
  }
  return {
    ...files,
    label: `${files.label} (weights shuffled, seed ${seed})`,
    hash: `${files.hash}-shuffled${seed}`,
    bytes: async (p) => replaced.get(normalisePath(p))?.slice(0) ?? files.bytes(p),
  };
}
