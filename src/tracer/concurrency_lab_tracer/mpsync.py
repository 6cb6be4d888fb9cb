"""multiprocessing Lock / RLock / Semaphore / BoundedSemaphore / Event / Condition / Barrier / Queue /
JoinableQueue / SimpleQueue created by the program.

Each gets `key`, a string that is the same in every process (the semaphore's name, or its
address, which a fork child shares), so the timeline can link a release in one process to the
acquire in another. The key and serial travel to spawn/forkserver children inside the pickled
state; fork children inherit them with the object. Queue items travel as
('__clab_item__', pid, n, item) so the getting process knows which put it received.
"""
import os
import sys

from . import core, work_items
from .naming import new_named_serial
from .encode import class_text, short_repr
from .sync import acquire_traced, announcing, blocking_call, emit_release, obj_head

ITEM_TAG = '__clab_item__'
_MP_DIRS = ()


def _skip_files():
    import multiprocessing.context as context
    return (context.__file__,)


def _semlock_key(semlock):
    name = getattr(semlock, 'name', None)
    return 'sem:' + name if name else 'sem:%x' % semlock.handle


def _mark(self, semlock, depth=3):
    if core.called_from_program(depth, _skip_files()):
        core.set_serial(self, new_named_serial(), key=_semlock_key(semlock))


_IDENT_TAG = '__clab_ident__'
_traced_make_methods = None  # SemLock._make_methods as patched (see patch_synchronize)


def _carry_identity(cls):
    """Append (serial, key) to the pickled state and take it back off on the other side."""
    orig_get, orig_set = cls.__getstate__, cls.__setstate__

    def __getstate__(self):
        state = orig_get(self)
        obj = core.serial(self)
        return (state, (_IDENT_TAG, obj, core.field(self, 'key'))) if obj is not None else state

    def __setstate__(self, state):
        ident = None
        if len(state) == 2 and type(state[1]) is tuple and len(state[1]) == 3 and state[1][0] == _IDENT_TAG:
            state, ident = state
        orig_set(self, state)
        if ident is not None:
            core.set_serial(self, ident[1], key=ident[2])
            _retrace(self)

    cls.__getstate__, cls.__setstate__ = __getstate__, __setstate__


def _carry_identity_in_dict(cls):
    """The same for a class pickled by its __dict__ (mp.Event): the identity travels in the pickled
    copy of the dict, never in the object's own."""
    def __getstate__(self):
        state = dict(vars(self))
        obj = core.serial(self)
        if obj is not None:
            state[_IDENT_TAG] = (obj, core.field(self, 'key'))
        return state

    def __setstate__(self, state):
        state = dict(state)
        ident = state.pop(_IDENT_TAG, None)
        vars(self).update(state)
        if ident is not None:
            core.set_serial(self, ident[0], key=ident[1])

    cls.__getstate__, cls.__setstate__ = __getstate__, __setstate__


def _key_of(self):
    return {'key': core.field(self, 'key')}


def _flushing(orig):
    """The waiters are in other processes: let the event reach the file before they wake."""
    def call(self, *args, **kwargs):
        if core.serial(self) is not None:
            core.flush()
        return orig(self, *args, **kwargs)
    return call


def prim(self):
    return 'mp.' + class_text(type(self))


def _retrace(self):
    if _traced_make_methods is not None and getattr(type(self), '_make_methods', None) is _traced_make_methods:  # (a SemLock)
        _traced_make_methods(self)


# The SemLock kinds the program uses as locks; Condition, Event, Barrier and the queues build their
# own from these inside multiprocessing, and _mark leaves those untraced.
_LOCK_CLASSES = ('Lock', 'RLock', 'Semaphore', 'BoundedSemaphore')


def patch_synchronize(mod):
    SemLock = mod.SemLock
    orig_make = SemLock._make_methods

    def _make_methods(self):
        orig_make(self)
        if core.serial(self) is not None:
            _trace_lock_methods(self)

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *args):
        return self.release()

    for name in _LOCK_CLASSES:
        cls = getattr(mod, name)
        _trace_init(cls)
        cls.__enter__, cls.__exit__ = __enter__, __exit__
    global _traced_make_methods
    SemLock._make_methods = _traced_make_methods = _make_methods
    _carry_identity(SemLock)
    _patch_event(mod.Event)
    _patch_condition(mod.Condition)
    _patch_barrier(mod.Barrier)


