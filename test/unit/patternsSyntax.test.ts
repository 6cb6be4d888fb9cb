import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { expandDefaults, parseSnippet } from '../../src/patterns/snippetSyntax';

void test('plain text passes through unchanged', () => {
  assert.equal(expandDefaults('print("hi")\nx = {1: 2}'), 'print("hi")\nx = {1: 2}');
});

void test('tabstops without defaults vanish, $0 included', () => {
  assert.equal(expandDefaults('a$1b${2}c$0'), 'abc');
});

void test('placeholders resolve to their defaults', () => {
  assert.equal(expandDefaults('def ${1:worker}(${2:n}):'), 'def worker(n):');
});

void test('mirrors repeat the first default given for their index', () => {
  assert.equal(
    expandDefaults('t = Thread(target=$1)\ndef ${1:task}(): pass\nprint("$1")'),
    't = Thread(target=task)\ndef task(): pass\nprint("task")',
  );
});

void test('a later placeholder with its own default keeps it', () => {
  assert.equal(expandDefaults('${1:a} ${1:b} $1'), 'a b a');
});

void test('nested placeholders expand inside their parent', () => {
  assert.equal(expandDefaults('${1:outer ${2:inner} end} / $2'), 'outer inner end / inner');
});

void test('a mirror of a nested placeholder resolves its nested defaults too', () => {
  assert.equal(expandDefaults('$1|${1:x${2:y}}'), 'xy|xy');
});

void test('a default that contains its own mirror does not loop', () => {
  assert.equal(expandDefaults('${1:a$1b}'), 'ab');
});

void test('choices take their first option, mirrors follow', () => {
  assert.equal(
    expandDefaults('${1|ThreadPoolExecutor,ProcessPoolExecutor|}() $1'),
    'ThreadPoolExecutor() ThreadPoolExecutor',
  );
});

void test('choice escapes: \\, \\| and \\\\', () => {
  assert.equal(expandDefaults('${1|a\\,b,c|}'), 'a,b');
  assert.equal(expandDefaults('${1|x\\|y,z|}'), 'x|y');
});

void test('a malformed choice is literal text', () => {
  assert.equal(expandDefaults('${1|a,b}'), '${1|a,b}');
  assert.equal(expandDefaults('${1||}'), '${1||}');
});

void test('escapes \\$ \\} \\\\ become literal characters; other backslashes stay', () => {
  assert.equal(expandDefaults('cost \\$5'), 'cost $5');
  assert.equal(expandDefaults('${1:a\\}b}'), 'a}b');
  assert.equal(expandDefaults('a\\\\$1'), 'a\\');
  assert.equal(expandDefaults('print("x\\n")'), 'print("x\\n")');
});

void test('a lone $ or unknown ${...} is literal text', () => {
  assert.equal(expandDefaults('price: $ 3'), 'price: $ 3');
  assert.equal(expandDefaults('${ oops }'), '${ oops }');
  assert.equal(expandDefaults('end$'), 'end$');
});

void test('an unclosed placeholder keeps its opening as text and still expands its content', () => {
  assert.equal(expandDefaults('${1:abc ${2:d}'), '${1:abc d');
});

void test('a closing brace outside any placeholder is text (Python dicts and f-strings)', () => {
  assert.equal(expandDefaults('print(f"{${1:name}} {x}")'), 'print(f"{name} {x}")');
});

void test('known variables resolve from the given values', () => {
  assert.equal(expandDefaults('# file: $TM_FILENAME', { TM_FILENAME: 'app.py' }), '# file: app.py');
  assert.equal(expandDefaults('# ${TM_FILENAME}', { TM_FILENAME: 'app.py' }), '# app.py');
});

void test('an unset known variable uses its default, else nothing', () => {
  assert.equal(expandDefaults('[${TM_SELECTED_TEXT:pass}]'), '[pass]');
  assert.equal(expandDefaults('[${TM_SELECTED_TEXT:pass}]', { TM_SELECTED_TEXT: '' }), '[pass]');
  assert.equal(expandDefaults('[$TM_SELECTED_TEXT]'), '[]');
});

