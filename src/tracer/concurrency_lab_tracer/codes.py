"""Code ids and per-function call budgets, shared by both call-hook mechanisms."""
import itertools
from _thread import get_ident

from . import core, encode

# co_flags of code that suspends
GENERATOR = 0x20
COROUTINE = 0x80
ITERABLE_COROUTINE = 0x100  # a generator made awaitable by types.coroutine
ASYNC_GENERATOR = 0x200
GENERATOR_FLAGS = GENERATOR | COROUTINE | ITERABLE_COROUTINE | ASYNC_GENERATOR

_ids = itertools.count(1)
# id(code object) -> [code id, calls left (negative = unlimited), ...] (see define), or False for
# program code that is not recorded; other code has no entry. Keyed by id because hashing a code
# object hashes its constants, nested code objects included: tens of microseconds for a module
# body, on every lookup. Every code object with an entry stays alive (its state or _pinned holds
# it), so its id cannot be reused.
states = {}
_pinned = []


def reset():
    """Fork child: code ids are per process, so the child defines its own."""
    global _ids
    states.clear()
    del _pinned[:]
    task_roots.clear()
    _ids = itertools.count(1)


def _qualname(code, frame):
    q = getattr(code, 'co_qualname', None)
    if q:
        return q
    # Before 3.11 code objects have no qualname: a method's first argument names its class.
    if frame is not None and code.co_argcount:
        first = code.co_varnames[0]
        if first in ('self', 'cls'):
            owner = frame.f_locals.get(first)
            if owner is not None:
                cls = owner if first == 'cls' and issubclass(type(owner), type) else type(owner)  # (no __class__ property runs)
                return encode.class_text(cls) + '.' + code.co_name
    return code.co_name


# Comprehensions and generator expressions are parts of an expression, not functions the
# program defines; as spans they would only add noise (and a genexpr resumes once per item).
EXPRESSION_CODES = ('<genexpr>', '<listcomp>', '<dictcomp>', '<setcomp>')


def define(code, frame=None):
    """State for program code (emitting its 'code' record), False for anything else (remembered
    only for program code: the rest is checked by file name each time, which costs less)."""
    if code.co_filename != core.program:
        return False
    if code.co_name in EXPRESSION_CODES:
        states[id(code)] = False
        _pinned.append(code)
        return False
    budget = core.call_budget if core.call_budget > 0 else -1
    cid = new_code(code.co_name, _qualname(code, frame), code.co_filename, code.co_firstlineno)
    # [code id, calls left, {recorded frame still running: the task it runs in, or -1}, whether a
    # frame stays in one task (a plain function or a coroutine; not a generator: any task may resume
    # it), the code object, {recorded frame suspended by an asyncio.sleep: its task} (sys.monitoring;
    # see calls_monitoring.sleep_begin)]
    st = states[id(code)] = [cid, budget, {}, not code.co_flags & (GENERATOR | ASYNC_GENERATOR), code, {}]
    return st


def new_code(name, qualname, file, line):
    """A fresh code id, announced with its 'code' record."""
    cid = next(_ids)
    core.emit('code', {'id': cid, 'name': name, 'qualname': qualname, 'file': file, 'line': line})
    return cid


def budget_hit(st, exact):
    """A call past the budget. `exact` False means later calls cannot be counted."""
    cid = st[0]
    announce_budget(cid, 0 if exact else -1)
    if exact:
        core.suppressed_calls[cid] += 1


def announce_budget(cid, suppressed=0):
    """The first call of `cid` past its budget: say so once, and start its suppressed count."""
    if cid not in core.suppressed_calls:
        core.suppressed_calls[cid] = suppressed
        core.emit('limit', {'what': 'calls', 'code': cid, 'budget': core.call_budget})


def awaited_serial(value):
    """Serial of the task/future a coroutine yielded to its event loop, or 0."""
    lookup = serial_lookup
    return lookup(value) if lookup is not None else 0


serial_lookup = None  # set by the asyncio patch


def skippable_exception(exc):
    t = type(exc)  # (by identity: comparing its name would run a str subclass's __eq__ set as __name__)
    return t is StopIteration or t is StopAsyncIteration or t is GeneratorExit


def exc_traceback(exc):
    """A program exception's traceback as BaseException keeps it (its class's __traceback__ property is
    program code, which Python never runs to raise, catch or print it)."""
    return _traceback_of(exc) if issubclass(type(exc), BaseException) else None


_traceback_of = BaseException.__dict__['__traceback__'].__get__


def raise_origin(exc):
    """True in the frame where the exception started (not frames it merely passes through)."""
    tb = exc_traceback(exc)
    return tb is None or tb.tb_next is None


def exc_where():
    if core.current_task is not None and core.current_task():
        return 'task'
    return 'main' if core.tids.get(get_ident()) == 1 else 'thread'


def emit_exc(exc, line, uncaught):
    core.emit('exc', {'type': encode.type_name(exc), 'msg': message(exc), 'file': core.program, 'line': line,
                      'uncaught': uncaught, 'where': exc_where()})


def message(exc):
    return encode.exception_message(exc)


# Tasks whose end is reported by the end of their program coroutine rather than by a done callback
# (which costs the event loop one more step per task): id(coroutine frame) -> weak reference to
# the coroutine. Nothing here refers to the task (even a weak reference changes the order in which
# the garbage collector finalises an abandoned task and its coroutine): the task is the running one
# when its coroutine ends. The call hooks report the end of every such frame they recorded; one
# they will not record (its function ran out of budget before it started) is handed back to a
# done callback (see unroot).
task_roots = {}
task_ended = None  # set by the asyncio patch: task_ended(coroutine, exception or None, code id, task)
tasks_need_callbacks = None  # set by the asyncio patch: done callbacks for the tasks of these coroutines


def root_ended(frame, exc, cid, task):
    """A recorded program coroutine frame (code id `cid`, 0 when its 'call' was not written) that
    may root a task returned (exc None) or raised: write its 'return', and end its task. A task that
    ends ok ends with its coroutine's return event itself (one event less per task)."""
    root = task_roots.pop(id(frame), None)
    coro = root() if root is not None else None
    if coro is None:
        if cid:
            core.emit_span('return', cid, None, task)
        return
    try:
        task_ended(coro, exc, cid, task)
    except Exception:
        pass  # (called from a function's return: nothing of ours may raise into the program)


def unroot(code, keep):
    """`code` ran out of call budget: its coroutines for which `keep(frame, coroutine)` is false
    will not be recorded, so their tasks' ends come from done callbacks."""
    dropped = []
    for key, coro_ref in list(task_roots.items()):
        coro = coro_ref()
        frame = coro.cr_frame if coro is not None else None
        if frame is None:
            del task_roots[key]
        elif frame.f_code is code and not keep(frame, coro):
            del task_roots[key]
            dropped.append(coro)
    if dropped:
        tasks_need_callbacks(dropped)


def started(coro):
    """Has this coroutine begun running (it may be suspended, running or finished)?"""
    suspended = getattr(coro, 'cr_suspended', None)  # 3.11+
    if suspended is not None:
        return suspended or coro.cr_running or coro.cr_frame is None
    frame = coro.cr_frame
    return frame is None or frame.f_lasti != -1
