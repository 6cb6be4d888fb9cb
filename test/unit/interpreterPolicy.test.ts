import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  explainCheck,
  interpreterCandidates,
  isTooOld,
  parseCheckOutput,
  type ExplainContext,
} from '../../src/run/interpreterPolicy';

const ctx = (toUser = (line: number, column?: number) => ({ line, column })): ExplainContext => ({
  python: 'python3',
  file: '/w/app.py',
  toUser,
});

void test('interpreter order: our setting, then the Python extension, then PATH', () => {
  assert.deepEqual(interpreterCandidates({ pythonExtension: '/venv/bin/python', setting: '/usr/bin/python3.9' }), [
    { command: '/usr/bin/python3.9', origin: 'setting' },
  ]);
  assert.deepEqual(interpreterCandidates({ pythonExtension: '/venv/bin/python', setting: ' ' }), [
    { command: '/venv/bin/python', origin: 'python-extension' },
  ]);
  assert.deepEqual(
    interpreterCandidates({ platform: 'linux' }).map((c) => c.command),
    ['python3', 'python'],
  );
  assert.deepEqual(
    interpreterCandidates({ platform: 'win32' }).map((c) => c.command),
    ['python', 'python3'],
  );
});

void test('check output parses; noise before it and garbage are tolerated', () => {
  const r = parseCheckOutput(
    'some warning\n{"python": "3.12.1", "version": [3, 12, 1], "too_old": false, "syntax_error": null, "unguarded_process": [{"line": 4, "call": "mp.Process(...)"}], "executable": "/x"}\n',
  );
  assert.equal(r?.python, '3.12.1');
  assert.deepEqual(r?.unguarded_process, [{ line: 4, call: 'mp.Process(...)' }]);
  assert.equal(parseCheckOutput(''), undefined);
  assert.equal(parseCheckOutput('{"nope": 1}\n{broken'), undefined);
  assert.equal(parseCheckOutput('{"python": "2.7.18", "too_old": true}')?.too_old, true);
  assert.equal(
    parseCheckOutput('{"python": "3.7.17", "version": [3, 7, 17]}')?.too_old,
    true,
    'version decides even without too_old',
  );
});

void test('verdicts: too old, syntax error mapped, nothing to say', () => {
  assert.equal(explainCheck(undefined, ctx())?.code, 'python-missing');
  const old = explainCheck({ python: '3.7.17', version: [3, 7, 17], too_old: true }, ctx());
  assert.equal(old?.code, 'python-too-old');
  assert.match(old?.message ?? '', /Python 3\.7\.17; Concurrency Lab needs Python 3\.8/);
  const syn = explainCheck(
    {
      python: '3.12.1',
      too_old: false,
      syntax_error: { msg: "'(' was never closed", line: 3, col: 14, text: '    total += (i\n' },
    },
    ctx((l, c) => ({ line: l + 10, column: c === undefined ? undefined : c + 8 })),
  );
  assert.deepEqual([syn?.code, syn?.line, syn?.column, syn?.file], ['syntax-error', 13, 22, '/w/app.py']);
  assert.match(syn?.hint ?? '', /total \+= \(i/);
  assert.equal(
    explainCheck({ python: '3.12.1', too_old: false, syntax_error: null, unguarded_process: [] }, ctx()),
    null,
  );
});

// (The start method itself is decided by the launcher, preflight.likely_start_method: test/python/test_check.py.)
void test('unguarded process creation matters only where children re-import the program', () => {
  const r = {
    python: '3.12.1',
    version: [3, 12, 1],
    too_old: false,
    syntax_error: null,
    unguarded_process: [{ line: 5, call: 'Process(...)' }],
  };
  assert.equal(explainCheck({ ...r, start_method: 'fork' }, ctx()), null, 'fork children do not re-import');
  const spawn = explainCheck({ ...r, start_method: 'spawn' }, ctx());
  assert.equal(spawn?.code, 'unguarded-process');
  assert.equal(spawn?.line, 5);
  assert.match(spawn?.message ?? '', /"spawn" start method/);
  assert.equal(explainCheck({ ...r, start_method: 'forkserver' }, ctx())?.code, 'unguarded-process');
  assert.equal(parseCheckOutput(JSON.stringify({ ...r, start_method: 'spawn' }))?.start_method, 'spawn');
  assert.equal(parseCheckOutput(JSON.stringify({ ...r, start_method: 'thread' }))?.start_method, undefined);
});

void test('isTooOld compares with MIN_PYTHON', () => {
  assert.equal(isTooOld([3, 7, 17]), true);
  assert.equal(isTooOld([2, 7]), true);
  assert.equal(isTooOld([3, 8, 0]), false);
  assert.equal(isTooOld([4, 0]), false);
});
