/**
 * Every backend the engine can pick draws the same image (up to float rounding), computes a basis in the
 * job worker and moves the image with a slider. This also proves the wasm binaries come from our own
 * build and the WebGPU matmul workaround holds. (WebGPU and WebGL run on SwiftShader here: correctness,
 * not speed.)
 */
import { expect, it } from 'vitest';
import { screenshot, type Launched } from './browser';
import { browserPerFile, canvasPixels, meanAbsDiff, openApp, setSlider, snapshot, spread, waitForNewFrame, waitForSliders } from './app';

let b: Launched;
let id: string;
const frames = new Map<string, Uint8ClampedArray>();
const eigenvalues = new Map<string, number[]>();

browserPerFile((browser, modelId) => {
  b = browser;
  id = modelId;
});

for (const backend of ['cpu', 'wasm', 'webgl', 'webgpu'] as const) {
  it(`renders on ${backend}`, async () => {
    const offCdn: string[] = [];
    b.page.on('request', (r) => !r.url().startsWith('http://127.0.0.1') && offCdn.push(r.url()));
    await openApp(b.page, { query: `backend=${backend}`, hash: `v=1&model=${id}&seed=3` });
    const s = await snapshot(b.page);
    expect(s.backend).toBe(backend);
    expect(s.error).toBeNull();
    const px = await canvasPixels(b.page);
    expect(spread(px)).toBeGreaterThan(5);
    expect(offCdn).toEqual([]);
    frames.set(backend, px);
    if (backend !== 'cpu') expect(meanAbsDiff(px, frames.get('cpu')!)).toBeLessThan(1.5);
    // The explorer on this backend: a basis from the job worker, and a slider that moves the image.
    expect(await waitForSliders(b.page)).toBeGreaterThan(0);
    // Transposed matmuls against float64 (tfjs 4.22's WebGPU split-K bug; backend.ts's workaround).
    const check = await b.page.evaluate(() => (window as unknown as { latentAtlas: { matmulCheck(): Promise<{ backend: string; maxRelError: number }> } }).latentAtlas.matmulCheck());
    expect(check.backend).toBe(backend);
    expect(check.maxRelError).toBeLessThan(1e-4);
    // The metric's eigenvalues agree with the cpu backend's.
    const values = await b.page.evaluate(() => (window as unknown as { latentAtlas: { state(): { basis: { values: number[] } } } }).latentAtlas.state().basis.values);
    eigenvalues.set(backend, values);
    if (backend !== 'cpu') {
      const ref = eigenvalues.get('cpu')!;
      for (let i = 0; i < 3; i++) expect(Math.abs(values[i] - ref[i]) / ref[0]).toBeLessThan(1e-2);
    }
    await setSlider(b.page, 0, 0.05);
    await waitForNewFrame(b.page, s.frameKey!);
    expect(meanAbsDiff(px, await canvasPixels(b.page))).toBeGreaterThan(0.1);
    expect((await snapshot(b.page)).error).toBeNull();
    await screenshot(b.page, `backend-${backend}`);
  });
}
