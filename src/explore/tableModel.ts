/** The outcome table's rows from an exploration's summary. Pure. */
import type { ExploreTable, OutcomeRow, RaceRow } from '../shared/exploreTable';
import type { ExploreSummary, Outcome } from './types';

const OUTPUT_LINES = 3;
const OUTPUT_CHARS = 160;
const FULL_OUTPUT_CHARS = 4000;

/** The first lines of an output, marked when cut. */
export function shortOutput(text: string): string {
  const lines = text.replace(/\n$/, '').split('\n');
  let out = lines.slice(0, OUTPUT_LINES).join('\n');
  if (out.length > OUTPUT_CHARS) out = out.slice(0, OUTPUT_CHARS);
  return out.length < text.replace(/\n$/, '').length ? `${out}…` : out;
}

function failureText(o: Outcome): string {
  if (!o.failure) return '';
  const what = o.failure.kind === 'exception' ? 'Exception' : o.failure.kind === 'deadlock' ? 'Deadlock' : 'Timeout';
  return `${what}: ${o.failure.message}`;
}

export function outcomeRows(s: ExploreSummary): OutcomeRow[] {
  return s.outcomes.map((o) => ({
    count: o.count,
    percent: s.runs > 0 ? Math.round((100 * o.count) / s.runs) : 0,
    output: shortOutput(o.stdout),
    outputFull: o.stdout.length > FULL_OUTPUT_CHARS ? `${o.stdout.slice(0, FULL_OUTPUT_CHARS)}…` : o.stdout,
    exitCode: o.exitCode,
    failureKind: o.failure?.kind ?? null,
    failure: failureText(o),
    seed: o.seed,
  }));
}

export function raceRows(s: ExploreSummary): RaceRow[] {
  return s.races.map((r) => ({
    target: r.target,
    accesses: r.accesses.map((a) => ({
      lane: a.lane,
      file: a.file,
      fileLabel: a.file.split(/[\\/]/).pop() ?? a.file,
      line: a.line,
      kind: a.kind,
    })),
  }));
}

export function exploreTable(
  title: string,
  s: ExploreSummary,
  state: ExploreTable['state'],
  error?: string,
): ExploreTable {
  return {
    title,
    runs: s.runs,
    complete: s.complete === true,
    state,
    ...(error ? { error } : {}),
    outcomes: outcomeRows(s),
    races: raceRows(s),
  };
}

/**
 * Where two schedules part: the index of the first decision that differs (a prefix of the other
 * counts as parting where the shorter ends), or undefined for the same decisions.
 */
export function firstDivergence(a: readonly number[], b: readonly number[]): number | undefined {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? undefined : n;
}
