/**
 * atlas steer, steer-apply and steer-limits on bundled models: a short walk is a well-formed saved walk;
 * steer-apply's {latents, shape, outputs} regenerate exactly through `atlas generate --latents` (in Z for a DCGAN,
 * in W for the style model), and its α = identity frame is the seed's own image; steer-limits reports a curve per
 * measure and the FD per α; bad arguments exit 2 with one line.
 */
import { describe, expect, it } from 'vitest';
import { atlasCli } from './atlasCli';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const atlas = (...args: string[]) => atlasCli(args, 240_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-steer-'));
const maxDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('atlas steer', () => {
  for (const [model, space, edit, alphas] of [['shapes-dcgan', 'z', 'shift-x', '-8,0,8'], ['shapes-style', 'w', 'zoom', '0.5,1,2']] as const) {
    it(`${model}: steer → steer-apply → generate --latents redraws the frames; the identity frame is the seed's image`, () => {
      const walkFile = path.join(dir, `${model}.json`), framesFile = path.join(dir, `${model}-frames.json`);
      const s = atlas('steer', '--model', model, '--edit', edit, '--steps', '5', '--out', walkFile);
      expect(s.code, s.stderrLines.join('\n')).toBe(0);
      const walk = JSON.parse(fs.readFileSync(walkFile, 'utf8'));
      expect(walk).toMatchObject({ format: 'latent-atlas/steer-walk', model, edit, kind: 'linear', space });
      expect(walk.direction).toHaveLength(walk.dim);
      expect(walk.curve.loss.length).toBe(5);
      const a = atlas('steer-apply', '--model', model, '--walk', walkFile, '--seed', '7', '--alphas', alphas, '--out', framesFile);
      expect(a.code, a.stderrLines.join('\n')).toBe(0);
      const frames = JSON.parse(fs.readFileSync(framesFile, 'utf8'));
      expect(frames.shape[0]).toBe(3);
      expect(frames.latents).toHaveLength(3);
      const again = JSON.parse(atlas('generate', '--model', model, '--latents', framesFile, '--space', space).stdout);
      expect(again.shape).toEqual(frames.shape);
      expect(maxDiff(again.outputs, frames.outputs)).toBeLessThan(1e-5);
      const own = JSON.parse(atlas('generate', '--model', model, '--seed', '7', '--space', space).stdout);
      const third = frames.outputs.length / 3;
      expect(maxDiff(own.outputs, frames.outputs.slice(third, 2 * third))).toBeLessThan(1e-5);
      // The walk moved the other frames.
      expect(maxDiff(own.outputs, frames.outputs.slice(0, third))).toBeGreaterThan(1e-3);
    });
  }

  it('steer-limits: a curve per measure over the α asked for, the FD per α, the data σ; a random control', () => {
    const walkFile = path.join(dir, 'shapes-dcgan.json');
    const r = atlas('steer-limits', '--model', 'shapes-dcgan', '--walk', walkFile, '--count', '8', '--alphas', '-8,0,8', '--match', 'no');
    expect(r.code, r.stderrLines.join('\n')).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.alphas).toEqual([-8, 0, 8]);
    expect(out.measures.map((m: { name: string }) => m.name)).toEqual(['centroid x (px)', 'probe x (px)']);
    for (const m of out.measures) expect(m.perAlpha).toHaveLength(3);
    expect(out.fd).toHaveLength(3);
    expect(out.fdReference).toBe('data');
    // The shapes' x is uniform over 0.4 of the 32-px side: σ = 12.8/√12 px.
    expect(out.measures[1].exactDataSd).toBeCloseTo(12.8 / Math.sqrt(12), 10);
    const c = JSON.parse(atlas('steer-limits', '--model', 'shapes-dcgan', '--walk', walkFile, '--count', '8', '--alphas', '-8,0,8', '--control', 'random', '--match', 'no').stdout);
    expect(c.control).toBe('random');
  });

  it('bad arguments: one line, exit 2', () => {
    const e = atlas('steer', '--model', 'shapes-dcgan', '--edit', 'blur');
    expect(e.code).toBe(2);
    expect(e.stderrLines).toHaveLength(1);
    expect(e.stderrLines[0]).toMatch(/--edit must be one of/);
    const w = atlas('steer-apply', '--model', 'shapes-dcgan', '--walk', path.join(dir, 'missing.json'), '--alphas', '1');
    expect(w.code).toBe(2);
    expect(w.stderrLines[0]).toMatch(/--walk/);
    const z = atlas('steer-apply', '--model', 'shapes-style', '--walk', path.join(dir, 'shapes-style.json'), '--alphas', '0,1');
    expect(z.code).toBe(2);
    expect(z.stderrLines[0]).toMatch(/zoom factors must be positive/);
  });
});
