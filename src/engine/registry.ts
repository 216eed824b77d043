/**
 * The job registry: one row per kind of job the explorer runs in the job worker, with its request check,
 * its compute function and the buffers its result hands over (transfers instead of copies). The job
 * runner (jobs.ts), the worker (workers/jobs.worker.ts), the client (app/engine/jobsClient.ts) and the
 * session dispatch through this table; the app imports only its types, so tfjs stays out of the UI bundle.
 *
 * Adding a kind: write its compute function `(g, req, ctx) => Promise<Result>` with its request and result
 * types beside it, add one row here, and a panel that calls `session.runJob(kind, key, request)` and reads
 * `results[kind]` from the store (docs/ARCHITECTURE.md, "Adding a job kind").
 */
import type { Generator } from '../model/generator';
import { computeBasis } from './basis';
import { computeCompare, type CompareRequest } from './compare';
import { computeCurveWalk } from './curveWalk';
import { computeFactors } from './factors';
import type { JobContext, JobResources } from './jobContext';
import { computeInvert } from './invert';
import { computeAscent, computeLikelihood, computeLikelihoodMap, computeVeff } from './likelihood';
import { computeMontage } from './montage';
import { computeRealism, computeRealismBlend, computeRealismSweep, type RealismBlendRequest, type RealismRequest, type RealismSweepRequest } from './realism';
import { computeSearch } from './search';
import { FD_FALLBACK, withDerivatives } from './secondOrder';
import { computeSteer, computeSteerApply, computeSteerLimits, type SteerApplyRequest, type SteerLimitsRequest, type SteerRequest } from './steer';
import { computeSweep, computeSweepItem, mergeSweep } from './sweep';
import type { Basis, BasisRequest, BackendName, EngineInfo, JobProgress, LoadResult, MemoryInfo, ModelSource } from './types';
import type { AscentRequest, LikelihoodRequest, LikelihoodMapRequest, VeffRequest } from './likelihood';
import type { FactorsRequest } from './factors';
import type { InvertRequest } from './invert';
import type { SearchRequest } from './search';
import type { SweepItemRequest, SweepMergeRequest, SweepRequest } from './sweep';

export interface JobSpec<Req, Res> {
  /** The request, checked to be an object with the fields the kind cannot do without (one plain sentence otherwise); the compute function checks the values. */
  check(req: unknown): Req;
  /** The computation; `resources` are what it may load beside the generator (the probe), on demand. */
  run(g: Generator, req: Req, ctx: JobContext, resources: JobResources): Promise<Res>;
  /** Set for kinds that need the model's own z (a density, a search in Z): the sentence refusing a W or W+ code. */
  needsZ?: string;
  /** Buffers of the result to transfer to the caller rather than copy (they are unusable in the worker afterwards). */
  transfer(result: Res): Transferable[];
}

const spec = <Req, Res>(s: JobSpec<Req, Res>): JobSpec<Req, Res> => s;

/** A check that `req` is an object holding each of `fields`. */
function fieldsOf<Req>(what: string, fields: readonly string[]): (req: unknown) => Req {
  return (req) => {
    if (!req || typeof req !== 'object' || Array.isArray(req)) throw new Error(`A ${what} request must be an object.`);
    const missing = fields.filter((f) => (req as Record<string, unknown>)[f] === undefined);
    if (missing.length) throw new Error(`A ${what} request needs ${missing.join(', ')}.`);
    return req as Req;
  };
}

const none = (): Transferable[] => [];

const NEEDS_Z_LIKELIHOOD = 'The likelihood is a density of z, and a W or W+ code has no z of the model\'s own; explore a seed or a Z latent.';
const NEEDS_Z_REALISM = 'Realism walks the sphere of z, and a W or W+ code has no z of the model\'s own; start from a seed or a Z latent.';
const NEEDS_Z_SEARCH = 'The search runs in Z, and a W or W+ code has no z of the model\'s own; start from a seed or a Z latent.';

