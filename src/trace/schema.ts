/**
 * The raw event stream written by the Python tracer (src/tracer) and read by the run engine.
 * This file is the contract between the two runtimes: change both sides together.
 *
 * Files: one per traced process, `<runDir>/events-<pid>.jsonl`, one JSON array per line:
 *
 *     [seq, ts, pid, tid, task, kind, data]
 *
 * - seq:  per-process counter starting at 0; authoritative order inside one process.
 * - ts:   time.perf_counter_ns() (CLOCK_MONOTONIC on Linux: comparable across processes).
 * - pid:  os.getpid().
 * - tid:  per-process thread serial (1 = main thread, 2, 3 … in order of first sight).
 *         Not threading.get_ident(): CPython reuses idents once a thread ends.
 * - task: serial of the running asyncio task, 0 when none. Serials are per process.
 * - kind: one of EVENT_KINDS (src/shared/eventKinds.ts, where each kind's data shape is noted).
 * - data: a JSON value whose shape depends on kind.
 *
 * A torn last line (the process was killed mid-write) is skipped by the reader.
 * Cross-process order: merge by (ts, pid, seq).
 *
 * Object identity: `obj` fields are per-process serial numbers given to primitives
 * (locks, queues, events, futures, threads, processes) the first time the tracer sees them;
 * never id(), which CPython reuses. A primitive shared across processes
 * (multiprocessing.Lock/Queue/…) carries `key`, a string that is the same in every process
 * (derived from the underlying semaphore/pipe), so flows can cross process lanes.
 *
 * Ordering rule: events that unblock another thread or process (release, put, set, notify,
 * start) are written BEFORE the real operation; blocking operations are written as a
 * `*_wait` before and a matching completion after.
 *
 * Added by the tracer (all optional; readers may ignore them):
 * - `line` on most object-shaped data: the program line that caused the event (0 = unknown).
 * - 'call' line: the call site when the caller is program code, else the function's def line.
 * - proc_begin.origin may also be "fork" (a bare os.fork() child); proc_begin.parent_obj is null
 *   for a forkserver child terminated before its Process object arrived (name "forkserver child").
 * - 'limit' carries `budget` (calls) or `cap` (events); 'meta' carries perf_ns (the ts that
 *   epoch_ns was read with), call_budget and event_cap.
 * - summary.suppressed_calls[code] is -1 when the count is unknown: on 3.12+ a function past its
 *   budget is disabled in sys.monitoring, so later calls cannot be counted. Generator/coroutine
 *   resumes count against the budget too; past it, their yield/resume are no longer written.
 * - mp.Queue: queue_put.size is -1 (not known without a lock round-trip); queue_get.from_pid is
 *   the pid whose put numbered `item` (numbers are per producing process).
 * - future_done.error ("Type: msg") when state is "error".
 * - exc with uncaught=false is written where a program frame raises (3.12+: RAISE; 3.8-3.11: the
 *   rewritten function's except handlers and exit, or the settrace 'exception' event when the tracer
 *   fell back to settrace), not again in each frame it passes through.
 */
import type { EventKind } from '../shared/eventKinds';

export type RawEvent = [
  seq: number,
  ts: number,
  pid: number,
  tid: number,
  task: number,
  kind: EventKind,
  data: unknown,
];

/** Environment variables the run engine sets for the tracer (taken out before the program runs: processes.take_run_settings). */
export const TRACER_ENV = {
  /** Directory that receives events-<pid>.jsonl files; its presence switches the tracer on. */
  outDir: 'CONCURRENCY_LAB_OUT',
  /** Absolute path of the program file whose functions are traced (others are not). */
  programFile: 'CONCURRENCY_LAB_FILE',
  /** Calls recorded per function before it is suppressed (0 = unlimited). */
  callBudget: 'CONCURRENCY_LAB_CALL_BUDGET',
  /** Events written per process before the rest are counted and dropped (0 = unlimited). */
  eventCap: 'CONCURRENCY_LAB_EVENT_CAP',
  /** Serial of the Process object in the parent (subprocess children get it through the environment). */
  parentObj: 'CONCURRENCY_LAB_PARENT_OBJ',
  /** File the launcher writes its pre-run report to (preflight.py). */
  checkFile: 'CONCURRENCY_LAB_CHECK',
  /** The run's token; every event file opens with a meta event that carries it ('run'). */
  runToken: 'CONCURRENCY_LAB_RUN',
  /** Oldest Python the engine runs ("3.8"); the launcher refuses older ones (MIN_PYTHON is its home). */
  minPython: 'CONCURRENCY_LAB_MIN_PYTHON',
} as const;
