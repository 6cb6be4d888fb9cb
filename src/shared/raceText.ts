/**
 * A proven data race (TraceModel.races) in words, for the Timeline's banner and the CLI: who accessed
 * what, where, in the order they ran, and what it can do. Pure; lane names and lines come from the model.
 */
import type { DataRace, TraceModel } from './traceModel';

/**
 * "Data race on Counter.value: unsafe-0 wrote at L33 while unsafe-1 had read it at L31 — updates can be lost".
 * Where the model shows several processes (Compare: one per schedule, "A · seed 3 (failing)"), it says in which:
 * "In A · seed 3 (failing): data race on …", since both schedules have lanes of the same names.
 */
export function raceSentence(model: Pick<TraceModel, 'lanes' | 'lineOffset'>, race: DataRace): string {
  const [a, b] = race.accesses;
  const who = (lane: number): string => model.lanes[lane]?.name ?? `lane ${lane}`;
  const at = (line: number): string => `L${line + model.lineOffset}`;
  const proc = processOf(model, a.lane);
  const several = model.lanes.filter((l) => l.kind === 'process' && l.parent < 0 && !l.internal).length > 1;
  const head = several && proc ? `In ${proc}: data race on ${race.target}: ` : `Data race on ${race.target}: `;
  if (a.kind === 'read' && b.kind === 'write')
    return `${head}${who(b.lane)} wrote at ${at(b.line)} while ${who(a.lane)} had read it at ${at(a.line)} — updates can be lost`;
  if (a.kind === 'write' && b.kind === 'write')
    return `${head}${who(a.lane)} wrote at ${at(a.line)} and ${who(b.lane)} wrote at ${at(b.line)}, nothing ordering the two — updates can be lost`;
  return `${head}${who(b.lane)} read it at ${at(b.line)}, nothing ordering that after ${who(a.lane)}'s write at ${at(a.line)} — what it reads depends on timing`;
}

/**
 * Every race of the model in words (none for a model without races): those that can lose an update (the
 * later access is a write) first, else in the order they were found.
 */
export function raceSentences(model: Pick<TraceModel, 'lanes' | 'lineOffset' | 'races'>): string[] {
  const races = model.races ?? [];
  const loses = races.filter((r) => r.accesses[1].kind === 'write');
  return [...loses, ...races.filter((r) => !loses.includes(r))].map((r) => raceSentence(model, r));
}

/** The name of the process a lane belongs to (its top-level process lane). */
function processOf(model: Pick<TraceModel, 'lanes'>, lane: number): string | undefined {
  let l = model.lanes[lane];
  for (let hops = 0; l && l.parent >= 0 && hops < model.lanes.length; hops++) l = model.lanes[l.parent];
  return l?.kind === 'process' ? l.name : undefined;
}
