"""A thread blocked until pool or future results come: result_wait before, result_ready after.

Future.result(), as_completed(), concurrent.futures.wait(), Executor.map, multiprocessing.Pool.map/apply,
AsyncResult.get/wait and Pool.imap all block on a threading Event or Condition that the stdlib makes for
itself, which the tracer does not follow (sync.py traces only the program's own). sync.py's Event.wait and
Condition.wait hand such an untraced wait here; it is a result wait when the stdlib function calling it is
one of those above (known by its code object: no new wrapper, nothing the program can see).
"""
import sys

from . import core

_getframe = sys._getframe
# code object of the stdlib function that calls Event/Condition.wait -> what the caller waits for
_WAITERS = {}
_MAP_CALLERS = {}  # code of a function above that wait -> what the program called ("Executor.map", "pool.map")


def futures_patched(base):
    """concurrent.futures._base imported: its waits for futures."""
    for func, what in ((base.as_completed, 'as_completed'), (base.wait, 'wait'),
                       (base.Future.result, 'result'), (base.Future.exception, 'result')):
        _add(_WAITERS, func, what)
    map_func = getattr(base.Executor, 'map', None)
    for const in getattr(getattr(map_func, '__code__', None), 'co_consts', ()):
        if getattr(const, 'co_name', '') == 'result_iterator':  # the generator map returns
            _MAP_CALLERS[const] = 'Executor.map'


def pool_patched(pool):
    """multiprocessing.pool imported: its waits for results."""
    _add(_WAITERS, pool.ApplyResult.wait, 'AsyncResult.wait')
    _add(_WAITERS, pool.IMapIterator.next, 'pool.imap')
    _add(_MAP_CALLERS, pool.ApplyResult.get, 'AsyncResult.get')
    for name in ('map', 'starmap', 'apply'):
        _add(_MAP_CALLERS, getattr(pool.Pool, name, None), 'pool.' + name)


def _add(table, func, what):
    code = getattr(func, '__code__', None)
    if code is not None:
        table[code] = what


def wait(orig, self, timeout, is_set=None):
    """An untraced Event/Condition.wait(timeout): a result wait when a future's or pool's code asks.
    `is_set`: Event's own (AsyncResult.get waits on its event even when its result is there), asked
    only when a stdlib waiter calls: a program subclass's is_set never runs (its _flag is read, as
    Event.wait reads it)."""
    frame = _getframe(2)  # the stdlib function calling wait (1 is sync.py's wrapper)
    what = _WAITERS.get(frame.f_code)
    if what is None or (is_set is not None and is_set(self)):
        return orig(self, timeout)
    head = ''
    if what == 'result':
        fut = frame.f_locals.get('self')  # Future.result's own frame (the stdlib's, not the program's)
        obj = core.serials.get(id(fut))
        if obj is not None:
            head = f'"obj":{obj},'
    f = frame.f_back
    for _ in range(3):  # Executor.map's generator or Pool.map/apply: name the call the program made
        if f is None or f.f_code.co_filename == core.program:
            break
        what = _MAP_CALLERS.get(f.f_code, what)
        f = f.f_back
    line = core.program_line_from(frame)
    core.emit_raw('result_wait', f'{{{head}"what":"{what}","line":{line}}}')
    core.flush()
    t0 = core.perf_ns()
    ok = False
    try:
        ok = orig(self, timeout)
        return ok
    finally:
        waited = core.perf_ns() - t0
        core.emit_raw('result_ready', f'{{"ok":{"true" if ok else "false"},"waited_ns":{waited},"line":{line}}}')
