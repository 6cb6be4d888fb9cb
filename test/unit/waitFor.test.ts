import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceModel } from '../../src/shared/traceModel';
import { waitForGraph } from '../../src/shared/waitFor';

function fixture(name: string): TraceModel {
  return JSON.parse(
    readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'models', `${name}.json`), 'utf8'),
  ) as TraceModel;
}

test('the deadlock demo: a two-lock cycle, said in words, and the join stuck behind it', () => {
  const m = fixture('deadlock');
  const g = waitForGraph(m);
  const name = (l: number): string => m.lanes[l].name;
  assert.deepEqual(g.cycle.map(name), ['alice', 'bob']);
  assert.equal(
    g.sentence,
    'alice waits for lock_b held by bob; bob waits for lock_a held by alice; MainThread waits for alice to end',
  );
});

test('a run where every wait ended has no stuck lanes and no cycle', () => {
  const g = waitForGraph(fixture('producer_consumer'));
  assert.deepEqual(g.edges, []);
  assert.deepEqual(g.cycle, []);
  assert.equal(g.sentence, '');
});

test('a lock released before the end is not held: a stuck wait on it has no holder and makes no cycle', () => {
  const m = fixture('deadlock');
  const released = structuredClone(m);
  // bob releases lock_b right after taking it: alice's wait then has no holder.
  const take = released.markers.findIndex((x) => x.kind === 'lock_acquired' && released.lanes[x.lane].name === 'bob');
  released.markers.push({
    ...released.markers[take],
    kind: 'lock_release',
    label: 'release lock_b',
    ts: released.markers[take].ts + 1,
  });
  const g = waitForGraph(released);
  assert.deepEqual(g.cycle, []);
  assert.equal(
    g.sentence,
    'MainThread waits for alice to end; alice waits for lock_b; bob waits for lock_a held by alice',
  );
});

test('stuck waits read the same whether the builder ran them to the end of the trace or left them open', () => {
  const m = fixture('deadlock');
  const open = structuredClone(m);
  for (const k of open.markers) if (k.detail.state === 'still waiting when the run ended') delete k.waitEnd;
  assert.ok(open.markers.some((k) => k.kind === 'lock_wait' && k.waitEnd === undefined));
  assert.notEqual(waitForGraph(m).sentence, '');
  assert.equal(waitForGraph(open).sentence, waitForGraph(m).sentence);
  assert.deepEqual(waitForGraph(open).cycle, waitForGraph(m).cycle);
});
