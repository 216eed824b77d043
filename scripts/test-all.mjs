#!/usr/bin/env node
/**
 * `npm test`: everything CI checks, in order, stopping at the first failure.
 *   typecheck → lint → vitest unit → vitest model → vitest e2e (built app in Debian's Chromium)
 * Ends with one line "N passed, N failed" (test totals over the vitest runs, read from vitest's JSON
 * reporter), also when it stops early.
 */
/* global process, console */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const CHROMIUM = '/usr/bin/chromium';
const RESULTS = 'test-results';

if (!fs.existsSync(CHROMIUM)) {
  console.error("browser tests need Debian's chromium: apt-get install -y chromium");
  process.exit(1);
}

const bin = (name) => path.join('node_modules', '.bin', name);
const totals = { passed: 0, failed: 0 };

function run(label, cmd, args) {
  console.log(`\n── ${label} ──  ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  if (r.error) console.error(r.error.message);
  return r.status === 0;
}

/** Run one vitest project with the JSON reporter beside the normal one, and add up its counts. */
function vitest(project, extra = []) {
  fs.mkdirSync(RESULTS, { recursive: true });
  const out = path.join(RESULTS, `vitest-${project}.json`);
  fs.rmSync(out, { force: true });
  const ok = run(`vitest ${project}`, bin('vitest'), [
    'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...extra,
  ]);
  try {
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    totals.passed += report.numPassedTests ?? 0;
    totals.failed += report.numFailedTests ?? 0;
    // A file that fails to load has no failed *tests*; count it so the summary cannot say 0 failed.
    if (!ok && !(report.numFailedTests > 0)) totals.failed += Math.max(1, report.numFailedTestSuites ?? 0);
  } catch {
    if (!ok) totals.failed += 1;
  }
  return ok;
}

function finish(ok) {
  console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
  process.exit(ok ? 0 : 1);
}

const steps = [
  () => run('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']),
  () => run('lint', bin('eslint'), ['.']),
  () => vitest('unit'),
  // The model project may be empty until bundled-model tests exist; that is not a failure.
  () => vitest('model', ['--passWithNoTests']),
  () => vitest('e2e'),
];
for (const step of steps) {
  if (!step()) finish(false);
}
finish(true);
