/** Export a trained GAN as a bundled model folder: TF.js layers models + manifest.json. */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { saveLayersModel } from '../lib/modelio';
import { DISCRIMINATOR_FEATURES, styleLayerCount } from './architectures';
import type { GanNetworks } from './gan';
import type { GanRecipe } from './recipes';
import { SHAPE_FACTORS } from '../../src/data/shapes';
import type { ModelManifest } from '../../src/model/manifest';

export interface TrainingState {
  step: number;
  seconds: number;
  bestFid: number;
  bestStep: number;
  losses: { d: number; g: number };
}

export function ganManifest(r: GanRecipe, state: TrainingState): ModelManifest {
  const common = {
    id: r.id,
    name: r.name,
    description: r.description,
    discriminator: { path: 'discriminator/model.json', featureLayers: DISCRIMINATOR_FEATURES },
    output: { height: r.size, width: r.size, channels: r.channels, range: [-1, 1] as [number, number] },
    ...(r.data === 'shapes' ? { factors: [...SHAPE_FACTORS] } : {}),
    probe: r.probe,
    training: {
      data: r.data === 'shapes' ? 'shapes (procedural, src/data/shapes.ts), fresh samples every step'
        : 'Fashion-MNIST train split (Debian dataset-fashion-mnist)',
      script: `npm run train -- ${r.id}`,
      steps: state.step,
      seconds: Math.round(state.seconds),
      batch: r.batch,
      finalLosses: { discriminator: state.losses.d, generator: state.losses.g },
      probeFrechetDistance: state.bestFid,
    },
  };
  if (r.kind === 'style') {
    return {
      ...common,
      latent: { dim: r.spec.zDim, prior: 'normal' },
      mapping: { path: 'mapping/model.json', wDim: r.spec.wDim },
      synthesis: { path: 'synthesis/model.json', styleLayers: styleLayerCount(r.spec), input: 'w+' },
    };
  }
  return { ...common, latent: { dim: r.spec.zDim, prior: 'normal' }, generator: { path: 'generator/model.json' } };
}

export async function exportGan(r: GanRecipe, ema: GanNetworks, D: tf.LayersModel, modelsDir: string, state: TrainingState): Promise<void> {
  const dir = path.join(modelsDir, r.id);
  if (ema.mapping) await saveLayersModel(ema.mapping, path.join(dir, 'mapping'));
  if (ema.synthesis) await saveLayersModel(ema.synthesis, path.join(dir, 'synthesis'));
  if (ema.generator) await saveLayersModel(ema.generator, path.join(dir, 'generator'));
  await saveLayersModel(D, path.join(dir, 'discriminator'));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(ganManifest(r, state), null, 2) + '\n');
}
