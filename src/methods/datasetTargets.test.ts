/**
 * Data-set targets: `shapes:SEED` is the renderer's own image (checked pixel by pixel against renderShape of the
 * seed's factors), bytes map the [-1, 1] range onto 0…255, and what the app cannot read (Fashion-MNIST) or does
 * not know is refused in one sentence that says where to go instead.
 */
import { describe, expect, it } from 'vitest';
import { facesBatch } from '../data/faces';
import { renderShape, sampleFactors } from '../data/shapes';
import { Rng } from '../util/random';
import { parseDatasetImage, renderDatasetImage, rgbaOf } from './datasetTargets';

describe('data-set targets', () => {
  it('a shapes render is the image of the seed\'s factors, and its RGBA is its range mapped onto bytes', () => {
    const image = renderDatasetImage('shapes', 12, 16);
    const want = new Float32Array(16 * 16 * 3);
    renderShape(sampleFactors(new Rng(12)), 16, want);
    expect(Array.from(image.pixels)).toEqual(Array.from(want));
    const rgba = rgbaOf(image);
    for (let p = 0; p < 16 * 16; p++) {
      for (let c = 0; c < 3; c++) expect(rgba[4 * p + c]).toBe(Math.round(127.5 * (want[3 * p + c] + 1)));
      expect(rgba[4 * p + 3]).toBe(255);
    }
    const grey = rgbaOf({ pixels: Float32Array.from([0, 1]), height: 1, width: 2, channels: 1, range: [0, 1] });
    expect(Array.from(grey)).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });

  it('a faces render is the first face of the seed\'s batch', () => {
    expect(Array.from(renderDatasetImage('faces', 5, 24).pixels)).toEqual(Array.from(facesBatch(5, 1, 24).images));
  });

  it('reads shapes:SEED, faces:SEED and fashion:INDEX, and refuses anything else in one sentence', () => {
    expect(parseDatasetImage('shapes:7')).toEqual({ dataset: 'shapes', index: 7 });
    expect(parseDatasetImage(' fashion:3 ')).toEqual({ dataset: 'fashion', index: 3 });
    expect(parseDatasetImage('faces:2')).toEqual({ dataset: 'faces', index: 2 });
    for (const bad of ['mnist:3', 'shapes', 'shapes:-1', 'shapes:1.5']) expect(() => parseDatasetImage(bad)).toThrow(/A data-set image is shapes:SEED or faces:SEED or fashion:INDEX/);
    expect(() => renderDatasetImage('fashion', 3, 28)).toThrow('Fashion-MNIST test images are not shipped with the app; invert one with the CLI: npm run atlas -- invert --dataset-image fashion:INDEX.');
    expect(() => renderDatasetImage('celeba', 3, 28)).toThrow(/rendered here are shapes, faces; got 'celeba'/);
    expect(() => renderDatasetImage('shapes', -2, 28)).toThrow(/whole number from 0/);
  });
});
