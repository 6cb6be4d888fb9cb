/**
 * Human text for markers: the one-line label of the step list and canvas, and the hover details.
 * Everything here may contain program-controlled strings; the webview renders it as text.
 */
import type { Marker, MarkerKind } from '../shared/traceModel';
import { clip, formatNs, num, str, bool, type Data } from './rawData';

export interface NameLookup {
  thread(pid: number, obj: number): string | undefined;
  task(pid: number, obj: number): string | undefined;
  process(pid: number, obj: number, childPid: number | undefined): string | undefined;
  /** Qualified name of a traced function by its per-process code id. */
  code(pid: number, id: number): string | undefined;
  /** The program's name for a synchronisation object (the variable it was assigned to when made). */
  object(pid: number, obj: number, key: string | undefined): string | undefined;
  /** The line that made it. */
  objectLine(pid: number, obj: number): number | undefined;
  /** What an executor future runs, as its submit said ("fetch('slow', 0.15)"). */
  future(pid: number, obj: number): string | undefined;
}

export interface MarkerText {
  label: string;
  severity: Marker['severity'];
  detail: Record<string, string>;
}

/**
 * A synchronisation object as the program names it: `lock_b`; else its type and the line that made it
 * ("Lock from line 12"); else its type and serial ("Lock #2").
 */
function prim(d: Data, pid: number, names: NameLookup): string {
  const p = clip(str(d, 'prim', 'object'), 60);
  const obj = num(d, 'obj');
  if (obj === undefined) return p;
  const name = names.object(pid, obj, str(d, 'key') || undefined);
  if (name) return name;
  const line = names.objectLine(pid, obj);
  return line !== undefined ? `${p} from line ${line}` : `${p} #${obj}`;
}

function waited(d: Data): string {
  const w = num(d, 'waited_ns');
  // An acquire or get that did not wait says nothing about it (the hover still shows "waited").
  return w === undefined || w <= 0 ? '' : ` (waited ${formatNs(w)})`;
}

/**
 * What a task waits in when it awaits an asyncio function that suspends it on a future of its own
 * (aio_waits.py): "asyncio.wait(3 tasks)", "q.join()"; a gather by its children, "gather(3 tasks)"; undefined for
 * other awaits.
 */
function stdlibWait(what: string, d: Data, pid: number, names: NameLookup): string | undefined {
  const task = num(d, 'task');
  const inner = task !== undefined ? quoted(names.task(pid, task), `task #${task}`) : clip(str(d, 'call'), 80);
  const count = num(d, 'count');
  const tasks = count === undefined ? '' : `${count} ${count === 1 ? 'task' : 'tasks'}`;
  switch (what) {
    case 'wait_for':
    case 'shield':
      return `asyncio.${what}(${inner})`;
    case 'wait':
      return `asyncio.wait(${tasks})`;
    case 'as_completed':
      return "as_completed's next";
    case 'TaskGroup':
      return `TaskGroup's end${tasks ? ` (${tasks} left)` : ''}`;
    case 'gather': // asyncio.gather(a(), b(), c()): its children as the program passed them (aio.py)
      return count === undefined ? undefined : `gather(${tasks})`;
    case 'join':
      return `${num(d, 'obj') !== undefined ? prim(d, pid, names) : 'queue'}.join()`;
    case 'future': // the program's own loop.create_future(), named as it names it ("fut"); else an executor's
      return num(d, 'obj') !== undefined ? prim(d, pid, names) : undefined;
    default:
      return undefined;
  }
}

/**
 * What an await waits on: "task \"first\"", "fut", "asyncio.wait(3 tasks)", "gather(3 tasks)", "blocking(2)" (an
 * executor's job).
 */
function awaitedThing(d: Data, pid: number, names: NameLookup): string {
  const target = num(d, 'target') ?? 0;
  const what = str(d, 'what', 'other');
  const stdlib = stdlibWait(what, d, pid, names);
  if (stdlib !== undefined) return stdlib;
  const call = what === 'future' && target ? names.future(pid, target) : undefined;
  if (call !== undefined) return clip(call, 80);
  const name = str(d, 'name') || (what === 'task' ? names.task(pid, target) : undefined);
  return `${clip(what, 20)}${name ? ` ${quoted(name, '')}` : target ? ` #${target}` : ''}`;
}

/**
 * An executor future by the call it runs ("blocking(2)"), a gather by its children ("gather(3 tasks)"), else
 * by its serial ("future #9", "gather #5").
 */
