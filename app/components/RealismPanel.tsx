/**
 * Realism from the discriminator (Wen et al., paper 003): the current image → its protoimage → the improved image
 * P(σ·proto + (1 − σ)·z) with σ optimised, each with its discriminator score; a σ slider that re-renders the
 * blend (job kind realismBlend, latest wins); the hypersphere walk from z through its inverted ẑ with the score
 * and probe reading of each frame; and the quality-vs-diversity study (baseline, truncation ψ, σ toward the mean
 * protoimage, σ-optimised) computed in the background with progress and cancel. Every number and image comes
 * from the job worker (src/engine/realism.ts); this file lays them out.
 */
import * as d3 from 'd3';
import { useState } from 'react';
import type { RealismSweepPartial } from '../../src/engine/realism';
import type { RealismRow } from '../../src/methods/realismStudy';
import { isRunning, resultOf } from '../state/jobs';
import { referenceKey } from '../state/keys';
import { latentOf } from '../state/transitions';
import { Axis, MARGIN, fmt, inner } from '../plots/Axis';
import { useAtlas, useSession } from '../context';
import { JobStatus } from './JobStatus';
import { RgbaFrame } from './RgbaFrame';

const METHOD_LABEL: Record<RealismRow['method'], string> = { baseline: 'baseline', truncation: 'truncation ψ', sigma: 'σ toward p̄', improved: 'σ optimised' };

function rowLabel(r: RealismRow): string {
  if (r.method === 'baseline') return `baseline (N ${r.count})`;
  if (r.method === 'improved') return `σ optimised (mean σ ${fmt(r.param ?? NaN)}, N ${r.count})`;
  return `${METHOD_LABEL[r.method]} ${r.param}`;
}

