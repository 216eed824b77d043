/**
 * The plots on screen as files: each `svg.plot` of a panel cloned with its computed styles written onto each element
 * (so it looks the same outside the page's stylesheet), as standalone SVG, and rasterised to PNG at 2×.
 */

/** The presentation properties the stylesheet sets on plot elements. */
const STYLE_PROPS = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'opacity', 'font-size', 'font-family', 'font-weight', 'text-anchor', 'dominant-baseline', 'visibility', 'display'];

/** A standalone SVG document for `svg`, its styles inlined and its background painted. */
export function standaloneSvg(svg: SVGSVGElement, background: string): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const source = [svg, ...svg.querySelectorAll('*')];
  const target = [clone, ...clone.querySelectorAll('*')];
  // As SVG presentation attributes, not a style attribute: the page's Content-Security-Policy (style-src
  // 'self', scripts/build/csp.ts) refuses inline style attributes, and with no stylesheet in the file the two
  // read the same.
  source.forEach((el, i) => {
    const cs = getComputedStyle(el);
    for (const p of STYLE_PROPS) {
      const value = cs.getPropertyValue(p);
      if (value) target[i].setAttribute(p, value);
    }
    target[i].removeAttribute('class');
  });
  const { width, height } = svg.getBoundingClientRect();
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(Math.round(width)));
  clone.setAttribute('height', String(Math.round(height)));
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', background);
  clone.insertBefore(bg, clone.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}\n`;
}

/** PNG bytes of a standalone SVG, drawn at `scale`× its size. */
export async function pngOfSvg(svgText: string, width: number, height: number, scale = 2): Promise<Uint8Array> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  canvas.getContext('2d')!.drawImage(img, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('This browser could not encode the plot as PNG.'))), 'image/png'));
  return new Uint8Array(await blob.arrayBuffer());
}