function futureName(d: Data, pid: number, names: NameLookup): string {
  const obj = objOf(d);
  const call = obj >= 0 ? names.future(pid, obj) : undefined;
  if (call !== undefined) return clip(call, 80);
  const gather = str(d, 'what') === 'gather';
  return (gather ? stdlibWait('gather', d, pid, names) : undefined) ?? `${gather ? 'gather' : 'future'} #${obj}`;
}

function quoted(name: string | undefined, fallback: string): string {
  return name === undefined || name === '' ? fallback : `"${clip(name, 80)}"`;
}

/** Copies the scalar fields of `d` into hover details (nested values are summarised). */
function details(d: Data): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of Object.entries(d)) {
    if (n++ >= 20) break;
    if (typeof v === 'string') out[clip(k, 40)] = clip(v);
    else if (typeof v === 'number' || typeof v === 'boolean') out[clip(k, 40)] = String(v);
    else if (v === null) out[clip(k, 40)] = 'none';
    else out[clip(k, 40)] = clip(JSON.stringify(v) ?? '', 200);
  }
  const w = num(d, 'waited_ns');
  if (w !== undefined) out.waited = formatNs(w);
  return out;
}

type Severity = Marker['severity'];
/** A label, or a label with its emphasis (default 'info'). */
type Labelled = string | [label: string, severity: Severity];
/** The text of one marker kind; may add to `detail`. */
type Text = (d: Data, pid: number, names: NameLookup, detail: Record<string, string>) => Labelled;

const objOf = (d: Data): number => num(d, 'obj') ?? -1;
const threadName = (d: Data, pid: number, names: NameLookup): string =>
  quoted(names.thread(pid, objOf(d)), `#${objOf(d)}`);
const processName = (d: Data, pid: number, names: NameLookup): string =>
  quoted(names.process(pid, objOf(d), num(d, 'child_pid')), `#${objOf(d)}`);
const taskName = (d: Data, pid: number, names: NameLookup): string => quoted(names.task(pid, objOf(d)), `#${objOf(d)}`);
const ok = (d: Data): boolean => bool(d, 'ok') !== false;
/** The label of a wait that ends well or not (timed out, failed, broken): the latter is a warning. */
const outcome = (good: boolean, label: string): Labelled => (good ? label : [label, 'warn']);

const THREADS = {
  thread_start: (d) => `start thread ${quoted(str(d, 'name'), `#${objOf(d)}`)}`,
  thread_begin: (d) => `thread ${quoted(str(d, 'name'), `#${objOf(d)}`)} begins`,
  thread_end: (d, pid, names) => {
    const err = str(d, 'error');
    const label = `thread ${threadName(d, pid, names)} ends${err ? ` with ${clip(err, 200)}` : ''}`;
    return err ? [label, 'error'] : label;
  },
  thread_join: (d, pid, names) => `join thread ${threadName(d, pid, names)}`,
  thread_joined: (d, pid, names) => {
    const alive = bool(d, 'alive') === true;
    return outcome(!alive, `joined thread ${threadName(d, pid, names)}${alive ? ' (timed out, still alive)' : ''}`);
  },
} satisfies Partial<Record<MarkerKind, Text>>;

const PROCESSES = {
  proc_start: (d) =>
    `start process ${quoted(str(d, 'name'), `#${objOf(d)}`)}${str(d, 'method') ? ` (${clip(str(d, 'method'), 20)})` : ''}`,
  proc_begin: (d, pid) => `process ${quoted(str(d, 'name'), `pid ${pid}`)} begins (pid ${pid})`,
  proc_end: (d) => {
    const code = num(d, 'exitcode');
    return outcome(
      code === undefined || code === 0,
      `process ends${code === undefined ? '' : ` with exit code ${code}`}`,
    );
  },
  proc_join: (d, pid, names) => `join process ${processName(d, pid, names)}`,
  proc_joined: (d, pid, names) => {
    const code = num(d, 'exitcode');
    return `joined process ${processName(d, pid, names)}${code === undefined || code === null ? '' : ` (exit code ${code})`}`;
  },
} satisfies Partial<Record<MarkerKind, Text>>;

