"""Traced replay: one schedule, recorded in the tracer's event format, so the Timeline shows exactly the
order the explorer chose.

The explorer's lanes run one at a time, so every event written here lands in the stream in the
replayed order. The tracer's own sink, 'meta' record, call hooks (function spans) and output proxy
(prints per lane) are reused as they are, and so are its patches of what runs on top of the model
primitives unchanged: queue.Queue (queues.py), concurrent.futures (futures.py) and asyncio (aio.py:
tasks, awaits, asyncio.sleep, asyncio's primitives and queues), applied in the replay child. The
threading primitives' events and time.sleep's come from thin wrappers put on the model classes in the
replay child only (the tracer's wrappers sit on the real primitives, which a schedule does not use).
None of them adds a scheduling point: a traced replay runs the schedule the untraced one runs. Each
decision of the scheduler that had a choice also leaves a 'sched_pick' marker, so two replays can be
compared decision by decision.

Each shared access the race detector checks leaves a 'shared_access' event (its id, line, read or write),
and each race the detector proves in this run a 'race' event naming its two accesses by id, written right
after the second one: the Timeline marks exactly those two accesses, where they happened, and no other.

Only primitives the program itself creates are recorded (a queue's inner lock is not), as in tracing.
"""
import os
import sys
from _thread import get_ident

core = None  # concurrency_lab_tracer.core, once started
naming = None  # concurrency_lab_tracer.naming, once started
result_waits = None  # concurrency_lab_tracer.result_waits, once started
MARK = [None]  # the decision index Compare marks


def load_tracer():
    """Import the tracer package that sits next to ours, before the child's clocks turn virtual (the
    sink's timestamps are real: the Timeline shows how long each step of the replay really took)."""
    global core, naming, result_waits
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    added = here not in sys.path
    if added:
        sys.path.insert(0, here)
    try:
        from concurrency_lab_tracer import codes, core as tracer_core, encode, output, processes  # noqa: F401
        from concurrency_lab_tracer import aio, futures, queues  # noqa: F401
        from concurrency_lab_tracer import naming as tracer_naming, result_waits as tracer_result_waits
        if sys.version_info >= (3, 12):
            from concurrency_lab_tracer import calls_monitoring  # noqa: F401
        else:
            from concurrency_lab_tracer import calls_settrace  # noqa: F401
    finally:
        if added:
            sys.path.remove(here)
    core = tracer_core
    naming = tracer_naming
    result_waits = tracer_result_waits


def start(out_dir, program, code, run_token, prims, scheduler, mark=None):
    """In the replay child, before the program runs: open the sink, write meta and proc_begin, start
    the call hooks and output proxy, and wrap the model primitives."""
    import concurrency_lab_tracer as tracer
    from concurrency_lab_tracer import output, processes
    core.out_dir = os.path.abspath(out_dir)
    core.program = program
    core.call_budget = tracer.DEFAULT_CALL_BUDGET
    core.event_cap = tracer.DEFAULT_EVENT_CAP
    processes.run_settings['CONCURRENCY_LAB_RUN'] = run_token
    core.open_sink()
    core.tid_of(get_ident())
    if sys.version_info >= (3, 12):
        from concurrency_lab_tracer import calls_monitoring as calls
        processes.mechanism = 'monitoring'
    else:
        from concurrency_lab_tracer import calls_settrace as calls
        processes.mechanism = 'settrace'
    processes.emit_meta()
    core.emit('proc_begin', {'ppid': os.getppid(), 'name': 'MainProcess', 'parent_obj': None, 'parent_pid': None,
                             'origin': 'main', 'internal': False})
    output.install()
    tracer.calls = calls  # (the asyncio patch asks it for the call hooks' sleep and task-end support)
    if calls.install() and hasattr(calls, 'watch_program'):
        calls.watch_program(code)
    _wrap_prims(prims)
    _patch_queues()
    _patch_futures()
    _patch_asyncio()
    _wrap_block(scheduler)
    _wrap_races(scheduler.detector)
    MARK[0] = mark
    _record_picks(scheduler, mark)


