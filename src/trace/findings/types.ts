/** What a run proved: findings on the program's lines, computed from the trace model after a run. */

/** Every kind of finding; each is a diagnostic code with its page, media/findings/KIND.md. */
export const RUN_FINDING_KINDS = ['blocked-loop', 'gil-contention', 'unretrieved-exception', 'long-lock-hold'] as const;

export type RunFindingKind = (typeof RUN_FINDING_KINDS)[number];

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
