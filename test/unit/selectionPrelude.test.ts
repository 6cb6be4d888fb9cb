import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { layoutSelection, selectionPrelude } from '../../src/run/selectionPrelude';

/** The prelude's document lines for a selection of lines [start, end). */
const importPrelude = (lines: readonly string[], start: number, end = start + 1) =>
  selectionPrelude(lines, start, end).lines;

const doc = [
  'import threading', // 0
  'from queue import Queue', // 1
  '', // 2
  'from concurrent.futures import (', // 3
  '    ThreadPoolExecutor,', // 4
  '    as_completed,', // 5
  ')', // 6
  'X = 1', // 7
  'def f():', // 8
  '    import os', // 9
  '    return os.getpid()', // 10
  'import time', // 11
  'print(threading.active_count())', // 12
];

test('keeps top-level imports above the selection, with continuation lines', () => {
  const p = importPrelude(doc, 12);
  assert.deepEqual(
    p.map((l) => l.line),
    [0, 1, 3, 4, 5, 6, 11],
  );
  assert.equal(p[2].text, 'from concurrent.futures import (');
});

test('leaves out indented imports and anything at or after the selection start', () => {
  const p = importPrelude(doc, 8);
  assert.ok(!p.some((l) => l.line === 9 || l.line === 11));
  assert.deepEqual(importPrelude(doc, 0), []);
});

test('an import statement cut by the selection start is dropped whole', () => {
  const p = importPrelude(doc, 5);
  assert.deepEqual(
    p.map((l) => l.line),
    [0, 1],
  );
});

test('backslash continuations are followed', () => {
  const p = importPrelude(['import os, \\', '    sys', 'print(1)'], 2);
  assert.deepEqual(
    p.map((l) => l.text),
    ['import os, \\', '    sys'],
  );
});

test('layout keeps every line at its document line number', () => {
  const text = layoutSelection(importPrelude(doc, 12), 12, 'print(threading.active_count())\n').text;
  const lines = text.split('\n');
  assert.equal(lines[0], 'import threading');
  assert.equal(lines[11], 'import time');
  assert.equal(lines[7], '', 'non-import module code is blanked');
  assert.equal(lines[12], 'print(threading.active_count())');
});

test('a selection on the first line needs no layout', () => {
  assert.equal(layoutSelection([], 0, 'print(1)\n').text, 'print(1)\n');
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
  'import threading', // 0
  'N = 4', // 1
  'UNUSED = 9', // 2
  'lock = threading.Lock()', // 3
  'count = 0', // 4
  'count += 1', // 5  (so count is not assigned once)
  '', // 6
  'def bump(n):', // 7
  '    with lock:', // 8
  '        return helper(n) + count', // 9
  '', // 10
  'def helper(n):', // 11
  '    return n * N', // 12
  '', // 13
  '@staticmethod', // 14
  'def decorated():', // 15
  '    pass', // 16
  '', // 17
  'class Counter:', // 18
  '    def __init__(self):', // 19
  '        self.value = 0', // 20
  '', // 21
  'print("top-level effect")', // 22
  'for i in range(3):', // 23
  '    bump(i)', // 24
  'if __name__ == "__main__":', // 25
  '    c = Counter()', // 26
  '    ts = [threading.Thread(target=bump, args=(k,)) for k in range(N)]', // 27
  '    print(decorated, a, b)', // 28
  'a, b = 1, 2', // 29
];

test('a main block brings the definitions it uses, transitively, and no effects', () => {
  const p = selectionPrelude(script, 26, 29);
  assert.deepEqual(p.definitions, ['N', 'lock', 'bump', 'helper', 'decorated', 'Counter', 'a', 'b']);
  assert.deepEqual(p.fromBelow, ['a', 'b'], 'a pure constant below the selection comes along too');
  const lines = p.lines.map((l) => l.line);
  for (const l of [0, 1, 3, 7, 8, 9, 11, 12, 14, 15, 16, 18, 19, 20, 29])
    assert.ok(lines.includes(l), `line ${l} comes along`);
  for (const l of [2, 4, 5, 22, 23, 24, 25]) assert.ok(!lines.includes(l), `line ${l} stays out`);
  for (const l of p.lines) assert.equal(l.text, script[l.line], 'each line is the document line');
});

test('a name assigned more than once at top level is left out (which value would be right?)', () => {
  assert.ok(!selectionPrelude(script, 26, 29).definitions.includes('count'));
  const p = selectionPrelude(['X = 1', 'X = 2', 'print(X)'], 2, 3);
  assert.deepEqual(p.definitions, []);
});

test('the statement the selection is in does not come along; a pure definition below it does', () => {
  const doc = ['def main():', '    work()', '', 'def work():', '    pass', 'main()'];
  const p = selectionPrelude(doc, 1, 2);
  assert.deepEqual(p.definitions, ['work'], 'main contains the selection');
  assert.deepEqual(p.fromBelow, ['work']);
});

test('a main block above the helpers it calls: the helpers come along and run first, lines map back', () => {
  const doc = [
    'import threading', //                      1
    'if __name__ == "__main__":', //            2
    '    t = threading.Thread(target=work)', // 3 (selected)
    '    t.start(); t.join()', //               4 (selected)
    '', //                                      5
    'LIMIT = 3', //                             6
    'def work():', //                           7
    '    print(LIMIT)', //                      8
  ];
  const p = selectionPrelude(doc, 2, 4);
  assert.deepEqual(p.definitions, ['LIMIT', 'work']);
  assert.deepEqual(p.fromBelow, ['LIMIT', 'work']);
  const layout = layoutSelection(p.lines, 2, 't = threading.Thread(target=work)\nt.start(); t.join()\n');
  assert.deepEqual(layout.text.split('\n'), [
    'import threading',
    '',
    'LIMIT = 3',
    'def work():',
    '    print(LIMIT)',
    't = threading.Thread(target=work)',
    't.start(); t.join()',
    '',
  ]);
  assert.equal(layout.selectionLine, 6);
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7].map((l) => layout.documentLine(l)),
    [1, 2, 6, 7, 8, 3, 4],
  );
});