/** A basis, taking derivatives exactly when the model allows it and by finite differences (with a warning) when not. */
async function basisJob(g: Generator, req: BasisRequest, ctx: JobContext): Promise<Basis> {
  const { result: b, fellBack } = await withDerivatives(g, req.derivatives, (derivatives) => computeBasis(g, { ...req, derivatives }, ctx));
  return fellBack ? { ...b, warning: FD_FALLBACK, notes: [...b.notes, 'Derivatives by finite differences (fd).'] } : b;
}

export const JOB_REGISTRY = {
  basis: spec({
    check: fieldsOf<BasisRequest>('basis', ['latent', 'space', 'kind', 'distance', 'k']),
    run: basisJob,
    transfer: none,
  }),
  factors: spec({
    check: fieldsOf<FactorsRequest>('factors', ['basisSpace', 'reference', 'directions']),
    run: computeFactors,
    transfer: none,
  }),
  montage: spec({
    check: fieldsOf('montage', ['latent', 'space', 'basis', 'rows', 'columns', 'extent']),
    run: computeMontage,
    transfer: (m) => [m.rgba.buffer],
  }),
  compare: spec({
    check: fieldsOf<CompareRequest>('comparison', ['latent', 'space', 'distance', 'kinds', 'rows', 'columns', 'extent']),
    run: async (g, req, ctx, resources) => {
      const { result, fellBack } = await withDerivatives(g, req.derivatives, (derivatives) => computeCompare(g, { ...req, derivatives }, ctx, resources));
      return fellBack ? { ...result, notes: [...result.notes, FD_FALLBACK] } : result;
    },
    transfer: (r) => r.columns.map((c) => c.montage.rgba.buffer as ArrayBuffer),
  }),
  curve: spec({
    check: fieldsOf('curve walk', ['latent', 'index', 'steps', 'intensity']),
    run: computeCurveWalk,
    transfer: (w) => [w.curveRgba.buffer, w.linearRgba.buffer],
  }),
  likelihood: spec({
    needsZ: NEEDS_Z_LIKELIHOOD,
    check: fieldsOf<LikelihoodRequest>('likelihood', ['latent']),
    run: computeLikelihood,
    transfer: none,
  }),
  ascent: spec({
    needsZ: NEEDS_Z_LIKELIHOOD,
    check: fieldsOf<AscentRequest>('ascent', ['latent', 'steps', 'lr', 'every']),
    run: computeAscent,
    transfer: (a) => [a.framesRgba.buffer],
  }),
  likelihoodMap: spec({
    needsZ: NEEDS_Z_LIKELIHOOD,
    check: fieldsOf<LikelihoodMapRequest>('likelihood map', ['latent', 'axes', 'extent', 'grid']),
    run: computeLikelihoodMap,
    transfer: none,
  }),
  veff: spec({
    check: fieldsOf<VeffRequest>('v_eff', ['seed', 'samples']),
    run: computeVeff,
    transfer: none,
  }),
  invert: spec({
    check: fieldsOf<InvertRequest>('inversion', ['target', 'space']),
    run: computeInvert,
    transfer: (r) => [r.targetRgba.buffer, ...r.runs.map((run) => run.rgba.buffer)],
  }),
  search: spec({
    needsZ: NEEDS_Z_SEARCH,
    check: fieldsOf<SearchRequest>('search', ['latent', 'objective']),
    run: computeSearch,
    transfer: (r) => [r.startRgba.buffer, ...r.runs.map((run) => run.rgba.buffer)],
  }),
  steer: spec({
    check: fieldsOf<SteerRequest>('steering', ['edit', 'walk']),
    run: computeSteer,
    transfer: (r) => (r.previewRgba ? [r.previewRgba.buffer] : []),
  }),
  steerApply: spec({
    check: fieldsOf<SteerApplyRequest>('walk application', ['walk', 'latent', 'alphas']),
    run: computeSteerApply,
    transfer: (r) => [r.rgba.buffer],
  }),
  steerLimits: spec({
    check: fieldsOf<SteerLimitsRequest>('steering limits', ['walk']),
    run: computeSteerLimits,
    transfer: none,
  }),
  realism: spec({
    needsZ: NEEDS_Z_REALISM,
    check: fieldsOf<RealismRequest>('realism', ['latent']),
    run: computeRealism,
    transfer: (r) => [r.originalRgba.buffer, r.protoRgba.buffer, r.improvedRgba.buffer, r.walk.rgba.buffer] as ArrayBuffer[],
  }),
  realismBlend: spec({
    check: fieldsOf<RealismBlendRequest>('realism blend', ['z', 'proto', 'sigma']),
    run: (g, req) => computeRealismBlend(g, req),
    transfer: (r) => [r.rgba.buffer as ArrayBuffer],
  }),
  realismSweep: spec({
    check: fieldsOf<RealismSweepRequest>('realism sweep', ['count']),
    run: computeRealismSweep,
    transfer: none,
  }),
  sweep: spec({
    check: fieldsOf<SweepRequest>('sweep', ['seed', 'count', 'space', 'distance']),
    run: async (g, req, ctx) => (await withDerivatives(g, req.derivatives, (derivatives) => computeSweep(g, { ...req, derivatives }, ctx))).result,
    transfer: none,
  }),
  // The parts of a sweep that a pool of job workers spreads out (splits.ts says how a sweep splits into them).
  sweepItem: spec({
    check: fieldsOf<SweepItemRequest>('sweep item', ['sweep', 'index']),
    run: async (g, req, ctx) => (await withDerivatives(g, req.sweep?.derivatives, (derivatives) =>
      computeSweepItem(g, { ...req, sweep: { ...req.sweep, derivatives } }, ctx))).result,
    transfer: (it) => [it.eigenvalues?.buffer, it.eigenvectors?.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer),
  }),
  sweepMerge: spec({
    check: fieldsOf<SweepMergeRequest>('sweep merge', ['sweep', 'items']),
    run: async (_g, req) => mergeSweep(req),
    transfer: none,
  }),
};

