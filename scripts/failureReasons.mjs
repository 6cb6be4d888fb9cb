// What the CI summary says of each failed test: the line that names it, and what its runner said went wrong.
// (A module of its own so that a unit test can feed it runners' output: test/unit/harnessFailures.test.ts.)

// How each tier's runner marks a failed test: mocha's ✖ (unit, integration, webview) and unittest's FAIL:/ERROR:.
export const FAILED_TEST_LINE = /^\s*(✖|FAIL:|ERROR:)/;

// Node's spec reporter lists the failures again under this line at its end: it names no test.
const FAILING_TESTS_HEADING = /^\s*✖ failing tests:\s*$/;
// unittest's lines around a failure's block ("=====" before its FAIL:/ERROR: line, "-----" after it and
// before "Ran N tests").
const SEPARATOR = /^(={20,}|-{20,})$/;

/**
 * Follows a runner's output and gives the last failed test (`{ test, python, reason }`, see failedTestCollector)
 * the lines of what failed it (its `reason`).
 * - mocha and node's spec reporter indent the error under the ✖ line: its first six lines.
 * - unittest prints a block: FAIL:/ERROR: (then the test's description, if it has one), a line of dashes,
 *   a traceback. The exception is the first unindented line after "Traceback (most recent call last):" (its
 *   message may go on over more lines, an assertEqual's diff); of chained tracebacks ("During handling of
 *   the above exception…"), the last one's: the exception the test ended with. A FAIL:/ERROR: line with no
 *   dashes before the next blank line heads no block (the copy scripts/test-python.mjs lists before a
 *   failed suite's output): it gets no reason.
 */
export function failureReasons() {
  let mode = 'none';
  let indent = 0;
  let inTrace = false;
  let lastLine = '';
  return (line, failed) => {
    const last = failed[failed.length - 1];
    if (FAILED_TEST_LINE.test(line)) {
      mode = /^\s*✖/.test(line) ? 'mocha' : 'unittest-head';
      indent = line.search(/\S/);
      inTrace = false;
      lastLine = '';
      return;
    }
    const text = line.trim();
    if (mode === 'mocha') {
      if (text === '') return; // assert's diffs have blank lines inside
      if (line.search(/\S/) <= indent || last.reason.length >= 6) mode = 'none';
      else last.reason.push(text);
    } else if (mode === 'unittest-head') {
      // (a test's description, its docstring's first line, may come between)
      if (/^-{20,}$/.test(text)) mode = 'unittest';
      else if (text === '' || SEPARATOR.test(text)) mode = 'none';
    } else if (mode === 'unittest') {
      if (SEPARATOR.test(text)) {
        // the block's end: no exception line of the usual shape (an exception group's): its last line
        if (last.reason.length === 0 && lastLine) last.reason = [lastLine];
        mode = 'none';
      } else if (/^Traceback \(most recent call last\):/.test(line)) inTrace = true;
      else if (inTrace && /^\S/.test(line)) {
        last.reason = [text];
        inTrace = false;
      } else if (text) lastLine = text;
    }
  };
}

// scripts/test-python.mjs heads each Python's results with "--- Python 3.12.1: 3 passed, …": the tests that
// fail below it failed on that Python (a test may fail on one and pass on the others).
const PYTHON_HEADING = /^--- Python (\S+): /;

/**
 * Collects the failed tests from a runner's output, line by line: each as `{ test, python, reason }`, its
 * line, the Python it failed on ('' outside the Python tier) and the lines of what failed it.
 */
export function failedTestCollector() {
  const failed = [];
  const why = failureReasons();
  let python = '';
  return {
    failed,
    line(line) {
      if (FAILING_TESTS_HEADING.test(line)) return;
      python = PYTHON_HEADING.exec(line)?.[1] ?? python;
      if (FAILED_TEST_LINE.test(line)) failed.push({ test: line.trim(), python, reason: [] });
      why(line, failed);
    },
  };
}

/**
 * The summary's lines: each failed test once, with what failed it on lines of its own. A test without a reason
 * is left out when the same test (on the same Python) is there with one (scripts/test-python.mjs lists a failed
 * suite's FAIL:/ERROR: lines before its output). A test that failed the same way on several Pythons is one
 * line that names them all: "FAIL: t on Python 3.12.1, 3.13.0".
 */
export function shownFailures(failed) {
  const reasonOf = (f) => f.reason.map((r) => `\n      ${r}`).join('');
  const withReason = new Set(failed.filter((f) => f.reason.length > 0).map((f) => `${f.python}\n${f.test}`));
  const shown = new Map(); // a test and its reason (and, for a test of no Python's, that) -> its Pythons
  for (const f of failed) {
    if (f.reason.length === 0 && withReason.has(`${f.python}\n${f.test}`)) continue;
    const key = `${f.python ? '' : 'no Python\n'}${f.test}${reasonOf(f)}`;
    const entry = shown.get(key) ?? { f, pythons: new Set() };
    if (f.python) entry.pythons.add(f.python);
    shown.set(key, entry);
  }
  const byVersion = (a, b) => a.localeCompare(b, undefined, { numeric: true });
  return [...shown.values()].map(({ f, pythons }) => {
    const on = pythons.size > 0 ? ` on Python ${[...pythons].sort(byVersion).join(', ')}` : '';
    return `${f.test}${on}${reasonOf(f)}`;
  });
}
