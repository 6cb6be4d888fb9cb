"""threading.Thread lifecycle (start/begin/end/join), uncaught thread exceptions, time.sleep."""
import sys
import time
from _thread import get_ident

try:
    from _thread import get_native_id as _native_id
except ImportError:  # platforms without native thread ids
    _native_id = None

from . import core, encode, output
from .encode import number

_RUNTIME_PACKAGES = ('multiprocessing', 'asyncio', 'concurrent.futures.process')


def _own_dict(thread):
    """The Thread's attribute dict, where threading keeps its fields, read through Thread's own
    __dict__ slot (set by patch): a subclass's __dict__ property, __getattribute__ or __getattr__ is
    program code, which threading never runs to read its fields."""
    return _thread_dict(thread)


_thread_dict = None


def started_by_runtime(starter):
    """Is a thread runtime plumbing (pool handlers, feeder/management threads, asyncio's executor
    shutdown)? Told by who starts it, `starter` being the frame that called Thread.start: the runtime's
    own code. Not by what it runs: a thread the program starts with target=asyncio.run or
    loop.run_forever runs the program's tasks, and is the program's."""
    # A runtime class's own start (multiprocessing.dummy's Process) passes the call on: who called it
    # decides.
    while starter is not None and starter.f_code.co_name == 'start' and _in_runtime(starter):
        starter = starter.f_back
    return starter is not None and _in_runtime(starter)


def _in_runtime(frame):
    module = dict.get(frame.f_globals, '__name__')
    # (A whole package name: the program's own multiprocessing_utils.py is not multiprocessing.)
    return type(module) is str and any(module == p or module.startswith(p + '.') for p in _RUNTIME_PACKAGES)


def _info(thread, starter=None):
    """[serial, internal?, error text or None] of a Thread, kept beside it (marks: not in its
    __dict__, and without hashing it, which would run a subclass's __hash__/__eq__). `starter`: the
    frame starting it, when called from Thread.start."""
    info = core.field(thread, 'thread')
    if info is None:
        info = [core.new_serial(), False, None]
        core.set_field(thread, 'thread', info)
    if starter is not None:
        info[1] = started_by_runtime(starter) and not _pool_worker(thread)
    return info


def _pool_worker(thread):
    """A thread pool's worker (multiprocessing.pool.ThreadPool, multiprocessing.dummy.Pool) runs the
    program's functions, as a process Pool's workers and a ThreadPoolExecutor's do: the program's lane.
    (Its handler threads are the pool's plumbing.)"""
    pool = sys.modules.get('multiprocessing.pool')
    return pool is not None and dict.get(_own_dict(thread), '_target') is getattr(pool, 'worker', None)


def obj_of(thread):
    return _info(thread)[0]


def _describe(thread, starter=None):
    """The Thread's name and daemon flag as threading keeps them (in its __dict__): a subclass's `name`
    or `daemon` property is program code, which Python never runs to start a thread."""
    info = _info(thread, starter)
    own = _own_dict(thread)
    return {'obj': info[0], 'name': dict.get(own, '_name'), 'daemon': dict.get(own, '_daemonic'), 'internal': info[1]}


def _alive_after_join(thread, timeout):
    """is_alive() after join(timeout) returned, from threading's fields (its is_alive reads them through
    the program's attribute hooks): a join without timeout returns once the thread is done."""
    if timeout is None:
        return False
    own = _own_dict(thread)
    started = dict.get(own, '_started')
    if started is None or not started.is_set():  # (threading's Event)
        return False
    handle = dict.get(own, '_handle')  # 3.13+: the thread's _ThreadHandle
    if handle is not None:
        return not handle.is_done()
    if dict.get(own, '_is_stopped'):
        return False
    lock = dict.get(own, '_tstate_lock')  # (released as the thread's state is deleted)
    return lock is not None and lock.locked()


def patch_threading(threading):
    """Applied when threading is first imported (a program that never imports it saves the import)."""
    patch(threading)
    from . import sync
    sync.patch(threading)
    for hook in threading_hooks:
        hook(threading)


threading_hooks = []  # e.g. settrace for threads started later


