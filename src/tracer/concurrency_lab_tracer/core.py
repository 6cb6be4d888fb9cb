"""Per-process event sink and the small amount of state every hook shares, including what the
tracer knows about the program's objects (marks, at the end; kept here rather than in a module of
their own: every process imports core, and each module imported costs ~0.4M instructions at start-up).

Events are lines `[seq,ts,pid,tid,task,"kind",data]` (see src/trace/schema.ts) appended to an
in-memory list and written with os.write when ~1k lines are pending, when an event is recorded
FLUSH_AFTER_NS or more after the last write, before a traced wait that may block longer than that
(flush_before_wait), before fork/exec/_exit and at exit. There is no helper thread and no signal
handler: a flush happens on the thread that produces the event. A process killed (the engine's
Stop is SIGTERM, then SIGKILL) therefore loses nothing while it sits in such a wait, and otherwise
at most the lines recorded in the FLUSH_AFTER_NS before its last event (killed while it computes,
or while it sits in a wait the tracer does not see: input() on 3.8-3.11, say).

The sink holds no file descriptor between flushes: each flush opens the events file by path
(append, close-on-exec), writes and closes it. A descriptor kept open would be the program's to
close and reuse (daemon code runs os.closerange(3, 1024), then its own open() gets the same
number, and our lines would land in its file; a fork child would close the program's file), and
it would shift every fd number the program sees. Opening costs ~5 us per flush, and flushes come
once per ~1k events, at most one per FLUSH_AFTER_NS otherwise, or before a long wait.
"""
import itertools
import os
import sys
import time
from _thread import allocate_lock, get_ident
from _weakref import ref as _weak_ref  # (the C module: `weakref` costs ~1 ms to import at start-up)

from .encode import dumps

perf_ns = time.perf_counter_ns
cpu_ns = time.thread_time_ns

PENDING_LINES = 1024
# The time bound: an event recorded this long after the last write writes what is pending. What a
# kill can lose outside a traced wait is what was recorded within this time before the last event.
FLUSH_AFTER_NS = 50_000_000
FLUSH_AFTER_S = FLUSH_AFTER_NS / 1e9

program = ''  # absolute path of the traced file; only its code is traced
out_dir = ''
sink_path = ''  # this process's events file; '' = no sink (not started, or it could not be created)
call_budget = 0
event_cap = 0  # 0 = unlimited
pid = 0
_buf = []
_flush_by = 0  # perf_ns time from which the next event writes what is pending (see flush)
_seq = itertools.count()
_cap_hit = False
dropped = 0
suppressed_calls = {}  # code id -> calls not recorded (-1: unknown, the hook was disabled)
ended = False  # proc_end written
_flush_lock = allocate_lock()  # held while a flush writes (see flush)
_flush_again = False  # a flush came while another was writing

# ident -> per-process thread serial (1 = main). Entries are removed when a thread ends because
# CPython reuses idents.
tids = {}
_next_tid = itertools.count(1)
# ident -> [its event lines' constant middle "pid,tid,", perf_ns and thread_time_ns of the last real
# CPU-clock read, last CPU time written] (see emit_span and forget_thread).
_ctx = {}
# Reading a thread's CPU clock is a system call (~0.5 us, more than the rest of an event). Within
# this much wall time of the last real read a span event extrapolates it instead, assuming the
# thread ran: the CPU time of any span is then exact to within this, far below what a timeline
# shows (a span this short is a sliver), and tiny spans cost half as much to record.
CPU_RESOLUTION_NS = 20000

# Set by the asyncio patch once asyncio is imported; returns the running task's serial or 0.
current_task = None

_next_serial = itertools.count(1)


def new_serial():
    return next(_next_serial)


def tid_of(ident):
    tid = tids.get(ident)
    if tid is None:
        tid = tids[ident] = next(_next_tid)
    if ident not in _ctx:
        _ctx[ident] = [f'{pid},{tid},', 0, 0, 0]
    return tid


def forget_thread(ident):
    """A thread ended: its ident may be reused by a new thread, which gets a new serial. Until then
    the ended thread itself writes nothing more (a program's profile function still runs in it as
    threading winds it down: that would be a lane of its own)."""
    if _native_id is not None:  # (first: a program's profile function runs at each C call below)
        _ended[ident] = _native_id()
    tids.pop(ident, None)
    _ctx.pop(ident, None)


try:
    from _thread import get_native_id as _native_id
