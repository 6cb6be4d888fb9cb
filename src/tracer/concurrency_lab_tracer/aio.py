"""asyncio: task serials and lifecycle, the running-task lookup used by every event, awaits,
asyncio.sleep, and the asyncio Lock/Event/Condition/Semaphore/Queue twins.

Applied lazily when the program imports asyncio (importing it eagerly costs ~0.1 s per process).
"""
import sys
from _thread import get_ident
from _collections import deque  # (the C module: asyncio's _ready is one)
from types import CoroutineType, GeneratorType
from weakref import ref as weakref

_getframe = sys._getframe

from . import aio_waits, codes, core, encode, output, processes, queues, sync

io_calls = None  # 3.12+ only (sys.monitoring): 3.8-3.11 have no I/O events, and importing it cost each process there
if sys.version_info >= (3, 12):
    from . import io_calls
from .encode import number, quote, text
from .sync import announcing, blocking_await, mark_if_program, prim_name, traced_obj

perf_ns = core.perf_ns
emit_raw = core.emit_raw
program_caller = core.program_caller
program_line = core.program_line
serial_of = {}  # id(task or future) -> serial, removed when it is done (ids are reused)
kind_of = {}  # serial -> what an await of it is, as the JSON after '"what":' ('"task"', '"gather","count":3')
waiting = {}  # task serial -> serial it is awaiting (an 'await' was written, 'awake' is due)
_INTERNAL_CORO = ('shutdown_asyncgens', 'shutdown_default_executor', '_cancel_all_tasks')
_patched = False
# A task can start eagerly inside loop.create_task (3.12+: an eager task factory), before the hook
# making it has it: current() registers it then, with the parent and asking frame noted here, and
# a task that ends right there stays known (_forget) until that hook has looked for it. Per thread:
# each may run a loop of its own.
_making = {}  # thread ident -> [(parent serial, frame that asked)], one per create hook running in it
_held = {}  # thread ident -> [tasks that ended while being made]
_CancelledError = None
EAGER = False  # set by patch: tasks can start inside loop.create_task (3.12+)
_running_task = None  # set by patch: the running asyncio task, or None
_Task = None  # set by patch: asyncio's own Task type (C, else its Python twin), before our subclass
_must_cancel_field = None  # set by patch: its _must_cancel as the C Task keeps it (or None)
_task_is_done = _task_coro = None  # set by patch: _Task.done, _Task.get_coro (_ask's, bound once for the
# two per-task paths, _ends_with_its_coroutine and _task_ended: a call of _ask costs ~1.5K instructions)


def _ask(task, method):
    """task.<method>() as asyncio's Task implements it, for a task of the program's own Task subclass too
    (its override or __getattribute__ is program code, which asyncio's C Task never runs on itself); an
    object a task factory made that is no Task is asked its own method (as asyncio asks it)."""
    if issubclass(type(task), _Task):  # (by type: isinstance would read a __class__ property)
        return getattr(_Task, method)(task)
    return getattr(task, method)()


def _add_done_callback(task, fn):
    if issubclass(type(task), _Task):
        _Task.add_done_callback(task, fn)
    else:
        task.add_done_callback(fn)


def _must_cancel(task):
    """Is a cancel() due at the task's next step (Task.__step reads its own field, not an attribute)."""
    if _must_cancel_field is not None and issubclass(type(task), _Task):
        return bool(_must_cancel_field.__get__(task))
    return bool(getattr(task, '_must_cancel', False))  # (asyncio's Python Task reads the attribute itself)


def _no_flush(timeout=None):
    pass


def _flush_unless_ready(get_running_loop, loop_class):
    """flush_at_task_wait where the loop's idle wait is not seen: write pending events unless the loop
    has callbacks ready to run. Its `_ready` deque is read from the loop's own instance dict, through
    AbstractEventLoop's __dict__ slot: a program loop class's property or __getattr__ never runs (a
    loop that keeps no plain deque there, or is no AbstractEventLoop, gets the write)."""
    fields = loop_class.__dict__['__dict__'].__get__
    get = dict.get

    def flush_at_task_wait(timeout=None):
        loop = get_running_loop()
        if loop is not None:
            try:
                ready = get(fields(loop), '_ready')
            except TypeError:
                ready = None
            if type(ready) is deque and ready:
                return
        core.flush_before_wait(timeout)
    return flush_at_task_wait


