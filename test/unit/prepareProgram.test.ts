import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import {
  commonIndent,
  dedent,
  stringContinuations,
  prepareProgram,
  programFileName,
} from '../../src/run/prepareProgram';
import type { ProgramSource } from '../../src/run/types';

const src = (p: Partial<ProgramSource>): ProgramSource => ({
  text: 'print(1)\n',
  startLine: 0,
  isSelection: false,
  displayName: 'app.py',
  ...p,
});

void test('commonIndent ignores blank lines and stops at the first difference', () => {
  assert.equal(commonIndent(['    a', '', '      b', '    c']), '    ');
  assert.equal(commonIndent(['\t\ta', '\t b']), '\t');
  assert.equal(commonIndent(['a', '    b']), '');
  assert.equal(commonIndent(['', '   ']), '');
});

void test('dedent removes the common indent and keeps line count', () => {
  const r = dedent('        x = 1\r\n        if x:\n            print(x)\n\n        y = """\n  doc\n"""\n');
  assert.equal(r.indent, '        ');
  assert.equal(r.text, 'x = 1\nif x:\n    print(x)\n\ny = """\n  doc\n"""\n');
  assert.equal(r.text.split('\n').length, 8, 'string content keeps its indentation');
});

void test('lines inside triple-quoted strings are recognised', () => {
  const lines = [
    's = """a',
    '  b # not a comment',
    "  ''' still inside",
    'c"""',
    'd = "\\"\\"\\"" # one-line',
    "e = '''x'''",
    '  f = 1',
  ];
  assert.deepEqual(stringContinuations(lines), [false, true, true, true, false, false, false]);
});

void test('file names say what ran and stay safe', () => {
  assert.equal(programFileName(src({ userFile: '/home/u/My Project/démo file.py' })), 'démo_file.py');
  assert.equal(programFileName(src({ userFile: '/x/app.py', isSelection: true })), 'app_selection.py');
  assert.equal(programFileName(src({ displayName: 'Untitled-1' })), 'Untitled-1.py');
  assert.equal(programFileName(src({ displayName: '../../etc/passwd' })), 'passwd.py');
  assert.equal(programFileName(src({ displayName: '<script>' })), 'script.py');
  assert.equal(programFileName(src({ displayName: '' })), 'program.py');
});

void test('a selection is written dedented to a private dir and mapped back', async () => {
  const p = await prepareProgram(
    src({ text: '    for i in range(2):\n        print(i)\n', startLine: 9, isSelection: true, userFile: '/w/app.py' }),
  );
  try {
    assert.equal(await readFile(p.file, 'utf8'), 'for i in range(2):\n    print(i)\n');
    assert.equal((await stat(p.dir)).mode & 0o777, 0o700);
    assert.equal((await stat(p.file)).mode & 0o077, 0);
    assert.equal((await stat(p.outDir)).isDirectory(), true);
    assert.equal(p.title, 'selection of app.py (lines 10–11)');
    assert.equal(p.label, 'selection of app.py');
    assert.deepEqual(p.toUser(2, 5), { line: 11, column: 9 });
    assert.deepEqual(p.toUser(1), { line: 10, column: undefined });
  } finally {
    await p.cleanup();
  }
  assert.equal(existsSync(p.dir), false);
});

void test('an untitled document runs from its text, unchanged', async () => {
  const text = 'import sys\r\nprint(sys.argv)';
  const p = await prepareProgram(src({ text, displayName: 'Untitled-3' }));
  try {
    assert.equal(await readFile(p.file, 'utf8'), 'import sys\nprint(sys.argv)\n');
    assert.equal(p.title, 'Untitled-3');
    assert.equal(p.lineOffset, 0);
    assert.deepEqual(p.toUser(2, 3), { line: 2, column: 3 });
  } finally {
    await p.cleanup();
  }
});

void test('a temp root that is not writable fails clearly instead of running elsewhere', async () => {
  await assert.rejects(prepareProgram(src({}), '/proc/definitely-not-writable'), /ENOENT|EACCES|EROFS/);
});
