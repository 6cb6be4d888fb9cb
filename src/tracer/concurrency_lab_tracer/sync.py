"""threading Lock/RLock/Semaphore/BoundedSemaphore/Event/Condition/Barrier.

Only primitives the program itself creates are traced (the stdlib's internal locks are not).
Events that can unblock another thread are written before the real operation; a blocking
acquire is a lock_wait before and lock_acquired after.
"""
from . import core, result_waits
from .encode import class_module, class_mro, class_name, class_text, dumps, quote
from .naming import new_named_serial

perf_ns = core.perf_ns
emit_raw = core.emit_raw
program_line = core.program_line


_quoted_prims = {}  # prim name -> its JSON (a handful of names; every put, get and release asks)


def obj_head(obj, prim, key=None):
    """'{"obj":N,"prim":"..",' (and "key") - the start of every primitive event's data."""
    prim_json = _quoted_prims.get(prim)
    if prim_json is None:
        prim_json = _quoted_prims[prim] = quote(prim)
    if key is None:
        return f'{{"obj":{obj},"prim":{prim_json},'
    return f'{{"obj":{obj},"prim":{prim_json},"key":{dumps(key)},'


def emit_free_acquire(head, line):
    """lock_acquired for an acquire that did not wait (the common case: no dict, no encoder)."""
    emit_raw('lock_acquired', f'{head}"ok":true,"waited_ns":0,"contended":false,"line":{line}}}')


def emit_release(head, line):
    emit_raw('lock_release', f'{head}"line":{line}}}')


def acquire_into(got, acquire, *args):
    """acquire(*args), its result appended to `got`, both done in C: a signal handler's exception
    that Python raises as the call returns (after the lock was taken) still leaves the result in
    `got`, so the caller's except clause can give the lock back. Returns the result."""
    got.extend(map(acquire, *zip(args)))  # (zip, not a comprehension: no Python frame per acquire)
    return got[-1]


_NO_WAIT = (False,)  # map(lock.acquire, _NO_WAIT): the inlined acquire_into(got, lock.acquire, False)


def acquire_traced(try_acquire, block_acquire, obj, prim, blocking, key=None, timeout=None):
    """Shared acquire logic: a free lock gives one event; a contended one gives wait + acquired."""
    if try_acquire():
        emit_free_acquire(obj_head(obj, prim, key), program_line(3))
        return True
    return acquire_contended(block_acquire, obj, prim, blocking, key, timeout)


def acquire_contended(block_acquire, obj, prim, blocking, key=None, timeout=None):
    """The lock was taken: a failed non-blocking acquire, or lock_wait ... lock_acquired (with a
    flush first when the wait may be long: see core.flush_before_wait)."""
    base = {'obj': obj, 'prim': prim}
    if key is not None:
        base['key'] = key
    if not blocking:
        core.emit('lock_acquired', dict(base, ok=False, waited_ns=0, contended=True))
        return False
    d = dict(base)
    d['line'] = program_line(3)  # walks on past acquire_traced's frame when that called us
    core.emit('lock_wait', d)
    core.flush_before_wait(timeout)
    t0 = perf_ns()
    ok = False
    try:
        ok = block_acquire()
    finally:
        core.emit('lock_acquired', dict(base, ok=bool(ok), waited_ns=perf_ns() - t0, contended=True))
    return ok


def blocking_call(begin, end, base, call, result_fields=lambda r: {'ok': bool(r)}, timeout=None):
    """A blocking wait: `begin` event, flush when it may be long (a kill while blocked loses nothing:
    core.flush_before_wait), the call, then `end` with how long it waited and what
    result_fields(result) says (result None if it raised)."""
    core.emit(begin, dict(base, line=core.program_line(3)))
    core.flush_before_wait(timeout)
    t0 = perf_ns()
    result = None
    try:
        result = call()
        return result
    finally:
        core.emit(end, dict(base, waited_ns=perf_ns() - t0, **result_fields(result)))


def flush_at_task_wait(timeout=None):
    """A task is about to wait in a traced asyncio wait: write what is pending if the loop may now go
    idle (see core.flush_before_wait). The asyncio patch replaces this with what the loop allows
    (aio.patch)."""
    core.flush_before_wait(timeout)


async def blocking_await(begin, end, base, call):
    """blocking_call for a coroutine (the thread does not block: see flush_at_task_wait)."""
    core.emit(begin, dict(base, line=core.program_line(3)))
    flush_at_task_wait()
    t0 = perf_ns()
    ok = False
    try:
        ok = await call()
        return ok
    finally:
        core.emit(end, dict(base, ok=bool(ok), waited_ns=perf_ns() - t0))


