/**
 * Inversion: put an image into the model — another seed's image (the answer is known), a data-set render (shapes, faces)
 * or the reader's own picture, dropped or picked — with plain Adam and with Adam in the averaged metric's eigenbasis side by
 * side (Wang & Ponce §6; the loss is Wen et al.'s). Both loss curves grow as the job streams them; then the
 * target and the two reconstructions. "Explore from here" makes the result — a z, or a W / W+ code — the current
 * latent, so every slider, montage and walk works on it (and the link carries that latent, not the picture).
 * The browser decodes the picture; the job worker fits it to the model and inverts (src/engine/invert.ts).
 */
import * as d3 from 'd3';
import { useState, type DragEvent } from 'react';
import type { InvertRequest, InvertResult } from '../../src/engine/invert';
import { datasetLabel, RENDERED_DATASETS, type RenderedDataset } from '../../src/methods/datasetTargets';
import type { LatentSpace } from '../../src/state/vocabulary';
import { isRunning, resultOf } from '../state/jobs';
import { Axis, MARGIN, fmt, inner } from '../plots/Axis';
import { useAtlas, useSession } from '../context';
import { JobStatus } from './JobStatus';
import { RgbaFrame } from './RgbaFrame';

/** Pictures larger than this (bytes) are refused before decoding. */
const MAX_PICTURE_BYTES = 40e6;
const MAX_PICTURE_SIDE = 8192;
const LABELS = { none: 'plain Adam', hessian: 'Adam in the Hessian eigenbasis' } as const;
const SHORT = { none: 'plain', hessian: 'Hessian basis' } as const;

interface Picture { name: string; rgba: Uint8ClampedArray; width: number; height: number }

/** Decode a picture file in the browser, or say in one sentence why not. */
async function decodePicture(file: File): Promise<Picture> {
  if (file.size > MAX_PICTURE_BYTES) throw new Error(`"${file.name}" is ${(file.size / 1e6).toFixed(0)} MB; pictures up to ${MAX_PICTURE_BYTES / 1e6} MB are accepted.`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`"${file.name}" is not a picture this browser can read (PNG, JPEG, WebP, GIF, BMP).`);
  }
  try {
    if (bitmap.width > MAX_PICTURE_SIDE || bitmap.height > MAX_PICTURE_SIDE) {
      throw new Error(`"${file.name}" is ${bitmap.width}×${bitmap.height}; the largest accepted is ${MAX_PICTURE_SIDE}×${MAX_PICTURE_SIDE}. Shrink it first.`);
    }
    const canvas = document.createElement('canvas');
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('This browser cannot read the pixels of a picture (no 2-D canvas).');
    ctx.drawImage(bitmap, 0, 0);
    return { name: file.name, rgba: ctx.getImageData(0, 0, bitmap.width, bitmap.height).data, width: bitmap.width, height: bitmap.height };
  } finally {
    bitmap.close();
  }
}

