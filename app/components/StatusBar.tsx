/** One line of facts: backend, time per frame, model and its latent dimensions. */
import { useAtlas } from '../context';
import { formatMs } from './JobStatus';

export function StatusBar() {
  const backend = useAtlas((s) => s.backend);
  const notes = useAtlas((s) => s.backendNotes);
  const wasm = useAtlas((s) => s.wasm);
  const jobWorkers = useAtlas((s) => s.jobWorkers);
  const jobsPaused = useAtlas((s) => s.jobsPaused);
  const ms = useAtlas((s) => s.frame?.ms ?? null);
  const model = useAtlas((s) => s.model);
  const loading = useAtlas((s) => s.loading);
  const basisMs = useAtlas((s) => s.jobs.basis?.ms ?? null);
  const busy = useAtlas((s) => Object.entries(s.jobs).filter(([, j]) => j?.progress).map(([k, j]) => `${k} ${j!.progress!.phase} ${j!.progress!.total > 1 ? `${j!.progress!.done}/${j!.progress!.total}` : ''}`).join(' · '));
  const dims = model
    ? model.isStyleBased ? `z ${model.zDim} → w ${model.wDim ?? '?'} (${model.styleLayers ?? '?'} styles)` : `z ${model.zDim}`
    : null;
  return (
    <footer className="status-bar" aria-label="Status">
      <span className="status-item" title={notes.length ? `Skipped: ${notes.join('; ')}` : undefined} data-testid="status-backend">
        <span className="status-key">backend</span> {backend ?? 'starting…'}
      </span>
      {wasm && (
        <span className="status-item" data-testid="status-threads" data-threads={wasm.threads}
          title={wasm.threadedBuild
            ? `Threaded SIMD wasm: ${wasm.threads} threads (the page is cross-origin isolated).`
            : `Single-threaded ${wasm.simd ? 'SIMD ' : ''}wasm: ${wasm.crossOriginIsolated ? 'threads are not supported here' : 'the page is not cross-origin isolated (served without COOP/COEP headers)'}.`}>
          <span className="status-key">threads</span> {wasm.threads}{wasm.simd ? ' · simd' : ''}
        </span>
      )}
      <span className="status-item" data-testid="status-jobs" data-workers={jobWorkers}
        title="Job workers: bases, montages, curve walks and sweeps run here; a sweep is spread over all of them. Held while a slider is dragged on a GPU backend.">
        <span className="status-key">jobs</span> {jobWorkers} worker{jobWorkers === 1 ? '' : 's'}{jobsPaused ? ' · paused' : ''}
      </span>
      <span className="status-item" data-testid="status-ms">
        <span className="status-key">frame</span> {ms === null ? '–' : `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`}
      </span>
      <span className="status-item" data-testid="status-basis-ms">
        <span className="status-key">basis</span> {basisMs === null ? '–' : formatMs(basisMs)}
      </span>
      <span className="status-item" data-testid="status-model">
        <span className="status-key">model</span> {model ? `${model.name} · ${model.width}×${model.height} · ${dims}` : 'none'}
      </span>
      {busy && <span className="status-item status-busy" aria-live="polite">{busy}</span>}
      {loading && <span className="status-item status-busy" aria-live="polite">loading {loading}…</span>}
    </footer>
  );
}
