import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FACE_TARGET_NAMES } from '../src/data/faces';
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

describe('scripts/dump-data.ts --readings', () => {
  // The round trip training/diagnose.py relies on: a dump's own labels, written as a reading, render the same pixels.
  it('renders a dump again, byte for byte, from its class indices and targets', () => {
    const prefix = path.join(dir, 'faces');
    dump('--source', 'faces', '--count', '6', '--seed', '7', '--size', '32', '--out', prefix);
    const factors = read(`${prefix}.factors.npy`), targets = read(`${prefix}.targets.npy`);
    const T = FACE_TARGET_NAMES.length, n = factors.shape[0];
    const readings = new Float32Array(n * (2 + T));
    for (let i = 0; i < n; i++) {
      readings[i * (2 + T)] = factors.data[i * factors.shape[1]];
      readings[i * (2 + T) + 1] = factors.data[i * factors.shape[1] + 1];
      readings.set(targets.data.subarray(i * T, (i + 1) * T), i * (2 + T) + 2);
    }
    fs.writeFileSync(path.join(dir, 'readings.npy'), npyBytes(readings, [n, 2 + T]));
    dump('--source', 'faces', '--size', '32', '--readings', path.join(dir, 'readings.npy'), '--out', path.join(dir, 'again'));
    const original = read(`${prefix}.images.npy`), again = read(path.join(dir, 'again.images.npy'));
    expect(again.shape).toEqual([n, 32, 32, 3]);
    // Targets pass through float32 and back through faceFromReading; at this seed no pixel moves by a grey level.
    expect(Buffer.from(again.data.buffer, again.data.byteOffset, again.data.byteLength)
      .equals(Buffer.from(original.data.buffer, original.data.byteOffset, original.data.byteLength))).toBe(true);
  });

  it('refuses a readings file of the wrong shape with a message that says the layout', () => {
    fs.writeFileSync(path.join(dir, 'bad.npy'), npyBytes(new Float32Array(2 * 15), [2, 15]));
    expect(() => dump('--source', 'faces', '--size', '32', '--readings', path.join(dir, 'bad.npy'), '--out', path.join(dir, 'x')))
      .toThrow(/\[N, 17\] array \(hair, glasses, the 15 targets\)/);
  });
});
