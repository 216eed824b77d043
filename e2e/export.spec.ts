/**
 * Exports (issue 18): the Export menu's files, read back by someone else's tools. The .npz of the current
 * basis is loaded by numpy (Debian's python3-numpy) and its directions agree with `atlas basis` for the same
 * view (|cos| ≥ 0.999 per direction: the CLI runs on wasm in Node, the app's job worker on its own backend);
 * the JSON names that view; the CSV's values are the sliders' eigenvalues; the PNG decodes to the canvas's
 * pixels; the curve walk saved as WebM decodes in a <video> element.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, type Launched } from './browser';
import { basisValues, browserPerFile, canvasPixels, meanAbsDiff, openApp, waitForSliders } from './app';

let b: Launched;
let id: string;
browserPerFile((browser, modelId) => {
  b = browser;
  id = modelId;
});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-export-'));

/** Click an item of the Export menu and save what it downloads; returns the file's path and suggested name. */
async function exportVia(page: Page, testid: string): Promise<{ file: string; name: string }> {
  if (!(await page.locator(`[data-testid=${testid}]`).isVisible())) await page.click('[data-testid=export-menu]');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testid}]`)]);
  const file = path.join(dir, dl.suggestedFilename());
  await dl.saveAs(file);
  return { file, name: dl.suggestedFilename() };
}

it('exports the basis as .npz (numpy reads it; it equals atlas basis for the view), CSV, JSON and the image as PNG', async () => {
  await openApp(b.page, { hash: `v=1&model=${id}&seed=3` });
  expect(await waitForSliders(b.page)).toBeGreaterThan(0);
  await b.page.click('[data-testid=export-menu]');
  await screenshot(b.page, 'export-menu');

  const json = await exportVia(b.page, 'export-json');
  const meta = JSON.parse(fs.readFileSync(json.file, 'utf8'));
  expect(json.name).toBe(`${id}-seed3-${meta.kind}-${meta.distance}.json`);
  expect(meta).toMatchObject({ format: 'latent-atlas-directions', model: id, latent: 'seed 3' });
  expect(meta.link).toContain('seed=3');

  const npz = await exportVia(b.page, 'export-npz');
  const read = spawnSync('/usr/bin/python3', ['-c', `import json, sys, numpy as np
d = np.load(sys.argv[1])
print(json.dumps({n: {'shape': list(d[n].shape), 'dtype': str(d[n].dtype), 'data': d[n].ravel().tolist()} for n in d.files}))`, npz.file], { encoding: 'utf8' });
  expect(read.status, read.stderr).toBe(0);
  const np = JSON.parse(read.stdout);
  const k = meta.directions.length, n = meta.reference.length;
  expect(np.directions.shape).toEqual([k, n]);
  expect(np.directions.dtype).toBe('float64');
  expect(np.directions.data).toEqual(meta.directions.flat());
  expect(np.values.data).toEqual(meta.values);

  // The same view from the CLI: seed 3, the app's basis kind, space, distance and k.
  const cli = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/atlas.ts', 'basis', '--model', id, '--seed', '3', '--kind', meta.kind,
    '--space', meta.basisSpace, '--distance', meta.distance, '--k', String(k)], { encoding: 'utf8', timeout: 240_000 });
  expect(cli.status, cli.stderr).toBe(0);
  const want = JSON.parse(cli.stdout) as { directions: number[][]; values: number[] };
  for (let i = 0; i < k; i++) {
    const a = np.directions.data.slice(i * n, (i + 1) * n) as number[];
    const cos = a.reduce((s, x, j) => s + x * want.directions[i][j], 0) / Math.hypot(...a) / Math.hypot(...want.directions[i]);
    expect(Math.abs(cos), `direction ${i}`).toBeGreaterThanOrEqual(0.999);
    expect(Math.abs(np.values.data[i] - want.values[i])).toBeLessThanOrEqual(1e-3 * want.values[0]);
  }

  const csv = await exportVia(b.page, 'export-csv');
  const rows = fs.readFileSync(csv.file, 'utf8').trim().split('\n');
  expect(rows[0].startsWith('rank,')).toBe(true);
  const shown = await basisValues(b.page);
  rows.slice(1).forEach((r, i) => expect(Number(r.split(',')[1])).toBeCloseTo(shown[i], 10));

  const png = await exportVia(b.page, 'export-png');
  const bytes = fs.readFileSync(png.file);
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  const decoded = await b.page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    [c.width, c.height] = [img.width, img.height];
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    return Array.from(ctx.getImageData(0, 0, c.width, c.height).data);
  }, bytes.toString('base64'));
  expect(meanAbsDiff(Uint8ClampedArray.from(decoded), await canvasPixels(b.page))).toBe(0);
});

it('exports the spectrum panel\'s plots as SVG and PNG in one zip (Python\'s zipfile, XML parser and PNG header read them)', async () => {
  await openApp(b.page, { hash: `v=1&model=${id}&seed=3&panel=spectrum` });
  await waitForSliders(b.page);
  await b.page.waitForSelector('.tabpanel svg.plot');
  const plots = await b.page.locator('.tabpanel svg.plot').count();
  const zip = await exportVia(b.page, 'export-plots');
  expect(zip.name.startsWith(`${id}-seed3-`) && zip.name.endsWith("-spectrum-plots.zip")).toBe(true);
  const read = spawnSync('/usr/bin/python3', ['-c', `import json, sys, zipfile, struct, xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
