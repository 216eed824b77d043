/** Load the reader's own model: from a URL, or from files dropped or picked on this machine. */
import { useState, type FormEvent } from 'react';
import { useAtlas, useSession } from '../context';
import { FileDrop } from './FileDrop';

export function OwnModel() {
  const session = useSession();
  const loading = useAtlas((s) => s.loading);
  const [url, setUrl] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (url.trim()) void session.loadUrl(url.trim());
  };

  return (
    <section className="panel" aria-labelledby="own-title">
      <h2 id="own-title" className="panel-title">Your own model</h2>
      <form className="url-form" onSubmit={submit}>
        <label htmlFor="model-url" className="field-label">From a URL</label>
        <div className="url-row">
          <input id="model-url" type="url" placeholder="https://…/my-model/" value={url} spellCheck={false}
            onChange={(e) => setUrl(e.target.value)} />
          <button type="submit" className="button" disabled={!url.trim() || loading !== null}>Load</button>
        </div>
      </form>
      <FileDrop />
    </section>
  );
}
