/**
 * Where a model's files come from: a URL (bundled models, a user's link), files the user dropped, or
 * memory (tests, buffers passed to a worker). The loader sees only ModelFiles, so validation is the same
 * whatever the source. Paths are relative to the model folder, '/'-separated: 'manifest.json',
 * 'generator/model.json', 'generator/group1-shard1of1.bin'.
 */
import { MissingFileError, ModelLoadError, reasonOf } from './errors';

export interface ModelFiles {
  /** Names the source in messages: a folder URL, a dropped folder's name, a directory. */
  readonly label: string;
  /**
   * The file the user pointed at, when they pointed at a file rather than a folder (the URL of a
   * model.json or manifest.json); the loader starts from it instead of looking for manifest.json.
   */
  readonly entry?: string;
  text(path: string): Promise<string>;
  bytes(path: string): Promise<ArrayBuffer>;
  /** Whether the file exists, when that is cheap to know (not for URLs). */
  has?(path: string): boolean;
  /** The file's size in bytes when known before reading, so oversize files are refused unread. */
  size?(path: string): number | undefined;
}

/**
 * Normalise a relative path ('./a/../b.bin' → 'b.bin'). A path that leaves the model folder (or is
 * absolute) is refused: a model.json must not make us read files beside or above its model.
 */
export function normalisePath(path: string, mentionedIn?: string): string {
  const where = mentionedIn ? `${mentionedIn} names` : 'The model names';
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('/')) {
    throw new ModelLoadError(`${where} the file '${path}' by an absolute address, but files must be given relative to the model folder.`);
  }
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw new ModelLoadError(`${where} the file '${path}', which lies outside the model folder.`);
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  if (parts.length === 0) throw new ModelLoadError(`${where} an empty file path.`);
  return parts.join('/');
}

/** Resolve `relative` against the folder of the file `from` ('generator/model.json' + 'a.bin' → 'generator/a.bin'). */
export function resolveFrom(from: string, relative: string): string {
  const slash = from.lastIndexOf('/');
  const dir = slash >= 0 ? from.slice(0, slash + 1) : '';
  return normalisePath(dir + relative, from);
}

function decodeUtf8(bytes: ArrayBuffer, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ModelLoadError(`${path} is not a text file (it is not valid UTF-8).`);
  }
}

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** Files fetched relative to a folder URL, or to the folder of a manifest.json / model.json URL. */
export function urlFiles(baseUrl: string, fetchFn: typeof fetch = (input, init) => fetch(input, init)): ModelFiles {
  let base: URL;
  try {
    // Relative URLs (bundled models) resolve against the page or worker that loads them.
    base = new URL(baseUrl, typeof location === 'undefined' ? undefined : location.href);
  } catch {
    throw new ModelLoadError(`"${baseUrl}" is not a valid URL.`);
  }
  let entry: string | undefined;
  if (base.pathname.endsWith('.json')) {
    entry = basename(base.pathname);
    base = new URL('.', base);
  } else if (!base.pathname.endsWith('/')) {
    base = new URL(base.pathname + '/' + base.search, base);
  }
  const folder = base;

  async function get(path: string): Promise<Response> {
    const url = new URL(normalisePath(path), folder).href;
    let res: Response;
    try {
      res = await fetchFn(url);
    } catch (err) {
      throw new ModelLoadError(`Could not fetch ${url} (${reasonOf(err)}); the server may be unreachable or may not allow requests from this page.`);
    }
    // Dev servers and single-page apps answer unknown paths with index.html: that is a missing file.
    const html = (res.headers.get('content-type') ?? '').includes('text/html');
    if (res.status === 404 || res.status === 410 || (res.ok && html && /\.(json|bin)$/.test(path))) {
      throw new MissingFileError(path, `was not found at ${url}${res.ok ? '' : ` (HTTP ${res.status})`}`);
    }
    if (!res.ok) throw new ModelLoadError(`Fetching ${url} failed with HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`);
    return res;
  }

  return {
    label: folder.href,
    entry,
    text: async (path) => decodeUtf8(await (await get(path)).arrayBuffer(), path),
    bytes: async (path) => (await get(path)).arrayBuffer(),
  };
}

/** The part of a dropped file that is needed (a browser File fits). */
export interface DroppedFile {
  name: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
  /** 'folder/sub/file' when a folder was picked or dropped; empty or absent for loose files. */
  webkitRelativePath?: string;
}

/**
 * Files the user dropped or picked. A dropped folder arrives with paths like 'my-model/generator/
 * model.json': the folder holding the shallowest manifest.json (else model.json) becomes the root.
 * Lookups match the path below that root, falling back to the file name for loose files.
 */
export function droppedFiles(files: DroppedFile[]): ModelFiles {
  const all = files.map((file) => ({ file, full: (file.webkitRelativePath || file.name).replace(/^\/+/, '') }));
  const depth = (p: string) => p.split('/').length;
  const shallowest = (name: string) => all.filter((f) => basename(f.full) === name).sort((a, b) => depth(a.full) - depth(b.full))[0];
  const anchor = shallowest('manifest.json') ?? shallowest('model.json');
  const root = anchor ? anchor.full.slice(0, anchor.full.length - basename(anchor.full).length) : '';
  const relative = new Map<string, DroppedFile>();
  for (const { file, full } of all) if (full.startsWith(root)) relative.set(full.slice(root.length), file);

  function find(path: string): DroppedFile {
    const exact = relative.get(normalisePath(path));
    if (exact) return exact;
    const byName = all.filter((f) => basename(f.full) === basename(path));
    if (byName.length === 1) return byName[0].file;
    if (byName.length > 1) {
      throw new ModelLoadError(`Several dropped files are named ${basename(path)}, so ${path} is ambiguous; drop the whole model folder instead.`);
    }
    throw new MissingFileError(path, 'is not among the dropped files');
  }

  return {
    label: root ? root.replace(/\/$/, '') : 'the dropped files',
    text: async (path) => decodeUtf8(await find(path).arrayBuffer(), path),
    bytes: async (path) => find(path).arrayBuffer(),
    has: (path) => {
      try {
        find(path);
        return true;
      } catch (err) {
        // An ambiguous name exists; reading it reports the ambiguity.
        return !(err instanceof MissingFileError);
      }
    },
    size: (path) => {
      try {
        return find(path).size;
      } catch {
        return undefined;
      }
    },
  };
}

/** Files held in memory: strings for text, ArrayBuffers or typed arrays for binary data. */
export function memoryFiles(label: string, contents: Record<string, string | ArrayBuffer | Uint8Array>): ModelFiles {
  const encoder = new TextEncoder();
  const asBytes = (v: string | ArrayBuffer | Uint8Array): Uint8Array =>
    typeof v === 'string' ? encoder.encode(v) : v instanceof Uint8Array ? v : new Uint8Array(v);
  function find(path: string): Uint8Array {
    const key = normalisePath(path);
    if (!Object.hasOwn(contents, key)) throw new MissingFileError(path, `is missing from ${label}`);
    return asBytes(contents[key]);
  }
  return {
    label,
    // Copies, so a caller (or a corrupting test) cannot change what a later read returns.
    text: async (path) => decodeUtf8(find(path).slice().buffer, path),
    bytes: async (path) => find(path).slice().buffer,
    has: (path) => Object.hasOwn(contents, normalisePath(path)),
    size: (path) => (Object.hasOwn(contents, normalisePath(path)) ? find(path).byteLength : undefined),
  };
}
