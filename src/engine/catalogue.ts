/**
 * The list of bundled models: public/models/index.json names the ids (and the default), each
 * <id>/manifest.json gives its name and description. A model still training has no manifest yet; it
 * is listed with an error instead of failing the whole list.
 */
import { isModelId } from '../util/modelId';
import type { Catalogue, CatalogueEntry } from './types';

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export async function readCatalogue(modelsBaseUrl: string, fetchFn: Fetch = fetch): Promise<Catalogue> {
  let index: unknown;
  try {
    const res = await fetchFn(new URL('index.json', modelsBaseUrl).href);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    index = await res.json();
  } catch {
    throw new Error('The list of bundled models (models/index.json) could not be read.');
  }
  const ids = parseIndex(index);
  const models = await Promise.all(ids.all.map((id) => readEntry(modelsBaseUrl, id, fetchFn)));
  return { defaultId: ids.defaultId, models };
}

function parseIndex(index: unknown): { defaultId: string | null; all: string[] } {
  const obj = (index && typeof index === 'object' ? index : {}) as { default?: unknown; models?: unknown };
  // Drop anything that is not a plain id: ids become URL path segments.
  const all = Array.isArray(obj.models) ? [...new Set(obj.models.filter(isModelId))] : [];
  const defaultId = isModelId(obj.default) && all.includes(obj.default) ? obj.default : (all[0] ?? null);
  return { defaultId, all };
}

async function readEntry(base: string, id: string, fetchFn: Fetch): Promise<CatalogueEntry> {
  try {
    const res = await fetchFn(new URL(`${id}/manifest.json`, base).href);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const m = (await res.json()) as { name?: unknown; description?: unknown };
    return {
      id,
      name: typeof m.name === 'string' && m.name ? m.name : id,
      description: typeof m.description === 'string' ? m.description : '',
    };
  } catch {
    return { id, name: id, description: '', error: 'Not available yet (no manifest.json).' };
  }
}
