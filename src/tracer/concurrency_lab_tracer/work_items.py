"""Pool work items: which worker ran which item. work_begin when a pool worker starts one, work_end when it
has finished it (before its result is handed back), so the worker's lane shows one span per item.

- ThreadPoolExecutor (and asyncio's run_in_executor): Future.set_running_or_notify_cancel called by
  the worker's _WorkItem.run, with the future's serial (its submit recorded the callable and a short
  safe repr of the arguments); the end is that future's set_result/set_exception in the same thread.
- ProcessPoolExecutor and multiprocessing.Pool, in the worker process: the call item the worker got
  from its task queue (multiprocessing's queue get, already patched), with the callable and its
  arguments; the end is the worker putting the result on its result queue.

Only hooks the tracer already has are used (Future methods, multiprocessing queue get/put): nothing
new is wrapped. Argument text comes from encode (builtin values only; never a program __repr__).
"""
import sys
from _thread import get_ident
from functools import partial as _partial

from . import core, encode, result_waits
from .encode import quote, text

_getframe = sys._getframe
_running = {}  # thread ident -> serial of the ThreadPoolExecutor future its worker runs
_thread_run_code = None  # concurrent.futures.thread._WorkItem.run's code
_pool_worker_code = None  # multiprocessing.pool.worker's code
_ARGS_LIMIT = 60


def args_text(args, kwargs=None):
    """'3, 'slow'' for a call's arguments: short safe reprs, bounded."""
    parts = [encode.short_repr(a, 30) for a in args[:4]]
    if len(args) > 4:
        parts.append('\u2026')
    if kwargs:
        for k in list(kwargs)[:3]:
            parts.append(f'{encode.plain_text(k, 20)}={encode.short_repr(kwargs[k], 20)}')
    shown = ', '.join(parts)
    return shown if len(shown) <= _ARGS_LIMIT else shown[:_ARGS_LIMIT - 1] + '\u2026'


def thread_pool_patched(thread_mod):
    global _thread_run_code
    try:
        _thread_run_code = thread_mod._WorkItem.run.__code__
    except AttributeError:
        pass


def future_running(fut_serial):
    """Future.set_running_or_notify_cancel: a thread pool's worker starts the future's work item."""
    if fut_serial is not None and _thread_run_code is not None and _getframe(2).f_code is _thread_run_code:
        _running[get_ident()] = fut_serial
        core.emit_raw('work_begin', f'{{"obj":{fut_serial}}}')


def future_finishing(fut_serial):
    """set_result/set_exception: the end of the work item this thread runs, if it is that future's."""
    ident = get_ident()
    if _running.get(ident) == fut_serial:
        del _running[ident]
        core.emit_raw('work_end', f'{{"obj":{fut_serial}}}')


# --- worker processes (multiprocessing's queues) ---------------------------------------------------------

_proc_item = {}  # thread ident -> True while a worker process runs an item it got


def got_from_queue(obj):
    """A multiprocessing queue get returned `obj` (to a queue the program did not make): a
    ProcessPoolExecutor call item, or a multiprocessing.Pool task, starts a work item."""
    t = type(obj)
    name = t.__name__
    if name == '_CallItem' and t.__module__ == 'concurrent.futures.process':
        fn, args = obj.fn, obj.args
        if type(fn) is _partial and encode.callable_name(fn.func) == '_process_chunk' and fn.args and args:
            # ProcessPoolExecutor.map: _process_chunk(fn, chunk), each item of the chunk a tuple of arguments
            _chunk(fn.args[0], obj.work_id, args[0], True)
        else:
            _begin(fn, obj.work_id, _args_field(args, obj.kwargs))
    elif t is tuple and len(obj) == 5 and _pool_worker_code is not None and _caller_is_pool_worker():
        job, i, func, args, kwds = obj
        fname = encode.callable_name(func)  # (a program's callable object: no __getattr__ of its runs)
        if fname in ('mapstar', 'starmapstar') and type(args) is tuple and len(args) == 1 and \
                type(args[0]) is tuple and len(args[0]) == 2:
            fn, chunk = args[0]  # Pool.map/imap/starmap: one function over a chunk of items
            _chunk(fn, job, chunk, fname == 'starmapstar')
        else:
            _begin(func, job, _args_field(args if type(args) is tuple else (), kwds if type(kwds) is dict else None))


def _chunk(fn, job, chunk, star):
    """A chunk of items for one function: one item reads as a call, more as the list of items."""
    if type(chunk) not in (list, tuple):
        _begin(fn, job, '"args":""')
    elif len(chunk) == 1:
        item = chunk[0]
        _begin(fn, job, _args_field(item if star and type(item) is tuple else (item,), None))
    else:
        if star:
            chunk = [x[0] if type(x) is tuple and len(x) == 1 else x for x in chunk]
        _begin(fn, job, f'"items":{quote(encode.short_repr(list(chunk), _ARGS_LIMIT))},"n":{len(chunk)}')


def _args_field(args, kwargs):
    return f'"args":{quote(args_text(args, kwargs))}'


def _caller_is_pool_worker():
    f = _getframe(3)
    for _ in range(3):
        if f is None:
            return False
        if f.f_code is _pool_worker_code:
            return True
        f = f.f_back
    return False


def _begin(fn, job, what):
    ident = get_ident()
    if _proc_item.pop(ident, False):
        core.emit_raw('work_end', '{}')  # (the last item ended without a result put: it raised BaseException)
    _proc_item[ident] = True
    job = job if type(job) is int else 0
    core.emit_raw('work_begin', f'{{"fn":{text(encode.callable_name(fn))},{what},"job":{job}}}')


def putting_result(obj):
    """A worker process puts something on a multiprocessing queue: its result ends the item it ran."""
    ident = get_ident()
    if _proc_item.get(ident):
        t = type(obj)
        if (t.__name__ == '_ResultItem' and t.__module__ == 'concurrent.futures.process') or \
                (t is tuple and len(obj) == 3 and _caller_is_pool_worker()):
            del _proc_item[ident]
            core.emit_raw('work_end', '{}')


def pool_patched(pool_mod):
    global _pool_worker_code
    try:
        _pool_worker_code = pool_mod.worker.__code__
    except AttributeError:
        pass
    result_waits.pool_patched(pool_mod)
