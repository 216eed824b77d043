/**
 * Every backend the engine can pick draws the same image (up to float rounding), computes a basis in the
 * job worker and moves the image with a slider. This also proves the wasm binaries come from our own
 * build and the WebGPU matmul workaround holds. (WebGPU and WebGL run on SwiftShader here: correctness,
 * not speed.)
 *
 * The cpu reference (frame and eigenvalues) is made in beforeAll, in a page of its own, so each backend's
 * test stands alone: any one of them can run by itself, in any order.
 */
import { beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, type Launched } from './browser';
import { basisValues, browserPerFile, canvasPixels, meanAbsDiff, openApp, setSlider, snapshot, spread, waitForNewFrame, waitForSliders } from './app';

let b: Launched;
let id: string;
let reference: Shown;

interface Shown {
  pixels: Uint8ClampedArray;
  eigenvalues: number[];
  /** The sliders' factor labels ("x 63 %"), read by the probe in the job worker on this backend. */
  factors: string[];
}

browserPerFile((browser, modelId) => {
  b = browser;
  id = modelId;
});

const hash = () => `v=1&model=${id}&seed=3`;

/** Open the app on `backend` and wait for its frame, its basis and the sliders' factor labels. */
async function showOn(page: Page, backend: string): Promise<Shown> {
  await openApp(page, { query: `backend=${backend}`, hash: hash() });
  expect(await waitForSliders(page)).toBeGreaterThan(0);
  await page.waitForFunction(() => /\d+ %$/.test(document.querySelector('[data-testid=factor-2]')?.textContent ?? ''), undefined, { timeout: 120_000 });
  const factors = (await page.locator('[data-testid^=factor-]').allTextContents()).slice(0, 3);
  return { pixels: await canvasPixels(page), eigenvalues: await basisValues(page), factors };
}

/** "x 63 %" → ['x', 63]. */
const labelOf = (text: string): [string, number] => {
  const m = /^(.*) (\d+) %$/.exec(text.trim());
  if (!m) throw new Error(`not a factor label: '${text}'`);
  return [m[1], Number(m[2])];
};

beforeAll(async () => {
  const page = await b.context.newPage();
  try {
    reference = await showOn(page, 'cpu');
    expect((await snapshot(page)).backend).toBe('cpu');
  } finally {
    await page.close();
  }
});

for (const backend of ['cpu', 'wasm', 'webgl', 'webgpu'] as const) {
  it(`renders on ${backend}`, async () => {
    const offCdn: string[] = [];
    const onRequest = (r: { url(): string }) => { if (!r.url().startsWith('http://127.0.0.1')) offCdn.push(r.url()); };
    b.page.on('request', onRequest);
    try {
      const shown = await showOn(b.page, backend);
      const s = await snapshot(b.page);
      expect(s.backend).toBe(backend);
      expect(s.error).toBeNull();
      expect(spread(shown.pixels)).toBeGreaterThan(5);
      expect(offCdn).toEqual([]);
      expect(meanAbsDiff(shown.pixels, reference.pixels)).toBeLessThan(1.5);
      // The factor labels (forward mode through generator and probe; on WebGPU the double-VJP gave NaN and
      // lost the GPU process, which the matmul check below then met) name the cpu's factors, shares within 3 %.
      for (let i = 0; i < 3; i++) {
        const [[name, share], [want, wantShare]] = [labelOf(shown.factors[i]), labelOf(reference.factors[i])];
        expect(name).toBe(want);
        expect(Math.abs(share - wantShare)).toBeLessThanOrEqual(3);
      }
      // Transposed matmuls against float64 (tfjs 4.22's WebGPU split-K bug; backend.ts's workaround).
      const check = await b.page.evaluate(() => (window as unknown as { latentAtlas: { matmulCheck(): Promise<{ backend: string; maxRelError: number }> } }).latentAtlas.matmulCheck());
      expect(check.backend).toBe(backend);
      expect(check.maxRelError).toBeLessThan(1e-4);
      // The metric's eigenvalues agree with the cpu backend's.
      for (let i = 0; i < 3; i++) expect(Math.abs(shown.eigenvalues[i] - reference.eigenvalues[i]) / reference.eigenvalues[0]).toBeLessThan(1e-2);
      await setSlider(b.page, 0, 0.05);
      await waitForNewFrame(b.page, s.frameKey!);
      expect(meanAbsDiff(shown.pixels, await canvasPixels(b.page))).toBeGreaterThan(0.1);
      expect((await snapshot(b.page)).error).toBeNull();
      await screenshot(b.page, `backend-${backend}`);
    } finally {
      b.page.off('request', onRequest);
    }
    // SwiftShader runs the GPU backends' basis and factor labels at CPU-emulated speed (2–4 min on a busy machine).
  }, backend === 'webgl' || backend === 'webgpu' ? 480_000 : undefined);
}
