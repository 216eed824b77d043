/**
 * The CLI on the bundled default model: generate returns the batch's raw outputs and a PNG; metric's
 * eigenvalues are descending and non-negative; bad arguments and unknown models exit 2 with one line.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const index = JSON.parse(fs.readFileSync('public/models/index.json', 'utf8')) as { default: string };

function atlas(...args: string[]) {
  // node --import tsx: the same as `npm run atlas` without npm's and npx's start-up cost.
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/atlas.ts', ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.split('\n').filter((l) => l && !l.startsWith('npm warn')) };
}

describe('atlas CLI', () => {
  it('generate: raw outputs of the requested batch, and a PNG grid', () => {
    const png = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-')), 'grid.png');
    const r = atlas('generate', '--model', index.default, '--seed', '3', '--count', '2', '--png', png);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const [b, h, w, c] = out.shape;
    expect(b).toBe(2);
    expect(out.outputs.length).toBe(b * h * w * c);
    expect(out.outputs.every((v: number) => Number.isFinite(v) && v >= -1 && v <= 1)).toBe(true);
    expect(fs.readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
  });

  it('metric: a descending, non-negative spectrum of the right size', () => {
    const r = atlas('metric', '--model', index.default, '--seed', '1');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.eigenvalues.length).toBe(out.z.length);
    for (let i = 1; i < out.eigenvalues.length; i++) expect(out.eigenvalues[i]).toBeLessThanOrEqual(out.eigenvalues[i - 1]);
    expect(out.eigenvalues.at(-1)).toBeGreaterThan(-1e-6 * out.eigenvalues[0]);
  });

  it.each([
    [['generate', '--model', 'no-such-model', '--seed', '1'], /unknown model 'no-such-model'/],
    [['generate', '--model', index.default, '--seed', 'x'], /--seed must be an integer/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['metric', '--model', index.default], /--seed is required/],
  ])('bad input %j exits 2 with one line', (args, message) => {
    const r = atlas(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr.length).toBe(1);
    expect(r.stderr[0]).toMatch(message as RegExp);
  });
});
