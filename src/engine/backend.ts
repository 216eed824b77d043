/**
 * Choosing a tfjs backend: try each candidate in order, keep the first that initialises and computes a
 * known product correctly, and record why the others were passed over (shown in the status bar).
 */
import * as tf from '@tensorflow/tfjs';
// Side-effect imports register the 'wasm' and 'webgpu' backend factories with tfjs.
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { installWasmKernels } from '../tfjs/wasmKernels';
import type { BackendName, WasmInfo, WasmPaths } from './types';

export interface BackendChoice {
  backend: BackendName;
  notes: string[];
  /** How the wasm backend runs (threads, SIMD, isolation); only when the choice is wasm. */
  wasm?: WasmInfo;
}

/**
 * tfjs 4.22's WebGPU split-K matmul returns wrong results for transposeB with K % 4 = 0, which every
 * dense layer's gradient and several of our layers hit. 3 = MatMulPackedProgram, which is correct.
 */
const WEBGPU_PACKED_MATMUL = 3;

export interface SelectOptions {
  wasmPaths?: WasmPaths;
  /**
   * Accept a GPU that is emulated on the CPU (SwiftShader, llvmpipe). Off when choosing automatically:
   * measured here, a 64×64 style model took ≈1 s a frame on software WebGPU, ≈170 ms on software
   * WebGL and ≈15–30 ms on wasm. On when the caller names the backend (tests, comparisons).
   */
  allowSoftwareGpu?: boolean;
  /**
   * Threads for the wasm backend: undefined lets tfjs decide (its threaded build when the page is
   * cross-origin isolated, with half the logical cores as XNNPACK threads, at most 4; single-threaded
   * otherwise); 1 forces the
   * single-threaded SIMD build (the job workers: the pool itself spreads jobs over the cores, and a
   * threaded build would start its own pool of pthread workers in each of them); n > 1 asks for n threads
   * (the threaded build only: without isolation it is single-threaded whatever is asked).
   */
  wasmThreads?: number;
}

export async function selectBackend(order: readonly BackendName[], opts: SelectOptions = {}): Promise<BackendChoice> {
  const notes: string[] = [];
  for (const name of order) {
    const skip = prepare(name, opts.wasmPaths, opts.wasmThreads) ?? (opts.allowSoftwareGpu ? null : await softwareGpu(name));
    if (skip) {
      notes.push(`${name}: ${skip}`);
      continue;
    }
    try {
      const threads = name === 'wasm' ? opts.wasmThreads : undefined;
      const ok = await withCoreCount(threads !== undefined && threads > 1 ? 2 * threads : null, () => tf.setBackend(name));
      if (!ok) {
        notes.push(`${name}: failed to initialise`);
        continue;
      }
      await tf.ready();
      if (!(await computesCorrectly())) {
        notes.push(`${name}: initialised but computed a wrong matrix product`);
        continue;
      }
      return { backend: name, notes, ...(name === 'wasm' ? { wasm: await wasmInfo() } : {}) };
    } catch (e) {
      notes.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new Error(`No tfjs backend could be started (${notes.join('; ')}).`);
}

/** Per-backend set-up before `setBackend`; returns a reason to skip it, or null. */
function prepare(name: BackendName, wasmPaths?: WasmPaths, wasmThreads?: number): string | null {
  if (!tf.findBackendFactory(name)) return 'not available in this environment';
  if (name === 'webgpu') {
    const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
    if (!nav?.gpu) return 'WebGPU is not available';
    tf.env().set('WEBGPU_MATMUL_PROGRAM_TYPE', WEBGPU_PACKED_MATMUL);
  }
  if (name === 'wasm') {
    // Binaries come from our own build (or the package folder in Node), never from a CDN.
    if (wasmPaths !== undefined) setWasmPaths(wasmPaths);
    // tfjs picks the threaded binary when SharedArrayBuffer can be posted (a cross-origin-isolated page)
    // and the plain SIMD one otherwise; setting its feature flag to false is the one way to ask for the
    // latter on an isolated page. Both must happen before setBackend.
    if (wasmThreads === 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    else if (wasmThreads !== undefined && wasmThreads > 1) setThreadsCount(Math.floor(wasmThreads));
    installWasmKernels();
  }
  return null;
}

/**
 * tfjs-backend-wasm 4.22 caps XNNPACK's threads at half of navigator.hardwareConcurrency (it assumes two
 * hyper-threads per core; backend.cc reads the count once, when the module starts), so on a machine with
 * 2 logical cores it runs 1 thread whatever setThreadsCount asks. While the backend starts, present a
 * count of 2 × the wanted threads; the real one is restored right after. No effect without a navigator
 * (Node) or when the property cannot be redefined.
 */
async function withCoreCount<T>(cores: number | null, start: () => Promise<T>): Promise<T> {
  const nav = (globalThis as { navigator?: object }).navigator;
  if (cores === null || !nav) return start();
  let patched = false;
  try {
    Object.defineProperty(nav, 'hardwareConcurrency', { value: cores, configurable: true });
    patched = true;
  } catch {
    // A navigator we cannot patch: tfjs's own cap applies.
  }
  try {
    return await start();
  } finally {
    // The own property shadowed the prototype's getter; deleting it brings the real count back.
    if (patched) delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

/** What the wasm backend ended up with; read after it initialised. */
async function wasmInfo(): Promise<WasmInfo> {
  const [threadedBuild, simd] = await Promise.all([
    tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
  ]);
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  // The threaded build is only loaded together with SIMD (tfjs-backend-wasm's init); the XNNPACK thread
  // count is what that build actually runs with (1 in the single-threaded builds).
  const threaded = Boolean(threadedBuild) && Boolean(simd);
  return { threads: threaded ? getThreadsCount() : 1, simd: Boolean(simd), threadedBuild: threaded, crossOriginIsolated: isolated };
}

type AdapterInfo = { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
type GpuAdapter = { info?: AdapterInfo; isFallbackAdapter?: boolean };
const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|microsoft basic render/i;

/** Why a GPU backend would run on an emulated GPU, or null if it looks like real hardware. */
async function softwareGpu(name: BackendName): Promise<string | null> {
  try {
    if (name === 'webgpu') {
      const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<GpuAdapter | null> } } }).navigator?.gpu;
      const adapter = await gpu?.requestAdapter();
      if (!adapter) return 'no WebGPU adapter';
      const info = adapter.info ?? {};
      const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
      if (adapter.isFallbackAdapter || info.isFallbackAdapter || SOFTWARE.test(text)) return `software adapter (${text || 'fallback'}), slower than wasm`;
    }
    if (name === 'webgl' && typeof OffscreenCanvas !== 'undefined') {
      const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
      if (!gl) return null; // let tfjs try and report its own failure
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
      gl.getExtension('WEBGL_lose_context')?.loseContext();
      if (SOFTWARE.test(renderer)) return `software renderer (${renderer.slice(0, 80)}), slower than wasm`;
    }
  } catch {
    // Probing is best effort; the backend's own initialisation decides.
  }
  return null;
}

/** A 2×4 · (2×4)ᵀ product (transposeB, K = 4): catches backends that start but compute garbage. */
async function computesCorrectly(): Promise<boolean> {
  const c = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]),
    tf.tensor2d([1, 0, -1, 2, 0.5, 1, 1, -1], [2, 4]), false, true));
  try {
    const got = await c.data();
    const want = [6, 1.5, 14, 7.5];
    return want.every((v, i) => Math.abs(got[i] - v) < 1e-4);
  } finally {
    c.dispose();
  }
}