out = []
for n in z.namelist():
    b = z.read(n)
    if n.endswith('.svg'):
        root = ET.fromstring(b)
        out.append({'name': n, 'tag': root.tag, 'texts': sum(1 for e in root.iter() if e.tag.endswith('text')), 'width': root.get('width')})
    else:
        assert b[:8] == b'\\x89PNG\\r\\n\\x1a\\n', n
        w, h = struct.unpack('>II', b[16:24])
        out.append({'name': n, 'width': w, 'height': h})
print(json.dumps(out))`, zip.file], { encoding: 'utf8' });
  expect(read.status, read.stderr).toBe(0);
  const files = JSON.parse(read.stdout) as { name: string; tag?: string; texts?: number; width: number | string; height?: number }[];
  expect(files.length).toBe(2 * plots);
  for (let i = 1; i <= plots; i++) {
    const svg = files.find((f) => f.name === `spectrum-plot${i}.svg`)!;
    const png = files.find((f) => f.name === `spectrum-plot${i}.png`)!;
    expect(svg.tag).toBe('{http://www.w3.org/2000/svg}svg');
    expect(svg.texts).toBeGreaterThan(2); // axis ticks and labels came along
    expect(png.width).toBe(2 * Number(svg.width));
  }
});

it('exports the montage as one PNG whose every frame is the montage canvas\'s (pixels read back from both)', async () => {
  await openApp(b.page, { hash: `v=1&model=${id}&seed=3&panel=montage` });
  await b.page.waitForSelector('[data-testid=montage] canvas', { timeout: 180_000 });
  const shown = await b.page.evaluate(() => {
    const c = document.querySelector('[data-testid=montage] canvas') as HTMLCanvasElement;
    return { w: c.width, h: c.height, data: Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data) };
  });
  const rows = Number(await b.page.getAttribute('[data-testid=montage]', 'data-rows'));
  const columns = Number(await b.page.getAttribute('[data-testid=montage]', 'data-columns'));
  const png = await exportVia(b.page, 'export-images');
  expect(png.name.endsWith('-montage.png')).toBe(true);
  const { PNG } = await import('pngjs');
  const image = PNG.sync.read(fs.readFileSync(png.file));
  const fw = shown.w / columns, fh = shown.h / rows;
  expect([image.width, image.height]).toEqual([2 + columns * (fw * 4 + 2), 2 + rows * (fh * 4 + 2)]);
  // Each frame pixel (x, y) of cell (r, c) is a 4×4 square of the canvas's pixel, the 2-px gaps black.
  for (const [r, c, x, y] of [[0, 0, 0, 0], [rows - 1, columns - 1, fw - 1, fh - 1], [1, 3, 12, 20], [2, 5, 7, 3]]) {
    const src = ((r * fh + y) * shown.w + c * fw + x) * 4;
    const px = 2 + c * (fw * 4 + 2) + x * 4 + 3, py = 2 + r * (fh * 4 + 2) + y * 4 + 3;
    const dst = (py * image.width + px) * 4;
    expect(Array.from(image.data.subarray(dst, dst + 3))).toEqual(shown.data.slice(src, src + 3));
  }
  expect(Array.from(image.data.subarray(0, 4))).toEqual([0, 0, 0, 255]);
});

it('exports an atlas sweep as CSV (Python\'s csv and zipfile read it back: the C^H of every pair and the Grassmann curves the panel holds)', async () => {
  await openApp(b.page, { hash: `v=1&model=${id}&seed=3&panel=atlas` });
  await waitForSliders(b.page);
  await b.page.fill('.atlas-panel input[type=number]', '3');
  await b.page.click('text="Sweep"');
  await b.page.locator('[data-testid=sweep]').waitFor({ timeout: 300_000 });
  const held = await b.page.evaluate(() => (window as unknown as { latentAtlas: { state(): { results: { sweep: { value: { logCorrelations: number[]; grassmann?: { ks: number[]; curves: { name: string; values: number[] }[] } } } } } } })
    .latentAtlas.state().results.sweep.value);
  const file = await exportVia(b.page, 'export-sweep');
  const read = spawnSync('/usr/bin/python3', ['-c', `import csv, io, json, sys, zipfile
