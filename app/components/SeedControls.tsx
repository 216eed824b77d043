/** The seed picks one sample of the prior; the field, the step buttons and "random" change it. */
import { useEffect, useState } from 'react';
import { MAX_SEED, TRUNCATION_SLIDER } from '../../src/state/vocabulary';
import { useAtlas, useSession } from '../context';

export function SeedControls() {
  const session = useSession();
  const seed = useAtlas((s) => s.seed);
  const custom = useAtlas((s) => s.z !== null);
  const truncation = useAtlas((s) => s.truncation);
  const styleBased = useAtlas((s) => s.model?.isStyleBased ?? false);
  const [text, setText] = useState(String(seed));

  // Follow changes made elsewhere (random, the link) without fighting the reader's typing.
  useEffect(() => setText(custom ? '' : String(seed)), [seed, custom]);

  const valid = /^\d{1,10}$/.test(text) && Number(text) <= MAX_SEED;
  const commit = (value: string) => {
    setText(value);
    if (/^\d{1,10}$/.test(value) && Number(value) <= MAX_SEED) session.setSeed(Number(value));
  };
  const step = (d: number) => session.setSeed(Math.min(MAX_SEED, Math.max(0, (custom ? 0 : seed) + d)));

  return (
    <section className="panel" aria-labelledby="seed-title">
      <h2 id="seed-title" className="panel-title">Sample</h2>
      <div className="seed-row">
        <label htmlFor="seed-input" className="field-label">Seed</label>
        <button type="button" className="icon-button" onClick={() => step(-1)} aria-label="Previous seed">‹</button>
        <input
          id="seed-input"
          className={`seed-input${valid || (custom && text === '') ? '' : ' invalid'}`}
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          value={text}
          placeholder={custom ? 'custom z' : ''}
          aria-invalid={!valid && !(custom && text === '')}
          aria-describedby="seed-hint"
          onChange={(e) => commit(e.target.value.trim())}
        />
        <button type="button" className="icon-button" onClick={() => step(1)} aria-label="Next seed">›</button>
        <button type="button" className="button" onClick={() => session.randomSeed()}>Random</button>
      </div>
      <div className="field-row">
        <label htmlFor="truncation" className="field-label">Truncation ψ</label>
        <input id="truncation" type="range" className="slider" min={TRUNCATION_SLIDER.min} max={TRUNCATION_SLIDER.max} step={TRUNCATION_SLIDER.step} value={truncation} disabled={custom}
          aria-valuetext={`psi ${truncation.toFixed(2)}`} onChange={(e) => session.set('truncation', Number(e.target.value))} />
        <span className="slider-value">{truncation.toFixed(2)}</span>
      </div>
      <p id="seed-hint" className="hint">
        {valid || (custom && text === '') ? (custom ? 'Showing a latent code from the link.' : `Each seed draws one point from the prior${truncation !== 1 ? `, pulled toward ${styleBased ? 'the mean w (truncation in W)' : 'the prior’s mode (ψ·z)'} by ψ = ${truncation.toFixed(2)}` : ''}.`) : `A seed is a whole number from 0 to ${MAX_SEED}.`}
      </p>
    </section>
  );
}
