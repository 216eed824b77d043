/**
 * The numpy `.npy` format (version 1.0), written and read without numpy: a magic string, a Python-dict
 * header padded so the data starts on a 64-byte boundary, then the array in C order, little-endian.
 * Used to hand data to the PyTorch trainer and to export arrays that `numpy.load` reads.
 */
type NpyArray = Float64Array | Float32Array | Int32Array | Uint8Array;

const DESCR: [new (n: number) => NpyArray, string][] = [
  [Float64Array, '<f8'], [Float32Array, '<f4'], [Int32Array, '<i4'], [Uint8Array, '|u1'],
];

function descrOf(data: NpyArray): string {
  const hit = DESCR.find(([ctor]) => data instanceof ctor);
  if (!hit) throw new Error('npy: unsupported array type');
  return hit[1];
}

/** The bytes of a .npy file holding `data` with `shape` (C order). Assumes a little-endian host, as every JS engine in use is. */
export function npyBytes(data: NpyArray, shape: number[]): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`npy: shape [${shape}] holds ${n} values, data has ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descrOf(data)}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1; // magic(6) + version(2) + length(2) + header + '\n'
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0); // \x93NUMPY v1.0
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** Parse a .npy file (v1/v2, C order, the four dtypes above). */
export function parseNpy(bytes: Uint8Array): { data: NpyArray; shape: number[] } {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw new Error('npy: not a .npy file (bad magic)');
  const major = bytes[6];
  const lenBytes = major === 1 ? 2 : 4;
  const headerLen = major === 1 ? bytes[8] | (bytes[9] << 8) : new DataView(bytes.buffer, bytes.byteOffset + 8, 4).getUint32(0, true);
  const start = 8 + lenBytes;
  const header = String.fromCharCode(...bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new Error('npy: unreadable header');
  if (/'fortran_order':\s*True/.test(header)) throw new Error('npy: Fortran order is not supported');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const ctor = DESCR.find(([, d]) => d === descr)?.[0];
  if (!ctor) throw new Error(`npy: unsupported dtype ${descr}`);
  const body = bytes.slice(start + headerLen);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new (ctor as unknown as new (b: ArrayBuffer, o: number, n: number) => NpyArray)(body.buffer, 0, n);
  return { data, shape };
}
