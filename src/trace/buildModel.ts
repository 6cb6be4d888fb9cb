/**
 * Raw events (already merged into global order) → TraceModel. One pass over the events, then a
 * second pass that puts lanes into tree order (process → its threads → their tasks). Nothing in
 * the stream is trusted: unknown codes, unmatched returns, odd data shapes are all tolerated.
 */
import { basename } from 'node:path';
import {
  TRACE_MODEL_VERSION,
  type Flow, type FlowKind, type Lane, type LaneKind, type Marker, type MarkerKind, type OutputLine,
  type RunError, type Source, type Span, type Step, type TraceModel, type TraceStats,
} from '../shared/traceModel';
import type { RawEvent } from './schema';
import { asData, at, bool, clip, num, str, type Data } from './rawData';
import { markerText, type NameLookup } from './markerText';
import { isMarkerKind } from '../shared/eventKinds';

export interface BuildOptions {
  title?: string;
  lineOffset?: number;
  exitCode?: number | null;
  signal?: string | null;
  error?: RunError | null;
  /** Label of a source file in the UI (defaults to its basename). */
  sourceLabel?: (file: string) => string;
  /**
   * When the run engine stopped the program (absolute tracer-clock ns: CLOCK_MONOTONIC, the clock of
   * Node's process.hrtime). Ends written after it (the tracer's SIGTERM flush) do not count as the
   * lane ending on its own, so a timeout still lists what was running.
   */
  stoppedAt?: number;
}

/** Longest output line kept in the model (the supervisor's raw stdout keeps everything up to its cap). */
const MAX_OUTPUT_LINE = 10_000;

/** A lane while it is being built: the model's fields plus bookkeeping. */
interface TmpLane extends Omit<Lane, 'id' | 'depth'> {
  ended: boolean;
  seen: boolean;
  stack: OpenSpan[];
  lastCpu: number;
}

interface OpenSpan {
  span: number;
  code: number;
  cpu0: number;
}

interface CodeInfo {
  name: string;
  qualname: string;
  source: number;
  line: number;
}

interface Point {
  lane: number;
  ts: number;
  order: number;
}


/** Blocking operation → the event that completes it (draws the wait bar). */
const WAIT_END: Readonly<Record<string, string>> = {
  lock_acquired: 'lock_wait', event_woken: 'event_wait', cond_woken: 'cond_wait', barrier_pass: 'barrier_wait',
  queue_get: 'queue_get_wait', thread_joined: 'thread_join', proc_joined: 'proc_join', slept: 'sleep', awake: 'await',
};

/** Map keyed by two numbers (pid and a per-process serial) without building a string per lookup. */
/** A wake-up event → the event kind that caused it and the flow drawn between them. */
const WOKEN_BY: Readonly<Record<'event_woken' | 'cond_woken' | 'barrier_pass', [string, FlowKind]>> = {
  event_woken: ['event_set', 'set'],
  cond_woken: ['cond_notify', 'notify'],
  barrier_pass: ['barrier_wait', 'barrier'],
};

class PairIndex<V> {
  private readonly outer = new Map<number, Map<number, V>>();
  get(a: number, b: number): V | undefined {
    return this.outer.get(a)?.get(b);
  }
  set(a: number, b: number, v: V): void {
    let inner = this.outer.get(a);
    if (!inner) {
      inner = new Map();
      this.outer.set(a, inner);
    }
    inner.set(b, v);
  }
}

class Builder {
  readonly lanes: TmpLane[] = [];
  readonly processLanes = new Map<number, number>();
  readonly threadLanes = new PairIndex<number>();
  readonly taskLanes = new PairIndex<number>();
  readonly sources: Source[] = [];
  readonly sourceIndex = new Map<string, number>();
  readonly codes = new PairIndex<CodeInfo>();
  readonly spans: Span[] = [];
  readonly markers: Marker[] = [];
  readonly flows: Flow[] = [];
  readonly steps: Step[] = [];
  readonly output: OutputLine[] = [];
  readonly eventsByKind: Record<string, number> = {};
  suppressedCalls = 0;
  droppedEvents = 0;
  python = '';

