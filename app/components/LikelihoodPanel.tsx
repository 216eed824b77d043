/**
 * Ramesh & LeCun's implicit likelihood of the current image: ln Q = ln p(z) − ½ ln det M, with the exact
 * log-determinant (the metric's eigenvalues, floored at ε) beside Algorithm 1's stochastic estimate, so the
 * estimator's error is in plain view; and likelihood ascent from here, its images and its ln Q, λmin and
 * λmax curves drawn as the job streams them. All numbers come from the job worker (src/engine/likelihood.ts).
 */
import * as d3 from 'd3';
import { useState } from 'react';
import type { Ascent, AscentStepSummary, Likelihood, LikelihoodMapResult, Veff } from '../../src/engine/likelihood';
import { LOGDET_FLOORS, MAX_ASCENT_STEPS, MAX_VEFF_SAMPLES, type AscentSettings, type LogdetFloor } from '../../src/state/vocabulary';
import { isRunning, resultOf } from '../state/jobs';
import { likelihoodJob, likelihoodMapJob, veffJob } from '../state/transitions';
import { Axis, MARGIN, fmt, inner } from '../plots/Axis';
import { useAtlas, useSession } from '../context';
import { JobStatus } from './JobStatus';
import { RgbaFrame } from './RgbaFrame';

const EPS_CHOICES = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6];
const FLOOR_LABELS: Record<LogdetFloor, string> = { clamp: 'Σ ln max(λ, ε)', shift: 'ln det(M + εI)' };

