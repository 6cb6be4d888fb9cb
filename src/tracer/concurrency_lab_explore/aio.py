"""asyncio under the scheduler.

The event loop's selector is the only place a loop waits. Our selector polls the real one without
waiting; with nothing ready, the loop's lane blocks until another thread hands it work
(call_soon_threadsafe writes the self-pipe: a happens-before edge) or until the timeout asyncio asked
for, in virtual time (its earliest timer). So an executor job's completion can land before or after
any timer or task step, and asyncio's own order (FIFO ready queue, timers by deadline) is untouched.

Real I/O (sockets, streams, pipes, subprocesses) takes a time the program doesn't fix, so its
completion is a choice of the scheduler too: the loop gets it only from a helper lane ("asyncio I/O",
invisible to the program: no threading.Thread) that can run once the real I/O is ready, at any
decision: before or after a timer that is due, a task step, another thread. Until the helper runs,
select reports the self-pipe alone. The real I/O is waited for (up to IO_GRACE) before the loop
blocks, so whether it is ready at a decision doesn't depend on how fast this machine is.
asyncio.Lock is tracked (owner, waiters) so a deadlock among tasks names its cycle.
"""
import _thread
import selectors

from . import prims, races
from .scheduler import Stop

IO_GRACE = 0.2  # real seconds the loop waits for pending I/O before it blocks in virtual time

_RealSelector = selectors.DefaultSelector
SELECTORS = []
_LOCK_WAITS = {}  # task -> asyncio.Lock it waits for


class ModelSelector(object):
    def __init__(self):
        self._real = _RealSelector()
        self._lane = None
        self._vc = None
        self._loop = None
        self._io = None  # the helper lane that delivers real I/O
        self._delivered = False
        SELECTORS.append(self)

    def register(self, fileobj, events, data=None):
        return self._real.register(fileobj, events, data)

    def unregister(self, fileobj):
        return self._real.unregister(fileobj)

    def modify(self, fileobj, events, data=None):
        return self._real.modify(fileobj, events, data)

    def get_key(self, fileobj):
        return self._real.get_key(fileobj)

    def get_map(self):
        return self._real.get_map()

    def close(self):
        if self in SELECTORS:
            SELECTORS.remove(self)
        return self._real.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def select(self, timeout=None):
        s = prims._active()
        if s is None:
            return self._real.select(timeout)
        s.touch_sync(self)
        if self.external():
            return self._select_with_io(s, timeout)
        ready = self._real.select(0)
        if ready or (timeout is not None and timeout <= 0):
            s.point()
        else:
            self._lane = s.current
            s.current.blocked_line = None
            try:
                s.block(self, None if timeout is None else s.now + timeout)
            finally:
                self._lane = None
            ready = self._real.select(0)
        races.join_into(s.current.vc, self._vc)
        return ready

    def _select_with_io(self, s, timeout):
        """The loop waits on real I/O: its completion comes when the scheduler runs the I/O lane."""
        if not self._external_ready():
            self._real.select(IO_GRACE)
        if self._io is None:
            self._io = _start_io_lane(s, self)
        self._lane = s.current
        self._delivered = False
        s.current.blocked_line = None
        try:
            s.block(self, None if timeout is None else s.now + max(timeout, 0))
        finally:
            self._lane = None
        ready = self._real.select(0)
        if not self._delivered:
            own = self._self_pipe()
            ready = [(key, ev) for key, ev in ready if key.fd == own]
        races.join_into(s.current.vc, self._vc)
        return ready

    def _self_pipe(self):
        sock = getattr(self._loop, '_ssock', None)
        try:
            return sock.fileno() if sock is not None else -1
        except OSError:
            return -1

    def _external_ready(self):
        own = self._self_pipe()
        try:
            return any(key.fd != own for key, _ in self._real.select(0))
        except (OSError, ValueError):
            return False

    def _cl_io_ready(self):
        """The I/O lane can run: the loop waits in select and real I/O is there for it."""
        return self._lane is not None and self._lane.state == 'blocked' and self._external_ready()

    def signal(self):
        """Another thread queued a callback for this loop (the baton holder calls this)."""
        s = prims._active()
        if s is None:
            return
        lane = s.current
        s.touch_sync(self)
        self._vc = races.join_into(list(self._vc or []), lane.vc)
        lane.vc[lane.index] += 1
        if self._lane is not None:
            s.wake(self._lane)

    def external(self):
        """True when the loop waits on real file descriptors besides its own self-pipe."""
        return len(self._real.get_map()) > 1

    # the wait-target interface (see scheduler.deadlock_failure)
    def describe(self):
        return 'the event loop: no task can run, no timer is due'

    def owners(self):
        return []

    def deadlock_entries(self):
        """Per task: what it holds and waits for; the tasks' wait-for cycle first if there is one."""
        import asyncio
        if self._loop is None:
            return None
        tasks = sorted(asyncio.all_tasks(self._loop), key=lambda t: t.get_name() if hasattr(t, 'get_name') else '')
        entries = []
        for task in tasks:
            lock = _LOCK_WAITS.get(task)
            holds = [getattr(l, '_cl_name', 'asyncio.Lock') for l in _owned_locks(task)]
            entries.append({'lane': _task_name(task), 'holds': holds,
                            'waitsFor': getattr(lock, '_cl_name', 'asyncio.Lock') if lock is not None else _awaiting(task),
                            'line': _task_line(task), 'task': task, 'lock': lock})
        by_task = dict((e['task'], e) for e in entries)
        for start in entries:
            path, cur = [], start
            while cur is not None and cur not in path:
                path.append(cur)
                lock = cur['lock']
                owner = getattr(lock, '_cl_owner', None) if lock is not None else None
                cur = by_task.get(owner)
            if cur is not None:
                cycle = path[path.index(cur):]
                return [_public(e) for e in cycle], True
        return [_public(e) for e in entries], False