  // object names for labels, keyed "pid:obj"
  readonly threadNames = new Map<string, string>();
  readonly taskNames = new Map<string, string>();
  readonly procNames = new Map<string, string>();
  readonly procNamesByPid = new Map<number, string>();
  readonly procInternal = new Set<string>();

  // flow bookkeeping
  readonly threadStarts = new Map<string, Point>();
  readonly taskCreates = new Map<string, Point>();
  readonly procStarts = new Map<string, Point>();
  readonly procStartByChild = new Map<number, Point>();
  readonly procBegins: { pid: number; parentKey: string | null; at: Point }[] = [];
  readonly lastRelease = new Map<string, Point>();
  readonly puts = new Map<string, Point>();
  /** Latest set/notify/barrier arrival per object: what woke the waiters that follow. */
  readonly lastSignal = new Map<string, Point>();
  readonly doneObjs = new Map<string, Point>();
  readonly threadEnds = new Map<string, Point>();
  readonly procEnds = new Map<number, Point>();
  readonly procJoined: { childPid: number; at: Point }[] = [];
  readonly submits = new Map<string, Point>();
  readonly pendingWaits = new Map<string, number>();

  // one-entry cache: consecutive events usually come from the same lane
  private lastLane = -1;
  private lastPid = NaN;
  private lastTid = NaN;
  private lastTask = NaN;

  constructor(private readonly opts: BuildOptions) {}

  source(file: string): number {
    let id = this.sourceIndex.get(file);
    if (id === undefined) {
      id = this.sources.length;
      const label = this.opts.sourceLabel?.(file) ?? basename(file);
      this.sources.push({ id, file, label: clip(label, 200) });
      this.sourceIndex.set(file, id);
    }
    return id;
  }

  private newLane(kind: LaneKind, parent: number, pid: number, tid: number, task: number, name: string, ts: number): number {
    const id = this.lanes.length;
    this.lanes.push({
      kind, parent, name, pid, tid, task, internal: false, start: ts, end: ts, ended: false, seen: false,
      info: {}, stack: [], lastCpu: -1,
    });
    if (kind === 'process') this.processLanes.set(pid, id);
    else if (kind === 'thread') this.threadLanes.set(pid, tid, id);
    else this.taskLanes.set(pid, task, id);
    return id;
  }

  processLane(pid: number, ts: number): number {
    const id = this.processLanes.get(pid);
    if (id !== undefined) return id;
    const lane = this.newLane('process', -1, pid, 0, 0, this.procNamesByPid.get(pid) ?? `pid ${pid}`, ts);
    this.lanes[lane].info.pid = String(pid);
    return lane;
  }

  threadLane(pid: number, tid: number, ts: number): number {
    const id = this.threadLanes.get(pid, tid);
    if (id !== undefined) return id;
    const p = this.processLane(pid, ts);
    return this.newLane('thread', p, pid, tid, 0, tid === 1 ? 'MainThread' : `Thread ${tid}`, ts);
  }

  taskLane(pid: number, tid: number, task: number, ts: number): number {
    const id = this.taskLanes.get(pid, task);
    if (id !== undefined) return id;
    const t = this.threadLane(pid, tid, ts);
    return this.newLane('task', t, pid, tid, task, this.taskNames.get(`${pid}:${task}`) ?? `Task #${task}`, ts);
  }

  /** The lane an event belongs to; extends its (and its ancestors') time range. */
  laneOf(pid: number, tid: number, task: number, ts: number): number {
    let lane: number;
    if (pid === this.lastPid && tid === this.lastTid && task === this.lastTask) {
      lane = this.lastLane;
    } else {
      lane = task !== 0 ? this.taskLane(pid, tid, task, ts) : this.threadLane(pid, tid, ts);
      this.lastPid = pid;
      this.lastTid = tid;
      this.lastTask = task;
      this.lastLane = lane;
    }
    for (let l = lane; l >= 0; l = this.lanes[l].parent) {
      const L = this.lanes[l];
      if (ts < L.start) L.start = ts;
      if (ts > L.end) L.end = ts;
    }
    return lane;
  }

