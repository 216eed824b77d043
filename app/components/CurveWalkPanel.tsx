/**
 * Iterative Curve-Traversal (Choi et al. 2022, Alg. 2) beside the straight walk along the same first
 * direction: the curve re-computes the Local Basis at every step and follows the most similar direction,
 * so it bends with the learned manifold in W while the line leaves it. The plot shows both paths in the
 * plane of the first two Local Basis directions at the start.
 */
import * as d3 from 'd3';
import { useEffect, useRef, useState } from 'react';
import type { CurveWalk } from '../../src/engine/curveWalk';
import { MAX_CURVE_STEPS, MAX_DIRECTIONS, MAX_INTENSITY } from '../../src/state/vocabulary';
import { download, webmOf } from '../files/download';
import { isRunning, resultOf } from '../state/jobs';
import { curveJob } from '../state/transitions';
import { Axis, MARGIN, inner } from '../plots/Axis';
import { useAtlas, useSession } from '../context';
import { JobStatus } from './JobStatus';
import { RgbaFrame } from './RgbaFrame';
import { prefersReducedMotion } from '../motion';

export function CurveWalkPanel() {
  const session = useSession();
  const styleBased = useAtlas((s) => s.model?.isStyleBased ?? false);
  const curve = useAtlas((s) => resultOf(s, 'curve'));
  const running = useAtlas((s) => isRunning(s, 'curve'));
  const [index, setIndex] = useState(0);
  const [steps, setSteps] = useState(10);
  // ‖w‖ of the bundled style model is ≈ 2–3: I = 1 is a clear walk that stays near the learned manifold.
  const [intensity, setIntensity] = useState(1);
  if (!styleBased) {
    return <div className="panel-body"><p className="hint">The curve walk follows the Local Basis of a mapping network: load a style-based model (Shapes, style-based).</p></div>;
  }
  return (
    <div className="panel-body curve-panel">
      <div className="controls-row">
        <label className="field-inline">Direction
          <input className="number-input" type="number" min={1} max={MAX_DIRECTIONS} value={index + 1}
            onChange={(e) => setIndex(Math.max(0, Math.min(MAX_DIRECTIONS - 1, (Number(e.target.value) || 1) - 1)))} />
        </label>
        <label className="field-inline">Steps N
          <input className="number-input" type="number" min={1} max={MAX_CURVE_STEPS} value={steps}
            onChange={(e) => setSteps(Math.max(1, Math.min(MAX_CURVE_STEPS, Number(e.target.value) || 1)))} />
        </label>
        <label className="field-inline">Intensity I
          <input className="number-input" type="number" min={0.1} max={MAX_INTENSITY} step={0.1} value={intensity}
            onChange={(e) => setIntensity(Math.max(0.1, Math.min(MAX_INTENSITY, Number(e.target.value) || 1)))} />
        </label>
        <button type="button" className="button primary" disabled={running} onClick={() => { const j = curveJob(session.store.getState(), { index, steps, intensity }); if (j) void session.runJob('curve', j.key, j.request); }}>Walk</button>
        <JobStatus kind="curve" label="curve walk" />
      </div>
      {curve && <CurvePlayer walk={curve} />}
    </div>
  );
}

