import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lane, LaneKind, TraceModel } from '../../../src/shared/traceModel';
import {
  laneCut,
  laneNameParts,
  lanePathNamer,
  splitLanePath,
  type LaneNameParts,
} from '../../../src/webview/laneNames';

let next = 0;
function lane(kind: LaneKind, name: string, coroutine?: string): Lane {
  const id = next++;
  return {
    id,
    kind,
    parent: 0,
    name,
    pid: 1,
    tid: 1,
    task: kind === 'task' ? id : 0,
    internal: false,
    depth: kind === 'task' ? 2 : 1,
    start: 0,
    end: 1,
    info: coroutine ? { coroutine } : {},
  };
}

test('two tasks of one coroutine keep their task names whole: the number is what tells them apart', () => {
  const a = lane('task', 'Task-2', 'heartbeat');
  const b = lane('task', 'Task-4', 'heartbeat');
  const main = lane('task', 'Task-1', 'main');
  const siblings = [main, a, b];
  assert.deepEqual(laneCut(a, siblings), { head: 'heartbeat()', tail: ' · Task-2' });
  assert.deepEqual(laneCut(b, siblings), { head: 'heartbeat()', tail: ' · Task-4' });
  // A coroutine no sibling shares is what tells its task apart: its start survives, the task name gives way.
  assert.deepEqual(laneCut(main, siblings), { head: 'main() · Task-1', tail: '' });
});

test('a coroutine shared only as a prefix (task1 / task10) is not shared', () => {
  const a = lane('task', 'Task-1', 'task1');
  const b = lane('task', 'Task-2', 'task10');
  assert.deepEqual(laneCut(a, [a, b]), { head: 'task1() · Task-1', tail: '' });
});

test('numbered siblings keep what differs from its separator on: "-0_1", "-3", "-1 (fetch)", "_2"', () => {
  const pool = [0, 1, 2].map((i) => lane('thread', `ThreadPoolExecutor-0_${i}`));
  assert.deepEqual(laneCut(pool[1], pool), { head: 'ThreadPoolExecutor', tail: '-0_1' });
  const two = [lane('thread', 'ThreadPoolExecutor-0_0'), lane('thread', 'ThreadPoolExecutor-1_0')];
  assert.deepEqual(laneCut(two[1], two), { head: 'ThreadPoolExecutor', tail: '-1_0' });
  const workers = [lane('process', 'ForkPoolWorker-1'), lane('process', 'ForkPoolWorker-3')];
  assert.deepEqual(laneCut(workers[1], workers), { head: 'ForkPoolWorker', tail: '-3' });
  const threads = [lane('thread', 'Thread-1 (fetch)'), lane('thread', 'Thread-2 (fetch)')];
  assert.deepEqual(laneCut(threads[0], threads), { head: 'Thread', tail: '-1 (fetch)' });
  const loops = [lane('thread', 'asyncio_0'), lane('thread', 'asyncio_2')];
  assert.deepEqual(laneCut(loops[1], loops), { head: 'asyncio', tail: '_2' });
});

test('a name no sibling shares a start with has no tail (it is cut from its end)', () => {
  const main = lane('thread', 'MainThread');
  const worker = lane('thread', 'thread-A');
  assert.deepEqual(laneCut(main, [main, worker]), { head: 'MainThread', tail: '' });
  assert.deepEqual(laneCut(worker, [worker]), { head: 'thread-A', tail: '' });
  // A name that is the start of a sibling's ("worker" beside "worker-2") has nothing of its own to keep.
  const w = lane('thread', 'worker');
  const w2 = lane('thread', 'worker-2');
  assert.deepEqual(laneCut(w, [w, w2]), { head: 'worker', tail: '' });
  assert.deepEqual(laneCut(w2, [w, w2]), { head: 'worker', tail: '-2' });
});

test('a thread or task no sibling shares a start with keeps what tells it from its kind under other parents', () => {
  // One download worker in each of two processes: siblings tell nothing, the other process's worker does.
  const inA = { ...lane('thread', 'download_worker_thread_0'), parent: 1 };
  const inB = { ...lane('thread', 'download_worker_thread_1'), parent: 2 };
  const mainA = { ...lane('thread', 'MainThread'), parent: 1 };
  const mainB = { ...lane('thread', 'MainThread'), parent: 2 };
  const all = [mainA, inA, mainB, inB];
  assert.deepEqual(laneCut(inA, [mainA, inA], all), { head: 'download_worker_thread', tail: '_0' });
  assert.deepEqual(laneCut(inB, [mainB, inB], all), { head: 'download_worker_thread', tail: '_1' });
  // without them, as before: cut from its end
  assert.deepEqual(laneCut(inA, [mainA, inA]), { head: 'download_worker_thread_0', tail: '' });
  // the same name elsewhere tells nothing; siblings decide first; processes keep their own rule
  assert.deepEqual(laneCut(mainA, [mainA, inA], all), { head: 'MainThread', tail: '' });
  const pool = [0, 1].map((i) => ({ ...lane('thread', `ThreadPoolExecutor-0_${i}`), parent: 1 }));
  const far = { ...lane('thread', 'ThreadPoolExecutor-0_0_x'), parent: 2 };
  assert.deepEqual(laneCut(pool[0], pool, [...pool, far]), { head: 'ThreadPoolExecutor', tail: '-0_0' });
  const p1 = { ...lane('process', 'Resizer-1'), parent: 5 };
  const p2 = { ...lane('process', 'Resizer-2'), parent: 6 };
  assert.deepEqual(laneCut(p1, [p1], [p1, p2]), { head: 'Resizer-1', tail: '' });
});

test('splitLanePath: the process part gives way first, then the head; the tail is its own part', () => {
  const t = lane('task', 'Task-2', 'heartbeat');
  const cut = { head: 'heartbeat()', tail: ' · Task-2' };
  assert.deepEqual(splitLanePath('process-A › MainThread › heartbeat() · Task-2', t, cut), {
    from: 'process-A › MainThread › ',
    own: 'heartbeat()',
    tail: ' · Task-2',
  });
  assert.deepEqual(splitLanePath('heartbeat() · Task-2', t, cut), { from: '', own: 'heartbeat()', tail: ' · Task-2' });
  assert.deepEqual(splitLanePath('heartbeat() · Task-2', t), { from: '', own: 'heartbeat() · Task-2', tail: '' });
});

test('laneNameParts: the process part keeps what tells it from its sibling processes (its number) with the separator', () => {
  const model = JSON.parse(
    readFileSync(
      join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'models', 'seed_multiprocessing.json'),
      'utf8',
    ),
  ) as TraceModel;
  const path = lanePathNamer(model);
  const parts = (name: string, parent: string): LaneNameParts => {
    const l = model.lanes.find((x) => x.name === name && model.lanes[x.parent]?.name === parent);
    assert.ok(l, `${parent} › ${name}`);
    return laneNameParts(model, path(l.id), l.id);
  };
  assert.deepEqual(parts('MainThread', 'Process-1'), {
    from: 'Process',
    fromTail: '-1 › ',
    own: 'MainThread',
    tail: '',
  });
  // a process no sibling shares a start with: its start tells it apart, only the separator is kept
  assert.deepEqual(parts('MainThread', 'MainProcess'), {
    from: 'MainProcess',
    fromTail: ' › ',
    own: 'MainThread',
    tail: '',
  });
  const proc = model.lanes.find((x) => x.name === 'Process-2');
  assert.ok(proc);
  assert.deepEqual(laneNameParts(model, path(proc.id), proc.id), { from: '', own: 'Process', tail: '-2' });
});
