/**
 * Parser for the IDX format of MNIST-style data sets (big-endian header: magic with the element type and
 * rank, then each dimension, then raw unsigned bytes). Pure: takes bytes, returns a typed view.
 */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

export function parseIdx(bytes: Uint8Array): IdxArray {
  if (bytes.length < 4) throw new Error('IDX file is shorter than its 4-byte header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0) throw new Error('not an IDX file: the first two bytes must be zero');
  const type = bytes[2];
  if (type !== 0x08) throw new Error(`IDX element type 0x${type.toString(16)} is not unsigned bytes (0x08)`);
  const rank = bytes[3];
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - offset !== size) {
    throw new Error(`IDX body holds ${bytes.length - offset} bytes but its header promises ${size}`);
  }
  return { shape, data: bytes.subarray(offset) };
}

export const FASHION_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];