def finish(exit_code):
    if core is not None:
        core.end_process(exit_code)


# --- the model primitives' events ------------------------------------------------------------------

def _obj(x):
    return x.__dict__.get('_cl_obj')


def _line():
    return core.program_line(3)


def _mark_program_made(cls):
    """Give an instance a serial when the program's own code made it (the frame above __init__), named
    after the variable the program assigns it to, as the tracer names it (naming.py: obj_new)."""
    orig = cls.__dict__['__init__']

    def __init__(self, *args, **kwargs):
        orig(self, *args, **kwargs)
        if sys._getframe(1).f_code.co_filename == core.program:
            self.__dict__['_cl_obj'] = naming.new_named_serial()

    cls.__init__ = __init__


# lane index -> the wait event its acquire writes if it blocks (written by the scheduler's block, on
# the lane that blocks, at the moment it does: a lock found free may be taken by another lane at the
# scheduling point before the acquire).
_WAIT_BEGIN = {}
# lane index -> (lane, primitive, wait event) of an acquire that found its lock free at its scheduling
# point: no wait, unless another lane takes the lock first (then the wait is written on its lane then).
_DEFERRED = {}
_WAITED = set()  # lane indexes whose acquire wrote its wait


def _acquiring(orig, active, skip=None, nested=None):
    """`skip`: a subclass whose own wrapper records it (RLock calls Lock.acquire); `nested`: true when an
    acquire only counts up (an RLock its lane holds), which records nothing, as in tracing. A wait is
    written only when the lock is held by another lane, as a traced acquire that finds it held writes
    one: an acquire is also a scheduling point, where a lane may be passed over with the lock free."""
    def acquire(self, blocking=True, timeout=None):
        obj = _obj(self)
        s = active()
        if timeout is None and isinstance(self, active.lock_types):
            timeout = -1
        if obj is None or s is None or (skip is not None and isinstance(self, skip)) or (nested and nested(self, s)):
            return orig(self, blocking, timeout)
        base = {'obj': obj, 'prim': self._kind}
        lane = s.current.index
        _WAIT_BEGIN[lane] = ('lock_wait', dict(base, line=_line()))
        t0 = core.perf_ns()
        try:
            ok = orig(self, blocking, timeout)
        finally:
            _WAIT_BEGIN.pop(lane, None)
            waited = lane in _WAITED
            _WAITED.discard(lane)
        core.emit('lock_acquired', dict(base, ok=bool(ok), waited_ns=core.perf_ns() - t0 if waited else 0,
                                        contended=waited or not ok, line=_line()))
        if ok:
            _now_held(self)
        return ok
    return acquire


def _now_held(prim):
    """The running lane took `prim`: a lane that asked for it while it was free now waits for it."""
    for index, (lane, waiting, begin) in list(_DEFERRED.items()):
        if waiting is prim and not prim._cl_ready():
            del _DEFERRED[index]
            _WAITED.add(index)
            core.emit_on(lane.thread, *begin)


def _wrap_block(scheduler):
    cls = type(scheduler)
    orig = cls.block

    def block(self, waiting, deadline=None):
        lane = self.current
        begin = _WAIT_BEGIN.pop(lane.index, None)
        if begin is not None:
            if waiting._cl_ready():
                _DEFERRED[lane.index] = (lane, waiting, begin)
            else:
                _WAITED.add(lane.index)
                core.emit(*begin)
        try:
            return orig(self, waiting, deadline)
        finally:
            _DEFERRED.pop(lane.index, None)

    cls.block = block


def _releasing(orig, skip=None, last=None):
    def release(self, *args):
        obj = _obj(self)
        if obj is not None and not (skip is not None and isinstance(self, skip)) and (last is None or last(self)):
            core.emit('lock_release', {'obj': obj, 'prim': self._kind, 'line': _line()})
        return orig(self, *args)
    return release