  /** Lane events are placed on; first real event on a created task/thread resolves its start flow. */
  touch(lane: number, at: Point): void {
    const L = this.lanes[lane];
    if (L.seen) return;
    L.seen = true;
    if (L.kind === 'task') {
      const from = this.taskCreates.get(`${L.pid}:${L.task}`);
      if (from) this.flow('start', from, at);
    }
  }

  flow(kind: FlowKind, from: Point, to: Point): void {
    this.flows.push({ kind, fromLane: from.lane, fromTs: from.ts, fromOrder: from.order, toLane: to.lane, toTs: to.ts, toOrder: to.order });
  }

  /** Identity of a synchronisation object: its cross-process key if it has one. */
  objKey(pid: number, d: Data): string {
    const key = str(d, 'key');
    return key ? `k:${key}` : `${pid}:${num(d, 'obj') ?? -1}`;
  }

  openSpan(lane: number, order: number, ts: number, pid: number, payload: unknown, resumed: boolean): void {
    const codeId = at(payload, 0) ?? -1;
    const cpu = at(payload, 1) ?? -1;
    const code = this.codes.get(pid, codeId);
    const L = this.lanes[lane];
    // The span points at the function; its step points at the call site when the tracer knows it.
    const line = code?.line ?? at(payload, 2) ?? 0;
    const stepLine = resumed ? line : at(payload, 2) ?? line;
    const span: Span = {
      lane, order, start: ts, end: ts, name: code?.name ?? `code ${codeId}`, qualname: code?.qualname ?? `code ${codeId}`,
      source: code?.source ?? -1, line, depth: L.stack.length, cpu: -1, open: true,
    };
    const index = this.spans.length;
    this.spans.push(span);
    L.stack.push({ span: index, code: codeId, cpu0: cpu });
    if (cpu >= 0) L.lastCpu = cpu;
    this.steps.push({ order, ts, lane, ref: { type: 'span', index }, text: `${resumed ? 'resume' : 'call'} ${clip(span.qualname, 120)}()`, source: span.source, line: stepLine });
  }

  closeSpan(lane: number, ts: number, payload: unknown): void {
    const codeId = at(payload, 0) ?? -1;
    const cpu = at(payload, 1) ?? -1;
    const L = this.lanes[lane];
    let k = L.stack.length - 1;
    while (k >= 0 && L.stack[k].code !== codeId) k--;
    if (k < 0) return; // a return we never saw start (tracer attached mid-call): ignore
    // Frames above the match never reported their end: close them here, still flagged open.
    while (L.stack.length > k + 1) {
      const o = L.stack.pop() as OpenSpan;
      this.spans[o.span].end = ts;
    }
    const o = L.stack.pop() as OpenSpan;
    const span = this.spans[o.span];
    span.end = ts;
    span.open = false;
    span.cpu = o.cpu0 >= 0 && cpu >= o.cpu0 ? cpu - o.cpu0 : -1;
    if (cpu >= 0) L.lastCpu = cpu;
  }

  /** Where a marker points in the source: the event's own file/line, else the function it happened in. */
  markerSource(lane: number, d: Data): { source: number; line: number } {
    const file = str(d, 'file');
    const line = num(d, 'line');
    const stack = this.lanes[lane].stack;
    const top = stack.length > 0 ? this.spans[stack[stack.length - 1].span] : undefined;
    if (file) {
      // Only files the program's traced code lives in are sources (the editor maps those); a line in
      // another file (the stdlib) would point into the wrong document.
      const known = this.sourceIndex.get(file);
      if (known !== undefined) return { source: known, line: line ?? 0 };
      return top ? { source: top.source, line: top.line } : { source: -1, line: 0 };
    }
    if (top) return { source: top.source, line: line ?? top.line };
    return { source: -1, line: line ?? 0 };
  }

