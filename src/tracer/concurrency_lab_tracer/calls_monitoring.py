"""Function spans on Python 3.12+ with sys.monitoring.

Only the program's own code objects have PY_START/PY_RETURN/PY_YIELD/PY_RESUME, as local events:
every code object of the program is known before it runs (the launcher and spawn children compile
it with compile_program, and an import of it under a module name is seen by program_loads), so
other code never calls back at all. (A global PY_START would call back once for every other code
object that runs, to be disabled: ~700 while asyncio is imported and more at exit, ~2-6 ms per
process.) Where the program's code is made out of sight (a child interpreter runs the file
itself), PY_START is global instead and other code is disabled on its first start. A program
function past its call budget is disabled the same way (its later calls cannot be counted: the
summary reports -1 for it). RAISE, PY_THROW and PY_UNWIND cannot be local, so they filter.
"""
import sys

from . import codes, core, io_calls, program_loads

_program_mon = sys.monitoring  # what the program sees (its functions are replaced: see _hide_tool)
mon = type(sys)('monitoring')  # the real functions, for our own use
mon.__dict__.update(_program_mon.__dict__)
E = mon.events
DISABLE = mon.DISABLE
_getframe = sys._getframe
emit_span = core.emit_span
states = codes.states
task_roots = codes.task_roots
tool = None


def _on_start(code, offset):
    st = states.get(id(code))
    if not st:
        if st is False:
            return DISABLE
        if _framed and id(code) in _framed:
            return _framed_call(code, 1)
        st = codes.define(code)
        if not st:
            return DISABLE
        if not _watched_ahead:
            _watch(code)
            if _until_main and code.co_name == '<module>':
                _main_started(code)
    left = st[1]
    if left == 0:
        codes.budget_hit(st, exact=False)
        if task_roots:
            codes.unroot(code, lambda frame, coro: frame in st[2])
        return DISABLE
    st[1] = left - 1
    frame = _getframe(1)
    lookup = core.current_task
    task = lookup() if lookup is not None else 0
    st[2][frame] = task if st[3] else -1  # (-1: a generator may be resumed by any task; look it up each time)
    back = frame.f_back
    line = back.f_lineno if back is not None and back.f_code.co_filename == core.program else code.co_firstlineno
    emit_span('call', st[0], line or 0, task)


def _on_return(code, offset, retval):
    st = states.get(id(code))
    if not st:
        if io_calls.is_io_code(code):  # a stdlib I/O function the program called (io_calls)
            return io_calls.returned(code)
        if _framed and id(code) in _framed:
            return _framed_call(code, 2)
        return DISABLE
    live = st[2]
    frame = _getframe(1)
    task = live.pop(frame, None)
    if task is not None:
        if task_roots and id(frame) in task_roots:
            codes.root_ended(frame, None, st[0], task)
        else:
            emit_span('return', st[0], None, task)
            if code is _main_code:  # the program run directly has run its last line (see launcher.main_ended)
                core.flush()
    elif st[1] == 0 and not live and not st[5]:
        return DISABLE


def _on_yield(code, offset, retval):
    st = states.get(id(code))
    if not st:
        if io_calls.is_io_code(code):
            return io_calls.suspended(code, _getframe(1))
        return DISABLE
    if st[1] == 0:  # over budget: suspensions are no longer shown (the span stays open until it returns)
        return DISABLE
    task = st[2].get(_getframe(1))
    if task is not None:
        lookup = codes.serial_lookup
        awaited = lookup(retval) if lookup is not None else 0
        emit_span('yield', st[0], awaited, task)


def _on_resume(code, offset):
    st = states.get(id(code))
    if not st:
        if io_calls.is_io_code(code):
            return io_calls.resumed(code, _getframe(1))
        return DISABLE
    left = st[1]
    if left == 0:
        return DISABLE
    task = st[2].get(_getframe(1))
    if task is not None:
        st[1] = left - 1  # each resume counts against the budget like a call (genexprs resume a lot)
        emit_span('resume', st[0], None, task)
        hook = resumed
        if hook is not None:
            hook()


def _on_throw(code, offset, exc):
    _on_resume(code, offset)  # a throw into a coroutine (cancel) resumes it; never disable here


def _on_unwind(code, offset, exc):
    st = states.get(id(code))
    if st:
        frame = _getframe(1)
        if frame.f_back is None and code.co_name == '<module>' and main_unwound is not None:
            main_unwound(exc)  # the program run directly ends with it (launcher.main_unwound)
        task = st[2].pop(frame, None)
        if task is not None:
            if task_roots and id(frame) in task_roots:
                codes.root_ended(frame, exc, st[0], task)
            else:
                emit_span('return', st[0], None, task)
    elif io_calls.is_io_code(code):
        io_calls.returned(code, False)
    elif _framed and id(code) in _framed:
        _framed_call(code, 2)