def _waiting(orig, begin, end, prim, result_fields=None, results=False):
    """`results`: a wait on such a primitive the program did not make (the standard library's own, a
    Future's say) goes to result_waits.wait, which records it when it is a wait for pool or future
    results (it looks for the stdlib caller two frames up: called from here, not through a lambda).
    An Event's flag is read as its own field there: the model's is_set() is a scheduling point."""
    def wait(self, timeout=None):
        obj = _obj(self)
        if obj is None:
            if not results:
                return orig(self, timeout)
            return result_waits.wait(orig, self, timeout, _flag if prim == 'Event' else None)
        base = {'obj': obj, 'prim': prim}
        if prim == 'Barrier':
            base['parties'] = self.parties
        core.emit(begin, dict(base, line=_line()))
        t0 = core.perf_ns()
        result = None
        try:
            result = orig(self, timeout)
            return result
        finally:
            fields = result_fields(result) if result_fields else {'ok': bool(result)}
            core.emit(end, dict(base, waited_ns=core.perf_ns() - t0, **fields))
    return wait


def _announcing(orig, kind, prim, fields=None):
    def method(self, *args):
        obj = _obj(self)
        if obj is not None:
            data = {'obj': obj, 'prim': prim, 'line': _line()}
            if fields:
                data.update(fields(*args))
            core.emit(kind, data)
        return orig(self, *args)
    return method


def _wrap_prims(prims):
    for cls in (prims.Lock, prims.RLock, prims.Semaphore, prims.BoundedSemaphore, prims.Event, prims.Condition,
                prims.Barrier):
        _mark_program_made(cls)
    def active():
        return prims._active()
    active.lock_types = (prims.Lock,)
    RLock = prims.RLock
    held_by_me = lambda l, s: l._owner is s.current  # noqa: E731
    prims.Lock.acquire = prims.Lock.__enter__ = _acquiring(prims.Lock.acquire, active, skip=RLock)
    prims.Lock.release = _releasing(prims.Lock.release, skip=RLock)
    RLock.acquire = RLock.__enter__ = _acquiring(RLock.acquire, active, nested=held_by_me)
    RLock.release = _releasing(RLock.release, last=lambda l: l._count == 1)
    prims.Semaphore.acquire = prims.Semaphore.__enter__ = _acquiring(prims.Semaphore.acquire, active)
    prims.Semaphore.release = _releasing(prims.Semaphore.release)
    prims.Event.set = _announcing(prims.Event.set, 'event_set', 'Event')
    prims.Event.clear = _announcing(prims.Event.clear, 'event_clear', 'Event')
    prims.Event.wait = _waiting(prims.Event.wait, 'event_wait', 'event_woken', 'Event', results=True)
    prims.Condition.wait = _waiting(prims.Condition.wait, 'cond_wait', 'cond_woken', 'Condition', results=True)
    plain_notify = prims.Condition.notify
    prims.Condition.notify = _announcing(plain_notify, 'cond_notify', 'Condition', lambda n=1: {'n': n})
    # n -1: all of them, as the tracer writes a notify_all
    prims.Condition.notify_all = prims.Condition.notifyAll = _announcing(
        lambda self: plain_notify(self, len(self._waiters)), 'cond_notify', 'Condition', lambda: {'n': -1})
    prims.Barrier.wait = _waiting(prims.Barrier.wait, 'barrier_wait', 'barrier_pass', 'Barrier',
                                  lambda index: {'ok': index is not None, 'index': -1 if index is None else index})
    _wrap_threads(prims)
    _wrap_sleep(prims)