  names(): NameLookup {
    return {
      thread: (pid, obj) => this.threadNames.get(`${pid}:${obj}`),
      task: (pid, obj) => this.taskNames.get(`${pid}:${obj}`),
      code: (pid, id) => this.codes.get(pid, id)?.qualname,
      process: (pid, obj, childPid) => this.procNames.get(`${pid}:${obj}`) ?? (childPid !== undefined ? this.procNamesByPid.get(childPid) : undefined),
    };
  }

  run(events: readonly RawEvent[]): void {
    const t0 = events.length > 0 ? events[0][1] : 0;
    const names = this.names();
    // Steps are numbered by this counter: one per event, plus one for each step an event stands
    // for besides its own (a sleep's wake and its resume; a return and its task's end).
    let order = 0;
    for (let i = 0; i < events.length; i++, order++) {
      const ev = events[i];
      const kind = ev[5];
      this.eventsByKind[kind] = (this.eventsByKind[kind] ?? 0) + 1;
      const ts = ev[1] - t0;
      const pid = ev[2];
      const payload = ev[6];
      switch (kind) {
        case 'call':
        case 'resume': {
          const lane = this.laneOf(pid, ev[3], ev[4], ts);
          this.touch(lane, { lane, ts, order });
          this.openSpan(lane, order, ts, pid, payload, kind === 'resume');
          continue;
        }
        case 'return':
        case 'yield': {
          const lane = this.laneOf(pid, ev[3], ev[4], ts);
          this.closeSpan(lane, ts, payload);
          // A task's coroutine that returned and so ended its task ok: the return stands for task_done.
          if (kind === 'return' && at(payload, 2) === 1 && ev[4] > 0) {
            this.eventsByKind.task_done = (this.eventsByKind.task_done ?? 0) + 1;
            this.marker('task_done', [ev[0], ev[1], pid, ev[3], 0, 'task_done', { obj: ev[4], state: 'ok' }], ++order, ts, names);
          }
          continue;
        }
        case 'sleep':
        case 'slept':
          if (Array.isArray(payload)) {
            order = this.suspendingSleep(kind, ev, order, ts, names);
            continue;
          }
          break;
        case 'code': {
          const d = asData(payload);
          const id = num(d, 'id');
          if (id === undefined) continue;
          const file = str(d, 'file');
          const name = clip(str(d, 'name', '?'), 200);
          this.codes.set(pid, id, {
            name, qualname: clip(str(d, 'qualname', name), 300), source: file ? this.source(file) : -1, line: num(d, 'line') ?? 0,
          });
          continue;
        }
        case 'meta': {
          const d = asData(payload);
          const lane = this.processLane(pid, ts);
          const info = this.lanes[lane].info;
          const py = str(d, 'python');
          if (py) {
            info.python = clip(py, 40);
            if (!this.python) this.python = info.python;
          }
          if (str(d, 'start_method')) info['start method'] = clip(str(d, 'start_method'), 20);
          if (str(d, 'mechanism')) info.tracer = clip(str(d, 'mechanism'), 20);
          continue;
        }
        case 'summary': {
          const d = asData(payload);
          this.droppedEvents += Math.max(0, num(d, 'dropped_events') ?? 0);
          const sc = asData(d.suppressed_calls);
          for (const v of Object.values(sc)) if (typeof v === 'number' && v > 0) this.suppressedCalls += v;
          continue;
        }
        case 'proc_started': {
          // Links the Process object to the child's pid (for subprocess children that lack parent_obj).
          const d = asData(payload);
          const child = num(d, 'child_pid');
          const key = `${pid}:${num(d, 'obj') ?? -1}`;
          const from = this.procStarts.get(key);
          if (child !== undefined && from) this.procStartByChild.set(child, from);
          // The child gets its lane now: a child killed before its tracer flushed still shows (and
          // still counts as running at a timeout); its own events, if any, fill the lane in.
          if (child !== undefined && child > 0 && !this.processLanes.has(child)) {
            const lane = this.processLane(child, ts);
            const L = this.lanes[lane];
            L.name = this.procNames.get(key) ?? L.name;
            L.internal = this.procInternal.has(key);
            L.info['parent pid'] = String(pid);
          }
          continue;
        }
        default:
          break;
      }
      if (isMarkerKind(kind)) this.marker(kind, ev, order, ts, names);
    }
  }

