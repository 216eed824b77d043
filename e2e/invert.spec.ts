/**
 * The Invert panel on the default model: another seed's image comes back with both optimisers (plain and
 * Hessian-preconditioned Adam), curves and reconstructions; "Explore from here" puts the result's z into the
 * explorer and the link; a picture the reader picks is fitted and inverted; a non-image, a huge picture and
 * a grey picture for a colour model each get one clear sentence, and the app keeps
 * working; a W+ result explored from here drives sliders, montage and curve walk and travels in the link; a
 * shapes render is a target too.
 */
import { PNG } from 'pngjs';
import { expect, it } from 'vitest';
import { screenshot, type Launched } from './browser';
import { browserPerFile, canvasPixels, openApp, pixelDiffInFreshPage, waitForFrame, waitForSliders } from './app';

let b: Launched;

browserPerFile((browser) => {
  b = browser;
});

/** A PNG of the given size from a per-pixel function. */
function png(width: number, height: number, f: (x: number, y: number) => [number, number, number]): Buffer {
  const img = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const [r, g, bl] = f(x, y);
    img.data.set([r, g, bl, 255], 4 * (y * width + x));
  }
  return PNG.sync.write(img);
}

const pick = (name: string, mimeType: string, buffer: Buffer) => b.page.setInputFiles('input[aria-label="Target picture"]', { name, mimeType, buffer });

it('inverts another seed\'s image with both optimisers, side by side', async () => {
  await openApp(b.page);
  await b.page.click('#tab-invert');
  await b.page.fill('input[aria-label="Inversion steps"]', '40');
  await b.page.click('text="Invert target"');
  await b.page.waitForSelector('[data-testid=invert-curves]', { timeout: 120_000 });
  await b.page.waitForSelector('[data-testid=invert-result]', { timeout: 300_000 });
  expect(await b.page.getAttribute('[data-testid=invert-curves]', 'data-runs')).toBe('2');
  const rows = await b.page.locator('[data-testid=invert-result] tbody tr').allTextContents();
  expect(rows.length).toBe(2);
  expect(rows[0]).toMatch(/plain Adam/);
  expect(rows[1]).toMatch(/Hessian eigenbasis/);
  expect(await b.page.locator('[data-testid=invert-result] canvas').count()).toBe(3);
  await screenshot(b.page, 'invert-seed');
});

it('"Explore from here" shows the reconstruction in the explorer and puts its z in the link', async () => {
  await b.page.click('text=/Explore from here \\(plain Adam\\)/');
  await b.page.waitForFunction(() => /[#&]z=/.test(location.hash), undefined, { timeout: 30_000 });
  await waitForFrame(b.page);
});

it('a non-image, a huge picture and a grey picture each get one sentence; a real picture is inverted', async () => {
  await pick('notes.png', 'image/png', Buffer.from('this is not a picture'));
  expect(await b.page.textContent('[data-testid=picture-error]')).toMatch(/not a picture this browser can read/);
  await pick('wide.png', 'image/png', png(9000, 2, () => [10, 20, 30]));
  expect(await b.page.textContent('[data-testid=picture-error]')).toMatch(/9000×2; the largest accepted is 8192×8192/);
  await pick('grey.png', 'image/png', png(40, 40, (x, y) => (Math.hypot(x - 20, y - 20) < 10 ? [200, 200, 200] : [60, 60, 60])));
  expect(await b.page.locator('[data-testid=picture-error]').count()).toBe(0);
  await b.page.fill('input[aria-label="Inversion steps"]', '20');
  await b.page.click('text="Invert target"');
  await b.page.waitForSelector('[data-testid=invert-result] >> text=/grey is repeated in all three channels/', { timeout: 300_000 });
  await pick('blob.png', 'image/png', png(64, 48, (x, y) => (Math.hypot(x - 30, y - 24) < 12 ? [30, 90, 240] : [70, 70, 70])));
  await b.page.click('text="Invert target"');
  await b.page.waitForSelector('[data-testid=invert-result] >> text=/cropped to its centre 48×48/', { timeout: 300_000 });
  await screenshot(b.page, 'invert-picture');
  // The app still works: the explorer renders another seed.
  await b.page.fill('#seed-input', '12');
  await waitForFrame(b.page, '');
});

it('a W+ result: "Explore from here" makes the code the current latent — sliders, montage and curve walk work on it, and the link carries w=', async () => {
  await b.page.click('#tab-invert');
  await b.page.check('input[name=invert-source] >> nth=0');
  await b.page.selectOption('select[aria-label="Inversion space"]', 'wplus');
  await b.page.selectOption('select[aria-label="Inversion loss"]', 'pixel');
  await b.page.fill('input[aria-label="Inversion steps"]', '30');
  await b.page.click('text="Invert target"');
  await b.page.waitForSelector('[data-testid=invert-result] >> text=/W\\+ result is explored in W\\+/', { timeout: 300_000 });
  const reconstruction = await b.page.evaluate(() => (window as unknown as { latentAtlas: { state(): { results: { invert: { value: { runs: { latent: number[] }[] } } } } } })
    .latentAtlas.state().results.invert.value.runs[1].latent);
  expect(reconstruction.length).toBe(512);
  await b.page.click('text=/Explore from here \\(Adam in the Hessian eigenbasis\\)/');
  await b.page.waitForFunction(() => /[#&]w=/.test(location.hash) && /[#&]space=wplus/.test(location.hash) && !/[#&](z|seed)=/.test(location.hash), undefined, { timeout: 30_000 });
  const key = await waitForFrame(b.page, 'shapes-style|w:');
  expect(key).toMatch(/^shapes-style\|w:[\w-]+\|wplus\|1$/);
  expect(await waitForSliders(b.page)).toBeGreaterThan(0);
  await b.page.click('#tab-montage');
  await b.page.locator('[data-testid=montage]').waitFor({ timeout: 180_000 });
  await b.page.click('#tab-curve');
  await b.page.click('text="Walk"');
  await b.page.waitForSelector('[data-testid=curve-note] >> text=/nearest it/', { timeout: 180_000 });
  await screenshot(b.page, 'invert-explore-wplus');
  // The link reproduces the inverted image: a fresh page shows the same pixels.
  const pixels = await canvasPixels(b.page);
  const link = b.page.url();
  expect(await pixelDiffInFreshPage(b.context, link, key, pixels)).toBe(0);
  // The likelihood needs z: it says so in one sentence, and the explorer keeps working.
  await b.page.click('#tab-likelihood');
  await b.page.click('text="Compute ln Q"');
  await b.page.waitForSelector('[data-testid=job-likelihood][data-state=error] >> text=/a W or W\\+ code has no z/', { timeout: 60_000 });
});

it('a data-set image: the shapes render of a seed is inverted; Fashion-MNIST is left to the CLI, in so many words', async () => {
  await b.page.click('#tab-invert');
  await b.page.selectOption('select[aria-label="Inversion space"]', 'w');
  await b.page.fill('input[aria-label="Data-set seed"]', '21');
  expect(await b.page.textContent('.invert-panel')).toMatch(/Fashion-MNIST test images are not shipped with the app.*--dataset-image fashion:INDEX/);
  await b.page.click('text="Invert target"');
  await b.page.waitForSelector('[data-testid=invert-result] >> text=/Target: the shapes render of seed 21./', { timeout: 300_000 });
});
