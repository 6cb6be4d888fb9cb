/**
 * The run engine's public surface, used by the extension host commands and the CLI.
 * Pure Node: no vscode import, so it runs under the CLI and the unit tests as well.
 */
import type { RunProgress } from '../shared/protocol';
import type { TraceModel } from '../shared/traceModel';
import type { PreludeLine } from './selectionPrelude';
import type { SpareSupervisors } from './spareSupervisors';

export interface ProgramSource {
  /** The code to run. For a file run, the file's current text (it may be unsaved). */
  text: string;
  /**
   * The user's file, if any (used for the title, error locations and as cwd fallback).
   * Undefined for an untitled document.
   */
  userFile?: string;
  /**
   * True when `text` is exactly the saved file `userFile` (the CLI; a saved editor document): the run
   * then runs that file itself, in place. Otherwise a private copy of `text` runs.
   */
  onDisk?: boolean;
  /** 0-based line of `text`'s first line in the user's document (selection runs). */
  startLine: number;
  /** True when `text` is a selection rather than the whole document. */
  isSelection: boolean;
  /**
   * For a selection: the document's top-level imports above it and the definitions the selection uses
   * (see selectionPrelude.ts). When given, the run's file keeps every line at its document line number,
   * so lineOffset is 0.
   */
  prelude?: PreludeLine[];
  /** Names of the definitions in `prelude` ("worker", "N"), to tell the user what else ran. */
  preludeDefinitions?: string[];
  /** Those of `preludeDefinitions` that stand below the selection and ran before it. */
  preludeFromBelow?: string[];
  /** Display name ("app.py" or "Untitled-1"). */
  displayName: string;
}

export interface RunOptions {
  /** Interpreter command or absolute path (already resolved by the caller). */
  python: string;
  program: ProgramSource;
  /** Working directory of the child (the user's folder or file directory). */
  cwd: string;
  /** Folder holding the tracer's .py files (dist/tracer in the bundle, src/tracer in tests). */
  tracerDir: string;
  timeoutMs: number;
  /** Per-process event cap (0 = unlimited). */
  eventCap: number;
  /** Calls recorded per function (0 = unlimited). */
  callBudget: number;
  /** Max bytes of stdout+stderr kept by the supervisor. */
  outputCapBytes: number;
  /** Text given to the program's stdin; undefined = stdin closed (input() raises EOFError). */
  stdin?: string;
  /** Extra environment for the child. */
  env?: Record<string, string>;
  signal?: AbortSignal;
  /** Warm spare supervisors to take this run's from, and to refill after it (the extension's runs). */
  spares?: SpareSupervisors;
  /** Called a few times a second while running; `snapshot` builds a model of what was read so far. */
  onProgress?: (progress: RunProgress, snapshot: () => TraceModel) => void;
}

export interface RunResult {
  model: TraceModel;
  /** Raw stdout/stderr bytes of the whole process tree as the supervisor saw them (capped). */
  stdout: string;
  stderr: string;
  /** Event-file lines that could not be read (garbage, torn by a kill); they are skipped. */
  unreadableLines?: number;
}
