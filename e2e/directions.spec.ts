/**
 * Load directions (issue 18): the JSON of the metric basis exported at seed 3 is loaded into a fresh view at seed 5
 * through the Directions panel's file picker. The sliders show the imported directions (labelled with the file's
 * name), with rates measured at seed 5 — the rates `atlas basis --from FILE --seed 5` prints (≤ 1e-3 relative: the
 * CLI runs on wasm in Node, the app's job worker on its own backend) — and moving one changes the image. A garbage
 * file dropped on the panel gives one sentence and leaves the sliders as they were; the view's link reproduces the
 * imported view pixel for pixel in a fresh page.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { screenshot, type Launched } from './browser';
import { browserPerFile, canvasPixels, meanAbsDiff, openApp, pixelDiffInFreshPage, setSlider, waitForHash, waitForNewFrame, waitForSliders } from './app';

let b: Launched;
let id: string;
browserPerFile((browser, modelId) => {
  b = browser;
  id = modelId;
});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-directions-'));

type Shown = { basisKind: string; k: number; sliders: number[]; notices: string[]; basis?: { kind: string; rates: number[]; directions: number[][] } };
const shown = () => b.page.evaluate(() => {
  const s = (window as unknown as { latentAtlas: { state(): Record<string, unknown> } }).latentAtlas.state() as {
    basisKind: string; k: number; sliders: number[]; notices: string[]; results: { basis?: { value: { kind: string; rates: number[]; directions: number[][] } } };
  };
  return { basisKind: s.basisKind, k: s.k, sliders: s.sliders, notices: s.notices, basis: s.results.basis?.value } as Shown;
});

it('loads exported directions into another view: imported sliders with their rates there, a working edit, a link; garbage changes nothing', async () => {
  // The metric basis at seed 3, exported as JSON.
  await openApp(b.page, { hash: `v=1&model=${id}&seed=3` });
  await waitForSliders(b.page);
  await b.page.click('[data-testid=export-menu]');
  const [dl] = await Promise.all([b.page.waitForEvent('download'), b.page.click('[data-testid=export-json]')]);
  const file = path.join(dir, dl.suggestedFilename());
  await dl.saveAs(file);
  const exported = JSON.parse(fs.readFileSync(file, 'utf8')) as { kind: string; basisSpace: string; directions: number[][]; rates: number[] };
  expect(exported.kind).toBe('metric');

  // A fresh view at seed 5: its own metric sliders first.
  await openApp(b.page, { hash: `v=1&model=${id}&seed=5` });
  await waitForSliders(b.page);
  const metricAt5 = (await shown()).basis!;
  expect(metricAt5.kind).toBe('metric');

  await b.page.setInputFiles('input[aria-label="Directions file"]', file);
  await b.page.locator('[data-testid=sliders-source]').waitFor({ timeout: 180_000 });
  expect(await b.page.locator('[data-testid=sliders-source]').textContent()).toBe(`Imported (${path.basename(file)})`);
  const imported = (await shown()).basis!;
  expect(imported.kind).toBe('imported');
  const k = exported.directions.length;
  expect(await b.page.locator('[data-testid=sliders] input[type=range].slider').count()).toBe(k);
  expect(await b.page.getAttribute('[data-testid=slider-0]', 'aria-label')).toMatch(/^Imported direction 1/);
  // The exported unit eigenvectors come back as they were (float32 in the view, as a link carries them).
  imported.directions.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - exported.directions[i][j])).toBeLessThan(1e-6)));
  // Rates measured at seed 5, not the file's (seed 3's) — and the CLI's for the same file at seed 5.
  expect(imported.rates.some((r, i) => Math.abs(r - exported.rates[i]) > 1e-3 * exported.rates[i])).toBe(true);
  const cli = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/atlas.ts', 'basis', '--from', file, '--seed', '5'], { encoding: 'utf8', timeout: 240_000 });
  expect(cli.status, cli.stderr).toBe(0);
  const want = JSON.parse(cli.stdout) as { kind: string; rates: number[] };
  expect(want.kind).toBe('imported');
  imported.rates.forEach((r, i) => expect(Math.abs(r - want.rates[i]) / want.rates[i], `rate ${i}`).toBeLessThan(1e-3));

  // Moving an imported slider changes the image.
  const before = await canvasPixels(b.page);
  const key = await b.page.getAttribute('canvas.main-canvas', 'data-frame');
  await setSlider(b.page, 0, 0.05);
  const moved = await waitForNewFrame(b.page, key!);
  expect(moved).toContain('imported:');
  const after = await canvasPixels(b.page);
  expect(meanAbsDiff(before, after)).toBeGreaterThan(0.5);
  await screenshot(b.page, 'directions-imported');

  // The link carries the directions and reproduces this view exactly in a fresh page.
  // The hash is written 250 ms after the view settles, and it already held dirs= before the slider moved: wait
  // for the slider's position, not for the directions, or the link may be the one from before the move.
  const link = await waitForHash(b.page, '&c=0.05');
  expect(link).toContain('basis=imported');
  expect(link).toContain('dirs=');
  expect(await pixelDiffInFreshPage(b.context, link, moved, after)).toBe(0);

  // A garbage file dropped on the Directions panel: one sentence, the sliders and the image as they were.
  await b.page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['PK\u0003\u0004 this is not a directions file'], 'garbage.json', { type: 'application/json' }));
    document.querySelector('[data-testid=directions-drop]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  const problem = b.page.locator('[data-testid=directions-problem]');
  await problem.waitFor();
  expect(await problem.textContent()).toBe('garbage.json: The file is not JSON: a directions file is the JSON of Export → Basis or of atlas basis.');
  const after2 = await shown();
  expect(after2.notices.at(-1)).toBe(await problem.textContent());
  expect(after2.basisKind).toBe('imported');
  expect(after2.basis?.kind).toBe('imported');
  expect(after2.sliders[0]).toBeCloseTo(0.05, 12);
  expect(await b.page.locator('[data-testid=sliders] input[type=range].slider').count()).toBe(k);
  expect(await b.page.getAttribute('canvas.main-canvas', 'data-frame')).toBe(moved);
  await b.page.locator('[data-testid=directions-problem]').scrollIntoViewIfNeeded();
  await screenshot(b.page, 'directions-garbage');
});