def patch(asyncio):
    global _patched
    if _patched:
        return
    _patched = True
    from asyncio import base_events, events, tasks
    global _CancelledError, EAGER
    _CancelledError = asyncio.CancelledError
    EAGER = hasattr(tasks, 'eager_task_factory')
    task_type = tasks.Task  # (asyncio's own, before _patch_task_class puts a subclass in its place)
    global _Task, _must_cancel_field, _task_is_done, _task_coro
    _Task = task_type
    _task_is_done, _task_coro = task_type.done, task_type.get_coro
    _must_cancel_field = task_type.__dict__.get('_must_cancel')
    # The loop idle in its selector, waiting for I/O or timers: seen by io_calls (3.12+), else by aio_idle
    # (3.8-3.11; in a process running the rewritten program it adds to its helpers). Where a task's
    # traced wait writes pending events (sync.flush_at_task_wait): where that is seen, as the loop goes
    # idle, once for all tasks; else when no other callback is ready (else the loop runs on: an
    # asyncio.Queue ping-pong would write once per item).
    if io_calls is not None:
        loop_watched = io_calls.watch_loop(base_events)
    else:
        from . import aio_idle
        loop_watched = aio_idle.watch(base_events, getattr(_mechanism(), 'helpers', None))
    if loop_watched:
        sync.flush_at_task_wait = _no_flush
    else:
        sync.flush_at_task_wait = _flush_unless_ready(events._get_running_loop, events.AbstractEventLoop)
    if io_calls is not None:
        io_calls.watch_asyncio(asyncio)  # a task waiting on a stream, socket or subprocess (3.12+)

    get_running_loop = events._get_running_loop
    current_task = tasks.current_task
    running = tasks.__dict__.get('_current_tasks')
    if type(current_task) is type(patch) and type(running) is dict:
        current_task = running.get  # 3.8-3.11: what the Python current_task(loop) looks up; one call less per event

    def current():
        loop = get_running_loop()
        if loop is None:
            return 0
        task = current_task(loop)
        if task is None:
            return 0
        serial = serial_of.get(id(task))
        if serial is None:
            making = _making.get(get_ident()) if _making else None
            if making:  # starting eagerly as it is made
                parent, asker = making[-1]
                return register_task(task, None, parent, False, core.program_line_from(asker))
            serial = register_task(task, None, 0, True)
        return serial

    def register_task(task, coro, parent, running=False, line=-1):
        """`running`: found as the running task (its events' task column is itself, else the parent).
        `line`: of the program code that created it, when the caller knows it (-1: look it up)."""
        serial = core.new_serial()
        serial_of[id(task)] = serial
        kind_of[serial] = '"task"'
        # asyncio's own get_coro/get_name: a program's Task subclass may override them (its code). A task
        # factory's object that is no Task is asked nothing (asyncio never asks it either); issubclass of
        # its type, not isinstance: that reads a program's __class__ property.
        own = task_type if issubclass(type(task), task_type) else None
        if coro is None and own is not None:
            coro = own.get_coro(task)
        qualname = coro.__qualname__ if type(coro) is CoroutineType else coro_name(task if coro is None else coro)
        about = coro_json.get(qualname) if type(qualname) is str else None
        if about is None:
            about = _describe_coro(qualname)
            if type(qualname) is str:
                coro_json[qualname] = about
        name = own.get_name(task) if own is not None else encode.type_name(task)
        name = quote(name) if type(name) is str else text(name)
        if line < 0:
            line = core.program_line()
        emit_raw('task_create', f'{{"obj":{serial},"name":{name},{about}{parent},"line":{line}}}',
                 serial if running else parent)
        if not _ends_with_its_coroutine(task, coro):
            _add_done_callback(task, _task_done)
        return serial

    stdlib_wait = aio_waits.awaited

    def awaited(value):
        serial = serial_of.get(id(value), 0)
        if serial:
            me = current()
            if me and waiting.get(me) != serial:
                waiting[me] = serial
                if serial in _gather_line:
                    # A gather's await links to its own line: the program's frame suspending in it (its span
                    # is the coroutine's, whose line is the `async def`). One look, on gathers only.
                    line = core.program_line_from(_getframe(1))
                    emit_raw('await', f'{{"target":{serial},"what":{kind_of.get(serial, _GATHER)},"line":{line}}}', me)
                else:
                    emit_raw('await', f'{{"target":{serial},"what":{kind_of.get(serial, _FUTURE)}}}', me)
        else:
            about = stdlib_wait(value)  # a future asyncio.wait, Queue.join, ... made to wait on
            if about is not None:
                me = current()
                if me and type(about) is tuple:  # a stream read's, drain's, sock_recv's... (3.8-3.11): as on 3.12+
                    waiting[me] = about
                    line = core.program_line_from(_getframe(1))
                    emit_raw('io_wait', f'{{"call":{about[0]},"line":{line}}}', me)
                elif me:
                    serial = core.new_serial()
                    waiting[me] = serial
                    emit_raw('await', f'{{"target":{serial}{about}}}', me)
        return serial

    def resumed():
        if not waiting:  # the common case: nobody awaits a task or future we know
            return
        me = current()
        target = waiting.pop(me, None) if me else None
        if type(target) is tuple:
            emit_raw('io_done', f'{{"call":{target[0]}}}', me)
        elif target is not None:
            emit_raw('awake', f'{{"target":{target}}}', me)

    core.current_task = current
    processes.after_fork_hooks.append(_after_fork_child)
    codes.serial_lookup = awaited
    codes.task_ended = _task_ended
    codes.tasks_need_callbacks = _add_done_callbacks

    def running_task():
        loop = get_running_loop()
        return current_task(loop) if loop is not None else None

    global _running_task
    _running_task = running_task
    _tell_mechanisms('resumed', resumed)

    orig_create_task = base_events.BaseEventLoop.create_task
    # Before 3.13 asyncio.create_task and TaskGroup.create_task call loop.create_task(coro) and name
    # the task afterwards with tasks._set_task_name: their tasks are registered there, named.
    taskgroups = sys.modules.get('asyncio.taskgroups')
    namers = [tasks.create_task] + ([taskgroups.TaskGroup.create_task] if taskgroups is not None else [])
    namer_codes = set(id(f.__code__) for f in namers if '_set_task_name' in f.__code__.co_names)
    orig_set_task_name = getattr(tasks, '_set_task_name', None)

    def create_task(self, coro, *args, **kwargs):
        asker = _getframe(1)
        parent = current()
        task = _made(orig_create_task, parent, asker, self, coro, *args, **kwargs)
        if namer_codes and id(asker.f_code) in namer_codes:
            return task  # named and registered next (unless it started eagerly)
        if id(task) not in serial_of:
            register_task(task, coro, parent)
        _release()
        return task

    def set_task_name(task, name):
        orig_set_task_name(task, name)
        namer = _getframe(1)
        if id(task) not in serial_of and id(namer.f_code) in namer_codes:
            # (still in the creating task; its line is the namer's caller's, when that is the program)
            register_task(task, None, current(), False, core.program_line_from(namer.f_back))
        _release()

    wrapped = base_events.BaseEventLoop.create_task = core.impersonate(create_task, orig_create_task)
    if namer_codes and orig_set_task_name is not None:
        tasks._set_task_name = core.impersonate(set_task_name, orig_set_task_name)
    _patch_module_create_task(asyncio, tasks, wrapped, orig_create_task, orig_set_task_name, current, register_task)
    _patch_cancel(asyncio, tasks)
    _patch_gather(asyncio, tasks)
    _patch_executor(base_events)
    aio_waits.patch(asyncio, base_events, tasks, serial_of, io_calls is None)
    _patch_sleep(asyncio, tasks, current)
    _patch_exception_handler(base_events)
    _patch_locks(asyncio)
    _patch_queues(asyncio)


