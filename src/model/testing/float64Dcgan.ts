/**
 * A float64 reference for z-space DCGAN generators (training/atlas_train/nets.py dcgan_generator):
 * a plain-JS interpreter of a saved TF.js layers model (model.json + weight shards) that computes G(z)
 * and, by forward-mode differentiation, directional derivatives J·v — all in float64, with no tfjs, so
 * that the float32 engine's geometry can be checked against it.
 *
 * Forward mode carries the value and k tangents together as k+1 rows of the same activation shape: a
 * linear layer (EqDense, EqConv2D, Reshape, Upsample2x) maps every row and adds its bias to row 0 only;
 * a nonlinear one (LeakyReLU2, PixelNorm, SoftClip) maps row 0 and multiplies the tangents by its
 * derivative there (the chain rule, exact up to float64 round-off — no step size).
 *
 * Reads the architecture and weights from the files, so it follows a retrained or resized model; only
 * the layer classes above are understood (anything else throws), in a single chain (no branches).
 * Weights are float32 on disk and used exactly as stored; the equalised-learning-rate scales are applied
 * in float64 (tfjs rounds the scaled weights to float32, one of the differences this reference exposes).
 */

type Layer = (rows: Float64Array, count: number, shape: number[]) => { rows: Float64Array; shape: number[] };

interface WeightSpec { name: string; shape: number[]; dtype: string; quantization?: unknown }
interface LayerJson { class_name: string; name: string; config: Record<string, unknown>; inbound_nodes: unknown[] }

export interface Float64Generator {
  /** Length of z. */
  readonly inputDim: number;
  /** [height, width, channels] of the image. */
  readonly outputShape: number[];
  /** Layer classes in order, for messages. */
  readonly layers: string[];
  /** G(z), flattened NHWC. */
  forward(z: ArrayLike<number>): Float64Array;
  /**
   * G(z) and the directional derivatives J·vᵢ for the k rows vᵢ of `directions` (k×inputDim, row-major):
   * `tangents` is k×m, row i = J·vᵢ (m = output size). With the identity, row i is column i of J.
   */
  jvp(z: ArrayLike<number>, directions: Float64Array, k: number): { value: Float64Array; tangents: Float64Array };
  /** The full Jacobian as Jᵀ: n×m row-major, row i = ∂G/∂zᵢ. */
  jacobianTransposed(z: ArrayLike<number>): { value: Float64Array; jt: Float64Array };
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Every weight of the manifest by name, as float64, from the shards' bytes in manifest order. */
function readWeights(manifest: { paths: string[]; weights: WeightSpec[] }[], shards: Record<string, ArrayBuffer>): Map<string, { shape: number[]; data: Float64Array }> {
  const out = new Map<string, { shape: number[]; data: Float64Array }>();
  for (const group of manifest) {
    const parts = group.paths.map((p) => {
      const s = shards[p];
      if (!s) throw new Error(`float64 reference: weight shard ${p} was not given`);
      return new Uint8Array(s);
    });
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) { bytes.set(p, at); at += p.byteLength; }
    let offset = 0;
    for (const w of group.weights) {
      if (w.dtype !== 'float32' || w.quantization) throw new Error(`float64 reference: weight ${w.name} is ${w.dtype}${w.quantization ? ' (quantised)' : ''}; only plain float32 is supported`);
      const count = size(w.shape);
      const view = new DataView(bytes.buffer, offset, count * 4);
      const data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, true);
      out.set(w.name, { shape: w.shape, data });
      offset += count * 4;
    }
    if (offset !== bytes.byteLength) throw new Error(`float64 reference: shards hold ${bytes.byteLength} bytes, the manifest ${offset}`);
  }
  return out;
}

function eqDense(kernel: Float64Array, bias: Float64Array, inDim: number, units: number, lrMul: number): Layer {
  const scale = lrMul / Math.sqrt(inDim);
  const k = Float64Array.from(kernel, (x) => x * scale);
  return (rows, count) => {
    const out = new Float64Array(count * units);
    for (let r = 0; r < count; r++) {
      const o = r * units, x = r * inDim;
      for (let i = 0; i < inDim; i++) {
        const a = rows[x + i];
        if (a === 0) continue;
        const ki = i * units;
        for (let u = 0; u < units; u++) out[o + u] += a * k[ki + u];
      }
    }
    for (let u = 0; u < units; u++) out[u] += bias[u] * lrMul;
    return { rows: out, shape: [units] };
  };
}