def announcing(kind, orig, prim, fields=None):
    """Wrap a method that may unblock others (set, clear, notify): the event goes first."""
    def wrapper(self, *args, **kwargs):
        obj = traced_obj(self)
        if obj is not None:
            name = prim(self) if callable(prim) else prim
            if fields is None:
                emit_raw(kind, f'{obj_head(obj, name)}"line":{program_line()}}}')
            else:
                data = {'obj': obj, 'prim': name, 'line': program_line()}
                data.update(fields(self, *args, **kwargs))
                core.emit(kind, data)
        return orig(self, *args, **kwargs)
    return wrapper


# Signal safety: the C lock's acquire and release cannot be split by a signal handler's exception;
# these wrappers run Python between the real operation and its bookkeeping, where the handler may
# raise. So the real acquire's result is kept by acquire_into, and an exception anywhere after it
# gives the lock back (the acquire raised: as if it never happened); a release always happens once
# its event was attempted (try/finally), and release/__exit__ enter that try without a signal check.


def _resume_opcode():
    code = (lambda: None).__code__.co_code
    return code[0] if code[1] == 0 else None  # 3.11+: RESUME 0 (function start) is the first instruction


_RESUME = _resume_opcode()


def no_signal_check_on_entry(func):
    """3.11+ run pending signal handlers as a Python function starts (RESUME 0), before its first line:
    a handler raising there would leave the lock held before release's try/finally began (a C release
    runs them only after releasing). RESUME with oparg 2 (as after `yield from`) does not check; the
    first check is then inside the function's try. Before 3.11 a function start checks nothing."""
    code = func.__code__
    raw = code.co_code
    if _RESUME is not None and raw[0] == _RESUME and raw[1] == 0:
        func.__code__ = code.replace(co_code=bytes((_RESUME, 2)) + raw[2:])
    return func


class TracedLock(object):
    """Wraps a real lock; behaves like threading.Lock."""
    __slots__ = ('_lock', '_clab_obj', '__weakref__')
    _prim = 'Lock'

    def __init__(self, lock):
        self._lock = lock
        self._clab_obj = new_named_serial()

    def acquire(self, blocking=True, timeout=-1):
        lock = self._lock
        got = []
        try:
            got.extend(map(lock.acquire, _NO_WAIT))
            if got[0]:  # (the common case, inlined: one call less per acquire)
                emit_raw('lock_acquired', f'{{"obj":{self._clab_obj},"prim":"Lock","ok":true,"waited_ns":0,'
                                          f'"contended":false,"line":{program_line()}}}')
                return True
            return acquire_contended(lambda: acquire_into(got, lock.acquire, True, timeout), self._clab_obj,
                                     self._prim, blocking, None, timeout)
        except BaseException:
            if got and got[-1] is True:
                self._give_back()
            raise

    __enter__ = acquire

    def _give_back(self):
        try:
            emit_release(f'{{"obj":{self._clab_obj},"prim":"Lock",', 0)
        finally:
            self._lock.release()

    @no_signal_check_on_entry
    def release(self):
        try:
            emit_raw('lock_release', f'{{"obj":{self._clab_obj},"prim":"Lock","line":{program_line()}}}')
        finally:
            self._lock.release()

    @no_signal_check_on_entry
    def __exit__(self, *exc):  # (release's body, not a call of it: one Python call less per with-block)
        try:
            emit_raw('lock_release', f'{{"obj":{self._clab_obj},"prim":"Lock","line":{program_line()}}}')
        finally:
            self._lock.release()

    def locked(self):
        return self._lock.locked()

    def _is_owned(self):
        # Condition's ownership probe; done on the inner lock so it leaves no events.
        if self._lock.acquire(False):
            self._lock.release()
            return False
        return True

    def _at_fork_reinit(self):
        self._lock._at_fork_reinit()

    def __repr__(self):
        return repr(self._lock)


