/** The page layout: header, messages, controls beside the image, status bar. */
import { useAtlas, useSession } from './context';
import { ErrorBanner, NoticeBanner, RemoteConfirm } from './components/Banners';
import { HelpOverlay } from './components/HelpOverlay';
import { ImageCanvas } from './components/ImageCanvas';
import { ModelPicker } from './components/ModelPicker';
import { OwnModel } from './components/OwnModel';
import { SeedControls } from './components/SeedControls';
import { SpaceControls } from './components/SpaceControls';
import { StatusBar } from './components/StatusBar';
import { BasisControls } from './components/BasisControls';
import { CopyLink } from './components/CopyLink';
import { ExportMenu } from './components/ExportMenu';
import { PresenterButton, PresenterKeys } from './components/Presenter';
import { TourCard, TourMenu } from './components/Tour';
import { EigenSliders } from './components/EigenSliders';
import { ExplorerPanels } from './components/ExplorerPanels';

export function App() {
  const session = useSession();
  const helpOpen = useAtlas((s) => s.helpOpen);
  const presenter = useAtlas((s) => s.presenter);
  return (
    <div className={`app${presenter ? ' presenter' : ''}`}>
      <header className="top-bar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <h1>Latent Atlas</h1>
          <span className="tagline">see and steer the geometry of a generator's latent space</span>
        </div>
        <div className="top-actions">
          <CopyLink />
          <ExportMenu />
          <TourMenu />
          <PresenterButton />
          <button type="button" className="button subtle help-button" aria-haspopup="dialog"
            onClick={() => session.store.setState({ helpOpen: true })}>? Help</button>
        </div>
      </header>
      <div className="messages">
        <RemoteConfirm />
        <ErrorBanner />
        <NoticeBanner />
      </div>
      <main className="workspace">
        <aside className="sidebar" aria-label="Controls">
          <ModelPicker />
          <SeedControls />
          <SpaceControls />
          <BasisControls />
          <OwnModel />
        </aside>
        <div className="main-column">
          <TourCard />
          <div className="explorer-top">
            <section className="stage" aria-label="Image">
              <ImageCanvas />
            </section>
            <EigenSliders />
          </div>
          <PresenterKeys />
          <ExplorerPanels />
        </div>
      </main>
      <StatusBar />
      {helpOpen && <HelpOverlay />}
    </div>
  );
}
