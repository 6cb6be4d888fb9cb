/** Models for the browser tests, the screenshot and the benchmark. */
import type { MarkerKind, TraceModel } from '../../src/shared/traceModel';
import { ModelBuilder } from './modelBuilder';

const MS = 1e6;

export interface DemoOptions {
  /** Put markup in every program-controlled string (names, prints, exception text). */
  hostile?: boolean;
  /** Attach an uncaught-exception error to the model. */
  error?: boolean;
  /** Cut the run at this time (ms) to imitate a live snapshot. */
  until?: number;
}

export const HOSTILE = {
  print: '<img src=x onerror=alert(1)>',
  thread: '<b onmouseover=alert(2)>evil-thread</b>',
  task: '<svg onload=alert(3)>',
  func: '<iframe src=javascript:alert(4)>',
  exc: 'ValueError: <script>alert(5)</script>',
};

/**
 * A threads + asyncio + multiprocessing demo, about one second long: two CPU-bound threads sharing
 * the GIL (half on-CPU each), a lock hand-off, an asyncio section with three tasks, and a child
 * process crunching in parallel (fully on-CPU).
 */
export function demoModel(opts: DemoOptions = {}): TraceModel {
  const h = opts.hostile === true;
  const b = new ModelBuilder('threads_vs_asyncio.py', '/home/user/demo/threads_vs_asyncio.py');
  const main = b.lane({ kind: 'process', name: 'MainProcess', pid: 4242, info: { 'exit code': '0' } });
  const mt = b.lane({ kind: 'thread', name: 'MainThread', parent: main, pid: 4242, tid: 1 });
  const w1 = b.lane({
    kind: 'thread',
    name: h ? HOSTILE.thread : 'worker-1',
    parent: main,
    pid: 4242,
    tid: 2,
    info: { daemon: 'no' },
  });
  const w2 = b.lane({ kind: 'thread', name: 'worker-2', parent: main, pid: 4242, tid: 3, info: { daemon: 'no' } });
  const t1 = b.lane({
    kind: 'task',
    name: 'Task-1',
    parent: mt,
    pid: 4242,
    tid: 1,
    task: 1,
    info: { coroutine: 'amain' },
  });
  const t2 = b.lane({
    kind: 'task',
    name: h ? HOSTILE.task : 'fetch-1',
    parent: mt,
    pid: 4242,
    tid: 1,
    task: 2,
    info: { coroutine: 'fetch' },
  });
  const t3 = b.lane({
    kind: 'task',
    name: 'fetch-2',
    parent: mt,
    pid: 4242,
    tid: 1,
    task: 3,
    info: { coroutine: 'fetch' },
  });
  const feeder = b.lane({ kind: 'thread', name: 'QueueFeederThread', parent: main, pid: 4242, tid: 4, internal: true });
  const child = b.lane({ kind: 'process', name: 'Process-1', pid: 4243, info: { 'exit code': '0' } });
  const cmt = b.lane({ kind: 'thread', name: 'MainThread', parent: child, pid: 4243, tid: 1 });
  const tracker = b.lane({ kind: 'process', name: 'resource_tracker', pid: 4244, internal: true });
  b.lane({ kind: 'thread', name: 'MainThread', parent: tracker, pid: 4244, tid: 1, internal: true });

  // Main thread: starts two threads, joins them, runs asyncio, starts a process.
  b.span(mt, 'main', 0.2 * MS, 960 * MS, { line: 52, cpu: 60 * MS });
  const ts1 = b.marker(mt, 'thread_start', 2 * MS, `start ${h ? HOSTILE.thread : 'worker-1'}`, { line: 55 });
  const ts2 = b.marker(mt, 'thread_start', 3 * MS, 'start worker-2', { line: 55 });
  b.marker(mt, 'thread_join', 4 * MS, 'join worker-1', { line: 57, waitEnd: 262 * MS, detail: { waited: '258 ms' } });
  const j1d = b.marker(mt, 'thread_joined', 262 * MS, 'worker-1 joined', { line: 57 });
  b.marker(mt, 'thread_join', 262.5 * MS, 'join worker-2', { line: 57, waitEnd: 271 * MS });
  const j2d = b.marker(mt, 'thread_joined', 271 * MS, 'worker-2 joined', { line: 57 });
  b.print(mt, 272 * MS, 'threads done in 0.27 s', { line: 58 });

  // Two CPU-bound threads: each gets the GIL about half the time.
  for (const [lane, first, name] of [
    [w1, 2.5, 'worker-1'],
    [w2, 3.5, 'worker-2'],
  ] as const) {
    const tb = b.marker(lane, 'thread_begin', first * MS, `${name} begins`, { line: 20 });
    b.flow('start', lane === w1 ? ts1 : ts2, tb);
    b.span(
      lane,
      h && lane === w1 ? HOSTILE.func : 'count_primes',
      first * MS + 0.2 * MS,
      (lane === w1 ? 260 : 269) * MS,
      { line: 21, cpu: 128 * MS },
    );
    b.span(lane, 'is_prime', first * MS + 10 * MS, first * MS + 120 * MS, { depth: 1, line: 14, cpu: 55 * MS });
    b.span(lane, 'is_prime', first * MS + 125 * MS, first * MS + 250 * MS, { depth: 1, line: 14, cpu: 62 * MS });
  }
  const lw = b.marker(w1, 'lock_wait', 130 * MS, 'acquire Lock #1', { line: 25, detail: { lock: 'Lock #1' } });
  const la = b.marker(w1, 'lock_acquired', 130.02 * MS, 'acquired Lock #1', { line: 25 });
  const lr = b.marker(w1, 'lock_release', 131 * MS, 'release Lock #1', { line: 27 });
  const lw2 = b.marker(w2, 'lock_wait', 130.5 * MS, 'acquire Lock #1 (waited 0.5 ms)', {
    line: 25,
    waitEnd: 131 * MS,
    detail: { lock: 'Lock #1', waited: '0.5 ms' },
  });
  const la2 = b.marker(w2, 'lock_acquired', 131 * MS, 'acquired Lock #1', { line: 25 });
  void lw;
  void la;
  void lw2;
  b.flow('release', lr, la2);
  b.print(w1, 259 * MS, h ? HOSTILE.print : 'worker-1 found 9592 primes', { line: 30 });
  b.print(w2, 268 * MS, 'worker-2 found 9592 primes', { line: 30 });
  const e1 = b.marker(w1, 'thread_end', 260.5 * MS, 'worker-1 ends', { line: 21 });
  const e2 = b.marker(w2, 'thread_end', 269.5 * MS, 'worker-2 ends', { line: 21 });
  b.flow('join', e1, j1d);
  b.flow('join', e2, j2d);

  // asyncio: three tasks interleaving on the main thread.
  b.span(mt, 'asyncio.run', 280 * MS, 420 * MS, { depth: 1, line: 60, cpu: 8 * MS });
  b.span(t1, 'amain', 281 * MS, 419 * MS, { line: 40, cpu: 3 * MS });
  const c2 = b.marker(t1, 'task_create', 282 * MS, `create ${h ? HOSTILE.task : 'fetch-1'}`, { line: 42 });
  const c3 = b.marker(t1, 'task_create', 283 * MS, 'create fetch-2', { line: 43 });
  b.marker(t1, 'await', 284 * MS, 'await gather(fetch-1, fetch-2)', { line: 44, waitEnd: 418 * MS });
  for (const [lane, c, delay, n] of [
    [t2, c2, 90, 1],
    [t3, c3, 130, 2],
  ] as const) {
    const start = (285 + n) * MS;
    const sp = b.marker(lane, 'task_create', start, `fetch-${n} starts`, { line: 33 });
    b.flow('start', c, sp);
    b.span(lane, 'fetch', start, start + delay * MS, { line: 33, cpu: 1.5 * MS });
    b.marker(lane, 'sleep', start + 0.5 * MS, `asyncio.sleep(${delay / 1000})`, {
      line: 35,
      waitEnd: start + (delay - 1) * MS,
    });
    b.marker(lane, 'awake', start + (delay - 1) * MS, 'woke up', { line: 35 });
    if (n === 2 && opts.error === true) {
      b.marker(lane, 'exc', start + (delay - 0.5) * MS, h ? HOSTILE.exc : 'ValueError: bad response', {
        line: 36,
        severity: 'error',
        detail: { type: 'ValueError', message: h ? '<script>alert(5)</script>' : 'bad response' },
      });
    } else {
      b.print(lane, start + (delay - 0.5) * MS, `fetched ${n}`, { line: 37 });
    }
    const done = b.marker(lane, 'task_done', start + delay * MS, `fetch-${n} done`, { line: 33 });
    b.flow('done', done, c);
  }

  // A child process crunching numbers in parallel, fully on-CPU.
  const ps = b.marker(mt, 'proc_start', 430 * MS, 'start Process-1', { line: 63 });
  const pb = b.marker(cmt, 'proc_begin', 470 * MS, 'Process-1 begins', { line: 8 });
  b.flow('start', ps, pb);
  b.span(cmt, 'crunch', 471 * MS, 900 * MS, { line: 9, cpu: 420 * MS });
  b.span(cmt, 'sum_squares', 480 * MS, 880 * MS, { line: 10, depth: 1, cpu: 396 * MS });
  b.print(cmt, 899 * MS, 'child: sum = 333332833333500000', { line: 12 });
  const pe = b.marker(cmt, 'proc_end', 901 * MS, 'Process-1 exits (0)', { line: 8 });
  b.span(mt, 'spin', 440 * MS, 890 * MS, { depth: 1, line: 65, cpu: 430 * MS });
  b.marker(mt, 'proc_join', 891 * MS, 'join Process-1', { line: 66, waitEnd: 902 * MS });
  const pj = b.marker(mt, 'proc_joined', 902 * MS, 'Process-1 joined', { line: 66 });
  b.flow('join', pe, pj);
  const put = b.marker(mt, 'queue_put', 435 * MS, 'put job #1 on Queue #1', { line: 64 });
  const fe = b.marker(feeder, 'queue_get', 436 * MS, 'feeder sends job #1', { line: 1 });
  b.flow('put', put, fe);
  b.print(mt, 950 * MS, 'all done', { line: 70 });
  if (opts.error === true) {
    b.setError({
      code: 'uncaught-exception',
      message: h ? HOSTILE.exc : 'ValueError: bad response',
      hint: 'The exception was raised in task fetch-2 and never retrieved.',
      file: '/home/user/demo/threads_vs_asyncio.py',
      line: 36,
    });
  }
  const model = b.build();
  if (opts.until !== undefined) return cutModel(model, opts.until * MS);
  return model;
}

