/**
 * From a model source (bundled id, URL, dropped files) to the file access the loader reads through.
 * Invalid sources are rejected here with a sentence a user can act on.
 */
import { ModelLoadError } from '../model/errors';
import { droppedFiles, urlFiles, type ModelFiles } from '../model/files';
import { isModelId } from '../util/modelId';
import type { PickedFile, ModelSource } from './types';

type Fetch = typeof fetch;

/** `modelsBaseUrl` is the folder of the bundled models; relative model URLs resolve against it too. */
export function filesFor(source: ModelSource, modelsBaseUrl: string | undefined, fetchFn?: Fetch): ModelFiles {
  switch (source?.kind) {
    case 'bundled':
      if (!isModelId(source.id)) throw new ModelLoadError('That is not the id of a bundled model.');
      if (!modelsBaseUrl) throw new ModelLoadError('The engine was started without a location for bundled models.');
      return urlFiles(new URL(`${source.id}/`, modelsBaseUrl).href, fetchFn);
    case 'url':
      return urlFiles(modelUrl(source.url, modelsBaseUrl), fetchFn);
    case 'files':
      if (!Array.isArray(source.files) || source.files.length === 0) throw new ModelLoadError('No files were given.');
      return droppedFiles(source.files.map(fileLike));
    default:
      throw new ModelLoadError('Unknown kind of model source.');
  }
}

/**
 * A user's model URL, checked: a folder, or the manifest.json / model.json in it (urlFiles handles
 * both). Only http(s) is fetched: no data:, blob:, file: or javascript: URLs.
 */
export function modelUrl(raw: string, base?: string): string {
  let url: URL;
  try {
    url = new URL(String(raw).trim(), base);
  } catch {
    throw new ModelLoadError('That model URL is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ModelLoadError('Only http and https model URLs can be loaded.');
  url.hash = '';
  return url.href;
}

/** The shape the loader's `droppedFiles` reads: name, size, bytes and the path inside the folder. */
function fileLike(d: PickedFile) {
  if (!d || typeof d.path !== 'string' || !(d.file instanceof Blob)) throw new ModelLoadError('A dropped file could not be read.');
  const name = d.path.split('/').pop() || d.path;
  return { name, size: d.file.size, arrayBuffer: () => d.file.arrayBuffer(), webkitRelativePath: d.path };
}
