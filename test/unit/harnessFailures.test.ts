import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// The harness's own scripts are ES modules; this test tier compiles to CommonJS (whose import() is require).
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a real import(): tsc would turn import() into require() here
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;
const ROOT = join(__dirname, '..', '..', '..');

interface FailureReasons {
  failedTestCollector(): { failedLines: string[]; line(line: string): void };
  shownFailures(lines: readonly string[]): string[];
}

const load = async (): Promise<FailureReasons> =>
  (await importModule(pathToFileURL(join(ROOT, 'scripts', 'failureReasons.mjs')).href)) as FailureReasons;

async function failures(output: string): Promise<string[]> {
  const m = await load();
  const c = m.failedTestCollector();
  for (const line of output.split('\n')) c.line(line);
  return m.shownFailures(c.failedLines);
}

// What scripts/test-python.mjs prints of a Python whose suite failed: its status line, the FAIL/ERROR lines
// of unittest's verbose list (which end with "... FAIL" there, or are the blocks' heads), then the output's
// last 6000 characters, which may begin in the middle of the verbose list. (Real 3.11 unittest output.)
const PYTHON_TIER = `
--- Python 3.11: 2 passed, 2 failed, 0 skipped (0.1s) FAILED
test_chain (test_fake.T.test_chain) ... ERROR
test_str (test_fake.T.test_str) ... FAIL
ERROR: test_chain (test_fake.T.test_chain)
FAIL: test_str (test_fake.T.test_str)
st_fake.T.test_a_ok) ... ok
test_chain (test_fake.T.test_chain) ... ERROR
test_str (test_fake.T.test_str) ... FAIL
test_z_ok (test_fake.T.test_z_ok) ... ok

======================================================================
ERROR: test_chain (test_fake.T.test_chain)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/tmp/r11/test_fake.py", line 7, in test_chain
    {}['k']
    ~~^^^^^
KeyError: 'k'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/tmp/r11/test_fake.py", line 9, in test_chain
    raise RuntimeError('while handling')
RuntimeError: while handling

======================================================================
FAIL: test_str (test_fake.T.test_str)
A test's description (its docstring's first line, as the catalogue's tests give their case)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/tmp/r11/test_fake.py", line 4, in test_str
    def test_str(self): self.assertEqual('alpha\\nbeta', 'alpha\\ngamma')
                        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
AssertionError: 'alpha\\nbeta' != 'alpha\\ngamma'
  alpha
- beta+ gamma

----------------------------------------------------------------------
Ran 4 tests in 0.001s

FAILED (failures=1, errors=1)
`;

void test("the Python tier's summary gives each failed test once, with the exception that failed it", async () => {
  assert.deepEqual(await failures(PYTHON_TIER), [
    // the exception the test ended with (a chained one's last), not the one it was handling
    'ERROR: test_chain (test_fake.T.test_chain)\n      RuntimeError: while handling',
    // the exception's line, not the last line of its multi-line message (a diff)
    "FAIL: test_str (test_fake.T.test_str)\n      AssertionError: 'alpha\\nbeta' != 'alpha\\ngamma'",
  ]);
});

// Node's spec reporter (the unit tier): the error is indented under the ✖ line; at the end it lists the
// failures again under "✖ failing tests:".
const NODE_SPEC = `
✔ passes (2.678032ms)
✖ compares lists (2.457261ms)
  AssertionError [ERR_ASSERTION]: Expected values to be strictly deep-equal:
  + actual - expected
${'  '}
    [
      1,
      2,
  +   3
  -   4
    ]
      at TestContext.<anonymous> (file:///tmp/r11/f.test.mjs:4:39)
  }

ℹ tests 2
ℹ fail 1

✖ failing tests:

test at f.test.mjs:4:1
✖ compares lists (2.457261ms)
  AssertionError [ERR_ASSERTION]: Expected values to be strictly deep-equal:
  + actual - expected
${'  '}
    [
      1,
      2,
  +   3
  -   4
    ]
`;

void test("the unit tier's summary gives a failed test's first lines of error, once", async () => {
  assert.deepEqual(await failures(NODE_SPEC), [
    [
      '✖ compares lists (2.457261ms)',
      'AssertionError [ERR_ASSERTION]: Expected values to be strictly deep-equal:',
      '+ actual - expected',
      '[',
      '1,',
      '2,',
      '+   3',
    ].join('\n      '),
  ]);
});
