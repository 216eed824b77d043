/**
 * The explorer's shared vocabulary: the words and limits that the URL codec, the UI, the engine and the
 * CLI must agree on. Dependency-free on purpose (no tfjs, no DOM, no imports at all), so that every layer
 * can import it and it imports none of them: src/engine, src/model and src/distance take their names
 * from here, never the other way round.
 */

/** Where a latent lives: the prior space Z, the style space W, or per-layer styles W+. */
export type LatentSpace = 'z' | 'w' | 'wplus';
export const SPACES: readonly LatentSpace[] = ['z', 'w', 'wplus'];

/** The image distances a metric and a slider's units can be measured in. */
export type DistanceName = 'mse' | 'ssim' | 'perceptual';
export const DISTANCES: readonly DistanceName[] = ['mse', 'ssim', 'perceptual'];

/** The bases the sliders can follow (one name per concept: the local metric's eigenvectors are 'metric'). */
export type BasisKind = 'metric' | 'local' | 'average' | 'ganspace' | 'sefa' | 'random';
export const BASIS_KINDS: readonly BasisKind[] = ['metric', 'local', 'average', 'ganspace', 'sefa', 'random'];
/**
 * What the sliders can follow: a basis the engine computes (BASIS_KINDS), or directions loaded from a file
 * ('imported': src/state/importedBasis.ts), whose rates the engine measures at the view like any other's.
 */
export type SliderBasisKind = BasisKind | 'imported';
export const SLIDER_BASIS_KINDS: readonly SliderBasisKind[] = [...BASIS_KINDS, 'imported'];

/** Named ranges of W+ style layers (coarse = lowest resolution); the same names as src/geometry/traversal. */
export type LayerRangeName = 'coarse' | 'middle' | 'fine' | 'all';
export const LAYER_RANGES: readonly LayerRangeName[] = ['coarse', 'middle', 'fine', 'all'];

/** The explorer's lower panels. */
export type PanelName = 'spectrum' | 'montage' | 'compare' | 'curve' | 'atlas' | 'likelihood' | 'invert' | 'search' | 'steer' | 'realism';
export const PANELS: readonly PanelName[] = ['spectrum', 'montage', 'compare', 'curve', 'atlas', 'likelihood', 'invert', 'search', 'steer', 'realism'];

/**
 * The Compare panel's bases side by side: 2 to MAX_COMPARED distinct kinds (src/engine/compare.ts), any the
 * sliders can follow, so loaded directions stand beside the ones the engine finds.
 */
export const MAX_COMPARED = 3;
/** Rows per compared basis: the top directions that carry most of a basis's meaning. */
export const MAX_COMPARE_ROWS = 10;
export const DEFAULT_COMPARED: readonly SliderBasisKind[] = ['metric', 'ganspace'];

/** Seeds are unsigned 32-bit integers. */
export const MAX_SEED = 0xffffffff;

/**
 * Truncation ψ: the engine accepts (0, MAX_TRUNCATION]; the UI's slider offers TRUNCATION_SLIDER. For a
 * style model ψ acts in W (w̄ + ψ(w − w̄)), for a z-space model on z (ψ·z).
 */
export const MAX_TRUNCATION = 2;
export const TRUNCATION_SLIDER = { min: 0.1, max: 1.5, step: 0.05 } as const;

/** Most directions one edit (or one basis) may carry: the explorer shows at most this many sliders. */
export const MAX_DIRECTIONS = 32;
/** The longest direction a directions file may hold: the longest latent a link carries (a W+ code of 1024). */
export const MAX_DIRECTION_LENGTH = 1024;
/**
 * Most numbers (k·n) of imported directions a link carries, as float32 base64 (≈ 11,000 characters); longer
 * ones travel as the file, and their link shows the metric basis.
 */
export const MAX_LINKED_DIRECTION_NUMBERS = 2048;

/**
 * A slider's default reach (± this much predicted change) in each distance's units, chosen so the ends
 * show a clear change that is not yet saturated:
 * - mse: ‖Δφ‖ is the RMS pixel change over the output range, so 0.1 is an RMS change of 10 % of the range;
 * - ssim: ‖Δφ‖² ≈ 2(1 − SSIM), so 0.5 is SSIM ≈ 0.875;
 * - perceptual: ‖Δφ‖² = LPIPS-style distance, so 0.5 is 0.25 of it.
 */
export const DEFAULT_SLIDER_RANGE: Record<DistanceName, number> = { mse: 0.1, ssim: 0.5, perceptual: 0.5 };
/** The reaches offered, as multiples of the default. */
export const SLIDER_RANGE_FACTORS = [0.25, 0.5, 1, 2, 4, 8] as const;

/** Job limits the engine enforces and the panels offer (one definition for both). */
export const MAX_COLUMNS = 21;
/** Montage extent cap: beyond a few times the image's own scale, nothing is predicted any more. */
export const MAX_EXTENT = 1e3;
/** Curve walk: most pieces N, largest total W path length I. */
export const MAX_CURVE_STEPS = 64;
export const MAX_INTENSITY = 1e3;
/** Atlas sweep: latents per sweep (count² metric pairs). */
export const MIN_SWEEP_COUNT = 2;
export const MAX_SWEEP_COUNT = 64;
/** Likelihood ascent: most steps per run. */
export const MAX_ASCENT_STEPS = 2000;
/** How ε enters ln det M (src/methods/likelihood.ts): Σ ln max(λ, ε), or ln det(M + εI). */
export type LogdetFloor = 'clamp' | 'shift';
export const LOGDET_FLOORS: readonly LogdetFloor[] = ['clamp', 'shift'];
/** A likelihood ascent's settings, as a link carries them. */
export interface AscentSettings {
  steps: number;
  lr: number;
  eps: number;
  floor: LogdetFloor;
  gradient: 'exact' | 'estimator';
}
/** v_eff: most prior samples (each one exact metric). */
export const MAX_VEFF_SAMPLES = 64;
/** Latent search (CMA-ES): most generations per run (the paper runs 100), and the largest initial step σ₀. */
export const MAX_SEARCH_GENERATIONS = 500;
export const MAX_SEARCH_SIGMA = 10;

/** Factor names (the probes' factor groups) in words, where the name alone would not say it. */
const FACTOR_WORDS: Readonly<Record<string, string>> = {
  hairHue: 'hair hue', hairLight: 'hair lightness', eyeOpen: 'eye openness', eyeSpacing: 'eye spacing',
  smile: 'mouth curvature', mouthOpen: 'mouth openness', browHeight: 'brow height', bgHue: 'background hue',
  light: 'light side', roll: 'head roll', width: 'face width', skin: 'skin tone',
};

/** A factor's name for people: the faces factors by their table, any other camelCase or snake_case name as words. */
export function factorWords(name: string): string {
  return FACTOR_WORDS[name] ?? name.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, (_, a: string, b: string) => `${a} ${b.toLowerCase()}`);
}
