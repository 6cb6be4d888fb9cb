"""Function spans on Python 3.8-3.11 by rewriting the program's own source (no global trace hook).

The program file is parsed with `ast` when it is run (launch.py; runpy.run_path in spawn and
forkserver children re-importing it as __mp_main__; the rewrite itself is in rewrite.py, and
program_cache keeps the last one) and every function, async function and
generator is rewritten to report its own call/return/yield/resume, so the standard library runs
at full speed. The rewrite keeps line numbers (inserted statements carry the def's line) and adds
no frame to plain functions. A function body becomes:

    global/nonlocal ...                      # its declarations, moved up (the body appears twice)
    try:
        __clab__                             # the one name of ours: a builtin, in traced processes only
    except NameError:
        pass                                 # a fresh interpreter (code shipped by value): run <original>
    else:
        with __clab__.span(N):               # generators and coroutines: gspan(N)
            <body>                           # except handlers start with __clab__.caught(N)
        return
    <original body>

N is the function's state number, a constant of the code. span(N) writes 'call' (and 'code' on
first use) and returns the call's context manager, which stays on the frame's value stack (not in
its locals: locals(), vars() and f_locals hold only the program's names) and writes 'return', and
'exc' where an exception started, as the body ends. A call past the budget gets a manager whose
__enter__/__exit__ are C no-ops. The code needs nothing of ours to run: marshalled to a Python
without the tracer (joblib, dask, ray, cloudpickle ship functions by value) it takes the NameError
branch and runs the original body, untouched.

`yield v` becomes `__clab__.resumed(N, (yield __clab__.yielding(N, v)))` (same for `yield from`,
reported as one suspension); `await x` becomes `await __clab__.await_(N, x)`,
which in a recorded coroutine awaits a wrapper that drives x's iterator itself and reports a yield
only when x really suspends (its argument is the awaited task/future); `async with` / `async for`
awaits go through the same wrapper. These find the frame's GenFrame in _live by frame. Where nothing is reported (the coroutine is not recorded, or
x is an asyncio.sleep, whose twin writes the suspension itself: its 'sleep' and 'slept' stand for
the yield and resume, see sleep_begin) x is awaited as it is. That wrapper is the one tracer frame
the rewrite adds, between a coroutine and what it awaits; every rewritten except handler and
function exit splices it out of the traceback again.

Module- and class-level functions also get an innermost decorator, `@__clab__.adopt(N)`, that notes
the function object (and returns it unchanged). When such a function runs out of call budget it
gets its original code back (compiled from the source when first needed), so its later calls cost
nothing, as with sys.monitoring's DISABLE on 3.12+; like there, they are no longer counted. A fork
child puts the rewritten code back: it has budgets of its own.

Not rewritten (so not spans on 3.8-3.11): lambdas, class bodies, comprehensions (not spans with
settrace either), code the program builds with exec/compile, and the program file imported
under another name (a process that imports it and does not run it rewritten traces it with
settrace, see program_loads; in one that does, that import is not traced). The module body is a
span ('<module>'), as with settrace. What the program can see of the rewrite: the name `__clab__`
in builtins (none in its globals or locals), the rewritten code objects (their co_names, co_consts
and size; co_varnames is unchanged), and one wrapper frame per
await level between recorded coroutines (f_back, inspect.stack() and the recursion limit inside
awaited coroutines; tracebacks are spliced, see above).

Falls back to settrace for the process if the rewrite fails (or the source cannot be read), when
the program file is run directly by a child interpreter, and when CONCURRENCY_LAB_MECHANISM is
'settrace'.
"""
import builtins
import sys
import types
from _weakref import ref as _weakref  # (the C module: importing `weakref` costs ~1 ms at start-up)

from . import codes, core, program_loads
from .encode import class_lookup, class_text

emit_span = core.emit_span
_getframe = sys._getframe
GeneratorType = types.GeneratorType
CodeType = types.CodeType
CoroutineType = types.CoroutineType
CO_ITERABLE_COROUTINE = codes.ITERABLE_COROUTINE
CO_COROUTINE = codes.COROUTINE

resumed = None  # asyncio patch: note that the running task woke up
_all_states = []
task_roots = codes.task_roots
fallback = None  # the settrace module once this process fell back to it


