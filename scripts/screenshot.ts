/**
 * `npx tsx scripts/screenshot.ts [hash]` — the README's screenshot: builds the app, serves it, opens it in
 * Debian's Chromium at 1440×900 and saves docs/img/screenshot.png once the frame for the link's sliders
 * and the panel's content (spectrum, montage, …) are drawn. The default view is the montage of the local
 * metric at seed 5 with the first slider moved.
 */
import path from 'node:path';
import { build, preview } from 'vite';
import { launch } from '../e2e/browser';

async function main() {
  const hash = process.argv[2] ?? 'v=1&model=shapes-style&seed=5&space=w&basis=metric&dist=mse&k=10&c=0.06,0,-0.04&panel=montage';
  await build({ logLevel: 'warn', configFile: 'vite.config.ts' });
  const server = await preview({ configFile: 'vite.config.ts', logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('vite preview did not report a port');
  const browser = await launch();
  try {
    await browser.page.goto(`http://127.0.0.1:${address.port}/${hash ? `#${hash}` : ''}`);
    await browser.page.setViewportSize({ width: 1440, height: 900 });
    // The frame key carries the slider positions after a ':' once a link's sliders are applied; a link
    // without sliders (no `c=`) has no ':' to wait for.
    const withSliders = new URLSearchParams(hash).has('c');
    await browser.page.waitForFunction((sliders) => {
      const key = document.querySelector('canvas.main-canvas')?.getAttribute('data-frame');
      return !!key && (!sliders || key.includes(':'));
    }, withSliders, { timeout: 300_000 });
    const panel = new URLSearchParams(hash).get('panel');
    const content: Record<string, string> = { spectrum: '[data-testid=spectrum]', montage: '[data-testid=montage]' };
    if (panel && content[panel]) await browser.page.locator(content[panel]).waitFor({ timeout: 300_000 });
    await browser.page.waitForTimeout(500);
    const out = path.resolve('docs/img/screenshot.png');
    await browser.page.screenshot({ path: out });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
