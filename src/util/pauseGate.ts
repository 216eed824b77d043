/**
 * A gate that long work waits at between chunks: open by default, closed by pause(), opened again by
 * resume(). Used to hold background jobs while the user drags a slider on a GPU backend, where a job and
 * the frames share one (often emulated) GPU and a job stalls frames by seconds. No imports: the job
 * runner in a worker and the job pool on the main thread both use it.
 */
export class PauseGate {
  private held: { promise: Promise<void>; open: () => void } | null = null;

  get paused(): boolean {
    return this.held !== null;
  }

  pause(): void {
    if (this.held) return;
    let open!: () => void;
    const promise = new Promise<void>((resolve) => { open = resolve; });
    this.held = { promise, open };
  }

  resume(): void {
    this.held?.open();
    this.held = null;
  }

  /**
   * Resolves at once when open, else when resumed; rejects with the signal's reason if it is aborted
   * first, so a paused job can still be cancelled.
   */
  wait(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const held = this.held;
    if (!held) return Promise.resolve();
    if (!signal) return held.promise;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      void held.promise.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }
}
