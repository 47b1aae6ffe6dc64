// Runs the TypeScript compiler over a project of JSDoc-typed modules, for the tests that hold
// the netcode package and the pages to their types. Not a test file itself (no .test.js suffix).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/**
 * Asserts that `tsc -p project --noEmit` finds nothing; skips `t` when no compiler is at hand
 * (`TSC`, or `tsc` on PATH), except under CI, where that fails.
 * @param {import('node:test').TestContext} t
 * @param {string} project a folder with a tsconfig.json
 * @param {string} label how the failure names it
 */
export function assertTypeChecks(t, project, label) {
  const tsc = process.env.TSC || 'tsc';
  const probe = spawnSync(tsc, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    const ci = ['true', '1', 'yes'].includes(String(process.env.CI ?? '').toLowerCase());
    assert.ok(!ci, `CI=${process.env.CI} but no TypeScript compiler (${tsc}): .ci/run installs one and sets TSC`);
    t.skip(`no TypeScript compiler (${tsc}); set TSC to one, e.g. npm install --prefix /tmp/tsc typescript && TSC=/tmp/tsc/node_modules/.bin/tsc`);
    return;
  }
  const run = spawnSync(tsc, ['-p', project, '--noEmit'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, `${tsc} -p ${label} --noEmit:\n${run.stdout}${run.stderr}`);
}