except ImportError:  # (platforms without native thread ids: ended threads are not told apart)
    _native_id = None
_ended = {}  # ident -> native id of the ended thread that last had it


def _ended_thread(ident):
    """Is the calling thread one that ended (see forget_thread)? Asked only when a thread has no
    context yet, so never on the hot path."""
    native = _ended.get(ident)
    if native is None:
        return False
    if native == _native_id():
        return True
    del _ended[ident]  # a new thread with the ident
    return False


def emit_raw(kind, payload, task=-1):
    """Write one event whose data is already JSON text. Hot path: keep it short (the thread's
    "pid,tid," is cached; the task lookup is the only call besides the clock, and a caller that
    already knows the running task's serial passes it as `task`)."""
    if task < 0:  # (first: a task met here for the first time is registered, its task_create comes first)
        task = current_task() if current_task is not None else 0
    seq = next(_seq)
    if event_cap and seq >= event_cap:
        _over_cap()
        return
    ident = get_ident()
    ctx = _ctx.get(ident)
    if ctx is None:
        if _ended and _ended_thread(ident):
            return
        tid_of(ident)
        ctx = _ctx[ident]
    now = perf_ns()
    _buf.append(f'[{seq},{now},{ctx[0]}{task},"{kind}",{payload}]\n')
    if now >= _flush_by or len(_buf) >= PENDING_LINES:
        flush()


def emit_span(kind, cid, third=None, task=-1):
    """Write a call/return/yield/resume event: data [cid, thread CPU ns] or [cid, CPU ns, third].
    The hottest path of all (emit_raw inlined, one line built, CPU clock mostly extrapolated); a
    caller that knows the frame's task passes it."""
    if task < 0:  # (first, as in emit_raw)
        task = current_task() if current_task is not None else 0
    seq = next(_seq)
    if event_cap and seq >= event_cap:
        _over_cap()
        return
    ident = get_ident()
    ctx = _ctx.get(ident)
    if ctx is None:
        if _ended and _ended_thread(ident):
            return
        tid_of(ident)
        ctx = _ctx[ident]
    now = perf_ns()
    if now - ctx[1] < CPU_RESOLUTION_NS:
        cpu = ctx[2] + now - ctx[1]
    else:
        cpu = cpu_ns()
        # The event's time is taken again after the CPU clock: work in between (a garbage collection,
        # a thread switch) then lands before this event on both clocks, never inside the next span.
        now = perf_ns()
        if cpu < ctx[3]:  # an extrapolation overshot (the thread was off-CPU): never step back
            cpu = ctx[3]
        ctx[1] = now
        ctx[2] = cpu
    ctx[3] = cpu
    if third is None:
        _buf.append(f'[{seq},{now},{ctx[0]}{task},"{kind}",[{cid},{cpu}]]\n')
    else:
        _buf.append(f'[{seq},{now},{ctx[0]}{task},"{kind}",[{cid},{cpu},{third}]]\n')
    if now >= _flush_by or len(_buf) >= PENDING_LINES:
        flush()


def emit(kind, data):
    emit_raw(kind, dumps(data))


def emit_on(ident, kind, data):
    """Write an event in another thread's lane, as of now (the explorer's traced replay: a lane that
    starts waiting while another one runs, see replay_trace.py)."""
    seq = next(_seq)
    if event_cap and seq >= event_cap:
        _over_cap()
        return
    tid_of(ident)
    _buf.append(f'[{seq},{perf_ns()},{_ctx[ident][0]}0,"{kind}",{dumps(data)}]\n')


def emit_forced(kind, data):
    """Write even past the event cap (limit and summary records)."""
    task = current_task() if current_task is not None else 0
    seq = next(_seq)
    tid = tid_of(get_ident())
    _buf.append(f'[{seq},{perf_ns()},{pid},{tid},{task},"{kind}",{dumps(data)}]\n')


def _over_cap():
    global _cap_hit, dropped
    dropped += 1
    if not _cap_hit:
        _cap_hit = True
        emit_forced('limit', {'what': 'events', 'cap': event_cap})
        for hook in cap_hooks:
            hook()
        flush()


cap_hooks = []  # switch call hooks off: once the event cap is reached, and when the process ends