export function LikelihoodPanel() {
  const session = useSession();
  const prior = useAtlas((s) => s.model?.prior ?? 'normal');
  const point = useAtlas((s) => resultOf(s, 'likelihood'));
  const ascent = useAtlas((s) => resultOf(s, 'ascent'));
  const live = useAtlas((s) => s.live.ascent as { steps: AscentStepSummary[] } | undefined);
  const computing = useAtlas((s) => isRunning(s, 'likelihood'));
  const ascending = useAtlas((s) => isRunning(s, 'ascent'));
  // A link's ascent fills the form (the session runs it); otherwise the defaults.
  const linked = session.store.getState().ascent;
  const [eps, setEps] = useState(linked?.eps ?? 1e-4);
  const [floor, setFloor] = useState<LogdetFloor>(linked?.floor ?? 'clamp');
  const [degree, setDegree] = useState(10);
  const [probes, setProbes] = useState(20);
  const [steps, setSteps] = useState(linked?.steps ?? 100);
  const [lr, setLr] = useState(linked?.lr ?? 0.05);
  const [gradient, setGradient] = useState<AscentSettings['gradient']>(linked?.gradient ?? 'exact');
  const [samples, setSamples] = useState(12);
  const veff = useAtlas((s) => resultOf(s, 'veff'));
  const measuring = useAtlas((s) => isRunning(s, 'veff'));
  const [axes, setAxes] = useState<'eigen' | 'random'>('eigen');
  const [extent, setExtent] = useState(2);
  const map = useAtlas((s) => (s.live.likelihoodMap as LikelihoodMapResult | undefined) ?? resultOf(s, 'likelihoodMap'));
  const mapping = useAtlas((s) => isRunning(s, 'likelihoodMap'));
  if (prior === 'sphere') {
    return <div className="panel-body"><p className="hint">The likelihood needs a density of z on Rⁿ; this model samples z on a sphere, which has none.</p></div>;
  }
  const compute = () => { const j = likelihoodJob(session.store.getState(), { eps, floor, degree, probes }); if (j) void session.runJob('likelihood', j.key, j.request); };
  // The settings go into the view (and the link); the session runs the ascent from the current latent.
  const ascend = () => session.set('ascent', { steps, lr, eps, floor, gradient });
  const measure = () => { const j = veffJob(session.store.getState(), { samples }); if (j) void session.runJob('veff', j.key, j.request); };
  const drawMap = () => { const j = likelihoodMapJob(session.store.getState(), { axes, extent, grid: 9, eps, floor }); if (j) void session.runJob('likelihoodMap', j.key, j.request); };
  const trajectory = live?.steps ?? ascent?.steps ?? null;
  return (
    <div className="panel-body likelihood-panel">
      <p className="hint">
        ln Q(G(z)) = ln p(z) − ½ ln det M(z), M = JᵀJ of the pixel (mse) distance, floored at ε: Σ ln max(λ, ε) as the paper reads it, or
        ln det(M + εI), on which Algorithm 1 converges. In Z, with the model&apos;s prior.
      </p>
      <div className="controls-row">
        <label className="field-inline">Floor ε
          <select className="select small" value={eps} onChange={(e) => setEps(Number(e.target.value))}>
            {EPS_CHOICES.map((v) => <option key={v} value={v}>{v.toExponential(0)}</option>)}
          </select>
        </label>
        <label className="field-inline">as
          <select className="select small" aria-label="How ε enters ln det M" value={floor} onChange={(e) => setFloor(e.target.value as LogdetFloor)}>
            {LOGDET_FLOORS.map((f) => <option key={f} value={f}>{FLOOR_LABELS[f]}</option>)}
          </select>
        </label>
        <label className="field-inline">Degree m
          <input className="number-input" type="number" min={1} max={256} value={degree} onChange={(e) => setDegree(Math.max(1, Math.min(256, Number(e.target.value) || 10)))} />
        </label>
        <label className="field-inline">Probes p
          <input className="number-input" type="number" min={1} max={1000} value={probes} onChange={(e) => setProbes(Math.max(1, Math.min(1000, Number(e.target.value) || 20)))} />
        </label>
        <button type="button" className="button primary" disabled={computing} onClick={compute}>Compute ln Q</button>
        <JobStatus kind="likelihood" label="likelihood" onRetry={compute} />
      </div>
      {point && <LikelihoodTable r={point} />}
      <div className="controls-row">
        <label className="field-inline">Ascent steps
          <input className="number-input" type="number" min={1} max={MAX_ASCENT_STEPS} value={steps} onChange={(e) => setSteps(Math.max(1, Math.min(MAX_ASCENT_STEPS, Number(e.target.value) || 100)))} />
        </label>
        <label className="field-inline">Step size
          <input className="number-input" type="number" min={0.001} max={1} step={0.01} value={lr} onChange={(e) => setLr(Math.max(0.001, Math.min(1, Number(e.target.value) || 0.05)))} />
        </label>
        <label className="field-inline">Gradient
          <select className="select small" aria-label="Gradient of ln det M" value={gradient} onChange={(e) => setGradient(e.target.value as AscentSettings['gradient'])}>
            <option value="exact">exact (eigen-decomposition)</option>
            <option value="estimator">Algorithm 1, differentiated</option>
          </select>
        </label>
        <button type="button" className="button" disabled={ascending} onClick={ascend}>Ascend ln Q</button>
        <JobStatus kind="ascent" label="likelihood ascent" onRetry={ascend} />
      </div>
      {trajectory && trajectory.length > 0 && (
        <div className="ascent-results" data-testid="ascent" data-steps={trajectory.length - 1} data-done={ascent && !live ? 'true' : 'false'}
          data-first={fmt(trajectory[0].logLikelihood)} data-last={fmt(trajectory[trajectory.length - 1].logLikelihood)}>
          <StepPlot steps={trajectory} solid={(s) => s.logLikelihood} dashed={(s) => s.logPrior}
            legend="ln Q (solid), ln p (dashed)" yLabel="nats" ariaLabel="ln Q and ln p along the ascent" />
          <StepPlot steps={trajectory} solid={(s) => s.lambdaMax} dashed={(s) => s.lambdaMin} log
            legend="λmax (solid), λmin (dashed)" yLabel="eigenvalue" ariaLabel="λmin and λmax of the metric along the ascent" />
          <GradientAgreement steps={trajectory} />
        </div>
      )}
      {ascent && !live && (
        <>
          <FrameStrip ascent={ascent} />
          <div className="controls-row">
            {/* The explorer then shows the last image and its z is in the link; "Ascend" from there resumes the ascent. */}
            <button type="button" className="button small" onClick={() => session.set('z', ascent.z)}>Explore the last image</button>
          </div>
        </>
      )}
      <div className="controls-row">
        <label className="field-inline">v_eff samples
          <input className="number-input" type="number" min={1} max={MAX_VEFF_SAMPLES} value={samples} onChange={(e) => setSamples(Math.max(1, Math.min(MAX_VEFF_SAMPLES, Number(e.target.value) || 12)))} />
        </label>
        <button type="button" className="button" disabled={measuring} onClick={measure}>Effective dimension</button>
        <JobStatus kind="veff" label="v_eff" onRetry={measure} />
      </div>
      {veff && <VeffPlot v={veff} />}
      <div className="controls-row">
        <label className="field-inline">Map axes
          <select className="select small" value={axes} onChange={(e) => setAxes(e.target.value as 'eigen' | 'random')}>
            <option value="eigen">top two eigenvectors</option>
            <option value="random">two random directions</option>
          </select>
        </label>
        <label className="field-inline">± extent
          <input className="number-input" type="number" min={0.1} max={100} step={0.5} value={extent} onChange={(e) => setExtent(Math.max(0.1, Math.min(100, Number(e.target.value) || 2)))} />
        </label>
        <button type="button" className="button" disabled={mapping} onClick={drawMap}>Likelihood map</button>
        <JobStatus kind="likelihoodMap" label="likelihood map" onRetry={drawMap} />
      </div>
      {map && <LikelihoodHeatmap map={map} />}
    </div>
  );
}

