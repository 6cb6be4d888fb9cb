/**
 * The trace model: what the run engine builds from the merged raw events (src/trace) and what the
 * timeline webview, the Chrome-trace export and the CLI summary consume. Pure data, JSON-safe,
 * imports neither vscode nor the DOM.
 *
 * Times are nanoseconds relative to the first event of the run (`TraceModel.t0` is that
 * event's absolute perf_counter_ns). `order` is the global execution order (0-based) of the
 * merged stream: the step list shows it 1-based.
 */

import type { MarkerKind } from './eventKinds';

export type { MarkerKind };

export const TRACE_MODEL_VERSION = 1;

// The string unions of the model, each declared once as a list (the columnar transfer codes a value by
// its index in its list; validateModel checks files against them).
export const LANE_KINDS = ['process', 'thread', 'task'] as const;
export type LaneKind = (typeof LANE_KINDS)[number];
export const SEVERITIES = ['info', 'warn', 'error'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const FLOW_KINDS = [
  'start',
  'join',
  'release',
  'put',
  'set',
  'notify',
  'done',
  'await',
  'submit',
  'barrier',
] as const;
export type FlowKind = (typeof FLOW_KINDS)[number];
export const OUTPUT_STREAMS = ['stdout', 'stderr'] as const;
export const ERROR_CODES = [
  'python-missing',
  'python-too-old',
  'syntax-error',
  'timeout',
  'cancelled',
  'event-cap',
  'unguarded-process',
  'spawn-failed',
  'output-cap',
  'crashed',
  'tracer-failed',
  'uncaught-exception',
] as const;

export interface Lane {
  /** Index into TraceModel.lanes. */
  id: number;
  kind: LaneKind;
  /** Parent lane id (process for a thread, thread for a task), -1 for a process. */
  parent: number;
  /** As Python names it: process name, Thread.name, Task.get_name(). */
  name: string;
  pid: number;
  /** Per-process thread serial for threads and tasks (tid of the raw stream). */
  tid: number;
  /** Task serial for tasks, 0 otherwise. */
  task: number;
  /** Runtime-internal (pool handler threads, resource tracker, executor workers' plumbing…). */
  internal: boolean;
  /** Nesting level for display: process 0, thread 1, task 2. */
  depth: number;
  /** First and last event time on this lane. */
  start: number;
  end: number;
  /** Extra facts for the hover card ("daemon": "yes", "exit code": "0", "coroutine": "main"). */
  info: Record<string, string>;
}

export interface Source {
  /** Index into TraceModel.sources. The webview refers to files only by this index. */
  id: number;
  /** Absolute path as the tracer saw it (the temp copy for a selection run). */
  file: string;
  /** Label to show (basename or "selection of app.py"). */
  label: string;
}

export interface Span {
  lane: number;
  /** Global order of the call event. */
  order: number;
  start: number;
  /** End time; for a span still open when the trace ended, the lane's end. */
  end: number;
  name: string;
  qualname: string;
  source: number;
  line: number;
  /** Nesting depth within its lane (0 = outermost). */
  depth: number;
  /** On-CPU nanoseconds spent while this span was open (thread_time delta), -1 if unknown. */
  cpu: number;
  /** True when the span never returned (killed, still running at timeout, exception unwound). */
  open: boolean;
}

export interface Marker {
  lane: number;
  order: number;
  ts: number;
  kind: MarkerKind;
  /** One-line human text for the step list and the canvas ("acquire Lock #2 (waited 3.1 ms)"). */
  label: string;
  source: number;
  line: number;
  /** Emphasis: an uncaught exception, a failed acquire, a timeout. */
  severity: Severity;
  /** Hover-card details: key → value, shown as text. */
  detail: Record<string, string>;
  /** For a blocking op, the time it completed (wait ends): draws a wait bar from ts to waitEnd. */
  waitEnd?: number;
  /**
   * For a blocking op, when what it waited for happened (the lock released, the item put, the event set,
   * the awaited task done, the sleep's time up): from then until waitEnd the lane was runnable, ready but
   * not yet running (waiting for the GIL, or for the event loop to resume it). Absent when not known.
   */
  readyAt?: number;
}

export interface Flow {
  kind: FlowKind;
  fromLane: number;
  fromTs: number;
  fromOrder: number;
  toLane: number;
  toTs: number;
  toOrder: number;
}

/**
 * One row of the execution-order list. Every marker and every span start is a step;
 * `ref` points at it so the canvas and the list can select each other.
 */
export interface Step {
  order: number;
  ts: number;
  lane: number;
  ref: { type: 'span'; index: number } | { type: 'marker'; index: number };
  text: string;
  source: number;
  line: number;
}

/**
 * A data race the explorer's race detector proved in the run this model shows (a traced replay of one
 * schedule: src/tracer/concurrency_lab_explore/replay_trace.py): two accesses to one location, at least
 * one a write, neither ordered before the other by any synchronisation. A plain traced run records no
 * accesses and has none.
 */
export interface DataRace {
  /** The location as the program names it ("Counter.value"). */
  target: string;
  /** The two accesses in the order they ran; each is a 'shared_access' marker on its lane. */
  accesses: [RaceAccess, RaceAccess];
}

export interface RaceAccess {
  /** Index into TraceModel.markers: the access's mark, a step of its own. */
  marker: number;
  /** Its lane and line (the marker's, here too so the banner needs no marker objects). */
  lane: number;
  line: number;
  kind: 'read' | 'write';
}

export interface OutputLine {
  order: number;
  ts: number;
  lane: number;
  stream: (typeof OUTPUT_STREAMS)[number];
  text: string;
}

export interface RunError {
  /** Machine-readable category used by the UI and the tests. */
  code: (typeof ERROR_CODES)[number];
  /** One sentence: what happened. */
  message: string;
  /** What the user can do about it. */
  hint?: string;
  /** Where, in the user's file (already mapped back from a selection's temp file). */
  file?: string;
  line?: number;
  column?: number;
  /** For a timeout: lanes still running when it was stopped. */
  stillRunning?: string[];
}

export interface TraceStats {
  events: number;
  eventsByKind: Record<string, number>;
  processes: { own: number; internal: number };
  threads: { own: number; internal: number };
  tasks: { own: number; internal: number };
  suppressedCalls: number;
  droppedEvents: number;
  /**
   * Event lines that could not be read (damaged, or longer than the reader takes) plus event files
   * cut off at the size limit: skipped, and counted here so the user is told. A torn last line of a
   * killed process is expected and not counted. Absent in models from before it was counted.
   */
  unreadableLines?: number;
}

export interface TraceModel {
  version: typeof TRACE_MODEL_VERSION;
  /** Title for the panel: "threads_vs_asyncio.py" or "selection of app.py (lines 10–24)". */
  title: string;
  python: string;
  t0: number;
  /** Relative time of the last event. */
  duration: number;
  exitCode: number | null;
  signal: string | null;
  error: RunError | null;
  lanes: Lane[];
  sources: Source[];
  spans: Span[];
  markers: Marker[];
  flows: Flow[];
  /** Sorted by order. */
  steps: Step[];
  output: OutputLine[];
  stats: TraceStats;
  /** Data races proven in this run, in the order they were found; absent when there are none. */
  races?: DataRace[];
  /**
   * Editor line mapping for a selection run: line L of the traced file is line L + lineOffset
   * of the user's document. 0 for a file run.
   */
  lineOffset: number;
}

/** What to tell the user about TraceStats.unreadableLines (CLI and the run's status line). */
export function unreadableNote(n: number): string {
  return `${n.toLocaleString('en-US')} event line${n === 1 ? '' : 's'} could not be read and ${n === 1 ? 'was' : 'were'} left out of the trace`;
}
