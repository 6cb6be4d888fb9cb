/**
 * The Explore Interleavings table: what the webview shows and the messages it may send back. Pure (the
 * host builds the rows from an exploration; the webview renders them as text and validates nothing it
 * does not get from here).
 */

export interface OutcomeRow {
  count: number;
  /** Share of the runs, 0–100, rounded. */
  percent: number;
  /** The first lines of the outcome's stdout, cut. */
  output: string;
  /** Whole stdout (cut at a cap) for the row's tooltip. */
  outputFull: string;
  exitCode: number | null;
  failureKind: 'exception' | 'deadlock' | 'timeout' | null;
  /** One line: the exception, the deadlock's cycle, the timeout. */
  failure: string;
  seed: number;
}

export interface AccessRow {
  lane: string;
  file: string;
  /** File name only, for display. */
  fileLabel: string;
  line: number;
  kind: 'read' | 'write';
}

export interface RaceRow {
  target: string;
  accesses: AccessRow[];
}

export interface ExploreTable {
  title: string;
  runs: number;
  /** The systematic search ran every order of the program's dependent operations: no other outcome exists. */
  complete: boolean;
  /** "running", "done", "cancelled", or "failed" (the explorer could not run: see `error`). */
  state: 'running' | 'done' | 'cancelled' | 'failed';
  error?: string;
  outcomes: OutcomeRow[];
  races: RaceRow[];
}

export type ExploreHostMessage = { type: 'table'; table: ExploreTable } | { type: 'busy'; text: string };

export type ExploreWebviewMessage =
  | { type: 'ready' }
  | { type: 'openTimeline'; seed: number }
  | { type: 'compare'; seeds: [number, number] }
  | { type: 'reveal'; file: string; line: number };

const isSeed = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Validates a message from the explore webview; undefined for anything else. */
export function parseExploreWebviewMessage(raw: unknown): ExploreWebviewMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'openTimeline':
      return isSeed(m.seed) ? { type: 'openTimeline', seed: m.seed } : undefined;
    case 'compare':
      return Array.isArray(m.seeds) &&
        m.seeds.length === 2 &&
        isSeed(m.seeds[0]) &&
        isSeed(m.seeds[1]) &&
        m.seeds[0] !== m.seeds[1]
        ? { type: 'compare', seeds: [m.seeds[0], m.seeds[1]] }
        : undefined;
    case 'reveal':
      return typeof m.file === 'string' &&
        m.file.length < 4096 &&
        typeof m.line === 'number' &&
        Number.isSafeInteger(m.line) &&
        m.line >= 1
        ? { type: 'reveal', file: m.file, line: m.line }
        : undefined;
    default:
      return undefined;
  }
}
