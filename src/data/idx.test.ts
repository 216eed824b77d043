import { describe, expect, it } from 'vitest';
import { parseIdx } from './idx';

function idx(shape: number[], body: number[], type = 0x08): Uint8Array {
  const head = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(head.buffer);
  head[2] = type;
  head[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  return new Uint8Array([...head, ...body]);
}

describe('IDX parser', () => {
  it('reads shape and bytes', () => {
    const a = parseIdx(idx([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
    expect(a.shape).toEqual([2, 2, 3]);
    expect(Array.from(a.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });
  it('rejects a truncated body, a wrong type and a bad magic with a plain sentence', () => {
    expect(() => parseIdx(idx([2, 2], [1, 2, 3]))).toThrow(/holds 3 bytes but its header promises 4/);
    expect(() => parseIdx(idx([1], [1], 0x0d))).toThrow(/not unsigned bytes/);
    expect(() => parseIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]))).toThrow(/not an IDX file/);
    expect(() => parseIdx(new Uint8Array([0]))).toThrow(/shorter than/);
  });
});
