/**
 * Latent search (Wang & Ponce §6): CMA-ES in the full Z beside Hessian CMA-ES in the top-k eigen-coordinates of
 * the averaged metric, from the current latent, maximising a score of the image — the discriminator's, or the
 * model's probe reading a class or a factor ("make it a square", "move it left"). Both runs grow side by side
 * as the job streams them: per-generation best and mean score, the code norm ‖z‖ of the distribution's mean,
 * and the image of each run's best latent so far. All numbers and images come from the job worker
 * (src/engine/search.ts); "Explore the best" makes a run's best z the current latent.
 */
import * as d3 from 'd3';
import { useState } from 'react';
import type { SearchPartial } from '../../src/engine/search';
import type { SearchGeneration, SearchMethod } from '../../src/methods/search';
import { objectiveChoices } from '../../src/methods/objectives';
import { MAX_SEARCH_GENERATIONS } from '../../src/state/vocabulary';
import { isRunning, resultOf } from '../state/jobs';
import { searchJob } from '../state/transitions';
import { Axis, MARGIN, fmt, inner } from '../plots/Axis';
import { useAtlas, useSession } from '../context';
import { JobStatus } from './JobStatus';
import { RgbaFrame } from './RgbaFrame';

const NAMES: Record<SearchMethod, string> = { cmaes: 'CMA-ES', 'hessian-cmaes': 'Hessian CMA-ES' };
const LINE: Record<SearchMethod, string> = { cmaes: 'search-plain', 'hessian-cmaes': 'search-hessian' };

interface ShownRun { method: SearchMethod; dimensions: number; history: SearchGeneration[]; rgba: Uint8ClampedArray | null; best?: number[] }

