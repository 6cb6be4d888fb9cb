// The results file the test entry (test/integration/index.ts) writes, read and judged the same way for every
// way of running the suite (code-server or desktop VS Code).
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export function readResults(file) {
  try {
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
  } catch {
    return undefined;
  }
}

/** True when some compiled test file belongs to the pass `suite` (named x.<suite>.test.js). */
export function hasSuiteTests(dir, suite) {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).some((f) => f.endsWith(`.${suite}.test.js`));
}

/**
 * Harness-level problems of one pass, given its results file (or undefined) and how VS Code ended
 * ({code, reason?}). Each problem counts as one failed test.
 */
export function judge(results, outcome) {
  if (!results) {
    const why = outcome.reason ?? `VS Code reported exit code ${outcome.code}`;
    return [`${why}; the test entry wrote no results (the extension host died or never ran the tests)`];
  }
  if (outcome.reason) return [outcome.reason];
  if (!results.finished) return ['the run stopped before mocha finished (the extension host died?)'];
  if (outcome.code !== 0 && results.failed === 0)
    return [`VS Code reported exit code ${outcome.code} although no test failed`];
  return [];
}

/** Prints one pass; returns the failed count including harness problems. */
export function printPass(suite, { passed, failed, tests, problems }, seconds, { grep } = {}) {
  console.log(`\n[${suite}] ${passed} passed, ${failed} failed in ${seconds.toFixed(1)} s`);
  for (const t of tests) {
    const mark = t.state === 'passed' ? '✔' : t.state === 'failed' ? '✖' : '-';
    console.log(`  ${mark} ${t.title}${t.state === 'passed' ? ` (${t.durationMs} ms)` : ''}`);
    if (t.error)
      console.log(
        t.error
          .split('\n')
          .map((l) => `      ${l}`)
          .join('\n'),
      );
  }
  const all = [...problems];
  // A pass with no tests is a broken pass, unless a grep filtered them all out of it.
  if (passed + failed === 0 && all.length === 0 && !grep) all.push(`no tests ran in the ${suite} pass`);
  for (const p of all) console.log(`  ✖ harness: ${p}`);
  return failed + all.length;
}
