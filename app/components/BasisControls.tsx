/**
 * Which directions the sliders move along: the basis kind (six methods from two papers and two
 * baselines, or directions loaded from a file), the image distance that measures change, and how many
 * directions. Computed (or, for loaded directions, measured) in the job worker for the current latent,
 * with progress and cancel.
 */
import { BASIS_KINDS, DISTANCES, MAX_DIRECTIONS, type DistanceName, type SliderBasisKind } from '../../src/state/vocabulary';
import { currentBasis } from '../state/keys';
import { useAtlas, useSession } from '../context';
import { JobStatus } from './JobStatus';
import { LoadDirections } from './LoadDirections';

export const BASIS_LABELS: Record<SliderBasisKind, { name: string; source: string }> = {
  metric: { name: 'Local metric', source: 'eigenvectors of H = JᵀJ here (Wang & Ponce 2021)' },
  local: { name: 'Local Basis', source: 'singular vectors of the mapping’s Jacobian here (Choi et al. 2022)' },
  average: { name: 'Averaged metric', source: 'eigenvectors of H averaged over samples: one global basis (Wang & Ponce 2021)' },
  ganspace: { name: 'GANSpace', source: 'principal components of sampled latents or activations (Härkönen et al. 2020)' },
  sefa: { name: 'SeFa', source: 'top eigenvectors of AᵀA of the first weight (Shen & Zhou 2021)' },
  random: { name: 'Random', source: 'random orthonormal directions: the baseline' },
  imported: { name: 'Imported', source: 'directions loaded from a file, scaled to unit length; their rates are measured here' },
};

const DISTANCE_LABELS: Record<DistanceName, string> = { mse: 'Pixel', ssim: 'SSIM', perceptual: 'Perceptual' };

export function BasisControls() {
  const session = useSession();
  const model = useAtlas((s) => s.model);
  const kind = useAtlas((s) => s.basisKind);
  const distance = useAtlas((s) => s.distance);
  const k = useAtlas((s) => s.k);
  const basis = useAtlas(currentBasis);
  const imported = useAtlas((s) => s.imported);
  if (!model) return null;
  return (
    <section className="panel" aria-labelledby="basis-title">
      <LoadDirections>
        <h2 id="basis-title" className="panel-title">Directions</h2>
        <label htmlFor="basis-kind" className="field-label">Basis</label>
        <select id="basis-kind" className="select" value={kind} onChange={(e) => {
          const value = e.target.value as SliderBasisKind;
          if (value === 'imported') session.showImported();
          else session.set('basisKind', value);
        }}>
          {BASIS_KINDS.map((b) => (
            <option key={b} value={b} disabled={b === 'local' && !model.isStyleBased}>
              {BASIS_LABELS[b].name}{b === 'local' && !model.isStyleBased ? ' (style models only)' : ''}
            </option>
          ))}
          {(imported || kind === 'imported') && <option value="imported" disabled={!imported}>{importedLabel(imported?.name)}</option>}
        </select>
        <p className="hint" data-testid="basis-source">
          {kind === 'imported' && imported
            ? `${importedLabel(imported.name)}: ${imported.directions.length} direction${imported.directions.length === 1 ? '' : 's'} in ${imported.space.toUpperCase()} from a file.`
            : `${BASIS_LABELS[kind].source}.`}
        </p>
        <div className="field-row">
          <span className="field-label" id="distance-label">Image distance</span>
          <div className="segmented small" role="radiogroup" aria-labelledby="distance-label">
            {DISTANCES.map((d) => (
              <button key={d} type="button" role="radio" aria-checked={distance === d} className={distance === d ? 'active' : ''}
                disabled={d === 'perceptual' && !model.hasDiscriminator}
                title={d === 'perceptual' && !model.hasDiscriminator ? 'Needs the model’s discriminator' : undefined}
                onClick={() => session.setDistance(d)}>{DISTANCE_LABELS[d]}</button>
            ))}
          </div>
        </div>
        <div className="field-row">
          <label htmlFor="basis-k" className="field-label">Sliders</label>
          <input id="basis-k" className="number-input" type="number" min={1} max={MAX_DIRECTIONS} value={k}
            onChange={(e) => { const v = Number(e.target.value); if (Number.isFinite(v) && v >= 1) session.setK(v); }} />
        </div>
        <JobStatus kind="basis" label="basis" onRetry={() => session.recomputeBasis()} />
        {basis && <p className="hint" data-testid="basis-notes">{basis.notes.join(' · ')}</p>}
      </LoadDirections>
    </section>
  );
}

/** How imported directions are named in the basis list and on the sliders: "Imported (file name)". */
export function importedLabel(name: string | undefined): string {
  return `${BASIS_LABELS.imported.name}${name ? ` (${name})` : ''}`;
}
