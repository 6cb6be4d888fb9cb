// After a plain Run, the Timeline's hint toward Explore (src/explore/exploreHint.ts): when, and in what words.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../src/checks/catalog';
import { checkPython } from '../../src/checks/engine';
import { exploreHint } from '../../src/explore/exploreHint';
import type { Lane, Marker, TraceModel } from '../../src/shared/traceModel';

const ROOT = join(__dirname, '..', '..', '..');
const read = (...p: string[]): string => readFileSync(join(ROOT, ...p), 'utf8');
const recorded = (name: string): TraceModel => JSON.parse(read('test', 'fixtures', 'models', name)) as TraceModel;

function lanes(...spec: [Lane['kind'], boolean?][]): Pick<TraceModel, 'lanes' | 'markers' | 'error'> {
  const all = [['process'], ...spec].map(([kind, internal], id) => ({
    id,
    kind,
    name: id === 1 ? 'MainThread' : `${kind}-${id}`,
    internal: internal === true,
    pid: 1,
  }));
  return { lanes: all as Lane[], markers: [], error: null };
}

void test('a lost update the static checks see (CL205) in a run of two threads: Explore is offered, in words', () => {
  const findings = checkPython(read('test', 'fixtures', 'explore', 'racy', 'lost_update_attr.py'));
  assert.equal(
    exploreHint(lanes(['thread'], ['thread'], ['thread']), findings),
    'This run shows one schedule: in this file shared state is updated with no lock held. Explore runs other schedules to find one that breaks it.',
  );
});

void test('the race demo: the static checks see its lost update, so the hint gives that, not the lock the fixed half shares', () => {
  // Its threads are made in a helper, run(worker, label), passed unsafe_increment and then safe_increment.
  const findings = checkPython(read('media', 'demos', 'race_condition.py'));
  const run = lanes(['thread'], ['thread'], ['thread'], ['thread'], ['thread']);
  ['unsafe-0', 'unsafe-1', 'locked-0', 'locked-1'].forEach((name, i) => (run.lanes[i + 2].name = name));
  const lock = { obj: '1', prim: 'Lock' };
  run.markers = [4, 5].map((lane): Marker => ({
    lane,
    kind: 'lock_acquired',
    label: 'acquire',
    detail: lock,
    ts: 0,
    order: 0,
    source: 0,
    line: 49,
    severity: 'info',
  }));
  assert.match(exploreHint(run, []) ?? '', /: locked-0 and locked-1 share one Lock\. /, 'what the run alone shows');
  assert.equal(
    exploreHint(run, findings),
    'This run shows one schedule: in this file shared state is updated with no lock held. Explore runs other schedules to find one that breaks it.',
  );
});

void test('the deadlock demo: its threads used the same locks in the run; the hint names those threads, not MainThread', () => {
  const findings = checkPython(read('media', 'demos', 'deadlock.py'));
  const demo = recorded('deadlock.json');
  // MainThread started alice and bob and joined them: a lane of its own, but it shares no lock
  assert.deepEqual(
    demo.lanes.filter((l) => l.kind === 'thread').map((l) => l.name),
    ['MainThread', 'alice', 'bob'],
  );
  assert.equal(
    // (recorded stopped at its time limit: as a run of it that got through)
    exploreHint({ ...demo, error: null }, findings),
    'This run shows one schedule: alice and bob share 2 Locks. Explore runs other schedules to find one that breaks it.',
  );
  // a producer and two consumers (and a MainThread that only joined them): three, counted
  assert.equal(
    exploreHint(recorded('producer_consumer.json'), []),
    'This run shows one schedule: 3 threads share one Queue. Explore runs other schedules to find one that breaks it.',
  );
});

void test('what the lanes share is said in a few words: whose, which kinds, how many', () => {
  const marker = (lane: number, kind: string, obj: string, prim: string) =>
    ({
      lane,
      kind,
      label: kind,
      detail: { obj, prim },
      ts: 0,
      order: 0,
      source: 0,
      line: 1,
      severity: 'info',
    }) as Marker;
  const run = (markers: Marker[], ...spec: [Lane['kind'], boolean?][]) =>
    exploreHint({ ...lanes(...spec), markers }, []);
  const three: [Lane['kind']][] = [['thread'], ['thread'], ['thread']];
  assert.equal(
    run(
      [
        marker(2, 'lock_acquired', '1', 'Lock'),
        marker(3, 'queue_put', '2', 'Queue'),
        marker(3, 'lock_wait', '3', 'Lock'),
      ],
      ...three,
    ),
    undefined,
    'nothing two lanes used',
  );
  assert.match(
    run(
      [
        marker(2, 'lock_acquired', '1', 'Lock'),
        marker(3, 'lock_wait', '1', 'Lock'),
        marker(2, 'queue_put', '2', 'Queue'),
        marker(3, 'queue_get', '2', 'Queue'),
      ],
      ...three,
    ) ?? '',
    /: thread-2 and thread-3 share one Lock and one Queue\. /,
  );
  // two lanes of one name are counted, not named twice; an internal lane is no sharer
  const twins = { ...lanes(...three), markers: [1, 2, 3].map((l) => marker(l, 'event_set', '1', 'Event')) };
  twins.lanes[2] = { ...twins.lanes[2], name: 'worker' };
  twins.lanes[3] = { ...twins.lanes[3], name: 'worker' };
  assert.match(exploreHint(twins, []) ?? '', /: 3 threads share one Event\. /);
  twins.lanes[1] = { ...twins.lanes[1], internal: true };
  assert.match(exploreHint(twins, []) ?? '', /: 2 threads share one Event\. /);
  // tasks are named as tasks are (Task-2), counted as tasks
  assert.match(
    run(
      [2, 3, 4].map((l) => marker(l, 'lock_acquired', '1', 'asyncio.Lock')),
      ['thread'],
      ['task'],
      ['task'],
      ['task'],
    ) ?? '',
    /: 3 tasks share one asyncio\.Lock\. /,
  );
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
  assert.match(exploreHint(lanes(['thread'], ['task'], ['task']), racy) ?? '', /^This run shows one schedule: /);
});