  /**
   * An asyncio.sleep that suspends a recorded coroutine frame: data [codeId, cpuNs, secs, line] for
   * 'sleep', [codeId, cpuNs, secs] for 'slept'. The sleep stands for that frame's yield (right after
   * it), the wake for its resume (right before it, a step of its own). Returns the last order used.
   */
  private suspendingSleep(kind: 'sleep' | 'slept', ev: RawEvent, order: number, ts: number, names: NameLookup): number {
    const payload = ev[6];
    const span = [at(payload, 0) ?? -1, at(payload, 1) ?? -1];
    const data: Record<string, number> = { secs: at(payload, 2) ?? 0 };
    const marker: RawEvent = [ev[0], ev[1], ev[2], ev[3], ev[4], kind, data];
    const lane = this.laneOf(ev[2], ev[3], ev[4], ts);
    if (kind === 'sleep') {
      data.line = at(payload, 3) ?? 0;
      this.marker(kind, marker, order, ts, names);
      this.closeSpan(lane, ts, span);
      return order;
    }
    this.touch(lane, { lane, ts, order });
    this.openSpan(lane, order, ts, ev[2], span, true);
    this.marker(kind, marker, order + 1, ts, names);
    return order + 1;
  }

  marker(kind: MarkerKind, ev: RawEvent, order: number, ts: number, names: NameLookup): void {
    const pid = ev[2];
    const d = asData(ev[6]);
    const obj = num(d, 'obj') ?? -1;
    // Naming facts come first so the marker's own label can use them.
    switch (kind) {
      case 'thread_start':
      case 'thread_begin':
        if (str(d, 'name')) this.threadNames.set(`${pid}:${obj}`, clip(str(d, 'name'), 200));
        break;
      case 'task_create':
        if (str(d, 'name')) this.taskNames.set(`${pid}:${obj}`, clip(str(d, 'name'), 200));
        break;
      case 'proc_start':
        if (str(d, 'name')) this.procNames.set(`${pid}:${obj}`, clip(str(d, 'name'), 200));
        if (bool(d, 'internal') === true) this.procInternal.add(`${pid}:${obj}`);
        break;
      case 'proc_begin':
        if (str(d, 'name')) this.procNamesByPid.set(pid, clip(str(d, 'name'), 200));
        break;
      default:
        break;
    }
    const onProcess = kind === 'proc_begin' || kind === 'proc_end';
    const lane = onProcess ? this.processLane(pid, ts) : this.laneOf(pid, ev[3], ev[4], ts);
    if (onProcess) this.laneOf(pid, ev[3], ev[4], ts);
    const here: Point = { lane, ts, order };
    if (!onProcess) this.touch(lane, here);
    const L = this.lanes[lane];
    const text = markerText(kind, d, pid, names);
    const where = this.markerSource(lane, d);
    const index = this.markers.length;
    this.markers.push({ lane, order, ts, kind, label: text.label, source: where.source, line: where.line, severity: text.severity, detail: text.detail });
    this.steps.push({ order, ts, lane, ref: { type: 'marker', index }, text: text.label, source: where.source, line: where.line });

    const waitKind = WAIT_END[kind];
    if (waitKind !== undefined) {
      const key = `${lane}:${waitKind}`;
      const w = this.pendingWaits.get(key);
      if (w !== undefined) {
        this.markers[w].waitEnd = ts;
        this.pendingWaits.delete(key);
      }
    } else if (kind.endsWith('_wait') || kind === 'thread_join' || kind === 'proc_join' || kind === 'sleep' || kind === 'await') {
      this.pendingWaits.set(`${lane}:${kind}`, index);
    }

    const ok = bool(d, 'ok') !== false;
    switch (kind) {
      case 'thread_start':
        this.threadStarts.set(`${pid}:${obj}`, here);
        break;
      case 'thread_begin': {
        L.name = this.threadNames.get(`${pid}:${obj}`) ?? L.name;
        L.internal = bool(d, 'internal') === true;
        if (bool(d, 'daemon') !== undefined) L.info.daemon = bool(d, 'daemon') ? 'yes' : 'no';
        const nid = num(d, 'native_id');
        if (nid !== undefined) L.info['native id'] = String(nid);
        const from = this.threadStarts.get(`${pid}:${obj}`);
        if (from) this.flow('start', from, here);
        break;
      }
      case 'thread_end': {
        if (this.endedOnItsOwn(ev)) L.ended = true;
        this.threadEnds.set(`${pid}:${obj}`, here);
        if (str(d, 'error')) L.info.error = clip(str(d, 'error'), 300);
        break;
      }
      case 'thread_joined': {
        const from = this.threadEnds.get(`${pid}:${obj}`);
        if (from && bool(d, 'alive') !== true) this.flow('join', from, here);
        break;
      }
      case 'proc_start':
        this.procStarts.set(`${pid}:${obj}`, here);
        break;
      case 'proc_begin': {
        L.name = this.procNamesByPid.get(pid) ?? L.name;
        L.internal = bool(d, 'internal') === true;
        const ppid = num(d, 'ppid');
        if (ppid !== undefined) L.info['parent pid'] = String(ppid);
        if (str(d, 'origin')) L.info.origin = clip(str(d, 'origin'), 40);
        const parentObj = num(d, 'parent_obj');
        const parentPid = num(d, 'parent_pid') ?? ppid;
        this.procBegins.push({ pid, parentKey: parentObj !== undefined && parentPid !== undefined ? `${parentPid}:${parentObj}` : null, at: here });
        break;
      }
      case 'proc_end': {
        if (this.endedOnItsOwn(ev)) L.ended = true;
        const code = num(d, 'exitcode');
        if (code !== undefined) L.info['exit code'] = String(code);
        this.procEnds.set(pid, here);
        break;
      }
      case 'proc_joined': {
        const child = num(d, 'child_pid');
        if (child !== undefined) this.procJoined.push({ childPid: child, at: here });
        // The parent saw the child exit: that ends its lane even if the child wrote no proc_end
        // (killed, or not a Python program at all).
        const code = num(d, 'exitcode');
        const childLane = child !== undefined ? this.processLanes.get(child) : undefined;
        if (code !== undefined && childLane !== undefined && this.endedOnItsOwn(ev)) {
          const C = this.lanes[childLane];
          C.ended = true;
          C.info['exit code'] ??= String(code);
        }
        break;
      }
      case 'task_create': {
        const key = `${pid}:${obj}`;
        this.taskCreates.set(key, here);
        const task = this.taskLane(pid, ev[3], obj, ts);
        const T = this.lanes[task];
        T.name = this.taskNames.get(key) ?? T.name;
        T.internal = bool(d, 'internal') === true;
        if (str(d, 'coro')) T.info.coroutine = clip(str(d, 'coro'), 200);
        break;
      }
      case 'task_name': {
        // After its label (which names the task as it was): later labels and the lane use the new name.
        const name = clip(str(d, 'name'), 200);
        this.taskNames.set(`${pid}:${obj}`, name);
        const t = this.taskLanes.get(pid, obj);
        if (t !== undefined) {
          this.lanes[t].info['created as'] ??= this.lanes[t].name;
          this.lanes[t].name = name;
        }
        break;
      }
      case 'task_done': {
        const key = `${pid}:${obj}`;
        this.doneObjs.set(key, here);
        const t = this.taskLanes.get(pid, obj);
        if (t !== undefined) {
          if (this.endedOnItsOwn(ev)) this.lanes[t].ended = true;
          this.lanes[t].info.state = clip(str(d, 'state', 'ok'), 20);
        }
        break;
      }
      case 'future_done': {
        this.doneObjs.set(`${pid}:${obj}`, here);
        const from = this.submits.get(`${pid}:${obj}`);
        if (from) this.flow('submit', from, here);
        break;
      }
      case 'future_submit':
        this.submits.set(`${pid}:${obj}`, here);
        break;
      case 'awake': {
        const from = this.doneObjs.get(`${pid}:${num(d, 'target') ?? -1}`);
        if (from && from.lane !== lane) this.flow('done', from, here);
        break;
      }
      case 'lock_release':
        this.lastRelease.set(this.objKey(pid, d), here);
        break;
      case 'lock_acquired': {
        if (!ok) break;
        const key = this.objKey(pid, d);
        const from = this.lastRelease.get(key);
        if (from) {
          this.lastRelease.delete(key);
          if (from.lane !== lane) this.flow('release', from, here);
        }
        break;
      }
      case 'queue_put':
        // Item numbers count per process, so a shared queue's item is named by its sender too.
        this.puts.set(`${this.objKey(pid, d)}#${pid}#${num(d, 'item') ?? 0}`, here);
        break;
      case 'queue_get': {
        const item = num(d, 'item') ?? 0;
        if (!ok || item <= 0) break;
        const key = `${this.objKey(pid, d)}#${num(d, 'from_pid') ?? pid}#${item}`;
        const from = this.puts.get(key);
        if (from) {
          this.puts.delete(key);
          this.flow('put', from, here);
        }
        break;
      }
      case 'event_set':
      case 'cond_notify':
      case 'barrier_wait':
        this.lastSignal.set(`${kind}|${this.objKey(pid, d)}`, here);
        break;
      case 'event_woken':
      case 'cond_woken':
      case 'barrier_pass': {
        const [signal, flowKind] = WOKEN_BY[kind];
        const from = this.lastSignal.get(`${signal}|${this.objKey(pid, d)}`);
        if (ok && from && from.lane !== lane) this.flow(flowKind, from, here);
        break;
      }
      case 'print': {
        const stream = str(d, 'stream') === 'stderr' ? 'stderr' : 'stdout';
        this.output.push({ order, ts, lane, stream, text: clip(str(d, 'text'), MAX_OUTPUT_LINE) });
        break;
      }
      default:
        break;
    }
  }

