/**
 * Presenter mode (issue 18): the image and the sliders large enough to read from the back of a room, the
 * controls sidebar hidden, and the keyboard driving the sliders — ↑/↓ choose a direction, ←/→ move it by a
 * tenth of the slider range, 0 puts it back, R resets all, P or Esc leaves. It is a view setting
 * (`present=1` in the link), so a shared link opens in presenter mode and a reload keeps it.
 */
import { useEffect } from 'react';
import { useAtlas, useSession } from '../context';
import { currentBasis } from '../state/keys';

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
      switch (e.key) {
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
  if (!on) return null;
  return (
    <p className="presenter-keys" data-testid="presenter-keys">
      <kbd>↑</kbd><kbd>↓</kbd> choose a direction · <kbd>←</kbd><kbd>→</kbd> move it · <kbd>0</kbd> back · <kbd>R</kbd> reset all · <kbd>Esc</kbd> leave
    </p>
  );
}
