/** The lower half of the workspace: one of the panels, chosen by tabs (keyboard: arrow keys). */
import type { PanelName } from '../../src/state/url';
import { PANELS } from '../../src/state/url';
import { useAtlas, useSession } from '../context';
import { AtlasPanel } from './AtlasPanel';
import { ComparePanel } from './ComparePanel';
import { CurveWalkPanel } from './CurveWalkPanel';
import { InvertPanel } from './InvertPanel';
import { LikelihoodPanel } from './LikelihoodPanel';
import { MontagePanel } from './MontagePanel';
import { RealismPanel } from './RealismPanel';
import { SearchPanel } from './SearchPanel';
import { SpectrumPanel } from './SpectrumPanel';
import { SteerPanel } from './SteerPanel';

export const PANEL_LABELS: Record<PanelName, string> = {
  spectrum: 'Spectrum',
  montage: 'Montage',
  compare: 'Compare',
  curve: 'Curve walk',
  atlas: 'Atlas sweep',
  likelihood: 'Likelihood',
  invert: 'Invert',
  search: 'Search',
  steer: 'Steer',
  realism: 'Realism',
};

export function ExplorerPanels() {
  const session = useSession();
  const panel = useAtlas((s) => s.panel);
  const hasModel = useAtlas((s) => s.model !== null);
  if (!hasModel) return null;
  const onKey = (e: React.KeyboardEvent) => {
    const i = PANELS.indexOf(panel);
    const next = e.key === 'ArrowRight' ? PANELS[(i + 1) % PANELS.length] : e.key === 'ArrowLeft' ? PANELS[(i + PANELS.length - 1) % PANELS.length] : null;
    if (next) { e.preventDefault(); session.set('panel', next); document.getElementById(`tab-${next}`)?.focus(); }
  };
  return (
    <section className="explorer-panels" aria-label="Analysis panels">
      <div className="tabs" role="tablist" aria-label="Panels" onKeyDown={onKey}>
        {PANELS.map((p) => (
          <button key={p} id={`tab-${p}`} type="button" role="tab" aria-selected={panel === p} aria-controls={`tabpanel-${p}`}
            tabIndex={panel === p ? 0 : -1} className={`tab${panel === p ? ' active' : ''}`} onClick={() => session.set('panel', p)}>
            {PANEL_LABELS[p]}
          </button>
        ))}
      </div>
      <div id={`tabpanel-${panel}`} role="tabpanel" aria-labelledby={`tab-${panel}`} className="tabpanel">
        {panel === 'spectrum' && <SpectrumPanel />}
        {panel === 'montage' && <MontagePanel />}
        {panel === 'compare' && <ComparePanel />}
        {panel === 'curve' && <CurveWalkPanel />}
        {panel === 'atlas' && <AtlasPanel />}
        {panel === 'likelihood' && <LikelihoodPanel />}
        {panel === 'invert' && <InvertPanel />}
        {panel === 'search' && <SearchPanel />}
        {panel === 'steer' && <SteerPanel />}
        {panel === 'realism' && <RealismPanel />}
      </div>
    </section>
  );
}
