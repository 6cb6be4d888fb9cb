/** What a run proved: findings on the program's lines, computed from the trace model after a run. */

export type RunFindingKind = 'blocked-loop' | 'gil-contention' | 'unretrieved-exception' | 'long-lock-hold';

export interface RunFinding {
  kind: RunFindingKind;
  /** A fact of the run is a warning; one that needs a reading of it (the GIL) an information. */
  severity: 'warning' | 'information';
  /** Index into TraceModel.sources (the file the line is in). */
  source: number;
  /** 1-based line of the traced file (a selection run adds TraceModel.lineOffset for the editor). */
  line: number;
  /** One or two sentences: what happened, with the numbers, and what to do. */
  message: string;
}
