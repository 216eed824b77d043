/**
 * Test helpers for the engine: the job runner the app uses, on the cpu backend, with a fixture folder loaded.
 * Not imported by the app.
 */
import { Engine, type EngineOptions } from './engine';
import { Jobs } from './jobs';
import type { Generator } from '../model/generator';
import { memoryFiles } from '../model/files';
import { editJson, pickedFiles, probeFolder, styleModelFolder, type FileMap } from '../model/testing/fixtures';

/**
 * A cpu Jobs runner with the folder `makeFolder` builds loaded; throws if it does not load. The Engine is
 * initialised first, as the worker does, so that building the fixture (tfjs models) finds a backend.
 */
export async function cpuJobsWith(makeFolder: () => Promise<FileMap>, name?: string, opts: Omit<EngineOptions, 'backends'> = {}): Promise<Jobs> {
  await new Engine({ backends: ['cpu'] }).init();
  const jobs = new Jobs({ ...opts, backends: ['cpu'] });
  const loaded = await jobs.load({ kind: 'files', files: pickedFiles(await makeFolder(), name) });
  if (!loaded.ok) throw new Error(`The fixture did not load: ${loaded.error}`);
  return jobs;
}

/** The runner's engine, for oracles that need its generator (jobs.ts keeps it private). */
export function engineOf(jobs: Jobs): Engine {
  return (jobs as unknown as { engine: Engine }).engine;
}

/** Run `f` on the runner's loaded generator. */
export function withJobsGenerator<T>(jobs: Jobs, f: (g: Generator) => Promise<T>): Promise<T> {
  return engineOf(jobs).withGenerator(f);
}

/**
 * A cpu Jobs runner with the style fixture loaded whose manifest names the tiny linear probe (fixtures.probeFolder:
 * classes dark/light, one target t), served to the runner from memory; `probe` is that probe's folder, for oracles
 * that read its kernel.
 */
export async function cpuJobsWithTinyProbe(): Promise<{ jobs: Jobs; probe: FileMap }> {
  // Built inside the folder callback: fixtures are tfjs models, which need the backend cpuJobsWith starts first.
  let probe: FileMap = {};
  const withProbe = async () => {
    probe = await probeFolder();
    return editJson(await styleModelFolder(), 'manifest.json', (m) => { m.probe = 'tiny-probe'; });
  };
  const jobs = await cpuJobsWith(withProbe, 'tiny', { probeFiles: (id) => memoryFiles(id, probe) });
  return { jobs, probe };
}
