"""Blocking I/O the program calls, on Python 3.12+ (sys.monitoring): io_wait before the call, io_done after.
(Waiting for a subprocess to end is a process join: proc_join, written by the Popen.wait patch.)

The program's code objects get CALL events (with C_RETURN/C_RAISE, which CALL controls) beside their
span events. A call site's first CALL looks at what it calls: a site that calls anything but one of
the I/O callables below is disabled there and then (one callback per call site in the program's
lifetime), so only the sites that do I/O keep calling back. Nothing is wrapped or replaced: the
program sees the same functions, frames and tracebacks.

The end: a C callable's C_RETURN/C_RAISE at the same site; a Python one (socket.accept,
Popen.wait…) returns through its code object's PY_RETURN (local events on that stdlib code, switched
on when a program site first calls it) or unwinds (PY_UNWIND, global already).

asyncio's event loop idle in its selector (BaseEventLoop._run_once calling selector.select with a
timeout that is not 0) is the same wait, marked `loop`: waiting for I/O or timers.

3.8-3.11 have no such events without a profile function on every call: there io_sites records the
program's own call sites (rewritten, using the tables here), and aio_idle the loop's idle wait.
"""
import os
import stat
import sys
from _thread import get_ident

from . import core
from .encode import class_lookup, quote

_getframe = sys._getframe

# C callables by "module.qualname" -> the name shown. Reads of files count only for pipes, ttys and
# sockets (a regular file's read is checked once per call: see _blocking_file).
_C_CALLS = {}
for _name in ('recv', 'recv_into', 'recvfrom', 'recvfrom_into', 'recvmsg', 'recvmsg_into', 'send', 'sendall',
              'sendto', 'sendmsg', 'connect', 'connect_ex', '_accept'):
    _C_CALLS['_socket.socket.' + _name] = 'socket.' + _name.lstrip('_')
for _mod in ('posix', 'nt'):
    for _name in ('read', 'write', 'readv', 'writev', 'waitpid', 'wait', 'wait3', 'wait4', 'waitid'):
        _C_CALLS[f'{_mod}.{_name}'] = 'os.' + _name
_C_CALLS.update({
    'select.select': 'select.select', 'select.poll.poll': 'poll.poll', 'select.epoll.poll': 'epoll.poll',
    'select.devpoll.poll': 'devpoll.poll', 'select.kqueue.control': 'kqueue.control', 'builtins.input': 'input',
})
_FILE_READS = ('read', 'read1', 'readline', 'readlines', 'readinto', 'readall')
for _cls in ('BufferedReader', 'BufferedRandom', 'BufferedRWPair', 'TextIOWrapper', 'FileIO'):
    for _name in _FILE_READS:
        _C_CALLS[f'_io.{_cls}.{_name}'] = 'file.' + _name

# Python callables of the standard library by "path below the stdlib folder:qualname" -> the name shown.
_PY_CALLS = {
    'socket.py:socket.accept': 'socket.accept',
    'socket.py:create_connection': 'socket.create_connection',
    # (subprocess.run/call/Popen.wait are process joins already: the tracer records Popen.wait)
    'subprocess.py:Popen.communicate': 'Popen.communicate',
    'urllib/request.py:urlopen': 'urlopen',
    'multiprocessing/connection.py:_ConnectionBase.recv': 'Connection.recv',
    'multiprocessing/connection.py:_ConnectionBase.recv_bytes': 'Connection.recv_bytes',
    'multiprocessing/connection.py:_ConnectionBase.poll': 'Connection.poll',
    'multiprocessing/connection.py:Listener.accept': 'Listener.accept',
    'multiprocessing/connection.py:wait': 'multiprocessing.connection.wait',
}
for _cls in ('SelectSelector', 'PollSelector', 'EpollSelector', 'DevpollSelector', 'KqueueSelector'):
    _PY_CALLS[f'selectors.py:{_cls}.select'] = 'selector.select'

_STDLIB = os.path.dirname(os.__file__) + os.sep
_BuiltinType = type(len)
_DescriptorType = type(str.join)
_FunctionType = type(lambda: None)
_CodeType = type((lambda: None).__code__)

