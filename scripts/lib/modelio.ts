/**
 * Saving TF.js layers models, loading them through the validating loader, and training checkpoints, as files (Node only; tfjs-node is
 * not used, so the `file://` handlers are not available).
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { loadLayersModelFrom } from '../../src/model/load';
import { dirFiles } from './fsFiles';

const WEIGHTS_FILE = 'group1-shard1of1.bin';

/** Write `model.json` + one weights shard into `dir` (standard TF.js layers format). */
export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<number> {
  fs.mkdirSync(dir, { recursive: true });
  let bytes = 0;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const data = artifacts.weightData as ArrayBuffer;
    bytes = data.byteLength;
    fs.writeFileSync(path.join(dir, WEIGHTS_FILE), Buffer.from(data));
    const json = {
      format: 'layers-model',
      generatedBy: 'latent-atlas scripts/train',
      convertedBy: null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
    };
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return bytes;
}

/** Load one layers model folder (e.g. a probe) through the app's validating loader. */
export function loadLayersModelFromDir(dir: string): Promise<tf.LayersModel> {
  return loadLayersModelFrom(dirFiles(dir), 'model.json');
}

/** A checkpoint: named float32 tensors in one binary file with a JSON index, plus free-form state. */
export function saveCheckpoint(file: string, tensors: Record<string, tf.Tensor>, state: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const index: Record<string, { shape: number[]; offset: number }> = {};
  const parts: Float32Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const data = t.dataSync() as Float32Array;
    index[name] = { shape: t.shape, offset };
    parts.push(data);
    offset += data.length;
  }
  const all = new Float32Array(offset);
  let o = 0;
  for (const p of parts) { all.set(p, o); o += p.length; }
  // Write to temporary names, then rename, so an interrupted save never corrupts the last checkpoint.
  fs.writeFileSync(file + '.bin.tmp', Buffer.from(all.buffer));
  fs.writeFileSync(file + '.json.tmp', JSON.stringify({ index, state }));
  fs.renameSync(file + '.bin.tmp', file + '.bin');
  fs.renameSync(file + '.json.tmp', file + '.json');
}

export function loadCheckpoint(file: string): { tensors: Record<string, tf.Tensor>; state: unknown } | null {
  if (!fs.existsSync(file + '.json') || !fs.existsSync(file + '.bin')) return null;
  const { index, state } = JSON.parse(fs.readFileSync(file + '.json', 'utf8'));
  const buf = fs.readFileSync(file + '.bin');
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, { shape, offset }] of Object.entries(index as Record<string, { shape: number[]; offset: number }>)) {
    const size = shape.reduce((a, b) => a * b, 1);
    tensors[name] = tf.tensor(all.subarray(offset, offset + size), shape);
  }
  return { tensors, state };
}
