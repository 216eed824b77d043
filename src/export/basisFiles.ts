/**
 * A basis as files a researcher takes away (issue 18, exports): numpy arrays (one `.npy` each for the CLI,
 * or one `.npz` from the app — the same arrays under the same names), a CSV of the directions' numbers and
 * of the full metric spectrum, and a JSON file naming everything needed to rebuild the view. Plain data in,
 * bytes or text out: no tfjs, no DOM, so the app, the CLI and the tests share it.
 */
import type { Basis } from '../engine/types';
import { npyBytes } from '../util/npy';
import { storedZip } from '../util/zip';

/** What a basis's arrays need: k direction rows of length n, and the per-direction numbers. */
export type BasisArraysInput = Pick<Basis, 'directions' | 'values' | 'rates' | 'reference'> & { spectrum?: { eigenvalues: number[] } };

export interface NamedArray {
  name: string;
  data: Float64Array;
  shape: number[];
}

/**
 * The basis as float64 arrays: `directions` [k, n] (rows are directions), `values` [k] (the basis's own
 * numbers; empty for random), `rates` [k] (√(vᵀHv), predicted image change per unit step), `reference` [n]
 * (the latent it was computed at, in the basis space), and `spectrum` [n] (every eigenvalue of the metric,
 * when the basis carries it).
 */
export function basisArrays(b: BasisArraysInput): NamedArray[] {
  const k = b.directions.length, n = b.reference.length;
  if (b.directions.some((row) => row.length !== n)) throw new Error(`basisArrays: every direction must have the reference's ${n} entries`);
  const arrays: NamedArray[] = [
    { name: 'directions', data: Float64Array.from(b.directions.flat()), shape: [k, n] },
    { name: 'values', data: Float64Array.from(b.values), shape: [b.values.length] },
    { name: 'rates', data: Float64Array.from(b.rates), shape: [b.rates.length] },
    { name: 'reference', data: Float64Array.from(b.reference), shape: [n] },
  ];
  if (b.spectrum) arrays.push({ name: 'spectrum', data: Float64Array.from(b.spectrum.eigenvalues), shape: [b.spectrum.eigenvalues.length] });
  return arrays;
}

/** The arrays as one `.npz` (`numpy.load(f)['directions']`, …). */
export function basisNpz(b: BasisArraysInput): Uint8Array {
  return storedZip(basisArrays(b).map((a) => ({ name: `${a.name}.npy`, bytes: npyBytes(a.data, a.shape) })));
}

/** A CSV cell: quoted when it holds a comma, quote or line break (RFC 4180). */
const cell = (v: string | number): string => {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (rows: (string | number)[][]): string => rows.map((r) => r.map(cell).join(',')).join('\n') + '\n';

/**
 * One row per direction: rank (1-based, as the sliders), the basis's own number, the rate, and — when the
 * probe labelled the sliders — the factor each direction moves most and its share.
 */
export function directionsCsv(b: Pick<Basis, 'directions' | 'values' | 'valueName' | 'rates'>, labels?: ({ factor: string; share: number } | null)[] | null): string {
  const header = ['rank', b.valueName || 'value', 'rate', ...(labels ? ['factor', 'factor_share'] : [])];
  const rows = b.directions.map((_, i) => [
    i + 1, b.values[i] ?? '', b.rates[i],
    ...(labels ? [labels[i]?.factor ?? '', labels[i]?.share ?? ''] : []),
  ]);
  return csv([header, ...rows]);
}

/** Every eigenvalue of the metric (rank, eigenvalue), or null when the basis has no full spectrum. */
export function spectrumCsv(b: Pick<Basis, 'spectrum'>): string | null {
  if (!b.spectrum) return null;
  return csv([['rank', 'eigenvalue'], ...b.spectrum.eigenvalues.map((v, i) => [i + 1, v])]);
}

/** Where a basis came from, so a file can be matched to its model and view again. */
export interface BasisProvenance {
  model: string;
  /** The view's link (its URL hash), which reproduces the image and the basis. */
  link: string;
  /** The latent of the view in words: "seed 3", "a Z latent", … */
  latent: string;
}

export const DIRECTIONS_FORMAT = 'latent-atlas-directions';

/** The basis as JSON: provenance, method, space, and every number of the arrays. */
export function basisJson(b: Basis, from: BasisProvenance, labels?: ({ factor: string; share: number } | null)[] | null): string {
  return JSON.stringify({
    format: DIRECTIONS_FORMAT,
    version: 1,
    ...from,
    kind: b.kind,
    space: b.space,
    basisSpace: b.basisSpace,
    distance: b.distance,
    valueName: b.valueName,
    notes: b.notes,
    reference: b.reference,
    values: b.values,
    rates: b.rates,
    directions: b.directions,
    ...(labels ? { factors: labels } : {}),
    ...(b.spectrum ? { spectrum: b.spectrum.eigenvalues } : {}),
  }, null, 1);
}

/** A file name for an export of this view: model, latent, basis kind and distance (filesystem-safe). */
export function exportName(parts: (string | number)[], ext: string): string {
  return `${parts.map((p) => String(p).replace(/[^A-Za-z0-9._-]+/g, '-')).join('-')}.${ext}`;
}
