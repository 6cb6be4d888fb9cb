/**
 * After a plain Run: should the Timeline offer "Explore other schedules…"? Only when the run had two or
 * more threads (or tasks) that touch shared state, as the Lab already knows it: the static checks (src/checks,
 * the editor's diagnostics) found a hazard that depends on the schedule (the rules the catalogue gives a
 * scheduleHazard, in its words: CL204, CL205), or the run's own markers show two lanes using one
 * lock, queue, event, condition or barrier. No second detector. Pure (no vscode), so unit-tested.
 */
import { RULES } from '../checks/catalog';
import type { TraceModel } from '../shared/traceModel';
import { waitsAtStop } from '../shared/waitFor';

/** The checks whose hazard shows only in some schedules: the catalogue words each (its scheduleHazard). */
const SCHEDULE_HAZARDS = RULES.filter((r) => r.scheduleHazard !== undefined);

/**
 * The hint's sentence, or undefined when there is nothing for Explore to settle. A run that failed with the
 * program's own exception (an assertion a race broke) gets it too, worded for a failure: that is when other
 * schedules tell most (which fail, which pass). So does a run the Lab stopped (its time limit, or Stop) in a
 * deadlock, a cycle in the wait-for graph: whether threads take their locks in an order that closes the
 * cycle is up to the schedule. Any other stopped run gets none: an endless loop loops in every schedule,
 * and its banner says what to do first (a longer time limit, a cap); so does a crash.
 */
export function exploreHint(
  model: Pick<TraceModel, 'lanes' | 'markers' | 'error'>,
  /** The static checks' findings for the program (src/checks: only their codes are read). */
  findings: readonly { code: string }[],
): string | undefined {
  const outcome = ended(model);
  if (outcome === undefined) return undefined;
  const own = (kind: 'thread' | 'task'): number => model.lanes.filter((l) => l.kind === kind && !l.internal).length;
  const threads = own('thread');
  const tasks = own('task');
  if (threads < 2 && tasks < 2) return undefined;
  const lanes = threads >= 2 ? `${threads} threads` : `${tasks} tasks`;
  // What Explore is for comes first: a panel beside the editor shows only the start of this one line.
  const [shows, explore] = WORDS[outcome];
  const found = SCHEDULE_HAZARDS.filter((r) => findings.some((f) => f.code === r.code));
  if (found.length > 0) {
    const what = found.map((r) => r.scheduleHazard).join(', and ');
    return `In this file ${what}: ${shows} of its ${lanes}. ${explore}`;
  }
  const shared = sharedObject(model);
  if (shared === undefined) return undefined;
  // Counted among the lanes of the kind that shared it: tasks sharing an asyncio.Lock in a thread
  // the program started are "its 3 tasks", not its 2 threads (the main one only joined).
  const sharers = shared.kind === 'task' ? `${tasks} tasks` : `${threads} threads`;
  return `Several of its ${sharers} use the same ${shared.prim}: ${shows} of them. ${explore}`;
}

/** How the run ended, as the hint tells it: [what this run shows, what Explore does about it]. */
const WORDS = {
  ran: ['this run shows one schedule', 'Explore runs other schedules to find one that breaks it.'],
  failed: ['this run failed in one schedule', 'Explore runs other schedules to tell which ones fail.'],
  deadlocked: ['this run deadlocked in one schedule', 'Explore runs other schedules to tell which ones deadlock.'],
} as const;

/** How the run ended, if other schedules could end it otherwise; undefined if not (see exploreHint). */
function ended(model: Pick<TraceModel, 'lanes' | 'markers' | 'error'>): keyof typeof WORDS | undefined {
  if (!model.error) return 'ran';
  if (model.error.code === 'uncaught-exception') return 'failed';
  return (waitsAtStop(model)?.cycle.length ?? 0) > 0 ? 'deadlocked' : undefined;
}

const SYNC = /^(lock|queue|event|cond|barrier)_/;

/**
 * The kind ("Lock", "Queue") of a synchronisation object two of the program's own lanes used, if any, and
 * whether only tasks used it.
 */
function sharedObject(
  model: Pick<TraceModel, 'lanes' | 'markers'>,
): { prim: string; kind: 'thread' | 'task' } | undefined {
  const users = new Map<string, Set<number>>();
  for (const m of model.markers) {
    const lane = model.lanes[m.lane];
    if (!SYNC.test(m.kind) || !lane || lane.internal || m.detail.obj === undefined) continue;
    const key = m.detail.key ? `k:${m.detail.key}` : `${lane.pid}:${m.detail.obj}`;
    const set = users.get(key) ?? new Set<number>();
    set.add(m.lane);
    users.set(key, set);
    if (set.size < 2) continue;
    const byTasks = [...set].every((id) => model.lanes[id]?.kind === 'task');
    return { prim: m.detail.prim || 'object', kind: byTasks ? 'task' : 'thread' };
  }
  return undefined;
}
