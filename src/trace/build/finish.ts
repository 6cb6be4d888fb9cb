/**
 * After the last event: lanes into tree order (process → its threads → their tasks), what never ended
 * runs to the end, lane ids remapped, and the model assembled.
 */
import {
  TRACE_MODEL_VERSION,
  type Lane,
  type LaneKind,
  type TraceModel,
  type TraceStats,
} from '../../shared/traceModel';
import type { RawEvent } from '../schema';
import type { BuildOptions } from './options';
import { placeRaces } from './races';
import type { BuildState, TmpLane } from './state';

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

export function finishModel(b: BuildState, events: readonly RawEvent[], opts: BuildOptions): TraceModel {
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
      id,
      kind: l.kind,
      parent: l.parent < 0 ? -1 : remap[l.parent],
      name: l.name,
      pid: l.pid,
      tid: l.tid,
      task: l.task,
      internal: l.internal,
      depth: l.kind === 'process' ? 0 : l.kind === 'thread' ? 1 : 2,
      start: l.start,
      end: l.end,
      info,
    };
  });

  // Spans still open at the end run to their lane's end; on a lane that never ended (a deadlock stopped
  // by the timeout) they, and the waits nobody answered, run to the end of the trace: that is the picture
  // of who was stuck, and for how long.
  const traceEnd = b.lanes.reduce((m, l) => Math.max(m, l.end), 0);
  const stillGoing = (l: TmpLane): boolean => !(l.ended || processEnded.has(l.pid));
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
  const model: TraceModel = {
    version: TRACE_MODEL_VERSION,
    title: opts.title ?? 'trace',
    python: b.python,
    t0: b.t0,
    duration: events.length > 0 ? runEnd(events[events.length - 1][1], opts.stoppedAt) - b.t0 : 0,
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
    ...(b.races.length > 0 ? { races: placeRaces(b.races, b.markers) } : {}),
    lineOffset: opts.lineOffset ?? 0,
  };
  if (model.error && model.error.code === 'timeout' && model.error.stillRunning === undefined) {
    model.error = { ...model.error, stillRunning: stillRunning(model) };
  }
  return model;
}

/**
 * Where the run's picture ends: its last event, or the moment the engine stopped it if that came later. A
 * program stuck in a deadlock writes nothing while it waits, so its model would end where the waits begin
 * and the stuck waits would have no width; the time it hung is the story.
 */
function runEnd(lastEvent: number, stoppedAt: number | undefined): number {
  return stoppedAt !== undefined && stoppedAt > lastEvent ? stoppedAt : lastEvent;
}
