import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { npyBytes, parseNpy } from '../src/util/npy';

const TSX = path.resolve('node_modules/.bin/tsx');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dump-data-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function dump(...args: string[]): string {
  return execFileSync(TSX, ['scripts/dump-data.ts', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function read(file: string) {
  return parseNpy(new Uint8Array(fs.readFileSync(file)));
}

/** A dump's own labels as a readings file: class indices from factors.npy, then targets.npy. */
function readingsOf(prefix: string, classes: number): { file: string; n: number } {
  const factors = read(`${prefix}.factors.npy`), targets = read(`${prefix}.targets.npy`);
  const [n, F] = factors.shape, T = targets.shape[1], K = classes + T;
  const readings = new Float32Array(n * K);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < classes; c++) readings[i * K + c] = factors.data[i * F + c];
    readings.set(targets.data.subarray(i * T, (i + 1) * T), i * K + classes);
  }
  const file = `${prefix}.readings.npy`;
  fs.writeFileSync(file, npyBytes(readings, [n, K]));
  return { file, n };
}

/** Dumps `count` images of `source`, renders them again from their own labels as readings, and reads both. */
function redraw(source: 'shapes' | 'faces', count: number, seed: number, classes: number) {
  const prefix = path.join(dir, source);
  dump('--source', source, '--count', String(count), '--seed', String(seed), '--size', '32', '--out', prefix);
  const { file, n } = readingsOf(prefix, classes);
  dump('--source', source, '--size', '32', '--readings', file, '--out', `${prefix}-again`);
  return { prefix, n, original: read(`${prefix}.images.npy`), again: read(`${prefix}-again.images.npy`) };
}

describe('scripts/dump-data.ts --readings', () => {
  // The round trip training/diagnose.py relies on: a dump's own labels, written as a reading, render the same pixels.
  it('renders a dump again, byte for byte, from its class indices and targets', () => {
    const { n, original, again } = redraw('faces', 6, 7, 2);
    expect(again.shape).toEqual([n, 32, 32, 3]);
    // Targets pass through float32 and back through faceFromReading; at this seed no pixel moves by a grey level.
    expect(Buffer.from(again.data.buffer, again.data.byteOffset, again.data.byteLength)
      .equals(Buffer.from(original.data.buffer, original.data.byteOffset, original.data.byteLength))).toBe(true);
  });

  it('renders squares, ellipses and hearts again from their readings; triangles only up to their offset centre', () => {
    const { prefix, n, original, again } = redraw('shapes', 60, 3, 1);
    const classes = read(`${prefix}.factors.npy`);
    expect(again.shape).toEqual([n, 32, 32, 3]);
    const per = 32 * 32 * 3;
    let triangles = 0, trianglesMoved = 0;
    for (let k = 0; k < n; k++) {
      let worst = 0;
      for (let i = k * per; i < (k + 1) * per; i++) worst = Math.max(worst, Math.abs(original.data[i] - again.data[i]));
      if (classes.data[k * classes.shape[1]] === 2) {
        // The triangle turns about a point 0.25 half-sizes from its centroid (src/data/shapes.ts), so a turn of
        // 2π/3 moves it: its rotation target, cos/sin 3θ, cannot tell those apart, and re-rendering may shift it.
        triangles++;
        if (worst > 1) trianglesMoved++;
      } else {
        // A square turned by 90° is the same square, computed from other sines and cosines: one grey level at most.
        expect(worst).toBeLessThanOrEqual(1);
      }
    }
    expect(triangles).toBeGreaterThan(5);
    expect(trianglesMoved).toBeGreaterThan(0);
  });

  it('refuses a readings file of the wrong shape with a message that says the layout', () => {
    fs.writeFileSync(path.join(dir, 'bad.npy'), npyBytes(new Float32Array(2 * 15), [2, 15]));
    expect(() => dump('--source', 'faces', '--size', '32', '--readings', path.join(dir, 'bad.npy'), '--out', path.join(dir, 'x')))
      .toThrow(/float \[N, 17\] array \(2 class indices, then the 15 targets\)/);
  });
});
