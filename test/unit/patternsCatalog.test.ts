import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CatalogError,
  PATTERN_GROUPS,
  findPattern,
  groupCatalog,
  loadCatalog,
  parsePythonVersion,
  supportsPython,
} from '../../src/patterns/catalog';

// out/test/unit -> repository root
const root = join(__dirname, '..', '..', '..');
const snippetText = readFileSync(join(root, 'snippets', 'python.code-snippets'), 'utf8');

const one = (fields: Record<string, unknown>): string =>
  JSON.stringify({
    'A pattern': {
      prefix: 'p-one',
      body: ['x = ${1:1}'],
      description: 'd',
      group: 'Threads',
      minPython: '3.8',
      ...fields,
    },
  });

void test('an entry is parsed with its preview', () => {
  const [e] = loadCatalog(one({}));
  assert.deepEqual(e, {
    name: 'A pattern',
    prefix: 'p-one',
    group: 'Threads',
    minPython: '3.8',
    description: 'd',
    body: 'x = ${1:1}',
    preview: 'x = 1',
  });
});

void test('body and prefix may be strings or lists, as VS Code allows', () => {
  const [e] = loadCatalog(one({ body: 'a\nb', prefix: ['first', 'second'] }));
  assert.equal(e.body, 'a\nb');
  assert.equal(e.prefix, 'first');
});

void test('bad entries are rejected with the snippet named', () => {
  const bad: Record<string, unknown>[] = [
    { group: 'Misc' },
    { group: undefined },
    { minPython: '3' },
    { minPython: 3.8 },
    { minPython: '3.7' },
    { minPython: '2.7' },
    { body: [] },
    { body: 42 },
    { prefix: '' },
    { description: undefined },
  ];
  for (const fields of bad) {
    assert.throws(
      () => loadCatalog(one(fields)),
      (e: unknown) => e instanceof CatalogError && e.message.includes('"A pattern"'),
      JSON.stringify(fields),
    );
  }
  assert.throws(() => loadCatalog('{ "x": 1 }'), CatalogError);
  assert.throws(() => loadCatalog('[]'), CatalogError);
  assert.throws(() => loadCatalog('{ // comment\n }'), /not valid JSON/);
});

void test('duplicate prefixes are rejected', () => {
  const text = JSON.stringify({
    a: { prefix: 'same', body: 'x', description: 'd', group: 'Threads', minPython: '3.8' },
    b: { prefix: 'same', body: 'y', description: 'd', group: 'Asyncio', minPython: '3.8' },
  });
  assert.throws(() => loadCatalog(text), /share the prefix "same"/);
});

void test('versions compare numerically', () => {
  assert.deepEqual(parsePythonVersion('3.12.1'), [3, 12]);
  assert.equal(parsePythonVersion('python'), undefined);
  assert.equal(supportsPython({ minPython: '3.11' }, '3.11.7'), true);
  assert.equal(supportsPython({ minPython: '3.11' }, '3.9.18'), false);
  assert.equal(supportsPython({ minPython: '3.9' }, '3.10'), true); // not a string comparison
  assert.equal(supportsPython({ minPython: '3.8' }, '4.0'), true);
  assert.equal(supportsPython({ minPython: '3.8' }, '2.7.18'), false);
  assert.equal(supportsPython({ minPython: '3.8' }, 'garbage'), false);
});

void test('grouping follows the fixed group order and drops empty groups', () => {
  const mk = (prefix: string, group: string): Record<string, unknown> => ({
    prefix,
    body: 'x',
    description: 'd',
    group,
    minPython: '3.8',
  });
  const entries = loadCatalog(
    JSON.stringify({ a: mk('a', 'Pitfalls'), b: mk('b', 'Threads'), c: mk('c', 'Pitfalls') }),
  );
  const groups = groupCatalog(entries);
  assert.deepEqual(
    groups.map((g) => [g.group, g.entries.map((e) => e.prefix)]),
    [
      ['Threads', ['b']],
      ['Pitfalls', ['a', 'c']],
    ],
  );
  assert.equal(findPattern(entries, 'c')?.name, 'c');
  assert.equal(findPattern(entries, 'zzz'), undefined);
});

