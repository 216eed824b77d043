/**
 * Entry point: make the store, the engine client and the session, read the link, and mount React.
 * `?backend=wasm` (in the query, not the shareable hash) forces a backend, for testing and comparison;
 * `?jobWorkers=N` forces the size of the job-worker pool (by default one per core but one, at least one),
 * `?wasmThreads=N` the render worker's wasm threads (by default the cores the pool leaves).
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
import { registerOffline } from './offline';
import { Session } from './session';
import { createAtlasStore } from './state/store';
import { startUrlSync } from './urlSync';
import './styles.css';

function backendOverride(): BackendName[] | undefined {
  const wanted = new URLSearchParams(window.location.search).get('backend');
  return wanted && (BACKEND_ORDER as readonly string[]).includes(wanted) ? [wanted as BackendName] : undefined;
}

function numberParam(name: string): number | null {
  const wanted = new URLSearchParams(window.location.search).get(name);
  return wanted === null ? null : Number(wanted);
}

const client = new EngineClient();
const cores = navigator.hardwareConcurrency || 1;
const jobs = new JobsClient(poolSize(cores, numberParam('jobWorkers')));
/**
 * Threads for frames on wasm (a cross-origin-isolated page only): the cores the job pool leaves, at least 1
 * (1 selects the single-threaded build). Measured on this 2-core machine under load: 2 threads made frames
 * 2.5× slower than 1 (bench/results.json, browser rows). `?wasmThreads=N` forces N.
 */
const forcedThreads = numberParam('wasmThreads');
const wasmThreads = forcedThreads !== null && Number.isInteger(forcedThreads) && forcedThreads >= 1 ? forcedThreads : Math.max(1, cores - jobs.size);
const session = new Session(client, jobs, createAtlasStore(), cores);
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
void session.start(new URL('models/', document.baseURI).href, state, notices, backendOverride(), wasmThreads);
registerOffline();
