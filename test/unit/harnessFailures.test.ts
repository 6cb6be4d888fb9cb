import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// The harness's own scripts are ES modules; this test tier compiles to CommonJS (whose import() is require).
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a real import(): tsc would turn import() into require() here
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;
const ROOT = join(__dirname, '..', '..', '..');

/** A failed test as the collector keeps it: its line, the Python it failed on ('' if none), what failed it. */
interface FailedTest {
  test: string;
  python: string;
  reason: string[];
}

interface FailureReasons {
  failedTestCollector(): { failed: FailedTest[]; line(line: string): void };
  shownFailures(failed: readonly FailedTest[]): string[];
}

const load = async (): Promise<FailureReasons> =>
  (await importModule(pathToFileURL(join(ROOT, 'scripts', 'failureReasons.mjs')).href)) as FailureReasons;

async function failures(output: string): Promise<string[]> {
  const m = await load();
  const c = m.failedTestCollector();
  for (const line of output.split('\n')) c.line(line);
  return m.shownFailures(c.failed);
}

// What scripts/test-python.mjs prints of a Python whose suite failed: its status line, the FAIL/ERROR lines
// of unittest's verbose list (which end with "... FAIL" there, or are the blocks' heads), then the output's
// last 6000 characters, which may begin in the middle of the verbose list. (Real 3.11 unittest output.)
const PYTHON_TIER = `
--- Python 3.11.7: 2 passed, 2 failed, 0 skipped (0.1s) FAILED
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
    'ERROR: test_chain (test_fake.T.test_chain) on Python 3.11.7\n      RuntimeError: while handling',
    // the exception's line, not the last line of its multi-line message (a diff)
    "FAIL: test_str (test_fake.T.test_str) on Python 3.11.7\n      AssertionError: 'alpha\\nbeta' != 'alpha\\ngamma'",
  ]);
});

// scripts/test-python.mjs's output of a scratch suite on this machine's Pythons (3.9 and 3.11 cut out): one
// test fails on all of them, one on 3.8 only, one errs on 3.12 and later, and on 3.10 the last test ends the
// process (os._exit(3)), so that suite prints no FAIL:/ERROR: block of its own.
const PYTHONS = `

--- Python 3.10.13: 0 passed, 1 failed, 0 skipped (0.4s) FAILED
test_everywhere (test_fake.T) ... FAIL
test_a_ok (test_fake.T) ... ok
test_everywhere (test_fake.T) ... FAIL
test_new_error (test_fake.T) ... ok
test_old_only (test_fake.T)
Fails on 3.8 only. ... ok
test_z_crash (test_fake.T) ... 
ERROR: the suite exited with code 3 before unittest's summary

--- Python 3.13.0: 3 passed, 2 failed, 0 skipped (0.1s) FAILED
test_everywhere (test_fake.T.test_everywhere) ... FAIL
test_new_error (test_fake.T.test_new_error) ... ERROR
ERROR: test_new_error (test_fake.T.test_new_error)
FAIL: test_everywhere (test_fake.T.test_everywhere)
test_a_ok (test_fake.T.test_a_ok) ... ok
test_everywhere (test_fake.T.test_everywhere) ... FAIL
test_new_error (test_fake.T.test_new_error) ... ERROR
test_old_only (test_fake.T.test_old_only)
Fails on 3.8 only. ... ok
test_z_crash (test_fake.T.test_z_crash) ... ok

======================================================================
ERROR: test_new_error (test_fake.T.test_new_error)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/tmp/hint/fake/test/python/test_fake.py", line 21, in test_new_error
    raise KeyError("monitoring")
KeyError: 'monitoring'

======================================================================
FAIL: test_everywhere (test_fake.T.test_everywhere)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/tmp/hint/fake/test/python/test_fake.py", line 13, in test_everywhere
    self.assertEqual(1, 2)
    ~~~~~~~~~~~~~~~~^^^^^^
AssertionError: 1 != 2

----------------------------------------------------------------------
Ran 5 tests in 0.002s

FAILED (failures=1, errors=1)


--- Python 3.12.1: 3 passed, 2 failed, 0 skipped (0.4s) FAILED
test_everywhere (test_fake.T.test_everywhere) ... FAIL
test_new_error (test_fake.T.test_new_error) ... ERROR
ERROR: test_new_error (test_fake.T.test_new_error)
FAIL: test_everywhere (test_fake.T.test_everywhere)
test_a_ok (test_fake.T.test_a_ok) ... ok
test_everywhere (test_fake.T.test_everywhere) ... FAIL
test_new_error (test_fake.T.test_new_error) ... ERROR
test_old_only (test_fake.T.test_old_only)
Fails on 3.8 only. ... ok
test_z_crash (test_fake.T.test_z_crash) ... ok

