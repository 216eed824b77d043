/**
 * Latest-wins scheduling for interactive work (DESIGN §2): at most one job runs; while it runs, a new
 * submission replaces the waiting one instead of queueing behind it, so dragging a slider never builds
 * a backlog of stale frames. Replies older than the newest one delivered are dropped.
 *
 * Pure logic (no worker, no DOM): the app's engine client wraps the comlink call in it, and tests
 * drive it with fake jobs.
 */
export type Outcome<R> = { status: 'done'; seq: number; value: R } | { status: 'superseded'; seq: number };

interface Waiting<T, R> {
  seq: number;
  input: T;
  resolve(o: Outcome<R>): void;
  reject(e: unknown): void;
}

export class LatestWins<T, R> {
  private readonly run: (input: T, seq: number) => Promise<R>;
  private nextSeq = 1;
  private running = false;
  private waiting: Waiting<T, R> | null = null;
  private newestDelivered = 0;

  constructor(run: (input: T, seq: number) => Promise<R>) {
    this.run = run;
  }

  /** Resolves with the job's value, or 'superseded' when a newer submission made it pointless. */
  submit(input: T): Promise<Outcome<R>> {
    const seq = this.nextSeq++;
    return new Promise((resolve, reject) => {
      this.waiting?.resolve({ status: 'superseded', seq: this.waiting.seq });
      this.waiting = { seq, input, resolve, reject };
      this.pump();
    });
  }

  /** Whether a job is running or waiting (for a busy indicator). */
  get busy(): boolean {
    return this.running || this.waiting !== null;
  }

  private pump(): void {
    if (this.running || !this.waiting) return;
    const job = this.waiting;
    this.waiting = null;
    this.running = true;
    const settle = (deliver: () => void) => {
      // Free the slot before telling the caller, so the caller sees `busy` as it is now.
      this.running = false;
      deliver();
      this.pump();
    };
    this.run(job.input, job.seq).then(
      (value) => settle(() => {
        // Cannot happen with one job at a time, but the contract is "never deliver an older frame".
        if (job.seq <= this.newestDelivered) return job.resolve({ status: 'superseded', seq: job.seq });
        this.newestDelivered = job.seq;
        job.resolve({ status: 'done', seq: job.seq, value });
      }),
      (err) => settle(() => job.reject(err)),
    );
  }
}