def flush():
    """Write pending lines. Safe against concurrent appends: only the lines seen are removed.

    One writer at a time. A flush that finds another under way (another thread's, or this thread's
    own when a signal handler runs during it) asks that writer to go round once more instead of
    waiting for it, so the lines it came to write are written either way: a thread about to block
    in a wait must not leave its lines behind because another thread was writing just then."""
    global _flush_again
    if not sink_path:
        return
    while True:
        if _flush_lock.acquire(False):
            try:
                _flush_again = False
                _write_pending()
            finally:
                _flush_lock.release()
            if not _flush_again:  # nobody asked while we wrote
                return
        else:
            _flush_again = True
            if _flush_lock.locked():
                return  # the writer goes round again when it is done
            # (it finished before it saw the request: write them ourselves)


def _write_pending():
    global _flush_by
    _flush_by = perf_ns() + FLUSH_AFTER_NS
    n = len(_buf)
    if n == 0:
        return
    data = ''.join(_buf[:n]).encode('utf-8', 'surrogatepass')
    del _buf[:n]
    _append(data)


def flush_before_wait(timeout=None):
    """A traced wait is about to block: write what is pending when the wait may outlast the time
    bound (no timeout, a negative one as Lock.acquire's -1, or one of at least FLUSH_AFTER_S), so a
    program stopped while stuck in it loses nothing. A shorter wait needs no write of its own: the
    program records again within the bound. (Only an int or float is compared: a program's own
    number type would run its code.)"""
    if _buf:
        t = type(timeout)  # (by identity: `in (int, float)` would run a program metaclass's __eq__)
        if (t is not int and t is not float) or timeout < 0 or timeout >= FLUSH_AFTER_S:
            flush()


# (O_BINARY: Windows would otherwise write each \n as \r\n)
_APPEND = os.O_WRONLY | os.O_APPEND | getattr(os, 'O_CLOEXEC', 0) | getattr(os, 'O_BINARY', 0)


def _append(data, flags=_APPEND):
    """Append bytes to this process's events file, opened for this write alone (see the module
    docstring). A file that cannot be opened (its folder was removed) drops them quietly."""
    try:
        fd = os.open(sink_path, flags, 0o600)
    except OSError:
        return
    try:
        view = memoryview(data)
        while view:
            try:
                written = os.write(fd, view)
            except InterruptedError:
                continue
            view = view[written:]
    except OSError:
        pass
    finally:
        os.close(fd)


def open_sink():
    """(Re)open events-<pid>.jsonl for this process; called at start and in fork children."""
    global sink_path, pid, _seq, _cap_hit, dropped, ended, _flush_lock, _flush_again, _flush_by
    pid = os.getpid()
    _ctx.clear()  # the lines carry the pid
    _flush_lock = allocate_lock()  # another thread may have been mid-flush when this process forked
    _flush_again = False
    del _buf[:]
    _seq = itertools.count()
    _cap_hit = False
    dropped = 0
    ended = False
    suppressed_calls.clear()
    sink_path = os.path.join(out_dir, 'events-%d.jsonl' % pid)
    _flush_by = perf_ns() + FLUSH_AFTER_NS
    try:  # created now: a process that dies before its first flush still leaves its file
        fd = os.open(sink_path, _APPEND | os.O_CREAT, 0o600)
    except OSError:
        sink_path = ''
        return
    try:
        if hasattr(os, 'fchmod'):
            os.fchmod(fd, 0o600)  # whatever umask the program set before forking: later flushes reopen it
    except OSError:
        pass
    finally:
        os.close(fd)


def reset_threads_after_fork():
    """In a fork child only the forking thread survives; it becomes tid 1."""
    global _next_tid
    tids.clear()
    _ctx.clear()
    _ended.clear()
    _next_tid = itertools.count(1)
    tid_of(get_ident())


def end_process(exitcode):
    """Write summary (if anything was suppressed) and proc_end once, then flush."""
    global ended
    if ended or not sink_path:
        return
    ended = True
    for hook in end_hooks:
        try:
            hook()
        except Exception:
            pass
    if dropped or suppressed_calls:
        emit_forced('summary', {'suppressed_calls': {str(k): v for k, v in suppressed_calls.items()},
                                'dropped_events': dropped})
    emit_forced('proc_end', {'exitcode': exitcode})
    flush()
    # Nothing after proc_end counts, and what still runs (objects' __del__ at shutdown, daemon
    # threads) would call back into a tracer whose modules are being torn down.
    for hook in cap_hooks:
        try:
            hook()
        except Exception:
            pass


end_hooks = []  # run before proc_end (flush partial output lines, close spans' bookkeeping)


