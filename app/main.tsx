/**
 * Entry point: make the store, the engine client and the session, read the link, and mount React.
 * `?backend=wasm` (in the query, not the shareable hash) forces a backend, for testing and comparison;
 * `?jobWorkers=N` forces the size of the job-worker pool (by default one per core but one, at least one).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { poolSize } from '../src/engine/pool';
import { BACKEND_ORDER, type BackendName } from '../src/engine/types';
import { decodeView } from '../src/state/url';
import { App } from './App';
import { SessionContext } from './context';
import { EngineClient } from './engine/client';
import { JobsClient } from './engine/jobsClient';
import { Session } from './session';
import { createAtlasStore } from './state/store';
import { startUrlSync } from './urlSync';
import './styles.css';

function backendOverride(): BackendName[] | undefined {
  const wanted = new URLSearchParams(window.location.search).get('backend');
  return wanted && (BACKEND_ORDER as readonly string[]).includes(wanted) ? [wanted as BackendName] : undefined;
}

function jobWorkersOverride(): number | null {
  const wanted = new URLSearchParams(window.location.search).get('jobWorkers');
  return wanted === null ? null : Number(wanted);
}

const client = new EngineClient();
const jobs = new JobsClient(poolSize(navigator.hardwareConcurrency, jobWorkersOverride()));
const session = new Session(client, jobs, createAtlasStore());
const { state, notices } = decodeView(window.location.hash);

// A small handle for end-to-end tests and for curious readers in the console (read-only queries).
(window as unknown as { latentAtlas: object }).latentAtlas = {
  memory: () => client.memory(),
  jobsMemory: () => jobs.memory(),
  jobWorkers: () => ({ size: jobs.size, spawned: jobs.spawned }),
  crashRenderWorker: () => client.crash(),
  matmulCheck: () => client.matmulCheck(),
  info: () => client.info(),
  state: () => session.store.getState(),
};

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionContext.Provider value={session}>
      <App />
    </SessionContext.Provider>
  </StrictMode>,
);

startUrlSync(session);
void session.start(new URL('models/', document.baseURI).href, state, notices, backendOverride());
