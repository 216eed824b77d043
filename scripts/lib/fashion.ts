/** Fashion-MNIST from Debian's `dataset-fashion-mnist` package (never downloaded, never committed). */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseIdx } from '../../src/data/idx';

export const FASHION_DIR = process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';

export interface FashionSplit {
  /** [n, 28, 28, 1] in [-1, 1]. */
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

function readIdxGz(file: string) {
  const full = path.join(FASHION_DIR, file);
  if (!fs.existsSync(full)) {
    throw new Error(
      `Fashion-MNIST not found at ${full}. Install Debian's package: apt-get install -y dataset-fashion-mnist ` +
        '(or set FASHION_MNIST_DIR to a folder holding the four *-idx*-ubyte.gz files).',
    );
  }
  return parseIdx(new Uint8Array(zlib.gunzipSync(fs.readFileSync(full))));
}

export function loadFashion(split: 'train' | 't10k'): FashionSplit {
  const imgs = readIdxGz(`${split}-images-idx3-ubyte.gz`);
  const labels = readIdxGz(`${split}-labels-idx1-ubyte.gz`);
  const count = imgs.shape[0];
  const images = new Float32Array(imgs.data.length);
  for (let i = 0; i < images.length; i++) images[i] = imgs.data[i] / 127.5 - 1;
  return { images, labels: labels.data, count };
}
