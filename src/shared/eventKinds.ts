/**
 * Every kind of event the Python tracer (src/tracer) writes: the ONE list both runtimes follow.
 * The raw stream's format is in src/trace/schema.ts; the data shape of each kind is noted here.
 *
 * 'marker': the kind becomes a Marker of the trace model (a step, a glyph on its lane). The order of
 *           the marker kinds below is their code in the columnar transfer (traceColumns.ts).
 * 'model':  the kind shapes the model (spans, lanes, names, stats) without a marker of its own.
 *
 * Adding a kind: add it here, write it in the tracer, handle it in src/trace/handlers (a marker kind
 * also needs its text in src/trace/markerText.ts and its style in src/webview/markerStyle.ts, which the
 * compiler asks for). test/python/test_event_kinds.py fails when the tracer writes a kind that is not
 * here or no longer writes one that is.
 */
export const EVENT_KINDS = {
  // --- process-wide ---------------------------------------------------------------------------
  meta: 'model', //        {python: "3.12.1", impl, platform, clock: "perf_counter_ns", epoch_ns: time_ns at ts, tracer: version, file, argv, start_method, mechanism: "monitoring"|"ast"|"settrace", run: the run's token}
  code: 'model', //        {id, name, qualname, file, line}   defines a code id used by call/return; emitted once before first use
  summary: 'model', //     {suppressed_calls: {codeId: n}, dropped_events: n}  written at process end when anything was suppressed

  // --- function spans (hot path: data is a compact array) ---------------------------------
  // cpuNs is the thread's CPU clock, never decreasing per thread, exact to within 20 us (the tracer
  // extrapolates it between real reads: core.CPU_RESOLUTION_NS).
  call: 'model', //        [codeId, cpuNs, line]       a program function starts (or a coroutine/generator starts its first step)
  return: 'model', //      [codeId, cpuNs, taskDone?]  it returns (or unwinds with an exception: see 'exc'); taskDone 1: the
  //                                                   coroutine of the event's task returned and so ended it ok (the
  //                                                   event stands for that task's task_done {obj: task, state: "ok"})
  yield: 'model', //       [codeId, cpuNs, awaitedObj] a coroutine/generator suspends; awaitedObj is the serial of the awaited task/future or 0
  resume: 'model', //      [codeId, cpuNs]             it resumes

  // --- threads -------------------------------------------------------------------------------
  thread_start: 'marker', //  {obj, name, daemon, internal}         in the starting thread, before Thread.start
  thread_begin: 'marker', //  {obj, name, daemon, internal, ident, native_id}  first event on the new thread (its tid is new)
  thread_end: 'marker', //    {obj, error?: "Type: msg"}            last event on the thread
  thread_join: 'marker', //   {obj}                                  join begins (blocking)
  thread_joined: 'marker', // {obj, alive: bool}                    join returned

  // --- processes ------------------------------------------------------------------------------
  proc_start: 'marker', //   {obj, name, method: "fork"|"spawn"|"forkserver"|"subprocess", internal}  in the parent, before the child is started
  proc_begin: 'marker', //   {ppid, name, parent_obj: serial of the Process object in the parent or null, parent_pid, origin: "main"|"multiprocessing"|"subprocess", internal: bool}
  proc_end: 'marker', //     {exitcode}                  last event of a process (atexit, _bootstrap end or os._exit wrapper)
  proc_join: 'marker', //    {obj, child_pid}
  proc_joined: 'marker', //  {obj, child_pid, exitcode}
  proc_started: 'model', //  {obj, child_pid}            in the parent, after start returned: links obj to the child's pid

  // --- asyncio tasks -------------------------------------------------------------------------
  task_create: 'marker', // {obj, name, coro: qualname, parent: task serial or 0, internal}
  task_done: 'marker', //   {obj, state: "ok"|"cancelled"|"error", error?: "Type: msg"}
  task_cancel: 'marker', // {obj}                                   cancel() requested
  task_name: 'marker', //   {obj, name, line}                      renamed after it was made (Task.set_name)
  await: 'marker', //       {target: serial, what: "task"|"future"|"gather"|"sleep"|"lock"|"queue"|"event"|"other", name?}  a task blocks on target
  //                          what "wait_for"|"wait"|"shield"|"as_completed"|"TaskGroup"|"join": suspended in that asyncio
  //                          function on a future of its own; with task?/call?/count?/obj? naming what it was given;
  //                          "gather" has count: the awaitables passed to asyncio.gather, and line: the await's own
  awake: 'marker', //       {target}                                  the awaiting task resumed after that target

  // --- synchronisation (threading and asyncio; multiprocessing ones carry key) ---------
  // prim: "Lock"|"RLock"|"Semaphore"|"BoundedSemaphore"|"Condition"|"Event"|"Barrier"|"Queue"|"LifoQueue"|"PriorityQueue"|"SimpleQueue"|"mp.Lock"|"mp.RLock"|"mp.Semaphore"|"mp.BoundedSemaphore"|"mp.Event"|"mp.Condition"|"mp.Barrier"|"mp.Queue"|"mp.JoinableQueue"|"mp.SimpleQueue"|"asyncio.Lock"|…
  obj_new: 'model', //        {obj, line, name?}                    the program made a traced primitive at `line`, assigning it to
  //                                                                `name` ("lock_b", "self.jobs"; absent when the line says no one name)
  lock_wait: 'marker', //     {obj, prim, key?}                     a blocking acquire begins
  lock_acquired: 'marker', // {obj, prim, key?, ok: bool, waited_ns, contended: bool}
  lock_release: 'marker', //  {obj, prim, key?}                     before the real release
  event_set: 'marker', //     {obj, prim, key?}                     before the real set
  event_clear: 'marker', //   {obj, prim, key?}
  event_wait: 'marker', //    {obj, prim, key?}
  event_woken: 'marker', //   {obj, prim, key?, ok: bool, waited_ns}
  cond_notify: 'marker', //   {obj, prim, n}                        before the real notify (n = -1 for notify_all)
  cond_wait: 'marker', //     {obj, prim}
  cond_woken: 'marker', //    {obj, prim, ok: bool, waited_ns}
  barrier_wait: 'marker', //  {obj, prim, parties}
  barrier_pass: 'marker', //  {obj, prim, ok: bool, waited_ns, index}
  queue_put: 'marker', //     {obj, prim, key?, item: per-queue put number (1-based), size, value: short safe repr}   before the real put
  queue_get_wait: 'marker', // {obj, prim, key?}                    a blocking get begins
  queue_get: 'marker', //     {obj, prim, key?, item: the put number it received or 0 if unknown, value?: short safe repr, ok: bool, waited_ns}
  future_submit: 'marker', // {obj, executor, fn: qualname, args?: short safe repr of the arguments}  Executor.submit: obj is the future
  future_done: 'marker', //   {obj, state: "ok"|"cancelled"|"error", what?: "gather", count?, line? (a gather's call)}
  future_read: 'marker', //   {obj, how: "result"|"exception"|"callback", line}  the program first looked at the finished future's
  //                          outcome (result()/exception() returned or raised after it finished) or gave it a done callback
  work_begin: 'model', //    {obj}  a ThreadPoolExecutor worker starts future obj's work item (its submit says what it runs);
  //                          {fn, args | items+n, job}  a worker process starts a call item (ProcessPoolExecutor) or a
  //                          task of multiprocessing.Pool (items: a map chunk's items, n of them)
  work_end: 'model', //      {obj?}  the worker finished that item (before its result is handed back)
  sleep: 'marker', //         {secs, line}                         time.sleep / asyncio.sleep begins
  //                          [codeId, cpuNs, secs, line]          an asyncio.sleep suspends the recorded coroutine frame of codeId
  //                                                               (it stands for that frame's yield, which is not written)
  slept: 'marker', //         {secs}                               it ended
  //                          [codeId, cpuNs, secs]                ... and that frame resumes (stands for its resume)
  io_wait: 'marker', //       {call: "socket.recv", line, loop?: true}  a blocking I/O call begins (3.8-3.11: the program's own calls); loop: asyncio's event loop waits in its selector for I/O or timers
  io_done: 'marker', //       {call, ok?: false}                   it returned (ok false: it raised)
  result_wait: 'marker', //   {what: "result"|"as_completed"|"wait"|"Executor.map"|"pool.map"|"pool.starmap"|"pool.apply"|"pool.imap"|"AsyncResult.get"|"AsyncResult.wait", obj?: the future (result), line}
  //                          a thread blocks until a future's or a pool's results come (stdlib-internal waits)
  result_ready: 'marker', //  {ok: bool (false: timed out), waited_ns}   that wait ended

  // --- output, errors and limits -------------------------------------------------------------
  print: 'marker', //       {stream: "stdout"|"stderr", text}       one line (without the newline) or the tail of unterminated output at flush
  exc: 'marker',
  limit: 'marker', //       {what: "events"|"calls", code?: id, suppressed?: n}   a budget was hit; later events of that kind are counted, not written

  // --- the explorer's traced replay (src/tracer/concurrency_lab_explore/replay_trace.py) ---------
  sched_pick: 'marker', //  {index, lane, parts?: true}   the explorer's scheduler moved the baton to this lane at decision
  //                                                    `index` of the schedule; parts: the decision where Compare found
  //                                                    two schedules part
  shared_access: 'marker', // {id, line, kind: "read"|"write"}  a shared access the race detector checked (attribute, global or
  //                          subscript in the program's code); a marker only when a 'race' names it, nothing otherwise
  race: 'model', //         {target, first: {id, lane, line, kind}, second: {…}}  the detector proved a data race between
  //                          two of this run's accesses (by shared_access id; second is the access just made)
} as const satisfies Record<string, 'marker' | 'model'>;

type Declared = typeof EVENT_KINDS;

/** Any kind of the raw event stream. */
export type EventKind = keyof Declared;

/** A kind that becomes a marker of the trace model. */
export type MarkerKind = { [K in EventKind]: Declared[K] extends 'marker' ? K : never }[EventKind];

/** Every event kind, in declaration order. */
export const ALL_EVENT_KINDS = Object.keys(EVENT_KINDS) as readonly EventKind[];

/** The marker kinds in declaration order: a kind's index here is its code in the columnar transfer. */
export const MARKER_KINDS = ALL_EVENT_KINDS.filter((k): k is MarkerKind => EVENT_KINDS[k] === 'marker');

const MARKER_SET: ReadonlySet<string> = new Set(MARKER_KINDS);
const KIND_SET: ReadonlySet<string> = new Set(ALL_EVENT_KINDS);

export function isEventKind(k: unknown): k is EventKind {
  return typeof k === 'string' && KIND_SET.has(k);
}

export function isMarkerKind(k: unknown): k is MarkerKind {
  return typeof k === 'string' && MARKER_SET.has(k);
}
