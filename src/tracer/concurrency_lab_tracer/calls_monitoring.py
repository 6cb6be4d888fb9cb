"""Function spans on Python 3.12+ with sys.monitoring.

Only PY_START (and the events that cannot be local) is global: code outside the program file gets
DISABLE on its first start, so it costs nothing afterwards, and its returns, yields and resumes
are never reported at all (importing asyncio runs ~1,000 such code objects). Program code gets
PY_RETURN/PY_YIELD/PY_RESUME as local events when it first starts. A program function past its
call budget is disabled the same way (its later calls cannot be counted: the summary reports -1
for it). RAISE and PY_UNWIND cannot be disabled (nor be local), so they filter.
"""
import sys

from . import codes, core

mon = sys.monitoring
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
        st = codes.define(code)
        if not st:
            return DISABLE
        _watch(code)
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
        return DISABLE
    live = st[2]
    frame = _getframe(1)
    task = live.pop(frame, None)
    if task is not None:
        if task_roots and id(frame) in task_roots:
            codes.root_ended(frame, None, st[0], task)
        else:
            emit_span('return', st[0], None, task)
    elif st[1] == 0 and not live and not st[5]:
        return DISABLE


def _on_yield(code, offset, retval):
    st = states.get(id(code))
    if not st:
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
        task = st[2].pop(frame, None)
        if task is not None:
            if task_roots and id(frame) in task_roots:
                codes.root_ended(frame, exc, st[0], task)
            else:
                emit_span('return', st[0], None, task)


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
    return code, {}


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

LOCAL_EVENTS = E.PY_RETURN | E.PY_YIELD | E.PY_RESUME
GLOBAL_EVENTS = E.PY_START | E.PY_THROW | E.PY_UNWIND | E.RAISE  # THROW/UNWIND/RAISE cannot be local
EVENTS = GLOBAL_EVENTS | LOCAL_EVENTS
_local = True  # False after set_local_events failed once: every event is global then, as before


def _watch(code):
    global _local
    if _local:
        try:
            mon.set_local_events(tool, code, LOCAL_EVENTS)
            return
        except (ValueError, TypeError, AttributeError):
            _local = False
        mon.set_events(tool, EVENTS)


def install():
    global tool
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
    for ev, fn in ((E.PY_START, _on_start), (E.PY_RETURN, _on_return), (E.PY_YIELD, _on_yield),
                   (E.PY_RESUME, _on_resume), (E.PY_THROW, _on_throw), (E.PY_UNWIND, _on_unwind),
                   (E.RAISE, _on_raise)):
        mon.register_callback(tool, ev, fn)
    mon.set_events(tool, GLOBAL_EVENTS)
    core.cap_hooks.append(stop)
    return True


def stop():
    if tool is not None:
        mon.set_events(tool, 0)
        for st in list(states.values()):
            if st:
                try:
                    mon.set_local_events(tool, st[4], 0)
                except ValueError:
                    pass


def after_fork_child():
    codes.reset()
    if tool is not None:
        mon.restart_events()  # a fresh budget per process: disabled program code is enabled again