def _patch_module_create_task(asyncio, tasks, wrapped, loop_create_task, set_task_name, current, register_task):
    """asyncio.create_task in one call, for the common case of a loop whose create_task is
    BaseEventLoop's: it does what asyncio.create_task does and registers the task itself, so the
    hooks on loop.create_task and _set_task_name have nothing to do (~0.6 us less per task). Other
    loops get the original."""
    orig = tasks.create_task
    if type(orig) is not type(_patch_module_create_task):
        return
    get_running_loop = tasks.events.get_running_loop
    # Before 3.13 a task is made without its name and named after, so it uses up a default name
    # (Task-<n>) as untraced; 3.13 hands the name to loop.create_task.
    names_after = '_set_task_name' in orig.__code__.co_names and set_task_name is not None

    def make(loop, coro, name, named):
        asker = _getframe(2)
        parent = current()
        task = _made(loop_create_task, parent, asker, loop, coro, **(named or {}))
        if names_after and name is not None:
            set_task_name(task, name)  # (a rename, if it started eagerly: see the Task subclass)
        if id(task) not in serial_of:
            register_task(task, coro, parent, False, core.program_line_from(asker))
        _release()
        return task

    if 'context' in orig.__code__.co_varnames:  # 3.11+
        def create_task(coro, *, name=None, context=None):
            loop = get_running_loop()
            if type(loop).create_task is not wrapped:
                return orig(coro, name=name, context=context)
            named = {} if names_after else {'name': name}
            if context is not None:
                named['context'] = context
            return make(loop, coro, name, named)
    else:
        def create_task(coro, *, name=None):
            loop = get_running_loop()
            if type(loop).create_task is not wrapped:
                return orig(coro, name=name)
            return make(loop, coro, name, None)

    tasks.create_task = core.impersonate(create_task, orig)
    if getattr(asyncio, 'create_task', None) is orig:
        asyncio.create_task = tasks.create_task


