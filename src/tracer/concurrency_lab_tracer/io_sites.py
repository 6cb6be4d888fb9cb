"""Blocking I/O at the program's own call sites on Python 3.8-3.11: io_wait before the call, io_done
after it, the same events io_calls writes on 3.12+ (from sys.monitoring CALL events).

3.8-3.11 have no call events without a profile function on every call (~7x slower), so the rewrite
(rewrite.py) turns each call of an I/O name in the program's functions, `f(args)` with f an attribute
or bare name in rewrite.IO_ATTRS / IO_NAMES, into

    __clab__.io_end(__clab__.io(f)(args))

io(f) returns f itself, so the program's frame makes the call (tracebacks, inspect.stack(), the
evaluation order and exceptions are untouched): for anything but an I/O callable (io_calls' tables)
it costs a type test and a lookup. For an I/O callable it notes the wait (per thread, with the
calling frame) and writes io_wait; io_end writes io_done and returns the call's value. When the
arguments make calls of their own, io_wait is written once they are evaluated: the last argument
goes through io_go (the rewrite says so with io's second argument). A call that raises skips
io_end: its wait ends (ok false) where the exception is seen next in the program (a rewritten except
handler or function exit, calls_ast), or at the thread's next I/O call. Rewritten code only runs
where __clab__ exists (see calls_ast): code shipped by value runs the original.

Imported when a rewritten I/O call site first runs (a program without one never pays for it).
"""
import sys
from _io import BufferedRandom as _BufferedRandom, BufferedReader as _BufferedReader, FileIO as _FileIO, \
    TextIOWrapper as _TextIOWrapper
from _thread import get_ident

from . import core, io_calls
from .encode import class_lookup, class_module, quote

_getframe = sys._getframe
_BuiltinType = type(len)
_FunctionType = type(lambda: None)
_MethodType = type(core.flush_before_wait.__get__(0))
_MethodDescriptorType = type(str.join)
_ModuleType = type(sys)
_HEAPTYPE = 1 << 9
_class_flags = type.__dict__['__flags__'].__get__

_C = io_calls._C_CALLS  # "module.qualname" of a C callable -> the name shown
# Python callables by "module:qualname" (a function's own attributes: the tracer's wrappers, such as
# processes' flushing Connection.recv, carry the stdlib function's) -> the name shown
_PY = {}
for _key, _shown in io_calls._PY_CALLS.items():
    _path, _qual = _key.split(':', 1)
    _PY[_path[:-3].replace('/', '.') + ':' + _qual] = _shown
_PY_MODULES = frozenset(k.split(':', 1)[0] for k in _PY)  # (any other function is told apart by its module alone)

_builtins = {}  # id(module-level builtin, os.read say) -> name shown or '' (kept alive in _keep: ids stay unique)
_methods = {}  # (id(C type), method name) -> name shown or '' (static C types only: they live for ever)
_keep = []
stacks = {}  # thread ident -> [[id(frame) making the call, name as JSON, io_wait written?], ...]


def _c_method(cls, name):
    """The name shown for a C method `name` bound to an instance of cls, read from the descriptor its
    class defines (type's own attributes: no metaclass property or __getattr__ runs)."""
    static = not _class_flags(cls) & _HEAPTYPE
    if static:
        found = _methods.get((id(cls), name))
        if found is not None:
            return found
    found = ''
    d = class_lookup(cls, name)
    if type(d) is _MethodDescriptorType:
        found = _C.get(f'{class_module(d.__objclass__)}.{d.__qualname__}', '')
    if static:
        _methods[(id(cls), name)] = found
    return found


def _name_of(fn, t):
    if t is _BuiltinType:
        own = fn.__self__
        if own is None or type(own) is _ModuleType:
            name = _builtins.get(id(fn))
            if name is None:
                module = fn.__module__
                name = _C.get(f'{module}.{fn.__qualname__}', '') if type(module) is str else ''
                _builtins[id(fn)] = name
                _keep.append(fn)
            return name
        return _c_method(type(own), fn.__name__)
    if t is _MethodType:
        fn = fn.__func__
        if type(fn) is not _FunctionType:
            return ''
    module = fn.__module__
    if type(module) is not str or module not in _PY_MODULES:
        return ''
    qualname = fn.__qualname__
    # (a program's str subclass would run its __format__ in the f-string: no stdlib function has one)
    return _PY.get(f'{module}:{qualname}', '') if type(qualname) is str else ''


