/**
 * The saved-walk file (steerWalk.ts trains it; the app stores, exports and imports it): plain JSON naming its
 * model, edit, kind and space, and holding a linear walk's directions or a non-linear walk's two networks.
 * No tfjs here, so the app can check a file before sending it to a worker.
 */
import { checkEdit, slidersOf, type SteerEdit } from './steerEdits';

export type WalkKind = 'linear' | 'nonlinear';
export type WalkSpace = 'z' | 'w';
export type SteerLoss = 'l2' | 'perceptual';
export const WALK_KINDS: readonly WalkKind[] = ['linear', 'nonlinear'];
export const STEER_LOSSES: readonly SteerLoss[] = ['l2', 'perceptual'];
export const WALK_FORMAT = 'latent-atlas/steer-walk' as const;

/** A two-layer perceptron x ↦ relu(x W₁ + b₁) W₂ + b₂, row-major weights. */
export interface MlpWeights {
  w1: number[];
  b1: number[];
  w2: number[];
  b2: number[];
}

export interface SavedWalk {
  format: typeof WALK_FORMAT;
  version: 1;
  /** The model's id (a walk belongs to one model). */
  model: string;
  edit: SteerEdit;
  kind: WalkKind;
  space: WalkSpace;
  /** Latent dimension of `space`. */
  dim: number;
  /** Image side D the edit was defined on (shift's pixels). */
  size: number;
  /** Linear: the walk's direction (edits with one slider). */
  direction?: number[];
  /** Linear: one direction per slider (colour: R, G, B). */
  directions?: number[][];
  /** Non-linear: the fixed step ε (target units) and the steps N it was trained to compose. */
  eps?: number;
  steps?: number;
  plus?: MlpWeights;
  minus?: MlpWeights;
  /** Non-linear in W: w̄, the centre the step renormalises around. */
  centre?: number[];
  training: { steps: number; lr: number; loss: SteerLoss; seed: number; finalLoss: number };
  name?: string;
}

/** A saved walk's JSON checked on its own (no model): the one sentence that says what is wrong with it, or the walk. */
export function checkSavedWalk(json: unknown): SavedWalk {
  const w = json as SavedWalk;
  if (!w || typeof w !== 'object' || w.format !== WALK_FORMAT) throw new Error(`This is not a saved walk (its "format" must be "${WALK_FORMAT}").`);
  checkEdit(w.edit);
  if (!WALK_KINDS.includes(w.kind)) throw new Error(`A saved walk is linear or nonlinear, not '${String(w.kind).slice(0, 40)}'.`);
  if (w.space !== 'z' && w.space !== 'w') throw new Error('A saved walk lives in z or w.');
  if (!(Number.isInteger(w.dim) && w.dim > 0) || !(Number.isInteger(w.size) && w.size > 0)) throw new Error('A saved walk needs its latent dimension and image size.');
  const finite = (a: unknown, len: number) => Array.isArray(a) && a.length === len && a.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (w.kind === 'linear') {
    const k = slidersOf(w.edit);
    if (!Array.isArray(w.directions) || w.directions.length !== k || !w.directions.every((d) => finite(d, w.dim))) throw new Error(`A linear ${w.edit} walk needs ${k} direction${k > 1 ? 's' : ''} of ${w.dim} finite numbers.`);
  } else {
    const net = (m: MlpWeights | undefined) => !!m && finite(m.w1, w.dim * w.dim) && finite(m.b1, w.dim) && finite(m.w2, w.dim * w.dim) && finite(m.b2, w.dim);
    if (!net(w.plus) || !net(w.minus)) throw new Error(`A non-linear walk needs two networks of ${w.dim}×${w.dim} weights.`);
    if (!(typeof w.eps === 'number' && w.eps > 0)) throw new Error('A non-linear walk needs its step ε.');
    if (w.space === 'w' && !finite(w.centre, w.dim)) throw new Error('A non-linear walk in W needs its centre w̄.');
  }
  return w;
}

