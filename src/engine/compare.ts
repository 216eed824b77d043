/**
 * Side by side (issue 18): two or three bases at one reference, each as a montage of its top directions on the
 * same predicted-change scale — every row from −extent to +extent in the distance's units, so equal columns
 * promise equal image change whichever method found the direction — with, when the model has a probe, the factor
 * each direction moves most, and how much the bases agree (|cos| between their directions, principal angles of
 * their spans). The same basis, montage and factors code as the sliders, the Montage panel and the labels.
 */
import { basisOverlap, type BasisOverlap } from '../geometry/basisOverlap';
import type { Generator } from '../model/generator';
import { MAX_COMPARE_ROWS, MAX_COMPARED, SLIDER_BASIS_KINDS, type SliderBasisKind } from '../state/vocabulary';
import { computeBasis } from './basis';
import { computeFactors, type FactorsResult } from './factors';
import { isCancelled, type JobContext, type JobResources } from './jobContext';
import { computeMontage, type Montage } from './montage';
import { checkInt } from './requests';
import type { Basis, BasisRequest, DistanceName, LatentSpace, LatentSpec, LayerRangeName } from './types';

/** Columns side by side (vocabulary.ts): enough to set metric against Local Basis and a global method, few enough to read. */
export { MAX_COMPARE_ROWS, MAX_COMPARED };

export interface CompareRequest {
  latent: LatentSpec;
  space: LatentSpace;
  /** The distance of 'metric' and 'average', and the one every row's predicted change is measured in. */
  distance: DistanceName;
  /** 2 to MAX_COMPARED distinct basis kinds, one column each, in this order ('imported': the directions below). */
  kinds: SliderBasisKind[];
  /** The directions of an 'imported' column, as the basis job takes them (their first `rows` are shown). */
  imported?: BasisRequest['imported'];
  /** Top directions shown per basis (1…MAX_COMPARE_ROWS). */
  rows: number;
  /** Images per row (odd: the middle one is the reference). */
  columns: number;
  /** Predicted image change at either end of every row. */
  extent: number;
  spherical?: boolean;
  layers?: LayerRangeName;
  /** How derivatives are taken (the job falls back to 'fd' for a model without second derivatives, as the basis job). */
  derivatives?: 'exact' | 'fd';
}

export interface CompareColumn {
  kind: SliderBasisKind;
  /** The basis's top `rows` directions, with their values and rates. */
  basis: Basis;
  montage: Montage;
  /** The factor each direction moves most (null when the model has no probe that reads factors). */
  labels: FactorsResult['labels'] | null;
}

export interface CompareResult {
  columns: CompareColumn[];
  /** One per pair of columns (i < j), in order (0,1), (0,2), (1,2). */
  overlaps: (BasisOverlap & { a: SliderBasisKind; b: SliderBasisKind })[];
  notes: string[];
  ms: number;
}

export async function computeCompare(g: Generator, req: CompareRequest, ctx: JobContext, resources: JobResources): Promise<CompareResult> {
  const t0 = performance.now();
  if (!Array.isArray(req.kinds) || req.kinds.length < 2 || req.kinds.length > MAX_COMPARED) throw new Error(`Compare 2 to ${MAX_COMPARED} bases.`);
  const bad = req.kinds.find((k) => !SLIDER_BASIS_KINDS.includes(k));
  if (bad !== undefined) throw new Error(`Each basis must be one of ${SLIDER_BASIS_KINDS.join(', ')}; got '${String(bad).slice(0, 40)}'.`);
  if (new Set(req.kinds).size !== req.kinds.length) throw new Error('Compare different bases: a basis side by side with itself shows nothing.');
  const rows = checkInt(req.rows, 1, MAX_COMPARE_ROWS, 'The number of rows');
  const notes: string[] = [];
  const columns: CompareColumn[] = [];
  const steps = req.kinds.length * 3;
  for (const [i, kind] of req.kinds.entries()) {
    ctx.progress(`${kind}: basis`, 3 * i, steps);
    const basis = await computeBasis(g, {
      latent: req.latent, space: req.space, kind, distance: req.distance, k: rows, seed: 0, derivatives: req.derivatives,
      ...(kind === 'imported' ? { imported: req.imported } : {}),
    }, ctx);
    if (basis.directions.length < rows) notes.push(`${kind} has ${basis.directions.length} directions here, fewer than the ${rows} rows asked for.`);
    await ctx.checkpoint();
    ctx.progress(`${kind}: montage`, 3 * i + 1, steps);
    const montage = await computeMontage(g, {
      latent: req.latent, space: req.space, basis, rows: basis.directions.map((_, r) => r), columns: req.columns, extent: req.extent,
      ...(req.spherical ? { spherical: true } : {}), ...(req.layers ? { layers: req.layers } : {}),
    }, ctx);
    await ctx.checkpoint();
    ctx.progress(`${kind}: factors`, 3 * i + 2, steps);
    columns.push({ kind, basis, montage, labels: await labelsOf(g, basis, ctx, resources, notes) });
  }
  const overlaps: CompareResult['overlaps'] = [];
  for (let a = 0; a < columns.length; a++) for (let b = a + 1; b < columns.length; b++) {
    const r = Math.min(columns[a].basis.directions.length, columns[b].basis.directions.length);
    overlaps.push({ a: columns[a].kind, b: columns[b].kind, ...basisOverlap(columns[a].basis.directions, columns[b].basis.directions, r) });
  }
  ctx.progress('done', steps, steps);
  return { columns, overlaps, notes, ms: performance.now() - t0 };
}

/** The directions' factor labels through the model's probe, or null (with a note) when there is none to read them. */
async function labelsOf(g: Generator, basis: Basis, ctx: JobContext, resources: JobResources, notes: string[]): Promise<FactorsResult['labels'] | null> {
  if (!g.manifest.probe) return null;
  try {
    const f = await computeFactors(g, { basisSpace: basis.basisSpace, reference: basis.reference, directions: basis.directions }, ctx, resources);
    return f.labels;
  } catch (e) {
    if (isCancelled(e)) throw e;
    const note = `No factor labels: ${(e as Error).message}`;
    if (!notes.includes(note)) notes.push(note);
    return null;
  }
}