export function SearchPanel() {
  const session = useSession();
  const model = useAtlas((s) => s.model);
  const explicitW = useAtlas((s) => s.w !== null && s.z === null);
  const result = useAtlas((s) => resultOf(s, 'search'));
  const live = useAtlas((s) => s.live.search as SearchPartial | undefined);
  const running = useAtlas((s) => isRunning(s, 'search'));
  const probe = model?.probe;
  const probeOutputs = probe && 'categorical' in probe ? probe : null;
  const choices = objectiveChoices(model?.hasDiscriminator ?? false, probeOutputs);
  // Default: "move it left" where the probe reads x, else the first choice (an unbounded score shows the
  // difference between the searches; a class probability saturates at 1 within a few generations).
  const [objective, setObjective] = useState(choices.find((c) => c.value === '-factor:x')?.value ?? choices[0]?.value ?? '');
  const [generations, setGenerations] = useState(100);
  const [sigma, setSigma] = useState(0.2);
  const [k, setK] = useState(Math.min(model?.zDim ?? 16, 16));
  const [seed, setSeed] = useState(1);
  if (!model) return null;
  const chosen = choices.some((c) => c.value === objective) ? objective : choices[0]?.value ?? '';
  const run = () => {
    const j = searchJob(session.store.getState(), { objective: chosen, generations, sigma, k: Math.min(k, model.zDim), seed });
    if (j) void session.runJob('search', j.key, j.request);
  };
  const width = result?.width ?? model.width, height = result?.height ?? model.height;
  const runs: ShownRun[] | null = live
    ? live.runs.map((r) => ({ method: r.method, dimensions: r.dimensions, history: r.history, rgba: r.bestRgba }))
    : result ? result.runs.map((r) => ({ method: r.method, dimensions: r.dimensions, history: r.history, rgba: r.rgba, best: r.best })) : null;
  const label = live?.label ?? result?.label ?? '';
  const start = live?.start ?? result?.start;
  return (
    <div className="panel-body search-panel">
      <p className="hint">
        Maximise a score of the image with CMA-ES (Hansen&apos;s defaults, population 4 + ⌊3 ln N⌋) from the current latent: in the whole of Z,
        and in the top-k eigen-coordinates of the averaged metric with steps ∝ λ^(−1/2.5) (Wang &amp; Ponce&apos;s Hessian CMA-ES), side by side.
      </p>
      {probe && 'error' in probe && <p className="hint" data-testid="probe-error">{probe.error} Only the discriminator can be searched.</p>}
      {!probe && <p className="hint">This model names no probe, so only its discriminator&apos;s score can be searched.</p>}
      {explicitW && <p className="hint">The current latent is a W or W+ code, and the search runs in Z: choose a seed or a Z latent to start from.</p>}
      {choices.length === 0
        ? <p className="hint">This model has neither a discriminator nor a probe: there is nothing to search for.</p>
        : (
          <div className="controls-row">
            <label className="field-inline">Objective
              <select className="select small" value={chosen} onChange={(e) => setObjective(e.target.value)} aria-label="Search objective">
                {choices.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
              </select>
            </label>
            <label className="field-inline">Generations
              <input className="number-input" type="number" min={1} max={MAX_SEARCH_GENERATIONS} value={generations} aria-label="Generations"
                onChange={(e) => setGenerations(Math.max(1, Math.min(MAX_SEARCH_GENERATIONS, Math.floor(Number(e.target.value) || 100))))} />
            </label>
            <label className="field-inline">σ₀
              <input className="number-input" type="number" min={0.01} max={2} step={0.05} value={sigma} aria-label="Initial step"
                onChange={(e) => setSigma(Math.max(0.01, Math.min(2, Number(e.target.value) || 0.2)))} />
            </label>
            <label className="field-inline">Hessian k
              <input className="number-input" type="number" min={1} max={model.zDim} value={k} aria-label="Eigen-coordinates"
                onChange={(e) => setK(Math.max(1, Math.min(model.zDim, Math.floor(Number(e.target.value) || 16))))} />
            </label>
            <label className="field-inline">CMA seed
              <input className="number-input" type="number" min={0} value={seed} aria-label="CMA-ES seed"
                onChange={(e) => setSeed(Math.max(0, Math.floor(Number(e.target.value) || 0)))} />
            </label>
            <button type="button" className="button primary" disabled={running || explicitW} onClick={run}>Search</button>
            <JobStatus kind="search" label="search" onRetry={run} />
          </div>
        )}
      {runs && runs.some((r) => r.history.length > 0) && (
        <div className="search-results" data-testid="search" data-done={result && !live ? 'true' : 'false'}
          data-generations={runs.map((r) => r.history.length).join(',')}>
          <div className="frame-strip search-frames">
            {result && !live && <RgbaFrame rgba={result.startRgba} width={width} height={height} index={0} label="start" caption={`start · ${fmt(result.start)}`} />}
            {runs.map((r) => r.rgba && (
              <RgbaFrame key={r.method} rgba={r.rgba} width={width} height={height} index={0} label={`best image so far, ${NAMES[r.method]}`}
                caption={`${NAMES[r.method]} (${r.dimensions}-d) · ${fmt(r.history.at(-1)?.bestSoFar ?? NaN)}`} />
            ))}
          </div>
          <div className="plots">
            <figure className="search-figure">
              <CurvePlot runs={runs} label={label} start={start} />
              <figcaption className="hint"><span className="key-hessian">Hessian CMA-ES</span> and <span className="key-plain">CMA-ES</span>: best of each generation (solid), population mean (dashed); dotted: the start.</figcaption>
            </figure>
            <figure className="search-figure">
              <NormPlot runs={runs} />
              <figcaption className="hint">‖z‖ of each run&apos;s mean (the paper&apos;s code norm).</figcaption>
            </figure>
          </div>
          {result && !live && (
            <>
              <table className="numbers">
                <thead><tr><th /><th>dimensions</th><th>population</th><th>best {label}</th><th>‖z‖ of the best</th><th>evaluations</th></tr></thead>
                <tbody>
                  <tr><th>start</th><td>{model.zDim}</td><td /><td>{fmt(result.start)}</td><td>{fmt(result.startNorm)}</td><td /></tr>
                  {result.runs.map((r) => (
                    <tr key={r.method}><th>{NAMES[r.method]}</th><td>{r.dimensions}</td><td>{r.population}</td><td>{fmt(r.bestScore)}</td><td>{fmt(r.bestNorm)}</td><td>{r.evaluations}</td></tr>
                  ))}
                </tbody>
              </table>
              {result.notes.length > 0 && <ul className="notes">{result.notes.map((n) => <li key={n}>{n}</li>)}</ul>}
              <div className="controls-row">
                {result.runs.map((r) => <button key={r.method} type="button" className="button small" onClick={() => session.explore('z', r.best)}>Explore the best ({NAMES[r.method]})</button>)}
              </div>
            </>
          )}
        </div>
      )}
    </div>
  );
}

/** Per generation: the population's best (solid) and mean (dashed) score of both runs, and the start as a faint line. */
function CurvePlot({ runs, label, start }: { runs: ShownRun[]; label: string; start?: number }) {
  const W = 380, H = 230;
  const { w, h } = inner(W, H);
  const gens = Math.max(1, ...runs.map((r) => r.history.length));
  const values = runs.flatMap((r) => r.history.flatMap((g) => [g.best, g.mean])).concat(start !== undefined ? [start] : []).filter(Number.isFinite);
  const x = d3.scaleLinear().domain([1, Math.max(2, gens)]).range([0, w]);
  const y = d3.scaleLinear().domain(d3.extent(values) as [number, number]).nice().range([h, 0]);
  const line = (f: (g: SearchGeneration) => number) => (hist: SearchGeneration[]) => d3.line<SearchGeneration>().x((g) => x(g.generation)).y((g) => y(f(g)))(hist) ?? '';
  return (
    <svg width={W} height={H} className="plot" role="img" aria-label={`${label} per generation: best and mean of the population, both runs`} data-testid="search-curves">
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
        {start !== undefined && <line className="search-start" x1={0} x2={w} y1={y(start)} y2={y(start)} />}
        {runs.map((r) => <path key={`${r.method}-mean`} className={`${LINE[r.method]} search-mean`} d={line((g) => g.mean)(r.history)} />)}
        {runs.map((r) => <path key={`${r.method}-best`} className={LINE[r.method]} d={line((g) => g.best)(r.history)} />)}
        <Axis scale={x} orient="bottom" y={h} ticks={5} label="generation" />
        <Axis scale={y} orient="left" ticks={5} label={label} labelOffset={44} />
      </g>
    </svg>
  );
}

/** ‖z‖ of each run's distribution mean per generation (the paper's code norm). */
function NormPlot({ runs }: { runs: ShownRun[] }) {
  const W = 300, H = 230;
  const { w, h } = inner(W, H);
  const gens = Math.max(1, ...runs.map((r) => r.history.length));
  const values = runs.flatMap((r) => r.history.map((g) => g.latentNorm));
  const x = d3.scaleLinear().domain([1, Math.max(2, gens)]).range([0, w]);
  const y = d3.scaleLinear().domain(d3.extent(values) as [number, number]).nice().range([h, 0]);
  return (
    <svg width={W} height={H} className="plot" role="img" aria-label="Norm of the mean latent per generation, both runs" data-testid="search-norms">
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
        {runs.map((r) => <path key={r.method} className={LINE[r.method]} d={d3.line<SearchGeneration>().x((g) => x(g.generation)).y((g) => y(g.latentNorm))(r.history) ?? ''} />)}
        <Axis scale={x} orient="bottom" y={h} ticks={5} label="generation" />
        <Axis scale={y} orient="left" ticks={5} label="‖z‖" labelOffset={40} />
      </g>
    </svg>
  );
}