  private endedOnItsOwn(ev: RawEvent): boolean {
    return this.opts.stoppedAt === undefined || ev[1] <= this.opts.stoppedAt;
  }

  /** Flows whose ends may arrive in either order (a child can begin before start() returns). */
  resolveProcessFlows(): void {
    for (const b of this.procBegins) {
      const from = (b.parentKey !== null ? this.procStarts.get(b.parentKey) : undefined) ?? this.procStartByChild.get(b.pid);
      if (from) this.flow('start', from, b.at);
    }
    for (const j of this.procJoined) {
      const from = this.procEnds.get(j.childPid);
      if (from) this.flow('join', from, j.at);
    }
  }
}

/** Index of lanes in display order: each process, then its threads by tid, each followed by its tasks. */
function treeOrder(lanes: readonly TmpLane[]): number[] {
  const children = new Map<number, number[]>();
  const roots: number[] = [];
  lanes.forEach((l, i) => {
    if (l.parent < 0) roots.push(i);
    else {
      const list = children.get(l.parent) ?? [];
      list.push(i);
      children.set(l.parent, list);
    }
  });
  const byStart = (a: number, b: number): number => lanes[a].start - lanes[b].start || lanes[a].pid - lanes[b].pid;
  const byTid = (a: number, b: number): number => lanes[a].tid - lanes[b].tid || lanes[a].task - lanes[b].task;
  const out: number[] = [];
  const visit = (i: number): void => {
    out.push(i);
    for (const c of (children.get(i) ?? []).sort(byTid)) visit(c);
  };
  for (const r of roots.sort(byStart)) visit(r);
  return out;
}

