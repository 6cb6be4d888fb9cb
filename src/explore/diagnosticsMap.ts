/**
 * Races and deadlocks as editor diagnostics: one on each access of a race (related information
 * pointing at the other access) and one on each waiting line of a deadlock (related: the others in the
 * cycle). Pure: the host turns these into vscode.Diagnostics and maps files to documents.
 */
import type { ExploreRecord, Race } from './types';

export interface Place {
  file: string;
  /** 1-based. */
  line: number;
}

export interface FindingDiagnostic extends Place {
  message: string;
  kind: 'race' | 'deadlock';
  related: (Place & { message: string })[];
}

function raceDiagnostics(r: Race): FindingDiagnostic[] {
  return r.accesses.map((a, i) => ({
    file: a.file,
    line: a.line,
    kind: 'race',
    message: `Data race on ${r.target}: this ${a.kind} by ${a.lane} is not ordered with ${r.accesses
      .filter((_, j) => j !== i)
      .map((o) => `the ${o.kind} by ${o.lane} at line ${o.line}`)
      .join(' and ')} (no lock, join, queue or event between them).`,
    related: r.accesses
      .filter((_, j) => j !== i)
      .map((o) => ({ file: o.file, line: o.line, message: `the other access: ${o.kind} of ${r.target} by ${o.lane}` })),
  }));
}

function deadlockDiagnostics(rec: ExploreRecord): FindingDiagnostic[] {
  const f = rec.failure;
  if (!f || f.kind !== 'deadlock' || !f.cycle) return [];
  const file = f.file ?? rec.races[0]?.accesses[0]?.file;
  const waiting = f.cycle.filter((e) => typeof e.line === 'number' && e.line > 0);
  if (!file) return [];
  return waiting.map((e, i) => ({
    file,
    line: e.line as number,
    kind: 'deadlock',
    message: `Deadlock (seed ${rec.seed}): ${e.lane} waits here for ${e.waitsFor}${e.holds.length ? ` while holding ${e.holds.join(', ')}` : ''}; ${f
      .cycle!.filter((o) => o !== e)
      .map((o) => `${o.lane} waits for ${o.waitsFor}${o.holds.length ? ` holding ${o.holds.join(', ')}` : ''}`)
      .join('; ')}.`,
    related: waiting
      .filter((_, j) => j !== i)
      .map((o) => ({ file, line: o.line as number, message: `${o.lane} waits for ${o.waitsFor}` })),
  }));
}

/** Every race once and the first schedule of each deadlock cycle, as diagnostics. */
export function findingDiagnostics(
  races: readonly Race[],
  records: readonly ExploreRecord[],
  programFile: string,
): FindingDiagnostic[] {
  const out = races.flatMap(raceDiagnostics);
  const seen = new Set<string>();
  for (const rec of records) {
    if (rec.failure?.kind !== 'deadlock' || !rec.failure.cycle) continue;
    const key = JSON.stringify(rec.failure.cycle.map((e) => [e.lane, e.waitsFor, e.line]));
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(...deadlockDiagnostics({ ...rec, failure: { ...rec.failure, file: rec.failure.file ?? programFile } }));
  }
  return out;
}
