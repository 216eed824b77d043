/**
 * Probes: small CNNs the project trains to read its models' images (public/models/probes/<id>/: manifest.json +
 * model/model.json). A shapes probe outputs class logits then factor targets (x, y, scale, …); a Fashion probe
 * outputs class logits. A model names its probe in its manifest (`probe`). The CLI reads a probe from disk,
 * the job worker from the bundled models' URL; both through loadProbe, with the loader's checks and one plain
 * sentence for anything wrong.
 */
import * as tf from '@tensorflow/tfjs';
import { ModelLoadError, reasonOf } from './errors';
import type { ModelFiles } from './files';
import { disposeModel } from './layersGenerator';
import { loadLayersModelFrom } from './load';
import { pushForward } from './forward/interpret';
import type { Dual, ForwardFallback } from './forward/dual';
import { probeLayout, type ProbeLayout } from './probeLayout';
import { parseJson } from './validate';

export interface ProbeManifest {
  id: string;
  name: string;
  input: { height: number; width: number; channels: number; range: [number, number] };
  /** Output columns: the class logits of each categorical factor, one factor after another, then the targets. */
  layout: ProbeLayout;
}

export interface Probe {
  readonly manifest: ProbeManifest;
  /** Probe outputs [B, classes + targets] for images [B, H, W, C] in the probe's input range. */
  apply(images: tf.Tensor4D): tf.Tensor2D;
  /** Forward mode: the outputs ([1, columns]) and their tangents ([k, columns]) for an image dual (model/forward). */
  pushForward(image: Dual): { out: Dual; fallbacks: ForwardFallback[] };
  /** The network's `features` layer [B, F] (the Fréchet distances' feature space), when it has one. */
  features?(images: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

/** The probe's manifest.json, checked: input shape and range, output names. */
export function parseProbeManifest(text: string, path = 'manifest.json'): ProbeManifest {
  const json = parseJson(text, path) as Record<string, unknown>;
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new ModelLoadError(`${path} must hold a JSON object.`);
  const id = typeof json.id === 'string' && json.id ? json.id : 'probe';
  const input = json.input as Record<string, unknown> | undefined;
  const whole = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  if (!input || !whole(input.height) || !whole(input.width) || !whole(input.channels)) throw new ModelLoadError(`${path}: input must give the probe's image height, width and channels.`);
  const range = input.range;
  if (!(Array.isArray(range) && range.length === 2 && range.every((v) => typeof v === 'number' && Number.isFinite(v)) && range[0] < range[1])) {
    throw new ModelLoadError(`${path}: input.range must be [low, high] with low < high.`);
  }
  let layout: ProbeLayout;
  try {
    layout = probeLayout(json.outputs as Record<string, unknown> | undefined);
  } catch (e) {
    throw new ModelLoadError(`${path}: ${(e as Error).message}.`);
  }
  return {
    id, name: typeof json.name === 'string' && json.name ? json.name : id,
    input: { height: input.height as number, width: input.width as number, channels: input.channels as number, range: [range[0], range[1]] },
    layout,
  };
}

/**
 * Load a probe folder (manifest.json + model/model.json) for a generator drawing `imageShape` images in
 * `imageRange`; refuses a probe that reads another image size or whose output width does not match its
 * manifest. Images are mapped linearly from the generator's range to the probe's. The caller disposes it.
 */
export async function loadProbe(files: ModelFiles, imageShape: readonly [number, number, number], imageRange: readonly [number, number]): Promise<Probe> {
  let text: string;
  try {
    text = await files.text('manifest.json');
  } catch (e) {
    throw new ModelLoadError(`The probe in ${files.label} could not be read (${reasonOf(e)}).`);
  }
  const manifest = parseProbeManifest(text, `${manifest0(files)}manifest.json`);
  const { height, width, channels } = manifest.input;
  const [h, w, c] = imageShape;
  if (height !== h || width !== w || channels !== c) {
    throw new ModelLoadError(`Probe '${manifest.id}' reads ${height}×${width}×${channels} images, but the model draws ${h}×${w}×${c}.`);
  }
  const model = await loadLayersModelFrom(files, 'model/model.json');
  const columns = manifest.layout.width;
  const out = model.outputs[0]?.shape;
  const inShape = model.inputs[0]?.shape;
  if (model.outputs.length !== 1 || !out || out.length !== 2 || out[1] !== columns || !inShape || inShape.slice(1).join() !== [h, w, c].join()) {
    disposeModel(model);
    throw new ModelLoadError(`Probe '${manifest.id}': its network takes [${inShape?.join(',')}] and gives [${out?.join(',')}], but its manifest promises ${h}×${w}×${c} images in and ${columns} outputs.`);
  }
  const [lo, hi] = imageRange, [plo, phi] = manifest.input.range;
  const scale = (phi - plo) / (hi - lo), shift = plo - lo * scale;
  const toProbe = (images: tf.Tensor4D) => (scale === 1 && shift === 0 ? images : tf.add(tf.mul(images, scale), shift));
  const featureLayer = model.layers.find((l) => l.name === 'features');
  // A second model over the same layers (shares the weights; disposing the probe frees them once).
  const featureModel = featureLayer ? tf.model({ inputs: model.inputs, outputs: featureLayer.output as tf.SymbolicTensor }) : null;
  return {
    manifest,
    apply: (images) => tf.tidy(() => model.apply(toProbe(images), { training: false }) as tf.Tensor2D),
    ...(featureModel ? { features: (images: tf.Tensor4D) => tf.tidy(() => featureModel.apply(toProbe(images), { training: false }) as tf.Tensor2D) } : {}),
    // Call inside a tf.tidy: the intermediate duals are the caller's to release.
    pushForward: (image) => {
      // The input rescaling is affine: its tangent is only scaled.
      const x: Dual = scale === 1 && shift === 0 ? image : { primal: tf.add(tf.mul(image.primal, scale), shift), tangent: image.tangent && tf.mul(image.tangent, scale) };
      const { outputs, fallbacks } = pushForward(model, [x]);
      return { out: outputs[0], fallbacks };
    },
    dispose: () => disposeModel(model),
  };
}

/**
 * The probe's regression targets alone (the columns after every categorical factor's logits): images →
 * [B, T], and in forward mode an image dual → the targets' dual (call inside a tf.tidy).
 */
export function probeTargets(probe: Probe): { read(images: tf.Tensor4D): tf.Tensor2D; pushForward(image: Dual): { out: Dual; fallbacks: ForwardFallback[] } } {
  const { targetOffset, targets } = probe.manifest.layout;
  const columns = <T extends tf.Tensor>(t: T): T => t.slice([0, targetOffset], [-1, targets.length]);
  return {
    read: (images) => tf.tidy(() => columns(probe.apply(images))),
    pushForward: (image) => {
      const { out, fallbacks } = probe.pushForward(image);
      return { out: { primal: columns(out.primal), tangent: out.tangent && columns(out.tangent) }, fallbacks };
    },
  };
}

const manifest0 = (files: ModelFiles) => (files.label.endsWith('/') ? files.label : `${files.label}/`);
