import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceModel } from '../../src/shared/traceModel';
import { waitForGraph } from '../../src/shared/waitFor';

function fixture(name: string): TraceModel {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'models', `${name}.json`), 'utf8')) as TraceModel;
}

test('the deadlock demo: a two-lock cycle, said in words, and the join stuck behind it', () => {
  const m = fixture('deadlock');
  const g = waitForGraph(m);
  const name = (l: number): string => m.lanes[l].name;
  assert.deepEqual(g.cycle.map(name), ['alice', 'bob']);
  assert.equal(g.sentence, 'alice waits for Lock #2 held by bob; bob waits for Lock #1 held by alice; MainThread waits for alice to end');
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
  // bob releases Lock #2 right after taking it: alice's wait then has no holder.
  const take = released.markers.findIndex((x) => x.kind === 'lock_acquired' && x.detail.obj === '2');
  released.markers.push({ ...released.markers[take], kind: 'lock_release', label: 'release Lock #2', ts: released.markers[take].ts + 1 });
  const g = waitForGraph(released);
  assert.deepEqual(g.cycle, []);
  assert.equal(g.sentence, 'MainThread waits for alice to end; alice waits for Lock #2; bob waits for Lock #1 held by alice');
});
