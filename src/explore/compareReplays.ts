/**
 * Compare: two explored schedules replayed traced and shown in ONE Timeline, one above the other (each
 * schedule is a process group of its own, named by its seed, both starting at the same instant), with
 * the first scheduling decision where they part marked in both ('sched_pick' with parts: true). Pure
 * Node, like replayTraced.
 */
import type { TraceModel } from '../shared/traceModel';
import { buildModel } from '../trace/buildModel';
import type { RawEvent } from '../trace/schema';
import { replayEvents, type ReplayTracedOptions } from './replayTraced';
import { firstDivergence } from './tableModel';
import type { ExploreRecord } from './types';

export interface CompareResult {
  model?: TraceModel;
  /** The decision index where the schedules part (undefined: the same decisions). */
  partsAt?: number;
  records?: [ExploreRecord, ExploreRecord];
  error?: string;
  cancelled: boolean;
}

/** One schedule's events as the process "seed S" starting at `start`, with a pid of its own. */
function relabel(events: readonly RawEvent[], name: string, start: number, pid: number): RawEvent[] {
  const shift = events.length ? start - events[0][1] : 0;
  return events.map((e) => {
    const data =
      e[5] === 'proc_begin' && typeof e[6] === 'object' && e[6] !== null
        ? { ...(e[6] as Record<string, unknown>), name }
        : e[6];
    return [e[0], e[1] + shift, pid, e[3], e[4], e[5], data];
  });
}

export async function compareReplays(
  o: Omit<ReplayTracedOptions, 'seed' | 'markDecision'>,
  a: Pick<ExploreRecord, 'seed' | 'decisions'>,
  b: Pick<ExploreRecord, 'seed' | 'decisions'>,
): Promise<CompareResult> {
  const partsAt = firstDivergence(a.decisions, b.decisions);
  const ra = await replayEvents({ ...o, seed: a.seed, markDecision: partsAt });
  if (!ra.events || !ra.record) return { error: ra.error, cancelled: ra.cancelled };
  const rb = await replayEvents({ ...o, seed: b.seed, markDecision: partsAt });
  if (!rb.events || !rb.record) return { error: rb.error, cancelled: rb.cancelled };
  const start = ra.events[0]?.[1] ?? 0;
  const pidA = ra.events[0]?.[2] ?? 1;
  const pidB = (rb.events[0]?.[2] ?? 2) === pidA ? pidA + 1 : (rb.events[0]?.[2] ?? 2);
  const events = [
    ...relabel(ra.events, `seed ${a.seed}`, start, pidA),
    ...relabel(rb.events, `seed ${b.seed}`, start, pidB),
  ]
    // one stream in time order (within a schedule, seq order is time order)
    .sort((x, y) => x[1] - y[1] || (x[2] === y[2] ? x[0] - y[0] : x[2] === pidA ? -1 : 1));
  const label = o.sourceLabel ?? o.file.split(/[\\/]/).pop() ?? o.file;
  const where = partsAt === undefined ? 'the same schedule' : `part at decision ${partsAt}`;
  const model = buildModel(events, {
    title: o.title ?? `${label} · seed ${a.seed} vs seed ${b.seed} (${where})`,
    sourceLabel: (file) => (file === o.file ? label : (file.split(/[\\/]/).pop() ?? file)),
  });
  return { model, partsAt, records: [ra.record, rb.record], cancelled: false };
}