coro_json = {}  # coroutine qualname -> the constant middle of its tasks' task_create data


def _after_fork_child():
    """A fork child runs none of the tasks it inherits: their serials, awaits and the per-thread
    notes of create hooks belong to the parent (a task the child makes may get an inherited one's
    id, and would be taken for it)."""
    serial_of.clear()
    kind_of.clear()
    _gather_line.clear()
    waiting.clear()
    _making.clear()
    _held.clear()


def coro_name(coro):
    """The __qualname__ of a task's coroutine (a native coroutine's or generator's own); for another
    awaitable, its type's name (its class's __getattr__ never runs)."""
    if type(coro) is CoroutineType or type(coro) is GeneratorType:
        return coro.__qualname__
    return encode.type_name(coro)


def _describe_coro(qualname):
    internal = 'true' if str(qualname).rsplit('.', 1)[-1] in _INTERNAL_CORO else 'false'
    return f'"coro":{text(qualname)},"internal":{internal},"parent":'


def _tell_mechanisms(name, value):
    for module in ('calls_monitoring', 'calls_settrace', 'calls_ast'):
        mod = sys.modules.get(__package__ + '.' + module)
        if mod is not None:
            setattr(mod, name, value)


def _ends_with_its_coroutine(task, coro):
    """Let the end of the task's program coroutine report the task's end (see codes.task_roots):
    a done callback would cost the event loop one more step per task."""
    if type(coro) is not CoroutineType or (_task_is_done(task) if issubclass(type(task), _Task) else task.done()):
        return False
    frame = coro.cr_frame
    if frame is None or frame.f_code.co_filename != core.program:
        return False
    reports_end = _reports_end or _find_reports_end()
    if not reports_end(frame, coro):
        return False
    codes.task_roots[id(frame)] = weakref(coro)
    return True


_reports_end = None


def _find_reports_end():
    """The call mechanism's reports_end (a mechanism without one never reports a task's end)."""
    global _reports_end
    _reports_end = getattr(_mechanism(), 'reports_end', None) or (lambda frame, coro: False)
    return _reports_end


def _mechanism():
    """The call-hook module in use (calls_monitoring, calls_ast or calls_settrace), or None."""
    return getattr(sys.modules[__package__], 'calls', None)