class TracedRLock(object):
    __slots__ = ('_lock', '_clab_obj', '_depth', '__weakref__')
    _prim = 'RLock'

    def __init__(self, lock):
        self._lock = lock
        self._clab_obj = new_named_serial()
        self._depth = 0

    def acquire(self, blocking=True, timeout=-1):
        lock = self._lock
        depth = self._depth
        got = []
        try:
            if depth and lock._is_owned():
                acquire_into(got, lock.acquire, True)
                self._depth = depth + 1
                return True
            depth = 0  # (another thread's depth, read as it held the lock)
            got.extend(map(lock.acquire, _NO_WAIT))
            if got[0]:  # (the free acquire inlined, as in TracedLock)
                emit_raw('lock_acquired', f'{{"obj":{self._clab_obj},"prim":"RLock","ok":true,"waited_ns":0,'
                                          f'"contended":false,"line":{program_line()}}}')
                self._depth = 1
                return True
            ok = acquire_contended(lambda: acquire_into(got, lock.acquire, True, timeout), self._clab_obj,
                                   self._prim, blocking, None, timeout)
            if ok:
                self._depth = 1
            return ok
        except BaseException:
            if got and got[-1] is True:
                self._depth = depth
                try:
                    if not depth:
                        emit_release(f'{{"obj":{self._clab_obj},"prim":"RLock",', 0)
                finally:
                    lock.release()
            raise

    __enter__ = acquire

    @no_signal_check_on_entry
    def release(self):
        depth = self._depth
        try:
            if depth == 1:
                emit_release(f'{{"obj":{self._clab_obj},"prim":"RLock",', program_line())
        finally:
            self._lock.release()  # (raises if this thread does not hold it: then the depth stays)
            if depth:
                self._depth = depth - 1

    @no_signal_check_on_entry
    def __exit__(self, *exc):  # (release's body, as in TracedLock)
        depth = self._depth
        try:
            if depth == 1:
                emit_release(f'{{"obj":{self._clab_obj},"prim":"RLock",', program_line())
        finally:
            self._lock.release()
            if depth:
                self._depth = depth - 1

    def _is_owned(self):
        return self._lock._is_owned()

    def _release_save(self):
        core.emit('lock_release', {'obj': self._clab_obj, 'prim': self._prim})
        depth, self._depth = self._depth, 0
        return (self._lock._release_save(), depth)

    def _acquire_restore(self, state):
        t0 = perf_ns()
        self._lock._acquire_restore(state[0])
        self._depth = state[1]
        core.emit('lock_acquired', {'obj': self._clab_obj, 'prim': self._prim, 'ok': True,
                                    'waited_ns': perf_ns() - t0, 'contended': False})

    def _at_fork_reinit(self):
        self._lock._at_fork_reinit()
        self._depth = 0

    def __repr__(self):
        return repr(self._lock)


_serial_of = core.serials.get  # (bound once: every acquire, release, put and get asks)


def traced_obj(self):
    return _serial_of(id(self))


def mark_if_program(self, depth=3):
    """Give a primitive a serial when the program (not the stdlib) constructed it."""
    if core.called_from_program(depth):
        core.set_serial(self, new_named_serial())


def wrap_init(cls):
    orig = cls.__dict__['__init__']

    def __init__(self, *args, **kwargs):
        orig(self, *args, **kwargs)
        mark_if_program(self)

    cls.__init__ = __init__


_prim_names = {}  # (type, names) -> prim_name's answer (every put/get/release asks)
_fields_of = core.fields_of


def prim_name(self, names):
    cls = type(self)
    if type(cls) is not type:  # (a program's metaclass: see _prim_name_beside)
        return _prim_name_beside(cls, names)
    name = _prim_names.get((cls, names))
    if name is None:
        name = _prim_names[(cls, names)] = _stdlib_name(cls, names)
    return name


def _prim_name_beside(cls, names):
    """prim_name for a class with a metaclass, kept beside the class (marks): _prim_names would hash the
    class and compare it, running the metaclass's __hash__/__eq__. (A plain class hashes and compares by
    identity: its table costs ~500 instructions a call less than this on 3.13.)"""
    fields = _fields_of(id(cls))
    name = fields.get(names) if fields is not None else None
    if name is None:
        name = _stdlib_name(cls, names)
        core.set_field(cls, names, name)
    return name


def _stdlib_name(cls, names):
    for klass in class_mro(cls):
        name = class_name(klass)
        # (plain str first: a program class's __name__/__module__ may be a str subclass whose __hash__/__eq__
        # a lookup would run)
        if type(name) is str and name in names:
            module = _module_or_none(klass)
            if type(module) is str and module in ('threading', 'queue', 'asyncio.locks', 'asyncio.queues'):
                return name
    return class_text(cls)


def _module_or_none(cls):
    try:
        return class_module(cls)
    except AttributeError:  # (a class that type() made where the globals have no __name__ has none)
        return None


def patch(threading):
    real_lock = threading.Lock
    real_rlock = threading.RLock

    def Lock(*args, **kwargs):
        lock = real_lock(*args, **kwargs)
        return TracedLock(lock) if core.called_from_program() else lock

    def RLock(*args, **kwargs):
        lock = real_rlock(*args, **kwargs)
        return TracedRLock(lock) if core.called_from_program() else lock

    # Named as what they replace, so pickle (Manager's registry) finds them as threading.Lock/RLock.
    for fn, name in ((Lock, 'Lock'), (RLock, 'RLock')):
        fn.__name__ = fn.__qualname__ = name
        fn.__module__ = 'threading'
    threading.Lock = Lock
    threading.RLock = RLock
    _patch_semaphore(threading)
    _patch_event(threading)
    _patch_condition(threading)
    _patch_barrier(threading)