// ---- the real snippet file ------------------------------------------------------------------
const catalog = loadCatalog(snippetText);

void test('the snippet file has at least 30 patterns in every group', () => {
  assert.ok(catalog.length >= 30, `${catalog.length} patterns`);
  const groups = groupCatalog(catalog);
  assert.deepEqual(
    groups.map((g) => g.group),
    [...PATTERN_GROUPS],
  );
});

void test('the blog patterns and the required topics are all there', () => {
  const required = [
    'thread-start',
    'async-gather',
    'mp-process',
    'exec-threads',
    'exec-threads-map',
    'exec-processes',
    'exec-processes-map',
    'async-create-task',
    'async-taskgroup',
    'async-wait-for',
    'async-timeout',
    'async-queue',
    'async-semaphore',
    'async-to-thread',
    'async-run-in-executor',
    'sync-lock',
    'sync-rlock',
    'sync-condition',
    'sync-event',
    'sync-barrier',
    'sync-semaphore',
    'thread-timer',
    'thread-queue-workers',
    'thread-daemon',
    'mp-pool',
    'mp-queue',
    'mp-pipe',
    'mp-lock',
    'mp-value-array',
    'mp-manager',
    'race-condition',
    'race-fixed',
    'deadlock',
    'deadlock-fixed',
    'async-cancel',
    'async-shutdown',
    'thread-shutdown',
  ];
  const missing = required.filter((p) => !findPattern(catalog, p));
  assert.deepEqual(missing, []);
});

void test('prefixes are short kebab-case words', () => {
  for (const e of catalog) assert.match(e.prefix, /^[a-z]+(-[a-z]+){0,3}$/, e.prefix);
});

void test('descriptions are one line, and name the version when it is above 3.8', () => {
  for (const e of catalog) {
    assert.ok(!e.description.includes('\n') && e.description.length <= 140, e.prefix);
    assert.equal(e.description.includes(`(${e.minPython}+)`), e.minPython !== '3.8', e.prefix);
  }
});

void test('every body has tab stops and a final $0, and expands to plain Python', () => {
  for (const e of catalog) {
    assert.match(e.body, /\$\{1[:|]/, `${e.prefix} has a first placeholder with a default`);
    assert.match(e.body, /\$0/, `${e.prefix} has a final tab stop`);
    assert.ok(!e.preview.includes('$'), `${e.prefix} preview still has snippet syntax`);
    assert.ok(!e.preview.includes('\t'), `${e.prefix} indents with spaces`);
  }
});

void test('bodies use modern idiom: asyncio.run, main guard, with-executors', () => {
  for (const e of catalog) {
    const code = e.preview;
    assert.match(code, /^if __name__ == "__main__":/m, `${e.prefix} has a main guard`);
    if (/\basync def\b/.test(code)) assert.match(code, /asyncio\.run\(/, `${e.prefix} uses asyncio.run`);
    assert.doesNotMatch(code, /get_event_loop\(\)/, `${e.prefix} avoids get_event_loop`);
    assert.doesNotMatch(
      code,
      /^\s*\w+ = concurrent\.futures\.ProcessPoolExecutor/m,
      `${e.prefix} uses with for process pools`,
    );
    // Processes are only created under the guard: nothing at module level starts one.
    const moduleLevel = code.split(/^if __name__ == "__main__":/m)[0];
    assert.doesNotMatch(
      moduleLevel,
      /^\S.*(Process\(|Pool\(|ProcessPoolExecutor\(|Manager\()/m,
      `${e.prefix} starts processes unguarded`,
    );
  }
});

void test('TaskGroup and asyncio.timeout snippets declare 3.11, to_thread 3.9', () => {
  for (const e of catalog) {
    if (/TaskGroup|asyncio\.timeout\(/.test(e.preview))
      assert.ok(supportsPython(e, '3.11') && !supportsPython(e, '3.10'), e.prefix);
    if (/asyncio\.to_thread|cancel_futures/.test(e.preview)) assert.ok(!supportsPython(e, '3.8'), e.prefix);
  }
});
