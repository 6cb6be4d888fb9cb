import type { RunError } from '../../shared/traceModel';

export interface BuildOptions {
  title?: string;
  lineOffset?: number;
  exitCode?: number | null;
  signal?: string | null;
  error?: RunError | null;
  /** Label of a source file in the UI (defaults to its basename). */
  sourceLabel?: (file: string) => string;
  /**
   * When the run engine stopped the program (absolute tracer-clock ns: CLOCK_MONOTONIC, the clock of
   * Node's process.hrtime). Ends written after it (the tracer's SIGTERM flush) do not count as the
   * lane ending on its own, so a timeout still lists what was running.
   */
  stoppedAt?: number;
}
