import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { npyBytes, parseNpy } from './npy';

// numpy itself is the independent reader and writer (Debian's python3-numpy, installed by .ci/run).
const PYTHON = '/usr/bin/python3';
const py = (code: string) => execFileSync(PYTHON, ['-c', code], { encoding: 'utf8' });

describe('npy', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npy-'));

  it('writes files numpy reads with the same dtype, shape and values', () => {
    const cases = [
      { data: Float32Array.from({ length: 24 }, (_, i) => i / 7 - 1), shape: [2, 3, 4], dtype: 'float32' },
      { data: Float64Array.from({ length: 5 }, (_, i) => Math.PI * i), shape: [5], dtype: 'float64' },
      { data: Int32Array.from({ length: 6 }, (_, i) => i * 1000 - 2500), shape: [3, 2], dtype: 'int32' },
      { data: Uint8Array.from({ length: 7 }, (_, i) => i * 37), shape: [7, 1], dtype: 'uint8' },
    ];
    for (const [i, c] of cases.entries()) {
      const file = path.join(dir, `a${i}.npy`);
      fs.writeFileSync(file, npyBytes(c.data, c.shape));
      const out = JSON.parse(py(`import numpy as np, json; a = np.load(${JSON.stringify(file)}); print(json.dumps({"dtype": str(a.dtype), "shape": list(a.shape), "values": a.ravel().tolist()}))`));
      expect(out.dtype).toBe(c.dtype);
      expect(out.shape).toEqual(c.shape);
      expect(out.values).toEqual(Array.from(c.data));
    }
  });

  it('reads files numpy wrote', () => {
    const file = path.join(dir, 'b.npy');
    py(`import numpy as np; np.save(${JSON.stringify(file)}, (np.arange(12, dtype=np.float32).reshape(3, 4) - 5.5) / 3)`);
    const { data, shape } = parseNpy(new Uint8Array(fs.readFileSync(file)));
    expect(shape).toEqual([3, 4]);
    expect(data).toBeInstanceOf(Float32Array);
    expect(Array.from(data)).toEqual(Array.from({ length: 12 }, (_, i) => Math.fround((i - 5.5) / 3)));
  });

  it('rejects a shape that does not match the data, and a file that is not .npy', () => {
    expect(() => npyBytes(new Float32Array(5), [2, 3])).toThrow(/holds 6 values/);
    expect(() => parseNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]))).toThrow(/bad magic/);
  });
});
