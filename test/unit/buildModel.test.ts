import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildModel, stillRunning } from '../../src/trace/buildModel';
import { waitForGraph } from '../../src/shared/waitFor';
import { ordinal } from '../../src/trace/build/objects';
import { BURST_GAP_NS } from '../../src/trace/build/output';
import { EventFileReader } from '../../src/trace/readEvents';
import { mergeStreams } from '../../src/trace/merge';
import { ALL_EVENT_KINDS as RAW_KINDS } from '../../src/shared/eventKinds';
import type { RawEvent } from '../../src/trace/schema';
import type { FlowKind, TraceModel } from '../../src/shared/traceModel';
import { RawStream } from './rawStream';
import { asyncioStream } from './sampleStreams';

const fixtureDir = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'traces', 'two-processes');

async function fixtureModel(): Promise<TraceModel> {
  const streams = [];
  for (const f of ['events-100.jsonl', 'events-200.jsonl']) {
    const r = new EventFileReader(join(fixtureDir, f));
    await r.poll(true);
    streams.push(r.events);
  }
  return buildModel(mergeStreams(streams), { title: 'demo.py', exitCode: 0 });
}

function flowsOf(m: TraceModel, kind: FlowKind): { from: string; to: string }[] {
  return m.flows
    .filter((f) => f.kind === kind)
    .map((f) => ({ from: m.lanes[f.fromLane].name, to: m.lanes[f.toLane].name }));
}

void test('lanes form a tree: each process followed by its threads', async () => {
  const m = await fixtureModel();
  assert.deepEqual(
    m.lanes.map((l) => [l.kind, l.name, l.depth, l.parent]),
    [
      ['process', 'MainProcess', 0, -1],
      ['thread', 'MainThread', 1, 0],
      ['thread', 'Worker-1', 1, 0],
      ['process', 'Child', 0, -1],
      ['thread', 'MainThread', 1, 3],
    ],
  );
  assert.ok(m.lanes.every((l, i) => l.id === i));
  assert.equal(m.python, '3.12.1');
  assert.equal(m.lanes[2].info.daemon, 'no');
  assert.equal(m.lanes[3].info['exit code'], '3');
  assert.deepEqual(m.stats.processes, { own: 2, internal: 0 });
  assert.deepEqual(m.stats.threads, { own: 3, internal: 0 });
  assert.equal(m.stats.events, 33);
  assert.equal(m.stats.eventsByKind.print, 2);
});

void test('spans nest, carry CPU time, and a span that never returned is open', async () => {
  const m = await fixtureModel();
  const names = m.spans.map((s) => [s.name, m.lanes[s.lane].name, s.depth, s.open, s.cpu]);
  assert.deepEqual(names, [
    ['<module>', 'MainThread', 0, false, 4950],
    ['work', 'Worker-1', 0, false, 700],
    ['child_main', 'MainThread', 0, true, 0],
  ]);
  const open = m.spans[2];
  assert.equal(open.end, m.lanes[open.lane].end);
  assert.equal(m.sources.length, 1);
  assert.equal(m.sources[0].label, 'demo.py');
  assert.equal(m.spans[1].line, 5, 'a span points at its function');
  assert.equal(
    m.steps.find((x) => x.ref.type === 'span' && x.ref.index === 1)?.line,
    9,
    'its step points at the call site',
  );
});

void test('flows link start, release→acquire, put→get, end→join and child process begin/end', async () => {
  const m = await fixtureModel();
  assert.deepEqual(flowsOf(m, 'start'), [
    { from: 'MainThread', to: 'Worker-1' },
    { from: 'MainThread', to: 'Child' },
  ]);
  assert.deepEqual(flowsOf(m, 'release'), [{ from: 'Worker-1', to: 'MainThread' }]);
  assert.deepEqual(flowsOf(m, 'put'), [{ from: 'Worker-1', to: 'MainThread' }]);
  assert.deepEqual(flowsOf(m, 'join'), [
    { from: 'Worker-1', to: 'MainThread' },
    { from: 'Child', to: 'MainThread' },
  ]);
  for (const f of m.flows) assert.ok(f.fromOrder < f.toOrder && f.fromTs <= f.toTs, `flow ${f.kind} goes back in time`);
});

void test('markers have labels, wait bars and the function they happened in', async () => {
  const m = await fixtureModel();
  const acquire = m.markers.filter((x) => x.kind === 'lock_acquired');
  assert.equal(acquire[1].label, 'acquire Lock #3 (waited 300 ns)');
  assert.equal(acquire[1].detail.contended, 'yes');
  const wait = m.markers.filter((x) => x.kind === 'lock_wait')[1];
  assert.equal(wait.waitEnd, acquire[1].ts);
  const join1 = m.markers.find((x) => x.kind === 'thread_join');
  assert.equal(join1?.label, 'join thread "Worker-1"');
  const exc = m.markers.find((x) => x.kind === 'exc');
  assert.equal(exc?.line, 14);
  assert.equal(exc?.severity, 'warn');
  const printed = m.markers.find((x) => x.kind === 'print');
  assert.equal(printed?.line, 5);
  assert.equal(printed?.source, 0);
  const procEnd = m.markers.find((x) => x.kind === 'proc_end' && m.lanes[x.lane].name === 'Child');
  assert.equal(procEnd?.label, 'process ends with exit code 3');
  assert.equal(m.lanes[procEnd.lane].kind, 'process');
});

void test('steps are every span start and marker, in order, pointing back at them', async () => {
  const m = await fixtureModel();
  assert.equal(m.steps.length, m.spans.length + m.markers.length);
  for (let i = 1; i < m.steps.length; i++) assert.ok(m.steps[i - 1].order < m.steps[i].order);
  for (const s of m.steps) {
    const target = s.ref.type === 'span' ? m.spans[s.ref.index] : m.markers[s.ref.index];
    assert.equal(target.order, s.order);
    assert.equal(target.lane, s.lane);
  }
});

void test('output lines keep their lane and order', async () => {
  const m = await fixtureModel();
  assert.deepEqual(
    m.output.map((o) => [m.lanes[o.lane].name, m.lanes[m.lanes[o.lane].parent].name, o.text]),
    [
      ['Worker-1', 'MainProcess', 'worker has the lock'],
      ['MainThread', 'Child', 'hello from the child'],
    ],
  );
});