def _add_done_callbacks(coros):
    """Done callbacks for the tasks running these coroutines (found among all tasks: the roots
    hold no reference to them). Once per function that runs out of budget."""
    wanted = set(id(c) for c in coros)
    for task in _all_tasks():
        if id(_ask(task, 'get_coro')) in wanted and not _ask(task, 'done'):
            _add_done_callback(task, _task_done)


def _all_tasks():
    from asyncio import tasks
    found = list(getattr(tasks, '_all_tasks', ()))  # 3.8-3.11: every loop's tasks
    found += list(getattr(tasks, '_scheduled_tasks', ()))  # 3.12+
    found += list(getattr(tasks, '_eager_tasks', ()))
    if not found:
        try:
            found = list(tasks.all_tasks())
        except RuntimeError:  # no running loop
            pass
    return found


def _task_done(task):
    if _ask(task, 'cancelled'):
        _write_done(task, True, None)
    else:
        _write_done(task, False, _ask(task, 'exception'))


def _task_ended(coro, exc, cid, frame_task):
    """The coroutine of the running task returned (exc None) or raised: write its return (code id
    `cid`, unless 0) and end the task as asyncio's Task.__step will end it right after. A task
    that ends ok ends with the return itself: its data's third item is 1 (see schema.ts)."""
    task = _running_task()
    own = issubclass(type(task), _Task)  # (_ask, written out: this runs once per task)
    if task is None or (_task_coro(task) if own else task.get_coro()) is not coro:
        if cid:
            core.emit_span('return', cid, None, frame_task)
        return
    cancelled_as_it_returned = exc is None and (
        bool(_must_cancel_field.__get__(task)) if own and _must_cancel_field is not None else _must_cancel(task))
    if exc is None and cid and not cancelled_as_it_returned:
        serial = serial_of.get(id(task), 0)
        if serial == frame_task:
            output.flush_task(serial)  # a partial line it printed last (see _write_done)
            _forget(task)
            core.emit_span('return', cid, 1, frame_task)
            return
    if cid:
        core.emit_span('return', cid, None, frame_task)
    if exc is None:
        _write_done(task, cancelled_as_it_returned, None)
    elif issubclass(type(exc), GeneratorExit):  # (by its type, as asyncio matches it: not its __class__)
        return  # closed, not finished: asyncio never ends such a task
    elif issubclass(type(exc), _CancelledError):
        _write_done(task, True, None)
    elif issubclass(type(exc), StopIteration):
        _write_done(task, False, RuntimeError('coroutine raised StopIteration'))
    else:
        _write_done(task, False, exc)


def _write_done(task, cancelled, exc):
    serial = serial_of.get(id(task), 0)
    if not serial:
        return
    if cancelled:
        payload = f'{{"obj":{serial},"state":"cancelled"}}'
    elif exc is None:
        payload = f'{{"obj":{serial},"state":"ok"}}'
    else:
        error = encode.exception_text(exc)
        payload = f'{{"obj":{serial},"state":"error","error":{quote(error[:500])}}}'
    # A partial line the task printed last ends with it (while it may still be the running task,
    # so it is forgotten only after: a lookup of an unknown running task would register it anew).
    output.flush_task(serial)
    emit_raw('task_done', payload, 0)  # as from a done callback, which runs between tasks
    _forget(task)


def _made(create, parent, asker, *args, **kwargs):
    """create(*args, **kwargs), noting who asks for a task that may start (and end) in it."""
    if not EAGER:
        return create(*args, **kwargs)
    ident = get_ident()
    making = _making.get(ident)
    if making is None:
        making = _making[ident] = []
    making.append((parent, asker))
    try:
        return create(*args, **kwargs)
    finally:
        making.pop()
        if not making:
            del _making[ident]


def _forget(task):
    ident = get_ident() if _making else None
    if ident in _making:
        _held.setdefault(ident, []).append(task)  # (held, so that its id is not reused meanwhile)
    else:
        serial_of.pop(id(task), None)


def _release():
    """This thread's outermost create hook is done: tasks that ended as they were made are forgotten."""
    if _held:
        ident = get_ident()
        if ident not in _making:
            for task in _held.pop(ident, ()):
                serial_of.pop(id(task), None)


