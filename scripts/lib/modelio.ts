/** Loading TF.js layers models from a folder on disk through the app's validating loader (Node only). */
import type * as tf from '@tensorflow/tfjs';
import { loadLayersModelFrom } from '../../src/model/load';
import { dirFiles } from './fsFiles';

/** Load one layers model folder (e.g. a probe) through the app's validating loader. */
export function loadLayersModelFromDir(dir: string): Promise<tf.LayersModel> {
  return loadLayersModelFrom(dirFiles(dir), 'model.json');
}