def _blocking_file(f):
    """Can a read of this file wait on anyone (a pipe, tty, socket: not a regular file or a device that
    seeks)? Asked only of the io module's own classes, exactly (a subclass's methods are the program's
    code). FileIO.seekable() asks the system once per file and keeps the answer."""
    t = type(f)
    if t is _TextIOWrapper:
        f = f.buffer
        t = type(f)
    if t is _BufferedReader or t is _BufferedRandom:
        f = f.raw
        t = type(f)
    if t is _FileIO:
        return not f.seekable()
    socket = sys.modules.get('socket')
    return socket is not None and t is socket.__dict__.get('SocketIO')


def io(fn, late=0, depth=1):
    t = type(fn)
    if t is _MethodType:  # (the commonest look-alike, a method of the program's, is told apart here)
        module = fn.__func__.__module__ if type(fn.__func__) is _FunctionType else None
        if type(module) is not str or module not in _PY_MODULES:
            return fn
    elif t is not _BuiltinType and t is not _FunctionType:
        return fn
    try:
        name = _name_of(fn, t)
        if not name or (name[0] == 'f' and name.startswith('file.') and not _blocking_file(fn.__self__)):
            return fn
        frame = _getframe(depth)
        ident = get_ident()
        stack = stacks.get(ident)
        if stack is None:
            stack = stacks[ident] = []
        else:
            _unwind(stack, frame, True)
            if any(e[2] for e in stack):
                return fn  # called back inside another I/O call of this thread (a signal handler, a
                # program's stdin for input()): the outer one is the wait, as with sys.monitoring
        entry = [id(frame), quote(name), False]
        stack.append(entry)
        if not late:
            _start(entry, frame)
    except Exception:
        pass  # (nothing of ours may raise into the program's call)
    return fn


def _start(entry, frame):
    entry[2] = True
    core.emit_raw('io_wait', f'{{"call":{entry[1]},"line":{frame.f_lineno or 0}}}')
    core.flush()  # a kill while the program is blocked loses nothing


def go(value, depth=1):
    """The last argument of a call whose arguments make calls: its io_wait is due now."""
    if stacks:
        stack = stacks.get(get_ident())
        if stack:
            top = stack[-1]
            frame = _getframe(depth)
            if not top[2] and top[0] == id(frame):
                _start(top, frame)
    return value


def end(value, depth=1):
    if stacks:
        ident = get_ident()
        stack = stacks.get(ident)
        if stack:
            top = stack[-1]
            if top[2] and top[0] == id(_getframe(depth)):
                stack.pop()
                if not stack:
                    del stacks[ident]
                core.emit_raw('io_done', f'{{"call":{top[1]}}}')
    return value


def _unwind(stack, frame, live_here):
    """Drop the waits an exception ended: those of frames that are gone (not `frame` nor its callers)
    and `frame`'s own (but not, when live_here, a wait of frame's whose arguments are being evaluated)."""
    callers = set()
    f = frame.f_back
    while f is not None and len(callers) < 200:
        callers.add(id(f))
        f = f.f_back
    here = id(frame)
    while stack:
        top = stack[-1]
        if top[0] in callers or (live_here and top[0] == here and not top[2]):
            break
        stack.pop()
        if top[2]:
            core.emit_raw('io_done', f'{{"call":{top[1]},"ok":false}}')


def raised(frame):
    """An exception reached an except handler or the exit of `frame` (calls_ast): the I/O calls it
    left ended there."""
    ident = get_ident()
    stack = stacks.get(ident)
    if stack:
        try:
            _unwind(stack, frame, False)
        except Exception:
            pass
        if not stack:
            stacks.pop(ident, None)


def after_fork_child():
    stacks.clear()
