"""A task suspended in an asyncio function that waits on a future of its own making.

asyncio.wait, as_completed, shield, Queue.join, TaskGroup's `async with` end and (3.8-3.11) wait_for
each suspend the program's task on a future the stdlib makes with loop.create_future(), which the
tracer does not know: the task's await had no target and drew no wait band. loop.create_future is
wrapped (create_task already is); a future made by one of those functions (known by its code
object, as in result_waits.py) is noted, and the program's await on it is written as an 'await' of
that function: "await asyncio.wait(3 tasks)", "await q.join()". Nothing new is visible to the program:
no done callback, no extra loop step, and the future is held only weakly.

A future the program makes itself (`fut = loop.create_future()`) is named as the program names it, like
its locks (naming.py: the variable the line assigns it to, else "future from line 12"), and every await
of it, by any task, is a wait on it. (`asyncio.Future()` is a C class that calls no create_future: those
stay unnamed, with no band.)

On 3.8-3.11 the asyncio coroutines that wait on a socket or pipe (IO_COROUTINES: a stream read, drain,
a subprocess's wait, loop.sock_*) are known the same way, by the future they make: the program's
task awaiting one writes the io_wait/io_done that sys.monitoring writes on 3.12+ (io_calls), so a
stream read draws the same "in I/O" band on every version.
"""
import sys
from weakref import ref as weakref

from . import core, naming, sync
from .encode import quote

_getframe = sys._getframe
_MAKERS = {}  # code object that calls create_future -> what the task waits in
_ASKERS = {}  # code of Queue.get / Event.wait -> {code of the stdlib function that asked them -> what}
_noted = {}  # id(future) -> (weak reference, its await's data after the target, awaited more than once)
future_factories = (None, None)  # (loop.create_future as asyncio has it, our wrapper of it), once patched
# asyncio's coroutines that wait on a socket or pipe, by module and qualname -> the name shown
# ('StreamReader.' gets the read method's name from the frame): seen by io_calls on 3.12+, here before.
IO_COROUTINES = {
    ('streams', 'StreamReader._wait_for_data'): 'StreamReader.',
    ('streams', 'FlowControlMixin._drain_helper'): 'StreamWriter.drain',
    ('base_subprocess', 'BaseSubprocessTransport._wait'): 'Process.wait',
}
for _name in ('sock_recv', 'sock_recv_into', 'sock_recvfrom', 'sock_recvfrom_into', 'sock_sendall', 'sock_sendto',
              'sock_connect', 'sock_accept'):
    IO_COROUTINES[('selector_events', 'BaseSelectorEventLoop.' + _name)] = 'loop.' + _name
_IO_MAKERS = {}  # 3.8-3.11: code of one of them -> its name shown (see io_name)


def io_name(name, frame):
    """The name an I/O wait is shown with: a stream read's is that of the StreamReader method reading."""
    if name == 'StreamReader.':
        func_name = frame.f_locals.get('func_name')  # (asyncio's own string, from its own frame)
        name += func_name if type(func_name) is str else 'read'
    return name


_TaskGroup = None  # 3.11+: asyncio's TaskGroup, and the attribute dict of one through its own __dict__ slot
_group_dict = None


