/**
 * Processes: meta and begin/end (in the process itself), start/started/join (seen from the parent).
 * A child can begin before its parent's start() returns, so start and join flows are drawn at the end.
 */
import type { Marker } from '../../shared/traceModel';
import { asData, bool, clip, num, str } from '../rawData';
import type { RawEvent } from '../schema';
import type { FamilyOf } from './handler';
import type { BuildState, Point } from './state';

type ProcessKind = 'meta' | 'proc_start' | 'proc_started' | 'proc_begin' | 'proc_end' | 'proc_join' | 'proc_joined';

export const processes: FamilyOf<ProcessKind> = (b) => {
  const starts = new Map<string, Point>();
  const startByChild = new Map<number, Point>();
  const begins: { pid: number; parentKey: string | null; at: Point }[] = [];
  const ends = new Map<number, Point>();
  const joined: { childPid: number; at: Point }[] = [];
  const keyOf = (ev: RawEvent): string => `${ev[2]}:${num(asData(ev[6]), 'obj') ?? -1}`;
  return {
    handlers: {
      meta(ev, ts) {
        const d = asData(ev[6]);
        const info = b.lanes[b.processLane(ev[2], ts)].info;
        const py = str(d, 'python');
        if (py) {
          info.python = clip(py, 40);
          if (!b.python) b.python = info.python;
        }
        if (str(d, 'start_method')) info['start method'] = clip(str(d, 'start_method'), 20);
        if (str(d, 'mechanism')) info.tracer = clip(str(d, 'mechanism'), 20);
      },
      proc_start(ev, ts) {
        const d = asData(ev[6]);
        const key = keyOf(ev);
        if (str(d, 'name')) b.procNames.set(key, clip(str(d, 'name'), 200));
        if (bool(d, 'internal') === true) b.procInternal.add(key);
        starts.set(key, b.marker('proc_start', ev, ts));
      },
      proc_started(ev, ts) {
        // Links the Process object to the child's pid (for subprocess children that lack parent_obj).
        const pid = ev[2];
        const child = num(asData(ev[6]), 'child_pid');
        const key = keyOf(ev);
        const from = starts.get(key);
        if (child !== undefined && from) startByChild.set(child, from);
        // The child gets its lane now: a child killed before its tracer flushed still shows (and
        // still counts as running at a timeout); its own events, if any, fill the lane in.
        if (child !== undefined && child > 0 && !b.processLanes.has(child)) {
          const L = b.lanes[b.processLane(child, ts)];
          L.name = b.procNames.get(key) ?? L.name;
          L.internal = b.procInternal.has(key);
          L.info['parent pid'] = String(pid);
        }
      },
      proc_begin(ev, ts) {
        const pid = ev[2];
        const d = asData(ev[6]);
        if (str(d, 'name')) b.procNamesByPid.set(pid, clip(str(d, 'name'), 200));
        const here = b.marker('proc_begin', ev, ts, true);
        const L = b.lanes[here.lane];
        L.name = b.procNamesByPid.get(pid) ?? L.name;
        L.internal = bool(d, 'internal') === true;
        const ppid = num(d, 'ppid');
        if (ppid !== undefined) L.info['parent pid'] = String(ppid);
        if (str(d, 'origin')) L.info.origin = clip(str(d, 'origin'), 40);
        const parentObj = num(d, 'parent_obj');
        const parentPid = num(d, 'parent_pid') ?? ppid;
        begins.push({
          pid,
          parentKey: parentObj !== undefined && parentPid !== undefined ? `${parentPid}:${parentObj}` : null,
          at: here,
        });
      },
      proc_end(ev, ts) {
        const here = b.marker('proc_end', ev, ts, true);
        const L = b.lanes[here.lane];
        if (b.endedOnItsOwn(ev)) L.ended = true;
        const code = num(asData(ev[6]), 'exitcode');
        if (code !== undefined) L.info['exit code'] = String(code);
        ends.set(ev[2], here);
      },
      proc_join(ev, ts) {
        b.marker('proc_join', ev, ts);
      },
      proc_joined(ev, ts) {
        const here = b.marker('proc_joined', ev, ts);
        const d = asData(ev[6]);
        const child = num(d, 'child_pid');
        if (child !== undefined) joined.push({ childPid: child, at: here });
        // The parent saw the child exit: that ends its lane even if the child wrote no proc_end
        // (killed, or not a Python program at all).
        const code = num(d, 'exitcode');
        const childLane = child !== undefined ? b.processLanes.get(child) : undefined;
        if (code !== undefined && childLane !== undefined && b.endedOnItsOwn(ev)) {
          const C = b.lanes[childLane];
          C.ended = true;
          C.info['exit code'] ??= String(code);
        }
      },
    },
    finish() {
      startUps(b, begins);
      for (const x of begins) {
        const from = (x.parentKey !== null ? starts.get(x.parentKey) : undefined) ?? startByChild.get(x.pid);
        if (from) b.flow('start', from, x.at);
      }
      for (const j of joined) {
        const from = ends.get(j.childPid);
        if (from) b.flow('join', from, j.at);
      }
    },
  };
};

/**
 * A child process's start-up: from its begin to its first traced step (the multiprocessing bootstrap, the
 * tracer's set-up in the child; for spawn also the interpreter, imports and unpickling: 100-200 ms on a
 * busy machine). Drawn as a band on the process's row (its begin's waitEnd), so the lane does not look idle
 * or broken until then. The main process's start-up is the Timeline's folded start-up block instead.
 */
function startUps(b: BuildState, begins: readonly { pid: number; at: Point }[]): void {
  const beginOf = new Map<number, Point>();
  for (const x of begins) if (b.lanes[x.at.lane].info.origin !== 'main') beginOf.set(x.pid, x.at);
  if (beginOf.size === 0) return;
  const first = new Map<number, number>();
  const see = (lane: number, ts: number, order: number): void => {
    const pid = b.lanes[lane].pid;
    const begin = beginOf.get(pid);
    if (begin === undefined || order <= begin.order || ts < begin.ts) return;
    if (!(ts >= (first.get(pid) ?? Infinity))) first.set(pid, ts);
  };
  const beginMarkers: Marker[] = [];
  for (const s of b.spans) see(s.lane, s.start, s.order);
  for (const m of b.markers) {
    see(m.lane, m.ts, m.order);
    if (m.kind === 'proc_begin' && beginOf.get(b.lanes[m.lane].pid)?.order === m.order) beginMarkers.push(m);
  }
  for (const m of beginMarkers) {
    const end = first.get(b.lanes[m.lane].pid);
    if (end !== undefined && end > m.ts && m.waitEnd === undefined) m.waitEnd = end;
  }
}
