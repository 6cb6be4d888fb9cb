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
 * Follows a runner's output and appends, to the last failed test's line, what failed it.
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
  let taken = 0;
  let base = '';
  let inTrace = false;
  let lastLine = '';
  return (line, failedLines) => {
    const at = failedLines.length - 1;
    if (FAILED_TEST_LINE.test(line)) {
      mode = /^\s*✖/.test(line) ? 'mocha' : 'unittest-head';
      indent = line.search(/\S/);
      taken = 0;
      base = failedLines[at];
      inTrace = false;
      lastLine = '';
      return;
    }
    const text = line.trim();
    if (mode === 'mocha') {
      if (text === '') return; // assert's diffs have blank lines inside
      if (line.search(/\S/) <= indent || taken >= 6) mode = 'none';
      else {
        failedLines[at] += `\n      ${text}`;
        taken += 1;
      }
    } else if (mode === 'unittest-head') {
      // (a test's description, its docstring's first line, may come between)
      if (/^-{20,}$/.test(text)) mode = 'unittest';
      else if (text === '' || SEPARATOR.test(text)) mode = 'none';
    } else if (mode === 'unittest') {
      if (SEPARATOR.test(text)) {
        // the block's end: no exception line of the usual shape (an exception group's): its last line
        if (failedLines[at] === base && lastLine) failedLines[at] = `${base}\n      ${lastLine}`;
        mode = 'none';
      } else if (/^Traceback \(most recent call last\):/.test(line)) inTrace = true;
      else if (inTrace && /^\S/.test(line)) {
        failedLines[at] = `${base}\n      ${text}`;
        inTrace = false;
      } else if (text) lastLine = text;
    }
  };
}

// scripts/test-python.mjs heads each Python's results with "--- Python 3.12.1: 3 passed, …": the tests that
// fail below it failed on that Python (a test may fail on one and pass on the others).
const PYTHON_HEADING = /^--- Python (\S+): /;

/**
 * Collects the failed tests' lines (with their reasons) from a runner's output, line by line. Under a Python's
 * heading, a failed test's line says which Python it failed on.
 */
export function failedTestCollector() {
  const failedLines = [];
  const why = failureReasons();
  let python = '';
  return {
    failedLines,
    line(line) {
      if (FAILING_TESTS_HEADING.test(line)) return;
      python = PYTHON_HEADING.exec(line)?.[1] ?? python;
      if (FAILED_TEST_LINE.test(line)) failedLines.push(`${line.trim()}${python ? ` on Python ${python}` : ''}`);
      why(line, failedLines);
    },
  };
}

/**
 * The summary's lines: each failed test once. A line without a reason is left out when the same test is
 * there with one (scripts/test-python.mjs lists a failed suite's FAIL:/ERROR: lines before its output).
 * A test that failed the same way on several Pythons is one line that names them all.
 */
export function shownFailures(lines) {
  const unique = [...new Set(lines)];
  const withReason = new Set(unique.filter((l) => l.includes('\n')).map((l) => l.slice(0, l.indexOf('\n'))));
  return onEachPython(unique.filter((l) => l.includes('\n') || !withReason.has(l)));
}

const ON_PYTHON = / on Python (\S+)$/;

/** "FAIL: t on Python 3.12.1" and "FAIL: t on Python 3.13.0", with the same reason: "FAIL: t on Python 3.12.1, 3.13.0". */
function onEachPython(lines) {
  const shown = [];
  const same = new Map();
  for (const line of lines) {
    const cut = line.includes('\n') ? line.indexOf('\n') : line.length;
    const python = ON_PYTHON.exec(line.slice(0, cut));
    if (!python) {
      shown.push({ line });
      continue;
    }
    const test = line.slice(0, python.index);
    const reason = line.slice(cut);
    const seen = same.get(test + reason);
    if (seen) seen.versions.push(python[1]);
    else {
      const entry = { test, reason, versions: [python[1]] };
      same.set(test + reason, entry);
      shown.push(entry);
    }
  }
  const byVersion = (a, b) => a.localeCompare(b, undefined, { numeric: true });
  return shown.map((e) => e.line ?? `${e.test} on Python ${e.versions.sort(byVersion).join(', ')}${e.reason}`);
}
