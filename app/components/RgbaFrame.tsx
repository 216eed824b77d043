/** One frame of a batch of RGBA images (frame after frame in one array), drawn on a canvas with a caption. */
import { useEffect, useRef } from 'react';

export function RgbaFrame({ rgba, width, height, index, label, caption }: { rgba: Uint8ClampedArray; width: number; height: number; index: number; label: string; caption?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const per = width * height * 4;
    ctx.putImageData(new ImageData(rgba.slice(index * per, (index + 1) * per) as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
  }, [rgba, width, height, index]);
  return (
    <figure className="curve-figure">
      <canvas ref={ref} width={width} height={height} className="curve-canvas" role="img" aria-label={label} />
      <figcaption>{caption ?? label}</figcaption>
    </figure>
  );
}