void test('an unknown variable inserts its own name', () => {
  assert.equal(expandDefaults('x = $NOT_A_VAR'), 'x = NOT_A_VAR');
  assert.equal(expandDefaults('x = ${NOT_A_VAR:fallback}'), 'x = fallback');
});

void test('variable defaults may hold placeholders', () => {
  assert.equal(expandDefaults('${TM_SELECTED_TEXT:${1:pass}} $1'), 'pass pass');
});

void test('variable transforms with shorthand formats', () => {
  const vars = { TM_FILENAME_BASE: 'my_worker-pool' };
  assert.equal(expandDefaults('${TM_FILENAME_BASE/(.*)/${1:/upcase}/}', vars), 'MY_WORKER-POOL');
  assert.equal(expandDefaults('${TM_FILENAME_BASE/(.*)/${1:/pascalcase}/}', vars), 'MyWorkerPool');
  assert.equal(expandDefaults('${TM_FILENAME_BASE/(.*)/${1:/camelcase}/}', vars), 'myWorkerPool');
  assert.equal(expandDefaults('${TM_FILENAME_BASE/(m)(y)/${2:/capitalize}$1/}', vars), 'Ym_worker-pool');
  assert.equal(expandDefaults('${TM_FILENAME_BASE/[-_]/./g}', vars), 'my.worker.pool');
});

void test('conditional formats: if, else, if-else', () => {
  const f = (v: string, fmt: string): string => expandDefaults(`\${X_VAR/(a)?.*/${fmt}/}`, { X_VAR: v });
  assert.equal(f('abc', '${1:+has a}'), 'has a');
  assert.equal(f('bc', '${1:+has a}'), '');
  assert.equal(f('bc', '${1:-no a}'), 'no a');
  assert.equal(f('bc', '${1:?yes:no}'), 'no');
  assert.equal(f('abc', '${1:?yes:no}'), 'yes');
  assert.equal(f('bc', '${1:plain else}'), 'plain else');
});

void test('an else branch applies when the regex does not match at all', () => {
  assert.equal(expandDefaults('${TM_FILENAME/(z)/${1:-none}/}', { TM_FILENAME: 'abc' }), 'none');
  assert.equal(expandDefaults('${TM_FILENAME/(z)/X/}', { TM_FILENAME: 'abc' }), 'abc');
});

void test('placeholder transforms apply to the default, as after tabbing past it', () => {
  assert.equal(expandDefaults('class ${1:worker}: ${1/(.*)/${1:/upcase}/}'), 'class worker: WORKER');
});

void test('escaped slash in a transform regex and format', () => {
  assert.equal(expandDefaults('${TM_DIRECTORY/\\//./g}', { TM_DIRECTORY: 'a/b/c' }), 'a.b.c');
  assert.equal(expandDefaults('${TM_DIRECTORY/\\./\\//g}', { TM_DIRECTORY: 'a.b' }), 'a/b');
});

void test('an invalid transform regex is literal text', () => {
  assert.equal(expandDefaults('${TM_FILENAME/(/x/}', { TM_FILENAME: 'f' }), '${TM_FILENAME/(/x/}');
});

void test('the parser builds tabstops, choices and variables', () => {
  const nodes = parseSnippet('a${1:b$2}${3|x,y|}$V');
  assert.deepEqual(
    nodes.map((n) => n.kind),
    ['text', 'tabstop', 'tabstop', 'variable'],
  );
  const first = nodes[1];
  assert.ok(first.kind === 'tabstop' && first.index === 1 && first.children.length === 2);
  const choice = nodes[2];
  assert.ok(choice.kind === 'tabstop' && choice.choice !== undefined);
  assert.deepEqual(choice.choice, ['x', 'y']);
});