export function RealismPanel() {
  const session = useSession();
  const model = useAtlas((s) => s.model);
  const ref = useAtlas((s) => referenceKey(s));
  const explicitW = useAtlas((s) => s.w !== null && s.z === null);
  const truncation = useAtlas((s) => s.truncation);
  const result = useAtlas((s) => resultOf(s, 'realism'));
  const blend = useAtlas((s) => resultOf(s, 'realismBlend'));
  const sweep = useAtlas((s) => resultOf(s, 'realismSweep'));
  const liveSweep = useAtlas((s) => s.live.realismSweep as RealismSweepPartial | undefined);
  const running = useAtlas((s) => isRunning(s, 'realism'));
  const sweeping = useAtlas((s) => isRunning(s, 'realismSweep'));
  const [protoSteps, setProtoSteps] = useState(501);
  const [inversionSteps, setInversionSteps] = useState(50);
  const [sigma, setSigma] = useState<number | null>(null);
  const [count, setCount] = useState(256);
  if (!model) return null;
  if (!model.hasDiscriminator) return <div className="panel-body"><p className="hint">This model ships no discriminator, and realism is read from the discriminator.</p></div>;
  const run = () => {
    const s = session.store.getState();
    if (!ref) return;
    setSigma(null);
    void session.runJob('realism', `${ref}|${protoSteps}|${inversionSteps}`, { latent: latentOf(s), protoSteps, inversionSteps });
  };
  const runSweep = () => {
    void session.runJob('realismSweep', `${model.id}|${count}`, { count, improveCount: Math.min(count, 64) });
  };
  const onSigma = (value: number) => {
    if (!result) return;
    setSigma(value);
    void session.runJob('realismBlend', `${result.z.join(',')}|${result.proto.join(',')}|${value}|${truncation}`,
      { z: result.z, proto: result.proto, sigma: value, ...(model.isStyleBased && truncation !== 1 ? { truncation } : {}) });
  };
  const shownSigma = sigma ?? result?.sigma ?? 0.5;
  const shownBlend = blend && result && sigma !== null && blend.sigma === sigma ? blend : null;
  const rows = liveSweep?.rows ?? sweep?.rows ?? null;
  return (
    <div className="panel-body realism-panel">
      <p className="hint">
        The discriminator&apos;s idea of realism (Wen et al.): walk the sphere of radius √d from z through its inverted ẑ to a
        &ldquo;protoimage&rdquo; (searched on a batch of 8: the minibatch-stddev layer gives look-alike batches a low score), then move the
        sample part of the way there, P(σ·proto + (1 − σ)·z), with σ chosen so the score reaches 0 (σ kept in [0.5, 0.75]).
      </p>
      {explicitW && <p className="hint">The current latent is a W or W+ code, and the walk is on the sphere of z: choose a seed or a Z latent.</p>}
      <div className="controls-row">
        <label className="field-inline">Protoimage steps
          <input className="number-input" type="number" min={1} max={501} value={protoSteps} aria-label="Protoimage steps"
            onChange={(e) => setProtoSteps(Math.max(1, Math.min(501, Math.floor(Number(e.target.value) || 501))))} />
        </label>
        <label className="field-inline">Inversion steps
          <input className="number-input" type="number" min={1} max={501} value={inversionSteps} aria-label="Inversion steps"
            onChange={(e) => setInversionSteps(Math.max(1, Math.min(501, Math.floor(Number(e.target.value) || 50))))} />
        </label>
        <button type="button" className="button primary" disabled={running || explicitW} onClick={run}>Find the protoimage</button>
        <JobStatus kind="realism" label="protoimage and improvement" onRetry={run} />
      </div>
      {result && (
        <div data-testid="realism" data-sigma={result.sigma}>
          <div className="frame-strip">
            <RgbaFrame rgba={result.originalRgba} width={result.width} height={result.height} index={0} label="current image" caption={`current · D ${fmt(result.scores.original)}`} />
            <RgbaFrame rgba={result.protoRgba} width={result.width} height={result.height} index={0} label="protoimage" caption={`protoimage · D ${fmt(result.scores.proto)}`} />
            <RgbaFrame rgba={result.improvedRgba} width={result.width} height={result.height} index={0} label="improved image" caption={`improved (σ ${fmt(result.sigma)}) · D ${fmt(result.scores.improved)}`} />
            {shownBlend && (
              <div data-testid="realism-blend" data-sigma={shownBlend.sigma}>
                <RgbaFrame rgba={shownBlend.rgba} width={shownBlend.width} height={shownBlend.height} index={0} label="blend at the slider's σ" caption={`σ ${fmt(shownBlend.sigma)} · D ${fmt(shownBlend.score)}`} />
              </div>
            )}
          </div>
          <div className="controls-row">
            <label className="field-inline">σ
              <input type="range" min={0} max={1} step={0.01} value={shownSigma} aria-label="Blend σ" onChange={(e) => onSigma(Number(e.target.value))} />
              <span>{fmt(shownSigma)}</span>
            </label>
            <JobStatus kind="realismBlend" label="blend" />
          </div>
          <table className="numbers">
            <thead><tr><th /><th>D, this image alone</th><th>D, batch of {result.batch} scored together</th></tr></thead>
            <tbody>
              <tr><th>current</th><td>{fmt(result.scores.original)}</td><td>{fmt(result.batchScores.original)}</td></tr>
              <tr><th>protoimage</th><td>{fmt(result.scores.proto)}</td><td>{fmt(result.batchScores.proto)}</td></tr>
              <tr><th>improved</th><td>{fmt(result.scores.improved)}</td><td>{fmt(result.batchScores.improved)}</td></tr>
            </tbody>
          </table>
          <p className="hint">cos(protoimage, z) = {fmt(result.protoCosine)}; protoimage loss {fmt(result.protoLoss[0])} → {fmt(result.protoLoss.at(-1) ?? NaN)} in {result.protoLoss.length} steps.</p>
          <h4>Hypersphere walk z → ẑ → …</h4>
          <div className="frame-strip" data-testid="realism-walk">
            {Array.from({ length: result.walk.frames }, (_, k) => (
              <RgbaFrame key={k} rgba={result.walk.rgba} width={result.width} height={result.height} index={k} label={`walk step ${k}`}
                caption={`${k} · D ${fmt(result.walk.scores[k])}${result.walk.reading ? ` · ${result.walk.reading[k]}` : ''}`} />
            ))}
          </div>
          {result.notes.length > 0 && <ul className="notes">{result.notes.map((n) => <li key={n}>{n}</li>)}</ul>}
        </div>
      )}
      <h4>Quality vs diversity</h4>
      <div className="controls-row">
        <label className="field-inline">Samples
          <input className="number-input" type="number" min={16} max={5000} value={count} aria-label="Sweep samples"
            onChange={(e) => setCount(Math.max(16, Math.min(5000, Math.floor(Number(e.target.value) || 256))))} />
        </label>
        <button type="button" className="button" disabled={sweeping} onClick={runSweep}>Compare with truncation</button>
        <JobStatus kind="realismSweep" label="quality vs diversity" onRetry={runSweep} />
      </div>
      {rows && rows.length > 0 && (
        <div data-testid="realism-sweep" data-rows={rows.length} data-done={sweep && !liveSweep ? 'true' : 'false'}>
          <QualityPlot rows={rows} />
          <table className="numbers">
            <thead><tr><th /><th>Fréchet (probe)</th><th>read confidently</th><th>factor spread</th><th>mean D</th></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={rowLabel(r)}><th>{rowLabel(r)}</th><td>{r.frechet === null ? '–' : fmt(r.frechet)}</td><td>{r.confident === null ? '–' : `${Math.round(100 * r.confident)} %`}</td>
                  <td>{r.factorSpread === null ? '–' : fmt(r.factorSpread)}</td><td>{fmt(r.meanD)}</td></tr>
              ))}
            </tbody>
          </table>
          {sweep && !liveSweep && <p className="hint">Fréchet distance against {sweep.reference}{sweep.floor !== null ? ` (two real sets: ${fmt(sweep.floor)})` : ''}. {sweep.notes.join(' ')}</p>}
        </div>
      )}
    </div>
  );
}

