/**
 * Cache keys of the view: which frame, reference and basis the current state asks for, and which of the
 * store's results are current. Pure functions of the state; a result is kept with the key it was computed
 * for, and is shown only while that key is still the one asked for.
 */
import type { Basis, LatentSpace } from '../../src/engine/types';
import type { FactorsResult } from '../../src/engine/factors';
import { encodeFloats } from '../../src/state/url';
import { directionsDigest } from '../../src/state/importedBasis';
import type { AtlasState } from './store';

/** The space the engine will actually use: z-space models have no W; a W or W+ code has no Z and is shown in W. */
export function effectiveSpace(s: Pick<AtlasState, 'model' | 'space'> & Partial<Pick<AtlasState, 'z' | 'w'>>): LatentSpace {
  const space = s.model && s.model.spaces.includes(s.space) ? s.space : 'z';
  return space === 'z' && !s.z && s.w && s.model?.spaces.includes('w') ? 'w' : space;
}

/**
 * The key of the reference latent a basis belongs to: model, latent, space, truncation. An explicit latent
 * is keyed by its exact float32 code (the link's own encoding), so two latents are never one reference.
 */
export function referenceKey(s: Pick<AtlasState, 'model' | 'seed' | 'z' | 'w' | 'space' | 'truncation'>): string | null {
  if (!s.model) return null;
  const latent = s.z ? `z:${encodeFloats(s.z)}` : s.w ? `w:${encodeFloats(s.w)}` : s.seed;
  return `${s.model.id}|${latent}|${effectiveSpace(s)}|${s.z || s.w ? 1 : s.truncation}`;
}

/**
 * The key of the basis the controls ask for at the current reference. An imported basis is named by a digest
 * of its directions, so directions loaded from another file never show the rates of the previous one.
 */
export function basisKey(s: Pick<AtlasState, 'model' | 'seed' | 'z' | 'w' | 'space' | 'truncation' | 'basisKind' | 'imported' | 'distance' | 'k'>): string | null {
  const ref = referenceKey(s);
  const kind = s.basisKind === 'imported' && s.imported ? `imported:${directionsDigest(s.imported)}` : s.basisKind;
  return ref && `${ref}|${kind}|${s.distance}|${s.k}`;
}

/**
 * The basis the sliders and panels may use: the one computed for the current reference and settings.
 * A basis for an earlier reference is stale (its directions belong to another latent), so it is null
 * while the new one is computed.
 */
export function currentBasis(s: Pick<AtlasState, 'results' | 'model' | 'seed' | 'z' | 'w' | 'space' | 'truncation' | 'basisKind' | 'imported' | 'distance' | 'k'>): Basis | null {
  const r = s.results.basis;
  return r && r.key === basisKey(s) ? r.value : null;
}

/** The key of the factor labels of the current basis (its directions read by the model's probe). */
export function factorsKey(s: Parameters<typeof basisKey>[0]): string | null {
  const key = basisKey(s);
  return key && `${key}|factors`;
}

/** The factor labels of the sliders, when they belong to the current basis. */
export function currentFactors(s: Parameters<typeof currentBasis>[0]): FactorsResult | null {
  const r = s.results.factors;
  return r && r.key === factorsKey(s) ? r.value : null;
}

/** The key of the frame the current state asks for (null while no model is loaded). */
export function wantedFrameKey(s: Pick<AtlasState, 'model' | 'seed' | 'z' | 'w' | 'space' | 'truncation' | 'results' | 'basisKind' | 'imported' | 'distance' | 'k' | 'sliders' | 'layers' | 'spherical'>): string | null {
  if (!s.model) return null;
  const basis = currentBasis(s);
  const edit = basis && s.sliders.some((v) => v !== 0) ? `|${basis.kind}:${s.sliders.join(',')}|${s.layers}|${s.spherical ? 'sph' : 'lin'}` : '';
  return `${referenceKey(s)}${edit}`;
}
