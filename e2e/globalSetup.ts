/**
 * Once per e2e run: build the app exactly as it ships (`vite build` → dist/) and serve it with
 * `vite preview` on a free port of 127.0.0.1 (a secure context, so WebGPU is offered). The specs get
 * the address through vitest's provide/inject.
 */
import fs from 'node:fs';
import { build, preview } from 'vite';
import type { TestProject } from 'vitest/node';
import { CHROMIUM } from './browser';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error('browser tests need Debian\'s chromium: apt-get install -y chromium');
  }
  // E2E_SKIP_BUILD=1 reuses an existing dist/ while iterating on specs.
  if (process.env.E2E_SKIP_BUILD !== '1' || !fs.existsSync('dist/index.html')) {
    // Vitest runs with NODE_ENV=test, which Vite's build would inherit: React's development build and
    // import.meta.env.PROD false (so no service worker). The site must be built as `npm run build` builds it.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ logLevel: 'warn', configFile: 'vite.config.ts', mode: 'production' });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  }
  const server = await preview({
    configFile: 'vite.config.ts',
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('vite preview did not report a port');
  project.provide('baseUrl', `http://127.0.0.1:${address.port}/`);
  return async () => {
    await server.close();
  };
}
