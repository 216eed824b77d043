/**
 * The sources of model files: path rules, URLs (with a fake fetch), dropped files, and loading a model
 * end to end through each.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { MissingFileError, ModelLoadError } from './errors';
import { droppedFiles, memoryFiles, normalisePath, resolveFrom, urlFiles, type DroppedFile } from './files';
import { loadGenerator } from './load';
import { plainModelFolder, styleModelFolder, type FileMap } from './testing/fixtures';

let style: FileMap;
let plain: FileMap;

beforeAll(async () => {
  await tf.setBackend('cpu');
  style = await styleModelFolder();
  plain = await plainModelFolder();
});

const bytesOf = (v: string | ArrayBuffer) => (typeof v === 'string' ? new TextEncoder().encode(v).buffer as ArrayBuffer : v);

/** A fetch that serves `files` under `root`, 404 otherwise, and records the URLs asked for. */
function fakeFetch(root: string, files: FileMap, asked: string[] = []): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    asked.push(url);
    const path = url.startsWith(root) ? url.slice(root.length) : '';
    if (!(path in files)) return new Response('not here', { status: 404, statusText: 'Not Found' });
    return new Response(bytesOf(files[path]), { status: 200 });
  }) as typeof fetch;
}

const dropped = (files: FileMap, folder?: string): DroppedFile[] =>
  Object.entries(files).map(([path, v]) => {
    const data = bytesOf(v);
    return { name: path.split('/').pop()!, size: data.byteLength, arrayBuffer: async () => data, webkitRelativePath: folder ? `${folder}/${path}` : '' };
  });

describe('paths', () => {
  it('normalises relative paths and resolves them against the naming file', () => {
    expect(normalisePath('./a/../b/c.bin')).toBe('b/c.bin');
    expect(resolveFrom('generator/model.json', 'group1-shard1of1.bin')).toBe('generator/group1-shard1of1.bin');
    expect(resolveFrom('model.json', './w.bin')).toBe('w.bin');
  });

  it('refuses paths that leave the model folder or are absolute', () => {
    expect(() => resolveFrom('generator/model.json', '../../secret.bin')).toThrow(/generator\/model\.json names the file '.*secret\.bin', which lies outside the model folder/);
    expect(() => normalisePath('/etc/passwd')).toThrow(/absolute address/);
    expect(() => normalisePath('https://elsewhere.example/w.bin')).toThrow(ModelLoadError);
  });
});

describe('urlFiles', () => {
  const root = 'https://models.example/shapes/';

  it('loads a model folder by its URL', async () => {
    const asked: string[] = [];
    const g = await loadGenerator(urlFiles('https://models.example/shapes', fakeFetch(root, style, asked)));
    expect(g.isStyleBased).toBe(true);
    expect(asked[0]).toBe(`${root}manifest.json`);
    expect(asked).toContain(`${root}synthesis/group1-shard1of1.bin`);
    g.dispose();
  });

  it('starts from the file a URL names, and falls back to model.json in a folder without manifest', async () => {
    const direct = urlFiles(`${root}model.json?v=2`, fakeFetch(root, plain));
    expect(direct.entry).toBe('model.json');
    const g1 = await loadGenerator(direct);
    const asked: string[] = [];
    const g2 = await loadGenerator(urlFiles(root, fakeFetch(root, plain, asked)));
    expect(asked.slice(0, 2)).toEqual([`${root}manifest.json`, `${root}model.json`]);
    expect(g1.zDim).toBe(g2.zDim);
    g1.dispose();
    g2.dispose();
  });

  it('turns HTTP failures into plain sentences', async () => {
    const files = urlFiles(root, fakeFetch(root, {}));
    await expect(files.text('manifest.json')).rejects.toThrow(new MissingFileError('manifest.json', `was not found at ${root}manifest.json (HTTP 404)`));
    const failing = urlFiles(root, (async () => new Response('', { status: 503, statusText: 'Service Unavailable' })) as typeof fetch);
    await expect(failing.bytes('w.bin')).rejects.toThrow(`Fetching ${root}w.bin failed with HTTP 503 Service Unavailable.`);
    const offline = urlFiles(root, (async () => { throw new TypeError('fetch failed'); }) as typeof fetch);
    await expect(offline.bytes('w.bin')).rejects.toThrow(/^Could not fetch .*w\.bin \(fetch failed\); the server may be unreachable/);
    await expect(loadGenerator(urlFiles(root, fakeFetch(root, {})))).rejects.toThrow(`${root} holds neither a manifest.json nor a model.json.`);
  });

  it('treats an HTML page served for a .json path as a missing file (SPA fallbacks)', async () => {
    const html = urlFiles(root, (async () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } })) as typeof fetch);
    await expect(html.text('manifest.json')).rejects.toThrow(MissingFileError);
  });

  it('refuses an invalid URL', () => {
    expect(() => urlFiles('http://[bad')).toThrow(/is not a valid URL/);
  });
});

describe('droppedFiles', () => {
  it('loads a dropped folder, whatever the folder is called', async () => {
    const files = droppedFiles(dropped(style, 'my-style-model'));
    expect(files.label).toBe('my-style-model');
    expect(files.has!('synthesis/model.json')).toBe(true);
    expect(files.size!('manifest.json')).toBe((style['manifest.json'] as string).length);
    const g = await loadGenerator(files);
    expect(g.wDim).toBe(6);
    g.dispose();
  });

  it('matches loose files by name', async () => {
    const g = await loadGenerator(droppedFiles(dropped(plain)));
    expect(g.assumptions.length).toBeGreaterThan(0);
    g.dispose();
  });

  it('names a missing file and refuses an ambiguous name', async () => {
    const loose = droppedFiles([...dropped(plain), ...dropped({ 'x/group1-shard1of1.bin': new ArrayBuffer(4) })]);
    await expect(loose.bytes('other.bin')).rejects.toThrow('other.bin is not among the dropped files.');
    await expect(loose.bytes('sub/group1-shard1of1.bin')).rejects.toThrow(/Several dropped files are named group1-shard1of1\.bin/);
  });
});

describe('memoryFiles', () => {
  it('returns copies, so a reader cannot change later reads', async () => {
    const files = memoryFiles('m', { 'a.bin': new Uint8Array([1, 2, 3]) });
    new Uint8Array(await files.bytes('a.bin'))[0] = 9;
    expect(Array.from(new Uint8Array(await files.bytes('a.bin')))).toEqual([1, 2, 3]);
    expect(files.has!('constructor')).toBe(false);
  });
});
