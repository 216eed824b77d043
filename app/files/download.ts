/** Handing the reader a file: a Blob behind a temporary link, clicked, then released. */
export function download(name: string, data: Uint8Array | string | Blob, type: string): void {
  const blob = data instanceof Blob ? data : new Blob([data as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has started from the click; the URL can go once the event loop moves on.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** An RGBA frame as PNG bytes, encoded by the browser's canvas. */
export function pngOf(rgba: Uint8ClampedArray, width: number, height: number): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('This browser could not encode the image as PNG.'))), 'image/png'));
}

/**
 * Frames (RGBA, frame after frame, each width·height·4 bytes) as a WebM video recorded by the browser's
 * MediaRecorder, `fps` frames a second, each pixel drawn as a `scale`×`scale` square (crisp, as on screen).
 * Refused in one sentence where the browser cannot record WebM.
 */
export async function webmOf(rgba: Uint8ClampedArray, width: number, height: number, opts: { fps?: number; scale?: number } = {}): Promise<Blob> {
  const fps = opts.fps ?? 5, scale = opts.scale ?? Math.max(1, Math.floor(256 / Math.max(width, height)));
  const frameBytes = width * height * 4;
  const count = Math.floor(rgba.length / frameBytes);
  if (count < 1) throw new Error('There are no frames to record.');
  const type = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((t) => typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(t));
  if (!type) throw new Error('This browser cannot record WebM video (no MediaRecorder for WebM).');
  const canvas = document.createElement('canvas');
  canvas.width = width * scale;
  canvas.height = height * scale;
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  const tile = document.createElement('canvas');
  tile.width = width;
  tile.height = height;
  const tileCtx = tile.getContext('2d')!;
  const draw = (i: number) => {
    tileCtx.putImageData(new ImageData(rgba.slice(i * frameBytes, (i + 1) * frameBytes), width, height), 0, 0);
    ctx.drawImage(tile, 0, 0, canvas.width, canvas.height);
  };
  draw(0);
  // Frames are pushed by hand (captureStream(0) + requestFrame), one per 1/fps of recording time.
  const stream = canvas.captureStream(0);
  const track = stream.getVideoTracks()[0] as MediaStreamTrack & { requestFrame?: () => void };
  const recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 4_000_000 });
  const chunks: Blob[] = [];
  recorder.ondataavailable = (e) => { if (e.data.size > 0) chunks.push(e.data); };
  const stopped = new Promise<void>((resolve) => { recorder.onstop = () => resolve(); });
  recorder.start();
  for (let i = 0; i < count; i++) {
    draw(i);
    track.requestFrame?.();
    await new Promise((r) => setTimeout(r, 1000 / fps));
  }
  recorder.stop();
  await stopped;
  track.stop();
  return new Blob(chunks, { type: 'video/webm' });
}
