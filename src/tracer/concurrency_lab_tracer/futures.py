"""concurrent.futures: Executor.submit (future_submit), completion (future_done, written
before the result is published so it precedes whatever the result unblocks), and the first look at
a finished future's outcome (future_read: result(), exception() or add_done_callback), so a run can
tell an exception nobody retrieved from one the program saw."""
from _thread import get_ident

from . import core, encode, result_waits, work_items
from .encode import quote, text

_serial_of = core.serials.get
_last = {}  # thread ident -> serial of the future it submitted last (asyncio's run_in_executor reads it)
_reserved = {}  # thread ident -> serial for the Future that submit() is about to create
_read = set()  # serials of futures whose future_read is written (one each: a loop of result() calls stays cheap)


def last_submitted():
    return _last.pop(get_ident(), 0)


def _wrap_submit(cls):
    orig = cls.submit

    def submit(self, fn, *args, **kwargs):
        # The Future gets its serial as it is created (a fast worker may finish it before submit
        # returns), and future_submit is written before the work can start.
        serial = core.new_serial()
        ident = get_ident()
        name = encode.callable_name(fn)
        core.emit_raw('future_submit', f'{{"obj":{serial},"executor":{quote(encode.type_name(self))},'
                                       f'"fn":{text(name)},"args":{quote(work_items.args_text(args, kwargs))},'
                                       f'"line":{core.program_line()}}}')
        _reserved[ident] = serial
        try:
            fut = orig(self, fn, *args, **kwargs)
        finally:
            _reserved.pop(ident, None)
        _last[ident] = serial
        return fut

    cls.submit = submit


def patch_base(base):
    result_waits.futures_patched(base)  # (first: it needs Future.result's own code, not our wrapper's)
    Future = base.Future
    orig_init = Future.__init__

    def __init__(self, *args, **kwargs):
        orig_init(self, *args, **kwargs)
        serial = _reserved.pop(get_ident(), None)
        if serial is not None:
            core.set_serial(self, serial)

    Future.__init__ = __init__
    orig_set_result, orig_set_exception = Future.set_result, Future.set_exception

    def set_result(self, result):
        obj = _serial_of(id(self))
        if obj is not None:
            work_items.future_finishing(obj)
            core.emit_raw('future_done', f'{{"obj":{obj},"state":"ok"}}')
        return orig_set_result(self, result)

    def set_exception(self, exception):
        obj = _serial_of(id(self))
        if obj is not None:
            work_items.future_finishing(obj)
            core.emit('future_done', {'obj': obj, 'state': 'error', 'error': encode.exception_text(exception)})
        return orig_set_exception(self, exception)

    orig_running = Future.set_running_or_notify_cancel

    def set_running_or_notify_cancel(self):
        work_items.future_running(_serial_of(id(self)))  # a thread pool worker starts it (work_items.py)
        return orig_running(self)

    Future.set_result, Future.set_exception = set_result, set_exception
    Future.set_running_or_notify_cancel = core.impersonate(set_running_or_notify_cancel, orig_running)
    _wrap_reads(Future, base.FINISHED)


def _read_once(fut, how):
    # Only the serial and a constant are written: no user object is touched (no __repr__ runs).
    obj = _serial_of(id(fut))
    if obj is not None and obj not in _read:
        _read.add(obj)
        core.emit_raw('future_read', f'{{"obj":{obj},"how":"{how}","line":{core.program_line()}}}')


def _wrap_reads(Future, finished):
    """result()/exception() saw the outcome only if the future had finished by the time they returned
    (a timeout or a cancellation did not see it); a done callback can always see it."""

    def wrap(name):
        orig = getattr(Future, name)

        def read(self, *args, **kwargs):
            try:
                return orig(self, *args, **kwargs)
            finally:
                if self._state == finished:
                    _read_once(self, name)

        setattr(Future, name, core.impersonate(read, orig))

    wrap('result')
    wrap('exception')
    orig_add = Future.add_done_callback

    def add_done_callback(self, fn):
        _read_once(self, 'callback')
        return orig_add(self, fn)

    Future.add_done_callback = core.impersonate(add_done_callback, orig_add)


def patch_thread(mod):
    _wrap_submit(mod.ThreadPoolExecutor)
    work_items.thread_pool_patched(mod)


def patch_process(mod):
    _wrap_submit(mod.ProcessPoolExecutor)