p = sys.argv[1]
files = {n: zipfile.ZipFile(p).read(n).decode() for n in zipfile.ZipFile(p).namelist()} if p.endswith('.zip') else {'homogeneity.csv': open(p).read()}
h = [r for r in csv.reader(io.StringIO(files['homogeneity.csv'])) if r and not r[0].startswith('#')]
out = {'pairs': [float(r[1]) for r in h[1:]]}
if 'grassmann.csv' in files:
    g = list(csv.reader(io.StringIO(files['grassmann.csv'])))
    out['names'] = g[0][1:]
    out['ks'] = [int(r[0]) for r in g[1:] if r]
    out['first'] = [float(v) for v in g[1][1:]]
print(json.dumps(out))`, file.file], { encoding: 'utf8' });
  expect(read.status, read.stderr).toBe(0);
  const got = JSON.parse(read.stdout) as { pairs: number[]; names?: string[]; ks?: number[]; first?: number[] };
  expect(got.pairs).toHaveLength(held.logCorrelations.length);
  got.pairs.forEach((v, i) => expect(v).toBeCloseTo(held.logCorrelations[i], 12));
  if (held.grassmann) {
    expect(file.name.endsWith('-sweep.zip')).toBe(true);
    expect(got.names).toEqual(held.grassmann.curves.map((c) => c.name));
    expect(got.ks).toEqual(held.grassmann.ks);
    got.first!.forEach((v, j) => expect(v).toBeCloseTo(held.grassmann!.curves[j].values[0], 12));
  }
});

it('saves the curve walk as a WebM video that a <video> element decodes', async () => {
  await openApp(b.page, { hash: `v=1&model=${id}&seed=3&panel=curve` });
  await b.page.click('text="Walk"');
  await b.page.locator('[data-testid=curve-walk]').waitFor({ timeout: 180_000 });
  const frames = Number(await b.page.locator('[data-testid=curve-walk]').getAttribute('data-frames'));
  const [dl] = await Promise.all([b.page.waitForEvent('download', { timeout: 60_000 }), b.page.click('[data-testid=save-curve-webm]')]);
  expect(dl.suggestedFilename()).toBe('curve-walk.webm');
  const file = path.join(dir, dl.suggestedFilename());
  await dl.saveAs(file);
  const bytes = fs.readFileSync(file);
  expect([...bytes.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]); // EBML: a Matroska/WebM file
  // Decode it as a viewer would: metadata, then the first frame drawn and not blank. In a blank page of its
  // own: the app never plays video, so its Content-Security-Policy has no media-src for a blob: video.
  const viewer = await b.context.newPage();
  const seen = await viewer.evaluate(async (b64) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const video = document.createElement('video');
    video.muted = true;
    video.src = URL.createObjectURL(new Blob([data], { type: 'video/webm' }));
    await new Promise((resolve, reject) => { video.onloadeddata = resolve; video.onerror = () => reject(new Error(`video error ${video.error?.code}`)); });
    // Play it through and draw the frame shown half-way (a frame that has been decoded and presented).
    await video.play();
    await new Promise((r) => setTimeout(r, 600));
    video.pause();
    const c = document.createElement('canvas');
    [c.width, c.height] = [video.videoWidth, video.videoHeight];
    const ctx = c.getContext('2d')!;
    ctx.drawImage(video, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    let min = 255, max = 0;
    for (let i = 0; i < px.length; i++) if (i % 4 !== 3) { min = Math.min(min, px[i]); max = Math.max(max, px[i]); }
    return { width: video.videoWidth, height: video.videoHeight, range: max - min, time: video.currentTime };
  }, bytes.toString('base64')).finally(() => viewer.close());
  expect(frames).toBeGreaterThan(1);
  expect(seen.width).toBeGreaterThanOrEqual(128);
  expect(seen.width).toBe(seen.height);
  expect(seen.time).toBeGreaterThan(0);
  expect(seen.range).toBeGreaterThan(20);
});