/** What a live snapshot at time `t` would hold (events up to t, spans still open marked open). */
function cutModel(m: TraceModel, t: number): TraceModel {
  const b = new ModelBuilder(m.title, m.sources[0].file);
  for (const l of m.lanes)
    b.lane({
      kind: l.kind,
      name: l.name,
      parent: l.parent,
      pid: l.pid,
      tid: l.tid,
      task: l.task,
      internal: l.internal,
      info: l.info,
    });
  for (const s of m.spans)
    if (s.start <= t)
      b.span(s.lane, s.name, s.start, Math.min(s.end, t), {
        depth: s.depth,
        cpu: s.cpu,
        line: s.line,
        open: s.end > t,
      });
  for (const k of m.markers) {
    if (k.ts > t) continue;
    if (k.kind === 'print') b.print(k.lane, k.ts, k.detail.text ?? k.label, { line: k.line });
    else
      b.marker(k.lane, k.kind, k.ts, k.label, {
        line: k.line,
        severity: k.severity,
        detail: k.detail,
        waitEnd: k.waitEnd !== undefined ? Math.min(k.waitEnd, t) : undefined,
      });
  }
  return b.build();
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FUNCS = ['worker', 'handle', 'parse', 'compute', 'fetch', 'produce', 'consume', 'step', 'update', 'flush'];
const KINDS: MarkerKind[] = [
  'lock_wait',
  'lock_acquired',
  'lock_release',
  'queue_put',
  'queue_get_wait',
  'queue_get',
  'sleep',
  'event_set',
  'event_wait',
  'await',
  'awake',
  'print',
];

/**
 * A large synthetic run: `events` spans and markers spread over 4 processes × 4 threads, with
 * asyncio tasks on one thread per process, nested calls up to depth 4, waits, prints and flows.
 */
export function synthModel(events: number, seed = 1): TraceModel {
  const rnd = mulberry32(seed);
  const b = new ModelBuilder(`synthetic-${events}.py`, '/tmp/synthetic.py');
  const lanes: number[] = [];
  for (let p = 0; p < 4; p++) {
    const pid = 1000 + p;
    const proc = b.lane({ kind: 'process', name: p === 0 ? 'MainProcess' : `Process-${p}`, pid });
    for (let t = 0; t < 4; t++) {
      const th = b.lane({
        kind: 'thread',
        name: t === 0 ? 'MainThread' : `Thread-${t}`,
        parent: proc,
        pid,
        tid: t + 1,
      });
      lanes.push(th);
      if (t === 0)
        for (let k = 0; k < 3; k++)
          lanes.push(b.lane({ kind: 'task', name: `Task-${k + 1}`, parent: th, pid, tid: 1, task: k + 1 }));
    }
    b.lane({ kind: 'thread', name: 'QueueFeederThread', parent: proc, pid, tid: 9, internal: true });
  }
  const duration = 2e9;
  const per = Math.ceil(events / lanes.length);
  const gap = duration / per;
  let made = 0;
  const recent: number[] = [];
  for (const lane of lanes) {
    let t = rnd() * gap;
    const stack: { name: string; start: number; depth: number }[] = [];
    for (let n = 0; n < per && made < events; n++, made++) {
      const r = rnd();
      if (stack.length < 4 && r < 0.3) {
        stack.push({ name: FUNCS[Math.floor(rnd() * FUNCS.length)], start: t, depth: stack.length });
        n--; // the span is emitted (and counted) when it closes
        made--;
      } else if (stack.length > 0 && r < 0.55) {
        const s = stack.pop() as { name: string; start: number; depth: number };
        b.span(lane, s.name, s.start, t, { depth: s.depth, cpu: (t - s.start) * rnd(), line: 10 + s.depth });
      } else {
        const kind = KINDS[Math.floor(rnd() * KINDS.length)];
        const wait = kind === 'sleep' || kind.endsWith('_wait') || kind === 'await' ? gap * (0.5 + rnd()) : undefined;
        const id =
          kind === 'print'
            ? b.print(lane, t, `line ${made} from lane ${lane}`, { line: 40 })
            : b.marker(lane, kind, t, `${kind.replace('_', ' ')} #${made}`, {
                line: 20 + (made % 30),
                waitEnd: wait === undefined ? undefined : t + wait,
                severity: made % 50_000 === 7 ? 'error' : 'info',
              });
        if (made % 10 === 0 && recent.length > 0) b.flow('release', recent[Math.floor(rnd() * recent.length)], id);
        recent.push(id);
        if (recent.length > 8) recent.shift();
      }
      t += (gap * (0.2 + rnd() * 1.6)) / 1.0;
    }
    while (stack.length > 0 && made < events) {
      const s = stack.pop() as { name: string; start: number; depth: number };
      b.span(lane, s.name, s.start, t, { depth: s.depth, cpu: (t - s.start) * 0.5, line: 10 + s.depth });
      made++;
    }
  }
  return b.build();
}
