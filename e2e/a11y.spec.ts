/**
 * Accessibility (issue 18): axe-core (the npm package, run offline in the page) finds no WCAG 2 A/AA
 * violation in the main view, with a tour card open, and in presenter mode.
 */
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Launched } from './browser';
import { browserPerFile, openApp, waitForSliders } from './app';

let b: Launched;
let id: string;
// axe is injected as an inline script, which the built app's CSP rightly refuses (e2e/csp.spec.ts checks the
// policy): this browser bypasses the page's CSP for the checker alone.
browserPerFile((browser, modelId) => {
  b = browser;
  id = modelId;
}, { bypassCSP: true });

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface Violation { id: string; help: string; nodes: string[] }

async function violations(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] });
    return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
}

it('the main view, a tour and presenter mode have no WCAG 2 A/AA violations (axe-core)', async () => {
  await openApp(b.page, { hash: `v=1&model=${id}&seed=3` });
  await waitForSliders(b.page);
  expect(await violations(b.page)).toEqual([]);
  await openApp(b.page, { hash: `v=1&model=${id}&seed=3&tour=metric.1&present=1` });
  await waitForSliders(b.page);
  await b.page.waitForSelector('[data-testid=tour-card]');
  expect(await violations(b.page)).toEqual([]);
});