def _trace_init(cls):
    orig_init = cls.__init__

    def __init__(self, *args, **kwargs):
        orig_init(self, *args, **kwargs)
        _mark(self, self._semlock)
        _retrace(self)

    cls.__init__ = __init__


def _trace_lock_methods(self):
    semlock = self._semlock
    obj, key = core.serial(self), core.field(self, 'key')
    name = prim(self)
    reentrant = name == 'mp.RLock'

    def acquire(block=True, timeout=None):
        if reentrant and semlock._is_mine():  # a nested acquire neither waits nor changes the holder
            return semlock.acquire(block, timeout)
        return acquire_traced(lambda: semlock.acquire(False), lambda: semlock.acquire(True, timeout),
                              obj, name, block, key)

    def release():
        if reentrant and (not semlock._is_mine() or semlock._count() > 1):
            return semlock.release()  # still held, or not ours (which raises)
        emit_release(obj_head(obj, name, key), core.program_line())
        core.flush()
        semlock.release()

    self.acquire, self.release = acquire, release


def _keyed_wait(orig_wait, begin, end, prim):
    def wait(self, timeout=None):
        obj = core.serial(self)
        if obj is None:
            return orig_wait(self, timeout)
        return blocking_call(begin, end, dict(_key_of(self), obj=obj, prim=prim), lambda: orig_wait(self, timeout))
    return wait


def _patch_event(Event):
    orig_init, orig_wait = Event.__init__, Event.wait

    def __init__(self, *args, **kwargs):
        orig_init(self, *args, **kwargs)
        _mark(self, self._flag._semlock)

    Event.__init__, Event.wait = __init__, _keyed_wait(orig_wait, 'event_wait', 'event_woken', 'mp.Event')
    Event.set = announcing('event_set', _flushing(Event.set), 'mp.Event', _key_of)
    Event.clear = announcing('event_clear', Event.clear, 'mp.Event', _key_of)
    if '__getstate__' in Event.__dict__:
        _carry_identity(Event)
    else:
        _carry_identity_in_dict(Event)


def _patch_condition(Cond):
    orig_init, orig_wait, orig_notify = Cond.__init__, Cond.wait, Cond.notify

    def __init__(self, *args, **kwargs):
        orig_init(self, *args, **kwargs)
        _mark(self, self._wait_semaphore._semlock)

    Cond.__init__, Cond.wait = __init__, _keyed_wait(orig_wait, 'cond_wait', 'cond_woken', 'mp.Condition')
    Cond.notify = announcing('cond_notify', _flushing(orig_notify), 'mp.Condition',
                             lambda self, n=1: dict(_key_of(self), n=n))
    # notify_all is notify(sys.maxsize) in the stdlib; calling that directly avoids a second record.
    Cond.notify_all = announcing('cond_notify', _flushing(lambda self: orig_notify(self, sys.maxsize)),
                                 'mp.Condition', lambda self: dict(_key_of(self), n=-1))
    _carry_identity(Cond)


def _patch_barrier(Bar):
    """mp.Barrier is threading.Barrier over shared memory: its wait is threading's, which the thread
    tracer records (with this key, so arrivals in every process meet)."""
    orig_init = Bar.__init__

    def __init__(self, *args, **kwargs):
        orig_init(self, *args, **kwargs)
        _mark(self, self._cond._wait_semaphore._semlock)

    Bar.__init__ = __init__
    _carry_identity(Bar)


