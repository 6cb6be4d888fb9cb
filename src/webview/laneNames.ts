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
 * A lane's path split where a narrow column cuts it: `from` (the process, `process-A › `) gives way first,
 * `own` (what the lane itself is called) last, so "MainThread" of one process still reads in 100 px.
 */
export function splitLanePath(path: string, lane: Lane | undefined): { from: string; own: string } {
  const own = lane ? laneTitle(lane) : path;
  return path.endsWith(own) ? { from: path.slice(0, path.length - own.length), own } : { from: '', own: path };
}