function CurvePlayer({ walk }: { walk: CurveWalk }) {
  const frames = walk.curvePlane.length;
  const [frame, setFrame] = useState(0);
  // A new walk plays by itself, unless the system asks for reduced motion: then it waits for Play.
  const [playing, setPlaying] = useState(() => !prefersReducedMotion());
  useEffect(() => { setFrame(0); setPlaying(!prefersReducedMotion()); }, [walk]);
  // The presenter's Space (Presenter.tsx) toggles play; from the last frame it plays again from the start.
  const toggles = useAtlas((s) => s.curvePlayToggles);
  const seen = useRef(toggles);
  const now = useRef({ playing, frame });
  now.current = { playing, frame };
  useEffect(() => {
    if (toggles === seen.current) return;
    seen.current = toggles;
    const { playing: was, frame: at } = now.current;
    if (!was && at >= frames - 1) setFrame(0);
    setPlaying(!was);
  }, [toggles, frames]);
  useEffect(() => {
    if (!playing) return;
    const t = setInterval(() => setFrame((f) => {
      if (f + 1 >= frames) { setPlaying(false); return f; }
      return f + 1;
    }), 220);
    return () => clearInterval(t);
  }, [playing, frames]);
  const ended = !playing && frame === frames - 1;
  return (
    <div className="curve-player" data-testid="curve-walk" data-frame={frame} data-frames={frames} data-ended={ended ? 'true' : 'false'}>
      <div className="curve-frames">
        <RgbaFrame rgba={walk.curveRgba} width={walk.width} height={walk.height} index={frame} label={`curve traversal, step ${frame}`} caption="curve traversal" />
        <RgbaFrame rgba={walk.linearRgba} width={walk.width} height={walk.height} index={frame} label={`linear traversal, step ${frame}`} caption="linear traversal" />
        <PathPlot walk={walk} frame={frame} />
      </div>
      <div className="controls-row">
        <button type="button" className="button small" onClick={() => { if (frame >= frames - 1) setFrame(0); setPlaying(!playing); }}>{playing ? 'Pause' : 'Play'}</button>
        <input type="range" className="slider" min={0} max={frames - 1} step={1} value={frame} aria-label="Walk step"
          onChange={(e) => { setPlaying(false); setFrame(Number(e.target.value)); }} />
        <span className="slider-value">{frame}/{frames - 1}</span>
        <SaveVideo walk={walk} />
      </div>
      {walk.notes?.map((n) => <p key={n} className="hint" data-testid="curve-note">{n}</p>)}
    </div>
  );
}

/** Save the curve traversal, then the linear one, as WebM videos (recorded in real time: about N/5 s each). */
function SaveVideo({ walk }: { walk: CurveWalk }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const save = async (which: 'curve' | 'linear') => {
    setBusy(true);
    setProblem(null);
    try {
      const video = await webmOf(which === 'curve' ? walk.curveRgba : walk.linearRgba, walk.width, walk.height);
      download(`${which}-walk.webm`, video, 'video/webm');
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="button small subtle" disabled={busy} onClick={() => void save('curve')} data-testid="save-curve-webm">{busy ? 'Recording…' : 'Curve walk as WebM'}</button>
      <button type="button" className="button small subtle" disabled={busy} onClick={() => void save('linear')}>Linear walk as WebM</button>
      {problem && <span className="error-text" role="alert">{problem}</span>}
    </>
  );
}

function PathPlot({ walk, frame }: { walk: CurveWalk; frame: number }) {
  const W = 260, H = 220;
  const { w, h } = inner(W, H);
  const pts = [...walk.curvePlane, ...walk.linearPlane];
  const ext = (k: 0 | 1) => d3.extent(pts, (p) => p[k]) as [number, number];
  const pad = (e: [number, number]) => { const d = (e[1] - e[0]) * 0.1 || 1; return [e[0] - d, e[1] + d]; };
  const x = d3.scaleLinear().domain(pad(ext(0))).range([0, w]);
  const y = d3.scaleLinear().domain(pad(ext(1))).range([h, 0]);
  const line = d3.line<[number, number]>().x((p) => x(p[0])).y((p) => y(p[1]));
  return (
    <svg width={W} height={H} className="plot" role="img" aria-label="The two walks in the plane of the first two Local Basis directions">
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
        <path className="path-linear" d={line(walk.linearPlane) ?? ''} />
        <path className="path-curve" d={line(walk.curvePlane) ?? ''} />
        <circle className="path-dot-linear" cx={x(walk.linearPlane[frame][0])} cy={y(walk.linearPlane[frame][1])} r={4} />
        <circle className="path-dot-curve" cx={x(walk.curvePlane[frame][0])} cy={y(walk.curvePlane[frame][1])} r={4} />
        <Axis scale={x} orient="bottom" y={h} ticks={4} label="local basis 1" />
        <Axis scale={y} orient="left" ticks={4} label="local basis 2" labelOffset={42} />
      </g>
    </svg>
  );
}
