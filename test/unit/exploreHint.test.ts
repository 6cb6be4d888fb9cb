// After a plain Run, the Timeline's hint toward Explore (src/explore/exploreHint.ts): when, and in what words.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../src/checks/catalog';
import { checkPython } from '../../src/checks/engine';
import { exploreHint } from '../../src/explore/exploreHint';
import type { Lane, TraceModel } from '../../src/shared/traceModel';

const ROOT = join(__dirname, '..', '..', '..');
const read = (...p: string[]): string => readFileSync(join(ROOT, ...p), 'utf8');
const recorded = (name: string): TraceModel => JSON.parse(read('test', 'fixtures', 'models', name)) as TraceModel;

function lanes(...spec: [Lane['kind'], boolean?][]): Pick<TraceModel, 'lanes' | 'markers' | 'error'> {
  const all = [['process'], ...spec].map(([kind, internal], id) => ({ id, kind, internal: internal === true, pid: 1 }));
  return { lanes: all as Lane[], markers: [], error: null };
}

void test('a lost update the static checks see (CL205) in a run of two threads: Explore is offered, in words', () => {
  const findings = checkPython(read('test', 'fixtures', 'explore', 'racy', 'lost_update_attr.py'));
  assert.equal(
    exploreHint(lanes(['thread'], ['thread'], ['thread']), findings),
    'In this file shared state is updated with no lock held: this run shows one schedule of its 3 threads. Explore runs other schedules to find one that breaks it.',
  );
});

void test('the deadlock demo: its threads used the same lock in the run', () => {
  const findings = checkPython(read('media', 'demos', 'deadlock.py'));
  assert.match(
    // (recorded stopped at its time limit, when no hint is offered: as a run of it that got through)
    exploreHint({ ...recorded('deadlock.json'), error: null }, findings) ?? '',
    /^Several of its \d+ threads use the same Lock: this run shows one schedule of them\./,
  );
  assert.match(exploreHint(recorded('producer_consumer.json'), []) ?? '', /use the same Queue: /);
});

void test('no hint: one lane, only internal lanes besides, or nothing shared and nothing the checks see', () => {
  const racy = [{ code: 'CL205' }];
  assert.equal(exploreHint(lanes(['thread']), racy), undefined, 'one lane');
  assert.equal(exploreHint(lanes(['thread'], ['thread', true]), racy), undefined, 'internal');
  assert.equal(exploreHint(lanes(['thread'], ['thread']), [{ code: 'CL101' }]), undefined);
  for (const [model, program] of [
    ['seed_threads.json', 'seed_threads.py'],
    ['seed_asyncio.json', 'seed_asyncio.py'],
  ]) {
    const m = recorded(model);
    assert.ok(m.lanes.filter((l) => l.kind !== 'process').length >= 2, model);
    assert.equal(exploreHint(m, checkPython(read('test', 'fixtures', 'programs', program))), undefined, model);
  }
  // tasks count as lanes too
  assert.match(exploreHint(lanes(['thread'], ['task'], ['task']), racy) ?? '', /its 2 tasks/);
});

void test("a schedule hazard is worded once, in the checks' catalogue, and the hint says those words", () => {
  const rules = RULES.filter((r) => r.scheduleHazard !== undefined);
  assert.deepEqual(
    rules.map((r) => r.code),
    ['CL204', 'CL205'],
  );
  for (const r of rules) {
    const hint = exploreHint(lanes(['thread'], ['thread']), [{ code: r.code }]) ?? '';
    assert.ok(hint.startsWith(`In this file ${r.scheduleHazard}: `), hint);
    // one home: the hint's module does not word the rule itself
    assert.ok(!read('src', 'explore', 'exploreHint.ts').includes(r.scheduleHazard ?? ''), r.code);
  }
  assert.match(
    exploreHint(lanes(['thread'], ['thread']), [{ code: 'CL205' }, { code: 'CL204' }]) ?? '',
    /^In this file two locks are taken in opposite orders, and shared state is updated with no lock held: /,
  );
});

void test("a run the program's own exception ended (an assertion a race broke) gets the hint, worded for a failure; a run the Lab ended gets none", () => {
  const two = lanes(['thread'], ['thread']);
  const failed = (code: NonNullable<TraceModel['error']>['code']): Pick<TraceModel, 'lanes' | 'markers' | 'error'> => ({
    ...two,
    error: { code, message: 'x' },
  });
  assert.equal(
    exploreHint(failed('uncaught-exception'), [{ code: 'CL205' }]),
    'In this file shared state is updated with no lock held: this run failed in one schedule of its 2 threads. Explore runs other schedules to tell which ones fail.',
  );
  for (const code of ['timeout', 'cancelled', 'event-cap', 'crashed', 'tracer-failed'] as const)
    assert.equal(exploreHint(failed(code), [{ code: 'CL205' }]), undefined, code);
});
