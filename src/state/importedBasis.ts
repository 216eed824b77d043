/**
 * Directions loaded from a file as the sliders' basis (basis kind 'imported'): what the view holds, how a
 * file becomes it, and the digest that keys its basis. The engine measures their rates at the view like
 * any basis's (src/geometry/bases.ts); this module only decides what enters the view. No tfjs, no DOM.
 */
import type { DirectionsFile } from '../export/directionsFile';
import { MAX_DIRECTIONS, MAX_LINKED_DIRECTION_NUMBERS, type LatentSpace } from './vocabulary';

/** Imported directions as the view holds them (and a link carries them). */
export interface ImportedDirections {
  /** Where they came from, for the sliders' label: the file's name. */
  name: string;
  /** The space they live in; the view shows Z for 'z', W (or W+, the W directions on every layer) for 'w'. */
  space: 'z' | 'w';
  /** k rows of n numbers, unit length, each a float32 value (exactly what a link carries). */
  directions: number[][];
}

/** A file name as a label: printable, at most 64 characters. */
export function directionsName(name: string): string {
  const printable = name.replace(/[^\x20-\x7e]/g, '?').trim() || 'directions';
  return printable.length > 64 ? printable.slice(0, 61) + '...' : printable;
}

/**
 * Rows scaled to unit length, then rounded to float32: a link carries float32, so the view that made a
 * link and the view it opens hold the very same numbers.
 */
export function unitRows(rows: number[][]): number[][] {
  return rows.map((row) => {
    const norm = Math.hypot(...row);
    return row.map((v) => Math.fround(v / norm));
  });
}

/** What the import checks of the current view: its model, and whether its latent is a W or W+ code. */
export interface ImportTarget {
  model: { id: string; zDim: number; wDim?: number; spaces: LatentSpace[] };
  /** The view's latent is an explicit W or W+ code (which has no z). */
  isCode: boolean;
}

/**
 * A read file as the view's basis, or one sentence saying why not. A file of another model is refused even
 * when the dimensions agree: equal sizes say nothing about what a latent coordinate means to two networks.
 */
export function importDirections(file: DirectionsFile, fileName: string, target: ImportTarget): ImportedDirections {
  const { model } = target;
  if (file.model !== model.id) throw new Error(`These directions are for the model ${file.model}, and the model in use is ${model.id}: load them with their own model.`);
  if (file.basisSpace === 'w' && !model.spaces.includes('w')) throw new Error(`These directions live in W, and ${model.id} has no W space.`);
  if (file.basisSpace === 'z' && target.isCode) throw new Error('These directions live in Z, and this view is a W or W+ code, which has no z: open a seed first.');
  const n = file.basisSpace === 'z' ? model.zDim : model.wDim;
  const length = file.directions[0].length;
  if (length !== n) throw new Error(`These directions have ${length} entries, and ${model.id}'s ${file.basisSpace.toUpperCase()} space has ${n}.`);
  if (file.directions.length > MAX_DIRECTIONS) throw new Error(`The file holds ${file.directions.length} directions; the app shows at most ${MAX_DIRECTIONS}.`);
  return { name: directionsName(fileName), space: file.basisSpace, directions: unitRows(file.directions) };
}

/** The view's space for directions of a basis space: Z for Z; W for W, unless the view is W+ (W directions on every layer). */
export function viewSpaceFor(directions: 'z' | 'w', current: LatentSpace): LatentSpace {
  return directions === 'z' ? 'z' : current === 'wplus' ? 'wplus' : 'w';
}

/** Whether a link can carry these directions (at most MAX_LINKED_DIRECTION_NUMBERS numbers). */
export function linkable(d: ImportedDirections): boolean {
  return d.directions.length * (d.directions[0]?.length ?? 0) <= MAX_LINKED_DIRECTION_NUMBERS;
}

const digests = new WeakMap<ImportedDirections, string>();

/**
 * A digest of the directions (FNV-1a, 64 bits, over their float64 bits), so that a basis key names the very
 * directions it was computed for and a stale basis is never shown. Kept per object: the view's directions
 * never change in place, and basis keys are asked for on every store change.
 */
export function directionsDigest(d: ImportedDirections): string {
  const known = digests.get(d);
  if (known) return known;
  const bytes = new Uint8Array(new Float64Array(d.directions.flat()).buffer);
  // Two 32-bit lanes (FNV-1a, and the same walk with another offset and multiplier): 64 bits without BigInt.
  let a = 0x811c9dc5, b = 0x050c5d1f;
  for (const byte of bytes) {
    a = Math.imul(a ^ byte, 0x01000193) >>> 0;
    b = Math.imul(b ^ byte, 0x5bd1e995) >>> 0;
  }
  const digest = `${d.space}${d.directions.length}x${d.directions[0]?.length ?? 0}:${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}`;
  digests.set(d, digest);
  return digest;
}
