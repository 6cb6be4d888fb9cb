// The harness proves it can fail: each group of scripts/vscode/selftest/harness.test.js breaks a run in one way
// (a failing test, a dead extension host, a hang, a leaked process) and the harness must report exactly that.
//   node scripts/vscode/selfTest.mjs      (the integration tier runs it as its "harness" pass)
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './codeServer.mjs';
import { runSuite } from './runSuite.mjs';

const DIR = join(REPO_ROOT, 'scripts', 'vscode', 'selftest');
const ENTRY = join(REPO_ROOT, 'out', 'test', 'integration', 'index.js');
const FOLDER = join(REPO_ROOT, 'test', 'fixtures', 'workspace');

const SCENARIOS = [
  {
    name: 'a failing test is counted as failed, a passing one as passed',
    grep: 'selftest pass-fail',
    check: (r) => r.passed === 1 && r.failed === 1 && r.problems.length === 0,
  },
  {
    name: 'an extension host killed mid-run is a failure, not "exit 0"',
    grep: 'selftest crash',
    check: (r) => r.passed === 0 && r.problems.some((p) => /died|stopped before mocha finished/.test(p)),
  },
  {
    name: 'a hang ends at the timeout as a failure',
    grep: 'selftest hang',
    timeoutMs: 25_000,
    check: (r) => r.problems.some((p) => p.includes('timed out')),
  },
  {
    name: 'a process left running is reported and killed',
    grep: 'selftest orphan',
    check: (r) => r.passed === 1 && r.problems.some((p) => p.includes('outlived the run') && p.includes('sleep 600')),
  },
];

/** Runs every scenario; returns { passed, failed }. */
export async function runHarnessSelfTest({ log = console.log } = {}) {
  let passed = 0;
  let failed = 0;
  for (const s of SCENARIOS) {
    const t0 = Date.now();
    const r = await runSuite({
      suite: 'trusted',
      folder: FOLDER,
      extensionTestsPath: ENTRY,
      timeoutMs: s.timeoutMs ?? 120_000,
      grep: s.grep,
      env: { CONCURRENCY_LAB_TEST_DIR: DIR },
      log: () => undefined,
    });
    const ok = s.check(r);
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    if (ok) passed += 1;
    else failed += 1;
    log(`  ${ok ? '✔' : '✖'} harness: ${s.name} (${secs} s)`);
    if (!ok) log(`      got ${JSON.stringify({ passed: r.passed, failed: r.failed, problems: r.problems })}`);
  }
  return { passed, failed };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { passed, failed } = await runHarnessSelfTest();
  console.log(`harness: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}
