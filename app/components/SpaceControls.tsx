/** Which latent space the image is generated through. Only spaces the model has are offered. */
import type { LatentSpace } from '../../src/engine/types';
import { useAtlas, useSession } from '../context';
import { effectiveSpace } from '../state/keys';

const LABELS: Record<LatentSpace, { short: string; long: string }> = {
  z: { short: 'Z', long: 'the prior space Z' },
  w: { short: 'W', long: 'the style space W (after the mapping network)' },
  wplus: { short: 'W+', long: 'per-layer styles W+' },
};

export function SpaceControls() {
  const session = useSession();
  const spaces = useAtlas((s) => s.model?.spaces ?? null);
  const space = useAtlas((s) => effectiveSpace(s));
  // A W or W+ code (an inversion's result) has no z of the model's own.
  const code = useAtlas((s) => s.w !== null && s.z === null);
  if (!spaces) return null;
  return (
    <section className="panel" aria-labelledby="space-title">
      <h2 id="space-title" className="panel-title">Latent space</h2>
      <div className="segmented" role="radiogroup" aria-labelledby="space-title">
        {(['z', 'w', 'wplus'] as const).map((sp) => (
          <button
            key={sp}
            type="button"
            role="radio"
            aria-checked={space === sp}
            disabled={!spaces.includes(sp) || (sp === 'z' && code)}
            title={!spaces.includes(sp) ? 'This model has no mapping network' : sp === 'z' && code ? 'The current latent is a W code, which has no z: choose a seed to return to Z' : LABELS[sp].long}
            className={space === sp ? 'active' : ''}
            onClick={() => session.set('space', sp)}
          >
            {LABELS[sp].short}
          </button>
        ))}
      </div>
      <p className="hint">Generating through {LABELS[space].long}.</p>
    </section>
  );
}
