/**
 * The bookkeeping every event handler shares while the model is built: lanes and the lookup of an
 * event's lane, sources and code ids, the model's arrays, object names, flows, wait bars, and making
 * a marker (with its step). What one primitive family alone needs stays in that family's handler.
 */
import { basename } from 'node:path';
import type { MarkerKind } from '../../shared/eventKinds';
import type {
  DataRace,
  Flow,
  FlowKind,
  Lane,
  LaneKind,
  Marker,
  OutputLine,
  Source,
  Span,
  Step,
} from '../../shared/traceModel';
import type { RawEvent } from '../schema';
import { asData, clip, num, str, type Data } from '../rawData';
import { markerText, type NameLookup } from '../markerText';
import type { Handle } from './handler';
import type { BuildOptions } from './options';

/** A lane while it is being built: the model's fields plus bookkeeping. */
export interface TmpLane extends Omit<Lane, 'id' | 'depth'> {
  ended: boolean;
  seen: boolean;
  stack: OpenSpan[];
  lastCpu: number;
}

export interface OpenSpan {
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

/** Where and when a step happened: one end of a flow. */
export interface Point {
  lane: number;
  ts: number;
  order: number;
}

/** Blocking operation → the event that completes it (draws the wait bar). */
const WAIT_END: Readonly<Record<string, string>> = {
  lock_acquired: 'lock_wait',
  event_woken: 'event_wait',
  cond_woken: 'cond_wait',
  barrier_pass: 'barrier_wait',
  queue_get: 'queue_get_wait',
  thread_joined: 'thread_join',
  proc_joined: 'proc_join',
  slept: 'sleep',
  awake: 'await',
  io_done: 'io_wait',
  result_ready: 'result_wait',
};

/** Map keyed by two numbers (pid and a per-process serial) without building a string per lookup. */
export class PairIndex<V> {
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

/** What made an object whose end the runtime reports: the ends of tasks, futures and threads point there. */
type Made = 'task' | 'future' | 'thread';
const MADE_BY: Partial<Record<MarkerKind, Made>> = {
  task_done: 'task',
  future_done: 'future',
  thread_begin: 'thread',
  thread_end: 'thread',
};
const NOWHERE = { source: -1, line: 0 } as const;

export class BuildState {
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
  /** The events being built (build/races.ts reads a replay's races ahead of their accesses). */
  stream: readonly RawEvent[] = [];
  /** The races whose two accesses became markers. */
  races: DataRace[] = [];
  python = '';
  /** First event's absolute ts: event times in the model are relative to it. */
  t0 = 0;
  /**
   * Global order of the current step: one per event, plus one for each step an event stands for
   * besides its own (a sleep's wake and its resume; a return and its task's end). Handlers that add
   * such a step advance it first.
   */
  order = 0;

  // Object names for labels, keyed "pid:obj".
  readonly threadNames = new Map<string, string>();
  readonly taskNames = new Map<string, string>();
  readonly procNames = new Map<string, string>();
  readonly procNamesByPid = new Map<number, string>();
  readonly procInternal = new Set<string>();
  /** The program's name for each synchronisation object ("pid:obj"), and the line that made it. */
  readonly objNames = new Map<string, string>();
  readonly objLines = new Map<string, number>();
  /** Names of objects shared across processes, by their key (learnt where the object was made). */
  private readonly keyNames = new Map<string, string>();
  readonly names: NameLookup = {
    thread: (pid, obj) => this.threadNames.get(`${pid}:${obj}`),
    task: (pid, obj) => this.taskNames.get(`${pid}:${obj}`),
    code: (pid, id) => this.codes.get(pid, id)?.qualname,
    process: (pid, obj, childPid) =>
      this.procNames.get(`${pid}:${obj}`) ?? (childPid !== undefined ? this.procNamesByPid.get(childPid) : undefined),
    object: (pid, obj, key) => {
      const own = this.objNames.get(`${pid}:${obj}`);
      if (!key) return own;
      if (own !== undefined && !this.keyNames.has(key)) this.keyNames.set(key, own);
      return this.keyNames.get(key);
    },
    objectLine: (pid, obj) => this.objLines.get(`${pid}:${obj}`),
    future: (pid, obj) => this.submits.get(`${pid}:${obj}`)?.call,
  };