const TASKS = {
  task_create: (d) =>
    `create task ${quoted(str(d, 'name'), `#${objOf(d)}`)}${str(d, 'coro') ? ` running ${clip(str(d, 'coro'), 80)}()` : ''}`,
  task_done: (d, pid, names) => {
    const state = str(d, 'state', 'ok');
    const err = str(d, 'error');
    const label = `task ${taskName(d, pid, names)} ${state === 'ok' ? 'done' : state}${err ? `: ${clip(err, 200)}` : ''}`;
    return state === 'error' ? [label, 'error'] : state === 'cancelled' ? [label, 'warn'] : label;
  },
  task_cancel: (d, pid, names) => `cancel task ${taskName(d, pid, names)}`,
  task_name: (d, pid, names) => `rename task ${taskName(d, pid, names)} to ${quoted(str(d, 'name'), '""')}`,
  await: (d, pid, names) => `await ${awaitedThing(d, pid, names)}`,
  // Its data holds the await's fields too (build/tasks.ts), so it names what woke it as the await did.
  awake: (d, pid, names) => {
    if (str(d, 'what')) return `resumed after ${awaitedThing(d, pid, names)}`;
    const target = num(d, 'target') ?? 0;
    const name = names.task(pid, target);
    return `resumed after ${name ? `task ${quoted(name, '')}` : target ? `#${target}` : 'await'}`;
  },
  future_submit: (d) =>
    `submit ${clip(str(d, 'fn', 'function'), 80)}(${clip(str(d, 'args'), 80)}) to ${clip(str(d, 'executor', 'executor'), 60)}`,
  future_done: (d, pid, names) => {
    const state = str(d, 'state', 'ok');
    return outcome(state !== 'error', `${futureName(d, pid, names)} ${state === 'ok' ? 'done' : clip(state, 20)}`);
  },
  future_read: (d, pid, names) => {
    const how = str(d, 'how', 'result');
    const future = futureName(d, pid, names);
    return how === 'callback' ? `done callback on ${future}` : `${clip(how, 20)}() of ${future}`;
  },
  result_wait: (d, pid, names) => {
    const obj = num(d, 'obj');
    const what = clip(str(d, 'what', 'result'), 30);
    if (what === 'result') {
      const call = obj !== undefined ? names.future(pid, obj) : undefined;
      return `wait for ${call ?? (obj !== undefined ? `future #${obj}` : "a future's result")}`;
    }
    return `wait for ${RESULT_WAITS[what] ?? `${what} results`}`;
  },
  result_ready: (d) => outcome(ok(d), `${ok(d) ? 'results ready' : 'wait for results timed out'}${waited(d)}`),
} satisfies Partial<Record<MarkerKind, Text>>;

/** What a result wait's call waits for, as its label says after "wait for". */
const RESULT_WAITS: Readonly<Record<string, string>> = {
  as_completed: "as_completed's next future",
  wait: 'futures (futures.wait)',
  'Executor.map': 'Executor.map results',
  'pool.map': 'pool.map results',
  'pool.starmap': 'pool.starmap results',
  'pool.apply': 'pool.apply result',
  'pool.imap': "pool.imap's next result",
  'AsyncResult.get': 'AsyncResult.get() result',
  'AsyncResult.wait': 'AsyncResult.wait()',
};

const LOCKS = {
  lock_wait: (d, pid, names) => `wait for ${prim(d, pid, names)}`,
  lock_acquired: (d, pid, names, detail) => {
    if (bool(d, 'contended') === true) detail.contended = 'yes';
    return outcome(
      ok(d),
      ok(d) ? `acquire ${prim(d, pid, names)}${waited(d)}` : `acquire ${prim(d, pid, names)} failed${waited(d)}`,
    );
  },
  lock_release: (d, pid, names) => `release ${prim(d, pid, names)}`,
} satisfies Partial<Record<MarkerKind, Text>>;

const SIGNALS = {
  event_set: (d, pid, names) => `set ${prim(d, pid, names)}`,
  event_clear: (d, pid, names) => `clear ${prim(d, pid, names)}`,
  event_wait: (d, pid, names) => `wait on ${prim(d, pid, names)}`,
  event_woken: (d, pid, names) =>
    outcome(ok(d), `${prim(d, pid, names)} ${ok(d) ? 'is set' : 'wait timed out'}${waited(d)}`),
  cond_notify: (d, pid, names) => {
    const n = num(d, 'n');
    return `notify${n === -1 ? '_all' : n !== undefined && n !== 1 ? `(${n})` : ''} ${prim(d, pid, names)}`;
  },
  cond_wait: (d, pid, names) => `wait on ${prim(d, pid, names)}`,
  cond_woken: (d, pid, names) =>
    outcome(ok(d), `${ok(d) ? 'notified by' : 'wait timed out on'} ${prim(d, pid, names)}${waited(d)}`),
  barrier_wait: (d, pid, names) =>
    `wait at ${prim(d, pid, names)}${num(d, 'parties') !== undefined ? ` (${num(d, 'parties')} parties)` : ''}`,
  barrier_pass: (d, pid, names) =>
    outcome(ok(d), ok(d) ? `pass ${prim(d, pid, names)}${waited(d)}` : `${prim(d, pid, names)} broken${waited(d)}`),
} satisfies Partial<Record<MarkerKind, Text>>;

