/**
 * Probes load through the model loader's checks: a probe fits the model's image size or is refused, its
 * manifest must name its outputs and match its network, and images are mapped from the model's output range
 * to the probe's (checked against the probe's kernel applied by hand), in forward mode too.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { memoryFiles } from './files';
import { loadProbe, parseProbeManifest } from './probe';
import { editJson, probeFolder, probeKernel, SIZE } from './testing/fixtures';

describe('probes', () => {
  it('loads a probe and maps a [0, 1] model\'s images to the probe\'s [-1, 1] before reading them', async () => {
    await tf.setBackend('cpu');
    const files = await probeFolder();
    const before = tf.memory().numTensors;
    const probe = await loadProbe(memoryFiles('p', files), [SIZE, SIZE, 3], [0, 1]);
    expect(probe.manifest.layout).toEqual({ categorical: [{ name: 'class', classes: ['dark', 'light'], offset: 0 }], targets: ['t'], targetOffset: 2, width: 3 });
    const pixels = Float32Array.from({ length: SIZE * SIZE * 3 }, (_, i) => ((i * 37) % 101) / 100);
    const out = tf.tidy(() => probe.apply(tf.tensor4d(pixels, [1, SIZE, SIZE, 3])));
    const got = await out.data();
    out.dispose();
    const { kernel, bias } = probeKernel(files);
    for (let c = 0; c < 3; c++) {
      const want = pixels.reduce((s, x, i) => s + (2 * x - 1) * kernel[i * 3 + c], bias[c]);
      expect(Math.abs(got[c] - want)).toBeLessThan(1e-4);
    }
    // Forward mode: the tangent of a (linear) probe along an image direction v is 2·Σ v·kernel (the ×2 of the
    // range map [0, 1] → [-1, 1]); two directions at once, the primal as apply gives it.
    const dirs = [0, 1].map((d) => Float32Array.from({ length: SIZE * SIZE * 3 }, (_, i) => Math.sin(0.7 * i + d)));
    const [primal, tangent] = tf.tidy(() => {
      const image = { primal: tf.tensor4d(pixels, [1, SIZE, SIZE, 3]), tangent: tf.tensor4d(Float32Array.from([...dirs[0], ...dirs[1]]), [2, SIZE, SIZE, 3]) };
      const { out } = probe.pushForward(image);
      return [out.primal, out.tangent!];
    });
    const [p, t] = [await primal.data(), await tangent.data()];
    tf.dispose([primal, tangent]);
    expect(Array.from(p)).toEqual(Array.from(got));
    for (let d = 0; d < 2; d++) {
      for (let c = 0; c < 3; c++) {
        const want = dirs[d].reduce((s, v, i) => s + 2 * v * kernel[i * 3 + c], 0);
        expect(Math.abs(t[d * 3 + c] - want)).toBeLessThan(1e-4);
      }
    }
    probe.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a probe for another image size, a manifest without outputs and a network that does not match it', async () => {
    const files = await probeFolder();
    const before = tf.memory().numTensors;
    await expect(loadProbe(memoryFiles('p', files), [SIZE * 2, SIZE * 2, 3], [-1, 1])).rejects.toThrow(`Probe 'tiny-probe' reads ${SIZE}×${SIZE}×3 images, but the model draws ${SIZE * 2}×${SIZE * 2}×3.`);
    const four = editJson(files, 'manifest.json', (m) => { (m.outputs as { targets: string[] }).targets.push('u'); });
    await expect(loadProbe(memoryFiles('p', four), [SIZE, SIZE, 3], [-1, 1])).rejects.toThrow(/manifest promises 8×8×3 images in and 4 outputs/);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => parseProbeManifest('{"input":{"height":8,"width":8,"channels":1,"range":[0,1]}}')).toThrow('manifest.json: the probe names no outputs');
    expect(() => parseProbeManifest('{"input":{"height":8}}')).toThrow(/input must give/);
    expect(() => parseProbeManifest('{"input":{"height":8,"width":8,"channels":1,"range":[0,1]},"outputs":{"categorical":[{"name":"g","classes":["a"]}]}}'))
      .toThrow('manifest.json: outputs.categorical must list factors as { name, classes } with at least two classes each.');
    await expect(loadProbe(memoryFiles('nothing', {}), [SIZE, SIZE, 3], [-1, 1])).rejects.toThrow(/The probe in nothing could not be read/);
  });
});
