/**
 * Side by side (issue 18): two or three bases at the current image, each column the top directions of one basis
 * as rows of images on the same predicted-change scale (every row from −extent to +extent in the distance's units),
 * labelled with the factor each direction moves most when the model has a probe; below, how much the bases agree:
 * the |cos| between their directions and the overlap of their spans. Every number comes from the compare job
 * (src/engine/compare.ts).
 */
import * as d3 from 'd3';
import { useEffect, useRef, useState } from 'react';
import type { CompareColumn, CompareResult } from '../../src/engine/compare';
import { BASIS_KINDS, DEFAULT_SLIDER_RANGE, MAX_COMPARE_ROWS, MAX_COMPARED, SLIDER_RANGE_FACTORS, type SliderBasisKind } from '../../src/state/vocabulary';
import { fmt } from '../plots/Axis';
import { useAtlas, useSession } from '../context';
import { resultOf } from '../state/jobs';
import { comparableKinds, compareJob } from '../state/transitions';
import { BASIS_LABELS, importedLabel } from './BasisControls';
import { symbolOf } from './EigenSliders';
import { JobStatus } from './JobStatus';

const COLUMN_CHOICES = [5, 7, 9];

export function ComparePanel() {
  const session = useSession();
  const model = useAtlas((s) => s.model);
  const kinds = useAtlas((s) => s.compareKinds);
  const imported = useAtlas((s) => s.imported);
  // Joined, so the selector's value compares equal between renders; split once below.
  const leftOut = useAtlas((s) => comparableKinds(s).left.join('\n'));
  const comparable = useAtlas((s) => comparableKinds(s).kinds.length);
  const distance = useAtlas((s) => s.distance);
  const sliderRange = useAtlas((s) => s.sliderRange);
  const [rows, setRows] = useState(4);
  const [columns, setColumns] = useState(5);
  const [extent, setExtent] = useState(sliderRange);
  useEffect(() => setExtent(DEFAULT_SLIDER_RANGE[distance]), [distance]);
  const wanted = useAtlas((s) => compareJob(s, { rows, columns, extent })?.key ?? null);
  const result = useAtlas((s) => resultOf(s, 'compare', wanted));
  const run = () => {
    const job = compareJob(session.store.getState(), { rows, columns, extent });
    if (job) void session.runJob('compare', job.key, job.request);
  };
  // Follow the view, as the Montage panel does: a new image, distance or choice of bases recomputes the columns.
  useEffect(() => {
    if (wanted && !result) run();
  }, [wanted, result]);

  if (!model) return null;
  // Loaded directions are offered once loaded (Load directions…), beside every basis the engine computes.
  const offered: SliderBasisKind[] = [...BASIS_KINDS.filter((k) => k !== 'local' || model.isStyleBased), ...(imported ? ['imported' as const] : [])];
  const setKind = (i: number, kind: SliderBasisKind | '') => {
    const next = [...kinds];
    if (kind === '') next.splice(i, 1);
    else next[i] = kind;
    // Two columns with one basis show nothing: the columns swap (a new third column takes the first kind not shown).
    const j = next.findIndex((k, at) => at !== i && k === kind);
    if (j >= 0) next[j] = kinds[i] ?? offered.find((k) => !next.includes(k))!;
    session.set('compareKinds', next);
  };
  return (
    <div className="panel-body compare-panel">
      <p className="hint">
        Bases side by side at this image: each row walks one direction from −{fmt(extent)} to +{fmt(extent)} of predicted image change, the same
        scale in every column, so equal columns promise equal change whichever method found the direction.
      </p>
      <div className="controls-row">
        {Array.from({ length: MAX_COMPARED }, (_, i) => (
          <label key={i} className="field-inline">{String.fromCharCode(65 + i)}
            <select className="select small" value={kinds[i] ?? ''} aria-label={`Basis ${String.fromCharCode(65 + i)}`}
              disabled={i > kinds.length} onChange={(e) => setKind(i, e.target.value as SliderBasisKind | '')}>
              {i >= 2 && <option value="">none</option>}
              {offered.map((k) => <option key={k} value={k}>{k === 'imported' ? importedLabel(imported?.name) : BASIS_LABELS[k].name}</option>)}
              {kinds[i] !== undefined && !offered.includes(kinds[i]) && <option value={kinds[i]} disabled>{BASIS_LABELS[kinds[i]].name}</option>}
            </select>
          </label>
        ))}
        <label className="field-inline">Rows
          <input className="number-input" type="number" min={1} max={MAX_COMPARE_ROWS} value={rows} aria-label="Directions per basis"
            onChange={(e) => setRows(Math.max(1, Math.min(MAX_COMPARE_ROWS, Math.floor(Number(e.target.value)) || 1)))} />
        </label>
        <label className="field-inline">Columns
          <select className="select small" value={columns} onChange={(e) => setColumns(Number(e.target.value))} aria-label="Images per row">
            {COLUMN_CHOICES.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <label className="field-inline">Extent ±
          <select className="select small" value={extent} onChange={(e) => setExtent(Number(e.target.value))} aria-label="Predicted change at the ends">
            {SLIDER_RANGE_FACTORS.map((f) => DEFAULT_SLIDER_RANGE[distance] * f).map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <JobStatus kind="compare" label="comparison" onRetry={run} />
      </div>
      {leftOut && leftOut.split('\n').map((w) => <p key={w} className="hint" data-testid="compare-left-out">{w}</p>)}
      {comparable < 2 && <p className="hint">Choose a second basis to compare.</p>}
      {result && <Comparison result={result} importedName={imported?.name} />}
    </div>
  );
}

function Comparison({ result, importedName }: { result: CompareResult; importedName: string | undefined }) {
  return (
    <div data-testid="compare" data-columns={result.columns.length}>
      <div className="compare-columns" style={{ gridTemplateColumns: `repeat(${result.columns.length}, minmax(0, max-content))` }}>
        {result.columns.map((c) => <BasisColumn key={c.kind} column={c} title={c.kind === 'imported' ? importedLabel(importedName) : BASIS_LABELS[c.kind].name} />)}
      </div>
      <div className="compare-overlaps">
        {result.overlaps.map((o) => (
          <figure key={`${o.a}-${o.b}`} className="compare-overlap" data-testid={`overlap-${o.a}-${o.b}`}>
            <CosineMap cosines={o.cosines} a={o.a} b={o.b} />
            <figcaption className="hint">
              {BASIS_LABELS[o.a].name} vs {BASIS_LABELS[o.b].name}: the spans of the top {o.angles.length} share {Math.round(100 * o.sharedFraction)} %
              (mean cos² of the principal angles; random spans of this space share about {Math.round((100 * o.angles.length) / result.columns[0].basis.dim)} %),
              largest angle {fmt((o.angles.at(-1)! * 180) / Math.PI)}°, geodesic {fmt(o.geodesic)}.
            </figcaption>
          </figure>
        ))}
      </div>
      {result.notes.map((n) => <p key={n} className="hint">{n}</p>)}
    </div>
  );
}

/** One basis: its name (loaded directions: with the file's) and, per direction, its label above its row of images (one canvas per row). */
function BasisColumn({ column, title }: { column: CompareColumn; title: string }) {
  const { basis, montage, labels } = column;
  const rowLabel = (r: number) => {
    const value = basis.values[r] !== undefined ? ` · ${symbolOf(basis)} ${fmt(basis.values[r])}` : '';
    const f = labels?.[r];
    return `${r + 1}${value}${f ? ` · ${f.factor} ${Math.round(100 * f.share)} %` : ''}`;
  };
  return (
    <section className="compare-column" data-testid={`compare-${column.kind}`} aria-label={`${title}: top ${montage.rows} directions`}>
      <h3 className="compare-title">{title}</h3>
      {montage.predicted.map((_, r) => (
        <div key={r} className="compare-row">
          <span className="montage-label">{rowLabel(r)}</span>
          <RowStrip montage={montage} row={r} label={`${title}, ${rowLabel(r)}`} />
        </div>
      ))}
    </section>
  );
}

/** Row `row` of a montage as one strip canvas, at the model's pixels (CSS scales it up, crisp). */
function RowStrip({ montage, row, label }: { montage: CompareColumn['montage']; row: number; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { columns, width, height } = montage;
  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    c.width = columns * width;
    c.height = height;
    const per = width * height * 4;
    for (let col = 0; col < columns; col++) {
      const k = row * columns + col;
      const bytes = montage.rgba.slice(k * per, (k + 1) * per) as Uint8ClampedArray<ArrayBuffer>;
      ctx.putImageData(new ImageData(bytes, width, height), col * width, 0);
    }
  }, [montage, row, columns, width, height]);
  const cell = Math.max(36, Math.min(56, Math.floor(280 / columns)));
  return <canvas ref={canvas} className="montage-canvas" style={{ width: cell * columns, height: cell }} role="img" aria-label={`${label}: ${columns} steps`} />;
}

/** |cos| between the directions of two bases: rows a's, columns b's, the number in each cell. */
function CosineMap({ cosines, a, b }: { cosines: number[][]; a: SliderBasisKind; b: SliderBasisKind }) {
  const r = cosines.length, c = cosines[0]?.length ?? 0;
  const cell = 30, left = 46, top = 34;
  const colour = d3.scaleSequential(d3.interpolateViridis).domain([0, 1]);
  return (
    <svg width={left + c * cell + 4} height={top + r * cell + 4} className="cosine-map" role="img"
      aria-label={`|cos| between ${BASIS_LABELS[a].name} (rows) and ${BASIS_LABELS[b].name} (columns): ${cosines.map((row) => row.map((v) => v.toFixed(2)).join(' ')).join('; ')}`}>
      <text x={left} y={12} className="axis-label">{BASIS_LABELS[b].name} →</text>
      {Array.from({ length: c }, (_, j) => <text key={j} x={left + j * cell + cell / 2} y={top - 6} textAnchor="middle" className="tick">{j + 1}</text>)}
      {cosines.map((row, i) => (
        <g key={i}>
          <text x={left - 6} y={top + i * cell + cell / 2 + 4} textAnchor="end" className="tick">{i + 1}</text>
          {row.map((v, j) => (
            <g key={j}>
              <rect x={left + j * cell} y={top + i * cell} width={cell - 1} height={cell - 1} fill={colour(v)} />
              <text x={left + j * cell + cell / 2} y={top + i * cell + cell / 2 + 4} textAnchor="middle" className="cell-value" fill={v > 0.6 ? '#111' : '#eee'}>
                {v.toFixed(2).replace(/^0/, '')}
              </text>
            </g>
          ))}
        </g>
      ))}
      <text x={4} y={top + (r * cell) / 2} className="axis-label" transform={`rotate(-90 10 ${top + (r * cell) / 2})`} textAnchor="middle">{BASIS_LABELS[a].name}</text>
    </svg>
  );
}
