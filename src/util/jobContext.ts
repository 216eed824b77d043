/**
 * The one context a long computation is given: a cancellation signal and a progress reporter. Defined
 * here, with no imports, so that geometry, linalg and the engine can all accept it without depending on
 * each other; the engine's job runner builds it (src/engine/jobContext.ts), tests and the CLI can pass
 * their own.
 *
 * Cancellation is recognised by the error's name, never by its message: a cancelled job rejects with a
 * JobCancelled (name 'JobCancelled'); the job runner turns any failure of a job whose signal was aborted
 * into one. Names survive comlink's error serialisation; messages are for people. A bare 'AbortError' is
 * deliberately not taken for a cancellation: WebGPU rejects buffer reads with DOMExceptions of that name
 * when the device fails, and those must reach the user as errors.
 */

export interface JobContext {
  readonly signal: AbortSignal;
  /** Report progress; never throws (a dead progress channel must not fail the job). `partial` is a kind's results so far. */
  progress(phase: string, done: number, total: number, partial?: unknown): void;
  /**
   * Yield to the event loop so that a cancel message can arrive, then throw if the job was cancelled.
   * Jobs call it between chunks of work; synchronous stretches between checkpoints are kept short.
   */
  checkpoint(): Promise<void>;
}

/** The error a cancelled job rejects with. */
export class JobCancelled extends Error {
  constructor(message = 'The job was cancelled.') {
    super(message);
    this.name = 'JobCancelled';
  }
}

/** True for a job's cancellation, by name: also after a trip through a worker. */
export function isCancelled(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'JobCancelled';
}

/** A context that never cancels and reports nowhere (for callers with nothing to cancel). */
export function quietContext(): JobContext {
  const signal = new AbortController().signal;
  return { signal, progress: () => undefined, checkpoint: () => Promise.resolve() };
}

/**
 * What a long computation in geometry or linalg may be given: the same context, every part optional, so
 * a job passes its JobContext as it is and the CLI can pass nothing.
 */
export type ComputeContext = Partial<JobContext>;

/** The context's checkpoint, or at least its signal's check (between chunks of work). */
export async function checkpoint(ctx: ComputeContext | undefined): Promise<void> {
  if (ctx?.checkpoint) await ctx.checkpoint();
  else ctx?.signal?.throwIfAborted();
}

export function report(ctx: ComputeContext | undefined, phase: string, done: number, total: number): void {
  ctx?.progress?.(phase, done, total);
}
