// The explorer's outcome table, its diagnostics mapping and the explore webview's message guard: pure.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { findingDiagnostics } from '../../src/explore/diagnosticsMap';
import { exploreTable, firstDivergence, shortOutput } from '../../src/explore/tableModel';
import type { ExploreRecord, ExploreSummary } from '../../src/explore/types';
import { parseExploreWebviewMessage } from '../../src/shared/exploreTable';

const summary: ExploreSummary = {
  runs: 4,
  complete: false,
  outcomes: [
    { count: 3, stdout: 'total 200\n', exitCode: 0, failure: null, seed: 0 },
    {
      count: 1,
      stdout: 'a\nb\nc\nd\n',
      exitCode: null,
      failure: { kind: 'deadlock', message: 't1 holds Lock a and waits for Lock b' },
      seed: 5,
    },
  ],
  races: [
    {
      target: 'Account.balance',
      accesses: [
        { lane: 't1', file: '/w/bank.py', line: 7, kind: 'read' },
        { lane: 't2', file: '/w/bank.py', line: 8, kind: 'write' },
      ],
    },
  ],
  deadlocks: [],
};

void test('outcome rows: count and share, short output, exit code, failure in one line, first seed', () => {
  const t = exploreTable('bank.py', summary, 'done');
  assert.equal(t.runs, 4);
  assert.deepEqual(
    t.outcomes.map((o) => [o.count, o.percent, o.output, o.exitCode, o.failureKind, o.seed]),
    [
      [3, 75, 'total 200', 0, null, 0],
      [1, 25, 'a\nb\nc…', null, 'deadlock', 5],
    ],
  );
  assert.equal(t.outcomes[1].failure, 'Deadlock: t1 holds Lock a and waits for Lock b');
  assert.equal(t.outcomes[1].outputFull, 'a\nb\nc\nd\n');
  assert.deepEqual(
    t.races[0].accesses.map((a) => `${a.kind} ${a.lane} ${a.fileLabel}:${a.line}`),
    ['read t1 bank.py:7', 'write t2 bank.py:8'],
  );
  assert.equal(shortOutput('x'.repeat(500)).length, 161);
});

void test('first divergence: the first differing decision, or where the shorter schedule ends', () => {
  assert.equal(firstDivergence([0, 1, 1, 0], [0, 1, 0, 0]), 2);
  assert.equal(firstDivergence([0, 1], [0, 1, 1]), 2);
  assert.equal(firstDivergence([1, 0], [1, 0]), undefined);
  assert.equal(firstDivergence([], [1]), 0);
});

void test('a race becomes a diagnostic on each access, each pointing at the other', () => {
  const d = findingDiagnostics(summary.races, [], '/w/bank.py');
  assert.deepEqual(
    d.map((x) => [x.line, x.kind, x.related.map((r) => r.line)]),
    [
      [7, 'race', [8]],
      [8, 'race', [7]],
    ],
  );
  assert.match(
    d[0].message,
    /^Data race on Account\.balance: this read by t1 is not ordered with the write by t2 at line 8/,
  );
});

void test('a deadlock becomes a diagnostic on every waiting line of its cycle, once however many schedules met it', () => {
  const rec = (seed: number): ExploreRecord => ({
    type: 'run',
    seed,
    strategy: 'pct',
    stdout: '',
    stderr: '',
    exitCode: null,
    races: [],
    decisions: [],
    steps: 1,
    failure: {
      kind: 'deadlock',
      message: 'm',
      cycle: [
        { lane: 'alice', holds: ['Lock a'], waitsFor: 'Lock b', line: 12 },
        { lane: 'bob', holds: ['Lock b'], waitsFor: 'Lock a', line: 19 },
      ],
    },
  });
  const d = findingDiagnostics([], [rec(3), rec(9)], '/w/locks.py');
  assert.deepEqual(
    d.map((x) => [x.file, x.line, x.related.map((r) => r.line)]),
    [
      ['/w/locks.py', 12, [19]],
      ['/w/locks.py', 19, [12]],
    ],
  );
  assert.match(
    d[0].message,
    /^Deadlock \(seed 3\): alice waits here for Lock b while holding Lock a; bob waits for Lock a holding Lock b\.$/,
  );
});

void test('the explore webview may only ask for what the table offers', () => {
  assert.deepEqual(parseExploreWebviewMessage({ type: 'openTimeline', seed: 4 }), { type: 'openTimeline', seed: 4 });
  assert.deepEqual(parseExploreWebviewMessage({ type: 'compare', seeds: [1, 2] }), { type: 'compare', seeds: [1, 2] });
  assert.deepEqual(parseExploreWebviewMessage({ type: 'reveal', file: '/w/a.py', line: 3 }), {
    type: 'reveal',
    file: '/w/a.py',
    line: 3,
  });
  for (const bad of [
    null,
    'x',
    { type: 'openTimeline', seed: -1 },
    { type: 'openTimeline', seed: 1.5 },
    { type: 'compare', seeds: [1, 1] },
    { type: 'compare', seeds: [1] },
    { type: 'reveal', file: 3, line: 1 },
    { type: 'reveal', file: 'a', line: 0 },
    { type: 'run' },
  ]) {
    assert.equal(parseExploreWebviewMessage(bad), undefined, JSON.stringify(bad));
  }
});

void test('the table says when the systematic search covered every schedule', () => {
  assert.equal(exploreTable('p.py', { ...summary, complete: true }, 'done').complete, true);
  assert.equal(exploreTable('p.py', summary, 'done').complete, false);
});