void test('asyncio tasks get their own lanes under the loop thread, with coroutine segments as spans', () => {
  const m = buildModel(asyncioStream().events);
  assert.deepEqual(
    m.lanes.map((l) => [l.kind, l.name, l.internal]),
    [
      ['process', 'MainProcess', false],
      ['thread', 'MainThread', false],
      ['task', 'Task-1', false],
      ['task', 'fetch-a', false],
      ['thread', 'asyncio_0', true],
    ],
  );
  assert.deepEqual(m.stats.tasks, { own: 2, internal: 0 });
  assert.deepEqual(m.stats.threads, { own: 1, internal: 1 });
  assert.deepEqual(
    m.spans.map((s) => [m.lanes[s.lane].name, s.name, s.cpu]),
    [
      ['Task-1', 'main', 100],
      ['fetch-a', 'fetch', 50],
      ['fetch-a', 'fetch', 40],
      ['Task-1', 'main', 90],
    ],
  );
  assert.ok(m.steps.some((s) => s.text === 'resume fetch()'));
  assert.deepEqual(flowsOf(m, 'start'), [
    { from: 'MainThread', to: 'Task-1' },
    { from: 'Task-1', to: 'fetch-a' },
  ]);
  assert.deepEqual(flowsOf(m, 'set'), [{ from: 'asyncio_0', to: 'fetch-a' }]);
  assert.deepEqual(flowsOf(m, 'done'), [{ from: 'fetch-a', to: 'Task-1' }]);
  const exc = m.markers.find((x) => x.kind === 'exc');
  assert.equal(exc?.severity, 'error');
  assert.equal(exc?.label, 'uncaught ValueError: <b>bad</b>');
  assert.equal(m.markers.find((x) => x.kind === 'await')?.label, 'await task "fetch-a"');
  assert.equal(m.lanes[2].info.state, 'ended');
  assert.equal(m.lanes[2].info.coroutine, 'main');
});

void test('a timeout lists the lanes that never ended', () => {
  const s = new RawStream(9);
  s.ev(1, 0, 'proc_begin', { name: 'MainProcess' })
    .ev(1, 0, 'thread_start', { obj: 1, name: 'spinner' })
    .ev(2, 0, 'thread_begin', { obj: 1, name: 'spinner' })
    .ev(1, 0, 'thread_start', { obj: 2, name: 'quick' })
    .ev(3, 0, 'thread_begin', { obj: 2, name: 'quick' })
    .ev(3, 0, 'thread_end', { obj: 2 });
  const m = buildModel(s.events, { error: { code: 'timeout', message: 'Stopped after 1 s.' } });
  assert.deepEqual(m.error?.stillRunning, [
    'process "MainProcess" (pid 9)',
    'thread "MainThread" (pid 9)',
    'thread "spinner" (pid 9)',
  ]);
  assert.deepEqual(stillRunning(m), m.error?.stillRunning);
});

void test('an event located in a file the program does not live in points at its enclosing function instead', () => {
  const s = new RawStream(6);
  s.ev(1, 0, 'code', { id: 1, name: 'work', qualname: 'work', file: '/p/a.py', line: 3 })
    .ev(1, 0, 'call', [1, 0, 7])
    .ev(1, 0, 'exc', {
      type: 'KeyError',
      msg: 'x',
      file: '/usr/lib/python3.12/threading.py',
      line: 900,
      uncaught: false,
      where: 'main',
    })
    .ev(1, 0, 'exc', { type: 'KeyError', msg: 'y', file: '/p/a.py', line: 4, uncaught: false, where: 'main' });
  const m = buildModel(s.events);
  assert.deepEqual(
    m.sources.map((x) => x.file),
    ['/p/a.py'],
  );
  assert.deepEqual(
    m.markers.map((x) => [x.source, x.line]),
    [
      [0, 3],
      [0, 4],
    ],
  );
});

void test('summary events add up suppressed calls and dropped events', () => {
  const s = new RawStream(3);
  s.ev(1, 0, 'limit', { what: 'calls', code: 1, suppressed: 1 }).ev(1, 0, 'summary', {
    suppressed_calls: { 1: 500, 2: 20, 3: 'x' },
    dropped_events: 7,
  });
  const m = buildModel(s.events);
  assert.equal(m.stats.suppressedCalls, 520);
  assert.equal(m.stats.droppedEvents, 7);
  assert.equal(m.markers[0].severity, 'warn');
});

void test('hostile and broken streams never throw', () => {
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const junk: unknown[] = [
    null,
    7,
    'x',
    [],
    [1],
    [1, 'a', null],
    { obj: 'x' },
    { obj: -1, key: 5 },
    { name: { toString: 1 } },
    { target: 1e300 },
    { item: -5 },
    [2, 'cpu'],
    { __proto__: null },
    { constructor: 'x', obj: 1 },
  ];
  for (let round = 0; round < 20; round++) {
    const events: RawEvent[] = [];
    for (let i = 0; i < 2000; i++) {
      events.push([i, i * 10, 1 + rnd(3), rnd(4), rnd(3), RAW_KINDS[rnd(RAW_KINDS.length)], junk[rnd(junk.length)]]);
    }
    const m = buildModel(events, { error: { code: 'timeout', message: 't' } });
    assert.equal(m.stats.events, 2000);
    for (const s of m.spans) assert.ok(s.lane >= 0 && s.lane < m.lanes.length && s.end >= s.start);
    for (const f of m.flows) assert.ok(f.fromLane < m.lanes.length && f.toLane < m.lanes.length);
    assert.doesNotThrow(() => JSON.stringify(m));
  }
  assert.equal(buildModel([]).lanes.length, 0);
});

