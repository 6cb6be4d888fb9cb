/**
 * Outcome grouping: schedules that printed the same stdout, ended with the same exit code and failed
 * the same way are one outcome (its count and its first seed); races and deadlocks are reported once
 * each, however many schedules met them. Pure: no I/O.
 */
import type { ExploreLine, ExploreRecord, ExploreSummary, Outcome, Race } from './types';

function outcomeKey(r: ExploreRecord): string {
  return JSON.stringify([r.stdout, r.exitCode, r.failure ? [r.failure.kind, r.failure.message] : null]);
}

function raceKey(r: Race): string {
  const sites = r.accesses.map((a) => `${a.file}:${a.line}:${a.kind}`).sort();
  return JSON.stringify([r.target, sites]);
}

function cycleKey(cycle: { lane: string; holds: string[]; waitsFor: string }[]): string {
  return JSON.stringify(cycle.map((e) => [e.lane, e.holds, e.waitsFor]).sort());
}

/** Accumulates schedules as they arrive (the summary can be read at any time, for progress). */
export class OutcomeTable {
  private readonly outcomes = new Map<string, Outcome>();
  private readonly races = new Map<string, Race>();
  private readonly deadlocks = new Map<string, ExploreSummary['deadlocks'][number]>();
  private runs = 0;
  /** Set when the explorer says its systematic search covered every schedule. */
  complete = false;

  add(r: ExploreRecord): void {
    this.runs++;
    const key = outcomeKey(r);
    const known = this.outcomes.get(key);
    if (known) known.count++;
    else {
      this.outcomes.set(key, {
        count: 1,
        stdout: r.stdout,
        exitCode: r.exitCode,
        failure: r.failure ? { kind: r.failure.kind, message: r.failure.message } : null,
        seed: r.seed,
      });
    }
    for (const race of r.races) {
      const k = raceKey(race);
      if (!this.races.has(k))
        this.races.set(k, {
          target: race.target,
          accesses: race.accesses.map((a) => ({ lane: a.lane, file: a.file, line: a.line, kind: a.kind })),
        });
    }
    if (r.failure?.kind === 'deadlock' && r.failure.cycle) {
      const cycle = r.failure.cycle.map((e) => ({ lane: e.lane, holds: e.holds, waitsFor: e.waitsFor }));
      const k = cycleKey(cycle);
      if (!this.deadlocks.has(k)) this.deadlocks.set(k, { seed: r.seed, cycle });
    }
  }

  get distinctOutcomes(): number {
    return this.outcomes.size;
  }

  summary(): ExploreSummary {
    return {
      runs: this.runs,
      // the most frequent first; among equals, the one found first
      outcomes: [...this.outcomes.values()].sort((a, b) => b.count - a.count || a.seed - b.seed),
      races: [...this.races.values()],
      deadlocks: [...this.deadlocks.values()],
      complete: this.complete,
    };
  }
}

/** Parses one line of the explorer's output; undefined for a line that is not one of ours. */
export function parseExploreLine(line: string): ExploreLine | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(line) as { type?: unknown };
    if (v && (v.type === 'run' || v.type === 'done' || v.type === 'error')) return v as ExploreLine;
  } catch {
    // not JSON: ignore
  }
  return undefined;
}

/** True when the summary shows a bug: a failing outcome or a race. */
export function foundBug(s: ExploreSummary): boolean {
  return s.races.length > 0 || s.outcomes.some((o) => o.failure !== null);
}
