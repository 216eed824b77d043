/**
 * Ramesh & LeCun's implicit likelihood of the current image: ln Q = ln p(z) − ½ ln det M, with the exact
 * log-determinant (the metric's eigenvalues, floored at ε) beside Algorithm 1's stochastic estimate, so the
 * estimator's error is in plain view; and likelihood ascent from here, its images and its ln Q, λmin and
 * λmax curves drawn as the job streams them. All numbers come from the job worker (src/engine/likelihood.ts).
 */
import * as d3 from 'd3';
import { useState } from 'react';
import type { Ascent, AscentStepSummary, Likelihood } from '../../src/engine/types';
import { MAX_ASCENT_STEPS } from '../../src/state/vocabulary';
import { isRunning, resultOf } from '../state/jobs';
import { ascentJob, likelihoodJob } from '../state/transitions';
import { Axis, MARGIN, fmt, inner } from '../plots/Axis';
import { useAtlas, useSession } from '../context';
import { JobStatus } from './JobStatus';
import { RgbaFrame } from './RgbaFrame';

const EPS_CHOICES = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6];

export function LikelihoodPanel() {
  const session = useSession();
  const prior = useAtlas((s) => s.model?.prior ?? 'normal');
  const point = useAtlas((s) => resultOf(s, 'likelihood'));
  const ascent = useAtlas((s) => resultOf(s, 'ascent'));
  const live = useAtlas((s) => s.live.ascent as { steps: AscentStepSummary[] } | undefined);
  const computing = useAtlas((s) => isRunning(s, 'likelihood'));
  const ascending = useAtlas((s) => isRunning(s, 'ascent'));
  const [eps, setEps] = useState(1e-4);
  const [degree, setDegree] = useState(10);
  const [probes, setProbes] = useState(20);
  const [steps, setSteps] = useState(100);
  const [lr, setLr] = useState(0.05);
  if (prior === 'sphere') {
    return <div className="panel-body"><p className="hint">The likelihood needs a density of z on Rⁿ; this model samples z on a sphere, which has none.</p></div>;
  }
  const compute = () => { const j = likelihoodJob(session.store.getState(), { eps, degree, probes }); if (j) void session.runJob('likelihood', j.key, j.request); };
  const ascend = () => { const j = ascentJob(session.store.getState(), { steps, lr, eps }); if (j) void session.runJob('ascent', j.key, j.request); };
  const trajectory = live?.steps ?? ascent?.steps ?? null;
  return (
    <div className="panel-body likelihood-panel">
      <p className="hint">
        ln Q(G(z)) = ln p(z) − ½ ln det M(z), M = JᵀJ of the pixel (mse) distance, eigenvalues floored at ε. In Z, with the model&apos;s prior.
      </p>
      <div className="controls-row">
        <label className="field-inline">Floor ε
          <select className="select small" value={eps} onChange={(e) => setEps(Number(e.target.value))}>
            {EPS_CHOICES.map((v) => <option key={v} value={v}>{v.toExponential(0)}</option>)}
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
        <button type="button" className="button" disabled={ascending} onClick={ascend}>Ascend ln Q</button>
        <JobStatus kind="ascent" label="likelihood ascent" onRetry={ascend} />
      </div>
      {trajectory && trajectory.length > 0 && (
        <div className="ascent-results" data-testid="ascent" data-steps={trajectory.length - 1} data-done={ascent && !live ? 'true' : 'false'}>
          <TrajectoryPlot steps={trajectory} />
          <SpectrumRangePlot steps={trajectory} />
        </div>
      )}
      {ascent && !live && <FrameStrip ascent={ascent} />}
    </div>
  );
}