void test('a million raw events build in a few seconds', () => {
  const events: RawEvent[] = [];
  const n = 1_000_000;
  let seq = 0;
  let ts = 0;
  events.push([seq++, ts, 1, 1, 0, 'code', { id: 1, name: 'f', qualname: 'f', file: '/p/a.py', line: 1 }]);
  for (let t = 2; t <= 5; t++) events.push([seq++, (ts += 10), 1, t, 0, 'thread_begin', { obj: t, name: `T${t}` }]);
  while (events.length < n) {
    const tid = 1 + (seq % 5);
    const r = seq % 10;
    if (r < 8)
      events.push([seq++, (ts += 10), 1, tid, 0, r % 2 === 0 ? 'call' : 'return', r % 2 === 0 ? [1, ts, 2] : [1, ts]]);
    else if (r === 8) events.push([seq++, (ts += 10), 1, tid, 0, 'lock_release', { obj: 1, prim: 'Lock' }]);
    else events.push([seq++, (ts += 10), 1, tid, 0, 'lock_acquired', { obj: 1, prim: 'Lock', ok: true, waited_ns: 5 }]);
  }
  const t0 = performance.now();
  const m = buildModel(events);
  const ms = performance.now() - t0;
  console.log(
    `# buildModel: ${n} events → ${m.spans.length} spans, ${m.markers.length} markers, ${m.flows.length} flows in ${ms.toFixed(0)} ms`,
  );
  assert.equal(m.stats.events, n);
  // Generous bound: the machine is shared; this catches a quadratic slip, the log line gives the number.
  assert.ok(ms < 20_000, `took ${ms} ms`);
});

void test('ends written after the engine stopped the program do not count as ending on its own', () => {
  const s = new RawStream(4, 0);
  s.ev(1, 0, 'proc_begin', { name: 'MainProcess' }, 10)
    .ev(1, 0, 'thread_start', { obj: 1, name: 'done-early' }, 10)
    .ev(2, 0, 'thread_begin', { obj: 1, name: 'done-early' }, 10)
    .ev(2, 0, 'thread_end', { obj: 1 }, 10)
    .ev(1, 0, 'proc_end', { exitcode: -15 }, 1000);
  const m = buildModel(s.events, { stoppedAt: 100, error: { code: 'timeout', message: 't' } });
  assert.deepEqual(m.error?.stillRunning, ['process "MainProcess" (pid 4)', 'thread "MainThread" (pid 4)']);
  const plain = buildModel(s.events, { error: { code: 'timeout', message: 't' } });
  assert.deepEqual(plain.error?.stillRunning, []);
});

void test('a stopped run ends at the stop, so waits stuck until then have their width', () => {
  const s = new RawStream(4, 0);
  s.ev(1, 0, 'proc_begin', { name: 'MainProcess' }, 10).ev(
    1,
    0,
    'lock_wait',
    { obj: 7, prim: 'Lock', name: 'lock_b' },
    10,
  );
  const t0 = s.events[0][1];
  const last = s.events[s.events.length - 1][1];
  const stopped = buildModel(s.events, { stoppedAt: last + 5_000, error: { code: 'timeout', message: 't' } });
  assert.equal(stopped.duration, last + 5_000 - t0, 'the picture runs to the stop');
  assert.equal(buildModel(s.events).duration, last - t0, 'a run that was not stopped ends at its last event');
  // Events written after the stop (a child's last flush) still count: the later of the two ends the picture.
  assert.equal(buildModel(s.events, { stoppedAt: t0 + 1 }).duration, last - t0);
});

void test('a child process that left no events still gets its lane from the parent, and counts as running', () => {
  const s = new RawStream(10, 0);
  s.ev(1, 0, 'proc_begin', { name: 'MainProcess' })
    .ev(1, 0, 'proc_start', { obj: 1, name: 'looper', method: 'fork', internal: false })
    .ev(1, 0, 'proc_started', { obj: 1, child_pid: 11 })
    .ev(1, 0, 'proc_start', { obj: 2, name: 'ResourceTracker', method: 'spawn', internal: true })
    .ev(1, 0, 'proc_started', { obj: 2, child_pid: 12 })
    .ev(1, 0, 'proc_join', { obj: 1, child_pid: 11 })
    .ev(1, 0, 'proc_start', { obj: 3, name: 'ls', method: 'subprocess', internal: false })
    .ev(1, 0, 'proc_started', { obj: 3, child_pid: 13 })
    .ev(1, 0, 'proc_joined', { obj: 3, child_pid: 13, exitcode: 0 });
  const m = buildModel(s.events, { error: { code: 'timeout', message: 't' } });
  assert.equal(m.lanes.find((l) => l.pid === 13)?.info.state, 'ended', 'a joined child has ended');
  assert.equal(m.lanes.find((l) => l.pid === 13)?.info['exit code'], '0');
  assert.deepEqual(
    m.lanes.filter((l) => l.kind === 'process').map((l) => [l.name, l.pid, l.internal, l.info['parent pid']]),
    [
      ['MainProcess', 10, false, undefined],
      ['looper', 11, false, '10'],
      ['ResourceTracker', 12, true, '10'],
      ['ls', 13, false, '10'],
    ],
  );
  assert.deepEqual(m.stats.processes, { own: 3, internal: 1 });
  assert.ok(m.error?.stillRunning?.includes('process "looper" (pid 11)'));
  assert.equal(m.markers.find((x) => x.kind === 'proc_join')?.label, 'join process "looper"');
});

void test('a deadlock stopped by the timeout: stuck waits and spans run to the end of the trace', () => {
  const s = new RawStream(300);
  s.mainProcess();
  s.ev(1, 0, 'code', { id: 1, name: 'transfer', qualname: 'transfer', file: '/w/app.py', line: 3 });
  s.ev(1, 0, 'thread_start', { obj: 7, name: 'alice', daemon: false, internal: false });
  s.ev(2, 0, 'thread_begin', { obj: 7, name: 'alice', daemon: false, internal: false, ident: 11, native_id: 12 });
  s.ev(2, 0, 'call', [1, 0, 3]);
  s.ev(2, 0, 'lock_wait', { obj: 5, prim: 'Lock' });
  s.ev(1, 0, 'thread_join', { obj: 7 });
  s.ev(1, 0, 'sleep', { secs: 5 }, 5_000_000_000); // the main thread's last sign of life, 5 s later
  const m = buildModel(s.events, { title: 'deadlock.py', exitCode: null });
  const end = m.lanes.reduce((x, l) => Math.max(x, l.end), 0);
  const wait = m.markers.find((k) => k.kind === 'lock_wait');
  assert.ok(wait, 'the wait is a marker');
  assert.equal(wait.waitEnd, end, 'the unanswered wait lasts until the trace ends');
  assert.equal(wait.detail.state, 'still waiting when the run ended');
  const span = m.spans.find((k) => k.name === 'transfer');
  assert.ok(span?.open);
  assert.equal(span.end, end, 'the stuck function is drawn up to the end, not to its last event');
});

