/** How lanes are named on screen: after what runs in them, with their process when there are several. Pure. */
import type { Lane, TraceModel } from '../shared/traceModel';

/** `heartbeat() · Task-2` for a task running a coroutine; the name Python gives otherwise. */
export function laneTitle(lane: Lane): string {
  const coroutine = lane.kind === 'task' ? lane.info.coroutine : undefined;
  if (coroutine && !lane.name.includes(coroutine)) return `${coroutine.replace(/^.*\./, '')}() · ${lane.name}`;
  return lane.name;
}

/**
 * The lane as the step list and output name it: its title alone in a one-process run, else the path
 * from its process (`process-A › MainThread`), so "MainThread" of one process is not taken for another's.
 */
export function lanePathNamer(model: TraceModel): (lane: number) => string {
  const processes = model.lanes.reduce((n, l) => n + (l.kind === 'process' ? 1 : 0), 0);
  const cache = new Map<number, string>();
  const path = (id: number): string => {
    const lane = model.lanes[id];
    if (!lane) return '?';
    if (processes <= 1 || lane.kind === 'process' || lane.parent < 0) return laneTitle(lane);
    let text = cache.get(id);
    if (text === undefined) {
      text = `${path(lane.parent)} › ${laneTitle(lane)}`;
      cache.set(id, text);
    }
    return text;
  };
  return path;
}

/**
 * The shortest end of each lane's path that names it alone (a narrow panel's LANE column): "thread-A",
 * "main() · Task-1", but "process-A › MainThread" where each process has a MainThread.
 */
export function shortLaneNamer(model: TraceModel): (lane: number) => string {
  const parts = (id: number): string[] => {
    const out: string[] = [];
    for (let l = model.lanes[id]; l; l = model.lanes[l.parent]) {
      out.unshift(laneTitle(l));
      if (l.parent < 0) break;
    }
    return out;
  };
  const tail = (p: string[], k: number): string => p.slice(p.length - k).join(' › ');
  const paths = model.lanes.map((l) => parts(l.id));
  const seen = new Map<string, number>();
  for (const p of paths) for (let k = 1; k <= p.length; k++) seen.set(tail(p, k), (seen.get(tail(p, k)) ?? 0) + 1);
  const names = paths.map((p) => {
    for (let k = 1; k < p.length; k++) if (seen.get(tail(p, k)) === 1) return tail(p, k);
    return tail(p, p.length);
  });
  return (lane) => names[lane] ?? '?';
}

/**
 * Where a lane's title gives way when cut, so that it still reads apart from its siblings (the lanes with
 * the same parent): `head` is cut from its end, `tail` is kept whole. The cut falls where siblings differ
 * least: two `heartbeat()` tasks keep " · Task-2" and " · Task-3" whole; a task whose coroutine no sibling
 * shares keeps its coroutine's start ("blocks_the_l…"); "ThreadPoolExecutor-0_1" beside "…-0_2" keeps
 * "-0_1". A thread or task no sibling shares a start with is cut where it differs from its `cousins` (the
 * model's lanes of its kind under other parents): "download_worker_thread_0" in one process beside "…_1" in
 * another keeps "_0". A title nothing shares a start with has no tail. Pure: one rule for the canvas's label
 * column, the step list and the output pane.
 */
export function laneCut(
  lane: Lane,
  siblings: readonly Lane[],
  cousins: readonly Lane[] = [],
): { head: string; tail: string } {
  const title = laneTitle(lane);
  const cut = siblingCut(lane, title, siblings);
  if (cut.tail || lane.kind === 'process') return cut;
  const others: string[] = [];
  for (const c of cousins) if (c.kind === lane.kind && c.parent !== lane.parent) others.push(laneTitle(c));
  return others.length > 0 ? differingEnd(title, others) : cut;
}

function siblingCut(lane: Lane, title: string, siblings: readonly Lane[]): { head: string; tail: string } {
  const others = siblings.filter((s) => s.id !== lane.id);
  if (title !== lane.name && lane.kind === 'task') {
    const head = title.slice(0, title.length - lane.name.length - 3);
    if (others.some((s) => s.kind === 'task' && laneTitle(s).startsWith(`${head} · `)))
      return { head, tail: title.slice(head.length) };
    return { head: title, tail: '' };
  }
  return differingEnd(title, others.map(laneTitle));
}

