/**
 * One slider per basis direction. A slider's position is the predicted image change (Wang & Ponce:
 * ‖φ(x) − φ(x₀)‖ ≈ t·√(vᵀHv) to first order), so equal travel on any slider should change the image by
 * the same amount; the latent step behind it is position / rate (src/engine/edit.ts).
 */
import type { Basis } from '../../src/engine/types';
import { DEFAULT_SLIDER_RANGE, SLIDER_RANGE_FACTORS, factorWords } from '../../src/state/vocabulary';
import { fmt } from '../plots/Axis';
import { useAtlas, useSession } from '../context';
import { isRunning } from '../state/jobs';
import { currentBasis, currentFactors, effectiveSpace } from '../state/keys';
import { SubspacePad } from './SubspacePad';
import { LayerRangeControl } from './LayerRangeControl';
import { importedLabel } from './BasisControls';


export function symbolOf(basis: Pick<Basis, 'valueName'>): string {
  switch (basis.valueName) {
    case 'eigenvalue': return 'λ';
    case 'singular value': return 'σ';
    case 'variance': return 'var';
    default: return basis.valueName;
  }
}

export function EigenSliders() {
  const session = useSession();
  const basis = useAtlas(currentBasis);
  const sliders = useAtlas((s) => s.sliders);
  const range = useAtlas((s) => s.sliderRange);
  const space = useAtlas((s) => effectiveSpace(s));
  const spherical = useAtlas((s) => s.spherical);
  const distance = useAtlas((s) => s.distance);
  const running = useAtlas((s) => isRunning(s, 'basis'));
  const factors = useAtlas(currentFactors);
  const chosen = useAtlas((s) => (s.presenter ? s.presenterDirection : -1));
  const importedName = useAtlas((s) => s.imported?.name);
  if (!basis) {
    return (
      <section className="sliders-panel" aria-labelledby="sliders-title">
        <h2 id="sliders-title" className="panel-title">Sliders</h2>
        <p className="hint">{running ? 'Computing the directions at this latent…' : 'Choose a basis to get sliders.'}</p>
      </section>
    );
  }
  const sym = symbolOf(basis);
  const moved = sliders.some((v) => v !== 0);
  return (
    <section className="sliders-panel" aria-labelledby="sliders-title" data-testid="sliders">
      <div className="panel-head">
        <h2 id="sliders-title" className="panel-title">Sliders <span className="title-aside">image change per slider, same scale for all</span></h2>
        <button type="button" className="button subtle small" disabled={!moved} onClick={() => session.resetSliders()}>Reset</button>
      </div>
      {basis.kind === 'imported' && <p className="hint inline" data-testid="sliders-source">{importedLabel(importedName)}</p>}
      <div className={`slider-list${factors ? ' with-factors' : ''}`}>
        {basis.directions.map((_, i) => {
          const v = sliders[i] ?? 0;
          const value = basis.values[i];
          const moves = factors?.labels[i];
          const factorText = moves ? `${factorWords(moves.factor)} ${Math.round(100 * moves.share)} %` : '';
          const label = `${basis.kind === 'imported' ? 'Imported direction' : 'Direction'} ${i + 1}${value !== undefined ? ` (${basis.valueName} ${fmt(value)})` : ''}${moves ? `, moves ${factorText}` : ''}`;
          return (
            <div className={`slider-row${i === chosen ? ' chosen' : ''}`} key={i} aria-current={i === chosen ? 'true' : undefined}>
              <label htmlFor={`slider-${i}`} className="slider-rank" title={`rate ${fmt(basis.rates[i])} image change per unit latent step`}>
                {i + 1}
              </label>
              <input id={`slider-${i}`} type="range" className="slider" data-testid={`slider-${i}`}
                min={-range} max={range} step={range / 100} value={v}
                aria-label={label} aria-valuetext={`image change ${v.toFixed(3)}`}
                onPointerDown={() => holdJobsWhileDragging(session)}
                onChange={(e) => session.setSlider(i, Number(e.target.value))}
                onDoubleClick={() => session.setSlider(i, 0)} />
              <span className="slider-value">{v === 0 ? '0' : v.toFixed(range < 0.1 ? 4 : 3)}</span>
              <span className="slider-eigen">{value !== undefined ? `${sym} ${fmt(value)}` : ''}</span>
              {factors && (
                <span className="slider-factor" data-testid={`factor-${i}`}
                  title={moves ? `The probe reads this direction as moving ${factorWords(moves.factor)} most: ${Math.round(100 * moves.share)} % of its squared factor rates (${factors.probe}).` : 'The probe reads no factor moving along this direction.'}>
                  {moves ? factorText : '—'}
                </span>
              )}
            </div>
          );
        })}
      </div>
      <div className="slider-options">
        <label className="field-inline">
          <span>Range ±</span>
          <select className="select small" value={range} onChange={(e) => session.setSliderRange(Number(e.target.value))} aria-label="Slider range (largest image change)">
            {SLIDER_RANGE_FACTORS.map((f) => DEFAULT_SLIDER_RANGE[distance] * f).map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </label>
        {space === 'z' && (
          <label className="field-inline">
            <input type="checkbox" checked={spherical} onChange={(e) => session.set('spherical', e.target.checked)} />
            <span>spherical (stay on the sphere ‖z‖)</span>
          </label>
        )}
        {space === 'wplus' && <LayerRangeControl />}
      </div>
      {basis.directions.length >= 2 && <SubspacePad />}
    </section>
  );
}

/**
 * Hold background jobs until this drag ends (Session.startDrag: when they would slow the frames). The range input
 * does not capture the pointer, so the end is the next pointerup or pointercancel anywhere. Each pointer
 * move renews the hold, whose time limit is there for a pointerup lost to another window, not for a slow drag.
 */
function holdJobsWhileDragging(session: { startDrag(): void; endDrag(): void }): void {
  session.startDrag();
  const renew = () => session.startDrag();
  const end = () => {
    window.removeEventListener('pointermove', renew);
    window.removeEventListener('pointerup', end);
    window.removeEventListener('pointercancel', end);
    session.endDrag();
  };
  window.addEventListener('pointermove', renew);
  window.addEventListener('pointerup', end);
  window.addEventListener('pointercancel', end);
}
