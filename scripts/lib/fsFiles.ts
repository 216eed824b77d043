/**
 * A model folder on disk as ModelFiles (Node only: CLI, benchmarks, model tests), so scripts load models
 * through the same validating loader as the app.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MissingFileError, ModelLoadError } from '../../src/model/errors';
import { normalisePath, type ModelFiles } from '../../src/model/files';

export function dirFiles(dir: string): ModelFiles {
  const root = path.resolve(dir);
  // normalisePath refuses absolute paths and '..' out of the folder, so reads stay inside `root`.
  const full = (p: string) => path.join(root, ...normalisePath(p).split('/'));
  const stat = (p: string) => {
    try {
      return fs.statSync(full(p));
    } catch {
      return undefined;
    }
  };

  async function read(p: string): Promise<Buffer> {
    try {
      return await fs.promises.readFile(full(p));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new MissingFileError(p, `does not exist in ${root}`);
      if (code === 'EISDIR') throw new ModelLoadError(`${p} in ${root} is a folder, not a file.`);
      throw new ModelLoadError(`${p} in ${root} could not be read (${code ?? String(err)}).`);
    }
  }

  return {
    label: root,
    text: async (p) => (await read(p)).toString('utf8'),
    bytes: async (p) => {
      const b = await read(p);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
    has: (p) => stat(p)?.isFile() ?? false,
    size: (p) => {
      const s = stat(p);
      return s?.isFile() ? s.size : undefined;
    },
  };
}

/**
 * Every file under `dir` read into memory at once, as ModelFiles: a consistent snapshot of a model folder
 * that another process may be rewriting (a training run publishing checkpoints), so that a generator and
 * its networks loaded separately (e.g. for SeFa) come from the same weights. `hash` names those weights.
 */
export function snapshotFiles(dir: string): ModelFiles & { hash: string } {
  const root = path.resolve(dir);
  const files = new Map<string, Buffer>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) files.set(r, fs.readFileSync(path.join(root, r)));
    }
  };
  walk('');
  const h = crypto.createHash('sha256');
  for (const [name, data] of files) if (name.endsWith('.bin')) h.update(data);
  const get = (p: string) => {
    const b = files.get(normalisePath(p));
    if (!b) throw new MissingFileError(p, `does not exist in ${root}`);
    return b;
  };
  return {
    label: root,
    hash: h.digest('hex').slice(0, 10),
    text: async (p) => get(p).toString('utf8'),
    bytes: async (p) => {
      const b = get(p);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
    has: (p) => files.has(normalisePath(p)),
    size: (p) => files.get(normalisePath(p))?.length,
  };
}
