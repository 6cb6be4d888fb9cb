/**
 * CPU-bound threads taking turns: in one process, two or more of the program's threads each ran
 * Python on the CPU for at least CPU_BOUND_NS at overlapping times, yet together used no more CPU
 * than the wall time they shared. Threads that ran in parallel would have used more: these held the
 * GIL in turn, so they gave no speed-up over running the work one piece after another.
 *
 * An information, not a warning: the numbers are facts, but a loaded machine also keeps threads
 * from running in parallel, and some threads are CPU-bound for a moment only.
 */
import type { Span } from '../../shared/traceModel';
import type { RunFinding } from './types';
import { duration, type ModelAccess } from './modelAccess';
import { CPU_BOUND_NS, NO_SPEEDUP_RATIO } from './thresholds';

interface Busy {
  lane: number;
  start: number;
  end: number;
  cpu: number;
  /** The span with the most CPU: the function the finding points at. */
  top: Span;
}

export function gilContention(m: ModelAccess): RunFinding[] {
  const byProcess = new Map<number, Busy[]>();
  for (const lane of m.ownLanes('thread')) {
    // A process's main thread is left out: its one span (the module) covers the whole run, start-up
    // and waiting included, so its CPU time says nothing about the time it shared with the others.
    if (m.isMainThread(lane.id)) continue;
    const spans = m.topSpans(lane.id).filter((s) => s.cpu >= 0);
    const cpu = spans.reduce((n, s) => n + s.cpu, 0);
    if (cpu < CPU_BOUND_NS) continue;
    const top = spans.reduce((a, b) => (b.cpu > a.cpu ? b : a));
    const busy: Busy = {
      lane: lane.id,
      start: Math.min(...spans.map((s) => s.start)),
      end: Math.max(...spans.map((s) => s.end)),
      cpu,
      top,
    };
    const list = byProcess.get(lane.pid) ?? [];
    list.push(busy);
    byProcess.set(lane.pid, list);
  }
  const out: RunFinding[] = [];
  for (const busy of byProcess.values()) {
    // The threads that overlap the busiest one: they competed for the same GIL at the same time.
    busy.sort((a, b) => b.cpu - a.cpu);
    const group = busy.filter(
      (b) => overlap(b, busy[0]) >= 0.5 * Math.min(b.end - b.start, busy[0].end - busy[0].start),
    );
    if (group.length < 2) continue;
    const start = Math.min(...group.map((b) => b.start));
    const end = Math.max(...group.map((b) => b.end));
    const cpu = group.reduce((n, b) => n + b.cpu, 0);
    if (cpu > (end - start) * NO_SPEEDUP_RATIO) continue; // they did run in parallel
    const fns = [...new Set(group.map((b) => b.top.qualname))];
    const places = new Map<string, Span>();
    for (const b of group) if (b.top.source >= 0 && b.top.line > 0) places.set(`${b.top.source}:${b.top.line}`, b.top);
    const message =
      `${group.length} threads ran ${fns.map((f) => `${f}()`).join(', ')} on the CPU at the same time, yet used ${duration(cpu)} of CPU in ` +
      `${duration(end - start)}: the GIL let one run Python at a time, so the threads gave no speed-up. ` +
      'For CPU-bound work use processes (concurrent.futures.ProcessPoolExecutor or multiprocessing.Pool).';
    for (const s of places.values())
      out.push({ kind: 'gil-contention', severity: 'information', source: s.source, line: s.line, message });
  }
  return out;
}

function overlap(a: Busy, b: Busy): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
}
