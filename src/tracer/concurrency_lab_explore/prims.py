"""Model synchronisation primitives: every operation is a scheduling point, blocking is a state of
the scheduler (never a real wait), and releases/acquires carry vector clocks for race detection.

They reach the program through a stand-in `threading` module in sys.modules (the real module keeps
its own internals: a Thread's private Events stay real), so `queue.Queue`, `concurrent.futures` and
asyncio's executor, imported after it, are built on the models too.
"""
import linecache
import re
import sys
import threading as _real
import time as _time
import types

from . import races
from .dpor import RELEASE
from .scheduler import Stop

SCHED = None  # the running Scheduler in a schedule's child; None in the server
PROGRAM_FILE = None

_ASSIGNED = re.compile(r'^\s*(?:self\.)?([A-Za-z_][\w.]*(?:\[[^\]]*\])?)\s*(?::[^=]*)?=(?!=)')


def _active():
    s = SCHED
    if s is None or s.lane_here() is not s.current:
        return None
    return s


def _program_line(depth=2):
    """The line of the program's own code that is running (or created something), or None."""
    f = sys._getframe(depth)
    while f is not None:
        if f.f_code.co_filename == PROGRAM_FILE:
            return f.f_lineno
        f = f.f_back
    return None


def _creation_name(kind):
    line = _program_line(3)
    if line is None:
        return kind
    m = _ASSIGNED.match(linecache.getline(PROGRAM_FILE, line) or '')
    return '%s %s' % (kind, m.group(1)) if m else '%s (line %d)' % (kind, line)


def _note_blocked(s):
    s.current.blocked_line = _program_line(3)


def _release_clock(s, obj):
    lane = s.current
    obj._vc = races.join_into(list(obj._vc or []), lane.vc)
    lane.vc[lane.index] += 1


def _acquire_clock(s, obj):
    races.join_into(s.current.vc, obj._vc)


def _held(s, lane):
    held = getattr(s, 'held', None)
    if held is None:
        held = s.held = {}
    return held.setdefault(lane.index, [])


class Lock(object):
    _kind = 'Lock'

    def __init__(self):
        self._owner = None
        self._vc = None
        self._name = _creation_name(self._kind)

    def describe(self):
        return self._name

    def owners(self):
        return [self._owner]

    def acquire(self, blocking=True, timeout=-1):
        s = _active()
        if s is None:
            if self._owner is not None and not blocking:
                return False
            self._owner = True
            return True
        if not blocking and timeout != -1:
            raise ValueError("can't specify a timeout for a non-blocking call")
        if not blocking:
            s.point()
            s.touch_sync(self, False)
            if self._owner is not None:
                return False
            self._take(s)
            return True
        deadline = None if timeout is None or timeout < 0 else s.now + timeout
        _note_blocked(s)
        # One scheduling point: the lane is chosen again only once the lock is free (or at its
        # deadline), so an acquire never fails and retries: no failed attempts to order.
        while True:
            woke = s.block(self, deadline)
            if self._owner is None:
                break
            if not woke:
                return False
        self._take(s)
        return True

    def _cl_ready(self):
        return self._owner is None

    def _take(self, s):
        s.touch_sync(self)
        self._owner = s.current
        _held(s, s.current).append(self)
        _acquire_clock(s, self)

    def release(self):
        if self._owner is None:
            raise RuntimeError('release unlocked lock')
        s = _active()
        if s is None:
            self._owner = None
            return
        s.touch_sync(self, RELEASE)
        owner = self._owner
        if owner is not True and self in _held(s, owner):
            _held(s, owner).remove(self)
        self._owner = None
        _release_clock(s, self)
        s.point()

    def locked(self):
        return self._owner is not None

    __enter__ = acquire

    def __exit__(self, *exc):
        self.release()

    def _at_fork_reinit(self):
        self._owner = None

    def _is_owned(self):
        s = _active()
        return self._owner is not None and (s is None or self._owner is s.current)

    def _release_save(self):
        self.release()

    def _acquire_restore(self, state):
        self.acquire()

    def __repr__(self):
        return '<%s %s>' % ('locked' if self._owner is not None else 'unlocked', self._name)