void test('a multiprocessing queue links each get to the put of the process that sent it', () => {
  // Every process numbers its own puts from 1, so two children both send item 1.
  const key = 'queue:sem:/mp-abc';
  const streams = [10, 11, 12].map((pid) => new RawStream(pid, pid * 10));
  streams[1].ev(1, 0, 'queue_put', { obj: 1, prim: 'mp.Queue', key, item: 1, size: -1 });
  streams[2].ev(1, 0, 'queue_put', { obj: 1, prim: 'mp.Queue', key, item: 1, size: -1 }, 500);
  for (const from_pid of [12, 11]) {
    streams[0].ev(
      1,
      0,
      'queue_get',
      { obj: 1, prim: 'mp.Queue', key, item: 1, from_pid, ok: true, waited_ns: 0 },
      2000,
    );
  }
  const m = buildModel(mergeStreams(streams.map((s) => s.events)), {});
  const puts = m.flows
    .filter((f) => f.kind === 'put')
    .map((f) => [m.lanes[f.fromLane].pid, m.lanes[f.toLane].pid, f.toTs]);
  assert.deepEqual(
    puts.map(([from, to]) => [from, to]),
    [
      [12, 10],
      [11, 10],
    ],
  );
});

/** A task that sleeps once, written the long way (yield, resume and task_done of their own) or folded. */
function sleeperStream(folded: boolean): RawStream {
  const s = new RawStream(7);
  s.ev(1, 0, 'proc_begin', { ppid: 1, name: 'MainProcess', parent_obj: null, origin: 'main', internal: false })
    .ev(1, 0, 'code', { id: 1, name: 'main', qualname: 'main', file: '/p/a.py', line: 3 })
    .ev(1, 0, 'code', { id: 2, name: 'nap', qualname: 'nap', file: '/p/a.py', line: 8 })
    .ev(1, 0, 'task_create', { obj: 1, name: 'Task-1', coro: 'main', parent: 0, internal: false })
    .ev(1, 1, 'call', [1, 0, 3])
    .ev(1, 1, 'task_create', { obj: 2, name: 'napper', coro: 'nap', parent: 1, internal: false, line: 4 })
    .ev(1, 1, 'await', { target: 2, what: 'task' })
    .ev(1, 1, 'yield', [1, 100, 2])
    .ev(1, 2, 'call', [2, 100, 8]);
  if (folded) s.ev(1, 2, 'sleep', [2, 150, 0.25, 9]);
  else s.ev(1, 2, 'sleep', { secs: 0.25, line: 9 }).ev(1, 2, 'yield', [2, 150, 0], 0);
  if (folded) s.ev(1, 2, 'slept', [2, 160, 0.25], 250_000_000);
  else s.ev(1, 2, 'resume', [2, 160], 250_000_000).ev(1, 2, 'slept', { secs: 0.25 }, 0);
  s.ev(1, 2, 'print', { stream: 'stdout', text: 'awake' });
  if (folded) s.ev(1, 2, 'return', [2, 200, 1]);
  else s.ev(1, 2, 'return', [2, 200]).ev(1, 0, 'task_done', { obj: 2, state: 'ok' }, 0);
  s.ev(1, 1, 'resume', [1, 210])
    .ev(1, 1, 'awake', { target: 2 })
    .ev(1, 1, 'return', [1, 300])
    .ev(1, 0, 'task_done', { obj: 1, state: 'cancelled' });
  return s;
}

/** The model without step numbers (folded events use fewer of them), steps and flows in their order. */
function withoutOrders(m: TraceModel): unknown {
  const strip = <T extends object>(xs: readonly T[]): unknown[] =>
    xs.map((x) => Object.fromEntries(Object.entries(x).filter(([k]) => !/order/i.test(k))));
  return {
    lanes: m.lanes,
    spans: strip(m.spans),
    markers: strip(m.markers),
    steps: strip(m.steps),
    flows: strip(m.flows),
    output: strip(m.output),
  };
}

void test('a sleep that suspends a coroutine stands for its yield and resume, a return with 1 for its task end', () => {
  const long = buildModel(sleeperStream(false).events);
  const folded = buildModel(sleeperStream(true).events);
  assert.deepEqual(withoutOrders(folded), withoutOrders(long));
  // What the folded events stand for, spelled out.
  const napper = folded.lanes.findIndex((l) => l.name === 'napper');
  assert.deepEqual(
    folded.spans.filter((s) => s.lane === napper).map((s) => [s.name, s.end - s.start, s.cpu, s.open]),
    [
      ['nap', 1000, 50, false],
      ['nap', 2000, 40, false],
    ],
  );
  const steps = folded.steps.map((s) => s.text);
  const sleep = steps.indexOf('sleep 0.25 s');
  assert.ok(sleep > 0);
  assert.deepEqual(steps.slice(sleep, sleep + 3), ['sleep 0.25 s', 'resume nap()', 'woke after sleep 0.25 s']);
  const done = folded.markers.find((m) => m.kind === 'task_done' && m.label.includes('napper'));
  assert.ok(done, 'the return ended its task');
  assert.equal(folded.lanes[done.lane].kind, 'thread', 'a task ends between tasks, on its thread');
  assert.equal(folded.lanes[napper].info.state, 'ended');
  assert.equal(folded.stats.eventsByKind.task_done, 2);
  assert.equal(new Set(folded.steps.map((s) => s.order)).size, folded.steps.length, 'every step has its own number');
  assert.ok(
    folded.steps.every((s, i) => i === 0 || s.order > folded.steps[i - 1].order),
    'steps stay in order',
  );
  const sleepMarker = folded.markers.find((m) => m.kind === 'sleep');
  assert.equal(
    sleepMarker?.waitEnd !== undefined && sleepMarker.waitEnd - sleepMarker.ts,
    250_000_000,
    'the wait bar spans the sleep',
  );
});

