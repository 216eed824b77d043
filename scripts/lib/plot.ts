/**
 * Small static plots as SVG strings, built with d3's scales and path generators in Node (no DOM), and
 * rendered to PNG by Debian's Chromium (renderSvgs). Used by scripts/findings.ts.
 */
import * as d3 from 'd3';
import fs from 'node:fs';
import path from 'node:path';
import { launch } from '../../e2e/browser';

export const COLORS = d3.schemeTableau10;
const FONT = 'font-family="DejaVu Sans, Arial, sans-serif"';

export interface Svg {
  svg: string;
  width: number;
  height: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A number compactly: 3 significant digits, exponent form for tiny/huge values. */
export function fmt(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(digits - 1).replace('e+', 'e');
  return Number(v.toPrecision(digits)).toString();
}

function logTickLabel(t: number): string {
  const e = Math.round(Math.log10(t));
  return `10<tspan dy="-6" font-size="9">${e}</tspan>`;
}

export interface Series {
  name: string;
  x: number[];
  y: number[];
  /** A shaded band (e.g. mean ± sd). */
  lo?: number[];
  hi?: number[];
  color?: string;
  dash?: boolean;
  /** Draw markers at the points. */
  points?: boolean;
}

export interface LinePlotSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  logX?: boolean;
  logY?: boolean;
  xDomain?: [number, number];
  yDomain?: [number, number];
  width?: number;
  height?: number;
  /** Legend position inside the plot. */
  legend?: 'top-left' | 'top-right' | 'bottom-right' | 'bottom-left';
}

const MARGIN = { top: 34, right: 16, bottom: 46, left: 62 };

function axes(x: d3.ScaleContinuousNumeric<number, number>, y: d3.ScaleContinuousNumeric<number, number>, spec: { logX?: boolean; logY?: boolean; xLabel: string; yLabel: string }, w: number, h: number): string {
  const out: string[] = [];
  const xt = spec.logX ? x.ticks().filter((t) => Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9) : x.ticks(6);
  const yt = spec.logY ? y.ticks().filter((t) => Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9) : y.ticks(6);
  const thin = <T,>(ts: T[], max: number) => (ts.length <= max ? ts : ts.filter((_, i) => i % Math.ceil(ts.length / max) === 0));
  for (const t of thin(yt, 8)) {
    const py = y(t);
    out.push(`<line x1="0" x2="${w}" y1="${py}" y2="${py}" stroke="#e5e5e5"/>`);
    out.push(`<text x="-6" y="${py + 4}" text-anchor="end" font-size="11">${spec.logY ? logTickLabel(t) : fmt(t)}</text>`);
  }
  for (const t of thin(xt, 10)) {
    const px = x(t);
    out.push(`<line x1="${px}" x2="${px}" y1="0" y2="${h}" stroke="#eeeeee"/>`);
    out.push(`<text x="${px}" y="${h + 16}" text-anchor="middle" font-size="11">${spec.logX ? logTickLabel(t) : fmt(t)}</text>`);
  }
  out.push(`<rect x="0" y="0" width="${w}" height="${h}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${w / 2}" y="${h + 36}" text-anchor="middle" font-size="12">${esc(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(${-48},${h / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(spec.yLabel)}</text>`);
  return out.join('');
}

function legend(items: { name: string; color: string; dash?: boolean; box?: boolean }[], w: number, h: number, where: LinePlotSpec['legend']): string {
  const lineH = 16;
  const width = 26 + Math.max(...items.map((i) => i.name.length)) * 6.6;
  const height = items.length * lineH + 8;
  const x0 = where?.endsWith('left') ? 8 : w - width - 8;
  const y0 = where?.startsWith('bottom') ? h - height - 8 : 8;
  const rows = items.map((it, i) => {
    const y = y0 + 4 + i * lineH + lineH / 2;
    const mark = it.box
      ? `<rect x="${x0 + 6}" y="${y - 5}" width="14" height="10" fill="${it.color}" fill-opacity="0.55" stroke="${it.color}"/>`
      : `<line x1="${x0 + 6}" x2="${x0 + 20}" y1="${y}" y2="${y}" stroke="${it.color}" stroke-width="2.5"${it.dash ? ' stroke-dasharray="4 3"' : ''}/>`;
    return `${mark}<text x="${x0 + 25}" y="${y + 4}" font-size="11">${esc(it.name)}</text>`;
  });
  return `<rect x="${x0}" y="${y0}" width="${width}" height="${height}" fill="white" fill-opacity="0.85" stroke="#bbb"/>${rows.join('')}`;
}

