/**
 * Guided tours (src/state/tours.ts): a "Tours" menu to start one, and the card of the current step with
 * Back / Next / End. Each step sets the view through the same settings a link carries, and the tour
 * position is in the link too (tour=ID.STEP), so a copied link reopens the tour at its step.
 */
import { useCallback, useRef, useState } from 'react';
import { TOURS, tourOf } from '../../src/state/tours';
import { useAtlas, useSession } from '../context';
import { useDismiss } from './useDismiss';

export function TourMenu() {
  const session = useSession();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useDismiss(box, open, useCallback(() => setOpen(false), []));
  return (
    <div className="copy-link" ref={box}>
      <button type="button" className="button subtle" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="tours-menu">Tours</button>
      {open && (
        <div className="copy-popover export-popover" role="menu" aria-label="Guided tours">
          <span className="export-title">Guided tours, one per paper</span>
          <button type="button" className="banner-close" aria-label="Close" onClick={() => setOpen(false)}>×</button>
          {TOURS.map((t) => (
            <button key={t.id} type="button" role="menuitem" className="button subtle" data-testid={`tour-${t.id}`}
              onClick={() => { setOpen(false); session.showTourStep(t.id, 1); }}>
              {t.title} <span className="tour-paper">{t.paper} · {t.steps.length} steps</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

export function TourCard() {
  const session = useSession();
  const position = useAtlas((s) => s.tour);
  const tour = position ? tourOf(position.id) : undefined;
  const step = position && tour ? tour.steps[position.step - 1] : undefined;
  if (!position || !tour || !step) return null;
  const n = tour.steps.length, i = position.step;
  return (
    <section className="tour-card" aria-label={`Tour: ${tour.title}`} data-testid="tour-card">
      <div className="tour-head">
        <span className="tour-title">{tour.title} <span className="tour-paper">{tour.paper}</span></span>
        <span className="tour-count" data-testid="tour-step">step {i} of {n}</span>
      </div>
      <h3 className="tour-step-title">{step.title}</h3>
      <p className="tour-text">{step.text}</p>
      <div className="tour-actions">
        <button type="button" className="button subtle" disabled={i <= 1} onClick={() => session.showTourStep(tour.id, i - 1)}>Back</button>
        <button type="button" className="button primary" disabled={i >= n} onClick={() => session.showTourStep(tour.id, i + 1)} data-testid="tour-next">Next</button>
        <button type="button" className="button subtle" onClick={() => session.set('tour', null)}>End tour</button>
      </div>
    </section>
  );
}