_framed = {}  # id(code) -> (code, on_start(frame), on_end(frame)): see watch_calls


def watch_calls(code, on_start, on_end):
    """Call on_start(frame) when a frame of `code` (not the program's) starts and on_end(frame) when it
    returns or unwinds, in its own thread and with no frame of ours around it (threads.py: a thread's
    stack stays its own). False when it cannot be watched (the caller wraps the function instead)."""
    if tool is None or _stopped:
        return False
    try:
        mon.set_local_events(tool, code, E.PY_START | E.PY_RETURN)
    except (ValueError, TypeError, AttributeError):
        return False
    _framed[id(code)] = (code, on_start, on_end)
    return True


def _framed_call(code, which):
    try:
        _framed[id(code)][which](_getframe(2))
    except Exception:
        pass  # (nothing of ours may raise into the program)


def sleep_begin(frame, own):
    """An asyncio.sleep awaited directly by program frame `frame` is about to suspend it. When the
    frame is recorded its 'sleep' stands for its yield and its 'slept' for its resume (two events
    less per sleep): it is set aside until sleep_end, so its yield and resume hooks find nothing
    to report (and a return hook of another frame of its code does not disable its own return).
    Returns (code id, task, what sleep_end needs) or None."""
    st = states.get(id(frame.f_code))
    if not st or st[1] == 0:
        return None
    task = st[2].pop(frame, None)
    if task is None:
        return None
    st[5][frame] = task
    return (st[0], task, st, frame)


def sleep_end(token):
    """The sleep is over: the frame is recorded again (its 'slept' is its resume, counted against its
    budget as a resume is)."""
    st, frame = token[2], token[3]
    st[2][frame] = st[5].pop(frame, token[1])
    if st[1] > 0:
        st[1] -= 1


def compile_program(source, filename):
    """(code, no globals to add) for the program file, from program_cache when it was compiled
    before (the first compile() of a process costs more than the cache: see there)."""
    from . import program_cache
    try:
        code, _ = program_cache.get(source, filename, lambda: (compile(source, filename, 'exec', dont_inherit=True), ()))
    except Exception:
        return None  # the launcher compiles it again: its error then shows no frame of ours
    watch_program(code)
    return code, {}


def compiled_elsewhere():
    """The program's code is made where it cannot be watched ahead (see program_loads)."""
    _watch_all()


def watch_program(module_code):
    """Events for the program's code objects (the module's and every one nested in it), before
    any of them runs. Comprehensions and generator expressions get none (see codes.define)."""
    if not _watched_ahead or _stopped:
        return
    todo = [module_code]
    while todo:
        code = todo.pop()
        todo.extend(c for c in code.co_consts if type(c) is CodeType)
        if code.co_name not in codes.EXPRESSION_CODES and _watch(code):
            _watched.append(code)


def reports_end(frame, coro):
    """Will the end of this program coroutine frame (a task's root) be recorded?"""
    st = states.get(id(frame.f_code))
    if st is None:
        return True  # not started yet, with its whole budget
    if st is False:
        return False
    return frame in st[2] or (st[1] != 0 and not codes.started(coro))


def _on_raise(code, offset, exc):
    if code.co_filename == core.program and not codes.skippable_exception(exc) and codes.raise_origin(exc):
        frame = _getframe(1)
        codes.emit_exc(exc, frame.f_lineno or 0, False)


resumed = None  # asyncio patch: note that the running task woke up
main_unwound = None  # launcher.main_unwound when the program runs directly (3.12+ root)
_main_code = None  # its <module> code (its return writes what is pending: see launcher.main_ended)

LOCAL_EVENTS = E.PY_START | E.PY_RETURN | E.PY_YIELD | E.PY_RESUME  # (| io_calls' events, set by install)
GLOBAL_EVENTS = E.PY_THROW | E.PY_UNWIND | E.RAISE  # these cannot be local
EVENTS = GLOBAL_EVENTS | LOCAL_EVENTS
CodeType = type(_on_start.__code__)
_local = True  # False after set_local_events failed once: every event is global then
_watched_ahead = True  # the program's code objects get their events before they run (else PY_START is global)
_watched = []  # code objects given events ahead (see stop)
_stopped = False  # the event cap was hit: nothing switches events on again
_until_main = False  # PY_START is global until the program run directly starts (_main_started)


def _watch(code):
    """Local events for one program code object; False when they cannot be local (then all are global)."""
    global _local, _watched_ahead
    if _local:
        try:
            mon.set_local_events(tool, code, LOCAL_EVENTS)
            return True
        except (ValueError, TypeError, AttributeError):
            _local = _watched_ahead = False
        mon.set_events(tool, EVENTS)
    return False


def _main_started(module_code):
    """The program file run directly starts: PY_START was global only until its code could be seen
    (Python compiled it); from here on its code objects have local events, as when compiled by us."""
    global _watched_ahead, _until_main, _main_code
    _until_main = False
    _main_code = module_code
    if tool is None or _stopped:
        return
    _watched_ahead = True
    watch_program(module_code)
    if _watched_ahead:  # (else a local event failed: every event is global now)
        mon.set_events(tool, GLOBAL_EVENTS)


