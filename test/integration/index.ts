// The extension-tests entry VS Code loads (extensionTestsPath): runs the mocha suites (tdd UI: suite/test)
// inside the extension host and writes mocha's counts to CONCURRENCY_LAB_TEST_RESULTS, because after an
// abrupt extension-host death the harness would otherwise see a plain "exit 0".
//   CONCURRENCY_LAB_TEST_SUITE=<name>     runs only *.<name>.test.js for the passes with their own workspace
//                                         (untrusted, demos, nofolder; see scripts/test-integration.mjs), or
//                                         every other *.test.js for 'trusted'
//   CONCURRENCY_LAB_TEST_GREP=<regexp>    runs only tests whose full title matches
//   CONCURRENCY_LAB_TEST_DIR=<dir>        runs the tests there instead (the harness's self-test)
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface TestOutcome {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

export interface TestResults {
  suite: string;
  passed: number;
  failed: number;
  pending: number;
  /** Set only by mocha's final callback: without it the run was cut short. */
  finished: boolean;
  tests: TestOutcome[];
}

/** Passes that run in a workspace of their own; a test file joins one by its suffix (x.demos.test.js). */
export const OWN_WORKSPACE_SUITES = ['untrusted', 'demos', 'nofolder'];

function suiteOf(file: string): string {
  return OWN_WORKSPACE_SUITES.find((s) => file.endsWith(`.${s}.test.js`)) ?? 'trusted';
}

export function suiteFiles(dir: string, suite: string): string[] {
  const all = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.test.js'));
  return all
    .filter((f) => suiteOf(f) === suite)
    .sort()
    .map((f) => path.join(dir, f));
}

function writeResults(file: string | undefined, results: TestResults): void {
  if (!file) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Atomically, so the harness never reads half a file after a crash.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

export function run(): Promise<void> {
  const wanted = process.env.CONCURRENCY_LAB_TEST_SUITE ?? '';
  const suite = OWN_WORKSPACE_SUITES.includes(wanted) ? wanted : 'trusted';
  const resultsFile = process.env.CONCURRENCY_LAB_TEST_RESULTS;
  const grep = process.env.CONCURRENCY_LAB_TEST_GREP;
  const mocha = new Mocha({ ui: 'tdd', color: false, reporter: 'spec', timeout: 60_000, ...(grep ? { grep } : {}) });
  for (const f of suiteFiles(process.env.CONCURRENCY_LAB_TEST_DIR ?? __dirname, suite)) mocha.addFile(f);

  const results: TestResults = { suite, passed: 0, failed: 0, pending: 0, finished: false, tests: [] };
  return new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        results.finished = true;
        writeResults(resultsFile, results);
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
      // Written after every test too, so a later hang or crash still leaves what ran.
      runner.on('pass', (t) => {
        results.passed += 1;
        results.tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 });
        writeResults(resultsFile, results);
      });
      runner.on('fail', (t, err: unknown) => {
        results.failed += 1;
        const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
        results.tests.push({ title: t.fullTitle(), state: 'failed', durationMs: t.duration ?? 0, error });
        writeResults(resultsFile, results);
      });
      runner.on('pending', (t) => {
        results.pending += 1;
        results.tests.push({ title: t.fullTitle(), state: 'pending', durationMs: 0 });
      });
    } catch (e) {
      // A suite file that throws while loading is a failure, not "no tests".
      results.failed += 1;
      results.finished = true;
      results.tests.push({ title: 'loading the test files', state: 'failed', durationMs: 0, error: String(e) });
      writeResults(resultsFile, results);
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