/** The value a queue carried, as the tracer's short safe repr ("0", "'job-3'", "<Job object>"); else its put number. */
function item(d: Data): string {
  const value = str(d, 'value');
  if (value) return clip(value, 60);
  const n = num(d, 'item') ?? 0;
  return n > 0 ? `item ${n}` : 'an item';
}

const QUEUES = {
  queue_put: (d, pid, names) => `put ${item(d)} into ${prim(d, pid, names)}`,
  queue_get_wait: (d, pid, names) => `wait for an item from ${prim(d, pid, names)}`,
  queue_get: (d, pid, names) =>
    outcome(
      ok(d),
      ok(d)
        ? `get ${item(d)} from ${prim(d, pid, names)}${waited(d)}`
        : `get from ${prim(d, pid, names)} failed (empty)${waited(d)}`,
    ),
} satisfies Partial<Record<MarkerKind, Text>>;

const SLEEPS = {
  sleep: (d) => `sleep ${num(d, 'secs') ?? '?'} s`,
  slept: (d) => `woke after sleep ${num(d, 'secs') ?? '?'} s`,
} satisfies Partial<Record<MarkerKind, Text>>;

const IO = {
  io_wait: (d) =>
    bool(d, 'loop') === true
      ? 'event loop idle: waiting for I/O or timers'
      : `in I/O: ${clip(str(d, 'call', 'I/O call'), 80)}()`,
  io_done: (d) =>
    bool(d, 'loop') === true
      ? 'event loop woke: I/O ready or a timer due'
      : outcome(ok(d), `${clip(str(d, 'call', 'I/O call'), 80)}() ${ok(d) ? 'returned' : 'raised'}`),
} satisfies Partial<Record<MarkerKind, Text>>;

const OUTPUT = {
  print: (d) => `${str(d, 'stream', 'stdout') === 'stderr' ? 'stderr' : 'print'}: ${clip(str(d, 'text'), 200)}`,
  exc: (d) => {
    const uncaught = bool(d, 'uncaught') === true;
    return [
      `${uncaught ? 'uncaught ' : ''}${clip(str(d, 'type', 'Exception'), 80)}${str(d, 'msg') ? `: ${clip(str(d, 'msg'), 200)}` : ''}`,
      uncaught ? 'error' : 'warn',
    ];
  },
  limit: (d, pid, names) => {
    const fn = names.code(pid, num(d, 'code') ?? -1);
    const budget = num(d, 'budget');
    const label =
      str(d, 'what') === 'events'
        ? 'event cap reached: later events are counted, not recorded'
        : `call budget${budget !== undefined ? ` of ${budget}` : ''} reached${fn ? ` for ${clip(fn, 80)}()` : ''}: later calls are not recorded`;
    return [label, 'warn'];
  },
} satisfies Partial<Record<MarkerKind, Text>>;

const EXPLORER = {
  sched_pick: (d) => {
    const where = `${clip(str(d, 'lane', 'a lane'), 80)} (decision ${num(d, 'index') ?? '?'})`;
    return bool(d, 'parts') === true
      ? [`the compared schedules part here: this one runs ${where}`, 'warn']
      : `the explorer switches to ${where}`;
  },
  // A shared access becomes a marker only when a 'race' names it (build/races.ts gives it the race's facts:
  // target, and the other access's lane, line and kind).
  shared_access: (d) => {
    const kind = str(d, 'kind') === 'write' ? 'write' : 'read';
    const other = `${clip(str(d, 'other_lane', 'another lane'), 80)}'s ${str(d, 'other_kind') === 'write' ? 'write' : 'read'}`;
    const line = num(d, 'other_line');
    return [
      `data race: ${kind} ${clip(str(d, 'target', 'a shared value'), 80)}, unordered with ${other}${line ? ` at L${line}` : ''}`,
      'error',
    ];
  },
} satisfies Partial<Record<MarkerKind, Text>>;

const TEXTS: Readonly<Record<MarkerKind, Text>> = {
  ...THREADS,
  ...PROCESSES,
  ...TASKS,
  ...LOCKS,
  ...SIGNALS,
  ...QUEUES,
  ...SLEEPS,
  ...IO,
  ...OUTPUT,
  ...EXPLORER,
};

export function markerText(kind: MarkerKind, d: Data, pid: number, names: NameLookup): MarkerText {
  const detail = details(d);
  const text = TEXTS[kind](d, pid, names, detail);
  return typeof text === 'string'
    ? { label: text, severity: 'info', detail }
    : { label: text[0], severity: text[1], detail };
}