function frame(inner: string, title: string, width: number, height: number): Svg {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`
    + `<rect width="${width}" height="${height}" fill="white"/>`
    + `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`
    + `<g transform="translate(${MARGIN.left},${MARGIN.top})">${inner}</g></svg>`;
  return { svg, width, height };
}

/** Lines (with optional ±bands) on linear or log axes. */
export function linePlot(spec: LinePlotSpec): Svg {
  const width = spec.width ?? 520, height = spec.height ?? 360;
  const w = width - MARGIN.left - MARGIN.right, h = height - MARGIN.top - MARGIN.bottom;
  const xs = spec.series.flatMap((s) => s.x);
  const ys = spec.series.flatMap((s) => [...s.y, ...(s.lo ?? []), ...(s.hi ?? [])]).filter((v) => Number.isFinite(v) && (!spec.logY || v > 0));
  const xd = spec.xDomain ?? (d3.extent(xs) as [number, number]);
  const yd = spec.yDomain ?? (spec.logY ? [10 ** Math.floor(Math.log10(d3.min(ys)!)), 10 ** Math.ceil(Math.log10(d3.max(ys)!))] : [Math.min(0, d3.min(ys)!), d3.max(ys)! * 1.05]);
  const x = (spec.logX ? d3.scaleLog() : d3.scaleLinear()).domain(xd).range([0, w]);
  const y = (spec.logY ? d3.scaleLog() : d3.scaleLinear()).domain(yd).range([h, 0]).clamp(true);
  const parts: string[] = [axes(x, y, spec, w, h)];
  const ok = (v: number) => Number.isFinite(v) && (!spec.logY || v > 0);
  spec.series.forEach((s, i) => {
    const color = s.color ?? COLORS[i % COLORS.length];
    if (s.lo && s.hi) {
      const idx = s.x.map((_, j) => j).filter((j) => ok(s.lo![j]) && ok(s.hi![j]));
      const area = d3.area<number>().x((j) => x(s.x[j])).y0((j) => y(s.lo![j])).y1((j) => y(s.hi![j]))(idx);
      if (area) parts.push(`<path d="${area}" fill="${color}" fill-opacity="0.15" stroke="none"/>`);
    }
    const line = d3.line<number>().defined((j) => ok(s.y[j])).x((j) => x(s.x[j])).y((j) => y(s.y[j]))(s.x.map((_, j) => j));
    if (line) parts.push(`<path d="${line}" fill="none" stroke="${color}" stroke-width="2"${s.dash ? ' stroke-dasharray="5 4"' : ''}/>`);
    if (s.points) for (let j = 0; j < s.x.length; j++) if (ok(s.y[j])) parts.push(`<circle cx="${x(s.x[j])}" cy="${y(s.y[j])}" r="2.5" fill="${color}"/>`);
  });
  parts.push(legend(spec.series.map((s, i) => ({ name: s.name, color: s.color ?? COLORS[i % COLORS.length], dash: s.dash })), w, h, spec.legend ?? 'top-right'));
  return frame(parts.join(''), spec.title, width, height);
}

export interface HistogramSpec {
  title: string;
  xLabel: string;
  /** Each set is binned on the same edges and shown as the fraction of ITS values per bin. */
  sets: { name: string; values: ArrayLike<number>; color?: string }[];
  bins?: number;
  logX?: boolean;
  width?: number;
  height?: number;
  legend?: LinePlotSpec['legend'];
  /** Values below this (e.g. the round-off of null eigenvalues) are counted in the first bin, which is labelled "≤". */
  floor?: number;
}

/** Overlaid histograms (fraction per bin), on a shared (optionally log) x axis. */
export function histogramPlot(spec: HistogramSpec): Svg {
  const width = spec.width ?? 520, height = spec.height ?? 360;
  const w = width - MARGIN.left - MARGIN.right, h = height - MARGIN.top - MARGIN.bottom;
  const bins = spec.bins ?? 40;
  const t = (v: number) => (spec.logX ? Math.log10(v) : v);
  const usable = spec.sets.map((s) => Array.from(s.values).filter((v) => Number.isFinite(v) && (!spec.logX || v > 0 || spec.floor !== undefined)).map((v) => t(spec.floor !== undefined ? Math.max(v, spec.floor) : v)));
  const all = usable.flat();
  const [lo, hi] = [d3.min(all)!, d3.max(all)!];
  const width1 = (hi - lo) / bins || 1;
  const counts = usable.map((vals) => {
    const c = new Array(bins).fill(0);
    for (const v of vals) c[Math.min(bins - 1, Math.floor((v - lo) / width1))] += 1 / vals.length;
    return c;
  });
  const x = d3.scaleLinear().domain([lo, lo + bins * width1]).range([0, w]);
  const y = d3.scaleLinear().domain([0, d3.max(counts.flat())! * 1.08]).range([h, 0]);
  const parts: string[] = [];
  // Axes by hand: the x axis is in log10 units when logX.
  for (const tk of y.ticks(5)) parts.push(`<line x1="0" x2="${w}" y1="${y(tk)}" y2="${y(tk)}" stroke="#e5e5e5"/><text x="-6" y="${y(tk) + 4}" text-anchor="end" font-size="11">${fmt(tk)}</text>`);
  const xt = spec.logX ? d3.range(Math.ceil(lo), Math.floor(lo + bins * width1) + 1) : x.ticks(6);
  const step = Math.ceil(xt.length / 10);
  xt.forEach((tk, i) => {
    if (i % step) return;
    parts.push(`<line x1="${x(tk)}" x2="${x(tk)}" y1="${h}" y2="${h + 4}" stroke="#888"/><text x="${x(tk)}" y="${h + 16}" text-anchor="middle" font-size="11">${spec.floor !== undefined && i === 0 && tk <= t(spec.floor) ? '≤' : ''}${spec.logX ? `10<tspan dy="-6" font-size="9">${tk}</tspan>` : fmt(tk)}</text>`);
  });
  counts.forEach((c, i) => {
    const color = spec.sets[i].color ?? COLORS[i % COLORS.length];
    c.forEach((f: number, b: number) => {
      if (f > 0) parts.push(`<rect x="${x(lo + b * width1)}" y="${y(f)}" width="${Math.max(0.5, x(lo + (b + 1) * width1) - x(lo + b * width1) - 0.5)}" height="${h - y(f)}" fill="${color}" fill-opacity="0.55" stroke="${color}" stroke-width="0.6"/>`);
    });
  });
  parts.push(`<rect x="0" y="0" width="${w}" height="${h}" fill="none" stroke="#888"/>`);
  parts.push(`<text x="${w / 2}" y="${h + 36}" text-anchor="middle" font-size="12">${esc(spec.xLabel)}</text>`);
  parts.push(`<text transform="translate(${-48},${h / 2}) rotate(-90)" text-anchor="middle" font-size="12">fraction per bin</text>`);
  parts.push(legend(spec.sets.map((s, i) => ({ name: s.name, color: s.color ?? COLORS[i % COLORS.length], box: true })), w, h, spec.legend ?? 'top-left'));
  return frame(parts.join(''), spec.title, width, height);
}

export interface HeatmapSpec {
  title: string;
  rows: string[];
  cols: string[];
  /** rows × cols values in [min, max]; NaN cells are grey. */
  values: number[][];
  min?: number;
  max?: number;
  /** Row groups: a thicker line before each listed row index. */
  separators?: number[];
  cellWidth?: number;
  cellHeight?: number;
  rowLabelWidth?: number;
  /** Lines of small text under the matrix. */
  caption?: string[];
}

/** A labelled matrix of coloured, annotated cells (e.g. factor shares per direction). */
export function heatmap(spec: HeatmapSpec): Svg {
  const cw = spec.cellWidth ?? 64, ch = spec.cellHeight ?? 20, rl = spec.rowLabelWidth ?? 150;
  const top = 44, bottom = 12 + (spec.caption?.length ?? 0) * 15;
  const width = rl + spec.cols.length * cw + 20, height = top + spec.rows.length * ch + bottom + 24;
  const color = d3.scaleSequential(d3.interpolateBlues).domain([spec.min ?? 0, spec.max ?? 1]);
  const parts: string[] = [];
  spec.cols.forEach((c, j) => parts.push(`<text x="${rl + j * cw + cw / 2}" y="${top - 6}" text-anchor="middle" font-size="11" font-weight="bold">${esc(c)}</text>`));
  spec.rows.forEach((r, i) => {
    const y0 = top + i * ch;
    parts.push(`<text x="${rl - 6}" y="${y0 + ch / 2 + 4}" text-anchor="end" font-size="11">${esc(r)}</text>`);
    spec.values[i].forEach((v, j) => {
      const fill = Number.isFinite(v) ? color(v) : '#dddddd';
      const dark = Number.isFinite(v) && (v - (spec.min ?? 0)) / ((spec.max ?? 1) - (spec.min ?? 0)) > 0.6;
      parts.push(`<rect x="${rl + j * cw}" y="${y0}" width="${cw}" height="${ch}" fill="${fill}" stroke="white"/>`);
      parts.push(`<text x="${rl + j * cw + cw / 2}" y="${y0 + ch / 2 + 4}" text-anchor="middle" font-size="10.5" fill="${dark ? 'white' : '#222'}">${Number.isFinite(v) ? v.toFixed(2) : '–'}</text>`);
    });
  });
  for (const s of spec.separators ?? []) parts.push(`<line x1="4" x2="${rl + spec.cols.length * cw}" y1="${top + s * ch}" y2="${top + s * ch}" stroke="#333" stroke-width="1.5"/>`);
  (spec.caption ?? []).forEach((line, i) => parts.push(`<text x="10" y="${top + spec.rows.length * ch + 20 + i * 15}" font-size="11" fill="#444">${esc(line)}</text>`));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`
    + `<rect width="${width}" height="${height}" fill="white"/>`
    + `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(spec.title)}</text>${parts.join('')}</svg>`;
  return { svg, width, height };
}