void test("a schedule hazard is worded once, in the checks' catalogue, and the hint says those words", () => {
  const rules = RULES.filter((r) => r.scheduleHazard !== undefined);
  assert.deepEqual(
    rules.map((r) => r.code),
    ['CL204', 'CL205'],
  );
  for (const r of rules) {
    const hint = exploreHint(lanes(['thread'], ['thread']), [{ code: r.code }]) ?? '';
    assert.ok(hint.startsWith(`This run shows one schedule: in this file ${r.scheduleHazard}. `), hint);
    // one home: the hint's module does not word the rule itself
    assert.ok(!read('src', 'explore', 'exploreHint.ts').includes(r.scheduleHazard ?? ''), r.code);
  }
  assert.match(
    exploreHint(lanes(['thread'], ['thread']), [{ code: 'CL205' }, { code: 'CL204' }]) ?? '',
    /^This run shows one schedule: in this file two locks are taken in opposite orders, and shared state is updated with no lock held\. /,
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
    'This run failed in one schedule: in this file shared state is updated with no lock held. Explore runs other schedules to tell which ones fail.',
  );
  for (const code of ['timeout', 'cancelled', 'event-cap', 'crashed', 'tracer-failed'] as const)
    assert.equal(exploreHint(failed(code), [{ code: 'CL205' }]), undefined, code);
});

void test('a run stopped in a deadlock (a cycle of waits, at its time limit or Stop) gets the hint, worded for a deadlock', () => {
  const findings = checkPython(read('media', 'demos', 'deadlock.py'));
  const deadlocked =
    'This run deadlocked in one schedule: alice and bob share 2 Locks. Explore runs other schedules to tell which ones deadlock.';
  // the demo's recorded run, stopped at its time limit with alice and bob each waiting for the other's lock
  const timedOut = recorded('deadlock.json');
  assert.equal(timedOut.error?.code, 'timeout');
  assert.equal(exploreHint(timedOut, findings), deadlocked);
  assert.equal(exploreHint(recorded('deadlock_stopped.json'), findings), deadlocked);
  // the user pressed Stop while they waited: the same deadlock
  const stopped = { ...timedOut, error: { code: 'cancelled' as const, message: 'Stopped.' } };
  assert.equal(exploreHint(stopped, findings), deadlocked);
  // what the static checks see leads, as after any run
  assert.match(
    exploreHint(timedOut, [{ code: 'CL204' }]) ?? '',
    /^This run deadlocked in one schedule: in this file two locks are taken in opposite orders\. /,
  );
});

void test('a run stopped with nothing in a cycle (an endless loop, one wait no one else holds) gets no hint', () => {
  // Two threads that take one lock in turn forever (while True: with lock: ...; time.sleep(0.05)), stopped at
  // the time limit: the last markers of a real 3.12 run.
  const marker = (lane: number, kind: string, label: string, detail: Record<string, string>) =>
    ({ lane, kind, label, detail, ts: 0, order: 0, source: 0, line: 10, severity: 'info' }) as Marker;
  const lock = { obj: '1', prim: 'Lock' };
  const spinning = {
    ...lanes(['thread'], ['thread'], ['thread']),
    markers: [2, 3].flatMap((lane) => [
      marker(lane, 'lock_acquired', 'acquire lock', lock),
      marker(lane, 'lock_release', 'release lock', lock),
      marker(lane, 'sleep', 'sleep 0.05 s', { secs: '0.05', state: 'still waiting when the run ended' }),
    ]),
  };
  assert.match(
    exploreHint(spinning, []) ?? '',
    /^This run shows one schedule: thread-2 and thread-3 share one Lock\./,
    'had it ended',
  );
  for (const code of ['timeout', 'cancelled'] as const)
    assert.equal(exploreHint({ ...spinning, error: { code, message: 'x' } }, []), undefined, code);
  // the demo stopped while only bob waited (for the lock alice holds): no cycle, no deadlock
  const demo = recorded('deadlock.json');
  const lastWait = demo.markers.map((m) => m.kind).lastIndexOf('lock_wait');
  const oneWaits = { ...demo, markers: [...demo.markers.slice(0, lastWait), ...demo.markers.slice(lastWait + 1)] };
  assert.equal(exploreHint(oneWaits, []), undefined);
  // a cap or a crash, even in a deadlock: its banner says what to do first
  for (const code of ['event-cap', 'crashed'] as const)
    assert.equal(exploreHint({ ...demo, error: { code, message: 'x' } }, []), undefined, code);
});