/** With the estimator's gradient: how well it points where the exact gradient does, over the steps so far. */
function GradientAgreement({ steps }: { steps: AscentStepSummary[] }) {
  const cos = steps.map((s) => s.gradientCosine).filter((c): c is number => c !== undefined);
  if (cos.length === 0) return null;
  return (
    <p className="hint" data-testid="gradient-cosine">
      Algorithm 1&apos;s gradient against the exact one: cosine {fmt(d3.mean(cos) ?? NaN)} on average, {fmt(d3.min(cos) ?? NaN)} at worst, over {cos.length} steps.
    </p>
  );
}

function LikelihoodTable({ r }: { r: Likelihood }) {
  const rows: [string, string, string][] = [
    ['ln p(z)', fmt(r.logPrior), fmt(r.logPrior)],
    ['ln det M', fmt(r.logdetExact), `${fmt(r.logdetEstimate)} ± ${fmt(r.logdetStdError)}`],
    ['ln Q', fmt(r.logLikelihood), fmt(r.logLikelihoodEstimate)],
  ];
  const below = r.eigenvalues.filter((l) => l < r.eps).length;
  const floorText = r.floor === 'shift' ? 'ln det(M + εI)' : 'Σ ln max(λ, ε)';
  return (
    <div className="likelihood-result" data-testid="likelihood">
      <table className="numbers">
        <thead><tr><th /><th>exact</th><th>Algorithm 1</th></tr></thead>
        <tbody>{rows.map(([name, a, b]) => <tr key={name}><th>{name}</th><td>{a}</td><td>{b}</td></tr>)}</tbody>
      </table>
      <p className="hint" data-testid="likelihood-error">
        Estimator error ln Q̂ − ln Q = {fmt(r.relativeError)} ({fmt(Math.abs(r.logdetEstimate - r.logdetExact) / Math.abs(r.logdetExact) * 100)} % of |ln det M|);
        (m, p, t, g) = ({r.settings.degree}, {r.settings.probes}, {r.settings.power}, {r.settings.margin}); interval [{fmt(r.interval[0])}, {fmt(r.interval[1])}].
        {' '}λ from {fmt(r.eigenvalues[r.eigenvalues.length - 1])} to {fmt(r.eigenvalues[0])}; {below} of {r.n} below ε = {fmt(r.eps)}; ln det M as {floorText}.
      </p>
    </div>
  );
}

/** Two quantities of the ascent against the step: `solid` and `dashed` (non-positive values skipped on a log scale). */
function StepPlot({ steps, solid, dashed, log, legend, yLabel, ariaLabel }: {
  steps: AscentStepSummary[]; solid: (s: AscentStepSummary) => number; dashed: (s: AscentStepSummary) => number;
  log?: boolean; legend: string; yLabel: string; ariaLabel: string;
}) {
  const W = 320, H = 206;
  const { w, h } = inner(W, H);
  const x = d3.scaleLinear().domain([0, Math.max(1, steps[steps.length - 1].step)]).range([0, w]);
  const shown = (v: number) => !log || v > 0;
  const values = steps.flatMap((s) => [solid(s), dashed(s)]).filter(shown);
  const domain = d3.extent(values) as [number, number];
  const y = (log ? d3.scaleLog().domain(domain) : d3.scaleLinear().domain(domain)).nice().range([h, 0]);
  const line = (f: (s: AscentStepSummary) => number) => d3.line<AscentStepSummary>().defined((s) => shown(f(s))).x((s) => x(s.step)).y((s) => y(f(s)))(steps) ?? '';
  return (
    <svg width={W} height={H} className="plot" role="img" aria-label={ariaLabel}>
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
        <path className="line-primary" d={line(solid)} />
        <path className="line-secondary" d={line(dashed)} />
        <text className="legend" x={w} y={-1} textAnchor="end">{legend}</text>
        <Axis scale={x} orient="bottom" y={h} ticks={4} label="step" />
        <Axis scale={y} orient="left" ticks={4} format={log ? '.0e' : undefined} label={yLabel} labelOffset={log ? 50 : 46} />
      </g>
    </svg>
  );
}

