/**
 * Checks and small conversions shared by the explorer's jobs. Requests cross a thread boundary, so each
 * field is checked here and a bad one is reported in one plain sentence, instead of surfacing later as
 * a tfjs shape error.
 */
import { isDistance, type DistanceName } from '../distance';
import type { Generator } from '../model/generator';
import { isSpace } from './latent';
import type { LatentSpace } from './types';

/** The space a request runs in: as asked for a style model; always 'z' for a z-space model (as Engine.render does). */
export function explorerSpace(g: Generator, space: unknown): LatentSpace {
  if (!isSpace(space)) throw new Error('The latent space must be z, w or wplus.');
  return g.isStyleBased ? space : 'z';
}

/** Where a space's directions live: Z for 'z'; W for 'w' and 'wplus' (a W direction applied to W+ layers). */
export function basisSpaceOf(space: LatentSpace): 'z' | 'w' {
  return space === 'z' ? 'z' : 'w';
}

export function checkDistance(g: Generator, distance: unknown): DistanceName {
  if (!isDistance(distance)) throw new Error('The distance must be mse, ssim or perceptual.');
  if (distance === 'perceptual' && !g.discriminatorFeatures) throw new Error('This model ships no discriminator, so it has no perceptual distance; use mse or ssim.');
  return distance;
}

/** An integer in [lo, hi], or one sentence naming `what`. */
export function checkInt(value: unknown, lo: number, hi: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) throw new Error(`${what} must be a whole number from ${lo} to ${hi}.`);
  return value;
}

/** A finite number in (0, hi], or one sentence naming `what`. */
export function checkPositive(value: unknown, hi: number, what: string): number {
  if (typeof value !== 'number' || !(value > 0 && value <= hi)) throw new Error(`${what} must be a number above 0 and at most ${hi}.`);
  return value;
}

/** The seed of a request (default 0). */
export function checkSeed(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error('The seed must be a finite number.');
  return value;
}

/** z expressed in the basis space (geometry/bases.ts, where the bases use it). */
export { referenceOf } from '../geometry/bases';

/** Rows of a k×n float64 array as number[][] (structured-cloneable and what the UI sends back in edits). */
export function toRows(a: ArrayLike<number>, k: number, n: number): number[][] {
  return Array.from({ length: k }, (_, i) => Array.from({ length: n }, (_, j) => a[i * n + j]));
}
