/** Which style layers (W+) a slider edits: coarse, middle or fine resolutions, or all of them. */
import type { LayerRangeName } from '../../src/engine/types';
import { LAYER_RANGES } from '../../src/state/vocabulary';
import { useAtlas, useSession } from '../context';

export function LayerRangeControl() {
  const session = useSession();
  const layers = useAtlas((s) => s.layers);
  return (
    <div className="field-inline" role="radiogroup" aria-label="Style layers edited">
      <span>Layers</span>
      <div className="segmented small">
        {LAYER_RANGES.map((l: LayerRangeName) => (
          <button key={l} type="button" role="radio" aria-checked={layers === l} className={layers === l ? 'active' : ''}
            onClick={() => session.set('layers', l)}>{l}</button>
        ))}
      </div>
    </div>
  );
}