mon = None  # calls_monitoring's real sys.monitoring functions (set by install)
tool = None
_DISABLE = None
_names = {}  # id(I/O callable) -> name shown (see _name_of); kept alive in _keep so ids stay unique
_keep = []
_py_codes = {}  # id(code of a Python I/O callable) -> its name: their PY_RETURN ends the wait
_pending = {}  # thread ident -> ((code, offset) of the C call or the caller frame of the Python call, name as JSON)
_loop_code = None  # BaseEventLoop._run_once's code (asyncio patch)


def _c_key(fn):
    """"module.qualname" of a C callable, without running any code of the program's."""
    if type(fn) is _DescriptorType:
        cls = fn.__objclass__
        return f'{cls.__module__}.{fn.__qualname__}'
    self = fn.__self__
    if type(self) is type(sys):
        return f'{self.__name__}.{fn.__qualname__}'
    d = class_lookup(type(self), fn.__name__)  # a method bound to an object: the descriptor its class defines
    return _c_key(d) if type(d) is _DescriptorType else ''


def _name_of(fn):
    """The shown name of an I/O callable, '' for anything else. Only I/O callables that belong to no
    object of the program's (builtins, method descriptors, stdlib functions) are cached by identity
    (and so kept alive): a reference to a program object would change when it is freed (a __del__ at
    exit). Anything else is looked at once per call site, which is then disabled."""
    name = ''
    t = type(fn)
    cache = False
    try:
        if t is _BuiltinType or t is _DescriptorType:
            name = _C_CALLS.get(_c_key(fn), '')
            cache = t is _DescriptorType or type(fn.__self__) is type(sys)
        elif t is _FunctionType:
            code = fn.__code__
            if code.co_filename.startswith(_STDLIB):
                rel = code.co_filename[len(_STDLIB):].replace(os.sep, '/')
                name = _PY_CALLS.get(f'{rel}:{code.co_qualname}', '')
                if name:
                    cache = True
                    if id(code) not in _py_codes:
                        _py_codes[id(code)] = name
                        _keep.append(code)
                        mon.set_local_events(tool, code, mon.events.PY_RETURN)
    except Exception:
        name = ''
    if name and cache:
        _names[id(fn)] = name
        _keep.append(fn)
    return name


def wrapped(wrapper, original):
    """The tracer replaced a stdlib I/O function with `wrapper` (processes.py flushes before a pipe blocks):
    the program's calls of `wrapper` are that I/O call, ended by the wrapper's return."""
    code = getattr(original, '__code__', None)
    if mon is None or tool is None or code is None or not code.co_filename.startswith(_STDLIB):
        return
    name = _PY_CALLS.get(f'{code.co_filename[len(_STDLIB):].replace(os.sep, "/")}:{code.co_qualname}')
    if not name:
        return
    _names[id(wrapper)] = name
    _keep.append(wrapper)
    wcode = wrapper.__code__
    if id(wcode) not in _py_codes:
        _py_codes[id(wcode)] = name
        _keep.append(wcode)
        mon.set_local_events(tool, wcode, mon.events.PY_RETURN)


def _blocking_file(f):
    """A read of a pipe, tty or socket can block; a regular file's cannot wait on anyone."""
    try:
        return not stat.S_ISREG(os.fstat(f.fileno()).st_mode)
    except Exception:
        return False


def _on_call(code, offset, fn, arg0):
    name = _names.get(id(fn))
    if name is None:
        name = _name_of(fn)
    if not name:
        return _DISABLE
    ident = get_ident()
    if ident in _pending:
        return None  # inside another I/O call of this thread (a callback): the outer one is the wait
    if name.startswith('file.') and not _blocking_file(arg0 if type(fn) is _DescriptorType else fn.__self__):
        return None
    frame = _getframe(1)
    if code is _loop_code:
        timeout = frame.f_locals.get('timeout')
        if timeout == 0:
            return None  # callbacks are ready: the loop does not wait
        # (its line: where the program runs the loop, asyncio.run(...) say)
        core.emit_raw('io_wait', f'{{"call":"selector.select","line":{core.program_line_from(frame)},"loop":true}}')
        _pending[ident] = (frame, '"selector.select","loop":true')
        core.flush_before_wait(timeout)  # every task waits: a Stop now loses nothing (a short wait: the time bound)
        return None
    name = quote(name)
    _pending[ident] = (frame if id(getattr(fn, '__code__', None)) in _py_codes else (code, offset), name)
    core.emit_raw('io_wait', f'{{"call":{name},"line":{frame.f_lineno or 0}}}')
    core.flush()  # a kill while the program is blocked loses nothing


