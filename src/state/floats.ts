/**
 * The links' number codec: float32 little-endian, base64url without padding — exact, so a shared latent
 * reproduces the pixels, and about 5.3 characters per number. Total: any text gives numbers or undefined.
 */

/** The most numbers a latent code in a link may hold (a W+ code of the bundled models is far below it). */
export const MAX_LATENT_FLOATS = 1_024;

/** float32 little-endian, base64url without padding: exact, so a shared latent reproduces pixels. */
export function encodeFloats(values: number[], max = MAX_LATENT_FLOATS): string {
  if (!Array.isArray(values) || values.length === 0 || values.length > max) throw new Error('bad latent length');
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeFloats(text: string, max = MAX_LATENT_FLOATS): number[] | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text) || text.length > Math.ceil((max * 4 * 4) / 3)) return undefined;
  let bin: string;
  try {
    bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined;
  }
  if (bin.length === 0 || bin.length % 4 !== 0) return undefined;
  const view = new DataView(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) view.setUint8(i, bin.charCodeAt(i));
  const out: number[] = [];
  for (let i = 0; i < bin.length; i += 4) {
    const v = view.getFloat32(i, true);
    if (!Number.isFinite(v)) return undefined;
    out.push(v);
  }
  return out;
}