def _wrap_threads(prims):
    Thread = prims.Thread
    orig_start, orig_join = Thread.start, Thread.join

    def start(self):
        if _obj(self) is None:
            self.__dict__['_cl_obj'] = core.new_serial()
        info = {'obj': _obj(self), 'name': self.name, 'daemon': self.daemon, 'internal': False}
        core.emit('thread_start', dict(info, line=_line()))  # where the program started it, as when traced
        body = self.run

        def run():
            ident = get_ident()
            native = getattr(__import__('_thread'), 'get_native_id', lambda: 0)()
            core.emit('thread_begin', dict(info, ident=ident, native_id=native))
            if prims.SCHED is not None:
                emit_pick(prims.SCHED)
            error = None
            try:
                body()
            except BaseException as e:
                from concurrency_lab_tracer import encode
                error = '%s: %s' % (encode.type_name(e), encode.exception_message(e))
                raise
            finally:
                end = {'obj': info['obj']}
                if error:
                    end['error'] = error
                core.emit('thread_end', end)
                core.flush()
                # its ident may be reused by the program's next thread, which is a lane of its own (as in tracing)
                core.forget_thread(ident)
        self.run = run
        return orig_start(self)

    def join(self, timeout=None):
        obj = _obj(self)
        if obj is None:
            return orig_join(self, timeout)
        core.emit('thread_join', {'obj': obj, 'line': _line()})
        try:
            return orig_join(self, timeout)
        finally:
            core.emit('thread_joined', {'obj': obj, 'alive': self.is_alive()})

    Thread.start = start
    Thread.join = join


def _wrap_sleep(prims):
    """'sleep' and 'slept' around a time.sleep the program's own code calls (as threads.patch_sleep
    writes them). The child's time.sleep was set to prims._sleep before this runs (virtual time comes
    first), so it is time.sleep that gets the wrapper, not only the module attribute."""
    import time
    from concurrency_lab_tracer.encode import number
    orig = prims._sleep

    def sleep(seconds):
        caller = core.program_caller() if prims._active() is not None else None
        if caller is None:
            return orig(seconds)
        n = number(seconds)
        core.emit_raw('sleep', '{"secs":%s,"line":%d}' % (n, caller.f_lineno or 0))
        try:
            return orig(seconds)
        finally:
            core.emit_raw('slept', '{"secs":%s}' % n)

    core.impersonate(sleep, orig)  # (the same name and module as the untraced replay's time.sleep)
    prims._sleep = sleep
    if time.sleep is orig:
        time.sleep = sleep


def _patch_queues():
    """queue.Queue, LifoQueue and PriorityQueue as the tracer records them (queues.py): the program's
    queues named after their variable (obj_new), each put numbered, each get naming the put it
    received, a get that finds the queue empty first a 'queue_get_wait'. The tracer's wrappers call no
    method of the queue (the item count is theirs), so they add no scheduling point: the replay keeps
    its schedule. queue.SimpleQueue is the explorer's own (prims.SimpleQueue, on an inner Queue): its
    inner queue is recorded under the SimpleQueue's variable (its "prim" then says Queue)."""
    import queue
    from concurrency_lab_tracer import queues
    simple = queue.SimpleQueue
    queues.patch_queue_module(queue)
    queue.SimpleQueue = simple  # (the tracer's SimpleQueue subclass asks the queue its size: a scheduling point)
    orig_init = simple.__dict__['__init__']

    def __init__(self):
        orig_init(self)
        if core.called_from_program(2):
            core.set_serial(self.__dict__['_q'], naming.new_named_serial())

    simple.__init__ = __init__


def _flag(event):
    return event._flag


def _patch_futures():
    """concurrent.futures as the tracer records it (futures.py, work_items.py): each submit, the work
    item on the worker's lane, the future's end and its first read. Its wrappers read the future's
    fields and no primitive of the model: no scheduling point is added."""
    import concurrent.futures._base as base
    import concurrent.futures.thread as thread
    from concurrency_lab_tracer import futures
    futures.patch_base(base)
    futures.patch_thread(thread)


