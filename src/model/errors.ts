/**
 * Errors of model loading. Every failure a user can cause (a bad file, a wrong shape, a missing shard)
 * becomes a ModelLoadError whose message is one plain sentence naming the first problem, so the UI can
 * show it as is; anything else that escapes is a bug.
 */

export class ModelLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

/**
 * A file the model needs is not there (HTTP 404, not among the dropped files, not on disk). `how` is the
 * source's own account ("was not found at https://… (HTTP 404)") so that the loader can say which file
 * named the missing one: "manifest.json names generator/model.json, which was not found at …".
 */
export class MissingFileError extends ModelLoadError {
  readonly path: string;
  readonly how: string;
  constructor(path: string, how = 'is missing', message = `${path} ${how}.`) {
    super(message);
    this.name = 'MissingFileError';
    this.path = path;
    this.how = how;
  }
}

/**
 * The first line of a foreign error's message, without a trailing full stop, to embed as a clause in
 * one of our sentences (tfjs messages run over several lines of advice we cannot act on).
 */
export function reasonOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  return line.trim().replace(/[.\s]+$/, '');
}

/** Bytes as a short human figure: "812 bytes", "3.4 KiB", "64 MiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n;
  let unit = 'bytes';
  for (const u of units) {
    if (v < 1024) break;
    v /= 1024;
    unit = u;
  }
  const digits = Number.isInteger(v) ? 0 : 1;
  return `${v.toFixed(digits)} ${unit}`;
}