class State(object):
    """One rewritten function. `on` is the only attribute a call past the budget reads."""
    __slots__ = ('on', 'n', 'left', 'tok', 'name', 'qualname', 'line', 'funcs')

    def __init__(self, name, qualname, line):
        self.name = name
        self.qualname = qualname
        self.line = line
        # Weak references to its function objects made once (module and class level; see adopt): a
        # strong one would keep the program's globals alive past the end, so objects the program
        # leaves there would be finalised only after sys.stdout is gone (their __del__ prints lost).
        self.funcs = []
        self.reset()
        _state_of_def[(name, line)] = self  # what its code objects' co_name and co_firstlineno are

    def adopt(self, func):
        """Decorator the rewrite gives module- and class-level functions: remember the function object
        so that its original code can be put back once it is past its budget (see _untrace)."""
        self.funcs.append(_weakref(func))
        return func

    def reset(self):
        self.on = True
        self.n = 0  # calls suppressed past the budget
        self.left = core.call_budget if core.call_budget > 0 else -1
        if getattr(self, 'tok', None) is not None:
            self.tok.cid = 0  # frames still running from before a fork report nothing
        self.tok = None  # its Token once defined in this process


_quiet = ''.format  # a C callable that takes any arguments and returns '' (false): no frame of ours


class Untraced(object):
    """The context manager of a call that is not recorded: nothing runs but C."""
    __slots__ = ()
    __enter__ = __exit__ = staticmethod(_quiet)


UNTRACED = Untraced()


class Token(object):
    """A function's code id in this process; the context manager of its recorded plain calls (it
    sits on the frame's value stack, where the program cannot see it, until the call ends)."""
    __slots__ = ('cid',)
    __enter__ = staticmethod(_quiet)

    def __init__(self, cid):
        self.cid = cid

    def __exit__(self, typ, exc, tb):
        frame = _getframe(1)
        if exc is not None:
            _note_raised(self, exc)
            if _io is not None and _io.stacks:
                _io.raised(frame)
        if _last_reported:
            _last_reported.pop(id(frame), None)
        cid = self.cid
        if cid:
            emit_span('return', cid)


class GenFrame(object):
    """A recorded generator/coroutine frame: its state, whether a resume is due, and the exception
    leaving it (if one is). Its context manager, and in _live while it runs or is suspended."""
    __slots__ = ('tok', 'st', 'pending', 'exc', 'task')
    __enter__ = staticmethod(_quiet)

    def __exit__(self, typ, exc, tb):
        frame = _getframe(1)
        _live.pop(id(frame), None)
        if exc is not None:
            self.exc = exc
            _note_raised(self, exc)
            if _io is not None and _io.stacks:
                _io.raised(frame)
        if _last_reported:
            _last_reported.pop(id(frame), None)
        if self.pending:
            _resume(self)
        cid = self.tok.cid
        if task_roots and id(frame) in task_roots:
            codes.root_ended(frame, self.exc, cid, self.task)
            return
        if cid:
            emit_span('return', cid, None, self.task)

    def __init__(self, tok, st, task):
        self.tok = tok
        self.st = st
        self.pending = False
        self.exc = None
        self.task = task  # the task's serial for all its events, or -1: look it up each time


_state_of_def = {}  # (function name, first line) -> State


def reports_end(frame, coro):
    """Will the end of this program coroutine frame (a task's root) be recorded? A started one was
    recorded if its function is still within budget (budgets only run out)."""
    if fallback is not None:
        return False
    code = frame.f_code
    st = _state_of_def.get((code.co_name, code.co_firstlineno))
    return st is not None and st.on


def _define(st):
    st.tok = Token(codes.new_code(st.name, st.qualname, core.program, st.line))
    return st.tok


def _record_call(st, frame, task=-1):
    left = st.left
    if left == 0:
        _budget_hit(st)
        if codes.task_roots:  # coroutines of this function that have not started will not be recorded
            codes.unroot(frame.f_code, lambda f, coro: f is not frame and codes.started(coro))
        return None
    st.left = left - 1
    tok = st.tok or _define(st)
    back = frame.f_back
    while back is not None and back.f_code.co_filename == HELPER_FILE:
        back = back.f_back
    line = back.f_lineno if back is not None and back.f_code.co_filename == core.program else st.line
    emit_span('call', tok.cid, line or 0, task)
    return tok


_states = []  # the running program's function states, by the numbers its rewritten code holds
_live = {}  # id(frame) -> GenFrame of each recorded generator/coroutine frame until it ends


def h_span(n):
    """`with __clab__.span(n):` around a plain function's body: records the call."""
    st = _states[n]
    if not st.on:
        st.n += 1  # suppressed calls of closures are counted exactly
        return UNTRACED
    tok = _record_call(st, _getframe(1))
    return tok if tok is not None else UNTRACED


