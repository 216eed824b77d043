/** `npm run atlas -- …` for the model tests: node --import tsx (without npm's and npx's start-up cost), its exit
 * code and output. One helper, so every CLI test runs the command the same way. */
import { spawnSync } from 'node:child_process';

export interface AtlasRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stderr's non-empty lines, npm's warnings left out: a refused command must say why in exactly one line. */
  stderrLines: string[];
}

export function atlasCli(args: string[], timeout = 300_000): AtlasRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/atlas.ts', ...args], { encoding: 'utf8', timeout });
  const stderrLines = r.stderr.split('\n').filter((l) => l && !l.startsWith('npm warn'));
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, stderrLines };
}

/** The command's stdout; throws with its stderr when it does not exit 0. */
export function atlasOk(args: string[], timeout = 300_000): string {
  const r = atlasCli(args, timeout);
  if (r.code !== 0) throw new Error(`atlas ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}
