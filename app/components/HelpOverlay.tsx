/** The two-line explanation of what the reader is looking at. */
import { useEffect, useRef } from 'react';
import { useSession } from '../context';

export function HelpOverlay() {
  const session = useSession();
  const close = () => session.store.setState({ helpOpen: false });
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    button.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && session.store.setState({ helpOpen: false });
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [session]);

  return (
    <div className="overlay" onClick={close}>
      <div className="help-card" role="dialog" aria-modal="true" aria-labelledby="help-title" onClick={(e) => e.stopPropagation()}>
        <h2 id="help-title">What you see</h2>
        <p>The image is what the generator draws from one point of its latent space; the seed picks that point from the prior.</p>
        <p>The same seed always gives the same image: change the seed or the space to move, and share the link to show this exact view.</p>
        <button ref={button} type="button" className="button primary" onClick={close}>Got it</button>
      </div>
    </div>
  );
}
