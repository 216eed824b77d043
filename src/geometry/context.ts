/**
 * What a long geometry computation may receive from its caller: a cancellation signal and a progress
 * reporter. Structural, so the engine's JobContext fits as it is and the CLI can pass nothing; geometry
 * never imports the engine.
 */
export interface GeometryContext {
  readonly signal?: AbortSignal;
  /** Report progress; must not throw. */
  progress?(phase: string, done: number, total: number): void;
  /** Yield so that a cancel can arrive, then throw if cancelled (between chunks of work). */
  checkpoint?(): Promise<void>;
}

/** The checkpoint of a context, or nothing to wait for. */
export async function checkpoint(ctx: GeometryContext | undefined): Promise<void> {
  if (ctx?.checkpoint) await ctx.checkpoint();
  else ctx?.signal?.throwIfAborted();
}

export function report(ctx: GeometryContext | undefined, phase: string, done: number, total: number): void {
  ctx?.progress?.(phase, done, total);
}