def _patch_asyncio():
    """Tasks (task_create/task_done/task_cancel/task_name, each its own lane), awaits, asyncio.sleep and
    the asyncio primitives and queues, by the tracer's own asyncio patch (aio.py): the explorer runs the
    real event loop (its selector is the model's, see concurrency_lab_explore/aio.py), so the tasks are
    asyncio's and the patch applies as in a traced run."""
    import asyncio
    from concurrency_lab_tracer import aio
    aio.patch(asyncio)
    if aio.io_calls is not None:
        _watch_idle_loop()


def _watch_idle_loop():
    """3.12+: the loop idle in its selector ('io_wait'/'io_done', "loop": true), which io_calls sees as
    a call of a stdlib selector's select; the explorer's loop calls the model's (ModelSelector), so it is
    written here, as io_calls writes it: a select with a timeout other than 0 (no callback ready).
    (3.8-3.11: aio_idle rewrites _run_once's select call, whichever selector it calls.)"""
    from . import aio as model_aio
    orig = model_aio.ModelSelector.select

    def select(self, timeout=None):
        if timeout == 0 or self._loop is None or model_aio.prims._active() is None:
            return orig(self, timeout)
        core.emit_raw('io_wait', '{"call":"selector.select","line":%d,"loop":true}' % core.program_line())
        try:
            return orig(self, timeout)
        finally:
            core.emit_raw('io_done', '{"call":"selector.select","loop":true}')

    model_aio.ModelSelector.select = select


def _wrap_races(detector):
    """Number each checked access ('shared_access'), carry the number in the access's site (the detector
    keeps sites in its shadows and hands them to _report), and write a 'race' event for each race it
    reports."""
    orig_access, orig_report = detector.access, detector._report
    serial = [0]

    def access(lane, key, is_write, site, target, obj):
        serial[0] += 1
        n = serial[0]
        core.emit('shared_access', {'id': n, 'line': site[0], 'kind': site[1]})
        return orig_access(lane, key, is_write, (site[0], site[1], n), target, obj)

    def report(target, first_lane, first_site, second_lane, second_site):
        before = len(detector.races)
        orig_report(target, first_lane, first_site, second_lane, second_site)
        if len(detector.races) > before and len(first_site) > 2 and len(second_site) > 2:
            race = detector.races[-1]
            core.emit('race', {'target': race['target'],
                               'first': dict(race['accesses'][0], id=first_site[2], file=core.program),
                               'second': dict(race['accesses'][1], id=second_site[2], file=core.program)})

    detector.access = access
    detector._report = report


def _record_picks(scheduler, mark):
    """A 'sched_pick' marker on the lane the scheduler switched to, at each decision that moved the baton
    to another lane (a preemption or a hand-over the explorer chose), with the decision's index in the
    schedule's decision list; the decision `mark` (where Compare found two schedules part) always gets
    one, with parts: true."""
    cls = type(scheduler)
    orig_choose = cls._choose

    def _choose(self):
        before = len(self.decisions)
        pick = orig_choose(self)
        if len(self.decisions) > before and (pick is not self.current or before == mark):
            self._cl_pending_pick = (before, pick)
        return pick

    orig_switch = cls._switch

    def _switch(self, nxt):
        orig_switch(self, nxt)
        emit_pick(self)  # (runs on whichever lane holds the baton now: the one just picked)

    cls._choose = _choose
    cls._switch = _switch


def emit_pick(scheduler):
    """Write the pending pick when the calling lane is the one picked (it now holds the baton)."""
    pending = scheduler.__dict__.get('_cl_pending_pick')
    if pending is not None and pending[1] is scheduler.current and scheduler.lane_here() is pending[1]:
        del scheduler.__dict__['_cl_pending_pick']
        data = {'index': pending[0], 'lane': pending[1].name}
        if pending[0] == MARK[0]:
            data['parts'] = True
        core.emit('sched_pick', data)