function count(lanes: readonly Lane[], kind: LaneKind): { own: number; internal: number } {
  let own = 0;
  let internal = 0;
  for (const l of lanes) {
    if (l.kind !== kind) continue;
    if (l.internal) internal++;
    else own++;
  }
  return { own, internal };
}

/** Names of lanes that never reported their end ("thread Worker-1 (pid 123)"). */
export function stillRunning(model: TraceModel): string[] {
  return model.lanes.filter((l) => l.info.state === 'still running').map((l) => `${l.kind} "${l.name}" (pid ${l.pid})`);
}

export function buildModel(events: readonly RawEvent[], opts: BuildOptions = {}): TraceModel {
  const b = new Builder(opts);
  b.run(events);
  b.resolveProcessFlows();

  const order = treeOrder(b.lanes);
  const remap = new Array<number>(b.lanes.length);
  order.forEach((old, i) => (remap[old] = i));
  const processEnded = new Set(b.lanes.filter((l) => l.kind === 'process' && l.ended).map((l) => l.pid));
  const lanes: Lane[] = order.map((old, id) => {
    const l = b.lanes[old];
    // A process's threads and tasks cannot outlive it; the main thread never reports its own end.
    const ended = l.ended || processEnded.has(l.pid);
    const info = { ...l.info, state: ended ? 'ended' : 'still running' };
    return {
      id, kind: l.kind, parent: l.parent < 0 ? -1 : remap[l.parent], name: l.name, pid: l.pid, tid: l.tid, task: l.task,
      internal: l.internal, depth: l.kind === 'process' ? 0 : l.kind === 'thread' ? 1 : 2, start: l.start, end: l.end, info,
    };
  });

  // Spans still open at the end run to their lane's end; on a lane that never ended (a deadlock stopped
  // by the timeout) they, and the waits nobody answered, run to the end of the trace: that is the picture
  // of who was stuck, and for how long.
  const traceEnd = b.lanes.reduce((m, l) => Math.max(m, l.end), 0);
  const stillGoing = (l: (typeof b.lanes)[number]): boolean => !(l.ended || processEnded.has(l.pid));
  b.lanes.forEach((l) => {
    const end = stillGoing(l) ? traceEnd : l.end;
    for (const o of l.stack) {
      const s = b.spans[o.span];
      s.end = Math.max(s.start, end);
      s.cpu = o.cpu0 >= 0 && l.lastCpu >= o.cpu0 ? l.lastCpu - o.cpu0 : -1;
    }
  });
  for (const w of b.pendingWaits.values()) {
    const m = b.markers[w];
    if (m.waitEnd !== undefined || !stillGoing(b.lanes[m.lane])) continue;
    m.waitEnd = Math.max(m.ts, traceEnd);
    m.detail = { ...m.detail, state: 'still waiting when the run ended' };
  }
  for (const s of b.spans) s.lane = remap[s.lane];
  for (const m of b.markers) m.lane = remap[m.lane];
  for (const s of b.steps) s.lane = remap[s.lane];
  for (const o of b.output) o.lane = remap[o.lane];
  for (const f of b.flows) {
    f.fromLane = remap[f.fromLane];
    f.toLane = remap[f.toLane];
  }
  b.flows.sort((x, y) => x.toOrder - y.toOrder || x.fromOrder - y.fromOrder);

  const stats: TraceStats = {
    events: events.length,
    eventsByKind: b.eventsByKind,
    processes: count(lanes, 'process'),
    threads: count(lanes, 'thread'),
    tasks: count(lanes, 'task'),
    suppressedCalls: b.suppressedCalls,
    droppedEvents: b.droppedEvents,
  };
  const t0 = events.length > 0 ? events[0][1] : 0;
  const model: TraceModel = {
    version: TRACE_MODEL_VERSION,
    title: opts.title ?? 'trace',
    python: b.python,
    t0,
    duration: events.length > 0 ? events[events.length - 1][1] - t0 : 0,
    exitCode: opts.exitCode ?? null,
    signal: opts.signal ?? null,
    error: opts.error ?? null,
    lanes,
    sources: b.sources,
    spans: b.spans,
    markers: b.markers,
    flows: b.flows,
    steps: b.steps,
    output: b.output,
    stats,
    lineOffset: opts.lineOffset ?? 0,
  };
  if (model.error && model.error.code === 'timeout' && model.error.stillRunning === undefined) {
    model.error = { ...model.error, stillRunning: stillRunning(model) };
  }
  return model;
}
