import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { importPrelude, layoutSelection } from '../../src/run/selectionPrelude';

const doc = [
  'import threading',             // 0
  'from queue import Queue',      // 1
  '',                             // 2
  'from concurrent.futures import (', // 3
  '    ThreadPoolExecutor,',      // 4
  '    as_completed,',            // 5
  ')',                            // 6
  'X = 1',                        // 7
  'def f():',                     // 8
  '    import os',                // 9
  '    return os.getpid()',       // 10
  'import time',                  // 11
  'print(threading.active_count())', // 12
];

test('keeps top-level imports above the selection, with continuation lines', () => {
  const p = importPrelude(doc, 12);
  assert.deepEqual(p.map((l) => l.line), [0, 1, 3, 4, 5, 6, 11]);
  assert.equal(p[2].text, 'from concurrent.futures import (');
});

test('leaves out indented imports and anything at or after the selection start', () => {
  const p = importPrelude(doc, 8);
  assert.ok(!p.some((l) => l.line === 9 || l.line === 11));
  assert.deepEqual(importPrelude(doc, 0), []);
});

test('an import statement cut by the selection start is dropped whole', () => {
  const p = importPrelude(doc, 5);
  assert.deepEqual(p.map((l) => l.line), [0, 1]);
});

test('backslash continuations are followed', () => {
  const p = importPrelude(['import os, \\', '    sys', 'print(1)'], 2);
  assert.deepEqual(p.map((l) => l.text), ['import os, \\', '    sys']);
});

test('layout keeps every line at its document line number', () => {
  const text = layoutSelection(importPrelude(doc, 12), 12, 'print(threading.active_count())\n');
  const lines = text.split('\n');
  assert.equal(lines[0], 'import threading');
  assert.equal(lines[11], 'import time');
  assert.equal(lines[7], '', 'non-import module code is blanked');
  assert.equal(lines[12], 'print(threading.active_count())');
});

test('a selection on the first line needs no layout', () => {
  assert.equal(layoutSelection([], 0, 'print(1)\n'), 'print(1)\n');
});

test('prepareProgram mirrors the document for a selection with a prelude', async () => {
  const { prepareProgram } = await import('../../src/run/prepareProgram');
  const { readFile } = await import('node:fs/promises');
  const prepared = await prepareProgram({
    text: '    t = threading.Thread(target=print)\n    t.start()\n',
    startLine: 3,
    isSelection: true,
    displayName: 'app.py',
    prelude: [{ line: 0, text: 'import threading' }],
  });
  try {
    const written = (await readFile(prepared.file, 'utf8')).split('\n');
    assert.equal(written[0], 'import threading');
    assert.equal(written[3], 't = threading.Thread(target=print)', 'the selection is dedented, in place');
    assert.equal(prepared.lineOffset, 0);
    assert.deepEqual(prepared.toUser(4, 1), { line: 4, column: 5 }, 'selection columns get the indent back');
    assert.deepEqual(prepared.toUser(1, 1), { line: 1, column: 1 }, 'prelude columns are unchanged');
  } finally {
    await prepared.cleanup();
  }
});