def _on_c_end(ok):
    def end(code, offset, fn, arg0):
        ident = get_ident()
        at = _pending.get(ident)
        if at is not None and type(at[0]) is tuple and at[0][0] is code and at[0][1] == offset:
            del _pending[ident]
            _done(at[1], ok)

    return end


def returned(code, ok=True):
    """PY_RETURN (or unwind) of a Python I/O callable: the wait ends if it was the program's call."""
    ident = get_ident()
    at = _pending.get(ident)
    if at is not None and type(at[0]) is not tuple and _getframe(2).f_back is at[0]:
        del _pending[ident]
        _done(at[1], ok)


def _done(name, ok):
    core.emit_raw('io_done', f'{{"call":{name}}}' if ok else f'{{"call":{name},"ok":false}}')


def is_io_code(code):
    return id(code) in _py_codes or id(code) in _aio_codes


def _aio_name(code, frame):
    name = _aio_codes.get(id(code))
    return io_name(name, frame) if name == 'StreamReader.' else name


def suspended(code, frame):
    """PY_YIELD of an asyncio I/O coroutine (see watch_asyncio): the running task waits on I/O."""
    name = _aio_name(code, frame)
    if name is not None:
        core.emit_raw('io_wait', f'{{"call":{quote(name)},"line":{core.program_line_from(frame)}}}')


def resumed(code, frame):
    """PY_RESUME (or a throw) of it: the task runs again."""
    name = _aio_name(code, frame)
    if name is not None:
        core.emit_raw('io_done', f'{{"call":{quote(name)}}}')


def install(monitoring, tool_id, disable):
    """Register the callbacks; returns the local events program code needs for them."""
    global mon, tool, _DISABLE
    mon, tool, _DISABLE = monitoring, tool_id, disable
    E = mon.events
    mon.register_callback(tool, E.CALL, _on_call)
    mon.register_callback(tool, E.C_RETURN, _on_c_end(True))
    mon.register_callback(tool, E.C_RAISE, _on_c_end(False))
    return E.CALL | E.C_RETURN | E.C_RAISE


def watch_loop(base_events):
    """asyncio: the event loop's wait in its selector (called by the asyncio patch). True when it is
    seen (then pending events are written as the loop goes idle)."""
    global _loop_code
    if mon is None or tool is None:
        return False
    try:
        code = base_events.BaseEventLoop._run_once.__code__
        mon.set_local_events(tool, code, mon.events.CALL | mon.events.C_RETURN | mon.events.C_RAISE)
        _loop_code = code
        return True
    except Exception:
        return False


_aio_codes = {}  # id(code) -> name shown, for the coroutines above (their PY_YIELD/PY_RESUME)


def io_name(name, frame):
    from .aio_waits import io_name
    return io_name(name, frame)


def give_up():
    """calls_monitoring gives our tool id to the program that takes it: the local events set here on
    asyncio's and the stdlib's code are cleared (they would call the program's callbacks, as it now owns
    the id) and none is set again."""
    global tool
    if tool is None:
        return
    for code in _keep + [_loop_code]:
        if type(code) is _CodeType:
            try:
                mon.set_local_events(tool, code, 0)
            except ValueError:
                pass
    tool = None


def watch_asyncio(asyncio):
    """The running task waits on I/O while one of asyncio's I/O coroutines is suspended."""
    if mon is None or tool is None:
        return
    E = mon.events
    from .aio_waits import IO_COROUTINES  # (loaded: aio, which calls this, imports it)
    for (module, qualname), name in IO_COROUTINES.items():
        try:
            obj = getattr(asyncio, module)
            for part in qualname.split('.'):
                obj = getattr(obj, part)
            code = obj.__code__
            mon.set_local_events(tool, code, E.PY_YIELD | E.PY_RESUME)
        except Exception:
            continue
        _aio_codes[id(code)] = name
        _keep.append(code)


def after_fork_child():
    _pending.clear()