======================================================================
ERROR: test_new_error (test_fake.T.test_new_error)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/tmp/hint/fake/test/python/test_fake.py", line 21, in test_new_error
    raise KeyError("monitoring")
KeyError: 'monitoring'

======================================================================
FAIL: test_everywhere (test_fake.T.test_everywhere)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/tmp/hint/fake/test/python/test_fake.py", line 13, in test_everywhere
    self.assertEqual(1, 2)
AssertionError: 1 != 2

----------------------------------------------------------------------
Ran 5 tests in 0.001s

FAILED (failures=1, errors=1)


--- Python 3.8.18: 3 passed, 2 failed, 0 skipped (0.2s) FAILED
test_everywhere (test_fake.T) ... FAIL
Fails on 3.8 only. ... FAIL
FAIL: test_everywhere (test_fake.T)
FAIL: test_old_only (test_fake.T)
test_a_ok (test_fake.T) ... ok
test_everywhere (test_fake.T) ... FAIL
test_new_error (test_fake.T) ... ok
test_old_only (test_fake.T)
Fails on 3.8 only. ... FAIL
test_z_crash (test_fake.T) ... ok

======================================================================
FAIL: test_everywhere (test_fake.T)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/tmp/hint/fake/test/python/test_fake.py", line 13, in test_everywhere
    self.assertEqual(1, 2)
AssertionError: 1 != 2

======================================================================
FAIL: test_old_only (test_fake.T)
Fails on 3.8 only.
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/tmp/hint/fake/test/python/test_fake.py", line 17, in test_old_only
    self.assertNotEqual(V, (3, 8), "not on 3.8")
AssertionError: (3, 8) == (3, 8) : not on 3.8

----------------------------------------------------------------------
Ran 5 tests in 0.001s

FAILED (failures=2)



version   passed failed skipped  time
3.8.18         3      2       0    0.2s
3.9.18         4      1       0    0.2s
3.10.13        0      1       0    0.4s
3.11.7         4      1       0    0.7s
3.12.1         3      2       0    0.4s
3.13.0         3      2       0    0.1s
`;

void test("the Python tier's summary names the Python a test failed on, and all of them when it failed alike on several", async () => {
  assert.deepEqual(await failures(PYTHONS), [
    "ERROR: the suite exited with code 3 before unittest's summary on Python 3.10.13",
    "ERROR: test_new_error (test_fake.T.test_new_error) on Python 3.12.1, 3.13.0\n      KeyError: 'monitoring'",
    'FAIL: test_everywhere (test_fake.T.test_everywhere) on Python 3.12.1, 3.13.0\n      AssertionError: 1 != 2',
    // (3.8's names are shorter: the same test failing alike there is still another line)
    'FAIL: test_everywhere (test_fake.T) on Python 3.8.18\n      AssertionError: 1 != 2',
    'FAIL: test_old_only (test_fake.T) on Python 3.8.18\n      AssertionError: (3, 8) == (3, 8) : not on 3.8',
  ]);
});

void test("a Python whose suite died before unittest's summary is in the summary too, named: the real script, real Pythons", async () => {
  // scripts/test-python.mjs runs the test/python beside it: a copy of it, beside a suite whose test ends the process
  const root = mkdtempSync(join(tmpdir(), 'concurrency-lab-python-tier-'));
  try {
    mkdirSync(join(root, 'scripts'));
    mkdirSync(join(root, 'test', 'python'), { recursive: true });
    copyFileSync(join(ROOT, 'scripts', 'test-python.mjs'), join(root, 'scripts', 'test-python.mjs'));
    writeFileSync(
      join(root, 'test', 'python', 'test_dies.py'),
      'import os, unittest\n\nclass T(unittest.TestCase):\n    def test_dies(self):\n        os._exit(3)\n',
    );
    const run = spawnSync('node', [join(root, 'scripts', 'test-python.mjs')], { encoding: 'utf8', timeout: 120_000 });
    const versions = [...run.stdout.matchAll(/^--- Python (\S+): /gm)].map((m) => m[1]);
    assert.ok(versions.length > 0, run.stdout + run.stderr);
    versions.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    assert.deepEqual(await failures(run.stdout), [
      `ERROR: the suite exited with code 3 before unittest's summary on Python ${versions.join(', ')}`,
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
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