export function InvertPanel() {
  const session = useSession();
  const model = useAtlas((s) => s.model);
  const seed = useAtlas((s) => s.seed);
  const result = useAtlas((s) => resultOf(s, 'invert'));
  const live = useAtlas((s) => s.live.invert as { runs: { precondition: 'none' | 'hessian'; loss: number[] }[] } | undefined);
  const running = useAtlas((s) => isRunning(s, 'invert'));
  const [source, setSource] = useState<'seed' | 'dataset' | 'picture'>('seed');
  const [targetSeed, setTargetSeed] = useState(seed + 1);
  const [dataset, setDataset] = useState<RenderedDataset>(RENDERED_DATASETS[0]);
  const [datasetSeed, setDatasetSeed] = useState(1);
  const [picture, setPicture] = useState<Picture | null>(null);
  const [pictureError, setPictureError] = useState<string | null>(null);
  const [space, setSpace] = useState<LatentSpace>('z');
  const [loss, setLoss] = useState<'diamond' | 'pixel' | 'perceptual'>(model?.hasDiscriminator === false ? 'pixel' : 'diamond');
  const [steps, setSteps] = useState(300);
  const [over, setOver] = useState(false);
  if (!model) return null;

  const take = (file: File | undefined) => {
    if (!file) return;
    setPictureError(null);
    decodePicture(file).then((p) => { setPicture(p); setSource('picture'); }, (e: Error) => setPictureError(e.message));
  };
  const onDrop = (e: DragEvent) => { e.preventDefault(); setOver(false); take(e.dataTransfer.files[0]); };
  const run = () => {
    const target: InvertRequest['target'] | null = source === 'seed' ? { seed: targetSeed } : source === 'dataset' ? { dataset, seed: datasetSeed }
      : picture ? { rgba: picture.rgba, width: picture.width, height: picture.height } : null;
    if (!target) return;
    const what = source === 'seed' ? `seed ${targetSeed}` : source === 'dataset' ? `${dataset} ${datasetSeed}` : `picture ${picture!.name} ${picture!.width}×${picture!.height}`;
    const key = `${model.id}|${what}|${space}|${loss}|${steps}`;
    void session.runJob('invert', key, { target, space, loss, steps, compare: true });
  };
  const curves = live?.runs ?? result?.runs ?? null;
  return (
    <div className="panel-body invert-panel" onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={onDrop}>
      <p className="hint">
        Find the latent whose image is closest to a target: Wen et al.&apos;s loss (discriminator features + pixels + a norm prior in Z), Adam
        in the original coordinates beside Adam in the averaged metric&apos;s eigenbasis (Wang &amp; Ponce), from the same start.
      </p>
      <div className="controls-row">
        <label className="field-inline">
          <input type="radio" name="invert-source" checked={source === 'seed'} onChange={() => setSource('seed')} /> the image of seed
          <input className="number-input" type="number" min={0} value={targetSeed} aria-label="Target seed"
            onChange={(e) => { setTargetSeed(Math.max(0, Math.floor(Number(e.target.value) || 0))); setSource('seed'); }} />
        </label>
        <label className="field-inline">
          <input type="radio" name="invert-source" checked={source === 'dataset'} onChange={() => setSource('dataset')} /> a data-set image:
          <select className="select small" value={dataset} aria-label="Data set" onChange={(e) => { setDataset(e.target.value as RenderedDataset); setSource('dataset'); }}>
            {RENDERED_DATASETS.map((d) => <option key={d} value={d}>{datasetLabel(d)}</option>)}
          </select>
          seed
          <input className="number-input" type="number" min={0} value={datasetSeed} aria-label="Data-set seed"
            onChange={(e) => { setDatasetSeed(Math.max(0, Math.floor(Number(e.target.value) || 0))); setSource('dataset'); }} />
        </label>
        <label className="field-inline">
          <input type="radio" name="invert-source" checked={source === 'picture'} disabled={!picture} onChange={() => setSource('picture')} /> a picture
        </label>
        <label className={`button subtle small${over ? ' over' : ''}`}>
          {picture ? `${picture.name} (${picture.width}×${picture.height})` : 'Open or drop a picture…'}
          <input type="file" accept="image/*" hidden aria-label="Target picture" onChange={(e) => { take(e.target.files?.[0]); e.target.value = ''; }} />
        </label>
      </div>
      {pictureError && <p className="error-text" role="alert" data-testid="picture-error">{pictureError}</p>}
      {source === 'dataset' && (
        <p className="hint">Fashion-MNIST test images are not shipped with the app (they come from Debian&apos;s dataset-fashion-mnist on disk); invert one with the CLI:
          {' '}<code>npm run atlas -- invert --model fashion-dcgan --dataset-image fashion:INDEX</code>.</p>
      )}
      <div className="controls-row">
        <label className="field-inline">Space
          <select className="select small" value={space} onChange={(e) => setSpace(e.target.value as LatentSpace)} aria-label="Inversion space">
            {model.spaces.map((s) => <option key={s} value={s}>{s === 'wplus' ? 'W+' : s.toUpperCase()}</option>)}
          </select>
        </label>
        <label className="field-inline">Loss
          <select className="select small" value={loss} onChange={(e) => setLoss(e.target.value as typeof loss)} aria-label="Inversion loss">
            <option value="diamond" disabled={model.hasDiscriminator === false}>diamond (Wen et al.)</option>
            <option value="pixel">pixel MSE</option>
            <option value="perceptual" disabled={model.hasDiscriminator === false}>pixel + perceptual</option>
          </select>
        </label>
        <label className="field-inline">Steps
          <input className="number-input" type="number" min={1} max={1000} value={steps} aria-label="Inversion steps" onChange={(e) => setSteps(Math.max(1, Math.min(1000, Math.floor(Number(e.target.value) || 300))))} />
        </label>
        <button type="button" className="button primary" disabled={running || (source === 'picture' && !picture)} onClick={run}>Invert target</button>
        <JobStatus kind="invert" label="inversion" onRetry={run} />
      </div>
      {curves && curves.length > 0 && <LossPlot runs={curves} />}
      {result && !live && <Reconstructions r={result} onExplore={(latent) => session.explore(result.space, latent)} />}
    </div>
  );
}