def h_gspan(n):
    """`with __clab__.gspan(n):` around a generator's or coroutine's body."""
    st = _states[n]
    if not st.on:
        st.n += 1
        return UNTRACED
    frame = _getframe(1)
    task = -1  # a generator may be resumed by any task: its events look the task up each time
    if frame.f_code.co_flags & CO_COROUTINE:  # a coroutine stays in the task it starts in
        lookup = core.current_task
        task = lookup() if lookup is not None else 0
    tok = _record_call(st, frame, task)
    if tok is None:
        return UNTRACED
    g = _live[id(frame)] = GenFrame(tok, st, task)
    return g


_COMPREHENSIONS = ('<listcomp>', '<setcomp>', '<dictcomp>', '<genexpr>')


def _gen_of(frame):
    """The GenFrame of a recorded generator/coroutine frame (an async comprehension's: of the
    coroutine running it), or None."""
    g = _live.get(id(frame))
    if g is None and frame.f_code.co_name in _COMPREHENSIONS and frame.f_back is not None:
        g = _live.get(id(frame.f_back))
    return g


def h_adopt(n):
    return _states[n].adopt


def _budget_hit(st):
    st.on = False
    st.n += 1  # the count itself is st.n (see _count_suppressed)
    if st.tok and st.tok.cid:
        codes.announce_budget(st.tok.cid)
    if st.funcs:
        try:
            _untrace(st)
        except Exception:
            pass  # (runs inside a program call: nothing of ours may raise into it)


_sources = {}  # program file -> its source, to compile the original code when first needed
_originals = {}  # program file -> {(function name, first line): original code object}
_untraced = []  # (function, its rewritten code) swapped back to the original code


def _untrace(st):
    """Past its budget a function costs the rewrite's test on every call (about as much as a tiny
    function itself), so its function objects get their original code back: later calls run
    exactly as untraced, and are no longer counted (-1, as with sys.monitoring on 3.12+)."""
    for ref in st.funcs:
        func = ref()
        if func is None:
            continue
        rewritten = func.__code__
        original = _original_code(rewritten)
        if original is None:
            continue
        try:
            func.__code__ = original
        except (ValueError, TypeError):  # a closure that no longer fits: keep the rewritten code
            continue
        _untraced.append((ref, rewritten))


def _original_code(code):
    table = _originals.get(code.co_filename)
    if table is None:
        table = _originals[code.co_filename] = {}
        source = _sources.get(code.co_filename)
        if source is not None:
            todo = [compile(source, code.co_filename, 'exec', dont_inherit=True)]
            while todo:
                for const in todo.pop().co_consts:
                    if type(const) is CodeType:
                        table.setdefault((const.co_name, const.co_firstlineno), const)
                        todo.append(const)
    return table.get((code.co_name, code.co_firstlineno))


def _count_suppressed():
    uncounted = set(id(ref().__code__) for ref, _ in _untraced if ref() is not None)  # (they run the original code)
    for st in _all_states:
        if st.tok and st.tok.cid in core.suppressed_calls:
            core.suppressed_calls[st.tok.cid] = -1 if any(f() is not None and id(f().__code__) in uncounted for f in st.funcs) else st.n


def h_yielding(n, value):
    frame = _getframe(1)
    f = _live.get(id(frame))  # (inlined _gen_of: this and await_ are the hot paths of coroutines)
    if f is None and frame.f_code.co_name in _COMPREHENSIONS:
        f = _gen_of(frame)
    return _yielding(f, value)


def _yielding(f, value):
    if f is not None:
        cid = f.tok.cid
        if cid and f.st.left != 0:
            f.pending = True
            emit_span('yield', cid, codes.awaited_serial(value), f.task)
    return value


def _resume(f):
    f.pending = False
    st = f.st
    left = st.left
    cid = f.tok.cid
    if cid and left != 0:
        st.left = left - 1  # each resume counts against the budget like a call
        emit_span('resume', cid, None, f.task)
        hook = resumed
        if hook is not None:
            hook()


def h_resumed(n, sent):
    frame = _getframe(1)
    f = _live.get(id(frame))
    if f is None and frame.f_code.co_name in _COMPREHENSIONS:
        f = _gen_of(frame)
    if f is not None and f.pending:
        _resume(f)
    return sent


# --- exceptions ------------------------------------------------------------------------------