/** `title` split before where it differs from the one of `others` it shares the longest start with. */
function differingEnd(title: string, others: readonly string[]): { head: string; tail: string } {
  let shared = 0;
  for (const t of others) {
    let i = 0;
    while (i < t.length && i < title.length && t[i] === title[i]) i++;
    if (i < title.length) shared = Math.max(shared, i);
  }
  if (shared === 0) return { head: title, tail: '' };
  // Back to the separator before the first difference ("-0_1", "-3", " (worker)"), kept with the tail; else
  // to an underscore ("asyncio_2").
  const sep = /[\s\-·(›]/;
  let at = shared;
  if (!sep.test(title[at])) {
    while (at > 0 && !sep.test(title[at - 1])) at--;
    at = Math.max(0, at - 1);
  }
  if (at === 0) at = Math.max(0, title.lastIndexOf('_', shared));
  return at === 0 ? { head: title, tail: '' } : { head: title.slice(0, at), tail: title.slice(at) };
}

const cutters = new WeakMap<TraceModel, (lane: number) => { head: string; tail: string }>();

/** laneCut for each lane of a model, worked out once per model (the canvas asks every frame). */
export function laneCutter(model: TraceModel): (lane: number) => { head: string; tail: string } {
  const known = cutters.get(model);
  if (known) return known;
  const byParent = new Map<number, Lane[]>();
  const byKind = new Map<string, Lane[]>();
  const add = <K>(map: Map<K, Lane[]>, key: K, l: Lane): void => {
    const list = map.get(key);
    if (list) list.push(l);
    else map.set(key, [l]);
  };
  for (const l of model.lanes) {
    add(byParent, l.parent, l);
    add(byKind, l.kind, l);
  }
  const cache = new Map<number, { head: string; tail: string }>();
  const cutter = (id: number): { head: string; tail: string } => {
    let cut = cache.get(id);
    if (cut === undefined) {
      const lane = model.lanes[id];
      cut = lane ? laneCut(lane, byParent.get(lane.parent) ?? [], byKind.get(lane.kind)) : { head: '?', tail: '' };
      cache.set(id, cut);
    }
    return cut;
  };
  cutters.set(model, cutter);
  return cutter;
}

/**
 * A lane's name in a cell: what gives way first (`from`, the process part), then `own`'s head, `tail` last.
 * `fromTail`, when set, is the end of the process part that tells it from its siblings (`-1 › ` of
 * `Process-1 › `, or just ` › `): `from` is then cut from its end before it, so both ends of the process
 * part stay ("Pro…-1 › MainThread", "Mai… › MainThread"), not only its last letters ("…s › MainThread").
 */
export interface LaneNameParts {
  from: string;
  own: string;
  tail: string;
  fromTail?: string;
}

/**
 * A lane's path split where a narrow column cuts it: `from` (the process, `process-A › `) gives way first,
 * then what the lane itself is called (`own`) from its end, and `tail` (what tells it from its siblings,
 * see laneCut) last, so "MainThread" of one process and "heartbeat() · Task-2" still read in 100 px.
 */
export function splitLanePath(
  path: string,
  lane: Lane | undefined,
  cut: { head: string; tail: string } = { head: lane ? laneTitle(lane) : path, tail: '' },
): LaneNameParts {
  const own = lane ? laneTitle(lane) : path;
  if (!path.endsWith(own)) return { from: '', own: path, tail: '' };
  const from = path.slice(0, path.length - own.length);
  return cut.tail && own === cut.head + cut.tail ? { from, own: cut.head, tail: cut.tail } : { from, own, tail: '' };
}

/**
 * splitLanePath for lane `id` of `model` shown as `path`, with its process part (`from`) split where
 * laneCut splits the lane it starts with: what tells that lane from its siblings (its number) is kept
 * with the separator as `fromTail`, the rest is cut from its end. One rule for the step list and output.
 */
export function laneNameParts(model: TraceModel, path: string, id: number): LaneNameParts {
  const lane = model.lanes[id];
  const cutter = laneCutter(model);
  const parts = splitLanePath(path, lane, lane ? cutter(id) : undefined);
  if (!parts.from || !lane) return parts;
  // The lane `from` starts with: as many levels up as it has parts.
  let first: Lane | undefined = lane;
  for (let k = parts.from.split(' › ').length - 1; k > 0 && first; k--) first = model.lanes[first.parent];
  if (!first) return parts;
  const title = laneTitle(first);
  if (!parts.from.startsWith(`${title} › `)) return parts;
  const cut = cutter(first.id);
  const head = cut.tail && title === cut.head + cut.tail ? cut.head : title;
  return { ...parts, from: head, fromTail: parts.from.slice(head.length) };
}