def patch(threading):
    Thread = threading.Thread
    global _thread_dict
    _thread_dict = Thread.__dict__['__dict__'].__get__
    orig_start = Thread.start
    orig_bootstrap_inner = Thread._bootstrap_inner
    orig_join = Thread.join

    def start(self):
        d = _describe(self, sys._getframe(1))
        d['line'] = core.program_line()
        core.emit('thread_start', d)
        return orig_start(self)

    def _bootstrap_inner(self):
        begun = _begin(self)
        try:
            orig_bootstrap_inner(self)
        finally:
            _end(self, begun)

    def join(self, timeout=None):
        obj = obj_of(self)
        core.emit('thread_join', {'obj': obj, 'line': core.program_line()})
        core.flush_before_wait(timeout)
        try:
            return orig_join(self, timeout)
        finally:
            core.emit('thread_joined', {'obj': obj, 'alive': _alive_after_join(self, timeout)})

    Thread.start = core.impersonate(start, orig_start)
    # 3.12+: the call hooks see the new thread's _bootstrap_inner start and end, so the thread's stack
    # has no frame of ours (inspect.stack(), tracebacks); before, a wrapper frame sits below run().
    watch = getattr(getattr(sys.modules[__package__], 'calls', None), 'watch_calls', None)
    if watch is None or not watch(orig_bootstrap_inner.__code__, _begin_frame, _end_frame):
        Thread._bootstrap_inner = core.impersonate(_bootstrap_inner, orig_bootstrap_inner)
    Thread.join = core.impersonate(join, orig_join)

    orig_hook = threading.excepthook

    def excepthook(args):
        exc = args.exc_value
        if args.exc_type is not SystemExit and exc is not None:
            thread = args.thread
            if thread is not None:
                _info(thread)[2] = encode.exception_text(exc)
            core.emit('exc', {'type': encode.type_name(exc), 'msg': encode.exception_message(exc), 'file': core.program,
                              'line': tb_program_line(args.exc_traceback), 'uncaught': True, 'where': 'thread'})
        return orig_hook(args)

    # Both names: a program comparing threading.excepthook with threading.__excepthook__ (or putting
    # the latter back) sees them as the same, as untraced.
    threading.excepthook = core.impersonate(excepthook, orig_hook, 'threading')
    if getattr(threading, '__excepthook__', None) is orig_hook:
        threading.__excepthook__ = threading.excepthook


def _begin(thread):
    """A thread starts running (in it): its lane begins. Returns what _end needs."""
    ident = get_ident()
    tid = core.tid_of(ident)
    d = _describe(thread)
    d['ident'] = ident
    d['native_id'] = _native_id() if _native_id is not None else None
    core.emit('thread_begin', d)
    # Written at once: a thread that then only computes records nothing more, and a Stop or the time
    # limit must still find its lane (no handler writes at SIGTERM). One write per thread start.
    core.flush()
    return d['obj'], tid, ident


def _end(thread, begun):
    """The thread is done (in it, after threading forgot it): its lane ends."""
    obj, tid, ident = begun
    end = {'obj': obj}
    info = core.field(thread, 'thread')
    err = info[2] if info is not None else None
    if err:
        end['error'] = err
    output.flush_thread(tid)
    core.emit('thread_end', end)
    core.flush()
    core.forget_thread(ident)


_begun = {}  # id(Thread._bootstrap_inner frame) -> what _end needs (the call hooks' way, 3.12+)


def _begin_frame(frame):
    thread = frame.f_locals.get('self')
    if thread is not None:
        _begun[id(frame)] = (thread, _begin(thread))


def _end_frame(frame):
    entry = _begun.pop(id(frame), None)
    if entry is not None:
        _end(entry[0], entry[1])


def tb_program_line(tb):
    """Innermost traceback line inside the program file (0 if none)."""
    line = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == core.program:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def patch_sleep():
    real_sleep = time.sleep

    emit_raw = core.emit_raw
    program_caller = core.program_caller
    flush_before_wait = core.flush_before_wait

    def sleep(secs):
        caller = program_caller()
        if caller is None:
            return real_sleep(secs)
        n = number(secs)
        emit_raw('sleep', f'{{"secs":{n},"line":{caller.f_lineno or 0}}}')
        flush_before_wait(secs)
        try:
            return real_sleep(secs)
        finally:
            emit_raw('slept', f'{{"secs":{n}}}')

    time.sleep = core.impersonate(sleep, real_sleep, 'time')
