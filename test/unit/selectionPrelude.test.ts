import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { layoutSelection, selectionPrelude } from '../../src/run/selectionPrelude';

/** The prelude's document lines for a selection of lines [start, end). */
const importPrelude = (lines: readonly string[], start: number, end = start + 1) => selectionPrelude(lines, start, end).lines;

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

const script = [
  'import threading',                     // 0
  'N = 4',                                // 1
  'UNUSED = 9',                           // 2
  'lock = threading.Lock()',              // 3
  'count = 0',                            // 4
  'count += 1',                           // 5  (so count is not assigned once)
  '',                                     // 6
  'def bump(n):',                         // 7
  '    with lock:',                       // 8
  '        return helper(n) + count',     // 9
  '',                                     // 10
  'def helper(n):',                       // 11
  '    return n * N',                     // 12
  '',                                     // 13
  '@staticmethod',                        // 14
  'def decorated():',                     // 15
  '    pass',                             // 16
  '',                                     // 17
  'class Counter:',                       // 18
  '    def __init__(self):',              // 19
  '        self.value = 0',               // 20
  '',                                     // 21
  'print("top-level effect")',            // 22
  'for i in range(3):',                   // 23
  '    bump(i)',                          // 24
  'if __name__ == "__main__":',           // 25
  '    c = Counter()',                    // 26
  '    ts = [threading.Thread(target=bump, args=(k,)) for k in range(N)]', // 27
  '    print(decorated, a, b)',           // 28
  'a, b = 1, 2',                          // 29
];

test('a main block brings the definitions it uses, transitively, and no effects', () => {
  const p = selectionPrelude(script, 26, 29);
  assert.deepEqual(p.definitions, ['N', 'lock', 'bump', 'helper', 'decorated', 'Counter']);
  const lines = p.lines.map((l) => l.line);
  for (const l of [0, 1, 3, 7, 8, 9, 11, 12, 14, 15, 16, 18, 19, 20]) assert.ok(lines.includes(l), `line ${l} comes along`);
  for (const l of [2, 4, 5, 22, 23, 24, 25, 29]) assert.ok(!lines.includes(l), `line ${l} stays out`);
  for (const l of p.lines) assert.equal(l.text, script[l.line], 'each line is the document line');
});

test('a name assigned more than once at top level is left out (which value would be right?)', () => {
  assert.ok(!selectionPrelude(script, 26, 29).definitions.includes('count'));
  const p = selectionPrelude(['X = 1', 'X = 2', 'print(X)'], 2, 3);
  assert.deepEqual(p.definitions, []);
});

test('definitions below the selection, or the statement the selection is in, do not come along', () => {
  const doc = ['def main():', '    work()', '', 'def work():', '    pass', 'main()'];
  assert.deepEqual(selectionPrelude(doc, 1, 2).definitions, [], 'work is defined below; main contains the selection');
});

test('tuple and annotated assignments of plain names are definitions; attribute targets are not', () => {
  const doc = ['a, b = 1, 2', 'c: int = 3', 'import types', 'o = types.SimpleNamespace()', 'o.x = 1', 'print(a, b, c, o)'];
  assert.deepEqual(selectionPrelude(doc, 5, 6).definitions, ['a', 'b', 'c'], 'o is changed by o.x = 1: left out');
});

test('an unfinished statement above the selection is left out, not cut', () => {
  const doc = ['def f(:', '    pass', 'X = 1', 'print(X)'];
  assert.deepEqual(selectionPrelude(doc, 3, 4).definitions, ['X']);
});