def _without_n(traced_release):
    """release(self) for 3.8, whose Semaphore.release takes no n (named `release`: Python's TypeError for
    an n names the code)."""
    def release(self):
        return traced_release(self)
    return release


def _patch_semaphore(threading):
    Sem = threading.Semaphore
    for cls in (threading.Semaphore, threading.BoundedSemaphore):
        if '__init__' in cls.__dict__:
            wrap_init(cls)
    orig_acquire = Sem.acquire
    orig_release = Sem.release
    names = ('Semaphore', 'BoundedSemaphore')

    def acquire(self, blocking=True, timeout=None):
        obj = traced_obj(self)
        if obj is None:
            return orig_acquire(self, blocking, timeout)
        return acquire_traced(lambda: orig_acquire(self, False), lambda: orig_acquire(self, True, timeout),
                              obj, prim_name(self, names), blocking, None, timeout)

    def release(self, n=1):
        obj = traced_obj(self)
        if obj is not None:
            emit_release(obj_head(obj, prim_name(self, names)), program_line())
        return orig_release(self) if type(n) is int and n == 1 else orig_release(self, n)  # (an int subclass's __ne__ never runs)

    # 3.8's release takes no n: a call with one is refused as Python refuses it, before anything is written
    # (a release(1) must not release).
    takes_n = orig_release.__code__.co_argcount > 1
    if not takes_n:
        release = _without_n(release)

    Sem.acquire = acquire
    Sem.__enter__ = acquire
    Sem.release = release
    # BoundedSemaphore defines its own release (the bound check); wrap it as well.
    if 'release' in threading.BoundedSemaphore.__dict__:
        b_release = threading.BoundedSemaphore.__dict__['release']

        def bounded_release(self, n=1):
            obj = traced_obj(self)
            if obj is not None:
                emit_release(obj_head(obj, 'BoundedSemaphore'), program_line())
            return b_release(self) if type(n) is int and n == 1 else b_release(self, n)

        if not takes_n:
            bounded_release = _without_n(bounded_release)

        threading.BoundedSemaphore.release = bounded_release


def _patch_event(threading):
    Ev = threading.Event
    wrap_init(Ev)
    orig_wait, is_set = Ev.wait, Ev.is_set

    def wait(self, timeout=None):
        obj = traced_obj(self)
        if obj is None:
            return result_waits.wait(orig_wait, self, timeout, is_set)  # (its inner Condition wait writes first)
        return blocking_call('event_wait', 'event_woken', {'obj': obj, 'prim': 'Event'}, lambda: orig_wait(self, timeout),
                             timeout=timeout)

    Ev.set = announcing('event_set', Ev.set, 'Event')
    Ev.clear = announcing('event_clear', Ev.clear, 'Event')
    Ev.wait = wait


def _patch_condition(threading):
    Cond = threading.Condition
    wrap_init(Cond)
    orig_wait, orig_notify = Cond.wait, Cond.notify

    def wait(self, timeout=None):
        obj = traced_obj(self)
        if obj is None:
            # Not the program's own Condition: the standard library's waits are built on it (a full
            # Queue's put, Future.result, futures.wait, Semaphore, Barrier): written before they block too.
            core.flush_before_wait(timeout)
            return result_waits.wait(orig_wait, self, timeout)
        return blocking_call('cond_wait', 'cond_woken', {'obj': obj, 'prim': 'Condition'},
                             lambda: orig_wait(self, timeout), timeout=timeout)

    Cond.wait = wait
    Cond.notify = announcing('cond_notify', orig_notify, 'Condition', lambda self, n=1: {'n': n})
    # notify_all is notify(len(waiters)) in the stdlib; calling that directly avoids a second record.
    Cond.notify_all = Cond.notifyAll = announcing(
        'cond_notify', lambda self: orig_notify(self, len(self._waiters)), 'Condition', lambda self: {'n': -1})


def _patch_barrier(threading):
    Bar = threading.Barrier
    wrap_init(Bar)
    orig_wait = Bar.wait

    def wait(self, timeout=None):
        obj = traced_obj(self)
        if obj is None:
            return orig_wait(self, timeout)
        base = {'obj': obj, 'prim': 'Barrier', 'parties': self._parties}  # (not a subclass's `parties`)
        key = core.field(self, 'key')
        if key is not None:  # a multiprocessing Barrier (mpsync): the parties are in other processes
            base.update(prim='mp.Barrier', key=key)
        return blocking_call('barrier_wait', 'barrier_pass', base, lambda: orig_wait(self, timeout),
                             lambda index: {'ok': index is not None, 'index': -1 if index is None else index})

    Bar.wait = wait
