/** The editor re-parses incrementally after each change: that must give the same findings as a full parse. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPython, parsePython, reparsePython } from '../../../src/checks/engine';

const root = join(__dirname, '..', '..', '..', '..');

void test('incremental re-parse after typing, deleting and pasting finds what a full parse finds', () => {
  let text = readFileSync(join(root, 'test', 'fixtures', 'programs', 'seed_multiprocessing.py'), 'utf8');
  let tree = parsePython(text);
  const edits: Array<(t: string) => string> = [
    (t) => t.replace('process1.start()', 'process1.run()'),
    (t) =>
      t.replace(
        'import multiprocessing\n',
        'import multiprocessing\nimport time\n\nasync def f():\n    time.sleep(1)\n',
      ),
    (t) => t.replace('    time.sleep(1)\n', '    time.sle'),
    (t) => t.replace('time.sle', 'time.sleep(2)\n'),
    (t) => `if __name__ == "__main__":\n    pass\n${t}`,
    (t) => t.slice(0, t.length / 2),
  ];
  for (const edit of edits) {
    const next = edit(text);
    tree = reparsePython({ text, tree }, next);
    text = next;
    assert.deepEqual(checkPython(text, tree), checkPython(text), text);
  }
});