# id(frame) -> (exception, its traceback, the frame) for the last exception reported where it
# started, so that a re-raise in that frame (its handler's, then its exit's; a coroutine may await
# in between) is not reported again. Held until the frame exits or reports another: ids alone (no
# reference) are reused, and a loop that raises and catches lost most of its exceptions. The
# traceback has that frame only, which is alive anyway.
_last_reported = {}


def _splice(tb):
    """Drop this file's frames (await wrappers) from a traceback, in place; returns its first entry."""
    prev = tb
    cur = tb.tb_next if tb is not None else None
    while cur is not None:
        if cur.tb_frame.f_code.co_filename == HELPER_FILE:
            prev.tb_next = cur.tb_next
        else:
            prev = cur
        cur = cur.tb_next
    return tb


def _note_raised(f, exc):
    if f.__class__ is GenFrame:
        if f.pending:
            _resume(f)  # thrown in (throw/close/cancel) while suspended
        f = f.tok
    tb = _splice(codes.exc_traceback(exc))
    if tb is None or tb.tb_next is not None or not f.cid or codes.skippable_exception(exc):
        return
    frame = tb.tb_frame
    last = _last_reported.get(id(frame))
    if last is not None and last[0] is exc and last[1] is tb:
        return
    _last_reported[id(frame)] = (exc, tb, frame)
    codes.emit_exc(exc, tb.tb_lineno or 0, False)


_GENERATOR_FLAGS = codes.GENERATOR | CO_COROUTINE | codes.ASYNC_GENERATOR


def h_caught(n):
    """First statement of every rewritten except handler (of function n)."""
    exc = sys.exc_info()[1]
    if exc is None:
        return
    frame = _getframe(1)
    if _io is not None and _io.stacks:
        _io.raised(frame)
    if frame.f_code.co_flags & _GENERATOR_FLAGS:
        f = _live.get(id(frame))
    else:  # (a plain call's token is not reachable from here: its function's, while within budget)
        st = _states[n]
        f = st.tok if st.on else None
    if f is not None:
        _note_raised(f, exc)
    else:
        _splice(codes.exc_traceback(exc))


_FunctionType = types.FunctionType
_SlotWrapper = type(object.__init__)
_MethodDescriptor = type(str.join)
_AWITH_ENTER_FIRST = sys.version_info >= (3, 9)  # (3.8 looks __aexit__ up first)
_MISSING = object()  # (class_lookup's answer when no class has the name; None is a value a class may set)


def _bound(d, obj, t):
    """A protocol method d found in the MRO dicts of obj's type t (encode.class_lookup: no metaclass code
    runs, and a method only the metaclass has is not found), bound as Python's slots bind it: by the
    object's own __get__ (a function: a bound method; a staticmethod: its function)."""
    get = class_lookup(type(d), '__get__')
    return d if get is None else get(d, obj, t)


# --- await -----------------------------------------------------------------------------------

def _await_iter(aw):
    """The iterator `await aw` drives, with CPython's errors for things that cannot be awaited."""
    t = type(aw)
    if t is CoroutineType:
        return aw.__await__()
    if t is GeneratorType and aw.gi_code.co_flags & CO_ITERABLE_COROUTINE:
        return aw
    # (__await__ and __next__ as Python's type slots find them: see _bound; one set to None is called, as
    # Python calls it)
    getter = class_lookup(t, '__await__', _MISSING)
    if getter is _MISSING:
        raise TypeError("object %.100s can't be used in 'await' expression" % class_text(t))
    kind = type(getter)
    if kind is _FunctionType or kind is _SlotWrapper or kind is _MethodDescriptor:
        it = getter(aw)
    else:
        it = _bound(getter, aw, t)()
    if type(it) is CoroutineType or (type(it) is GeneratorType and it.gi_code.co_flags & CO_ITERABLE_COROUTINE):
        raise TypeError('__await__() returned a coroutine')
    if class_lookup(type(it), '__next__', _MISSING) is _MISSING:
        raise TypeError("__await__() returned non-iterator of type '%.100s'" % class_text(type(it)))
    return it


sleep_code = None  # the asyncio patch's sleep twin (its code object)
_sleeper = None  # (GenFrame, twin coroutine) while `await` starts driving an asyncio.sleep


