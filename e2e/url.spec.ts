/** Links: garbage is ignored with a notice, a remote model URL waits for consent. */
import { expect, it } from 'vitest';
import { screenshot, type Launched } from './browser';
import { browserPerFile, canvasPixels, openApp, showSeed, snapshot, spread } from './app';

let b: Launched;
let id: string;
const dialogs: string[] = [];

browserPerFile((browser, modelId) => {
  b = browser;
  id = modelId;
  browser.page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
});

it('a garbage hash shows a notice and a working app', async () => {
  await openApp(b.page, { hash: '<img src=x onerror=alert(1)>&%E0%A4%A&v=' });
  const notices = b.page.locator('[data-testid=notices]');
  await notices.waitFor();
  expect(await notices.textContent()).toMatch(/ignored/i);
  const s = await snapshot(b.page);
  expect(s.model).toBe(id);
  expect(s.error).toBeNull();
  expect(spread(await canvasPixels(b.page))).toBeGreaterThan(5);
  expect(await b.page.locator('img:not(.model-strip)').count()).toBe(0);
  expect(dialogs).toEqual([]);
  await screenshot(b.page, 'garbage-hash');
  // Still interactive, and the hash is rewritten to a clean view.
  await showSeed(b.page, id, 3);
  await b.page.waitForFunction(() => location.hash.startsWith('#v=1&'));
});

it('keeps the valid fields of a partly broken link', async () => {
  await openApp(b.page, { hash: `v=1&model=${id}&seed=12&space=nowhere&extra=1` });
  const s = await snapshot(b.page);
  expect(s.frameKey).toMatch(new RegExp(`^${id}\\|12\\|`));
  expect(s.notices.join(' ')).toMatch(/unknown setting "extra"/);
  expect(s.notices.join(' ')).toMatch(/invalid latent space/);
});

it('asks before fetching a model URL that came with a link', async () => {
  const remote = 'http://127.0.0.1:9/elsewhere/model/';
  const requested: string[] = [];
  b.page.on('request', (r) => requested.push(r.url()));
  b.page.on('worker', (w) => w.url() && requested.push(`worker:${w.url()}`));
  await openApp(b.page, { hash: `v=1&url=${encodeURIComponent(remote)}&seed=4` });
  const prompt = b.page.locator('[role=alertdialog]');
  await prompt.waitFor();
  expect(await prompt.textContent()).toContain(remote);
  await screenshot(b.page, 'remote-url-consent');
  expect(requested.filter((u) => u.includes(':9/'))).toEqual([]);
  const s = await snapshot(b.page);
  expect(s.model).toBe(id); // the bundled model is shown meanwhile
  // The link keeps the remote URL until the reader decides.
  expect(b.page.url()).toContain('url=');
  await b.page.click('text=Load it');
  await b.page.locator('[role=alert]').waitFor();
  const after = await snapshot(b.page);
  expect(after.error).toMatch(/127\.0\.0\.1:9/);
  expect(after.model).toBe(id);
  await screenshot(b.page, 'remote-url-failed');
});