def _patch_cancel(asyncio, tasks):
    """The C Task type cannot be patched, so a subclass that only adds a task_cancel record to
    cancel() and a task_name record to set_name() takes its place wherever asyncio hands out the
    class: `tasks.Task` (what loops create), `asyncio.Task` (so `type(task) is asyncio.Task` holds
    as untraced, and tasks the program makes itself are recorded too) and, 3.12+, the eager task
    factory, which was bound to the C type."""
    base = tasks.Task
    try:
        class Task(base):
            __slots__ = ()  # (the C Task keeps its own attribute dict)

            def cancel(self, *args, **kwargs):
                serial = serial_of.get(id(self))
                if serial and not base.done(self):  # (asyncio's: a subclass's done() is program code)
                    core.emit('task_cancel', {'obj': serial, 'line': core.program_line()})
                    _end_by_callback_if_unstarted(self)
                return base.cancel(self, *args, **kwargs)

            def set_name(self, value):
                base.set_name(self, value)
                serial = serial_of.get(id(self))  # (none while asyncio names a task it is making)
                if serial:
                    # (asyncio's own get_name: a subclass's override would be the program's code; a name
                    # asyncio did not make a str is not str()-ed, which would run the program's __str__)
                    name = base.get_name(self)
                    core.emit('task_name', {'obj': serial, 'name': name if type(name) is str else encode.plain_text(name),
                                            'line': core.program_line()})

        Task.__name__ = Task.__qualname__ = base.__name__
        Task.__module__ = base.__module__
    except TypeError:
        return  # cancellation still shows as task_done state "cancelled"
    tasks.Task = Task
    if getattr(asyncio, 'Task', None) is base:
        asyncio.Task = Task
    make_factory = getattr(tasks, 'create_eager_task_factory', None)
    eager = getattr(tasks, 'eager_task_factory', None)
    if make_factory is not None and eager is not None:
        ours = make_factory(Task)
        tasks.eager_task_factory = ours
        if getattr(asyncio, 'eager_task_factory', None) is eager:
            asyncio.eager_task_factory = ours


def _end_by_callback_if_unstarted(task):
    """A task cancelled before its coroutine started ends without running it (asyncio throws into
    the unstarted coroutine), so no hook of ours sees its end: a done callback reports it."""
    if not codes.task_roots:
        return
    coro = _ask(task, 'get_coro')
    frame = coro.cr_frame if type(coro) is CoroutineType else None  # (another awaitable's __getattr__ never runs)
    if frame is not None and id(frame) in codes.task_roots and not codes.started(coro):
        del codes.task_roots[id(frame)]
        _add_done_callback(task, _task_done)


_FUTURE = '"future"'
_GATHER = '"gather"'


_gather_line = {}  # gather serial -> line of the program code that called asyncio.gather (its end links there)


def _gather_done(fut):
    """A gather's end, named as its await is ("gather(3 tasks) done"), at the line that called gather (it
    ends in the event loop, outside the program's frames)."""
    serial = serial_of.pop(id(fut), 0)
    if serial:
        state = 'cancelled' if fut.cancelled() else ('error' if fut.exception() is not None else 'ok')
        line = _gather_line.pop(serial, 0)
        emit_raw('future_done',
                 f'{{"obj":{serial},"state":"{state}","what":{kind_of.get(serial, _GATHER)},"line":{line}}}')


def _patch_gather(asyncio, tasks):
    orig_gather = tasks.gather

    def gather(*aws, **kwargs):
        fut = orig_gather(*aws, **kwargs)
        if id(fut) not in serial_of:
            serial = core.new_serial()
            serial_of[id(fut)] = serial
            # Its children: asyncio's _GatheringFuture holds one per argument, repeats included (gather
            # appends each argument's future to _children), so the count is the arguments' (a tuple's
            # length: nothing of the program's runs, no attribute of the future is read).
            kind_of[serial] = f'"gather","count":{len(aws)}'
            # The caller's line from its frame (f_lineno: no object of the program's is read); once per
            # gather, nothing on a task's path.
            _gather_line[serial] = program_line()
            fut.add_done_callback(_gather_done)
        return fut

    tasks.gather = asyncio.gather = core.impersonate(gather, orig_gather)