def program_line(depth=2, limit=12):
    """Line of the nearest program frame above the caller, or 0."""
    try:
        f = sys._getframe(depth)
    except ValueError:
        return 0
    return program_line_from(f, limit)


def program_line_from(f, limit=12):
    """Line of the nearest program frame from frame `f` on, or 0."""
    while f is not None and limit:
        if f.f_code.co_filename == program:
            return f.f_lineno or 0  # hot events put it straight into their JSON text
        f = f.f_back
        limit -= 1
    return 0


helper_files = ()  # files of tracer frames that sit between program frames (calls_ast's await wrapper)


def program_caller(depth=2, skip=()):
    """The first frame from `depth` levels above the caller on, past tracer helper frames and files
    in `skip`, when it is program code; else None. One look instead of called_from_program() +
    program_line() (that frame is the nearest program frame)."""
    try:
        f = sys._getframe(depth)
    except ValueError:
        return None
    while f is not None and (f.f_code.co_filename in helper_files or f.f_code.co_filename in skip):
        f = f.f_back
    return f if f is not None and f.f_code.co_filename == program else None


def called_from_program(depth=2, skip=()):
    """True when the first frame above `depth` whose file is not in `skip` is program code."""
    return program_caller(depth + 1, skip) is not None


TRACER_OUT_ENV = 'CONCURRENCY_LAB_OUT'


def reserve_seq():
    """Hold back a (seq, ts) for an event whose data is known only later (insert_reserved)."""
    return next(_seq), perf_ns()


def insert_reserved(seq, ts, kind, payload):
    _buf.insert(0, f'[{seq},{ts},{pid},{tid_of(get_ident())},0,"{kind}",{payload}]\n')


def impersonate(wrapper, original, module=None):
    """Give a replacement function the original's identity so pickle (which stores functions by
    module + qualname, e.g. Manager's registry holding threading.Lock) still finds it."""
    for attr in ('__name__', '__qualname__', '__doc__'):
        try:
            setattr(wrapper, attr, getattr(original, attr))
        except (AttributeError, TypeError):
            pass
    wrapper.__module__ = module or getattr(original, '__module__', None) or wrapper.__module__
    return wrapper


# Marks: what the tracer knows about the program's objects (a lock's serial, a queue's put count, the
# Process a child was started for), kept beside them rather than in them: an object's __dict__,
# vars(), copies and pickles stay exactly the program's.
#
# The tables are keyed by id(): a WeakKeyDictionary would hash the object and compare it with
# __eq__, running the program's code (or failing on an unhashable subclass). A weak reference's
# callback forgets an object's entries as it dies, before its id can be reused. An object that
# cannot be weakly referenced is simply not traced.
serials = {}  # id(obj) -> the object's serial (hot paths bind serials.get: never rebind this dict)
_fields = {}  # id(obj) -> {name: value}: the rest of what we note about it
_refs = {}  # id(obj) -> weak reference whose callback forgets the entries
_tables = [serials, _fields, _refs]  # (and the tables made by mark_table)


def _forget(key, tables=_tables):
    # (no globals: the callback may run while the interpreter is clearing modules at exit)
    for table in tables:
        table.pop(key, None)


def _watch(obj, key):
    if key in _refs:
        return True
    try:
        _refs[key] = _weak_ref(obj, lambda _ref, key=key, forget=_forget: forget(key))
    except TypeError:
        return False
    return True


def serial(obj):
    """The object's serial, or None when it is not traced."""
    return serials.get(id(obj))


def set_serial(obj, value, **fields):
    """Trace the object under serial `value`, with other fields of ours about it."""
    key = id(obj)
    if not _watch(obj, key):
        return
    serials[key] = value
    if fields:
        _fields.setdefault(key, {}).update(fields)


fields_of = _fields.get  # id(obj) -> {name: value} or None (for hot paths; never rebind _fields)


def field(obj, name, default=None):
    entry = _fields.get(id(obj))
    return default if entry is None else entry.get(name, default)


def set_field(obj, name, value):
    key = id(obj)
    if _watch(obj, key):
        _fields.setdefault(key, {})[name] = value


def mark_table():
    """A table of ours keyed by id(obj), like serials: an object's entry is forgotten as it dies. For
    a hot path that wants its entry in one lookup (bind table.get); entries are added by set_mark."""
    table = {}
    _tables.append(table)
    return table


def set_mark(table, obj, value):
    """table[id(obj)] = value (table made by mark_table), when obj can be traced."""
    key = id(obj)
    if _watch(obj, key):
        table[key] = value