def patch_queues(mod):
    Queue, Joinable, Simple = mod.Queue, mod.JoinableQueue, mod.SimpleQueue
    # JoinableQueue.__init__ runs Queue.__init__ from multiprocessing/queues.py: look past it.
    skip = _skip_files() + (mod.__file__,)
    for cls in (Queue, Simple):
        _mark_queues(cls, (Queue, Joinable, Simple), skip)
        _carry_queue_identity(cls)
    orig_get, orig_simple_get, orig_simple_put = Queue.get, Simple.get, Simple.put
    # JoinableQueue.put is its own code (it counts unfinished tasks), not a call to Queue.put.
    for cls in (Queue, Joinable):
        cls.put = _traced_put(cls.put)
    Queue.get = _traced_get(orig_get)
    # SimpleQueue's put and get take no block/timeout: the same records, its own signatures.
    simple_put = _traced_put(lambda self, obj, block, timeout: orig_simple_put(self, obj))
    simple_get = _traced_get(lambda self, block, timeout: orig_simple_get(self))

    def put(self, obj):
        return simple_put(self, obj)

    def get(self):
        return simple_get(self)

    Simple.put, Simple.get = core.impersonate(put, orig_simple_put), core.impersonate(get, orig_simple_get)


def _is_one_of(cls, classes):
    """cls is one of classes, by identity: `in` would compare with ==, a metaclass's __eq__."""
    return any(cls is c for c in classes)


def _mark_queues(cls, traced_types, skip):
    orig_init = cls.__init__

    def __init__(self, *args, **kwargs):
        orig_init(self, *args, **kwargs)
        if _is_one_of(type(self), traced_types) and core.called_from_program(2, skip):
            core.set_serial(self, new_named_serial(), key='queue:' + _semlock_key(self._rlock._semlock), puts=0)

    cls.__init__ = __init__


def _traced_put(orig_put):
    """A queue's put recording queue_put and tagging the item; orig_put(self, obj, block, timeout)."""
    def put(self, obj, block=True, timeout=None):
        ident = core.serial(self)
        if ident is None:
            work_items.putting_result(obj)  # a pool worker's result ends its work item (work_items.py)
            return orig_put(self, obj, block, timeout)
        n = core.field(self, 'puts', 0) + 1
        core.set_field(self, 'puts', n)
        core.emit('queue_put', {'obj': ident, 'prim': prim(self), 'key': core.field(self, 'key'), 'item': n,
                                'size': -1, 'value': short_repr(obj), 'line': core.program_line()})
        core.flush()
        return orig_put(self, (ITEM_TAG, os.getpid(), n, obj), block, timeout)
    return put


def _traced_get(orig_get):
    """A queue's get recording the wait and the put it received; orig_get(self, block, timeout)."""
    def get(self, block=True, timeout=None):
        ident = core.serial(self)
        if ident is None:
            got = orig_get(self, block, timeout)
            work_items.got_from_queue(got)  # a pool worker's next call item (work_items.py)
            return got
        base = {'obj': ident, 'prim': prim(self), 'key': core.field(self, 'key')}
        core.emit('queue_get_wait', dict(base, line=core.program_line()))
        core.flush()
        t0 = core.perf_ns()
        try:
            got = orig_get(self, block, timeout)
        except BaseException:
            core.emit('queue_get', dict(base, item=0, ok=False, waited_ns=core.perf_ns() - t0))
            raise
        item, from_pid = 0, None
        if type(got) is tuple and len(got) == 4 and got[0] == ITEM_TAG:
            _, from_pid, item, got = got
        core.emit('queue_get', dict(base, item=item, value=short_repr(got), from_pid=from_pid, ok=True,
                                    waited_ns=core.perf_ns() - t0,
                                    line=core.program_line()))
        return got
    return get


def _carry_queue_identity(cls):
    """The serial and key travel to spawn/forkserver children inside the pickled state."""
    orig_getstate, orig_setstate = cls.__getstate__, cls.__setstate__

    def __getstate__(self):
        state = orig_getstate(self)
        ident = core.serial(self)
        return (state, (ident, core.field(self, 'key'))) if ident is not None else state

    def __setstate__(self, state):
        ident = None
        if len(state) == 2 and isinstance(state[0], tuple):
            state, ident = state
        orig_setstate(self, state)
        if ident is not None:
            core.set_serial(self, ident[0], key=ident[1], puts=0)

    cls.__getstate__, cls.__setstate__ = __getstate__, __setstate__
