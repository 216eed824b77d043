/**
 * The basis job: checks a request from the UI, then asks src/geometry/bases.ts (the same code the CLI's
 * `atlas basis` runs) for the directions and rates, and returns them as plain data. Global bases are kept
 * per generator, so moving the reference only recomputes the rates. For 'wplus' the basis is computed in
 * W, and rates are those of the W direction applied to every layer (an edit restricted to some layers
 * changes the image less than predicted).
 */
import { basisDirections, computeBasisAt, MAX_AVERAGE_SAMPLES, referenceOf, type BasisDirections, type BasisView } from '../geometry/bases';
import { ratesAt } from '../geometry/measure';
import type { ComputeContext } from '../util/jobContext';
import { anchorNote, anchorOf } from './explicitLatent';
import type { Generator } from '../model/generator';
import { MAX_DIRECTIONS } from './edit';
import type { JobContext } from './jobContext';
import { zOf } from './latent';
import { basisSpaceOf, checkDistance, checkInt, checkSeed, explorerSpace, toRows } from './requests';
import { SLIDER_BASIS_KINDS, type Basis, type BasisRequest } from './types';


export async function computeBasis(g: Generator, req: BasisRequest, ctx: JobContext): Promise<Basis> {
  const t0 = performance.now();
  if (!req || typeof req !== 'object') throw new Error('A basis request must be an object.');
  if (!SLIDER_BASIS_KINDS.includes(req.kind)) throw new Error(`The basis kind must be one of ${SLIDER_BASIS_KINDS.join(', ')}.`);
  const space = explorerSpace(g, req.space);
  const distance = checkDistance(g, req.distance);
  const k = checkInt(req.k, 1, MAX_DIRECTIONS, 'The number of directions');
  const seed = checkSeed(req.seed);
  const samples = req.samples === undefined ? undefined : checkInt(req.samples, 2, MAX_AVERAGE_SAMPLES, 'The number of samples');
  const anchor = anchorOf(g);
  if (anchor && space === 'z') throw new Error('A W or W+ code has no z of the model\'s own: explore it in W or W+.');
  const basisSpace = basisSpaceOf(space);
  const directions = req.kind === 'imported' ? importedDirections(g, req.imported, basisSpace) : undefined;
  const view: BasisView = { kind: req.kind, basisSpace, distance, z: zOf(g, req.latent), k, seed, samples, derivatives: req.derivatives, directions };
  const b = anchor && GLOBAL_KINDS.includes(req.kind) ? await globalBasisAtCode(g, anchor.base, view, ctx) : await computeBasisAt(g, view, ctx, cacheOf(g));
  const notes = [...b.notes, ...(req.kind === 'local' ? anchorNote(g) : [])];
  if (space === 'wplus') notes.push('Computed in W; rates are for the direction applied to every style layer.');
  return {
    kind: req.kind, basisSpace: b.basisSpace, space, distance, dim: b.n,
    directions: toRows(b.directions, b.k, b.n),
    values: Array.from(b.values),
    valueName: b.valueName,
    rates: Array.from(b.rates),
    reference: Array.from(b.reference),
    ...(b.spectrum ? { spectrum: b.spectrum } : {}),
    ms: performance.now() - t0,
    notes,
  };
}

/** An imported basis's rows, checked against the basis space (W for W and W+), as k×n float64. */
function importedDirections(g: Generator, imported: BasisRequest['imported'], basisSpace: 'z' | 'w'): Float64Array {
  const n = basisSpace === 'z' ? g.zDim : g.wDim!;
  const rows: unknown = imported?.directions;
  if (!imported || !Array.isArray(rows) || rows.length === 0) throw new Error('An imported basis needs its directions.');
  // Equal lengths of Z and W would otherwise let Z directions be measured as W ones.
  if (imported.space !== basisSpace) throw new Error(`These directions live in ${imported.space.toUpperCase()}: show them in ${imported.space === 'z' ? 'Z' : 'W or W+'}.`);
  if (rows.length > MAX_DIRECTIONS) throw new Error(`An imported basis holds at most ${MAX_DIRECTIONS} directions.`);
  const out = new Float64Array(rows.length * n);
  rows.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== n) throw new Error(`The imported directions must have ${n} entries each, the length of ${basisSpace.toUpperCase()} for this model.`);
    if (!row.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new Error(`Imported direction ${i + 1} holds something other than a finite number.`);
    out.set(row as number[], i * n);
  });
  return out;
}

/** Kinds whose directions do not depend on the reference: the model's, whatever the latent. */
const GLOBAL_KINDS: readonly string[] = ['average', 'ganspace', 'sefa'];

/**
 * A global basis at a W or W+ code: the directions of the model itself (`base`, its cache), the reference and
 * rates of the anchored view (the synthesis network at the code).
 */
async function globalBasisAtCode(view: Generator, base: Generator, basisView: BasisView, ctx: ComputeContext): Promise<BasisDirections> {
  const found = await basisDirections(base, basisView, ctx, cacheOf(base));
  const reference = referenceOf(view, basisView.z, basisView.basisSpace);
  const rates = await ratesAt(view, reference, basisView.basisSpace, basisView.distance, found.directions, found.k, ctx, basisView.derivatives);
  return { ...found, reference, rates };
}

/**
 * Global bases (average, GANSpace, SeFa) depend only on the model and settings, so they are kept per
 * generator. Keyed by the Generator object: a model swap makes a new one, and the old entries go with it.
 */
const globalCache = new WeakMap<Generator, Map<string, unknown>>();

export function cacheOf(g: Generator): Map<string, unknown> {
  let m = globalCache.get(g);
  if (!m) globalCache.set(g, (m = new Map()));
  return m;
}
