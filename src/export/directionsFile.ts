/**
 * Reading a directions file back ("load directions", issue 18): the app's JSON export (basisFiles.ts
 * basisJson, format `latent-atlas-directions` v1) or what `atlas basis` prints. The text is untrusted (a
 * file the reader picked or dropped), so every field the app uses is checked and each problem is reported
 * as one plain sentence, never a JSON or type error. Plain text in, plain data out: no tfjs, no DOM.
 */
import { MAX_DIRECTION_LENGTH, MAX_DIRECTIONS } from '../state/vocabulary';
import { DIRECTIONS_FORMAT } from './basisFiles';

/** What a directions file says, as read; the directions are the file's own numbers (not yet normalised). */
export interface DirectionsFile {
  /** Which writer made it: the app's Export menu, or `atlas basis`. */
  source: 'export' | 'atlas basis';
  /** The model id the directions were computed for. */
  model: string;
  /** Where the directions live: Z, or W (a W+ view uses W directions on every layer). */
  basisSpace: 'z' | 'w';
  /** The method that made them, as the file names it (metric, ganspace, …); '' when it names none. */
  kind: string;
  /** The image distance of the file's rates, when it names one. */
  distance: string | null;
  /** The file's latent in words ("seed 3"), or the seed `atlas basis` was given. */
  latent: string | null;
  /** k rows of n finite numbers, none all zeros. */
  directions: number[][];
}

/** A directions file of 32 directions of 1024 numbers is ≈ 1 MB of JSON; anything far larger is not one. */
export const MAX_DIRECTIONS_FILE_CHARS = 8_000_000;

export const DIRECTIONS_VERSION = 1;

/** Checks the text of a directions file and returns what it says; throws one sentence for the first problem. */
export function readDirectionsFile(text: string): DirectionsFile {
  if (typeof text !== 'string') throw new Error('The file could not be read as text.');
  if (text.length > MAX_DIRECTIONS_FILE_CHARS) throw new Error(`The file is ${(text.length / 1e6).toFixed(0)} MB, far larger than any directions file (at most ${MAX_DIRECTIONS} directions).`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error('The file is not JSON: a directions file is the JSON of Export → Basis or of atlas basis.');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('The file holds JSON but not a directions object.');
  const o = data as Record<string, unknown>;
  const source = sourceOf(o);
  const model = o.model;
  if (typeof model !== 'string' || model.trim() === '' || model.length > 200) throw new Error('The file names no model: a directions file says which model its directions belong to.');
  // The export has both the explorer space (possibly wplus) and the basis space; atlas basis prints the basis space as `space`.
  const space = source === 'export' ? o.basisSpace : o.space;
  if (space !== 'z' && space !== 'w') throw new Error(`The file's ${source === 'export' ? 'basisSpace' : 'space'} must be z or w.`);
  return {
    source, model, basisSpace: space,
    kind: typeof o.kind === 'string' ? o.kind.slice(0, 40) : '',
    distance: typeof o.distance === 'string' ? o.distance.slice(0, 40) : null,
    latent: typeof o.latent === 'string' ? o.latent.slice(0, 200) : typeof o.seed === 'number' ? `seed ${o.seed}` : null,
    directions: directionsOf(o.directions),
  };
}

/** The app's export names its format and version; atlas basis's output has none but its own fields. */
function sourceOf(o: Record<string, unknown>): DirectionsFile['source'] {
  if ('format' in o) {
    if (o.format !== DIRECTIONS_FORMAT) throw new Error(`The file's format is ${quoted(o.format)}, not ${DIRECTIONS_FORMAT}.`);
    if (o.version !== DIRECTIONS_VERSION) throw new Error(`The file is ${DIRECTIONS_FORMAT} version ${quoted(o.version)}; this app reads version ${DIRECTIONS_VERSION}.`);
    return 'export';
  }
  if ('directions' in o && 'model' in o && 'space' in o) return 'atlas basis';
  throw new Error(`The file is not a directions file: it has neither the format ${DIRECTIONS_FORMAT} nor the fields of atlas basis output.`);
}

function directionsOf(value: unknown): number[][] {
  if (!Array.isArray(value) || value.length === 0) throw new Error('The file holds no directions.');
  if (value.length > MAX_DIRECTIONS) throw new Error(`The file holds ${value.length} directions; the app shows at most ${MAX_DIRECTIONS}.`);
  const first = value[0] as unknown;
  if (!Array.isArray(first) || first.length === 0) throw new Error('Direction 1 is not a list of numbers.');
  const n = first.length;
  if (n > MAX_DIRECTION_LENGTH) throw new Error(`The directions have ${n} entries; the longest latent the app handles has ${MAX_DIRECTION_LENGTH}.`);
  return value.map((row: unknown, i) => {
    if (!Array.isArray(row)) throw new Error(`Direction ${i + 1} is not a list of numbers.`);
    if (row.length !== n) throw new Error(`Direction ${i + 1} has ${row.length} entries where direction 1 has ${n}: every direction must have the same length.`);
    const bad = row.findIndex((v: unknown) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) throw new Error(`Direction ${i + 1} holds something other than a finite number at entry ${bad + 1}.`);
    if ((row as number[]).every((v) => v === 0)) throw new Error(`Direction ${i + 1} is all zeros, so it points nowhere.`);
    return row as number[];
  });
}

/** A short, printable rendering of an untrusted value for a sentence. */
function quoted(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  const printable = s.replace(/[^\x20-\x7e]/g, '?');
  return `"${printable.length > 24 ? printable.slice(0, 23) + '…' : printable}"`;
}
