/**
 * Steerability (Jahanian et al.): learn a latent walk that zooms, shifts, rotates or recolours the image, watch
 * its loss fall and its preview strip change while it trains, then walk the current image with an α slider;
 * measure how far the walk really steers (requested vs achieved, FD vs α) and which unsupervised direction it
 * resembles. Walks are saved per model in the browser and can be exported and imported as JSON. Every number
 * and image comes from the job worker (src/engine/steer.ts).
 */
import * as d3 from 'd3';
import { useEffect, useState } from 'react';
import type { SteerProgress, SteerLimitsResult } from '../../src/engine/steer';
import { checkSavedWalk, STEER_LOSSES, WALK_FORMAT, WALK_KINDS, type SavedWalk, type SteerLoss, type WalkKind, type WalkSpace } from '../../src/methods/savedWalk';
import { MAX_SEED } from '../../src/state/vocabulary';
import type { SteerLink } from '../../src/state/url';
import { identityOf, STEER_EDITS, trainedRange, unitOf, type SteerEdit } from '../../src/methods/steerEdits';
import { isRunning, resultOf } from '../state/jobs';
import { referenceKey } from '../state/keys';
import { latentOf } from '../state/transitions';
import { deleteWalk, listWalks, saveWalk, walkLabel, walksPersist, type StoredWalk } from '../state/walkStore';
import { Axis, MARGIN, fmt, inner } from '../plots/Axis';
import { useAtlas, useSession } from '../context';
import { JobStatus } from './JobStatus';
import { RgbaFrame } from './RgbaFrame';

const EDIT_LABELS: Record<SteerEdit, string> = { zoom: 'Zoom', 'shift-x': 'Shift x', 'shift-y': 'Shift y', rotate: 'Rotate', color: 'Colour (brightness)' };
const WALK_LABELS: Record<WalkKind, string> = { linear: 'Linear z + αw', nonlinear: 'Non-linear (composed steps)' };
const LOSS_LABELS: Record<SteerLoss, string> = { l2: 'Masked L2', perceptual: 'Perceptual (D features)' };

/** A walk's identity for job keys: what it is and how it was trained. */
const walkKey = (w: SavedWalk) => `${w.model}|${w.edit}|${w.kind}|${w.space}|${w.training.steps}|${w.training.lr}|${w.training.seed}|${w.training.finalLoss}`;

/** What a link carries of a walk at α: a linear walk of one direction (colour's three and networks do not fit). */
function linkOf(w: SavedWalk, alpha: number): SteerLink | null {
  if (w.kind !== 'linear' || w.edit === 'color' || !w.directions || w.directions.length !== 1) return null;
  return { edit: w.edit, space: w.space, alpha, direction: w.directions[0] };
}

/** The walk a link carries, for the model shown. */
function walkFromLink(link: SteerLink, model: string, size: number): SavedWalk {
  return {
    format: WALK_FORMAT, version: 1, model, edit: link.edit, kind: 'linear', space: link.space, dim: link.direction.length, size,
    directions: [link.direction], direction: link.direction, name: `linear ${link.edit} from the link`,
    training: { steps: 0, lr: 0, loss: 'l2', seed: 0, finalLoss: NaN },
  };
}

const sameDirection = (w: SavedWalk | null, link: SteerLink) => !!w && w.edit === link.edit && w.space === link.space
  && w.directions?.length === 1 && w.directions[0].length === link.direction.length && w.directions[0].every((v, i) => Math.fround(v) === Math.fround(link.direction[i]));

/** Training results already saved in this page (switching tabs re-mounts the panel with the same result). */
const savedResults = new Set<string>();

/** The slider's position t ↦ α: zoom is geometric (α = 2^t), the others linear. */
function sliderRange(edit: SteerEdit, size: number): { min: number; max: number; step: number; alpha: (t: number) => number } {
  const [lo, hi] = trainedRange(edit, size);
  if (edit === 'zoom') return { min: Math.log2(lo), max: Math.log2(hi), step: 0.05, alpha: (t) => 2 ** t };
  const step = edit === 'color' ? 0.01 : 1;
  return { min: lo, max: hi, step, alpha: (t) => t };
}