export type JobKind = keyof typeof JOB_REGISTRY;
type Parts<K extends JobKind> = (typeof JOB_REGISTRY)[K] extends JobSpec<infer Req, infer Res> ? { req: Req; res: Res } : never;
export type JobRequest<K extends JobKind> = Parts<K>['req'];
export type JobResult<K extends JobKind> = Parts<K>['res'];

export function isJobKind(kind: unknown): kind is JobKind {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(JOB_REGISTRY, kind);
}

/** The registry's row for `kind`, or one plain sentence. */
export function jobSpec<K extends JobKind>(kind: K): JobSpec<JobRequest<K>, JobResult<K>> {
  if (!isJobKind(kind)) throw new Error(`Unknown job kind '${String(kind).slice(0, 40)}'.`);
  return JOB_REGISTRY[kind] as unknown as JobSpec<JobRequest<K>, JobResult<K>>;
}

/** What the job worker exposes: heavy computations that report progress and can be cancelled. */
export interface JobsApi {
  start(opts: { modelsBaseUrl: string; backends?: BackendName[] }): Promise<EngineInfo>;
  load(source: ModelSource): Promise<LoadResult>;
  /** Run a job of the registry; `id` is the caller's (for cancel), progress arrives through a comlink proxy. */
  run<K extends JobKind>(kind: K, id: number, req: JobRequest<K>, onProgress: (p: JobProgress) => void): Promise<JobResult<K>>;
  /** Stop a running job: its promise rejects with a JobCancelled (recognised by name: isCancelled). */
  cancel(id: number): void;
  memory(): Promise<MemoryInfo>;
  /** Hold running and queued jobs at their next checkpoint until resume() (the user is dragging on a GPU backend). */
  pause(): void;
  resume(): void;
}
