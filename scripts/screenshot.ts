/**
 * `npx tsx scripts/screenshot.ts [hash]` — the README's screenshot: builds the app, serves it, opens it in
 * Debian's Chromium and saves docs/img/screenshot.png once the first frame is drawn.
 */
import path from 'node:path';
import { build, preview } from 'vite';
import { launch } from '../e2e/browser';

async function main() {
  const hash = process.argv[2] ?? '';
  await build({ logLevel: 'warn', configFile: 'vite.config.ts' });
  const server = await preview({ configFile: 'vite.config.ts', logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('vite preview did not report a port');
  const browser = await launch();
  try {
    await browser.page.goto(`http://127.0.0.1:${address.port}/${hash ? `#${hash}` : ''}`);
    await browser.page.waitForFunction(() => document.querySelector('canvas.main-canvas')?.getAttribute('data-frame'), undefined, { timeout: 120_000 });
    const out = path.resolve('docs/img/screenshot.png');
    await browser.page.screenshot({ path: out });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
