#!/usr/bin/env node
// The same integration suite in a desktop VS Code through @vscode/test-electron, for machines that have one
// (a developer laptop, a CI with internet). scripts/test-integration.mjs uses this when VSCODE_EXECUTABLE_PATH
// is set; run directly without it, test-electron downloads VS Code (VSCODE_VERSION, default stable).
// On Linux without a display, run it under xvfb-run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { hasSuiteTests, judge, printPass, readResults } from '../../scripts/vscode/results.mjs';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function launch(executable, args, env) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(executable, args, { env: { ...process.env, ...env }, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal ? 1 : 0)));
  });
}

async function runPass(suite, { folder, extensionTestsPath, grep }) {
  const work = mkdtempSync(join(tmpdir(), 'concurrency-lab-electron-'));
  const resultsFile = join(work, 'results.json');
  const where = process.env.VSCODE_EXECUTABLE_PATH
    ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH }
    : { version: process.env.VSCODE_VERSION ?? 'stable' };
  const launchArgs = [
    folder,
    '--disable-extensions',
    '--user-data-dir',
    join(work, 'user-data'),
    '--extensions-dir',
    join(work, 'extensions'),
  ];
  const extensionTestsEnv = {
    CONCURRENCY_LAB_TEST_RESULTS: resultsFile,
    CONCURRENCY_LAB_TEST_SUITE: suite,
    ...(grep ? { CONCURRENCY_LAB_TEST_GREP: grep } : {}),
  };
  let outcome;
  try {
    if (suite === 'trusted') {
      outcome = {
        code: await runTests({
          ...where,
          extensionDevelopmentPath: REPO_ROOT,
          extensionTestsPath,
          launchArgs,
          extensionTestsEnv,
        }),
      };
    } else {
      // runTests always adds --disable-workspace-trust, so the untrusted pass launches VS Code itself.
      const executable = where.vscodeExecutablePath ?? (await downloadAndUnzipVSCode(where.version));
      const args = [
        ...launchArgs,
        '--no-sandbox',
        '--disable-gpu-sandbox',
        '--disable-updates',
        '--skip-welcome',
        '--skip-release-notes',
        `--extensionTestsPath=${extensionTestsPath}`,
        `--extensionDevelopmentPath=${REPO_ROOT}`,
      ];
      outcome = { code: await launch(executable, args, extensionTestsEnv) };
    }
  } catch (e) {
    // runTests rejects when VS Code exits non-zero, which is also how failing tests end.
    outcome = { code: 1, ...(readResults(resultsFile) ? {} : { reason: e instanceof Error ? e.message : String(e) }) };
  }
  const results = readResults(resultsFile);
  rmSync(work, { recursive: true, force: true, maxRetries: 3 });
  return {
    passed: results?.passed ?? 0,
    failed: results?.failed ?? 0,
    tests: results?.tests ?? [],
    problems: judge(results, outcome),
  };
}

/** Runs the trusted pass and, when *.untrusted.test.js exist, the untrusted one; returns the totals. */
export async function runElectron({ folder, extensionTestsPath, grep }) {
  const suites = ['trusted', ...(hasSuiteTests(dirname(extensionTestsPath), 'untrusted') ? ['untrusted'] : [])];
  let passed = 0;
  let failed = 0;
  for (const suite of suites) {
    const t0 = Date.now();
    const r = await runPass(suite, { folder, extensionTestsPath, grep });
    passed += r.passed;
    failed += printPass(suite, r, (Date.now() - t0) / 1000, { grep });
  }
  return { passed, failed };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { passed, failed } = await runElectron({
    folder: join(REPO_ROOT, 'test', 'fixtures', 'workspace'),
    extensionTestsPath: join(REPO_ROOT, 'out', 'test', 'integration', 'index.js'),
    grep: process.env.CONCURRENCY_LAB_TEST_GREP || undefined,
  });
  console.log(`integration: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}
