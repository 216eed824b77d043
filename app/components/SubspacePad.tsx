/**
 * A 2-D pad driving two sliders at once: a point in the plane of two directions (subspace traversal).
 * Drag with the pointer, or focus it and use the arrow keys (Shift for bigger steps).
 */
import { useRef } from 'react';
import { useAtlas, useSession } from '../context';
import { currentBasis } from '../state/keys';

const SIZE = 148;

export function SubspacePad() {
  const session = useSession();
  const [i, j] = useAtlas((s) => s.pad);
  const k = useAtlas((s) => currentBasis(s)?.directions.length ?? 0);
  const x = useAtlas((s) => s.sliders[s.pad[0]] ?? 0);
  const y = useAtlas((s) => s.sliders[s.pad[1]] ?? 0);
  const range = useAtlas((s) => s.sliderRange);
  const dragging = useRef(false);

  const toValue = (e: React.PointerEvent<SVGSVGElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const u = ((e.clientX - r.left) / r.width) * 2 - 1;
    const v = 1 - ((e.clientY - r.top) / r.height) * 2;
    session.setSliders({ [i]: u * range, [j]: v * range });
  };
  const onKey = (e: React.KeyboardEvent) => {
    const step = (e.shiftKey ? 0.1 : 0.02) * range;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    session.setSliders({ [i]: x + m[0], [j]: y + m[1] });
  };
  const px = ((x / range + 1) / 2) * SIZE;
  const py = ((1 - y / range) / 2) * SIZE;
  const options = Array.from({ length: k }, (_, n) => n);
  return (
    <div className="pad">
      <svg width={SIZE} height={SIZE} className="pad-area" role="slider" tabIndex={0} data-testid="pad"
        aria-label={`Two-direction pad: directions ${i + 1} (horizontal) and ${j + 1} (vertical)`}
        aria-valuetext={`direction ${i + 1}: ${x.toFixed(2)}, direction ${j + 1}: ${y.toFixed(2)}`}
        onKeyDown={onKey}
        onPointerDown={(e) => { dragging.current = true; session.startDrag(); e.currentTarget.setPointerCapture(e.pointerId); toValue(e); }}
        onPointerMove={(e) => dragging.current && toValue(e)}
        onPointerUp={() => { dragging.current = false; session.endDrag(); }}
        onPointerCancel={() => { dragging.current = false; session.endDrag(); }}>
        <line x1={SIZE / 2} x2={SIZE / 2} y1={0} y2={SIZE} className="pad-axis" />
        <line y1={SIZE / 2} y2={SIZE / 2} x1={0} x2={SIZE} className="pad-axis" />
        <circle cx={px} cy={py} r={6} className="pad-dot" />
      </svg>
      <div className="pad-choices">
        <label className="field-inline">→
          <select className="select small" value={i} aria-label="Pad horizontal direction" onChange={(e) => session.setPad([Number(e.target.value), j])}>
            {options.map((n) => <option key={n} value={n} disabled={n === j}>{n + 1}</option>)}
          </select>
        </label>
        <label className="field-inline">↑
          <select className="select small" value={j} aria-label="Pad vertical direction" onChange={(e) => session.setPad([i, Number(e.target.value)])}>
            {options.map((n) => <option key={n} value={n} disabled={n === i}>{n + 1}</option>)}
          </select>
        </label>
      </div>
    </div>
  );
}