class RLock(Lock):
    _kind = 'RLock'

    def __init__(self):
        Lock.__init__(self)
        self._count = 0

    def acquire(self, blocking=True, timeout=-1):
        s = _active()
        if s is None:  # outside a schedule (the server itself): one thread, always free
            self._owner = True
            self._count += 1
            return True
        if self._owner is s.current:
            self._count += 1
            s.touch_sync(self)
            s.point()
            return True
        ok = Lock.acquire(self, blocking, timeout)
        if ok:
            self._count = 1
        return ok

    __enter__ = acquire

    def release(self):
        s = _active()
        if self._owner is None or (s is not None and self._owner is not s.current):
            raise RuntimeError('cannot release un-acquired lock')
        self._count -= 1
        if self._count == 0:
            Lock.release(self)

    def _release_save(self):
        count = self._count
        self._count = 1
        self.release()
        return count

    def _acquire_restore(self, count):
        self.acquire()
        self._count = count


class _Waiter(object):
    __slots__ = ('lane', 'notified', 'cond')

    def __init__(self, lane, cond):
        self.lane = lane
        self.notified = False
        self.cond = cond

    @property
    def sync_target(self):
        return self.cond

    def describe(self):
        return 'notify on ' + self.cond._name

    def owners(self):
        return []


class Condition(object):
    def __init__(self, lock=None):
        self._lock = lock if lock is not None else RLock()
        self._waiters = []
        self._name = _creation_name('Condition')
        self.acquire = self._lock.acquire
        self.release = self._lock.release

    def __enter__(self):
        return self._lock.__enter__()

    def __exit__(self, *exc):
        return self._lock.__exit__(*exc)

    def wait(self, timeout=None):
        if not self._lock._is_owned():
            raise RuntimeError('cannot wait on un-acquired lock')
        s = _active()
        if s is None:
            return False
        s.touch_sync(self)
        waiter = _Waiter(s.current, self)
        self._waiters.append(waiter)
        saved = self._lock._release_save()
        try:
            deadline = None if timeout is None else s.now + max(timeout, 0)
            while not waiter.notified:
                _note_blocked(s)
                if not s.block(waiter, deadline):
                    break
            if not waiter.notified:
                self._waiters.remove(waiter)
            return waiter.notified
        finally:
            self._lock._acquire_restore(saved)

    def wait_for(self, predicate, timeout=None):
        endtime = None
        waittime = timeout
        result = predicate()
        while not result:
            if waittime is not None:
                s = SCHED
                now = s.now if s is not None else 0.0
                if endtime is None:
                    endtime = now + waittime
                else:
                    waittime = endtime - now
                    if waittime <= 0:
                        break
            self.wait(waittime)
            result = predicate()
        return result

    def notify(self, n=1):
        if not self._lock._is_owned():
            raise RuntimeError('cannot notify on un-acquired lock')
        s = _active()
        if s is not None:
            s.touch_sync(self)
        for waiter in self._waiters[:n]:
            waiter.notified = True
            if s is not None:
                s.wake(waiter.lane)
        del self._waiters[:n]

    def notify_all(self):
        self.notify(len(self._waiters))

    notifyAll = notify_all

    def __repr__(self):
        return '<%s, %d waiters>' % (self._name, len(self._waiters))