test('a definition below the selection comes along only when defining it has no effect', () => {
  const below = (...defs: string[]): string[] => selectionPrelude(['print(helper)', ...defs], 0, 1).definitions;
  // Effects when defined: decorators, defaults and annotations that call, class bodies that do anything.
  assert.deepEqual(below('@cache', 'def helper(): pass'), []);
  assert.deepEqual(below('def helper(x=make()): pass'), []);
  assert.deepEqual(below('def helper(x: f() = 1): pass'), []);
  assert.deepEqual(below('def helper() -> g(): pass'), []);
  assert.deepEqual(below('def helper(x=[i for i in y]): pass'), []);
  assert.deepEqual(below('helper = make()'), []);
  assert.deepEqual(below('helper = f"{x}"'), []);
  assert.deepEqual(below('class helper:', '    print("defined")'), []);
  assert.deepEqual(below('class helper(metaclass=M): pass'), []);
  assert.deepEqual(below('class helper(base()): pass'), []);
  assert.deepEqual(below('class helper:', '    @register', '    def m(self): pass'), []);
  assert.deepEqual(below('class helper:', '    x = compute()'), []);
  assert.deepEqual(below('import helper'), [], 'an import below the selection runs a module');
  // None: the body of a def runs only when called; literals, names, lambdas; builtin method decorators.
  assert.deepEqual(below('def helper(x=1, *a, y=None, **k) -> int:', '    return make(x)'), ['helper']);
  assert.deepEqual(below('helper = (1, -2.5, "s", [N], {"k": N}, lambda v: v())'), ['helper']);
  assert.deepEqual(
    below(
      'class helper(Base):',
      '    """Doc."""',
      '    LIMIT = 3',
      '    @staticmethod',
      '    def m(): return go()',
      '    @property',
      '    def p(self): pass',
      '    @p.setter',
      '    def p(self, v): pass',
    ),
    ['helper'],
  );
});

test('tuple and annotated assignments of plain names are definitions; attribute targets are not', () => {
  const doc = [
    'a, b = 1, 2',
    'c: int = 3',
    'import types',
    'o = types.SimpleNamespace()',
    'o.x = 1',
    'print(a, b, c, o)',
  ];
  assert.deepEqual(selectionPrelude(doc, 5, 6).definitions, ['a', 'b', 'c'], 'o is changed by o.x = 1: left out');
});

test('an unfinished statement above the selection is left out, not cut', () => {
  const doc = ['def f(:', '    pass', 'X = 1', 'print(X)'];
  assert.deepEqual(selectionPrelude(doc, 3, 4).definitions, ['X']);
});