function LikelihoodTable({ r }: { r: Likelihood }) {
  const rows: [string, string, string][] = [
    ['ln p(z)', fmt(r.logPrior), fmt(r.logPrior)],
    ['ln det M', fmt(r.logdetExact), `${fmt(r.logdetEstimate)} ± ${fmt(r.logdetStdError)}`],
    ['ln Q', fmt(r.logLikelihood), fmt(r.logLikelihoodEstimate)],
  ];
  const below = r.eigenvalues.filter((l) => l < r.eps).length;
  return (
    <div className="likelihood-result" data-testid="likelihood">
      <table className="numbers">
        <thead><tr><th /><th>exact</th><th>Algorithm 1</th></tr></thead>
        <tbody>{rows.map(([name, a, b]) => <tr key={name}><th>{name}</th><td>{a}</td><td>{b}</td></tr>)}</tbody>
      </table>
      <p className="hint" data-testid="likelihood-error">
        Estimator error ln Q̂ − ln Q = {fmt(r.relativeError)} ({fmt(Math.abs(r.logdetEstimate - r.logdetExact) / Math.abs(r.logdetExact) * 100)} % of |ln det M|);
        (m, p, t, g) = ({r.settings.degree}, {r.settings.probes}, {r.settings.power}, {r.settings.margin}); interval [{fmt(r.interval[0])}, {fmt(r.interval[1])}].
        {' '}λ from {fmt(r.eigenvalues[r.eigenvalues.length - 1])} to {fmt(r.eigenvalues[0])}; {below} of {r.n} below ε.
      </p>
    </div>
  );
}

function TrajectoryPlot({ steps }: { steps: AscentStepSummary[] }) {
  const W = 320, H = 206;
  const { w, h } = inner(W, H);
  const x = d3.scaleLinear().domain([0, Math.max(1, steps[steps.length - 1].step)]).range([0, w]);
  const values = steps.flatMap((s) => [s.logLikelihood, s.logPrior]);
  const y = d3.scaleLinear().domain(d3.extent(values) as [number, number]).nice().range([h, 0]);
  const line = (f: (s: AscentStepSummary) => number) => d3.line<AscentStepSummary>().x((s) => x(s.step)).y((s) => y(f(s)))(steps) ?? '';
  return (
    <svg width={W} height={H} className="plot" role="img" aria-label="ln Q and ln p along the ascent">
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
        <path className="line-primary" d={line((s) => s.logLikelihood)} />
        <path className="line-secondary" d={line((s) => s.logPrior)} />
        <text className="legend" x={w} y={-1} textAnchor="end">ln Q (solid), ln p (dashed)</text>
        <Axis scale={x} orient="bottom" y={h} ticks={4} label="step" />
        <Axis scale={y} orient="left" ticks={4} label="nats" labelOffset={46} />
      </g>
    </svg>
  );
}

function SpectrumRangePlot({ steps }: { steps: AscentStepSummary[] }) {
  const W = 320, H = 206;
  const { w, h } = inner(W, H);
  const x = d3.scaleLinear().domain([0, Math.max(1, steps[steps.length - 1].step)]).range([0, w]);
  const values = steps.flatMap((s) => [s.lambdaMin, s.lambdaMax]).filter((v) => v > 0);
  const y = d3.scaleLog().domain(d3.extent(values) as [number, number]).nice().range([h, 0]);
  const line = (f: (s: AscentStepSummary) => number) => d3.line<AscentStepSummary>().defined((s) => f(s) > 0).x((s) => x(s.step)).y((s) => y(f(s)))(steps) ?? '';
  return (
    <svg width={W} height={H} className="plot" role="img" aria-label="λmin and λmax of the metric along the ascent">
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
        <path className="line-primary" d={line((s) => s.lambdaMax)} />
        <path className="line-secondary" d={line((s) => s.lambdaMin)} />
        <text className="legend" x={w} y={-1} textAnchor="end">λmax (solid), λmin (dashed)</text>
        <Axis scale={x} orient="bottom" y={h} ticks={4} label="step" />
        <Axis scale={y} orient="left" ticks={4} format=".0e" label="eigenvalue" labelOffset={50} />
      </g>
    </svg>
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
