/**
 * Keeps the location hash in step with the view (debounced `history.replaceState`, so dragging does
 * not flood the history) and applies hashes the reader types or pastes. What a link holds is derived
 * from the URL table (app/state/view.ts).
 */
import { decodeView, encodeView } from '../src/state/url';
import type { Session } from './session';
import { viewOf } from './state/view';

export { viewOf };

export function startUrlSync(session: Session, delayMs = 250): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const write = () => {
    timer = null;
    const view = viewOf(session.store.getState());
    if (!view) return;
    const hash = '#' + encodeView(view);
    if (hash !== window.location.hash) history.replaceState(history.state, '', hash);
  };
  const unsubscribe = session.store.subscribe(() => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(write, delayMs);
  });
  const onHashChange = () => {
    const { state, notices } = decodeView(window.location.hash);
    session.applyView(state, notices);
  };
  window.addEventListener('hashchange', onHashChange);
  return () => {
    unsubscribe();
    if (timer !== null) clearTimeout(timer);
    window.removeEventListener('hashchange', onHashChange);
  };
}
