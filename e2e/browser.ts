/**
 * Launching Debian's Chromium for the end-to-end specs: a fresh profile per launch, WebGPU allowed,
 * and every background service that could reach the network switched off (the suite runs offline).
 */
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTEFACTS = path.resolve('test-results/e2e');

const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Containers often have a tiny /dev/shm; Chromium then crashes without this.
  '--disable-dev-shm-usage',
  '--disable-default-apps',
  '--disable-extensions',
];

export interface Launched {
  context: BrowserContext;
  page: Page;
  /** Console lines and page errors, for failure messages. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * A fresh Chromium profile. Service workers are blocked unless asked for: the built app registers one that
 * precaches 25 MB in the background, which every other spec would pay for in time and CPU; the offline spec
 * allows it.
 */
export async function launch(opts: { serviceWorkers?: 'allow' | 'block'; bypassCSP?: boolean } = {}): Promise<Launched> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-atlas-e2e-'));
  // launchPersistentContext owns --user-data-dir: a fresh directory each time means no shared state.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    serviceWorkers: opts.serviceWorkers ?? 'block',
    bypassCSP: opts.bypassCSP ?? false,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const logs: string[] = [];
  page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  return {
    context,
    page,
    logs,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTEFACTS, { recursive: true });
  const file = path.join(ARTEFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