export function SteerPanel() {
  const session = useSession();
  const model = useAtlas((s) => s.model);
  const refKey = useAtlas((s) => referenceKey(s));
  const trained = useAtlas((s) => resultOf(s, 'steer'));
  const live = useAtlas((s) => s.live.steer as SteerProgress | undefined);
  const training = useAtlas((s) => isRunning(s, 'steer'));
  const applied = useAtlas((s) => resultOf(s, 'steerApply'));
  const limits = useAtlas((s) => resultOf(s, 'steerLimits'));
  const [edit, setEdit] = useState<SteerEdit>('shift-x');
  const [kind, setKind] = useState<WalkKind>('linear');
  const [steps, setSteps] = useState(1000);
  const [lr, setLr] = useState(1e-3);
  const [loss, setLoss] = useState<SteerLoss>('l2');
  const [space, setSpace] = useState<WalkSpace | 'default'>('default');
  const [seed, setSeed] = useState(0);
  const [walk, setWalk] = useState<SavedWalk | null>(null);
  const [t, setT] = useState(0);
  const [saved, setSaved] = useState<StoredWalk[]>([]);
  const [persist, setPersist] = useState(true);
  const [message, setMessage] = useState<string | null>(null);
  const modelId = model?.id ?? '';
  const link = useAtlas((s) => s.steerWalk);

  useEffect(() => {
    if (!modelId) return;
    void listWalks(modelId).then(setSaved);
    void walksPersist().then(setPersist);
  }, [modelId]);

  // A walk that finished training becomes the current walk, and is saved (once: the result outlives the panel).
  useEffect(() => {
    if (!trained || trained.walk.model !== modelId) return;
    setWalk(trained.walk);
    setT(0);
    if (savedResults.has(walkKey(trained.walk))) return;
    savedResults.add(walkKey(trained.walk));
    void saveWalk({ ...trained.walk, name: `${trained.walk.kind} ${trained.walk.edit} · ${trained.walk.training.steps} steps · lr ${trained.walk.training.lr} · ${new Date().toLocaleTimeString()}` })
      .then(() => listWalks(modelId)).then(setSaved);
  }, [trained, modelId]);

  const size = model?.height ?? 32;
  const range = walk ? sliderRange(walk.edit, size) : null;
  const alpha = walk && range ? range.alpha(t) : 0;

  // A link's walk becomes the current walk (once per walk: the slider then moves freely) ...
  useEffect(() => {
    if (!link || !modelId || sameDirection(walk, link)) return;
    setWalk(walkFromLink(link, modelId, size));
    setT(link.edit === 'zoom' ? Math.log2(link.alpha) : link.alpha);
  }, [link, modelId]);
  // ... and the current walk at α goes into the link, when a link can carry it.
  useEffect(() => {
    if (!walk) return;
    const next = linkOf(walk, alpha);
    const now = session.store.getState().steerWalk;
    if (next === null ? now !== null : !(now && sameDirection(walk, now) && now.alpha === alpha)) session.set('steerWalk', next);
  }, [walk, alpha]);
  const applyKey = walk && refKey ? `${walkKey(walk)}|${refKey}|${alpha}` : null;

  // The slider's image: the walk applied to the current latent at α.
  useEffect(() => {
    if (!walk || !applyKey) return;
    const latent = latentOf(session.store.getState());
    void session.runJob('steerApply', applyKey, { walk, latent, alphas: [alpha] });
  }, [applyKey]);

  if (!model) return null;
  const train = () => {
    // A z-space model walks in Z whatever was picked for a style model; a perceptual loss needs a discriminator.
    const walkSpace: WalkSpace = model.isStyleBased && space !== 'default' ? space : model.isStyleBased ? 'w' : 'z';
    const walkLoss: SteerLoss = model.hasDiscriminator ? loss : 'l2';
    const key = `${model.id}|${edit}|${kind}|${steps}|${lr}|${walkLoss}|${walkSpace}|${seed}`;
    void session.runJob('steer', key, { edit, walk: kind, steps, lr, loss: walkLoss, space: walkSpace, seed, latent: latentOf(session.store.getState()) });
  };
  const measure = () => {
    if (!walk) return;
    void session.runJob('steerLimits', `${walkKey(walk)}|${refKey}`, { walk, count: 64, latent: latentOf(session.store.getState()) });
  };
  const useWalk = (w: SavedWalk) => {
    setWalk(w);
    setT(w.edit === 'zoom' ? 0 : identityOf(w.edit));
  };
  const exportWalk = (w: SavedWalk) => {
    const blob = new Blob([JSON.stringify(w)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${w.model}-${w.kind}-${w.edit}.walk.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  const importWalk = async (file: File) => {
    try {
      const w = checkSavedWalk(JSON.parse(await file.text()));
      if (w.model !== model.id) throw new Error(`This walk was learned on '${w.model}', not on '${model.id}'.`);
      await saveWalk(w);
      setSaved(await listWalks(model.id));
      useWalk(w);
      setMessage(`Imported ${walkLabel(w)}.`);
    } catch (e) {
      setMessage(`Could not import ${file.name}: ${(e as Error).message}`);
    }
  };
  const curve = live?.losses ?? trained?.losses ?? null;
  // The loss the curve shows: a finished walk records its own; a running job is the one asked for.
  const trainedLoss: SteerLoss = trained && !live ? trained.walk.training.loss : model.hasDiscriminator ? loss : 'l2';
  const preview = live?.previewRgba ? live : trained && trained.walk.model === model.id ? trained : null;
  const shownLimits = limits && walk && limits.edit === walk.edit ? limits : null;
  return (
    <div className="panel-body steer-panel">
      <p className="hint">
        Learn a walk in latent space whose images follow a camera-like edit of G(z) — zoom, shift, rotation, colour — by Adam on the masked
        L2 (or the perceptual distance on the discriminator's features, the paper's LPIPS) between G(z + αw) and edit(G(z), α)
        (Jahanian et al.), in W or Z, from a seed that fixes its start and batches; then steer the current image with it and see where it stops.
      </p>
      <div className="controls-row">
        <label className="field-inline">Edit
          <select className="select small" value={edit} onChange={(e) => setEdit(e.target.value as SteerEdit)} aria-label="Edit">
            {STEER_EDITS.map((e) => <option key={e} value={e}>{EDIT_LABELS[e]}</option>)}
          </select>
        </label>
        <label className="field-inline">Walk
          <select className="select small" value={kind} onChange={(e) => setKind(e.target.value as WalkKind)} aria-label="Walk type">
            {WALK_KINDS.map((k) => <option key={k} value={k}>{WALK_LABELS[k]}</option>)}
          </select>
        </label>
        <label className="field-inline">Steps
          <input className="number-input" type="number" min={1} max={20000} value={steps} aria-label="Training steps"
            onChange={(e) => setSteps(Math.max(1, Math.min(20000, Math.floor(Number(e.target.value) || 1000))))} />
        </label>
        <label className="field-inline">lr
          <select className="select small" value={lr} onChange={(e) => setLr(Number(e.target.value))} aria-label="Learning rate">
            {[1e-2, 1e-3, 1e-4].map((v) => <option key={v} value={v}>{v}</option>)}
          </select>
        </label>
        <label className="field-inline">Loss
          <select className="select small" value={model.hasDiscriminator ? loss : 'l2'} onChange={(e) => setLoss(e.target.value as SteerLoss)} aria-label="Training loss">
            {STEER_LOSSES.map((l) => (
              <option key={l} value={l} disabled={l === 'perceptual' && !model.hasDiscriminator} title={l === 'perceptual' && !model.hasDiscriminator ? 'Needs the model’s discriminator' : undefined}>
                {LOSS_LABELS[l]}
              </option>
            ))}
          </select>
        </label>
        {model.isStyleBased && (
          <label className="field-inline">Space
            <select className="select small" value={space === 'default' ? 'w' : space} onChange={(e) => setSpace(e.target.value as WalkSpace)} aria-label="Walk space">
              <option value="w">W (as the paper's StyleGAN walks)</option>
              <option value="z">Z</option>
            </select>
          </label>
        )}
        <label className="field-inline">Seed
          <input className="number-input" type="number" min={0} max={MAX_SEED} value={seed} aria-label="Training seed"
            title="Seeds the walk's initial direction and the latents and α of every batch: the same seed trains the same walk"
            onChange={(e) => setSeed(Math.max(0, Math.min(MAX_SEED, Math.floor(Number(e.target.value) || 0))))} />
        </label>
        <button type="button" className="button primary" disabled={training} onClick={train}>Train</button>
        <JobStatus kind="steer" label="training" onRetry={train} />
      </div>
      {curve && curve.length > 0 && (
        <div className="plots" data-testid="steer-training" data-steps={curve.length} data-done={trained && !live ? 'true' : 'false'}>
          <figure className="search-figure">
            <LossPlot losses={curve} label={trainedLoss === 'perceptual' ? 'perceptual distance' : 'masked L2'} />
            <figcaption className="hint">{trainedLoss === 'perceptual' ? 'Perceptual distance (discriminator features) of the masked images' : 'Masked L2'} of each batch of 4 (grey) and its running mean over 25 steps.</figcaption>
          </figure>
          {preview?.previewRgba && (
            <div className="frame-strip" data-testid="steer-preview">
              {preview.previewAlphas.map((a, i) => (
                <RgbaFrame key={i} rgba={preview.previewRgba!} width={model.width} height={model.height} index={i} label={`preview at α = ${a}`} caption={`α ${fmt(a)}`} />
              ))}
            </div>
          )}
        </div>
      )}
      {walk && range && (
        <div className="steer-walk" data-testid="steer-walk">
          <div className="controls-row">
            <span>{walkLabel(walk)}</span>
            <label className="field-inline">α
              <input type="range" min={range.min} max={range.max} step={range.step} value={t} aria-label="Walk α"
                onChange={(e) => setT(Number(e.target.value))} data-testid="steer-alpha" />
              <span data-testid="steer-alpha-value">{fmt(alpha)} {unitOf(walk.edit)}</span>
            </label>
            {!linkOf(walk, alpha) && <span className="hint">A link cannot carry this walk (colour&apos;s three directions or a network): export it instead.</span>}
            <button type="button" className="button small" onClick={measure}>Measure limits</button>
            <JobStatus kind="steerLimits" label="limits" onRetry={measure} />
          </div>
          {applied && applyKey && (
            <div className="frame-strip" data-testid="steer-applied" data-alpha={String(applied.alphas[0])}>
              <RgbaFrame rgba={applied.rgba} width={applied.width} height={applied.height} index={0} label={`the current image walked to α = ${fmt(Number(applied.alphas[0]))}`}
                caption={`α ${fmt(Number(applied.alphas[0]))}`} />
            </div>
          )}
        </div>
      )}
      {shownLimits && <LimitsView limits={shownLimits} />}
      <details className="steer-saved" open>
        <summary>Saved walks for {model.name} ({saved.length}){persist ? '' : ' — this browser keeps them only until the page closes'}</summary>
        <ul className="notes">
          {saved.map((r) => (
            <li key={r.id}>
              {walkLabel(r.walk)}{' '}
              <button type="button" className="button subtle small" onClick={() => useWalk(r.walk)}>Use</button>
              <button type="button" className="button subtle small" onClick={() => exportWalk(r.walk)}>Export</button>
              <button type="button" className="button subtle small" onClick={() => void deleteWalk(r.id).then(() => listWalks(model.id)).then(setSaved)}>Delete</button>
            </li>
          ))}
        </ul>
        <label className="field-inline">Import a walk (.json)
          <input type="file" accept="application/json,.json" aria-label="Import a walk" onChange={(e) => { const f = e.target.files?.[0]; if (f) void importWalk(f); }} />
        </label>
        {message && <p className="hint" role="status">{message}</p>}
      </details>
    </div>
  );
}

function LossPlot({ losses, label }: { losses: number[]; label: string }) {
  const W = 380, H = 200;
  const { w, h } = inner(W, H);
  const x = d3.scaleLinear().domain([1, Math.max(2, losses.length)]).range([0, w]);
  const y = d3.scaleLinear().domain([0, d3.max(losses) ?? 1]).nice().range([h, 0]);
  const mean = losses.map((_, i) => d3.mean(losses.slice(Math.max(0, i - 24), i + 1)) ?? 0);
  const line = (v: number[]) => d3.line<number>().x((_, i) => x(i + 1)).y((d) => y(d))(v) ?? '';
  return (
    <svg width={W} height={H} className="plot" role="img" aria-label="Training loss per step" data-testid="steer-loss">
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
        <path className="search-mean" d={line(losses)} />
        <path className="search-hessian" d={line(mean)} />
        <Axis scale={x} orient="bottom" y={h} ticks={5} label="step" />
        <Axis scale={y} orient="left" ticks={5} label={label} labelOffset={44} />
      </g>
    </svg>
  );
}

/** Requested vs achieved change per α (each measure, with the ideal edit dotted) and the Fréchet distance per α. */
function LimitsView({ limits }: { limits: SteerLimitsResult }) {
  const W = 380, H = 230;
  const { w, h } = inner(W, H);
  const zoom = limits.edit === 'zoom';
  const x = (zoom ? d3.scaleLog().base(2) : d3.scaleLinear()).domain(d3.extent(limits.alphas) as [number, number]).range([0, w]);
  const ideal = limits.requested;
  const ys = limits.measures.flatMap((m) => m.perAlpha.map((p) => p.change)).concat(ideal).filter(Number.isFinite);
  const y = (zoom ? d3.scaleLog().base(2) : d3.scaleLinear()).domain(d3.extent(ys) as [number, number]).nice().range([h, 0]);
  const path = (v: number[]) => d3.line<number>().defined(Number.isFinite).x((_, i) => x(limits.alphas[i])).y((d) => y(d))(v) ?? '';
  const fd = limits.fd;
  const yf = fd ? d3.scaleLinear().domain([0, d3.max(fd) ?? 1]).nice().range([h, 0]) : null;
  const cls = ['search-hessian', 'search-plain'];
  return (
    <div className="steer-limits" data-testid="steer-limits">
      <div className="plots">
        <figure className="search-figure">
          <svg width={W} height={H} className="plot" role="img" aria-label="Requested and achieved transformation per α" data-testid="steer-achieved">
            <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
              <path className="search-start" d={path(ideal)} />
              {limits.measures.map((m, i) => <path key={m.name} className={cls[i % 2]} d={path(m.perAlpha.map((p) => p.change))} />)}
              <Axis scale={x} orient="bottom" y={h} ticks={5} label={`requested α (${unitOf(limits.edit)})`} />
              <Axis scale={y} orient="left" ticks={5} label={zoom ? 'achieved size ratio' : 'achieved change'} labelOffset={44} />
            </g>
          </svg>
          <figcaption className="hint">Dotted: an exact edit. {limits.measures.map((m, i) => <span key={m.name} className={i % 2 ? 'key-plain' : 'key-hessian'}>{m.name} </span>)}(mean over {limits.count} samples).</figcaption>
        </figure>
        {fd && yf && (
          <figure className="search-figure">
            <svg width={W} height={H} className="plot" role="img" aria-label="Fréchet distance per α" data-testid="steer-fd">
              <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
                <path className="search-hessian" d={d3.line<number>().x((_, i) => x(limits.alphas[i])).y((d) => yf(d))(fd) ?? ''} />
                <Axis scale={x} orient="bottom" y={h} ticks={5} label={`α (${unitOf(limits.edit)})`} />
                <Axis scale={yf} orient="left" ticks={5} label={`FD to the ${limits.fdReference === 'data' ? 'data' : 'unwalked model'}`} labelOffset={44} />
              </g>
            </svg>
            <figcaption className="hint">Fréchet distance in the probe&apos;s feature space ({limits.count} samples per α: biased high at this count; compare α with α).</figcaption>
          </figure>
        )}
      </div>
      <table className="numbers">
        <thead><tr><th>measure</th><th>monotone over the trained range (or up to where it saturates)</th><th>saturates at α</th><th>Pearson (requested, achieved)</th><th>Δμ at α*</th><th>data σ</th><th>model σ</th></tr></thead>
        <tbody>
          {limits.measures.map((m) => (
            <tr key={m.name}>
              <th>{m.name}</th><td>{m.monotone ? 'yes' : m.monotoneToSaturation ? 'to saturation' : 'no'}</td>
              <td>{m.saturation.negative === null ? '–' : fmt(m.saturation.negative)} / {m.saturation.positive === null ? '–' : fmt(m.saturation.positive)}</td>
              <td>{fmt(m.pearson)}</td><td>{fmt(m.deltaMu)}</td><td>{m.exactDataSd !== null ? `${fmt(m.exactDataSd)} (exact)` : m.dataSd !== null ? fmt(m.dataSd) : '–'}</td><td>{fmt(m.modelSd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {limits.matches && (
        <table className="numbers" data-testid="steer-matches">
          <thead><tr><th>direction</th><th>best of the basis</th><th>|cos| with the walk</th><th>moves most (probe)</th></tr></thead>
          <tbody>
            <tr><th>the walk</th><td /><td>1</td><td>{limits.walkFactor ? `${limits.walkFactor.factor} ${Math.round(100 * limits.walkFactor.share)} %` : '–'}</td></tr>
            {limits.matches.map((m) => (
              <tr key={m.kind}><th>{m.kind}</th><td>{m.skipped ? m.skipped : `#${m.index + 1} of ${m.k}`}</td><td>{fmt(m.cosine)}</td>
                <td>{m.factor ? `${m.factor.factor} ${Math.round(100 * m.factor.share)} %` : '–'}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      {limits.notes.length > 0 && <ul className="notes">{limits.notes.map((n) => <li key={n}>{n}</li>)}</ul>}
    </div>
  );
}
