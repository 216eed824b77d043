/**
 * RGBA frames (a montage, a curve walk, a strip) laid out as one picture for a PNG export: `columns` frames a
 * row, each pixel a `scale`×`scale` square (crisp, as on screen), a `gap` of background between frames. Plain
 * bytes in and out: the app encodes the result, the tests read it back.
 */
export interface FrameGridOptions {
  frameWidth: number;
  frameHeight: number;
  columns: number;
  /** Integer upscale of every pixel (default 4). */
  scale?: number;
  /** Background pixels between frames and around them (default 2). */
  gap?: number;
  /** RGBA of the gaps (default opaque black). */
  background?: [number, number, number, number];
}

export function frameGrid(frames: Uint8ClampedArray, o: FrameGridOptions): { rgba: Uint8ClampedArray; width: number; height: number } {
  const { frameWidth: w, frameHeight: h, columns } = o;
  const scale = o.scale ?? 4, gap = o.gap ?? 2, bg = o.background ?? [0, 0, 0, 255];
  const per = w * h * 4;
  if (!(Number.isInteger(w) && w > 0 && Number.isInteger(h) && h > 0)) throw new Error('frameGrid: frames need a positive whole size.');
  if (frames.length === 0 || frames.length % per !== 0) throw new Error(`frameGrid: ${frames.length} bytes are not whole ${w}×${h} RGBA frames.`);
  if (!(Number.isInteger(columns) && columns > 0) || !(Number.isInteger(scale) && scale > 0) || !(Number.isInteger(gap) && gap >= 0)) throw new Error('frameGrid: columns and scale must be positive whole numbers, the gap a whole number.');
  const count = frames.length / per;
  const cols = Math.min(columns, count), rows = Math.ceil(count / columns);
  const width = gap + cols * (w * scale + gap), height = gap + rows * (h * scale + gap);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) out.set(bg, i * 4);
  for (let k = 0; k < count; k++) {
    const ox = gap + (k % columns) * (w * scale + gap), oy = gap + Math.floor(k / columns) * (h * scale + gap);
    for (let y = 0; y < h * scale; y++) for (let x = 0; x < w * scale; x++) {
      const src = k * per + (Math.floor(y / scale) * w + Math.floor(x / scale)) * 4;
      out.set(frames.subarray(src, src + 4), ((oy + y) * width + ox + x) * 4);
    }
  }
  return { rgba: out, width, height };
}
