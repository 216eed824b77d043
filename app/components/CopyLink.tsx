/**
 * "Copy link": the exact view as a URL (written now, not after the debounce), put on the clipboard when
 * the browser allows it and shown in a field either way, so it can be copied by hand.
 */
import { useCallback, useRef, useState } from 'react';
import { encodeView } from '../../src/state/url';
import { linkable } from '../../src/state/importedBasis';
import { MAX_LINKED_DIRECTION_NUMBERS } from '../../src/state/vocabulary';
import { useSession } from '../context';
import { viewOf } from '../urlSync';
import { useDismiss } from './useDismiss';

export function CopyLink() {
  const session = useSession();
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [unlinked, setUnlinked] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useDismiss(box, link !== null, useCallback(() => setLink(null), []));
  const copy = async () => {
    const view = viewOf(session.store.getState());
    if (!view) return;
    const url = `${window.location.origin}${window.location.pathname}${window.location.search}#${encodeView(view)}`;
    setLink(url);
    // Loaded directions too long for a URL: the link opens on the local metric (src/state/url.ts), so say so here too.
    const s = session.store.getState();
    setUnlinked(s.basisKind === 'imported' && s.imported !== null && !linkable(s.imported));
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="copy-link" ref={box}>
      <button type="button" className="button" onClick={() => void copy()}>Copy link</button>
      {link && (
        <div className="copy-popover" role="status">
          <span>{copied ? 'Copied. Anyone opening it sees this view:' : 'Copy this link to share the view:'}</span>
          <input className="link-field" readOnly value={link} aria-label="Link to this view" data-testid="share-link"
            onFocus={(e) => e.currentTarget.select()} />
          {unlinked && <span className="hint" data-testid="link-notice">The loaded directions are too long to link (more than {MAX_LINKED_DIRECTION_NUMBERS} numbers): the link opens on the local metric. Share the directions file with it.</span>}
          <button type="button" className="banner-close" aria-label="Close" onClick={() => setLink(null)}>×</button>
        </div>
      )}
    </div>
  );
}
