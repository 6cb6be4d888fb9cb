// Run Selection on a script's main block: the definitions it uses come along (no NameError), effects do
// not, and a traceback names the editor's file and line, not the temp copy's.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { selectionPrelude, type PreludeLine } from '../../src/run/selectionPrelude';
import type { ProgramSource } from '../../src/run/types';
import { run } from './engineHelpers';

/** The program Run Selection hands the engine for `text` selected from line `startLine` (0-based) of app.py. */
function selectionOf(text: string, startLine: number, prelude?: PreludeLine[]): ProgramSource {
  return { text, userFile: '/work/user/app.py', startLine, isSelection: true, displayName: 'app.py', prelude };
}

const script = [
  'import threading', // 1
  'ROUNDS = 3', // 2
  '', // 3
  'def worker(n, out):', // 4
  '    out.append(n * ROUNDS)', // 5
  '', // 6
  'class Box:', // 7
  '    def __init__(self):', // 8
  '        self.items = []', // 9
  '', // 10
  'print("module effect")', // 11
  '', // 12
  'if __name__ == "__main__":', // 13
  '    box = Box()', // 14
  '    ts = [threading.Thread(target=worker, args=(i, box.items)) for i in range(2)]', // 15
  '    for t in ts: t.start()', // 16
  '    for t in ts: t.join()', // 17
  '    print(sorted(box.items))', // 18
  '    raise ValueError("boom")', // 19
];

void test('a selected main block runs with the definitions it uses, and its traceback names the editor line', async () => {
  const start = 13; // 0-based: document line 14, "box = Box()"
  const selection = script.slice(start).join('\n') + '\n';
  const prelude = selectionPrelude(script, start, script.length);
  assert.deepEqual(prelude.definitions, ['ROUNDS', 'worker', 'Box']);
  const { model, stdout, stderr } = await run(selection, { program: selectionOf(selection, start, prelude.lines) });
  assert.equal(stdout, '[0, 3]\n', 'no NameError, and the module-level print did not run');
  assert.equal(model.error?.code, 'uncaught-exception', JSON.stringify(model.error));
  assert.match(stderr, /File "\/work\/user\/app\.py", line 19/, stderr);
  assert.ok(!stderr.includes('app_selection.py'), `no temp path: ${stderr}`);
  assert.equal(model.error?.line, 19);
});

void test('a traceback of a dedented selection from inside a function names the document line', async () => {
  const selection = ['    x = 1', '    raise KeyError(x)', ''].join('\n');
  const { stderr } = await run(selection, { program: selectionOf(selection, 30) });
  assert.match(stderr, /File "\/work\/user\/app\.py", line 32/, stderr);
});

void test("a selected main block that calls helpers defined below it: they run first, and every line is the editor's", async () => {
  const doc = [
    'import threading', // 1
    '', // 2
    'if __name__ == "__main__":', // 3
    '    t = threading.Thread(target=work)', // 4 (selected)
    '    t.start()', // 5 (selected)
    '    t.join()', // 6 (selected)
    '    fail()', // 7 (selected)
    '', // 8
    'LIMIT = 2', // 9
    'def work():', // 10
    '    print("work", LIMIT)', // 11
    '', // 12
    'def fail():', // 13
    '    raise ValueError("boom")', // 14
    '', // 15
    'print("module effect")', // 16
  ];
  const start = 3;
  const selection = doc.slice(start, 7).join('\n') + '\n';
  const prelude = selectionPrelude(doc, start, 7);
  assert.deepEqual(prelude.fromBelow, ['LIMIT', 'work', 'fail']);
  const { model, stdout, stderr } = await run(selection, { program: selectionOf(selection, start, prelude.lines) });
  assert.equal(stdout, 'work 2\n', 'no NameError, and the module-level print did not run');
  assert.match(stderr, /File "\/work\/user\/app\.py", line 7, in <module>/, stderr);
  assert.match(stderr, /File "\/work\/user\/app\.py", line 14, in fail/, stderr);
  assert.equal(model.error?.line, 14, 'where it was raised, in the helper from below');
  // The timeline's lines are the document's too: work() is at line 10, its print at 11.
  assert.equal(model.lineOffset, 0);
  const work = model.spans.find((s) => s.name === 'work');
  assert.equal(work?.line, 10);
  assert.equal(model.markers.find((m) => m.kind === 'print')?.line, 11);
});
