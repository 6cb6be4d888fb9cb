/**
 * The few facts the run findings read from the trace model, behind small accessors: when the model
 * learns more (task running slices, object names), only this file changes.
 */
import type { Lane, Marker, Span, TraceModel } from '../../shared/traceModel';
import { MAIN_CAUSE_SHARE } from './thresholds';

/** One step of an asyncio task: the loop ran only this task from `start` to `end`. */
export interface TaskStep {
  lane: number;
  start: number;
  end: number;
  /** On-CPU nanoseconds in the step, -1 if unknown. */
  cpu: number;
  /** The task's outermost coroutine span of the step. */
  span: number;
}

/** Blocking calls the tracer sees, by the marker kind that begins them, as the program wrote them. */
const BLOCKING_CALLS: Readonly<Partial<Record<Marker['kind'], string>>> = {
  sleep: 'time.sleep()',
  lock_wait: 'acquire()',
  thread_join: 'join()',
  proc_join: 'join()',
  queue_get_wait: 'get()',
  event_wait: 'wait()',
  cond_wait: 'wait()',
  barrier_wait: 'wait()',
};

export class ModelAccess {
  /** Span index → the line it was called from (its step's line). */
  private readonly callLines = new Map<number, number>();
  private readonly markersByLane = new Map<number, Marker[]>();
  private readonly spansByLane = new Map<number, number[]>();

  constructor(readonly model: TraceModel) {
    for (const s of model.steps) if (s.ref.type === 'span') this.callLines.set(s.ref.index, s.line);
    for (const m of model.markers) push(this.markersByLane, m.lane, m);
    model.spans.forEach((s, i) => push(this.spansByLane, s.lane, i));
  }

  lane(id: number): Lane {
    return this.model.lanes[id];
  }

  /** How a lane is called in a message: `task "fetch"`, `thread "worker-1"`. */
  laneName(id: number): string {
    const l = this.model.lanes[id];
    return `${l.kind} "${l.name}"`;
  }

  /** The thread a process started with (the tracer numbers threads per process from 1). */
  isMainThread(id: number): boolean {
    const l = this.model.lanes[id];
    return l.kind === 'thread' && l.tid === 1;
  }

  /** The program's own task lanes, thread lanes, … of a kind. */
  ownLanes(kind: Lane['kind']): Lane[] {
    return this.model.lanes.filter((l) => l.kind === kind && !l.internal);
  }

  /** Every step of the program's asyncio tasks: an outermost coroutine span, from resume to suspend. */
  taskSteps(): TaskStep[] {
    const out: TaskStep[] = [];
    for (const lane of this.ownLanes('task')) {
      for (const i of this.spansByLane.get(lane.id) ?? []) {
        const s = this.model.spans[i];
        if (s.depth === 0 && !s.open) out.push({ lane: lane.id, start: s.start, end: s.end, cpu: s.cpu, span: i });
      }
    }
    return out;
  }

  /** The outermost spans of a lane (for a thread: its target's calls). */
  topSpans(lane: number): Span[] {
    return (this.spansByLane.get(lane) ?? []).map((i) => this.model.spans[i]).filter((s) => s.depth === 0);
  }

  span(i: number): Span {
    return this.model.spans[i];
  }

  markersOf(lane: number): readonly Marker[] {
    return this.markersByLane.get(lane) ?? [];
  }

  /** The identity of the object a marker is about (a lock, a task…): its cross-process key, else pid and serial. */
  objectOf(m: Marker): string | undefined {
    const key = m.detail.key;
    if (key) return `k:${key}`;
    const obj = m.detail.obj;
    return obj === undefined ? undefined : `${this.model.lanes[m.lane].pid}:${obj}`;
  }

  /** The object's kind as the tracer names it ("Lock", "asyncio.Lock"). */
  primOf(m: Marker): string {
    return m.detail.prim ?? 'object';
  }

  /** How a marker's object is called in a message ("Lock #2"). */
  objectName(m: Marker): string {
    return `${this.primOf(m)}${m.detail.obj ? ` #${m.detail.obj}` : ''}`;
  }

  /**
   * What took most of the time on `lane` between `start` and `end`, if one thing took at least half
   * of it: a blocking call the tracer saw (a sleep, a wait for a lock, a join…) or a call of one of
   * the program's functions. The call's line and a phrase naming it.
   */
  mainCause(
    lane: number,
    start: number,
    end: number,
    depth: number,
  ): { source: number; line: number; what: string; ns: number } | undefined {
    const wall = end - start;
    let best: { source: number; line: number; what: string; ns: number } | undefined;
    for (const m of this.markersOf(lane)) {
      const call = BLOCKING_CALLS[m.kind];
      if (!call || m.waitEnd === undefined || m.ts < start || m.waitEnd > end) continue;
      const ns = m.waitEnd - m.ts;
      if (!best || ns > best.ns)
        best = {
          source: m.source,
          line: m.line,
          what: m.kind === 'sleep' ? `time.sleep(${m.detail.secs ?? ''})` : `${call} on ${this.objectName(m)}`,
          ns,
        };
    }
    for (const i of this.spansByLane.get(lane) ?? []) {
      const s = this.model.spans[i];
      if (s.depth !== depth + 1 || s.start < start || s.end > end) continue;
      const ns = s.end - s.start;
      if (!best || ns > best.ns)
        best = { source: s.source, line: this.callLines.get(i) ?? s.line, what: `${s.qualname}()`, ns };
    }
    return best && best.ns >= wall * MAIN_CAUSE_SHARE ? best : undefined;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** "412 ms", "1.2 s". */
export function duration(ns: number): string {
  return ns >= 1e9 ? `${(ns / 1e9).toFixed(1)} s` : `${Math.round(ns / 1e6)} ms`;
}