def _public(entry):
    return dict((k, v) for k, v in entry.items() if k not in ('task', 'lock'))


_OWNED = {}  # task -> list of asyncio.Locks it holds


def _owned_locks(task):
    return _OWNED.get(task, [])


def _task_name(task):
    return task.get_name() if hasattr(task, 'get_name') else 'Task'


def _awaiting(task):
    waiter = getattr(task, '_fut_waiter', None)
    return 'a future' if waiter is not None else 'nothing'


def _task_line(task):
    frames = task.get_stack(limit=1)
    return frames[0].f_lineno if frames and frames[0].f_code.co_filename == prims.PROGRAM_FILE else None


class _IOReady(object):
    """What the I/O lane waits for."""

    def __init__(self, sel):
        self.sel = sel
        self.sync_target = sel

    def _cl_ready(self):
        return self.sel._cl_io_ready()

    def describe(self):
        return 'real I/O'

    def owners(self):
        return []


def _start_io_lane(s, sel):
    lane = s.add_lane('asyncio I/O', None, True)
    lane.helper = True
    lane.state = 'blocked'
    lane.waiting = _IOReady(sel)

    def body():
        s.attach(lane)
        lane.gate.acquire()  # first chosen
        try:
            while True:
                s.wake(lane)
                s.touch_sync(sel)
                sel._delivered = True
                if sel._lane is not None:
                    races.join_into(sel._lane.vc, lane.vc)
                    s.wake(sel._lane)
                s.block(_IOReady(sel))
        except Stop:
            pass

    _thread.start_new_thread(body, ())
    return lane


def wait_for_io():
    """Nothing can run: wait (for real) for the I/O a loop waits on. False when no loop waits on any."""
    waiting = [sel for sel in SELECTORS if sel._lane is not None and sel.external()]
    if not waiting:
        return False
    waiting[0]._real.select(None)
    return True


def install():
    """Called in the server before the program is compiled (asyncio is imported by then)."""
    import asyncio
    import asyncio.selector_events as se

    selectors.DefaultSelector = ModelSelector
    orig_init = se.BaseSelectorEventLoop.__init__
    orig_write = se.BaseSelectorEventLoop._write_to_self

    def __init__(self, selector=None):
        orig_init(self, selector)
        if isinstance(self._selector, ModelSelector):
            self._selector._loop = self

    def _write_to_self(self):
        orig_write(self)
        sel = getattr(self, '_selector', None)
        if isinstance(sel, ModelSelector):
            sel.signal()

    se.BaseSelectorEventLoop.__init__ = __init__
    se.BaseSelectorEventLoop._write_to_self = _write_to_self

    lock_cls = asyncio.Lock
    orig_lock_init = lock_cls.__init__
    orig_acquire = lock_cls.acquire
    orig_release = lock_cls.release

    def lock_init(self, *args, **kwargs):
        orig_lock_init(self, *args, **kwargs)
        self._cl_name = prims._creation_name('asyncio.Lock')
        self._cl_owner = None

    async def acquire(self):
        task = asyncio.current_task()
        _LOCK_WAITS[task] = self
        try:
            result = await orig_acquire(self)
        finally:
            _LOCK_WAITS.pop(task, None)
        self._cl_owner = task
        _OWNED.setdefault(task, []).append(self)
        return result

    def release(self):
        orig_release(self)
        owner = getattr(self, '_cl_owner', None)
        if owner is not None and self in _OWNED.get(owner, []):
            _OWNED[owner].remove(self)
        self._cl_owner = None

    lock_cls.__init__ = lock_init
    lock_cls.acquire = acquire
    lock_cls.release = release
