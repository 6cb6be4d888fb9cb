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
  if (own('thread') < 2 && own('task') < 2) return undefined;
  // In the order a panel beside the editor shows it (two lines there): what this run showed, why another
  // schedule could end otherwise, then what Explore does.
  const [shows, explore] = WORDS[outcome];
  const found = SCHEDULE_HAZARDS.filter((r) => findings.some((f) => f.code === r.code));
  if (found.length > 0) {
    const what = found.map((r) => r.scheduleHazard).join(', and ');
    return `${shows}: in this file ${what}. ${explore}`;
  }
  const shared = sharedObjects(model);
  if (shared === undefined) return undefined;
  return `${shows}: ${shared}. ${explore}`;
}

/** How the run ended, as the hint tells it: [what this run showed, what Explore does about it]. */
const WORDS = {
  ran: ['This run shows one schedule', 'Explore runs other schedules to find one that breaks it.'],
  failed: ['This run failed in one schedule', 'Explore runs other schedules to tell which ones fail.'],
  deadlocked: ['This run deadlocked in one schedule', 'Explore runs other schedules to tell which ones deadlock.'],
} as const;

/** How the run ended, if other schedules could end it otherwise; undefined if not (see exploreHint). */
function ended(model: Pick<TraceModel, 'lanes' | 'markers' | 'error'>): keyof typeof WORDS | undefined {
  if (!model.error) return 'ran';
  if (model.error.code === 'uncaught-exception') return 'failed';
  return (waitsAtStop(model)?.cycle.length ?? 0) > 0 ? 'deadlocked' : undefined;
}

const SYNC = /^(lock|queue|event|cond|barrier)_/;

/**
 * Which of the program's own lanes used one synchronisation object (a Lock, a Queue…) with another, and
 * what they shared: "alice and bob share 2 Locks", "3 threads share one Queue". Only those lanes count:
 * a MainThread that started and joined them shares nothing. Undefined when no object had two users.
 */
function sharedObjects(model: Pick<TraceModel, 'lanes' | 'markers'>): string | undefined {
  const users = new Map<string, { prim: string; lanes: Set<number> }>();
  for (const m of model.markers) {
    const lane = model.lanes[m.lane];
    if (!SYNC.test(m.kind) || !lane || lane.internal || m.detail.obj === undefined) continue;
    const key = m.detail.key ? `k:${m.detail.key}` : `${lane.pid}:${m.detail.obj}`;
    const obj = users.get(key) ?? { prim: m.detail.prim || 'object', lanes: new Set<number>() };
    obj.lanes.add(m.lane);
    users.set(key, obj);
  }
  const sharedBy = [...users.values()].filter((o) => o.lanes.size >= 2);
  if (sharedBy.length === 0) return undefined;
  const sharers = model.lanes.filter((l) => sharedBy.some((o) => o.lanes.has(l.id)));
  const prims = new Map<string, number>();
  for (const o of sharedBy) prims.set(o.prim, (prims.get(o.prim) ?? 0) + 1);
  const what = [...prims].map(([prim, n]) => (n === 1 ? `one ${prim}` : `${n} ${prim}s`));
  return `${who(sharers)} share ${listed(what)}`;
}

/** Two lanes by their names ("alice and bob"), when those read apart and short; more by their count. */
function who(lanes: readonly { kind: string; name: string }[]): string {
  const names = lanes.map((l) => l.name);
  if (names.length === 2 && names[0] !== names[1] && names.every((n) => n.length > 0 && n.length <= 20))
    return listed(names);
  const kinds = new Set(lanes.map((l) => l.kind));
  const kind = kinds.size === 1 && (kinds.has('thread') || kinds.has('task')) ? [...kinds][0] : 'lane';
  return `${lanes.length} ${kind}s`;
}

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