void test('a return whose third item is not 1, or outside a task, ends no task', () => {
  const s = new RawStream(7);
  s.ev(1, 0, 'code', { id: 1, name: 'f', qualname: 'f', file: '/p/a.py', line: 1 })
    .ev(1, 0, 'call', [1, 0, 1])
    .ev(1, 0, 'return', [1, 10, 1])
    .ev(1, 0, 'task_create', { obj: 3, name: 'T', coro: 'g', parent: 0, internal: false })
    .ev(1, 3, 'call', [1, 20, 1])
    .ev(1, 3, 'return', [1, 30, 0]);
  const m = buildModel(s.events);
  assert.equal(m.markers.filter((x) => x.kind === 'task_done').length, 0);
  assert.equal(m.stats.eventsByKind.task_done, undefined);
});

void test('a task renamed after it was made: its lane and later labels take the new name, earlier ones keep the old', () => {
  const s = new RawStream(7);
  s.ev(1, 0, 'proc_begin', { ppid: 1, name: 'MainProcess', parent_obj: null, origin: 'main', internal: false })
    .ev(1, 0, 'task_create', { obj: 1, name: 'Task-1', coro: 'main', parent: 0, internal: false })
    .ev(1, 1, 'task_create', { obj: 2, name: 'Task-2', coro: 'work', parent: 1, internal: false })
    .ev(1, 1, 'task_cancel', { obj: 2 })
    .ev(1, 2, 'task_name', { obj: 2, name: 'worker-<b>1</b>', line: 7 })
    .ev(1, 0, 'task_done', { obj: 2, state: 'cancelled' });
  const m = buildModel(s.events);
  const lane = m.lanes.findIndex((l) => l.kind === 'task' && l.name === 'worker-<b>1</b>');
  assert.ok(lane >= 0, 'the lane carries the new name');
  assert.equal(m.lanes[lane].info['created as'], 'Task-2');
  assert.deepEqual(
    m.steps.map((x) => x.text).filter((t) => /task "/.test(t)),
    [
      'create task "Task-1" running main()',
      'create task "Task-2" running work()',
      'cancel task "Task-2"',
      'rename task "Task-2" to "worker-<b>1</b>"',
      'task "worker-<b>1</b>" cancelled',
    ],
  );
  const rename = m.markers.find((x) => x.kind === 'task_name');
  assert.equal(rename?.lane, lane, 'the rename is on the lane of the task that did it');
  assert.equal(rename?.line, 7);
  assert.equal(m.stats.eventsByKind.task_name, 1);
});

void test('two print statements in a row are two steps, each with its own line; the prints of one line are one burst', () => {
  const s = new RawStream(1)
    .ev(1, 0, 'print', { stream: 'stdout', text: 'locked: 200', line: 53 })
    .ev(1, 0, 'print', { stream: 'stdout', text: 'race observed', line: 62 })
    .ev(1, 0, 'print', { stream: 'stdout', text: 'tick 1', line: 70 })
    .ev(1, 0, 'print', { stream: 'stdout', text: 'tick 2', line: 70 });
  const m = buildModel(s.events);
  assert.deepEqual(
    m.steps.map((x) => [x.text, x.line]),
    [
      ['print: locked: 200', 53],
      ['print: race observed', 62],
      ['print (2 lines): tick 1', 70],
    ],
  );
  assert.deepEqual(
    m.output.map((o) => m.steps.findIndex((x) => x.order === o.order)),
    [0, 1, 2, 2],
    'each output line belongs to the step of the print that wrote it',
  );
});

void test('output becomes one step per burst: one lane, one stream, no other step between, no pause', () => {
  const s = new RawStream(1)
    .ev(1, 0, 'print', { stream: 'stdout', text: 'a' })
    .ev(1, 0, 'print', { stream: 'stdout', text: 'b' })
    .ev(1, 0, 'print', { stream: 'stdout', text: 'c' })
    .ev(2, 0, 'print', { stream: 'stdout', text: 'other lane' }) // another lane ends the burst
    .ev(1, 0, 'print', { stream: 'stdout', text: 'd' })
    .ev(1, 0, 'print', { stream: 'stderr', text: 'e' }) // so does another stream
    .ev(1, 0, 'print', { stream: 'stderr', text: 'e2' })
    .ev(1, 0, 'print', { stream: 'stderr', text: 'after a pause' }, BURST_GAP_NS + 1) // and a pause
    .ev(1, 0, 'sleep', { secs: 0.001 }) // and any other step of the lane
    .ev(1, 0, 'print', { stream: 'stderr', text: 'f' });
  const m = buildModel(s.events);
  assert.deepEqual(
    m.steps.map((x) => x.text),
    [
      'print (3 lines): a',
      'print: other lane',
      'print: d',
      'stderr (2 lines): e',
      'stderr: after a pause',
      'sleep 0.001 s',
      'stderr: f',
    ],
  );
  const burst = m.markers[m.steps[0].ref.index];
  assert.equal(burst.detail.text, 'a\nb\nc', 'the hover card shows every line of the burst');
  assert.equal(burst.detail.lines, '3');
  // Every line stays in the output pane, each pointing at its burst's step.
  assert.deepEqual(
    m.output.map((o) => [o.text, m.steps.findIndex((x) => x.order === o.order)]),
    [
      ['a', 0],
      ['b', 0],
      ['c', 0],
      ['other lane', 1],
      ['d', 2],
      ['e', 3],
      ['e2', 3],
      ['after a pause', 4],
      ['f', 6],
    ],
  );
  // The burst's lane lasts until its last line.
  const main = m.lanes.findIndex((l) => l.name === 'MainThread');
  assert.ok(m.lanes[main].end >= m.output[2].ts);
});

void test('objects are named as the program named them, else by type and the line that made them; queues show the values they carried', () => {
  const s = new RawStream(40);
  s.ev(1, 0, 'proc_begin', { ppid: 1, name: 'MainProcess', parent_obj: null, origin: 'main', internal: false })
    .ev(1, 0, 'obj_new', { obj: 2, line: 4, name: 'lock_b' })
    .ev(1, 0, 'obj_new', { obj: 3, line: 5, name: 'jobs' })
    .ev(1, 0, 'obj_new', { obj: 4, line: 9 })
    .ev(1, 0, 'obj_new', { obj: 5, line: 12, name: 'self.lock' })
    .ev(1, 0, 'obj_new', { obj: 6, line: 12, name: 'self.lock' })
    .ev(1, 0, 'lock_wait', { obj: 2, prim: 'Lock' })
    .ev(1, 0, 'lock_acquired', { obj: 2, prim: 'Lock', ok: true, waited_ns: 0, contended: true })
    .ev(1, 0, 'lock_acquired', { obj: 4, prim: 'RLock', ok: true, waited_ns: 0, contended: false })
    .ev(1, 0, 'lock_release', { obj: 6, prim: 'Lock' })
    .ev(1, 0, 'lock_release', { obj: 77, prim: 'Lock' })
    .ev(1, 0, 'queue_put', { obj: 3, prim: 'Queue', item: 1, size: 1, value: '0' })
    .ev(1, 0, 'queue_put', { obj: 3, prim: 'Queue', item: 2, size: 2, value: "'job-1'" })
    .ev(1, 0, 'queue_get', { obj: 3, prim: 'Queue', item: 1, value: '0', ok: true, waited_ns: 0 })
    .ev(1, 0, 'queue_get', { obj: 3, prim: 'Queue', item: 2, ok: true, waited_ns: 0 });
  const m = buildModel(s.events, {});
  assert.deepEqual(
    m.markers.map((x) => x.label),
    [
      'process "MainProcess" begins (pid 40)',
      'wait for lock_b',
      'acquire lock_b',
      'acquire RLock from line 9',
      'release self.lock (2nd one)',
      'release Lock #77',
      'put 0 into jobs',
      "put 'job-1' into jobs",
      'get 0 from jobs',
      'get item 2 from jobs',
    ],
  );
});

void test('an object shared with other processes keeps the name it was given where it was made', () => {
  const key = 'sem:/mp-lock';
  const parent = new RawStream(10, 100);
  const child = new RawStream(11, 200);
  parent
    .ev(1, 0, 'obj_new', { obj: 1, line: 3, name: 'shared_lock' })
    .ev(1, 0, 'lock_release', { obj: 1, prim: 'mp.Lock', key });
  child.ev(1, 0, 'lock_wait', { obj: 1, prim: 'mp.Lock', key }, 5000);
  const m = buildModel(mergeStreams([parent.events, child.events]), {});
  assert.deepEqual(
    m.markers.map((x) => x.label),
    ['release shared_lock', 'wait for shared_lock'],
  );
});

void test('a wait becomes runnable when its cause happens: the release, the put, the sleep running out', () => {
  const s = new RawStream(50);
  s.ev(1, 0, 'proc_begin', { ppid: 1, name: 'MainProcess', parent_obj: null, origin: 'main', internal: false })
    .ev(1, 0, 'thread_start', { obj: 7, name: 'alice', daemon: false, internal: false })
    .ev(2, 0, 'thread_begin', { obj: 7, name: 'alice', daemon: false, internal: false, ident: 11, native_id: 12 })
    .ev(1, 0, 'lock_acquired', { obj: 2, prim: 'Lock', ok: true, waited_ns: 0, contended: false })
    .ev(2, 0, 'lock_wait', { obj: 2, prim: 'Lock' })
    .ev(1, 0, 'lock_release', { obj: 2, prim: 'Lock' }, 5000) // alice is runnable from here…
    .ev(2, 0, 'lock_acquired', { obj: 2, prim: 'Lock', ok: true, waited_ns: 7000, contended: true }, 2000) // …until here
    .ev(2, 0, 'queue_get_wait', { obj: 3, prim: 'Queue' })
    .ev(1, 0, 'queue_put', { obj: 3, prim: 'Queue', item: 1, size: 1, value: '0' }, 4000)
    .ev(2, 0, 'queue_get', { obj: 3, prim: 'Queue', item: 1, value: '0', ok: true, waited_ns: 5000 }, 1000)
    .ev(2, 0, 'sleep', { secs: 0.001 })
    .ev(2, 0, 'slept', { secs: 0.001 }, 1_300_000)
    .ev(1, 0, 'lock_wait', { obj: 9, prim: 'Lock' }) // never answered: no cause, not runnable
    .ev(1, 0, 'lock_acquired', { obj: 9, prim: 'Lock', ok: false, waited_ns: 9000, contended: true }, 9000);
  const m = buildModel(s.events, {});
  const at = (kind: string, lane = 'alice'): { ts: number; readyAt?: number; waitEnd?: number } => {
    const found = m.markers.find((x) => x.kind === kind && m.lanes[x.lane].name === lane);
    assert.ok(found, kind);
    return found;
  };
  const ts = (kind: string, lane: string): number => at(kind, lane).ts;
  assert.equal(at('lock_wait').readyAt, ts('lock_release', 'MainThread'));
  assert.equal(at('queue_get_wait').readyAt, ts('queue_put', 'MainThread'));
  assert.equal(at('sleep').readyAt, at('sleep').ts + 1_000_000);
  assert.equal(at('lock_wait', 'MainThread').readyAt, undefined);
  for (const k of ['lock_wait', 'queue_get_wait', 'sleep']) {
    const w = at(k);
    assert.ok(w.ts <= (w.readyAt ?? NaN) && (w.readyAt ?? NaN) < (w.waitEnd ?? NaN), `${k}: wait ≤ ready < end`);
  }
});

void test('a blocking I/O call is a wait from io_wait to io_done; one never answered is what a stuck lane waits for', () => {
  const s = new RawStream(1);
  s.mainProcess();
  s.ev(1, 0, 'code', { id: 1, name: 'serve', qualname: 'serve', file: '/w/app.py', line: 3 });
  s.ev(1, 0, 'call', [1, 0, 9]);
  s.ev(1, 0, 'io_wait', { call: 'socket.accept', line: 4 });
  s.ev(1, 0, 'io_done', { call: 'socket.accept' }, 50_000_000);
  s.ev(1, 0, 'io_wait', { call: 'selector.select', line: 9, loop: true });
  s.ev(1, 0, 'io_done', { call: 'selector.select', loop: true }, 1_000_000);
  s.ev(1, 0, 'io_wait', { call: 'socket.recv', line: 5 });
  s.ev(2, 0, 'thread_begin', { obj: 7, name: 'ticker', daemon: true, internal: false, ident: 11, native_id: 12 });
  s.ev(2, 0, 'print', { stream: 'stdout', text: 'tick' }, 5_000_000_000);
  const m = buildModel(s.events, { title: 'io.py', exitCode: null });
  const waits = m.markers.filter((k) => k.kind === 'io_wait');
  assert.deepEqual(
    waits.map((w) => [w.label, w.line]),
    [
      ['in I/O: socket.accept()', 4],
      ['event loop idle: waiting for I/O or timers', 9],
      ['in I/O: socket.recv()', 5],
    ],
  );
  assert.equal(waits[0].waitEnd, waits[0].ts + 50_000_000, 'the wait ends when the call returned');
  assert.equal(
    m.markers.find((k) => k.kind === 'io_done' && k.detail.loop === 'true')?.label,
    'event loop woke: I/O ready or a timer due',
  );
  const end = m.lanes.reduce((x, l) => Math.max(x, l.end), 0);
  assert.equal(waits[2].waitEnd, end, 'the recv never returned: it lasts until the trace ends');
  assert.equal(waitForGraph(m).sentence, 'MainThread waits for socket.recv()');
});

void test("a pool worker's work item is a span named after the call, with the submit's arrow to its start", () => {
  const s = new RawStream(1);
  s.mainProcess();
  s.ev(1, 0, 'code', { id: 1, name: 'fetch', qualname: 'fetch', file: '/w/app.py', line: 3 });
  s.ev(1, 0, 'future_submit', { obj: 9, executor: 'ThreadPoolExecutor', fn: 'fetch', args: "'slow', 0.15", line: 12 });
  s.ev(2, 0, 'thread_begin', { obj: 4, name: 'fetcher_0', daemon: true, internal: false, ident: 11, native_id: 12 });
  s.ev(2, 0, 'work_begin', { obj: 9 });
  s.ev(2, 0, 'call', [1, 0, 0]);
  s.ev(2, 0, 'return', [1, 0], 150_000_000);
  s.ev(2, 0, 'work_end', { obj: 9 });
  s.ev(2, 0, 'future_done', { obj: 9, state: 'ok' });
  // A worker process's item says what it runs itself; a map chunk lists its items.
  s.ev(3, 0, 'work_begin', { fn: 'square', items: '[0, 1]', n: 2, job: 0 });
  s.ev(3, 0, 'work_end', {}, 5_000_000);
  const m = buildModel(s.events, { title: 'pools.py', exitCode: 0 });
  const items = m.spans.filter((x) => x.name !== 'fetch');
  assert.deepEqual(
    items.map((x) => [m.lanes[x.lane].name, x.name, x.depth, x.open, x.line]),
    [
      ['fetcher_0', "fetch('slow', 0.15)", 0, false, 12],
      ['Thread 3', 'square × 2: [0, 1]', 0, false, 0],
    ],
  );
  const call = m.spans.find((x) => x.name === 'fetch');
  assert.equal(call?.depth, 1, "the function runs inside its item's span");
  assert.ok(items[0].end >= (call?.end ?? Infinity));
  const submit = m.flows.filter((f) => f.kind === 'submit');
  assert.equal(submit.length, 1, 'one arrow per submit');
  assert.equal(submit[0].toTs, items[0].start, "it ends at the item's start, not at the future's end");
  assert.ok(m.steps.some((st) => st.text === "work item fetch('slow', 0.15)"));
  assert.ok(m.steps.some((st) => st.text === "submit fetch('slow', 0.15) to ThreadPoolExecutor"));
});

void test("a thread blocked for a future's or pool's results waits for the call it named, woken by the future's end", () => {
  const s = new RawStream(1);
  s.mainProcess();
  s.ev(1, 0, 'future_submit', { obj: 9, executor: 'ThreadPoolExecutor', fn: 'fetch', args: "'slow', 0.15", line: 12 });
  s.ev(1, 0, 'result_wait', { obj: 9, what: 'result', line: 13 });
  s.ev(2, 0, 'thread_begin', { obj: 4, name: 'fetcher_0', daemon: true, internal: false, ident: 11, native_id: 12 });
  s.ev(2, 0, 'future_done', { obj: 9, state: 'ok' }, 150_000_000);
  s.ev(1, 0, 'result_ready', { ok: true, waited_ns: 150_100_000, line: 13 }, 100_000);
  s.ev(1, 0, 'result_wait', { what: 'as_completed', line: 14 });
  s.ev(1, 0, 'result_ready', { ok: false, waited_ns: 5_000_000, line: 14 }, 5_000_000);
  s.ev(1, 0, 'result_wait', { what: 'pool.map', line: 15 });
  s.ev(2, 0, 'print', { stream: 'stdout', text: 'still here' }, 1_000_000_000);
  const m = buildModel(s.events, { title: 'pools.py', exitCode: null });
  const waits = m.markers.filter((k) => k.kind === 'result_wait');
  assert.deepEqual(
    waits.map((w) => [m.lanes[w.lane].name, w.label, w.line]),
    [
      ['MainThread', "wait for fetch('slow', 0.15)", 13],
      ['MainThread', "wait for as_completed's next future", 14],
      ['MainThread', 'wait for pool.map results', 15],
    ],
  );
  const done = m.markers.find((k) => k.kind === 'future_done');
  assert.equal(waits[0].readyAt, done?.ts, "runnable from the future's end");
  assert.equal(waits[0].waitEnd, m.markers.find((k) => k.kind === 'result_ready')?.ts, 'it ends when the results came');
  assert.ok(
    m.flows.some((f) => f.kind === 'done' && f.fromTs === done?.ts && m.lanes[f.toLane].name === 'MainThread'),
    'an arrow from the future done to the wait it ended',
  );
  assert.deepEqual(
    m.markers.filter((k) => k.kind === 'result_ready').map((k) => [k.label, k.severity]),
    [
      ['results ready (waited 150.10 ms)', 'info'],
      ['wait for results timed out (waited 5.00 ms)', 'warn'],
    ],
  );
  assert.equal(waitForGraph(m).sentence, 'MainThread waits for pool.map results');
});

void test("a task suspended in an asyncio function's own future has a wait band named after that function", () => {
  const s = new RawStream(1);
  s.ev(1, 0, 'proc_begin', { name: 'MainProcess' })
    .ev(1, 0, 'task_create', { obj: 1, name: 'Task-1', coro: 'main', parent: 0, internal: false })
    .ev(1, 1, 'task_create', { obj: 2, name: 'mirror', coro: 'download', parent: 1, internal: false })
    .ev(1, 1, 'obj_new', { obj: 3, line: 4, name: 'jobs' })
    .ev(1, 1, 'obj_new', { obj: 4, line: 9, name: 'fut' })
    .ev(1, 1, 'obj_new', { obj: 5, line: 20 });
  const waits: [number, Record<string, unknown>][] = [
    [10, { what: 'wait_for', call: 'download()' }],
    [11, { what: 'wait', count: 3 }],
    [12, { what: 'shield', task: 2 }],
    [13, { what: 'as_completed' }],
    [14, { what: 'join', obj: 3 }],
    [15, { what: 'TaskGroup', count: 1 }],
    // The program's own loop.create_future(): named as the program names it, else by its line.
    [16, { what: 'future', prim: 'future', obj: 4 }],
    [17, { what: 'future', prim: 'future', obj: 5 }],
  ];
  for (const [target, d] of waits) s.ev(1, 1, 'await', { target, ...d }).ev(1, 1, 'awake', { target }, 5_000_000);
  const m = buildModel(s.events, {});
  const awaits = m.markers.filter((x) => x.kind === 'await');
  assert.deepEqual(
    awaits.map((x) => x.label),
    [
      'await asyncio.wait_for(download())',
      'await asyncio.wait(3 tasks)',
      'await asyncio.shield("mirror")',
      "await as_completed's next",
      'await jobs.join()',
      "await TaskGroup's end (1 task left)",
      'await fut',
      'await future from line 20',
    ],
  );
  assert.ok(awaits.every((x) => x.waitEnd !== undefined && x.waitEnd > x.ts));
  // The wake names what woke it as its await did, never by the await's serial ("resumed after #16").
  assert.deepEqual(
    m.markers.filter((x) => x.kind === 'awake').map((x) => x.label),
    [
      'resumed after asyncio.wait_for(download())',
      'resumed after asyncio.wait(3 tasks)',
      'resumed after asyncio.shield("mirror")',
      "resumed after as_completed's next",
      'resumed after jobs.join()',
      "resumed after TaskGroup's end (1 task left)",
      'resumed after fut',
      'resumed after future from line 20',
    ],
  );
});

void test('an executor future and a gather are named by their call and kind, not only by serial', () => {
  const s = new RawStream(1);
  s.ev(1, 0, 'proc_begin', { name: 'MainProcess' })
    .ev(1, 0, 'task_create', { obj: 1, name: 'Task-1', coro: 'main', parent: 0, internal: false })
    .ev(1, 1, 'future_submit', { obj: 9, executor: 'ThreadPoolExecutor', fn: 'blocking', args: '2', line: 7 })
    .ev(1, 1, 'future_read', { obj: 9, how: 'callback', line: 7 })
    .ev(1, 1, 'await', { target: 9, what: 'future' })
    .ev(1, 0, 'future_done', { obj: 9, state: 'ok' }, 1_000_000)
    .ev(1, 1, 'awake', { target: 9 }, 1_000_000)
    .ev(1, 1, 'await', { target: 12, what: 'gather' }, 1_000_000)
    .ev(1, 1, 'future_done', { obj: 12, state: 'ok' }, 1_000_000)
    .ev(1, 1, 'awake', { target: 12 }, 1_000_000);
  const m = buildModel(s.events, {});
  assert.deepEqual(
    m.markers.filter((x) => /await|awake|future_(done|read)/.test(x.kind)).map((x) => x.label),
    [
      'done callback on blocking(2)',
      'await blocking(2)',
      'blocking(2) done',
      'resumed after blocking(2)',
      'await gather #12',
      'gather #12 done',
      'resumed after gather #12',
    ],
  );
});

void test('a gather is named by its children as the program wrote it: "await gather(3 tasks)", "gather(3 tasks) done"', () => {
  const s = new RawStream(1);
  s.ev(1, 0, 'proc_begin', { name: 'MainProcess' })
    .ev(1, 0, 'task_create', { obj: 1, name: 'Task-1', coro: 'main', parent: 0, internal: false })
    .ev(1, 1, 'await', { target: 12, what: 'gather', count: 3 }, 1_000_000)
    .ev(1, 0, 'future_done', { obj: 12, state: 'ok', what: 'gather', count: 3 }, 2_000_000)
    .ev(1, 1, 'awake', { target: 12 }, 2_000_000)
    .ev(1, 1, 'await', { target: 13, what: 'gather', count: 1 }, 3_000_000)
    .ev(1, 0, 'future_done', { obj: 13, state: 'error', what: 'gather', count: 1 }, 4_000_000)
    .ev(1, 1, 'awake', { target: 13 }, 4_000_000)
    // never awaited by a task: the tracer's own what/count name its end
    .ev(1, 0, 'future_done', { obj: 14, state: 'cancelled', what: 'gather', count: 2 }, 5_000_000);
  const m = buildModel(s.events, {});
  assert.deepEqual(
    m.markers.filter((x) => /await|awake|future_done/.test(x.kind)).map((x) => x.label),
    [
      'await gather(3 tasks)',
      'gather(3 tasks) done',
      'resumed after gather(3 tasks)',
      'await gather(1 task)',
      'gather(1 task) error',
      'resumed after gather(1 task)',
      'gather(2 tasks) cancelled',
    ],
  );
});

test('a name taken again is told by its ordinal ("2nd", "3rd", "11th", "22nd"), not a bare "(2)"', () => {
  assert.deepEqual([2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal), [
    '2nd',
    '3rd',
    '4th',
    '11th',
    '12th',
    '13th',
    '21st',
    '22nd',
    '23rd',
    '101st',
    '111th',
  ]);
});
