/**
 * A model folder on disk as ModelFiles (Node only: CLI, benchmarks, model tests), so scripts load models
 * through the same validating loader as the app.
 */
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
