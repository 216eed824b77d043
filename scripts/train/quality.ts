/** Quality figures in a probe's feature space: Fréchet distances between image sets. */
import * as tf from '@tensorflow/tfjs';
import { fitGaussian, frechetDistance, type Gaussian } from '../../src/linalg/frechet';

/** The probe's 64-d `features` activations for images [n, h, w, c], computed in chunks. */
export function probeFeatures(probe: tf.LayersModel, images: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const featureModel = tf.model({ inputs: probe.inputs, outputs: probe.getLayer('features').output as tf.SymbolicTensor });
  const dim = (featureModel.outputs[0].shape[1]) as number;
  const out = new Float32Array(n * dim);
  const chunk = 250;
  for (let i = 0; i < n; i += chunk) {
    const m = Math.min(chunk, n - i);
    const f = tf.tidy(() => featureModel.predict(tf.tensor4d(images.subarray(i * h * w * c, (i + m) * h * w * c), [m, h, w, c])) as tf.Tensor);
    out.set(f.dataSync() as Float32Array, i * dim);
    f.dispose();
  }
  return out;
}

export function gaussianOf(features: Float32Array, n: number): Gaussian {
  return fitGaussian(features, n, features.length / n);
}

export { frechetDistance };