class Semaphore(object):
    _kind = 'Semaphore'

    def __init__(self, value=1):
        if value < 0:
            raise ValueError('semaphore initial value must be >= 0')
        self._value = value
        self._vc = None
        self._name = _creation_name(self._kind)

    def describe(self):
        return self._name

    def owners(self):
        return []

    def acquire(self, blocking=True, timeout=None):
        if not blocking and timeout is not None:
            raise ValueError("can't specify timeout for non-blocking acquire")
        s = _active()
        if s is None:
            if self._value == 0:
                return False
            self._value -= 1
            return True
        if not blocking:
            s.point()
            s.touch_sync(self, False)
            if self._value == 0:
                return False
        else:
            deadline = None if timeout is None else s.now + timeout
            _note_blocked(s)
            while True:  # chosen again once the value is above 0 (see Lock.acquire)
                woke = s.block(self, deadline)
                if self._value > 0:
                    break
                if not woke:
                    return False
        s.touch_sync(self)
        self._value -= 1
        _acquire_clock(s, self)
        return True

    __enter__ = acquire

    def _cl_ready(self):
        return self._value > 0

    def release(self, n=1):
        if n < 1:
            raise ValueError('n must be one or more')
        self._check(n)
        self._value += n
        s = _active()
        if s is not None:
            s.touch_sync(self, RELEASE)
            _release_clock(s, self)
            s.point()

    def _check(self, n):
        pass

    def __exit__(self, *exc):
        self.release()


class BoundedSemaphore(Semaphore):
    _kind = 'BoundedSemaphore'

    def __init__(self, value=1):
        Semaphore.__init__(self, value)
        self._initial_value = value

    def _check(self, n):
        if self._value + n > self._initial_value:
            raise ValueError('Semaphore released too many times')


class Event(object):
    def __init__(self):
        self._flag = False
        self._vc = None
        self._name = _creation_name('Event')

    def describe(self):
        return self._name + '.set()'

    def owners(self):
        return []

    def is_set(self):
        s = _active()
        if s is not None:
            s.point()
            s.touch_sync(self, False)
            if self._flag:
                _acquire_clock(s, self)
        return self._flag

    isSet = is_set

    def set(self):
        s = _active()
        self._flag = True
        if s is not None:
            s.touch_sync(self)
            _release_clock(s, self)
            s.wake_all(self)
            s.point()

    def clear(self):
        self._flag = False
        s = _active()
        if s is not None:
            s.touch_sync(self)
            s.point()

    def wait(self, timeout=None):
        s = _active()
        if s is None:
            return self._flag
        s.point()
        s.touch_sync(self, False)
        deadline = None if timeout is None else s.now + max(timeout, 0)
        while not self._flag:
            _note_blocked(s)
            if not s.block(self, deadline):
                break
        if self._flag:
            _acquire_clock(s, self)
        return self._flag


class BrokenBarrierError(RuntimeError):
    pass


class Barrier(object):
    def __init__(self, parties, action=None, timeout=None):
        if parties < 1:
            raise ValueError('parties must be > 0')
        self._parties = parties
        self._action = action
        self._timeout = timeout
        self._count = 0
        self._generation = 0
        self._broken = False
        self._vc = None
        self._name = _creation_name('Barrier')

    def describe(self):
        return self._name

    def owners(self):
        return []

    def wait(self, timeout=None):
        s = _active()
        if timeout is None:
            timeout = self._timeout
        if s is not None:
            s.touch_sync(self)
        if self._broken:
            raise BrokenBarrierError
        index = self._count
        generation = self._generation
        self._count += 1
        if s is not None:
            _release_clock(s, self)
        if self._count == self._parties:
            try:
                if self._action:
                    self._action()
            except BaseException:
                self.abort()
                raise
            self._count = 0
            self._generation += 1
            if s is not None:
                s.wake_all(self)
                _acquire_clock(s, self)
                s.point()
            return index
        if s is None:
            raise BrokenBarrierError
        deadline = None if timeout is None else s.now + timeout
        while self._generation == generation and not self._broken:
            _note_blocked(s)
            if not s.block(self, deadline):
                self.abort()
                raise BrokenBarrierError
        if self._broken and self._generation == generation:
            raise BrokenBarrierError
        _acquire_clock(s, self)
        return index

    def reset(self):
        self._broken = False
        self._count = 0
        self._generation += 1
        if SCHED is not None:
            SCHED.wake_all(self)

    def abort(self):
        self._broken = True
        if SCHED is not None:
            SCHED.wake_all(self)

    @property
    def parties(self):
        return self._parties

    @property
    def n_waiting(self):
        return self._count

    @property
    def broken(self):
        return self._broken


