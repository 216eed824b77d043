/**
 * Test helpers for the engine: the job runner the app uses, on the cpu backend, with a fixture folder loaded.
 * Not imported by the app.
 */
import { Engine, type EngineOptions } from './engine';
import { Jobs } from './jobs';
import type { Generator } from '../model/generator';
import { pickedFiles, type FileMap } from '../model/testing/fixtures';

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