def _patch_executor(base_events):
    orig = base_events.BaseEventLoop.run_in_executor

    def run_in_executor(self, executor, func, *args):
        fut = orig(self, executor, func, *args)
        from . import futures
        serial = futures.last_submitted()
        if serial and id(fut) not in serial_of:
            serial_of[id(fut)] = serial
            kind_of[serial] = '"future"'
            fut.add_done_callback(lambda f: serial_of.pop(id(f), None))
        return fut

    base_events.BaseEventLoop.run_in_executor = run_in_executor


def _patch_sleep(asyncio, tasks, current):
    orig_sleep = tasks.sleep
    get_running_loop = tasks.events.get_running_loop
    wake = getattr(tasks.futures, '_set_result_unless_cancelled', None)

    calls = _mechanism()
    sleep_begin = getattr(calls, 'sleep_begin', None)
    sleep_end = getattr(calls, 'sleep_end', None)
    emit_span = core.emit_span
    plain_future, traced_future = aio_waits.future_factories
    FLUSH_AFTER_S = core.FLUSH_AFTER_S

    async def sleep(delay, *args, **kwargs):
        caller = program_caller()
        if caller is None:
            return await orig_sleep(delay, *args, **kwargs)
        secs = number(delay)
        line = caller.f_lineno or 0
        # When the awaiting frame is recorded, 'sleep' and 'slept' carry its code id and CPU clock and
        # stand for its yield and resume (see the mechanisms' sleep_begin).
        span = sleep_begin(caller, _getframe(0)) if sleep_begin is not None else None
        pid = core.pid
        if span is None:
            me = current()  # (this coroutine runs in one task throughout)
            emit_raw('sleep', f'{{"secs":{secs},"line":{line}}}', me)
        else:
            emit_span('sleep', span[0], f'{secs},{line}', span[1])
        plain = type(delay) is int or type(delay) is float  # (by identity: `in` would run a metaclass's __eq__)
        if not plain or not 0 <= delay < FLUSH_AFTER_S:  # (a shorter one writes nothing there)
            sync.flush_at_task_wait(delay)
        try:
            if args or kwargs or wake is None or not plain or not delay > 0:
                return await orig_sleep(delay, *args, **kwargs)
            # The common case, done here as asyncio.sleep does it (3.8-3.13): one coroutine less per sleep.
            loop = get_running_loop()
            # (a future of ours: past aio_waits' create_future wrapper, whose frame look-up finds nothing here)
            future = plain_future(loop) if type(loop).create_future is traced_future else loop.create_future()
            h = loop.call_later(delay, wake, future, None)
            try:
                return await future
            finally:
                h.cancel()
        finally:
            if span is not None:
                sleep_end(span)
                if core.pid == pid:
                    emit_span('slept', span[0], secs, span[1])
                else:  # woke in a fork child, where that code id means nothing: a plain wake
                    span = None
                    me = current()
            if span is None:
                emit_raw('slept', f'{{"secs":{secs}}}', me)

    tasks.sleep = asyncio.sleep = core.impersonate(sleep, orig_sleep)
    _tell_mechanisms('sleep_code', sleep.__code__)


def _patch_exception_handler(base_events):
    orig = base_events.BaseEventLoop.call_exception_handler

    def call_exception_handler(self, context):
        exc = context.get('exception')
        if exc is not None and context.get('future') is not None:
            core.emit('exc', {'type': encode.type_name(exc), 'msg': encode.exception_message(exc), 'file': core.program,
                              'line': 0, 'uncaught': True, 'where': 'task'})
        return orig(self, context)

    base_events.BaseEventLoop.call_exception_handler = call_exception_handler


def _asyncio_prim(self, names):
    return 'asyncio.' + prim_name(self, names)


def _wrap_init(cls):
    orig = cls.__dict__.get('__init__')
    if orig is None:
        return

    def __init__(self, *args, **kwargs):
        orig(self, *args, **kwargs)
        mark_if_program(self)

    cls.__init__ = __init__


