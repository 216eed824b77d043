/**
 * Presenter mode (issue 18): the image and the sliders large enough to read from the back of a room, the
 * controls sidebar hidden, and the keyboard driving the sliders — ↑/↓ choose a direction, ←/→ move it by a
 * tenth of the slider range, 0 puts it back, R resets all, Space plays (a traversal of the chosen direction,
 * or the curve walk when the Curve walk panel shows one), P or Esc leaves. It is a view setting
 * (`present=1` in the link), so a shared link opens in presenter mode and a reload keeps it.
 */
import { useEffect } from 'react';
import { useAtlas, useSession } from '../context';
import { currentBasis } from '../state/keys';
import { traversalCycle } from '../state/transitions';
import { prefersReducedMotion } from '../motion';

/**
 * The traversal's pace: 10 steps from 0 to either end every 120 ms (a cycle in ~5 s). With reduced motion
 * asked for, the same cycle in 2 steps per side every 600 ms: a few still frames instead of movement.
 */
const SMOOTH = { perSide: 10, everyMs: 120 };
const REDUCED = { perSide: 2, everyMs: 600 };

/** Keys typed into a field belong to the field. */
const typing = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName));

export function PresenterButton() {
  const session = useSession();
  const on = useAtlas((s) => s.presenter);
  return (
    <button type="button" className="button subtle" aria-pressed={on} data-testid="presenter-toggle"
      title={on ? 'Leave presenter mode (P or Esc)' : 'Presenter mode: large image and sliders, driven by the keyboard (↑/↓ choose, ←/→ move)'}
      onClick={() => session.set('presenter', !on)}>{on ? 'Leave presenter' : 'Present'}</button>
  );
}

/** The presenter's keys, listened to while presenter mode is on; renders a one-line reminder of them. */
export function PresenterKeys() {
  const session = useSession();
  const on = useAtlas((s) => s.presenter);
  useEffect(() => {
    if (!on) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const s = session.store.getState();
      if (e.key === 'Escape' || e.key === 'p' || e.key === 'P') {
        if (e.key !== 'Escape' && typing(e.target)) return;
        session.set('presenter', false);
        return;
      }
      // A focused range input moves itself with the arrows; other fields keep their keys.
      if (typing(e.target)) return;
      const basis = currentBasis(s);
      if (!basis) return;
      const k = basis.directions.length;
      const i = Math.min(s.presenterDirection, k - 1);
      const step = s.sliderRange / 10;
      const value = s.sliders[i] ?? 0;
      const clamp = (v: number) => Math.max(-s.sliderRange, Math.min(s.sliderRange, Math.round(v / step) * step));
      // Any key but Space stops a playing traversal first, so the slider it moves stays where it is put.
      if (e.key !== ' ' && s.presenterPlaying) session.store.setState({ presenterPlaying: false });
      switch (e.key) {
        case ' ':
          if (s.panel === 'curve' && s.results.curve) session.store.setState({ curvePlayToggles: s.curvePlayToggles + 1 });
          else session.store.setState({ presenterPlaying: !s.presenterPlaying });
          break;
        case 'ArrowDown': session.store.setState({ presenterDirection: (i + 1) % k }); break;
        case 'ArrowUp': session.store.setState({ presenterDirection: (i - 1 + k) % k }); break;
        case 'ArrowRight': session.setSlider(i, clamp(value + step)); break;
        case 'ArrowLeft': session.setSlider(i, clamp(value - step)); break;
        case '0': session.setSlider(i, 0); break;
        case 'r': case 'R': session.resetSliders(); break;
        default: return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [on, session]);
  usePresenterTraversal();
  if (!on) return null;
  return (
    <p className="presenter-keys" data-testid="presenter-keys">
      <kbd>↑</kbd><kbd>↓</kbd> choose a direction · <kbd>←</kbd><kbd>→</kbd> move it · <kbd>0</kbd> back · <kbd>R</kbd> reset all · <kbd>Space</kbd> play · <kbd>Esc</kbd> leave
    </p>
  );
}

/**
 * While the presenter's traversal plays, the chosen slider loops through traversalCycle from where it stands
 * (the nearest position of the cycle). It stops when presenter mode ends, the basis goes or a key stops it;
 * the slider keeps its last position.
 */
function usePresenterTraversal() {
  const session = useSession();
  const playing = useAtlas((s) => s.presenter && s.presenterPlaying);
  useEffect(() => {
    if (!playing) return;
    const pace = prefersReducedMotion() ? REDUCED : SMOOTH;
    const start = session.store.getState();
    const cycle = traversalCycle(start.sliderRange, pace.perSide);
    const startAt = start.sliders[start.presenterDirection] ?? 0;
    let t = cycle.reduce((best, v, j) => (Math.abs(v - startAt) < Math.abs(cycle[best] - startAt) ? j : best), 0);
    const timer = setInterval(() => {
      const s = session.store.getState();
      const basis = currentBasis(s);
      if (!basis) { session.store.setState({ presenterPlaying: false }); return; }
      t = (t + 1) % cycle.length;
      session.setSlider(Math.min(s.presenterDirection, basis.directions.length - 1), cycle[t]);
    }, pace.everyMs);
    return () => clearInterval(timer);
  }, [playing, session]);
}
