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
 * - kind: one of the names below.
 * - data: a JSON value whose shape depends on kind (see RawData).
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

export type RawEvent = [seq: number, ts: number, pid: number, tid: number, task: number, kind: RawKind, data: unknown];

export const RAW_KINDS = [
  // --- process-wide ---------------------------------------------------------------------------
  'meta', //        {python: "3.12.1", impl, platform, clock: "perf_counter_ns", epoch_ns: time_ns at ts, tracer: version, file, argv, start_method, mechanism: "monitoring"|"ast"|"settrace", run: the run's token}
  'proc_begin', //  {ppid, name, parent_obj: serial of the Process object in the parent or null, parent_pid, origin: "main"|"multiprocessing"|"subprocess", internal: bool}
  'proc_end', //    {exitcode}                  last event of a process (atexit, _bootstrap end or os._exit wrapper)
  'code', //        {id, name, qualname, file, line}   defines a code id used by call/return; emitted once before first use
  'limit', //       {what: "events"|"calls", code?: id, suppressed?: n}   a budget was hit; later events of that kind are counted, not written
  'summary', //     {suppressed_calls: {codeId: n}, dropped_events: n}  written at process end when anything was suppressed

  // --- function spans (hot path: data is a compact array) ---------------------------------
  // cpuNs is the thread's CPU clock, never decreasing per thread, exact to within 20 us (the tracer
  // extrapolates it between real reads: core.CPU_RESOLUTION_NS).
  'call', //        [codeId, cpuNs, line]       a program function starts (or a coroutine/generator starts its first step)
  'return', //      [codeId, cpuNs, taskDone?]  it returns (or unwinds with an exception: see 'exc'); taskDone 1: the
  //                                            coroutine of the event's task returned and so ended it ok (the
  //                                            event stands for that task's task_done {obj: task, state: "ok"})
  'yield', //       [codeId, cpuNs, awaitedObj] a coroutine/generator suspends; awaitedObj is the serial of the awaited task/future or 0
  'resume', //      [codeId, cpuNs]             it resumes

  // --- threads -------------------------------------------------------------------------------
  'thread_start', // {obj, name, daemon, internal}         in the starting thread, before Thread.start
  'thread_begin', // {obj, name, daemon, internal, ident, native_id}  first event on the new thread (its tid is new)
  'thread_end', //   {obj, error?: "Type: msg"}            last event on the thread
  'thread_join', //  {obj}                                  join begins (blocking)
  'thread_joined', // {obj, alive: bool}                    join returned

  // --- processes (seen from the parent) ---------------------------------------------------
  'proc_start', //  {obj, name, method: "fork"|"spawn"|"forkserver"|"subprocess", internal}  before the child is started
  'proc_started', // {obj, child_pid}                      after start returned: links obj to the child's pid
  'proc_join', //   {obj, child_pid}
  'proc_joined', // {obj, child_pid, exitcode}

  // --- asyncio tasks -------------------------------------------------------------------------
  'task_create', // {obj, name, coro: qualname, parent: task serial or 0, internal}
  'task_done', //   {obj, state: "ok"|"cancelled"|"error", error?: "Type: msg"}
  'task_cancel', // {obj}                                   cancel() requested
  'task_name', //   {obj, name, line}                      renamed after it was made (Task.set_name)
  'await', //       {target: serial, what: "task"|"future"|"gather"|"sleep"|"lock"|"queue"|"event"|"other", name?}  a task blocks on target
  'awake', //       {target}                                  the awaiting task resumed after that target

  // --- synchronisation (threading and asyncio; multiprocessing ones carry key) ---------
  // prim: "Lock"|"RLock"|"Semaphore"|"BoundedSemaphore"|"Condition"|"Event"|"Barrier"|"Queue"|"LifoQueue"|"PriorityQueue"|"SimpleQueue"|"mp.Lock"|"mp.RLock"|"mp.Semaphore"|"mp.BoundedSemaphore"|"mp.Event"|"mp.Condition"|"mp.Barrier"|"mp.Queue"|"mp.JoinableQueue"|"mp.SimpleQueue"|"asyncio.Lock"|…
  'lock_wait', //     {obj, prim, key?}                     a blocking acquire begins
  'lock_acquired', // {obj, prim, key?, ok: bool, waited_ns, contended: bool}
  'lock_release', //  {obj, prim, key?}                     before the real release
  'event_set', //     {obj, prim, key?}                     before the real set
  'event_clear', //   {obj, prim, key?}
  'event_wait', //    {obj, prim, key?}
  'event_woken', //   {obj, prim, key?, ok: bool, waited_ns}
  'cond_notify', //   {obj, prim, n}                        before the real notify (n = -1 for notify_all)
  'cond_wait', //     {obj, prim}
  'cond_woken', //    {obj, prim, ok: bool, waited_ns}
  'barrier_wait', //  {obj, prim, parties}
  'barrier_pass', //  {obj, prim, ok: bool, waited_ns, index}
  'queue_put', //     {obj, prim, key?, item: per-queue put number (1-based), size}   before the real put
  'queue_get_wait', // {obj, prim, key?}                     a blocking get begins
  'queue_get', //     {obj, prim, key?, item: the put number it received or 0 if unknown, ok: bool, waited_ns}
  'future_submit', // {obj, executor, fn: qualname}         Executor.submit: obj is the future
  'future_done', //   {obj, state: "ok"|"cancelled"|"error"}
  'sleep', //         {secs, line}                         time.sleep / asyncio.sleep begins
  //                  [codeId, cpuNs, secs, line]          an asyncio.sleep suspends the recorded coroutine frame of codeId
  //                                                       (it stands for that frame's yield, which is not written)
  'slept', //         {secs}                               it ended
  //                  [codeId, cpuNs, secs]                ... and that frame resumes (stands for its resume)

  // --- output and errors ---------------------------------------------------------------------
  'print', //       {stream: "stdout"|"stderr", text}       one line (without the newline) or the tail of unterminated output at flush
  'exc', //         {type, msg, file, line, uncaught: bool, where: "thread"|"task"|"process"|"main"}
] as const;

export type RawKind = (typeof RAW_KINDS)[number];

const KIND_SET: ReadonlySet<string> = new Set(RAW_KINDS);

export function isRawKind(k: unknown): k is RawKind {
  return typeof k === 'string' && KIND_SET.has(k);
}

/** Environment variables the run engine sets for the tracer (taken out before the program runs: runenv.py). */
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