def _watch_all():
    """PY_START for all code from now on: program code is defined (and watched) on its first start,
    anything else disabled there."""
    global _watched_ahead
    if _watched_ahead and tool is not None and not _stopped:
        _watched_ahead = False
        mon.set_events(tool, GLOBAL_EVENTS | E.PY_START)


def install():
    global tool, _until_main
    # Unnamed ids first: taking PROFILER_ID (2) would make cProfile fail inside the program.
    for candidate in (4, 3, mon.PROFILER_ID, 5):
        try:
            mon.use_tool_id(candidate, 'concurrency-lab')
        except ValueError:
            continue
        tool = candidate
        break
    if tool is None:
        return False
    _hide_tool()
    global LOCAL_EVENTS, EVENTS
    LOCAL_EVENTS |= io_calls.install(mon, tool, DISABLE)
    EVENTS |= LOCAL_EVENTS
    for ev, fn in ((E.PY_START, _on_start), (E.PY_RETURN, _on_return), (E.PY_YIELD, _on_yield),
                   (E.PY_RESUME, _on_resume), (E.PY_THROW, _on_throw), (E.PY_UNWIND, _on_unwind),
                   (E.RAISE, _on_raise)):
        mon.register_callback(tool, ev, fn)
    mon.set_events(tool, GLOBAL_EVENTS)
    if not program_loads.watch_imports(watch_program):
        _watch_all()
    elif program_loads.runs_program_directly():  # (Python compiles the file: seen as its <module> starts)
        _until_main = True
        _watch_all()
    core.cap_hooks.append(stop)
    return True


_program_callbacks = {}  # event -> callback the program registered on our id before it took the id


def _hide_tool():
    """The program sees our tool id as free: get_tool() says None, and the calls that need an id in
    use fail as they would. A program that takes our id gets it: tracing stops quietly (the
    monitoring hooks are the only way we see calls on 3.12+) rather than breaking the program."""
    real = mon

    def ours(tool_id):
        return tool is not None and tool_id == tool

    def use_tool_id(tool_id, name):
        if ours(tool_id):
            _give_up_tool()
            _program_mon.__dict__.update(_originals)  # nothing left to hide: the program calls C again
            result = real.use_tool_id(tool_id, name)
            for event, callback in _program_callbacks.items():
                real.register_callback(tool_id, event, callback)
            return result
        return real.use_tool_id(tool_id, name)

    def get_tool(tool_id):
        return None if ours(tool_id) else real.get_tool(tool_id)

    def free_tool_id(tool_id):
        return None if ours(tool_id) else real.free_tool_id(tool_id)

    def register_callback(tool_id, event, func):
        if ours(tool_id):
            old = _program_callbacks.get(event)
            _program_callbacks[event] = func
            return old
        return real.register_callback(tool_id, event, func)

    def not_in_use(tool_id):
        return ValueError('tool %d is not in use' % tool_id)

    def set_events(tool_id, event_set):
        if ours(tool_id):
            raise not_in_use(tool_id)
        return real.set_events(tool_id, event_set)

    def get_events(tool_id):
        return 0 if ours(tool_id) else real.get_events(tool_id)

    def set_local_events(tool_id, code, event_set):
        if ours(tool_id):
            raise not_in_use(tool_id)
        return real.set_local_events(tool_id, code, event_set)

    def get_local_events(tool_id, code):
        return 0 if ours(tool_id) else real.get_local_events(tool_id, code)

    for fn in (use_tool_id, get_tool, free_tool_id, register_callback, set_events, get_events, set_local_events,
               get_local_events):
        original = getattr(real, fn.__name__, None)
        if original is not None:
            _originals[fn.__name__] = original
            setattr(_program_mon, fn.__name__, core.impersonate(fn, original, 'sys.monitoring'))


_originals = {}


def _give_up_tool():
    global tool
    stop()
    io_calls.give_up()
    for ev in (E.PY_START, E.PY_RETURN, E.PY_YIELD, E.PY_RESUME, E.PY_THROW, E.PY_UNWIND, E.RAISE, E.CALL, E.C_RETURN,
               E.C_RAISE):
        mon.register_callback(tool, ev, None)
    mon.free_tool_id(tool)
    tool = None


def stop():
    global _stopped
    _stopped = True
    if tool is not None:
        mon.set_events(tool, 0)
        for code in _watched + [st[4] for st in states.values() if st]:
            try:
                mon.set_local_events(tool, code, 0)
            except ValueError:
                pass


def after_fork_child():
    codes.reset()
    io_calls.after_fork_child()
    if tool is not None:
        mon.restart_events()  # a fresh budget per process: disabled program code is enabled again