def h_await(n, aw):
    """What a rewritten `await aw` awaits: aw itself when nothing is to be reported (no wrapper
    frame at all), else the wrapper that reports the frame's suspensions."""
    frame = _getframe(1)
    f = _live.get(id(frame))
    if f is None and frame.f_code.co_name in _COMPREHENSIONS:
        f = _gen_of(frame)
    # _await(f, aw), inlined: one call less per await (~1K instructions on 3.8), the commonest
    # suspension of a coroutine
    if f is None or not f.tok.cid:
        return aw
    if type(aw) is CoroutineType and aw.cr_code is sleep_code:
        global _sleeper
        _sleeper = (f, aw)
        return aw
    return _await_steps(f, aw)


def _await(f, aw):
    """What an await of the recorded frame f awaits: async with and async for (h_await inlines it)."""
    if f is None or not f.tok.cid:  # not recorded, or an async genexp in a plain function
        return aw
    if type(aw) is CoroutineType and aw.cr_code is sleep_code:  # (not aw.__class__: a proxy's property)
        # The twin reports this frame's suspension itself (see sleep_begin).
        global _sleeper
        _sleeper = (f, aw)
        return aw
    return _await_steps(f, aw)


@types.coroutine
def _await_steps(f, aw):
    it = _await_iter(aw)
    try:
        y = next(it)
    except StopIteration as e:
        return e.value
    while True:
        _yielding(f, y)
        try:
            sent = yield y
        except GeneratorExit:
            if f.pending:
                _resume(f)
            close = getattr(it, 'close', None)
            if close is not None:
                close()
            raise
        except BaseException as e:
            if f.pending:
                _resume(f)
            throw = getattr(it, 'throw', None)
            if throw is None:
                raise
            try:
                y = throw(e)
            except StopIteration as stop:
                return stop.value
        else:
            if f.pending:
                _resume(f)
            try:
                y = next(it) if sent is None else it.send(sent)
            except StopIteration as e:
                return e.value


def sleep_begin(frame, own):
    """The asyncio.sleep twin (frame `own`) starts, awaited by the rewritten `await` of the recorded
    coroutine frame `frame` (_clab_await noted which): its 'sleep' stands for that frame's yield and
    its 'slept' for the resume (no wrapper reports either). Returns (code id, task, GenFrame) or None."""
    global _sleeper
    s = _sleeper
    if s is None:
        return None
    _sleeper = None
    f = s[0]
    if s[1].cr_frame is not own or f.st.left == 0 or not f.tok.cid:
        return None  # (past its budget a coroutine's suspensions are not shown)
    return (f.tok.cid, f.task, f)


def sleep_end(token):
    st = token[2].st
    if st.left > 0:
        st.left -= 1  # the resume counts against the budget


class _AsyncWith(object):
    __slots__ = ('f', 'enter', 'exit')

    def __init__(self, f, enter, exit):
        self.f, self.enter, self.exit = f, enter, exit

    def __aenter__(self):
        return _await(self.f, self.enter())

    def __aexit__(self, typ, value, tb):
        return _await(self.f, self.exit(typ, value, tb))


def h_awith(n, cm):
    f = _gen_of(_getframe(1))
    if f is None:
        return cm
    t = type(cm)
    enter, exit = class_lookup(t, '__aenter__'), class_lookup(t, '__aexit__')
    if enter is None or exit is None:
        return cm  # let `async with` raise its own error (none, or one set to None, which Python calls)
    if _AWITH_ENTER_FIRST:
        enter = _bound(enter, cm, t)
        exit = _bound(exit, cm, t)
    else:
        exit = _bound(exit, cm, t)
        enter = _bound(enter, cm, t)
    return _AsyncWith(f, enter, exit)


class _AsyncFor(object):
    """The iterator `async for` gets: each step is the program iterator's __anext__, found as Python's
    slot finds it (the method found when the loop started; a descriptor of the program's is asked on
    every step, as Python asks it)."""
    __slots__ = ('f', 'it', 'anext', 'get', 't')

    def __init__(self, f, it, anext, get, t):
        self.f, self.it, self.anext, self.get, self.t = f, it, anext, get, t

    def __aiter__(self):
        return self

    def __anext__(self):
        get = self.get
        if get is None:
            return _await(self.f, self.anext(self.it))
        return _await(self.f, get(self.anext, self.it, self.t)())