/** Diversity (factor spread, or mean D when the probe reads no factors) against quality (Fréchet distance, or mean D), one point per row. */
function QualityPlot({ rows }: { rows: RealismRow[] }) {
  const W = 420, H = 250;
  const { w, h } = inner(W, H);
  const hasFd = rows.some((r) => r.frechet !== null);
  const hasSpread = rows.some((r) => r.factorSpread !== null);
  const yOf = (r: RealismRow) => (hasFd ? r.frechet ?? NaN : r.meanD);
  const xOf = (r: RealismRow) => (hasSpread ? r.factorSpread ?? NaN : r.confident ?? NaN);
  const pts = rows.filter((r) => Number.isFinite(yOf(r)) && Number.isFinite(xOf(r)));
  if (pts.length === 0) return null;
  const x = d3.scaleLinear().domain(d3.extent(pts, xOf) as [number, number]).nice().range([0, w]);
  const y = d3.scaleLinear().domain(d3.extent(pts, yOf) as [number, number]).nice().range([h, 0]);
  const line = (m: RealismRow['method']) => d3.line<RealismRow>().x((r) => x(xOf(r))).y((r) => y(yOf(r)))(pts.filter((r) => r.method === m || (r.method === 'baseline' && r.count === pts[0].count))) ?? '';
  return (
    <svg width={W} height={H} className="plot" role="img" aria-label="quality against diversity per method" data-testid="realism-plot">
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
        <path className="search-plain" d={line('truncation')} fill="none" />
        <path className="search-hessian" d={line('sigma')} fill="none" />
        {pts.map((r) => (
          <g key={rowLabel(r)} transform={`translate(${x(xOf(r))},${y(yOf(r))})`}>
            <circle r={4} className={`realism-point realism-${r.method}`} />
            <title>{rowLabel(r)}</title>
            {r.param !== null && r.method !== 'improved' && <text className="realism-label" x={5} y={-4}>{r.param}</text>}
          </g>
        ))}
        <Axis scale={x} orient="bottom" y={h} label={hasSpread ? 'factor spread (generated / real sd)' : 'share read confidently'} />
        <Axis scale={y} orient="left" label={hasFd ? 'Fréchet distance (probe)' : 'mean D'} />
      </g>
    </svg>
  );
}
