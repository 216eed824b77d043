import { describe, expect, it } from 'vitest';
import { axpy, dot, matmul, matvec, norm, row, symmetrise, transpose } from './dense';
import { applyOperator, denseOperator } from './operator';

describe('dense helpers (exact small cases)', () => {
  const a = Float64Array.from([1, 2, 3, 4, 5, 6]); // 2×3

  it('matmul, transpose, matvec agree with hand-computed products', () => {
    expect(Array.from(transpose(a, 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(matmul(a, transpose(a, 2, 3), 2, 3, 2))).toEqual([14, 32, 32, 77]);
    expect(Array.from(matvec(a, Float64Array.from([1, 0, -1]), 2, 3))).toEqual([-2, -2]);
    expect(Array.from(row(a, 1, 3))).toEqual([4, 5, 6]);
  });

  it('dot, norm, axpy, symmetrise', () => {
    const x = Float64Array.from([3, 4]);
    expect(dot(x, x)).toBe(25);
    expect(norm(x)).toBe(5);
    const y = Float64Array.from([1, 1]);
    axpy(y, 2, x);
    expect(Array.from(y)).toEqual([7, 9]);
    expect(Array.from(symmetrise(Float64Array.from([1, 2, 4, 3]), 2))).toEqual([1, 3, 3, 3]);
  });

  it('applyOperator copies, checks length and finiteness', async () => {
    const op = denseOperator(Float64Array.from([2, 0, 0, 3]), 2);
    const v = Float64Array.from([1, 1]);
    expect(Array.from(await applyOperator(op, v))).toEqual([2, 3]);
    const mutating = (x: Float64Array) => { x[0] = 99; return x; };
    await applyOperator(mutating, v);
    expect(v[0]).toBe(1); // the caller's vector is never handed out
    await expect(applyOperator(() => new Float64Array(3), v)).rejects.toThrow(/3 entries/);
    await expect(applyOperator(() => Float64Array.from([NaN, 0]), v)).rejects.toThrow(/non-finite/);
  });
});
