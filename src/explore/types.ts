/** What the Python explorer (src/tracer/explore.py) prints, one JSON line each, and what we make of it. */

export type FailureKind = 'exception' | 'deadlock' | 'timeout';

export interface DeadlockEntry {
  lane: string;
  holds: string[];
  waitsFor: string;
  /** Line of the program where the lane waits, when it waits in the program's own code. */
  line?: number | null;
}

export interface RunFailure {
  kind: FailureKind;
  message: string;
  line?: number | null;
  file?: string;
  cycle?: DeadlockEntry[];
}

export interface RaceAccess {
  lane: string;
  file: string;
  line: number;
  kind: 'read' | 'write';
}

export interface Race {
  target: string;
  accesses: RaceAccess[];
}

/** One schedule. */
export interface ExploreRecord {
  type: 'run';
  seed: number;
  strategy: string;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  failure: RunFailure | null;
  races: Race[];
  decisions: number[];
  steps: number | null;
  lanes?: string[];
}

export interface ExploreDone {
  type: 'done';
  runs: number;
  /** The systematic search ran every order of the program's dependent operations: nothing is left to find. */
  complete?: boolean;
}

export interface ExploreError {
  type: 'error';
  message: string;
  line?: number;
}

export type ExploreLine = ExploreRecord | ExploreDone | ExploreError;

export interface Outcome {
  count: number;
  stdout: string;
  exitCode: number | null;
  failure: null | { kind: FailureKind; message: string };
  seed: number;
}

/** The `--summary` object: exactly the shape issue 18 fixes. */
export interface ExploreSummary {
  runs: number;
  outcomes: Outcome[];
  races: Race[];
  deadlocks: { seed: number; cycle: { lane: string; holds: string[]; waitsFor: string }[] }[];
  /** Added to the shape: true when the schedules run covered the whole space (see ExploreDone). */
  complete: boolean;
}
