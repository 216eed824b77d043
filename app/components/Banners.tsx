/**
 * Messages above the workspace: an error (the current model keeps working underneath), notices about
 * the link, and the consent prompt for a remote model URL that came from a shared link. All text is
 * rendered as text; nothing from a link is ever interpreted as HTML.
 */
import { useAtlas, useSession } from '../context';

export function ErrorBanner() {
  const session = useSession();
  const error = useAtlas((s) => s.error);
  const model = useAtlas((s) => s.model?.name ?? null);
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert">
      <div className="banner-body">
        <strong>Something went wrong.</strong> {error}
        {model && <span className="banner-aside"> {model} is still loaded and working.</span>}
      </div>
      <button type="button" className="banner-close" aria-label="Dismiss error" onClick={() => session.store.setState({ error: null })}>×</button>
    </div>
  );
}

export function NoticeBanner() {
  const session = useSession();
  const notices = useAtlas((s) => s.notices);
  if (notices.length === 0) return null;
  return (
    <div className="banner banner-notice" role="status" data-testid="notices">
      <ul className="banner-body">
        {notices.map((n, i) => <li key={i}>{n}</li>)}
      </ul>
      <button type="button" className="banner-close" aria-label="Dismiss notices" onClick={() => session.store.setState({ notices: [] })}>×</button>
    </div>
  );
}

export function RemoteConfirm() {
  const session = useSession();
  const url = useAtlas((s) => s.pendingRemoteUrl);
  if (!url) return null;
  return (
    <div className="banner banner-confirm" role="alertdialog" aria-labelledby="remote-title" aria-describedby="remote-desc">
      <div className="banner-body">
        <strong id="remote-title">Load a model from another site?</strong>
        <p id="remote-desc">
          This link asks to download a model from <code className="url">{url}</code>. Only continue if you trust that site;
          until then the bundled model is shown.
        </p>
        <div className="banner-actions">
          <button type="button" className="button primary" onClick={() => void session.confirmRemote()}>Load it</button>
          <button type="button" className="button subtle" onClick={() => session.declineRemote()}>Keep the bundled model</button>
        </div>
      </div>
    </div>
  );
}