/** Loss per step of both runs (log scale). */
function LossPlot({ runs }: { runs: { precondition: 'none' | 'hessian'; loss: number[] }[] }) {
  const W = 380, H = 220;
  const { w, h } = inner(W, H);
  const all = runs.flatMap((r) => r.loss).filter((v) => v > 0 && Number.isFinite(v));
  if (all.length === 0) return null;
  const x = d3.scaleLinear().domain([0, Math.max(1, ...runs.map((r) => r.loss.length - 1))]).range([0, w]);
  const y = d3.scaleLog().domain(d3.extent(all) as [number, number]).nice().range([h, 0]);
  const path = (loss: number[]) => d3.line<number>().defined((v) => v > 0).x((_, i) => x(i)).y((v) => y(v))(loss) ?? '';
  return (
    <svg width={W} height={H} className="plot" role="img" aria-label="Inversion loss per step, plain and preconditioned" data-testid="invert-curves" data-runs={runs.length}>
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
        {runs.map((r) => <path key={r.precondition} className={r.precondition === 'none' ? 'line-secondary' : 'line-primary'} d={path(r.loss)} />)}
        <text className="legend" x={w} y={-1} textAnchor="end">Hessian eigenbasis (solid), plain (dashed)</text>
        <Axis scale={x} orient="bottom" y={h} ticks={4} label="step" />
        <Axis scale={y} orient="left" ticks={4} format=".0e" label="loss" labelOffset={50} />
      </g>
    </svg>
  );
}

function Reconstructions({ r, onExplore }: { r: InvertResult; onExplore: (latent: number[]) => void }) {
  return (
    <div data-testid="invert-result">
      <div className="frame-strip">
        <RgbaFrame rgba={r.targetRgba} width={r.width} height={r.height} index={0} label="target" caption="target" />
        {r.runs.map((run) => (
          <RgbaFrame key={run.precondition} rgba={run.rgba} width={r.width} height={r.height} index={0} label={`reconstruction, ${LABELS[run.precondition]}`}
            caption={`${SHORT[run.precondition]} · MSE ${fmt(run.pixelMse)}`} />
        ))}
      </div>
      <table className="numbers">
        <thead><tr><th /><th>final loss</th><th>pixel MSE</th><th>feature L1</th><th>steps</th>{r.runs[0]?.latentError !== undefined && <th>‖latent − truth‖</th>}</tr></thead>
        <tbody>
          {r.runs.map((run) => (
            <tr key={run.precondition}>
              <th>{LABELS[run.precondition]}</th><td>{fmt(run.loss[run.loss.length - 1])}</td><td>{fmt(run.pixelMse)}</td><td>{fmt(run.featureL1)}</td><td>{run.steps}</td>
              {run.latentError !== undefined && <td>{fmt(run.latentError)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {r.notes.length > 0 && <ul className="notes">{r.notes.map((n) => <li key={n}>{n}</li>)}</ul>}
      <div className="controls-row">
        {r.runs.map((run) => <button key={run.precondition} type="button" className="button small" onClick={() => onExplore(run.latent)}>Explore from here ({LABELS[run.precondition]})</button>)}
        {r.space !== 'z' && <p className="hint">A {r.space === 'w' ? 'W' : 'W+'} result is explored in {r.space === 'w' ? 'W and W+' : 'W+ (and W, moving every layer)'}: it has no z of the model&apos;s own.</p>}
      </div>
    </div>
  );
}