  /**
   * Each executor future ("pid:obj") → its submit and what it runs ("fetch('slow', 0.15)"): a worker's work item
   * for it is named so, with an arrow from the submit (`flowed` once it has one).
   */
  readonly submits = new Map<string, { at: Point; call: string; source: number; line: number; flowed: boolean }>();
  /** A created lane (a task) → where it was created: its first event draws the start flow from there. */
  readonly createdAt = new Map<number, Point>();
  /** Open waits ("lane:kind" → marker index) whose completion draws their wait bar. */
  readonly pendingWaits = new Map<string, number>();
  /** Where each task, future and thread ("what:pid:obj") was made: the source of its end (markerSource). */
  private readonly made = new Map<string, { source: number; line: number }>();
  /** The order of each event that ended a wait → that wait's marker: a flow into it says when the wait's cause happened. */
  private readonly waitEndedBy = new Map<number, number>();

  // one-entry cache: consecutive events usually come from the same lane
  private lastLane = -1;
  private lastPid = NaN;
  private lastTid = NaN;
  private lastTask = NaN;

  /** Applies an event through its kind's handler (set once the handlers are made). */
  apply: Handle = () => undefined;

  constructor(readonly opts: BuildOptions) {}

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

  private newLane(
    kind: LaneKind,
    parent: number,
    pid: number,
    tid: number,
    task: number,
    name: string,
    ts: number,
  ): number {
    const id = this.lanes.length;
    this.lanes.push({
      kind,
      parent,
      name,
      pid,
      tid,
      task,
      internal: false,
      start: ts,
      end: ts,
      ended: false,
      seen: false,
      info: {},
      stack: [],
      lastCpu: -1,
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

  /** Lane events are placed on; the first real event on a created lane resolves its start flow. */
  touch(lane: number, at: Point): void {
    const L = this.lanes[lane];
    if (L.seen) return;
    L.seen = true;
    const from = this.createdAt.get(lane);
    if (from) this.flow('start', from, at);
  }

  flow(kind: FlowKind, from: Point, to: Point): void {
    const w = this.waitEndedBy.get(to.order);
    if (w !== undefined) this.readyFrom(w, from.ts);
    this.flows.push({
      kind,
      fromLane: from.lane,
      fromTs: from.ts,
      fromOrder: from.order,
      toLane: to.lane,
      toTs: to.ts,
      toOrder: to.order,
    });
  }

  count(kind: string): void {
    this.eventsByKind[kind] = (this.eventsByKind[kind] ?? 0) + 1;
  }

  /** Identity of a synchronisation object: its cross-process key if it has one. */
  objKey(pid: number, d: Data): string {
    const key = str(d, 'key');
    return key ? `k:${key}` : `${pid}:${num(d, 'obj') ?? -1}`;
  }

  /** False for an end written after the engine stopped the program (the tracer's SIGTERM flush). */
  endedOnItsOwn(ev: RawEvent): boolean {
    return this.opts.stoppedAt === undefined || ev[1] <= this.opts.stoppedAt;
  }

  /**
   * Where a marker points in the source, never at a line that did not run then:
   * - the event's own file/line;
   * - else, for the end of a wait (`wait`: its marker), where that wait began: the frame is still there;
   * - else, for an end the runtime reports outside the program's frames (a task or future done in the
   *   event loop, a thread's begin or end), where the thing was made (`made`), else nowhere: the frame
   *   on the lane's stack (the module waiting in run_until_complete) is not at its first line;
   * - else the function it happened in.
   */
  private markerSource(
    lane: number,
    kind: MarkerKind,
    pid: number,
    d: Data,
    wait: number | undefined,
  ): { source: number; line: number } {
    const file = str(d, 'file');
    const line = num(d, 'line');
    const stack = this.lanes[lane].stack;
    const top = stack.length > 0 ? this.spans[stack[stack.length - 1].span] : undefined;
    if (file) {
      // Only files the program's traced code lives in are sources (the editor maps those); a line in
      // another file (the stdlib) would point into the wrong document.
      const known = this.sourceIndex.get(file);
      if (known !== undefined) return { source: known, line: line ?? 0 };
      return top ? { source: top.source, line: top.line } : NOWHERE;
    }
    if (line !== undefined) return { source: top ? top.source : -1, line };
    if (wait !== undefined) return { source: this.markers[wait].source, line: this.markers[wait].line };
    const made = MADE_BY[kind];
    if (made !== undefined) return this.made.get(`${made}:${pid}:${num(d, 'obj') ?? -1}`) ?? NOWHERE;
    if (top) return { source: top.source, line: top.line };
    return NOWHERE;
  }

  /** Records where a task, future or thread was made (the marker just made), for its end's source. */
  madeHere(what: Made, pid: number, obj: number | undefined): void {
    const m = this.markers[this.markers.length - 1];
    if (obj !== undefined && m.source >= 0 && m.line > 0) this.made.set(`${what}:${pid}:${obj}`, m);
  }

  /** Wait `w` was answered at `ts` (a release, a put, a set, a task's end): runnable from then until it ended. */
  private readyFrom(w: number, ts: number): void {
    const m = this.markers[w];
    if (m.waitEnd === undefined || !(ts < m.waitEnd)) return;
    m.readyAt = Math.max(m.ts, ts, m.readyAt ?? -Infinity);
  }

  /**
   * Makes the marker and step of a marker event at the current order, on the event's lane (or, with
   * `onProcess`, its process's lane), ends the wait it completes or opens the wait it begins, and
   * returns where it happened. Names its label uses must be learnt before.
   */
  marker(kind: MarkerKind, ev: RawEvent, ts: number, onProcess = false): Point {
    const pid = ev[2];
    const d = asData(ev[6]);
    const order = this.order;
    const lane = onProcess ? this.processLane(pid, ts) : this.laneOf(pid, ev[3], ev[4], ts);
    if (onProcess) this.laneOf(pid, ev[3], ev[4], ts);
    const here: Point = { lane, ts, order };
    if (!onProcess) this.touch(lane, here);
    const text = markerText(kind, d, pid, this.names);
    const waitKind = WAIT_END[kind];
    const wait = waitKind !== undefined ? this.pendingWaits.get(`${lane}:${waitKind}`) : undefined;
    const where = this.markerSource(lane, kind, pid, d, wait);
    const index = this.markers.length;
    this.markers.push({
      lane,
      order,
      ts,
      kind,
      label: text.label,
      source: where.source,
      line: where.line,
      severity: text.severity,
      detail: text.detail,
    });
    this.steps.push({
      order,
      ts,
      lane,
      ref: { type: 'marker', index },
      text: text.label,
      source: where.source,
      line: where.line,
    });

    if (waitKind !== undefined) {
      const w = wait;
      if (w !== undefined) {
        this.markers[w].waitEnd = ts;
        this.pendingWaits.delete(`${lane}:${waitKind}`);
        this.waitEndedBy.set(order, w);
        // A sleep's cause is its own clock: the lane could run again once its time was up.
        const secs = num(d, 'secs');
        if (kind === 'slept' && secs !== undefined && secs > 0) this.readyFrom(w, this.markers[w].ts + secs * 1e9);
      }
    } else if (
      kind.endsWith('_wait') ||
      kind === 'thread_join' ||
      kind === 'proc_join' ||
      kind === 'sleep' ||
      kind === 'await'
    ) {
      this.pendingWaits.set(`${lane}:${kind}`, index);
    }
    return here;
  }
}