/** 'same'-padded NHWC convolution with a [k, k, cin, cout] kernel scaled by 1/√(k²·cin), as EqConv2D. */
function eqConv2d(kernel: Float64Array, bias: Float64Array, ks: number, cin: number, cout: number, stride: number): Layer {
  const scale = 1 / Math.sqrt(ks * ks * cin);
  const w = Float64Array.from(kernel, (x) => x * scale);
  return (rows, count, shape) => {
    const [h, wd, c] = shape;
    if (c !== cin) throw new Error(`float64 reference: conv expects ${cin} channels, got ${c}`);
    const ho = Math.ceil(h / stride), wo = Math.ceil(wd / stride);
    const top = Math.floor(Math.max((ho - 1) * stride + ks - h, 0) / 2);
    const left = Math.floor(Math.max((wo - 1) * stride + ks - wd, 0) / 2);
    const inSize = h * wd * cin, outSize = ho * wo * cout;
    const out = new Float64Array(count * outSize);
    for (let r = 0; r < count; r++) {
      const ib = r * inSize, ob = r * outSize;
      for (let oy = 0; oy < ho; oy++) {
        for (let ox = 0; ox < wo; ox++) {
          const o = ob + (oy * wo + ox) * cout;
          for (let ky = 0; ky < ks; ky++) {
            const iy = oy * stride + ky - top;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < ks; kx++) {
              const ix = ox * stride + kx - left;
              if (ix < 0 || ix >= wd) continue;
              const i0 = ib + (iy * wd + ix) * cin, k0 = (ky * ks + kx) * cin * cout;
              for (let ci = 0; ci < cin; ci++) {
                const a = rows[i0 + ci];
                if (a === 0) continue;
                const kk = k0 + ci * cout;
                for (let co = 0; co < cout; co++) out[o + co] += a * w[kk + co];
              }
            }
          }
        }
      }
    }
    for (let p = 0; p < ho * wo; p++) for (let co = 0; co < cout; co++) out[p * cout + co] += bias[co];
    return { rows: out, shape: [ho, wo, cout] };
  };
}

/** An elementwise f with derivative f′, both of row 0's value. */
function elementwise(f: (x: number) => number, df: (x: number) => number): Layer {
  return (rows, count, shape) => {
    const s = size(shape);
    const out = new Float64Array(rows.length);
    for (let i = 0; i < s; i++) {
      const x = rows[i];
      out[i] = f(x);
      const d = df(x);
      for (let r = 1; r < count; r++) out[r * s + i] = rows[r * s + i] * d;
    }
    return { rows: out, shape };
  };
}

/** x·(mean(x²) + 1e-8)^(−½) over the last axis; tangent dx·ρ − x·ρ³·mean(x·dx). */
const pixelNorm: Layer = (rows, count, shape) => {
  const c = shape[shape.length - 1];
  const s = size(shape), positions = s / c;
  const out = new Float64Array(rows.length);
  for (let p = 0; p < positions; p++) {
    const o = p * c;
    let ms = 0;
    for (let j = 0; j < c; j++) ms += rows[o + j] * rows[o + j];
    const rho = 1 / Math.sqrt(ms / c + 1e-8);
    for (let j = 0; j < c; j++) out[o + j] = rows[o + j] * rho;
    for (let r = 1; r < count; r++) {
      const t = r * s + o;
      let xdx = 0;
      for (let j = 0; j < c; j++) xdx += rows[o + j] * rows[t + j];
      const g = (rho * rho * rho * xdx) / c;
      for (let j = 0; j < c; j++) out[t + j] = rows[t + j] * rho - rows[o + j] * g;
    }
  }
  return { rows: out, shape };
};

/** Nearest-neighbour ×2 (Upsample2x). */
const upsample2x: Layer = (rows, count, shape) => {
  const [h, w, c] = shape;
  const s = h * w * c, s2 = 4 * s;
  const out = new Float64Array(count * s2);
  for (let r = 0; r < count; r++) {
    for (let y = 0; y < 2 * h; y++) {
      for (let x = 0; x < 2 * w; x++) {
        const src = r * s + ((y >> 1) * w + (x >> 1)) * c, dst = r * s2 + (y * 2 * w + x) * c;
        for (let j = 0; j < c; j++) out[dst + j] = rows[src + j];
      }
    }
  }
  return { rows: out, shape: [2 * h, 2 * w, c] };
};

/**
 * Builds the reference from a layers-model model.json (parsed) and its weight shards (path → bytes,
 * the paths its weightsManifest names).
 */
