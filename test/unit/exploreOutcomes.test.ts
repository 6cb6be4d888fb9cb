import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { OutcomeTable, foundBug, parseExploreLine } from '../../src/explore/outcomes';
import type { ExploreRecord } from '../../src/explore/types';
import { parseExploreArgs } from '../../src/cliExplore';

function rec(seed: number, stdout: string, extra: Partial<ExploreRecord> = {}): ExploreRecord {
  return {
    type: 'run',
    seed,
    strategy: 'pct',
    stdout,
    stderr: '',
    exitCode: 0,
    failure: null,
    races: [],
    decisions: [],
    steps: 1,
    ...extra,
  };
}

const race = (line: number, lane = 'Thread-1'): ExploreRecord['races'][number] => ({
  target: 'Account.balance',
  accesses: [
    { lane, file: '/p.py', line, kind: 'write' },
    { lane: 'Thread-2', file: '/p.py', line: 10, kind: 'read' },
  ],
});

void test('schedules with the same stdout, exit code and failure are one outcome with its count and first seed', () => {
  const t = new OutcomeTable();
  t.add(rec(0, '20\n'));
  t.add(rec(1, '10\n'));
  t.add(rec(2, '20\n'));
  t.add(rec(3, '20\n', { exitCode: 1 }));
  t.add(
    rec(4, '', {
      exitCode: null,
      failure: { kind: 'deadlock', message: 'A holds a', cycle: [{ lane: 'A', holds: ['a'], waitsFor: 'b', line: 3 }] },
    }),
  );
  t.add(
    rec(5, '', {
      exitCode: null,
      failure: { kind: 'deadlock', message: 'A holds a', cycle: [{ lane: 'A', holds: ['a'], waitsFor: 'b', line: 3 }] },
    }),
  );
  const s = t.summary();
  assert.equal(s.runs, 6);
  assert.deepEqual(s.outcomes, [
    { count: 2, stdout: '20\n', exitCode: 0, failure: null, seed: 0 },
    { count: 2, stdout: '', exitCode: null, failure: { kind: 'deadlock', message: 'A holds a' }, seed: 4 },
    { count: 1, stdout: '10\n', exitCode: 0, failure: null, seed: 1 },
    { count: 1, stdout: '20\n', exitCode: 1, failure: null, seed: 3 },
  ]);
  // the summary's deadlock entries have exactly the shape (no line)
  assert.deepEqual(s.deadlocks, [{ seed: 4, cycle: [{ lane: 'A', holds: ['a'], waitsFor: 'b' }] }]);
  assert.equal(t.distinctOutcomes, 4);
  assert.ok(foundBug(s));
});

void test('each race is reported once however many schedules meet it', () => {
  const t = new OutcomeTable();
  t.add(rec(0, 'x', { races: [race(11)] }));
  t.add(rec(1, 'x', { races: [race(11), race(12)] }));
  t.add(rec(2, 'x', { races: [race(11, 'Thread-9')] }));
  const s = t.summary();
  assert.deepEqual(
    s.races.map((r) => r.accesses[0].line),
    [11, 12],
  );
  assert.deepEqual(Object.keys(s.races[0].accesses[0]).sort(), ['file', 'kind', 'lane', 'line']);
  assert.ok(foundBug(s));
  const clean = new OutcomeTable();
  clean.add(rec(0, 'ok'));
  assert.equal(foundBug(clean.summary()), false);
});

void test('explorer lines: ours are parsed, anything else is ignored', () => {
  assert.deepEqual(parseExploreLine('{"type": "done", "runs": 3}'), { type: 'done', runs: 3 });
  assert.equal(parseExploreLine('hello'), undefined);
  assert.equal(parseExploreLine('{"type": "other"}'), undefined);
  assert.equal(parseExploreLine('{broken'), undefined);
});

void test('explore command line', () => {
  assert.deepEqual(
    parseExploreArgs([
      'a.py',
      '--runs',
      '50',
      '--seed',
      '7',
      '--timeout',
      '2.5',
      '--python',
      '/py',
      '--replay',
      '9',
      '--summary',
      '--json',
      'o.json',
    ]),
    {
      file: 'a.py',
      runs: 50,
      seed: 7,
      timeoutS: 2.5,
      python: '/py',
      replay: 9,
      summary: true,
      json: 'o.json',
      keepGoing: false,
    },
  );
  assert.deepEqual(parseExploreArgs(['a.py']), {
    file: 'a.py',
    runs: 500,
    seed: 0,
    timeoutS: 10,
    summary: false,
    keepGoing: false,
  });
  const err = (argv: string[]): string => {
    const r = parseExploreArgs(argv);
    assert.ok('error' in r, JSON.stringify(r));
    return r.error;
  };
  assert.match(err([]), /missing FILE/);
  assert.match(err(['a.py', '--runs', 'many']), /--runs expects a whole number/);
  assert.match(err(['a.py', '--runs', '0']), /at least 1/);
  assert.match(err(['a.py', '--replay']), /--replay needs a value/);
  assert.match(err(['a.py', '--fast']), /unknown option --fast/);
  assert.deepEqual(parseExploreArgs(['--help']), { help: true });
});

void test('the summary says whether the explorer covered every schedule', () => {
  const t = new OutcomeTable();
  t.add(rec(1000000000, 'ok', { strategy: 'dpor' }));
  assert.equal(t.summary().complete, false);
  t.complete = true;
  assert.equal(t.summary().complete, true);
  assert.deepEqual(parseExploreLine('{"type": "done", "runs": 1, "complete": true}'), {
    type: 'done',
    runs: 1,
    complete: true,
  });
});
