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
 * A lane's path split where a narrow column cuts it: `from` (the process, `process-A › `) gives way first,
 * `own` (what the lane itself is called) last, so "MainThread" of one process still reads in 100 px.
 */
export function splitLanePath(path: string, lane: Lane | undefined): { from: string; own: string } {
  const own = lane ? laneTitle(lane) : path;
  return path.endsWith(own) ? { from: path.slice(0, path.length - own.length), own } : { from: '', own: path };
}