def _patch_locks(asyncio):
    names = ('Lock', 'Semaphore', 'BoundedSemaphore')
    for cls in (asyncio.Lock, asyncio.Semaphore, asyncio.BoundedSemaphore, asyncio.Event, asyncio.Condition):
        _wrap_init(cls)
    for cls in (asyncio.Lock, asyncio.Semaphore):
        _wrap_acquire(cls, names)
    if 'release' in asyncio.BoundedSemaphore.__dict__:
        _wrap_release(asyncio.BoundedSemaphore, names)
    _patch_async_event(asyncio.Event)
    _patch_async_condition(asyncio.Condition)


def _wrap_acquire(cls, names):
    orig_acquire = cls.acquire

    async def acquire(self):
        obj = traced_obj(self)
        if obj is None:
            return await orig_acquire(self)
        prim = _asyncio_prim(self, names)
        contended = self.locked()
        t0 = perf_ns()
        if contended:
            core.emit('lock_wait', {'obj': obj, 'prim': prim, 'line': core.program_line()})
            sync.flush_at_task_wait()
        ok = False
        try:
            ok = await orig_acquire(self)
            return ok
        finally:
            core.emit('lock_acquired', {'obj': obj, 'prim': prim, 'ok': bool(ok),
                                        'waited_ns': perf_ns() - t0 if contended else 0, 'contended': contended,
                                        'line': core.program_line()})

    cls.acquire = acquire
    _wrap_release(cls, names)


def _wrap_release(cls, names):
    orig_release = cls.__dict__['release'] if 'release' in cls.__dict__ else cls.release
    cls.release = announcing('lock_release', orig_release, lambda self: _asyncio_prim(self, names))


def _patch_async_event(Ev):
    orig_wait = Ev.wait

    async def wait(self):
        obj = traced_obj(self)
        if obj is None:
            return await orig_wait(self)
        return await blocking_await('event_wait', 'event_woken', {'obj': obj, 'prim': 'asyncio.Event'},
                                    lambda: orig_wait(self))

    Ev.set = announcing('event_set', Ev.set, 'asyncio.Event')
    Ev.clear = announcing('event_clear', Ev.clear, 'asyncio.Event')
    Ev.wait = wait


def _patch_async_condition(Cond):
    orig_wait, orig_notify = Cond.wait, Cond.notify

    async def wait(self):
        obj = traced_obj(self)
        if obj is None:
            return await orig_wait(self)
        return await blocking_await('cond_wait', 'cond_woken', {'obj': obj, 'prim': 'asyncio.Condition'},
                                    lambda: orig_wait(self))

    Cond.wait = wait
    Cond.notify = announcing('cond_notify', orig_notify, 'asyncio.Condition', lambda self, n=1: {'n': n})
    Cond.notify_all = announcing('cond_notify', lambda self: orig_notify(self, len(self._waiters)),
                                 'asyncio.Condition', lambda self: {'n': -1})


def _patch_queues(asyncio):
    names = queues.QUEUE_NAMES

    def prim_of(q):
        return _asyncio_prim(q, names)

    Q = asyncio.Queue
    _wrap_init(Q)
    for cls in (asyncio.Queue, asyncio.LifoQueue, asyncio.PriorityQueue):
        queues.wrap_store(cls, prim_of)
    orig_get, orig_get_nowait = Q.get, Q.get_nowait
    started = {}  # (queue id, task serial) -> perf_ns when a blocking get began

    async def get(self):
        obj = traced_obj(self)
        if obj is None:
            return await orig_get(self)
        key = (id(self), core.current_task())
        if queues.looks_empty(self):
            core.emit('queue_get_wait', {'obj': obj, 'prim': prim_of(self), 'line': core.program_line()})
            sync.flush_at_task_wait()
            started[key] = perf_ns()
        try:
            return await orig_get(self)
        finally:
            started.pop(key, None)

    def get_nowait(self):
        obj = traced_obj(self)
        if obj is None:
            return orig_get_nowait(self)
        t0 = started.pop((id(self), core.current_task()), 0)
        try:
            item = orig_get_nowait(self)
        except BaseException:
            queues.emit_get(self, obj, prim_of(self), False, t0)
            raise
        queues.emit_get(self, obj, prim_of(self), True, t0)
        return item

    Q.get, Q.get_nowait = get, get_nowait