export function float64Generator(modelJson: unknown, shards: Record<string, ArrayBuffer>): Float64Generator {
  const json = modelJson as { modelTopology: { config: { layers: LayerJson[] } }; weightsManifest: { paths: string[]; weights: WeightSpec[] }[] };
  const layersJson = json.modelTopology?.config?.layers;
  if (!Array.isArray(layersJson) || layersJson.length === 0) throw new Error('float64 reference: model.json has no layers');
  const weights = readWeights(json.weightsManifest, shards);
  const weight = (layer: string, name: string) => {
    const w = weights.get(`${layer}/${name}`);
    if (!w) throw new Error(`float64 reference: no weight ${layer}/${name}`);
    return w;
  };
  const pipeline: Layer[] = [];
  const names: string[] = [];
  let inputDim = 0;
  let shape: number[] = [];
  layersJson.forEach((layer, index) => {
    if (index > 0) {
      const inbound = JSON.stringify(layer.inbound_nodes);
      if (!inbound.startsWith(`[[["${layersJson[index - 1].name}",`) || inbound.split('[').length !== 4) {
        throw new Error(`float64 reference: layer ${layer.name} does not take exactly the previous layer's output (only single chains are supported)`);
      }
    }
    const cfg = layer.config;
    names.push(layer.class_name);
    switch (layer.class_name) {
      case 'InputLayer': {
        const s = cfg.batch_input_shape as (number | null)[];
        if (index !== 0 || s.length !== 2) throw new Error('float64 reference: expected one flat latent input first');
        inputDim = s[1] as number;
        shape = [inputDim];
        return;
      }
      case 'PixelNorm':
        pipeline.push(pixelNorm);
        return;
      case 'EqDense': {
        const k = weight(layer.name, 'kernel');
        const units = cfg.units as number;
        if (shape.length !== 1 || k.shape[0] !== shape[0] || k.shape[1] !== units) throw new Error(`float64 reference: ${layer.name} does not fit its input`);
        pipeline.push(eqDense(k.data, weight(layer.name, 'bias').data, shape[0], units, (cfg.lr_mul as number | undefined) ?? 1));
        shape = [units];
        return;
      }
      case 'Reshape': {
        const target = cfg.target_shape as number[];
        if (size(target) !== size(shape)) throw new Error(`float64 reference: ${layer.name} changes the size`);
        shape = [...target];
        pipeline.push((rows) => ({ rows, shape: [...target] })); // NHWC row-major: the data stay as they are
        return;
      }
      case 'LeakyReLU2': {
        const a = (cfg.alpha as number | undefined) ?? 0.2;
        const gain = (cfg.gain as number | undefined) ?? 1;
        // gain·(a·x + (1−a)·relu(x)); tfjs' relu gradient is 0 at x = 0, so the slope there is gain·a.
        pipeline.push(elementwise((x) => gain * (x > 0 ? x : a * x), (x) => gain * (x > 0 ? 1 : a)));
        return;
      }
      case 'SoftClip':
        pipeline.push(elementwise((x) => x / Math.sqrt(1 + x * x), (x) => 1 / ((1 + x * x) * Math.sqrt(1 + x * x))));
        return;
      case 'Upsample2x':
        if (shape.length !== 3) throw new Error(`float64 reference: ${layer.name} needs an [h, w, c] input`);
        pipeline.push(upsample2x);
        shape = [shape[0] * 2, shape[1] * 2, shape[2]];
        return;
      case 'EqConv2D': {
        const k = weight(layer.name, 'kernel');
        const [ks, , cin, cout] = k.shape;
        const stride = (cfg.strides as number | undefined) ?? 1;
        if (shape.length !== 3 || cin !== shape[2] || k.shape[1] !== ks) throw new Error(`float64 reference: ${layer.name} does not fit its input`);
        pipeline.push(eqConv2d(k.data, weight(layer.name, 'bias').data, ks, cin, cout, stride));
        shape = [Math.ceil(shape[0] / stride), Math.ceil(shape[1] / stride), cout];
        return;
      }
      default:
        throw new Error(`float64 reference: layer class ${layer.class_name} (${layer.name}) is not supported`);
    }
  });
  if (inputDim === 0) throw new Error('float64 reference: no InputLayer');
  const outputShape = shape;

  const run = (z: ArrayLike<number>, directions: Float64Array, k: number) => {
    if (z.length !== inputDim) throw new Error(`float64 reference: z has ${z.length} values, expected ${inputDim}`);
    let rows: Float64Array = new Float64Array((k + 1) * inputDim);
    for (let i = 0; i < inputDim; i++) rows[i] = z[i];
    rows.set(directions.subarray(0, k * inputDim), inputDim);
    let s = [inputDim];
    for (const layer of pipeline) ({ rows, shape: s } = layer(rows, k + 1, s));
    const m = size(s);
    return { value: rows.slice(0, m), tangents: rows.slice(m) };
  };

  return {
    inputDim,
    outputShape,
    layers: names,
    forward: (z) => run(z, new Float64Array(0), 0).value,
    jvp: (z, directions, k) => run(z, directions, k),
    jacobianTransposed: (z) => {
      const eye = new Float64Array(inputDim * inputDim);
      for (let i = 0; i < inputDim; i++) eye[i * inputDim + i] = 1;
      const { value, tangents } = run(z, eye, inputDim);
      return { value, jt: tangents };
    },
  };
}
