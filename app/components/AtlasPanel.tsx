/**
 * A sweep over many latents: how alike the metric is from place to place (Wang & Ponce 2021, C^H on the
 * log scale, Eq. 6 and Tab. 4) and, for style models, how far apart Local Bases are on the Grassmannian
 * (Choi et al. 2022, Fig. 8). Runs in the job worker and can be cancelled.
 */
import * as d3 from 'd3';
import { useState } from 'react';
import { histogram } from '../../src/geometry/spectrum';
import type { Sweep } from '../../src/engine/sweep';
import { MAX_SWEEP_COUNT, MIN_SWEEP_COUNT } from '../../src/state/vocabulary';
import { isRunning, resultOf } from '../state/jobs';
import { sweepJob } from '../state/transitions';
import { Axis, MARGIN, fmt, inner } from '../plots/Axis';
import { useAtlas, useSession } from '../context';
import { JobStatus } from './JobStatus';

export function AtlasPanel() {
  const session = useSession();
  const sweep = useAtlas((s) => resultOf(s, 'sweep'));
  const running = useAtlas((s) => isRunning(s, 'sweep'));
  const live = useAtlas((s) => (isRunning(s, 'sweep') ? (s.live.sweep ?? null) : null));
  const job = (n: number) => sweepJob(session.store.getState(), { count: n });
  const [count, setCount] = useState(8);
  return (
    <div className="panel-body atlas-panel">
      <div className="controls-row">
        <label className="field-inline">Latents
          <input className="number-input" type="number" min={MIN_SWEEP_COUNT} max={MAX_SWEEP_COUNT} value={count}
            onChange={(e) => setCount(Math.max(MIN_SWEEP_COUNT, Math.min(MAX_SWEEP_COUNT, Number(e.target.value) || MIN_SWEEP_COUNT)))} />
        </label>
        <button type="button" className="button primary" disabled={running} onClick={() => { const j = job(count); if (j) void session.runJob('sweep', j.key, j.request); }}>Sweep</button>
        <span className="hint inline">seeds from the current seed on, current space and distance</span>
        <JobStatus kind="sweep" label="sweep" />
      </div>
      {live && live.logCorrelations.length > 0 && (
        <div className="plots" data-testid="sweep-live">
          <CorrelationPlot values={live.logCorrelations} mean={live.logCorrelationMean} note={`so far: ${live.logCorrelations.length} pairs · mean ${fmt(live.logCorrelationMean)}`} />
        </div>
      )}
      {sweep && !live && (
        <div className="plots" data-testid="sweep">
          <CorrelationPlot values={sweep.logCorrelations} mean={sweep.logCorrelationMean} note={`${sweep.count} latents · mean ${fmt(sweep.logCorrelationMean)} ± ${fmt(sweep.logCorrelationStd)}`} />
          {sweep.grassmann && <GrassmannPlot grassmann={sweep.grassmann} />}
        </div>
      )}
    </div>
  );
}

function CorrelationPlot({ values, mean: m, note }: { values: number[]; mean: number; note: string }) {
  const W = 380, H = 230;
  const { w, h } = inner(W, H);
  const hist = histogram(values, { bins: 24, range: [Math.min(0, ...values), 1] });
  const x = d3.scaleLinear().domain([hist.edges[0], 1]).range([0, w]);
  const y = d3.scaleLinear().domain([0, Math.max(1, ...hist.counts)]).range([h, 0]);
  return (
    <svg width={W} height={H} className="plot" role="img" aria-label={`Histogram of log C^H over ${values.length} ordered pairs, mean ${fmt(m)}`}>
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
        {Array.from(hist.counts, (c, i) => c > 0 && <rect key={i} className="bar-alpha" x={x(hist.edges[i])} width={Math.max(1, x(hist.edges[i + 1]) - x(hist.edges[i]) - 1)} y={y(c)} height={h - y(c)} />)}
        <line className="mean-line" x1={x(m)} x2={x(m)} y1={0} y2={h} />
        <text className="plot-note" x={4} y={12}>{note}</text>
        <Axis scale={x} orient="bottom" y={h} ticks={5} label="C^H (log scale): 1 = same metric everywhere" />
        <Axis scale={y} orient="left" ticks={4} label="pairs" />
      </g>
    </svg>
  );
}

const CURVE_COLOURS = ['#7aa2f7', '#9ece6a', '#e0af68', '#f7768e', '#bb9af7', '#7dcfff'];

function GrassmannPlot({ grassmann }: { grassmann: NonNullable<Sweep['grassmann']> }) {
  const W = 420, H = 230;
  const { w, h } = inner(W, H);
  const x = d3.scaleLinear().domain(d3.extent(grassmann.ks) as [number, number]).range([0, w]);
  const maxY = Math.max(...grassmann.curves.flatMap((c) => c.values.filter(Number.isFinite)), 1e-6);
  const y = d3.scaleLinear().domain([0, maxY * 1.05]).range([h, 0]);
  const line = d3.line<number>().defined(Number.isFinite).x((_, i) => x(grassmann.ks[i])).y((v) => y(v));
  return (
    <svg width={W} height={H} className="plot" role="img" aria-label="Grassmannian geodesic distance between subspaces against subspace dimension">
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
        {grassmann.curves.map((c, i) => <path key={c.name} d={line(c.values) ?? ''} className="curve-line" stroke={CURVE_COLOURS[i % CURVE_COLOURS.length]} />)}
        <g className="legend" transform="translate(6,4)">
          {grassmann.curves.map((c, i) => (
            <g key={c.name} transform={`translate(0,${i * 13})`}>
              <line x1={0} x2={12} y1={5} y2={5} stroke={CURVE_COLOURS[i % CURVE_COLOURS.length]} strokeWidth={2} />
              <text x={16} y={9}>{c.name}</text>
            </g>
          ))}
        </g>
        <Axis scale={x} orient="bottom" y={h} ticks={6} label="subspace dimension k" />
        <Axis scale={y} orient="left" ticks={4} label="geodesic distance" />
      </g>
    </svg>
  );
}
