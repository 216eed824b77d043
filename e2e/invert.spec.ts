/**
 * The Invert panel on the default model: another seed's image comes back with both optimisers (plain and
 * Hessian-preconditioned Adam), curves and reconstructions; "Explore from here" puts the result's z into the
 * explorer and the link; a picture the reader picks is fitted and inverted; a non-image, a huge picture and
 * a grey picture for a colour model each get one clear sentence, and the app keeps working.
 */
import { PNG } from 'pngjs';
import { expect, it } from 'vitest';
import { screenshot, type Launched } from './browser';
import { browserPerFile, openApp, waitForFrame } from './app';

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
  await b.page.fill('.invert-panel input[type=number] >> nth=1', '40');
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
  await b.page.fill('.invert-panel input[type=number] >> nth=1', '20');
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