def patch(asyncio, base_events, tasks, serial_of, io_waits=False):
    """Wrap loop.create_future; `serial_of`: aio's id(task or future) -> serial (to name an inner task).
    `io_waits`: note the futures of asyncio's I/O coroutines too (when io_calls does not see them)."""
    from asyncio import locks, queues
    _add(_MAKERS, getattr(tasks, 'wait_for', None), 'wait_for')
    _add(_MAKERS, getattr(tasks, '_wait', None), 'wait')
    _add(_MAKERS, getattr(tasks, 'shield', None), 'shield')
    taskgroups = sys.modules.get('asyncio.taskgroups')
    if taskgroups is not None:
        _add(_MAKERS, taskgroups.TaskGroup.__aexit__, 'TaskGroup')
        global _TaskGroup, _group_dict
        _TaskGroup = taskgroups.TaskGroup
        _group_dict = _TaskGroup.__dict__['__dict__'].__get__
    as_completed = getattr(tasks, '_AsCompletedIterator', None)  # 3.13+
    one = getattr(as_completed, '_wait_for_one', None)
    if one is None:  # 3.8-3.12: a function nested in as_completed
        one = next((c for c in tasks.as_completed.__code__.co_consts if getattr(c, 'co_name', '') == '_wait_for_one'),
                   None)
    getters = {}
    _add(getters, one, 'as_completed')
    _add(_ASKERS, queues.Queue.get, getters)
    joiners = {}
    _add(joiners, queues.Queue.join, 'join')
    _add(_ASKERS, locks.Event.wait, joiners)
    if io_waits:
        for (module, qualname), name in IO_COROUTINES.items():
            obj = getattr(asyncio, module, None)
            for part in qualname.split('.'):
                obj = getattr(obj, part, None)
            _add(_IO_MAKERS, obj, name)
    orig = base_events.BaseEventLoop.create_future
    makers = _MAKERS
    askers = _ASKERS
    io_makers = _IO_MAKERS

    def create_future(self):
        fut = orig(self)
        code = _getframe(1).f_code
        if code in makers or code in askers:
            _note(fut, _getframe(1), serial_of)
        elif code in io_makers:  # (a tuple: aio writes io_wait/io_done for it, not an 'await')
            _remember(fut, (quote(io_name(io_makers[code], _getframe(1))),), False)
        elif code.co_filename == core.program:
            _remember(fut, f',"what":"future","prim":"future","obj":{naming.new_named_serial()}', True)
        return fut

    base_events.BaseEventLoop.create_future = core.impersonate(create_future, orig)
    global future_factories
    future_factories = (orig, base_events.BaseEventLoop.create_future)


def _add(table, func, what):
    code = getattr(func, '__code__', func)
    if type(code).__name__ == 'code':
        table[code] = what


def _note(fut, frame, serial_of):
    what = _MAKERS.get(frame.f_code)
    asked = frame
    if what is None:  # Queue.get or Event.wait: for whom? (the tracer's own wrappers sit between)
        wanted = _ASKERS[frame.f_code]
        f = frame.f_back
        for _ in range(3):
            if f is None or f.f_code.co_filename == core.program:
                return
            what = wanted.get(f.f_code)
            if what is not None:
                asked = f
                break
            f = f.f_back
        else:
            return
    _remember(fut, f',"what":"{what}"' + _about(what, asked.f_locals, serial_of), False)


def _remember(fut, data, shared):
    """`shared`: the program's own future, which any number of tasks may await (kept until it dies)."""
    if len(_noted) > 256:  # futures never awaited (a shield nobody awaits): forget the dead ones
        for key in [k for k, v in _noted.items() if v[0]() is None]:
            del _noted[key]
    try:
        _noted[id(fut)] = (weakref(fut), data, shared)
    except TypeError:  # a future type without weak references: not named
        pass


def _about(what, local, serial_of):
    """The rest of the await's data: what the stdlib function was given."""
    if what in ('wait_for', 'shield'):
        arg = local.get('fut') if what == 'wait_for' else local.get('inner', local.get('arg'))
        serial = serial_of.get(id(arg), 0)
        if serial:
            return f',"task":{serial}'
        from .aio import coro_name  # (loaded: aio patched asyncio; it imports this module)
        name = coro_name(arg)  # (not getattr: a program awaitable's __getattr__ would run)
        return f',"call":{quote(name + "()")}' if type(name) is str else ''
    if what == 'wait':
        fs = local.get('fs')
        return f',"count":{len(fs)}' if hasattr(fs, '__len__') else ''
    if what == 'TaskGroup':
        # (its own field, read from its dict: a subclass's __getattribute__ or _tasks property is program
        # code, which TaskGroup never runs for us; a set's own len)
        group = local.get('self')
        if _TaskGroup is None or not issubclass(type(group), _TaskGroup):
            return ''
        pending = dict.get(_group_dict(group), '_tasks')
        return f',"count":{len(pending)}' if type(pending) is set else ''
    if what == 'join':
        obj = sync.traced_obj(local.get('self'))
        return f',"obj":{obj}' if obj else ''
    return ''


def awaited(value):
    """The rest of the 'await' data when `value`, just yielded by the program's task, is a future noted
    above (the stdlib's are awaited once: forgotten here), else None."""
    if not _noted:
        return None
    note = _noted.get(id(value))
    if note is None or note[0]() is not value:
        return None
    if not note[2]:
        del _noted[id(value)]
    return note[1]
