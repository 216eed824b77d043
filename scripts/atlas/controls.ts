/**
 * controls study (Wang & Ponce A.8, Fig. 7): the spectrum summary of one model's metric beside the same
 * summary for (a) its untrained export (checkpoints/<id>/untrained/, written by the trainer at step 0) and
 * (b) its weights shuffled within each tensor (src/model/shuffleWeights.ts). The distance is mse: the
 * untrained exports ship no discriminator, so the perceptual distance has nothing to read.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Generator } from '../../src/model/generator';
import { shuffledFolderFiles } from '../lib/shuffledFiles';
import { spectrumStudy, type SpectrumStudy } from './spectrum';
import { modelDir, openModelFiles, openModelId, openModelSpec, ROOT } from './common';

export type ControlVariant = 'trained' | 'untrained' | 'shuffled';

export interface ControlRow {
  variant: ControlVariant;
  weights: string;
  n: number;
  samples: number;
  /** Mean dims for 0.99 … 0.99999 of the eigenvalue sum (Tab. 2's columns). */
  dims: number[];
  /** Median over positions of λ₁ and of the mean eigenvalue tr H / n. */
  topEigenvalue: number;
  meanEigenvalue: number;
  /** Median over positions of λ₁ / (tr H / n): how far the top direction stands out. */
  topOverMean: number;
  /** C^H on log scale (mean over position pairs), null with one position. */
  homogeneityLog: number | null;
  /** Median over positions of each rank's eigenvalue (for the plot). */
  medianSpectrum: number[];
}

export interface ControlsStudy {
  model: string;
  space: 'z' | 'w';
  seeds: number[];
  shuffleSeed: number;
  /** 'matches', 'missing', or how the untrained export's generator differs from the bundled one. */
  untrainedArchitecture: string;
  rows: ControlRow[];
}

/** The generator networks' weight specs (name → shape) of a model folder, for comparing architectures. */
function weightShapes(dir: string): Map<string, string> {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, { path?: string } | undefined>;
  const out = new Map<string, string>();
  for (const part of ['generator', 'mapping', 'synthesis']) {
    const p = manifest[part]?.path;
    if (!p) continue;
    const json = JSON.parse(fs.readFileSync(path.join(dir, p), 'utf8')) as { weightsManifest: { weights: { name: string; shape: number[] }[] }[] };
    for (const w of json.weightsManifest.flatMap((g) => g.weights)) out.set(`${part}:${w.name}`, w.shape.join('×'));
  }
  return out;
}

/** 'matches' when both folders' generators have the same tensors of the same shapes, else the first differences. */
export function architectureDifference(bundled: string, other: string): string {
  if (!fs.existsSync(path.join(other, 'manifest.json'))) return 'missing';
  const a = weightShapes(bundled), b = weightShapes(other);
  const diffs: string[] = [];
  for (const [name, shape] of a) if (b.get(name) !== shape) diffs.push(`${name} ${shape} vs ${b.get(name) ?? 'absent'}`);
  for (const name of b.keys()) if (!a.has(name)) diffs.push(`${name} only in the untrained export`);
  return diffs.length === 0 ? 'matches' : `${diffs.length} of ${a.size} tensors differ, e.g. ${diffs.slice(0, 2).join('; ')}`;
}

export function untrainedDir(id: string): string {
  return path.join(ROOT, 'checkpoints', id, 'untrained');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function rowOf(variant: ControlVariant, s: SpectrumStudy): ControlRow {
  const lam = s.perSample.map((p) => p.eigenvalues);
  const meanEig = lam.map((l) => l.reduce((a, b) => a + Math.max(0, b), 0) / l.length);
  return {
    variant, weights: s.weights, n: s.n, samples: s.samples, dims: s.anisotropy.mean,
    topEigenvalue: median(lam.map((l) => l[0])), meanEigenvalue: median(meanEig),
    topOverMean: median(lam.map((l, i) => l[0] / meanEig[i])),
    homogeneityLog: s.homogeneity ? s.homogeneity.log.mean : null,
    medianSpectrum: Array.from({ length: s.n }, (_, k) => median(lam.map((l) => l[k]))),
  };
}

/** The three variants of model `id` in `space` at the same positions (seeds seed … seed + samples − 1). */
export async function controlsStudy(id: string, o: { samples: number; seed: number; space: 'z' | 'w'; shuffleSeed?: number; onVariant?: (v: ControlVariant) => void }): Promise<ControlsStudy> {
  const shuffleSeed = o.shuffleSeed ?? 1;
  const untrained = untrainedDir(id);
  const untrainedArchitecture = architectureDifference(modelDir(id), untrained);
  const openers: [ControlVariant, () => Promise<Generator>][] = [
    ['trained', () => openModelId(id)],
    ...(untrainedArchitecture === 'missing' ? [] : [['untrained', () => openModelSpec(untrained)] as [ControlVariant, () => Promise<Generator>]]),
    ['shuffled', async () => openModelFiles(await shuffledFolderFiles(modelDir(id), shuffleSeed))],
  ];
  const rows: ControlRow[] = [];
  for (const [variant, open] of openers) {
    o.onVariant?.(variant);
    const g = await open();
    try {
      // α is not reported here; 16 directions is the least the spectrum study's statistics accept comfortably.
      rows.push(rowOf(variant, await spectrumStudy(g, { samples: o.samples, seed: o.seed, space: o.space, distance: 'mse', alphaCount: 16 })));
    } finally {
      g.dispose();
    }
  }
  return { model: id, space: o.space, seeds: Array.from({ length: o.samples }, (_, i) => o.seed + i), shuffleSeed, untrainedArchitecture, rows };
}