_serials = [0]


class Thread(_real.Thread):
    """A real thread that runs only while it holds the baton.

    Hashed by creation order, not by address: sets of threads (ThreadPoolExecutor._threads, joined
    one by one at shutdown) then iterate in the same order in every process, so a seed replays."""

    def __init__(self, *args, **kwargs):
        _serials[0] += 1
        self._cl_serial = _serials[0]
        _real.Thread.__init__(self, *args, **kwargs)

    def __hash__(self):
        return self._cl_serial

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    def start(self):
        s = _active()
        if s is None:
            return _real.Thread.start(self)
        lane = s.add_lane(self.name, s.current, self.daemon)
        s.touch(('start', id(lane)), RELEASE)
        self._cl_lane = lane
        body = self.run

        def run():
            s.attach(lane)
            lane.gate.acquire()
            s.touch(('start', id(lane)), False)  # the lane's first event comes after its start
            try:
                body()
            except SystemExit:
                pass
            except Stop:
                raise
            except BaseException:
                report_thread_exception(s, self, sys.exc_info())
            finally:
                del self.run
                if SCHED is s:
                    s.finish(lane)

        self.run = run
        _real.Thread.start(self)
        s.point()

    def join(self, timeout=None):
        lane = getattr(self, '_cl_lane', None)
        s = _active()
        if s is None or lane is None:
            return _real.Thread.join(self, timeout)
        if self is _real.current_thread():
            raise RuntimeError('cannot join current thread')
        deadline = None if timeout is None else s.now + max(timeout, 0)
        s.current.blocked_line = _program_line(2)
        while True:  # chosen again once the thread is done (see Lock.acquire)
            woke = s.block(lane, deadline)
            if lane.state == 'done':
                break
            if not woke:
                return
        races.join_into(s.current.vc, lane.vc)
        _real.Thread.join(self)

    def is_alive(self):
        lane = getattr(self, '_cl_lane', None)
        if lane is None:
            return _real.Thread.is_alive(self)
        s = _active()
        if s is not None:
            s.touch_sync(lane, False)
        return lane.state != 'done'


def _describe_lane(lane):
    return 'join ' + lane.name


def _lane_owners(lane):
    return [lane]


def _lane_done(lane):
    return lane.state == 'done'


# Lanes are what a joiner waits for: give them the wait-target interface.
from .scheduler import Lane as _Lane  # noqa: E402

_Lane.describe = _describe_lane
_Lane.owners = _lane_owners
_Lane._cl_ready = _lane_done


class Timer(Thread):
    def __init__(self, interval, function, args=None, kwargs=None):
        Thread.__init__(self)
        self.interval = interval
        self.function = function
        self.args = args if args is not None else []
        self.kwargs = kwargs if kwargs is not None else {}
        self.finished = Event()

    def cancel(self):
        self.finished.set()

    def run(self):
        self.finished.wait(self.interval)
        if not self.finished.is_set():
            self.function(*self.args, **self.kwargs)
        self.finished.set()


FAILURES = []  # uncaught exceptions of this run, in order


def strip_our_frames(tb):
    """Tracebacks show the program's frames, not ours."""
    ours = __file__.rsplit('/', 1)[0]
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(ours):
        tb = tb.tb_next
    head = tb
    while tb is not None:
        nxt = tb.tb_next
        while nxt is not None and nxt.tb_frame.f_code.co_filename.startswith(ours):
            nxt = nxt.tb_next
        tb.tb_next = nxt
        tb = nxt
    return head


