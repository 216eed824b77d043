/** `npm run atlas -- …` for the model tests: node --import tsx (without npm's start-up cost), its exit code and output. */
import { spawnSync } from 'node:child_process';

export function atlasCli(args: string[], timeout = 300_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/atlas.ts', ...args], { encoding: 'utf8', timeout });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
