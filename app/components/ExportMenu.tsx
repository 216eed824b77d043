/**
 * "Export": what the reader sees, as files to take away — the image (PNG), the current basis as numpy arrays
 * (.npz), its numbers and the metric's spectrum as CSV, the basis as JSON with the link that reproduces
 * the view, the shown panel's plots as SVG and PNG (one .zip), and its images (montage, curve walk, compared bases) as PNG. The files are built by src/export/basisFiles.ts (shared with `atlas basis --npy`); this menu only
 * picks names and hands the bytes over.
 */
import { useCallback, useRef, useState } from 'react';
import { basisJson, basisNpz, directionsCsv, exportName, spectrumCsv } from '../../src/export/basisFiles';
import { encodeView } from '../../src/state/url';
import { useAtlas, useSession } from '../context';
import { useDismiss } from './useDismiss';
import { download, pngOf } from '../files/download';
import { pngOfSvg, standaloneSvg } from '../files/plots';
import { panelImages } from '../files/panelImages';
import { frameGrid } from '../../src/export/frameGrid';
import { sweepCsvFiles } from '../../src/export/sweepFiles';
import { storedZip } from '../../src/util/zip';
import { currentBasis, currentFactors } from '../state/keys';
import { viewOf } from '../urlSync';

export function ExportMenu() {
  const session = useSession();
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const hasFrame = useAtlas((s) => s.frame !== null);
  const basis = useAtlas(currentBasis);
  useDismiss(box, open, useCallback(() => setOpen(false), []));

  /** Model, latent, basis kind and distance: enough to tell exports of different views apart. */
  const nameOf = (ext: string, what?: string) => {
    const s = session.store.getState();
    const latent = s.z ? 'z' : s.w ? 'w' : `seed${s.seed}`;
    const b = currentBasis(s);
    return exportName([s.model?.id ?? 'model', latent, ...(what === 'image' || !b ? [] : [b.kind, b.distance]), ...(what && what !== 'image' ? [what] : [])], ext);
  };
  const run = (f: () => Promise<void> | void) => async () => {
    setProblem(null);
    try {
      await f();
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    }
  };
  const exportImage = run(async () => {
    const frame = session.store.getState().frame;
    if (!frame) return;
    download(nameOf('png', 'image'), await pngOf(frame.rgba, frame.width, frame.height), 'image/png');
  });
  const withBasis = (f: (b: NonNullable<typeof basis>, labels: ReturnType<typeof currentFactors>) => void) => run(() => {
    const s = session.store.getState();
    const b = currentBasis(s);
    if (b) f(b, currentFactors(s));
  });
  const exportNpz = withBasis((b) => download(nameOf('npz'), basisNpz(b), 'application/octet-stream'));
  const exportCsv = withBasis((b, f) => download(nameOf('csv', 'directions'), directionsCsv(b, f?.labels), 'text/csv'));
  const exportSpectrum = withBasis((b) => {
    const text = spectrumCsv(b);
    if (text) download(nameOf('csv', 'spectrum'), text, 'text/csv');
  });
  const exportJson = withBasis((b, f) => {
    const s = session.store.getState();
    const view = viewOf(s);
    const latent = s.z ? 'a Z latent' : s.w ? 'a W code' : `seed ${s.seed}`;
    download(nameOf('json'), basisJson(b, { model: s.model?.id ?? '', link: view ? encodeView(view) : '', latent }, f?.labels), 'application/json');
  });

  const exportPlots = run(async () => {
    const svgs = [...document.querySelectorAll<SVGSVGElement>('.tabpanel svg.plot')];
    if (svgs.length === 0) throw new Error('The panel shown has no plot yet.');
    // The page's own background (the plots' light ink is drawn for it), not a transparent one.
    const background = getComputedStyle(document.documentElement).getPropertyValue('--bg').trim() || '#0f1115';
    const entries = [];
    for (const [i, svg] of svgs.entries()) {
      const text = standaloneSvg(svg, background);
      const { width, height } = svg.getBoundingClientRect();
      const name = `${session.store.getState().panel}-plot${i + 1}`;
      entries.push({ name: `${name}.svg`, bytes: new TextEncoder().encode(text) }, { name: `${name}.png`, bytes: await pngOfSvg(text, width, height) });
    }
    download(nameOf('zip', `${session.store.getState().panel}-plots`), storedZip(entries), 'application/zip');
  });

  // The montage, the curve walk's two strips, each compared basis: one PNG, or a .zip when the panel shows several.
  const exportImages = run(async () => {
    const s = session.store.getState();
    const sets = panelImages(s);
    if (sets.length === 0) throw new Error('The panel shown has no images yet (the Montage, Curve walk and Compare panels have).');
    const pngs = [];
    for (const set of sets) {
      const g = frameGrid(set.frames, { frameWidth: set.width, frameHeight: set.height, columns: set.columns });
      pngs.push({ name: `${set.name}.png`, bytes: new Uint8Array(await (await pngOf(g.rgba, g.width, g.height)).arrayBuffer()) });
    }
    if (pngs.length === 1) download(nameOf('png', sets[0].name), pngs[0].bytes, 'image/png');
    else download(nameOf('zip', `${s.panel}-images`), storedZip(pngs), 'application/zip');
  });

  // The Atlas sweep's numbers: C^H per pair of positions and, for style models, the Grassmann curves (.zip when both).
  const hasSweep = useAtlas((s) => s.results.sweep !== undefined);
  const exportSweep = run(() => {
    const sweep = session.store.getState().results.sweep?.value;
    if (!sweep) throw new Error('Run an atlas sweep first (the Atlas sweep panel).');
    const files = Object.entries(sweepCsvFiles(sweep));
    if (files.length === 1) download(nameOf('csv', 'sweep-homogeneity'), files[0][1], 'text/csv');
    else download(nameOf('zip', 'sweep'), storedZip(files.map(([name, text]) => ({ name, bytes: new TextEncoder().encode(text) }))), 'application/zip');
  });

  const noBasis = basis ? undefined : 'The basis is still being computed.';
  return (
    <div className="copy-link" ref={box}>
      <button type="button" className="button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="export-menu">Export</button>
      {open && (
        <div className="copy-popover export-popover" role="menu" aria-label="Export">
          <span className="export-title">Take this view away as files</span>
          <button type="button" className="banner-close" aria-label="Close" onClick={() => setOpen(false)}>×</button>
          <button type="button" role="menuitem" className="button subtle" disabled={!hasFrame} onClick={exportImage} data-testid="export-png">Image (PNG)</button>
          <button type="button" role="menuitem" className="button subtle" disabled={!basis} title={noBasis ?? 'directions [k, n], values, rates, reference (and the spectrum): numpy.load(file)'} onClick={exportNpz} data-testid="export-npz">Basis arrays (.npz, numpy)</button>
          <button type="button" role="menuitem" className="button subtle" disabled={!basis} title={noBasis} onClick={exportCsv} data-testid="export-csv">Directions (CSV: value, rate, factor)</button>
          <button type="button" role="menuitem" className="button subtle" disabled={!basis?.spectrum} title={basis && !basis.spectrum ? 'Only a full metric (n ≤ 128) or the averaged metric has a spectrum.' : noBasis} onClick={exportSpectrum} data-testid="export-spectrum">Spectrum (CSV)</button>
          <button type="button" role="menuitem" className="button subtle" disabled={!basis} title={noBasis} onClick={exportJson} data-testid="export-json">Basis (JSON, with its link)</button>
          <button type="button" role="menuitem" className="button subtle" disabled={!hasSweep} title={hasSweep ? 'C^H per pair of positions; Grassmann curves for style models' : 'Run an atlas sweep first.'}
            onClick={exportSweep} data-testid="export-sweep">Atlas sweep (CSV)</button>
          <button type="button" role="menuitem" className="button subtle" onClick={exportPlots} data-testid="export-plots">Plots of this panel (SVG + PNG, .zip)</button>
          <button type="button" role="menuitem" className="button subtle" onClick={exportImages} data-testid="export-images"
            title="The montage, the curve walk's strips or the compared bases' rows, each pixel 4×4">Images of this panel (PNG)</button>
          {problem && <span className="export-problem" role="alert">{problem}</span>}
        </div>
      )}
    </div>
  );
}
