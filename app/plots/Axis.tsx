/**
 * A d3 axis drawn into an SVG group that React owns. React lays out the plot; d3 draws ticks (d3-axis
 * needs a DOM selection, so it runs in an effect on a ref).
 */
import * as d3 from 'd3';
import { useEffect, useRef } from 'react';

type AnyScale = d3.AxisScale<d3.NumberValue>;

export function Axis(props: { scale: AnyScale; orient: 'bottom' | 'left'; x?: number; y?: number; ticks?: number; format?: string; label?: string; labelOffset?: number }) {
  const ref = useRef<SVGGElement>(null);
  const { scale, orient, ticks = 5, format } = props;
  useEffect(() => {
    if (!ref.current) return;
    const axis = orient === 'bottom' ? d3.axisBottom(scale) : d3.axisLeft(scale);
    axis.ticks(ticks, format);
    d3.select(ref.current).call(axis);
  }, [scale, orient, ticks, format]);
  const [lo, hi] = scale.range() as number[];
  const mid = (lo + hi) / 2;
  return (
    <g className="axis" transform={`translate(${props.x ?? 0},${props.y ?? 0})`}>
      <g ref={ref} />
      {props.label && (orient === 'bottom'
        ? <text className="axis-label" x={mid} y={props.labelOffset ?? 30} textAnchor="middle">{props.label}</text>
        : <text className="axis-label" transform={`rotate(-90)`} x={-mid} y={-(props.labelOffset ?? 48)} textAnchor="middle">{props.label}</text>)}
    </g>
  );
}

/** Plot frame: inner width/height after margins. */
export const MARGIN = { top: 12, right: 14, bottom: 38, left: 62 };

export function inner(width: number, height: number) {
  return { w: width - MARGIN.left - MARGIN.right, h: height - MARGIN.top - MARGIN.bottom };
}

/** Compact number for labels: 3 significant digits, exponent for very small or large values. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-2 || a >= 1e4)) return v.toExponential(2).replace('e', 'e');
  return v.toPrecision(3);
}
