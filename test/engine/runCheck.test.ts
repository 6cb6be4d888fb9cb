// The pre-run check: missing or old interpreters, syntax errors mapped to the editor, unguarded processes.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { MAIN_PYTHON, pythonFor, run } from './engineHelpers';

void test('a missing interpreter is reported with the path that was tried', async () => {
  const { model } = await run('print(1)\n', { python: '/nonexistent/bin/python3' });
  assert.equal(model.error?.code, 'python-missing');
  assert.match(model.error?.message ?? '', /\/nonexistent\/bin\/python3/);
  assert.equal(model.lanes.length, 0);
});

for (const old of ['2.7', '3.7', '3.6']) {
  const py = pythonFor(old);
  void test(
    `Python ${old} is refused as too old`,
    { skip: py === undefined ? `Python ${old} is not installed` : false },
    async () => {
      const { model } = await run('print(1)\n', { python: py });
      assert.equal(model.error?.code, 'python-too-old', JSON.stringify(model.error));
      assert.match(model.error?.message ?? '', new RegExp(`Python ${old.replace('.', '\\.')}\\.\\d+`));
    },
  );
}

void test('a syntax error in a selection from inside a function maps back to the document line and column', async () => {
  const selection = [
    '        total = 0',
    '        for i in range(3):',
    '            total += (i',
    '        print(total)',
    '',
  ].join('\n');
  const { model } = await run(selection, {
    program: {
      text: selection,
      userFile: '/work/user/app.py',
      startLine: 10,
      isSelection: true,
      displayName: 'app.py',
    },
  });
  assert.equal(model.error?.code, 'syntax-error', JSON.stringify(model.error));
  assert.equal(model.error?.file, '/work/user/app.py');
  // Python reports the unclosed "(" on selection line 3 → document line 13 (1-based), column 22.
  assert.equal(model.error?.line, 13);
  assert.equal(model.error?.column, 22);
  assert.equal(model.lineOffset, 10);
});

void test('a selection from inside a function runs dedented, with lines mapped by lineOffset', async () => {
  const selection = ['    def twice(x):', '        return 2 * x', '    print(twice(21))', ''].join('\n');
  const { model, stdout } = await run(selection, {
    program: { text: selection, userFile: '/work/user/app.py', startLine: 4, isSelection: true, displayName: 'app.py' },
  });
  assert.equal(model.error, null);
  assert.equal(stdout, '42\n');
  assert.equal(model.lineOffset, 4);
  assert.match(model.title, /^selection of app\.py \(lines 5–7\)$/);
  const span = model.spans.find((s) => s.name === 'twice');
  assert.ok(span, 'twice() was traced');
  assert.equal(span.line + model.lineOffset, 5, 'def twice is on document line 5');
  assert.equal(model.sources[span.source].label, 'selection of app.py');
});

void test('module-level Process creation under spawn is refused with the line and the fix', async () => {
  const text = [
    'import multiprocessing as mp',
    'mp.set_start_method("spawn")',
    'def f():',
    '    print("hi")',
    'p = mp.Process(target=f)',
    'p.start()',
    'p.join()',
    '',
  ].join('\n');
  const { model } = await run(text);
  assert.equal(model.error?.code, 'unguarded-process', JSON.stringify(model.error));
  assert.equal(model.error?.line, 5);
  assert.match(model.error?.hint ?? '', /if __name__ == "__main__":/);
});

void test('the same unguarded Process under fork runs (fork children do not re-import)', async () => {
  const text = [
    'import multiprocessing as mp',
    'mp.set_start_method("fork")',
    'def f():',
    '    print("hi", flush=True)',
    'p = mp.Process(target=f)',
    'p.start()',
    'p.join()',
    '',
  ].join('\n');
  const { model, stdout } = await run(text);
  assert.equal(model.error, null, JSON.stringify(model.error));
  assert.equal(stdout, 'hi\n');
  assert.equal(model.stats.processes.own, 2);
});

void test('the interpreter actually used is reported', async () => {
  const { model } = await run('pass\n');
  assert.match(model.python, /^3\.\d+\.\d+$/);
  assert.ok(MAIN_PYTHON.includes(model.python) || MAIN_PYTHON === 'python3');
});
