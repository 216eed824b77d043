/** Choose one of the bundled models (the reader's own models are loaded in OwnModel). */
import { useAtlas, useSession } from '../context';

export function ModelPicker() {
  const session = useSession();
  const catalogue = useAtlas((s) => s.catalogue);
  const ref = useAtlas((s) => s.modelRef);
  const loading = useAtlas((s) => s.loading);
  const own = useAtlas((s) => (s.modelRef && s.modelRef.kind !== 'bundled' ? s.model : null));
  const current = ref?.kind === 'bundled' ? ref.id : null;

  return (
    <section className="panel" aria-labelledby="model-title">
      <h2 id="model-title" className="panel-title">Model</h2>
      {!catalogue && <p className="hint">Reading the list of bundled models…</p>}
      {own && (
        <div className="model-card active own" aria-live="polite">
          <span className="model-name">{own.name}</span>
          <span className="model-desc">Your model, from {own.source}</span>
        </div>
      )}
      <ul className="model-list" aria-label="Bundled models">
        {catalogue?.models.map((m) => (
          <li key={m.id}>
            <button
              type="button"
              className={`model-card${current === m.id ? ' active' : ''}`}
              aria-pressed={current === m.id}
              disabled={Boolean(m.error) || loading !== null}
              data-model-id={m.id}
              title={m.description || undefined}
              onClick={() => void session.loadBundled(m.id)}
            >
              <span className="model-name">{m.name}</span>
              <span className="model-desc">{m.error ?? m.description}</span>
              {!m.error && (
                // A strip of samples shipped beside the model (scripts/docs-models.ts); hidden if absent.
                <img className="model-strip" src={`models/${m.id}/samples.png`} alt={`Eight samples of ${m.name}`}
                  onError={(e) => { e.currentTarget.hidden = true; }} />
              )}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
