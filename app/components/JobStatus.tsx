/** A job's progress bar with a cancel button, its error with a retry button, or its last timing. */
import { useAtlas, useSession } from '../context';
import type { JobKind } from '../../src/engine/registry';
import { jobOf } from '../state/jobs';

export function JobStatus(props: { kind: JobKind; label: string; onRetry?: () => void }) {
  const session = useSession();
  const job = useAtlas((s) => jobOf(s, props.kind));
  if (job.progress) {
    const { phase, done, total } = job.progress;
    return (
      <div className="job-status" role="status" data-testid={`job-${props.kind}`} data-state="running">
        <progress value={total > 0 ? done : undefined} max={total > 0 ? total : undefined} aria-label={`${props.label} progress`} />
        <span className="job-phase">{phase} {total > 1 ? `${done}/${total}` : ''}</span>
        <button type="button" className="button subtle small" onClick={() => session.cancelJob(props.kind)}>Cancel</button>
      </div>
    );
  }
  if (job.error) {
    return (
      <div className="job-status job-error" role="alert" data-testid={`job-${props.kind}`} data-state="error">
        <span>{job.error}</span>
        {props.onRetry && <button type="button" className="button subtle small" onClick={props.onRetry}>Retry</button>}
      </div>
    );
  }
  if (job.ms !== null) {
    return <div className="job-status job-done" data-testid={`job-${props.kind}`} data-state="done">{props.label} in {formatMs(job.ms)}</div>;
  }
  return null;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
