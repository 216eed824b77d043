/**
 * The metric's spectrum at the current latent (Wang & Ponce 2021, Fig. 2 and Tab. 2): eigenvalues on a
 * log scale with the anisotropy dimensions marked, and the "illusion of isotropy": α(v) = vᵀHv/vᵀv of
 * random directions piles up tightly around the mean eigenvalue although the eigenvalues span decades.
 */
import * as d3 from 'd3';
import { useMemo } from 'react';
import { histogram } from '../../src/geometry/spectrum';
import type { SpectrumSummary } from '../../src/engine/types';
import { Axis, MARGIN, fmt, inner } from '../plots/Axis';
import { useAtlas, useSession } from '../context';
import { isRunning } from '../state/jobs';
import { currentBasis } from '../state/keys';

const W = 400, H = 230;

/** 0.99999 → "99.999%" (no float noise). */
const pct = (f: number) => `${Number((f * 100).toFixed(4))}%`;

export function SpectrumPanel() {
  const session = useSession();
  const basis = useAtlas(currentBasis);
  const running = useAtlas((s) => isRunning(s, 'basis'));
  if (!basis?.spectrum) {
    return (
      <div className="panel-body">
        <p className="hint">
          {running ? 'Computing the metric…' : 'The spectrum belongs to a metric: choose the local or the averaged metric as the basis.'}
        </p>
        {!running && basis && <button type="button" className="button" onClick={() => session.set('basisKind', 'metric')}>Use the local metric</button>}
      </div>
    );
  }
  const sp = basis.spectrum;
  return (
    <div className="panel-body spectrum" data-testid="spectrum">
      <div className="plots">
        <EigenvaluePlot spectrum={sp} />
        <AlphaPlot spectrum={sp} />
      </div>
      <table className="facts">
        <tbody>
          <tr><th>eigenvalues</th><td data-testid="spectrum-n">{sp.eigenvalues.length}</td><th>λ₁ / λₙ</th><td>{fmt(sp.eigenvalues[0] / Math.max(sp.eigenvalues[sp.eigenvalues.length - 1], Number.MIN_VALUE))}</td></tr>
          <tr><th>dims for</th><td colSpan={3}>{sp.anisotropy.map((a) => `${pct(a.fraction)} → ${a.dims}`).join(' · ')}</td></tr>
          <tr><th>α mean</th><td>{fmt(sp.alpha.sampleMean)} <span className="dim">(analytic {fmt(sp.alpha.analyticMean)})</span></td>
            <th>α std</th><td>{fmt(sp.alpha.sampleStd)} <span className="dim">(analytic {fmt(sp.alpha.analyticStd)})</span></td></tr>
        </tbody>
      </table>
    </div>
  );
}

function EigenvaluePlot({ spectrum }: { spectrum: SpectrumSummary }) {
  const { w, h } = inner(W, H);
  const values = spectrum.eigenvalues;
  const positive = values.filter((v) => v > 0);
  const lo = positive.length ? Math.min(...positive) : 1e-12;
  const hi = positive.length ? Math.max(...positive) : 1;
  const x = useMemo(() => d3.scaleLinear().domain([1, Math.max(2, values.length)]).range([0, w]), [values.length, w]);
  const y = useMemo(() => d3.scaleLog().domain([lo / 1.5, hi * 1.5]).range([h, 0]).clamp(true), [lo, hi, h]);
  return (
    <svg width={W} height={H} className="plot" role="img" aria-label={`Eigenvalues of the metric on a log scale, ${values.length} values from ${fmt(hi)} down to ${fmt(lo)}`}>
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
        {spectrum.anisotropy.map((a, i) => (
          <g key={a.fraction} className="marker">
            <line x1={x(a.dims)} x2={x(a.dims)} y1={0} y2={h} />
            {/* Labels near the right edge go to the left of their line. */}
            <text x={x(a.dims) > w - 56 ? x(a.dims) - 3 : x(a.dims) + 3} textAnchor={x(a.dims) > w - 56 ? 'end' : 'start'} y={10 + 11 * i}>{pct(a.fraction)}</text>
          </g>
        ))}
        {values.map((v, i) => v > 0 && <circle key={i} cx={x(i + 1)} cy={y(v)} r={2.2} className="dot" data-testid="eigen-dot" />)}
        <Axis scale={x} orient="bottom" y={h} label="rank" />
        <Axis scale={y} orient="left" ticks={4} format="~e" label="eigenvalue" />
      </g>
    </svg>
  );
}

function AlphaPlot({ spectrum }: { spectrum: SpectrumSummary }) {
  const { w, h } = inner(W, H);
  const positive = spectrum.eigenvalues.filter((v) => v > 0);
  const all = [...positive, ...spectrum.alpha.samples.filter((v) => v > 0)];
  const lo = Math.min(...all), hi = Math.max(...all);
  const range: [number, number] = [lo, hi];
  const eig = histogram(positive, { bins: 40, range, log: true });
  const alpha = histogram(spectrum.alpha.samples, { bins: 40, range, log: true });
  const x = d3.scaleLog().domain(range).range([0, w]);
  const share = (c: Uint32Array) => { const t = c.reduce((a, b) => a + b, 0) || 1; return Array.from(c, (v) => v / t); };
  const eShare = share(eig.counts), aShare = share(alpha.counts);
  const y = d3.scaleLinear().domain([0, Math.max(...eShare, ...aShare) * 1.05]).range([h, 0]);
  const { analyticMean: m, analyticStd: sd } = spectrum.alpha;
  const bars = (shares: number[], edges: Float64Array, cls: string) => shares.map((v, i) => v > 0 && (
    <rect key={i} className={cls} x={x(edges[i])} width={Math.max(1, x(edges[i + 1]) - x(edges[i]) - 1)} y={y(v)} height={h - y(v)} />
  ));
  return (
    <svg width={W} height={H} className="plot" role="img" aria-label={`Histogram of eigenvalues and of α(v) for ${spectrum.alpha.samples.length} random directions on a log axis; α concentrates near the mean eigenvalue ${fmt(m)}`}>
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
        {m - sd > 0 && <rect className="band" x={x(Math.max(lo, m - sd))} width={Math.max(1, x(Math.min(hi, m + sd)) - x(Math.max(lo, m - sd)))} y={0} height={h} />}
        {bars(eShare, eig.edges, 'bar-eigen')}
        {bars(aShare, alpha.edges, 'bar-alpha')}
        <line className="mean-line" x1={x(m)} x2={x(m)} y1={0} y2={h} />
        <Axis scale={x} orient="bottom" y={h} ticks={4} format="~e" label="value (log)" />
        <Axis scale={y} orient="left" ticks={4} format=".0%" label="share" />
        <g className="legend" transform="translate(8,4)">
          <rect className="bar-eigen" width={10} height={10} /><text x={14} y={9}>eigenvalues</text>
          <rect className="bar-alpha" y={14} width={10} height={10} /><text x={14} y={23}>α(v), random v</text>
          <line className="mean-line" x1={0} x2={10} y1={33} y2={33} /><text x={14} y={37}>mean λ (± analytic sd)</text>
        </g>
      </g>
    </svg>
  );
}