def report_thread_exception(s, thread, exc_info):
    etype, value, tb = exc_info
    tb = strip_our_frames(tb)
    value.__traceback__ = tb
    FAILURES.append({'kind': 'exception', 'message': '%s: %s' % (thread.name, _exc_text(etype, value)),
                     'line': _last_program_line(tb)})
    hook = getattr(sys.modules.get('threading'), 'excepthook', _real.excepthook)
    hook(_real.ExceptHookArgs((etype, value, tb, thread)))


def _exc_text(etype, value):
    text = str(value)
    return etype.__name__ + (': ' + text if text else '')


def _last_program_line(tb):
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == PROGRAM_FILE:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


# --- virtual time -----------------------------------------------------------------------------
_REAL = {}


# Fixed starting points make a seed's schedule the same in every process: asyncio compares
# `when - time()` in floating point, and a varying base would round differently from run to run.
_BASES = {'monotonic': 1000.0, 'perf_counter': 1000.0}


def _virtual(name):
    real = _REAL[name]
    plain = name[:-3] if name.endswith('_ns') else name
    base = _BASES.get(plain, float(int(_REAL['time']())))
    ns = name.endswith('_ns')

    def now():
        s = SCHED
        if s is None:
            return real()
        s.touch(_CLOCK_KEY, False)
        t = base + s.now
        return int(t * 1e9) if ns else t

    now.__name__ = name
    return now


def _sleep(seconds):
    s = _active()
    if s is None:
        return _REAL['sleep'](seconds)
    if seconds < 0:
        raise ValueError('sleep length must be non-negative')
    s.current.blocked_line = _program_line(2)
    s.sleep(seconds)


from .scheduler import CLOCK as _CLOCK_KEY  # noqa: E402

_CLOCKS = ('monotonic', 'perf_counter', 'time', 'monotonic_ns', 'perf_counter_ns', 'time_ns')


def install_virtual_time():
    """In a schedule's child: sleeps cost nothing and the clocks read the scheduler's time."""
    for name in _CLOCKS + ('sleep',):
        _REAL.setdefault(name, getattr(_time, name))
    for name in _CLOCKS:
        setattr(_time, name, _virtual(name))
    _time.sleep = _sleep
    q = sys.modules.get('queue')
    if q is not None:
        q.time = _time.monotonic


class SimpleQueue(object):
    """queue.SimpleQueue (a C type) rebuilt on the model Queue so its get() is a modelled wait."""

    def __init__(self):
        import queue
        self._q = queue.Queue()

    def put(self, item, block=True, timeout=None):
        self._q.put(item)

    def put_nowait(self, item):
        self._q.put(item)

    def get(self, block=True, timeout=None):
        return self._q.get(block, timeout)

    def get_nowait(self):
        return self._q.get(False)

    def empty(self):
        return self._q.empty()

    def qsize(self):
        return self._q.qsize()


def install_threading_model():
    """Put the stand-in `threading` in sys.modules; import queue and friends on top of it."""
    for name in [n for n in sys.modules if n == 'queue' or n.startswith(('concurrent', 'asyncio'))]:
        del sys.modules[name]
    proxy = types.ModuleType('threading', _real.__doc__)
    proxy.__dict__.update(_real.__dict__)
    proxy.__dict__.update({
        'Lock': Lock, 'RLock': RLock, 'Condition': Condition, 'Semaphore': Semaphore,
        'BoundedSemaphore': BoundedSemaphore, 'Event': Event, 'Barrier': Barrier,
        'BrokenBarrierError': BrokenBarrierError, 'Thread': Thread, 'Timer': Timer,
    })
    sys.modules['threading'] = proxy
    import queue
    queue.SimpleQueue = SimpleQueue
    import concurrent.futures  # noqa: F401  (built on the models from here on)
    import concurrent.futures.thread  # noqa: F401
    import asyncio  # noqa: F401
    return proxy
