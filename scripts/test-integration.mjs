#!/usr/bin/env node
// Integration tier: the mocha suites of test/integration run inside a real VS Code — code-server 4.100.3
// (installed on first use into .vscode-test/) with headless Chromium as the window — or, when
// VSCODE_EXECUTABLE_PATH names a desktop VS Code, through @vscode/test-electron. Expects the build
// (`node scripts/test-all.mjs integration` does it). Ends with "integration: N passed, N failed".
//   CONCURRENCY_LAB_TEST_GREP=<regexp>        only tests whose full title matches
//   CONCURRENCY_LAB_TEST_SUITES=trusted,untrusted,demos,nofolder,start,harness   which passes (default all;
//                                             untrusted runs *.untrusted.test.js with workspace trust on; demos
//                                             runs *.demos.test.js in media/demos, the folder `npm start` opens;
//                                             nofolder runs *.nofolder.test.js in a window with no folder;
//                                             start checks `npm start` in code-server; harness is the
//                                             harness's self-test)
//   CONCURRENCY_LAB_TEST_TIMEOUT_MS=<ms>      per pass (default 600000)
//   CONCURRENCY_LAB_TEST_VERBOSE=1            relay every workbench and server log line
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './vscode/codeServer.mjs';
import { hasSuiteTests, printPass } from './vscode/results.mjs';
import { runSuite } from './vscode/runSuite.mjs';
import { runHarnessSelfTest } from './vscode/selfTest.mjs';
import { ensureSystemPackages } from './vscode/system.mjs';
import { checkStart } from './vscode/startCheck.mjs';

const OUT_DIR = join(REPO_ROOT, 'out', 'test', 'integration');
const ENTRY = join(OUT_DIR, 'index.js');
const FOLDER = join(REPO_ROOT, 'test', 'fixtures', 'workspace');
/** The workspace of each pass (undefined: a window with no folder). */
const SUITE_FOLDERS = {
  trusted: FOLDER,
  untrusted: FOLDER,
  demos: join(REPO_ROOT, 'media', 'demos'),
  nofolder: undefined,
};
const env = process.env;
const timeoutMs = Number(env.CONCURRENCY_LAB_TEST_TIMEOUT_MS) || 600_000;
const verbose = env.CONCURRENCY_LAB_TEST_VERBOSE === '1';
const grep = env.CONCURRENCY_LAB_TEST_GREP || undefined;

function finish(passed, failed) {
  if (passed + failed === 0) console.log('no tests ran');
  console.log(`integration: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

if (!existsSync(ENTRY) || !existsSync(join(REPO_ROOT, 'dist', 'extension.js'))) {
  console.error(
    'Not built: run `node scripts/test-all.mjs integration` (or `npm run build && npm run compile-tests`).',
  );
  finish(0, 1);
}

if (env.VSCODE_EXECUTABLE_PATH) {
  const { runElectron } = await import('../test/integration/electron.mjs');
  const { passed, failed } = await runElectron({ folder: FOLDER, extensionTestsPath: ENTRY, grep });
  finish(passed, failed);
}

try {
  // Chromium is the window; as root this installs what is missing, otherwise it says what to run.
  ensureSystemPackages();
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  finish(0, 1);
}

const requested = (env.CONCURRENCY_LAB_TEST_SUITES ?? 'trusted,untrusted,demos,nofolder,start,harness')
  .split(',')
  .map((s) => s.trim());
const suites = requested.filter((s) => s === 'trusted' || (s in SUITE_FOLDERS && hasSuiteTests(OUT_DIR, s)));
let passed = 0;
let failed = 0;
for (const suite of suites) {
  const t0 = Date.now();
  const r = await runSuite({
    suite,
    folder: SUITE_FOLDERS[suite],
    extensionTestsPath: ENTRY,
    timeoutMs,
    grep,
    verbose,
  });
  passed += r.passed;
  failed += printPass(suite, r, (Date.now() - t0) / 1000, { grep });
}

// `npm start` on this machine means code-server: check that path too (skipped when a grep narrows the run).
if (!grep && requested.includes('start')) {
  try {
    const { title, seconds } = await checkStart();
    console.log(`\n[start] ✔ npm start serves the demos (${title}) and Ctrl-C stops it (${seconds.toFixed(1)} s)`);
    passed += 1;
  } catch (e) {
    console.log(`\n[start] ✖ npm start: ${e instanceof Error ? e.message : String(e)}`);
    failed += 1;
  }
}

// The harness itself must be able to fail: broken runs on purpose, each reported as what it is.
if (!grep && requested.includes('harness')) {
  console.log('\n[harness] self-test');
  const r = await runHarnessSelfTest();
  passed += r.passed;
  failed += r.failed;
}
finish(passed, failed);