def h_afor(n, iterable):
    f = _gen_of(_getframe(1))
    if f is None:
        return iterable
    t = type(iterable)
    aiter = class_lookup(t, '__aiter__')
    if aiter is None:
        return iterable  # let `async for` raise its own error (as for async with)
    it = _bound(aiter, iterable, t)()
    t = type(it)
    anext = class_lookup(t, '__anext__')
    if anext is None:
        return _Gave(it)  # (Python's own `async for` raises: none, or None; __aiter__ is not called again)
    kind = type(anext)
    if kind is _FunctionType or kind is _SlotWrapper or kind is _MethodDescriptor:
        return _AsyncFor(f, it, anext, None, t)  # (their __get__ is C: called unbound, as Python's slot calls them)
    get = class_lookup(kind, '__get__')
    return _AsyncFor(f, it, anext, _unbound if get is None else get, t)


def _unbound(d, obj, t):
    return d  # (no __get__: Python calls the attribute itself, without the instance)


class _Gave(object):
    """What a program's __aiter__ returned, handed to Python's `async for` as its own __aiter__ result."""
    __slots__ = ('it',)

    def __init__(self, it):
        self.it = it

    def __aiter__(self):
        return self.it


# --- blocking I/O calls (io_sites) --------------------------------------------------------------

_io = None  # io_sites, once a rewritten I/O call site has run


def h_io(fn, late=0):
    """`__clab__.io(f)` until io_sites is loaded (then it is io_sites.io itself)."""
    global _io
    if _io is None:
        from . import io_sites
        _io = io_sites
        helpers.io, helpers.io_end, helpers.io_go = io_sites.io, io_sites.end, io_sites.go
    return _io.io(fn, late, 2)


def h_io_end(value):
    return _io.end(value, 2) if _io is not None else value


def h_io_go(value):
    return _io.go(value, 2) if _io is not None else value


# Frames of this file sit between program frames only as await wrappers (and momentarily while
# async with/for start an await): tracebacks and call lines skip them.
HELPER_FILE = _await_steps.__code__.co_filename

# What the rewritten code calls, as attributes of the one builtins name it reads (rewrite.HELPERS).
# A module object: its attributes are a dict lookup, and it is not in sys.modules.
helpers = type(sys)('__clab__')
helpers.__dict__.update(span=h_span, gspan=h_gspan, adopt=h_adopt, caught=h_caught, yielding=h_yielding,
                        resumed=h_resumed, await_=h_await, awith=h_awith, afor=h_afor, io=h_io, io_end=h_io_end,
                        io_go=h_io_go)
HELPERS_NAME = '__clab__'


def compile_program(source, filename):
    """(code, globals to add: none) wherever the tracer runs the program file; None (and settrace
    for this process) when it cannot be rewritten: the caller compiles it as usual."""
    if fallback is None:
        try:
            return _rewritten(source, filename)
        except Exception:
            use_settrace()
    return None


def _rewritten(source, filename):
    """(code, {}) for the rewritten program; the rewrite (module rewrite, see there) runs only when
    this source is not in program_cache. The names its code calls (helpers and the functions'
    states) are builtins, so that the program's globals are its own."""
    from . import program_cache

    def make():
        from . import rewrite
        return rewrite.rewrite(source, filename)

    code, specs = program_cache.get(source, filename, make)
    _sources[filename] = source  # (to compile the original code of functions past their budget)
    _states[:] = [State(*spec) for spec in specs]  # (a program compiled again: its code has the same numbers)
    _all_states.extend(_states)
    setattr(builtins, HELPERS_NAME, helpers)
    return code, {}


def use_settrace():
    global fallback
    if fallback is None:
        from . import calls_settrace, processes
        fallback = calls_settrace
        calls_settrace.resumed = resumed
        processes.mechanism = 'settrace'
        calls_settrace.install()


def compiled_elsewhere():
    """The program's code is made where it cannot be rewritten (see program_loads)."""
    use_settrace()


def _imported(code):
    """The program is imported under a module name, as compiled by Python: settrace traces it, unless
    this process already runs it rewritten (both would report its calls; that import stays untraced)."""
    if not _all_states:
        use_settrace()


def install():
    if program_loads.runs_program_directly():
        use_settrace()  # the interpreter runs the file itself: there is nothing to rewrite
        return True
    program_loads.watch_imports(_imported)
    core.helper_files = (HELPER_FILE,)
    core.cap_hooks.append(stop)
    core.end_hooks.append(_count_suppressed)
    return True


def stop():
    for st in _all_states:
        st.on = False
        st.left = 0


def after_fork_child():
    codes.reset()
    if _io is not None:
        _io.after_fork_child()
    for ref, rewritten in _untraced:  # the child has its own budgets
        func = ref()
        if func is None:
            continue
        func.__code__ = rewritten
    del _untraced[:]
    for st in _all_states:
        st.reset()
