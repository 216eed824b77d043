/**
 * public/models read once into memory, served to the engine as `fetch` (the way the app loads bundled
 * models) and to oracles as a Generator: trainings running beside the tests re-export the bundled models,
 * and the jobs and the oracles must see the same weights.
 */
import fs from 'node:fs';
import path from 'node:path';
import { memoryFiles } from '../../src/model/files';
import { loadGenerator } from '../../src/model/load';
import type { Generator } from '../../src/model/generator';

export const modelsDir = path.resolve(import.meta.dirname, '../../public/models');
export const BASE = 'http://disk/models/';

const snapshot = new Map<string, Uint8Array>();
function snap(dir: string, rel = ''): void {
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) snap(dir, r);
    else snapshot.set(r, new Uint8Array(fs.readFileSync(path.join(dir, r))));
  }
}
snap(modelsDir);

/** The manifest of a bundled model, from the snapshot (readable when tests are collected). */
export function manifestOf(id: string): { generator?: unknown; mapping?: unknown; discriminator?: unknown; probe?: string } {
  const bytes = snapshot.get(`${id}/manifest.json`);
  if (!bytes) throw new Error(`no bundled model ${id}`);
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** fetch for BASE URLs, answered from the snapshot. */
export const diskFetch = (async (input: string | URL | Request) => {
  const url = String(input instanceof Request ? input.url : input);
  const body = url.startsWith(BASE) ? snapshot.get(decodeURIComponent(url.slice(BASE.length))) : undefined;
  return body ? new Response(body.slice(), { status: 200 }) : new Response('not found', { status: 404 });
}) as typeof fetch;

/** A generator from the snapshot, for the oracles. */
export function loadSnapshot(id: string): Promise<Generator> {
  const files: Record<string, Uint8Array> = {};
  for (const [k, v] of snapshot) if (k.startsWith(`${id}/`)) files[k.slice(id.length + 1)] = v;
  return loadGenerator(memoryFiles(id, files));
}

/** Engine options that load bundled models from the snapshot on the wasm backend. */
export const snapshotEngineOptions = { backends: ['wasm' as const], modelsBaseUrl: BASE, fetchFn: diskFetch };
