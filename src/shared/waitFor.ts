/**
 * Who waits for what, held by whom, when a run ended with lanes stuck in a blocking call (a timeout or
 * Stop): the wait-for graph, its cycle if there is one (a deadlock), and the same in words. Pure.
 */
import type { Marker, TraceModel } from './traceModel';

export interface WaitEdge {
  /** The lane that is stuck. */
  waiter: number;
  /** What it waits on, as the Timeline names it ("Lock #2", 'thread "alice"'). */
  what: string;
  /** The lane holding it (a lock's owner, the thread being joined), or -1 when no one lane does. */
  holder: number;
  /** The marker of the wait that never ended. */
  marker: number;
}

export interface WaitForGraph {
  edges: WaitEdge[];
  /** Lanes of a cycle in wait order (each waits for the next, the last for the first); empty if none. */
  cycle: number[];
  /** "alice waits for Lock #2 held by bob; bob waits for Lock #1 held by alice", or '' when nothing is stuck. */
  sentence: string;
}

const BLOCKING = new Set<string>([
  'lock_wait',
  'queue_get_wait',
  'event_wait',
  'cond_wait',
  'barrier_wait',
  'await',
  'thread_join',
  'proc_join',
  'io_wait',
  'result_wait',
]);

/** What a wait's label says it waits on, without the verb: "lock_b" of "wait for lock_b", 'thread "alice"' of 'join thread "alice"'. */
export function waitedOnText(label: string): string {
  return label.replace(/^(wait (for|on|at)( an item from)?|join|await|in I\/O:|event loop idle: waiting for) /, '');
}

function waitedOn(m: Marker): string {
  return waitedOnText(m.label);
}

/**
 * The wait-for graph of a run the Lab stopped (its time limit, or Stop): only then did its lanes' last
 * blocking calls never return. Undefined for a run that ended any other way.
 */
export function waitsAtStop(model: Pick<TraceModel, 'lanes' | 'markers' | 'error'>): WaitForGraph | undefined {
  const code = model.error?.code;
  return code === 'timeout' || code === 'cancelled' ? waitForGraph(model) : undefined;
}

export function waitForGraph(model: Pick<TraceModel, 'lanes' | 'markers'>): WaitForGraph {
  // The last event of each lane, and who holds each lock when the trace ends.
  const last = new Map<number, number>();
  const holder = new Map<string, number>();
  const threadByObj = new Map<string, string>();
  model.markers.forEach((m, i) => {
    const prev = last.get(m.lane);
    if (prev === undefined || model.markers[prev].ts <= m.ts) last.set(m.lane, i);
    const obj = m.detail.obj;
    if (obj === undefined) return;
    const key = `${model.lanes[m.lane]?.pid}:${obj}`;
    if (m.kind === 'lock_acquired') holder.set(key, m.lane);
    else if (m.kind === 'lock_release' && holder.get(key) === m.lane) holder.delete(key);
    else if (m.kind === 'thread_start' && m.detail.name !== undefined) threadByObj.set(key, m.detail.name);
  });
  const edges: WaitEdge[] = [];
  for (const [lane, i] of last) {
    const m = model.markers[i];
    // A lane's last event is a blocking call: it never returned (the model may already run it to the end).
    if (!BLOCKING.has(m.kind)) continue;
    const key = `${model.lanes[lane]?.pid}:${m.detail.obj ?? ''}`;
    let held = -1;
    if (m.kind === 'lock_wait') held = holder.get(key) ?? -1;
    else if (m.kind === 'thread_join') {
      const name = threadByObj.get(key);
      held = model.lanes.findIndex((l) => l.kind === 'thread' && l.name === name && l.pid === model.lanes[lane]?.pid);
    }
    edges.push({ waiter: lane, what: waitedOn(m), holder: held, marker: i });
  }
  edges.sort((a, b) => a.waiter - b.waiter);
  const next = new Map(edges.map((e) => [e.waiter, e]));
  let cycle: number[] = [];
  for (const e of edges) {
    const path: number[] = [];
    let at = e.waiter;
    while (next.has(at) && !path.includes(at)) {
      path.push(at);
      at = (next.get(at) as WaitEdge).holder;
    }
    const from = path.indexOf(at);
    if (from >= 0) {
      cycle = path.slice(from);
      break;
    }
  }
  const name = (lane: number): string => model.lanes[lane]?.name ?? '?';
  const words = (e: WaitEdge): string => {
    if (e.holder < 0) return `${name(e.waiter)} waits for ${e.what}`;
    const joined = model.markers[e.marker].kind === 'thread_join';
    return joined
      ? `${name(e.waiter)} waits for ${name(e.holder)} to end`
      : `${name(e.waiter)} waits for ${e.what} held by ${name(e.holder)}`;
  };
  const inCycle = cycle.map((l) => next.get(l) as WaitEdge);
  const rest = edges.filter((e) => !cycle.includes(e.waiter));
  const sentence = [...inCycle, ...rest].map(words).join('; ');
  return { edges, cycle, sentence };
}
