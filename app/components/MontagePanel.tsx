/**
 * The traversal montage (Wang & Ponce 2021, Fig. 1, live): one row per direction, columns step from
 * −extent to +extent in predicted image change. Beside each row, the measured change ‖φ(x) − φ(x₀)‖
 * against the prediction: on the diagonal where the first-order metric holds, bending away where it
 * does not.
 */
import * as d3 from 'd3';
import { useEffect, useRef, useState } from 'react';
import type { Montage } from '../../src/engine/montage';
import { DEFAULT_SLIDER_RANGE, SLIDER_RANGE_FACTORS } from '../../src/state/vocabulary';
import { fmt } from '../plots/Axis';
import { useAtlas, useSession } from '../context';
import { resultOf } from '../state/jobs';
import { currentBasis } from '../state/keys';
import { montageJob } from '../state/transitions';
import { symbolOf } from './EigenSliders';
import { JobStatus } from './JobStatus';

const COLUMN_CHOICES = [5, 7, 9, 11];

export function MontagePanel() {
  const session = useSession();
  const basis = useAtlas(currentBasis);
  const sliderRange = useAtlas((s) => s.sliderRange);
  const spherical = useAtlas((s) => s.spherical);
  const layers = useAtlas((s) => s.layers);
  const distance = useAtlas((s) => s.distance);
  const [rows, setRows] = useState(5);
  const [columns, setColumns] = useState(7);
  const [extent, setExtent] = useState(sliderRange);
  // A new distance has new units: start from its default reach.
  useEffect(() => setExtent(DEFAULT_SLIDER_RANGE[distance]), [distance]);
  const wanted = useAtlas((s) => montageJob(s, { rows, columns, extent })?.key ?? null);
  const montage = useAtlas((s) => resultOf(s, 'montage', wanted));
  const run = () => {
    const job = montageJob(session.store.getState(), { rows, columns, extent });
    if (job) void session.runJob('montage', job.key, job.request);
  };

  // Follow the view: a new basis, new options or a new traversal mode re-renders the montage.
  useEffect(() => {
    if (wanted && !montage) run();
  }, [wanted, montage, spherical, layers]);

  if (!basis) return <div className="panel-body"><p className="hint">The montage needs a basis: it is being computed, or choose one.</p></div>;
  return (
    <div className="panel-body montage-panel">
      <div className="controls-row">
        <label className="field-inline">Rows
          <input className="number-input" type="number" min={1} max={basis.directions.length} value={rows}
            onChange={(e) => setRows(Math.max(1, Math.min(basis.directions.length, Number(e.target.value) || 1)))} />
        </label>
        <label className="field-inline">Columns
          <select className="select small" value={columns} onChange={(e) => setColumns(Number(e.target.value))}>
            {COLUMN_CHOICES.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <label className="field-inline">Extent ±
          <select className="select small" value={extent} onChange={(e) => setExtent(Number(e.target.value))}>
            {SLIDER_RANGE_FACTORS.map((f) => DEFAULT_SLIDER_RANGE[distance] * f).map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <span className="hint inline">{spherical ? 'spherical' : 'linear'} steps, equal predicted change per column</span>
        <JobStatus kind="montage" label="montage" onRetry={run} />
      </div>
      {montage && (
        <MontageGrid montage={montage} labels={montage.predicted.map((_, r) => `${r + 1} · ${basis.values[r] !== undefined ? `${symbolOf(basis)} ${fmt(basis.values[r])}` : ''}`)} />
      )}
    </div>
  );
}

function MontageGrid({ montage, labels }: { montage: Montage; labels: string[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { rows, columns, width, height } = montage;
  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    c.width = columns * width;
    c.height = rows * height;
    const per = width * height * 4;
    for (let r = 0; r < rows; r++) {
      for (let col = 0; col < columns; col++) {
        const k = r * columns + col;
        const bytes = montage.rgba.slice(k * per, (k + 1) * per) as Uint8ClampedArray<ArrayBuffer>;
        ctx.putImageData(new ImageData(bytes, width, height), col * width, r * height);
      }
    }
  }, [montage, rows, columns, width, height]);
  const cell = Math.max(40, Math.min(72, Math.floor(560 / columns)));
  return (
    <div className="montage" data-testid="montage" data-rows={rows} data-columns={columns}>
      <div className="montage-labels" style={{ gridTemplateRows: `repeat(${rows}, ${cell}px)` }}>
        {labels.map((l, r) => <span key={r} className="montage-label">{l}</span>)}
      </div>
      <canvas ref={canvas} className="montage-canvas" style={{ width: cell * columns, height: cell * rows }}
        role="img" aria-label={`Traversal montage: ${rows} directions × ${columns} steps`} />
      <div className="montage-plots" style={{ gridTemplateRows: `repeat(${rows}, ${cell}px)` }}>
        {montage.predicted.map((p, r) => <RowPlot key={r} predicted={p} measured={montage.measured[r]} height={cell} />)}
      </div>
    </div>
  );
}

/** Measured vs predicted image change along one row (the diagonal is the metric's first-order promise). */
function RowPlot({ predicted, measured, height }: { predicted: number[]; measured: number[]; height: number }) {
  const w = 150, h = height - 6, pad = 4;
  const maxP = Math.max(...predicted.map(Math.abs), 1e-9);
  const maxM = Math.max(...measured, maxP);
  const x = d3.scaleLinear().domain([-maxP, maxP]).range([pad, w - pad]);
  const y = d3.scaleLinear().domain([0, maxM]).range([h - pad, pad]);
  const line = d3.line<number>().x((_, i) => x(predicted[i])).y((m) => y(m));
  const promised = d3.line<number>().x((p) => x(p)).y((p) => y(Math.abs(p)));
  return (
    <svg width={w} height={h} className="row-plot" role="img"
      aria-label={`Measured image change ${measured.map((m) => m.toFixed(2)).join(', ')} against predicted ${predicted.map((p) => Math.abs(p).toFixed(2)).join(', ')}`}>
      <path className="promise" d={promised(predicted) ?? ''} />
      <path className="measured" d={line(measured) ?? ''} />
      {measured.map((m, i) => <circle key={i} className="measured-dot" cx={x(predicted[i])} cy={y(m)} r={2} />)}
    </svg>
  );
}
