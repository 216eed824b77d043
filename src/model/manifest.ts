/**
 * The manifest that describes a model folder (DESIGN §4). A z-space generator has `generator`; a
 * style-based one has `mapping` + `synthesis`, composed by the loader.
 */
export type Prior = 'normal' | 'uniform' | 'sphere';
export const PRIORS: readonly Prior[] = ['normal', 'uniform', 'sphere'];

export interface ModelManifest {
  id: string;
  name: string;
  description: string;
  latent: { dim: number; prior: Prior };
  generator?: { path: string };
  mapping?: { path: string; wDim: number };
  synthesis?: { path: string; styleLayers: number; input: 'w' | 'w+' };
  discriminator?: { path: string; featureLayers: string[] };
  output: { height: number; width: number; channels: number; range: [number, number] };
  factors?: string[];
  /** Id of the probe (under public/models/probes/) that scores this model's samples. */
  probe?: string;
  training?: Record<string, unknown>;
}