/** Plots side by side (one row). */
export function row(plots: Svg[]): Svg {
  return grid(plots, plots.length);
}

/** Plots in a grid of `cols` columns (cells sized by the largest plot of their column / row). */
export function grid(plots: Svg[], cols: number): Svg {
  const nRows = Math.ceil(plots.length / cols);
  const colW = Array.from({ length: cols }, (_, c) => Math.max(0, ...plots.filter((_, i) => i % cols === c).map((p) => p.width)));
  const rowH = Array.from({ length: nRows }, (_, r) => Math.max(0, ...plots.slice(r * cols, (r + 1) * cols).map((p) => p.height)));
  const width = colW.reduce((a, b) => a + b, 0), height = rowH.reduce((a, b) => a + b, 0);
  const inner = plots.map((p, i) => {
    const c = i % cols, r = Math.floor(i / cols);
    const x = colW.slice(0, c).reduce((a, b) => a + b, 0), y = rowH.slice(0, r).reduce((a, b) => a + b, 0);
    return `<g transform="translate(${x},${y})">${p.svg}</g>`;
  });
  return { svg: `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="${width}" height="${height}" fill="white"/>${inner.join('')}</svg>`, width, height };
}

/** A PNG image grid (e.g. from gridPng) with a title, a label per row and a note underneath. */
export function imageMontage(spec: { title: string; png: Buffer; width: number; height: number; rowLabels: string[]; note?: string[]; labelWidth?: number }): Svg {
  const lw = spec.labelWidth ?? 150, top = 32, bottom = 10 + (spec.note?.length ?? 0) * 15;
  const width = lw + spec.width + 12, height = top + spec.height + bottom;
  const rh = spec.height / spec.rowLabels.length;
  const labels = spec.rowLabels.map((l, i) => `<text x="${lw - 8}" y="${top + (i + 0.5) * rh + 4}" text-anchor="end" font-size="12">${esc(l)}</text>`);
  const notes = (spec.note ?? []).map((l, i) => `<text x="10" y="${top + spec.height + 16 + i * 15}" font-size="11" fill="#444">${esc(l)}</text>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`
    + `<rect width="${width}" height="${height}" fill="white"/>`
    + `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(spec.title)}</text>`
    + `<image x="${lw}" y="${top}" width="${spec.width}" height="${spec.height}" style="image-rendering:pixelated" href="data:image/png;base64,${spec.png.toString('base64')}"/>`
    + labels.join('') + notes.join('') + '</svg>';
  return { svg, width, height };
}

/**
 * Render SVGs to PNG files with one headless Chromium. `scale` enlarges the vector drawing itself (the
 * outer width/height grow, the viewBox stays), so text stays crisp at 1 device pixel per CSS pixel.
 */
export async function renderSvgs(items: { plot: Svg; file: string }[], scale = 1.5): Promise<void> {
  const b = await launch();
  try {
    for (const { plot, file } of items) {
      const W = Math.ceil(plot.width * scale), H = Math.ceil(plot.height * scale);
      const svg = plot.svg.replace(/^<svg([^>]*?) width="[^"]*" height="[^"]*"/, `<svg$1 width="${W}" height="${H}"`);
      const page = await b.context.newPage();
      await page.setViewportSize({ width: W, height: H });
      await page.setContent(`<!doctype html><html><body style="margin:0;background:white">${svg}</body></html>`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await page.screenshot({ path: file, clip: { x: 0, y: 0, width: W, height: H } });
      await page.close();
    }
  } finally {
    await b.close();
  }
}