/** v_eff(τ): how many eigen-directions change the image more than τ times a random direction of the same step. */
function VeffPlot({ v }: { v: Veff }) {
  const W = 360, H = 220;
  const { w, h } = inner(W, H);
  const x = d3.scaleLinear().domain([0, v.taus[v.taus.length - 1]]).range([0, w]);
  const y = d3.scaleLinear().domain([0, v.zDim]).range([h, 0]);
  const path = d3.line<number>().x((_, i) => x(v.taus[i])).y((d) => y(d))(v.veff) ?? '';
  const at1 = v.veff[v.taus.findIndex((t) => Math.abs(t - 1) < 1e-9)];
  return (
    <figure className="veff" data-testid="veff">
      <svg width={W} height={H} className="plot" role="img" aria-label="Effective dimension v_eff against the threshold τ">
        <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
          <path className="line-primary" d={path} />
          <text className="legend" x={w} y={-1} textAnchor="end">v_eff(1) = {fmt(at1)} of {v.zDim}</text>
          <Axis scale={x} orient="bottom" y={h} ticks={4} label="τ (relative to a random direction)" />
          <Axis scale={y} orient="left" ticks={4} label="v_eff" labelOffset={40} />
        </g>
      </svg>
      <figcaption className="hint">Over {v.samples} prior samples, step α = {v.alpha} (Ramesh &amp; LeCun §5; unit random directions).</figcaption>
    </figure>
  );
}

/** ln Q over the slice as a heat map (rows fill in as the job computes them), the current latent at the centre. */
function LikelihoodHeatmap({ map }: { map: LikelihoodMapResult }) {
  const W = 300, H = 260;
  const { w, h } = inner(W, H);
  const k = map.offsets.length;
  const x = d3.scaleLinear().domain([map.offsets[0], map.offsets[k - 1]]).range([0, w]);
  const y = d3.scaleLinear().domain([map.offsets[0], map.offsets[k - 1]]).range([h, 0]);
  const known = map.logLikelihood.flat().filter((v) => Number.isFinite(v));
  const color = d3.scaleSequential(d3.interpolateViridis).domain(known.length ? (d3.extent(known) as [number, number]) : [0, 1]);
  const cw = w / k, ch = h / k;
  const done = map.logLikelihood.filter((row) => Number.isFinite(row[k - 1])).length;
  const label = map.axesKind === 'eigen' ? ['eigenvector 1', 'eigenvector 2'] : ['random direction 1', 'random direction 2'];
  return (
    <figure className="veff" data-testid="likelihood-map" data-rows={done}>
      <svg width={W} height={H} className="plot" role="img" aria-label="ln Q over a slice of latent space through the current z">
        <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
          {map.logLikelihood.map((row, r) => row.map((v, c) => Number.isFinite(v)
            ? <rect key={`${r}-${c}`} x={c * cw} y={h - (r + 1) * ch} width={cw + 0.5} height={ch + 0.5} fill={color(v)}><title>{`ln Q ${fmt(v)}`}</title></rect>
            : null))}
          <circle cx={x(0)} cy={y(0)} r={4} className="map-here" />
          <Axis scale={x} orient="bottom" y={h} ticks={4} label={label[0]} />
          <Axis scale={y} orient="left" ticks={4} label={label[1]} labelOffset={40} />
        </g>
      </svg>
      <figcaption className="hint">ln Q from {fmt(known.length ? Math.min(...known) : NaN)} (dark) to {fmt(known.length ? Math.max(...known) : NaN)} (light); the dot is the current z.</figcaption>
    </figure>
  );
}

function FrameStrip({ ascent }: { ascent: Ascent }) {
  return (
    <div className="frame-strip" aria-label="Images along the ascent">
      {ascent.frameSteps.map((step, i) => (
        <RgbaFrame key={step} rgba={ascent.framesRgba} width={ascent.width} height={ascent.height} index={i}
          label={`ascent step ${step}`} caption={`step ${step}, ln Q ${fmt(ascent.steps[step]?.logLikelihood ?? NaN)}`} />
      ))}
    </div>
  );
}
