/**
 * Compare: two explored schedules replayed traced and shown in ONE Timeline, one above the other (each
 * schedule is a process group of its own, named A or B and its seed, the two programs' first lines at the
 * same instant), with the first scheduling decision where they part marked in both ('sched_pick' with
 * parts: true). Pure Node, like replayTraced.
 */
import type { TraceModel } from '../shared/traceModel';
import { buildModel } from '../trace/buildModel';
import type { RawEvent } from '../trace/schema';
import { replayEvents, type ReplayTracedOptions } from './replayTraced';
import { firstDivergence } from './tableModel';
import type { ExploreRecord } from './types';
import { scheduleText, sideName, type CompareLetter } from '../shared/compareSides';

export interface CompareResult {
  model?: TraceModel;
  /** The decision index where the schedules part (undefined: the same decisions). */
  partsAt?: number;
  records?: [ExploreRecord, ExploreRecord];
  error?: string;
  cancelled: boolean;
}

/**
 * What Compare calls a schedule, on its process lane, in the title and in the banner's race sentences:
 * its seed and what the explorer saw of it: "seed 3 (failing)" (an exception, a deadlock, a timeout),
 * "seed 5 (racy)" (no failure, but a data race proven in it: a lost update is no failure to the explorer,
 * and "passing" beside "data race … updates can be lost" would contradict itself), or "seed 7 (passing)".
 */
export function scheduleName(r: ScheduleSide, letter?: CompareLetter): string {
  const side = r.failure ? 'failing' : r.races?.length ? 'racy' : 'passing';
  const schedule = scheduleText(r.seed, side);
  return letter ? sideName(letter, schedule) : schedule;
}

/** What scheduleName reads of an explored schedule (races: absent when unknown). */
export type ScheduleSide = Pick<ExploreRecord, 'seed' | 'failure'> & { races?: readonly unknown[] };

/**
 * When a schedule's program begins: its first call (the `<module>` of the program's file), else its first
 * event. What comes before is the interpreter's start-up and imports, whose length differs from replay to
 * replay (a cold cache, a busy machine: tens of ms), so Compare lines the two sides up here, not on their
 * first events.
 */
function programStart(events: readonly RawEvent[]): number {
  for (const e of events) if (e[5] === 'call') return e[1];
  return events[0]?.[1] ?? 0;
}

/**
 * One schedule's events as the process `name` whose program begins at `start`, with a pid of its own; none
 * before `floor` (a start-up longer than that is drawn from there: only its length is lost).
 */
function relabel(events: readonly RawEvent[], name: string, start: number, pid: number, floor = -Infinity): RawEvent[] {
  const shift = start - programStart(events);
  return events.map((e) => {
    const data =
      e[5] === 'proc_begin' && typeof e[6] === 'object' && e[6] !== null
        ? { ...(e[6] as Record<string, unknown>), name }
        : e[6];
    return [e[0], Math.max(e[1] + shift, floor), pid, e[3], e[4], e[5], data];
  });
}

export async function compareReplays(
  o: Omit<ReplayTracedOptions, 'seed' | 'markDecision'>,
  a: ScheduleSide & Pick<ExploreRecord, 'decisions'>,
  b: ScheduleSide & Pick<ExploreRecord, 'decisions'>,
): Promise<CompareResult> {
  const partsAt = firstDivergence(a.decisions, b.decisions);
  const ra = await replayEvents({ ...o, seed: a.seed, markDecision: partsAt });
  if (!ra.events || !ra.record) return { error: ra.error, cancelled: ra.cancelled };
  const rb = await replayEvents({ ...o, seed: b.seed, markDecision: partsAt });
  if (!rb.events || !rb.record) return { error: rb.error, cancelled: rb.cancelled };
  const model = compareModel(o, { ...a, events: ra.events }, { ...b, events: rb.events }, partsAt);
  return { model, partsAt, records: [ra.record, rb.record], cancelled: false };
}

/**
 * The two schedules' events as one model: each its own process, named by scheduleName, the two programs
 * starting at the same instant.
 */
export function compareModel(
  o: Pick<ReplayTracedOptions, 'file' | 'title' | 'sourceLabel'>,
  a: ScheduleSide & { events: readonly RawEvent[] },
  b: ScheduleSide & { events: readonly RawEvent[] },
  partsAt: number | undefined,
): TraceModel {
  const start = programStart(a.events);
  const pidA = a.events[0]?.[2] ?? 1;
  const pidB = (b.events[0]?.[2] ?? 2) === pidA ? pidA + 1 : (b.events[0]?.[2] ?? 2);
  const sideA = relabel(a.events, scheduleName(a, 'A'), start, pidA);
  // Processes are listed by when they start: B's start-up, when longer than A's, begins just after A's, so
  // that A stays above B.
  const sideB = relabel(b.events, scheduleName(b, 'B'), start, pidB, (sideA[0]?.[1] ?? start) + 1);
  const events = [...sideA, ...sideB]
    // one stream in time order (within a schedule, seq order is time order)
    .sort((x, y) => x[1] - y[1] || (x[2] === y[2] ? x[0] - y[0] : x[2] === pidA ? -1 : 1));
  const label = o.sourceLabel ?? o.file.split(/[\\/]/).pop() ?? o.file;
  const where = partsAt === undefined ? 'the same schedule' : `part at decision ${partsAt}`;
  return buildModel(events, {
    title: o.title ?? `${label} · ${scheduleName(a, 'A')} vs ${scheduleName(b, 'B')} (${where})`,
    sourceLabel: (file) => (file === o.file ? label : (file.split(/[\\/]/).pop() ?? file)),
  });
}
