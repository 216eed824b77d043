/**
 * Keeps the location hash in step with the view (debounced `history.replaceState`, so dragging does
 * not flood the history) and applies hashes the reader types or pastes.
 */
import { decodeView, encodeView, type ViewState } from '../src/state/url';
import type { Session } from './session';
import { effectiveSpace, type AtlasState } from './state/store';

/** The shareable part of the state, or null while nothing is shown yet (keep the link as it came). */
export function viewOf(s: AtlasState): ViewState | null {
  if (!s.model || !s.modelRef) return null;
  const view: ViewState = {};
  // A remote model still waiting for consent stays in the link, so reloading asks again.
  if (s.pendingRemoteUrl) view.modelUrl = s.pendingRemoteUrl;
  else if (s.modelRef.kind === 'bundled') view.model = s.modelRef.id;
  else if (s.modelRef.kind === 'url') view.modelUrl = s.modelRef.url;
  if (s.z) view.z = s.z;
  else view.seed = s.seed;
  view.space = effectiveSpace(s);
  if (!s.z && s.truncation !== 1) view.truncation = s.truncation;
  view.basis = s.basisKind;
  view.distance = s.distance;
  view.k = s.k;
  // Trailing zeros carry nothing; an all-zero edit is left out.
  const last = s.sliders.findLastIndex((v) => v !== 0);
  if (last >= 0) view.sliders = s.sliders.slice(0, last + 1);
  if (view.space === 'wplus') view.layers = s.layers;
  if (view.space === 'z' && s.spherical) view.spherical = true;
  view.panel = s.panel;
  return view;
}

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
