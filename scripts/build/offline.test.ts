import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { precacheOf, serviceWorkerSource, withCsp } from './offline.ts';
import { HEADER_POLICY, PAGE_POLICY } from './csp.ts';

const dirs: string[] = [];
function site(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-atlas-precache-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('precacheOf', () => {
  const files = { 'index.html': '<html>', 'sw.js': 'old worker', 'assets/a-1.js': 'a', 'models/index.json': '{}', 'models/m/w.bin': 'w' };

  it('lists every file of the site but the worker, sorted, relative and /-separated', () => {
    expect(precacheOf(site(files)).files).toEqual(['assets/a-1.js', 'index.html', 'models/index.json', 'models/m/w.bin']);
  });

  it('has a version that follows every file\'s contents and names, and nothing else', () => {
    const v = precacheOf(site(files)).version;
    expect(precacheOf(site({ ...files, 'sw.js': 'another worker' })).version).toBe(v);
    expect(precacheOf(site({ ...files, 'models/m/w.bin': 'retrained' })).version).not.toBe(v);
    expect(precacheOf(site({ ...files, 'models/index.json': '{ }' })).version).not.toBe(v);
    const { 'models/m/w.bin': w, ...rest } = files;
    expect(precacheOf(site({ ...rest, 'models/n/w.bin': w })).version).not.toBe(v);
  });
});

describe('serviceWorkerSource', () => {
  it('is a classic script (no import or export) that starts with the precache list', () => {
    const source = serviceWorkerSource(fs.readFileSync('workers/sw.ts', 'utf8'), { version: 'abc', files: ['index.html'] });
    expect(source).not.toMatch(/^\s*(import|export)\s/m);
    expect(() => new vm.Script(source)).not.toThrow();
    expect(source).toMatch(/^const PRECACHE = \{"version":"abc","files":\["index.html"\]\};$/m);
  });

  it('refuses a worker source that imports something', () => {
    expect(() => serviceWorkerSource("import { x } from './x';\nconsole.log(x);", { version: 'v', files: [] })).toThrow(/classic script/);
  });
});

describe('withCsp', () => {
  it('puts the policy right after <meta charset>, before any script', () => {
    const html = withCsp('<head>\n<meta charset="utf-8" />\n<script type="module" src="./a.js"></script>\n</head>');
    const meta = html.indexOf('http-equiv="Content-Security-Policy"');
    expect(meta).toBeGreaterThan(html.indexOf('charset'));
    expect(meta).toBeLessThan(html.indexOf('<script'));
    expect(html).toContain(`content="${PAGE_POLICY}"`);
  });

  it('refuses a page without <meta charset>', () => {
    expect(() => withCsp('<head></head>')).toThrow(/meta charset/);
  });

  it('allows no eval and no inline script; the header version adds blob: for the wasm pthreads only', () => {
    expect(PAGE_POLICY).toMatch(/script-src 'self' 'wasm-unsafe-eval';/);
    expect(PAGE_POLICY).not.toMatch(/'unsafe-eval'|'unsafe-inline'/);
    expect(HEADER_POLICY).toMatch(/script-src 'self' 'wasm-unsafe-eval' blob:;/);
    expect(HEADER_POLICY.replace(/ blob:/g, '')).toBe(PAGE_POLICY);
  });
});
