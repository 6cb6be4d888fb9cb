"""One baton for all the program's threads, and the choice of who holds it next.

Every managed thread (a lane) runs only while it holds the baton; the others wait on their own raw
lock (`gate`). At every scheduling point the holder asks the strategy which enabled lane goes next
and hands the baton over. A lane blocked on a model primitive is not enabled; a lane blocked with a
deadline (sleep, a timed wait) is enabled as "wake by timeout": choosing it moves the virtual clock to
its deadline, so a timer can fire before or after any other thread's work, as on a real machine where
a thread can be delayed for any time. No enabled lane left = deadlock, reported at once.

Calls into code we don't control (C functions, I/O) keep the baton: the program's threads stay
serialised, so a schedule is replayable and the race model holds; a C call that waits on another of
the program's threads through something we don't model would hang, and the timeout reports it.
"""
import _thread
import os
import random
import sys

from . import races
from .dpor import MAX_EVENTS, RELEASE, WRITE

CLOCK = ('clock',)  # what sleeps, timeouts and clock reads touch (see touch)
STDOUT = ('stdout',)


class Lane(object):
    __slots__ = ('index', 'name', 'gate', 'state', 'waiting', 'deadline', 'timed_out', 'vc', 'daemon',
                 'thread', 'scheduler', 'run_length', 'blocked_line', 'helper')

    def __init__(self, scheduler, index, name, daemon):
        self.scheduler = scheduler
        self.index = index
        self.name = name
        self.daemon = daemon
        self.gate = _thread.allocate_lock()
        self.gate.acquire()
        self.state = 'run'  # 'run' | 'blocked' | 'done'
        self.waiting = None  # what a blocked lane waits for (a primitive, a lane, a Sleep)
        self.deadline = None  # virtual time a blocked lane gives up at, or None
        self.timed_out = False
        self.vc = [0] * (index + 1)
        self.vc[index] = 1
        self.thread = None
        self.run_length = 0  # points in a row without blocking: fairness for spin loops
        self.blocked_line = None
        self.helper = False  # ours, not the program's (aio's I/O lane): never part of a deadlock


class Stop(BaseException):
    """Raised nowhere in program code; the scheduler ends the child through `on_stop`."""


class Sleep(object):
    """What a sleeping lane waits for."""

    def describe(self):
        return 'sleep'

    def owners(self):
        return []


SLEEP = Sleep()


class RandomWalk(object):
    """Every decision uniformly among the enabled lanes."""

    name = 'random'

    def __init__(self, rng):
        self.rng = rng

    def new_lane(self, lane):
        pass

    def on_step(self, scheduler):
        pass

    def demote(self, lane):
        pass

    def pick(self, enabled, scheduler):
        return enabled[self.rng.randrange(len(enabled))]


class PCT(object):
    """Probabilistic concurrency testing (Burckhardt et al. 2010): random distinct priorities, the
    highest-priority enabled lane runs, and at d-1 random steps the running lane drops below all.
    A bug of depth d among n lanes and k steps is found with probability >= 1/(n k^(d-1))."""

    name = 'pct'

    def __init__(self, rng, depth, k):
        self.rng = rng
        self.depth = depth
        self.prio = {}
        self.change_points = set(rng.sample(range(1, k + 1), min(depth - 1, k)))
        self.low = 0.0

    def new_lane(self, lane):
        self.prio[lane.index] = float(self.depth) + self.rng.random()

    def on_step(self, scheduler):
        if scheduler.steps in self.change_points:
            self.demote(scheduler.current)

    def demote(self, lane):
        self.low -= 1.0
        self.prio[lane.index] = self.low

    def pick(self, enabled, scheduler):
        return max(enabled, key=lambda l: self.prio[l.index])


def strategy_for(seed):
    """The seed alone fixes the strategy and every choice: replay needs nothing else."""
    rng = random.Random(seed)
    kind = seed % 4
    if kind == 3:
        return RandomWalk(rng)
    depth = 2 if kind < 2 else 3
    k = rng.choice([8, 16, 32, 64, 128, 512])
    return PCT(rng, depth, k)


class Scheduler(object):
    def __init__(self, strategy, max_steps=200000, fair_after=2000):
        self.strategy = strategy
        self.max_steps = max_steps
        self.fair_after = fair_after
        self.lanes = []
        self.by_ident = {}
        self.current = None
        self.now = 0.0
        self.steps = 0
        self.decisions = []
        self.detector = races.RaceDetector()
        self.on_stop = None  # callable(failure dict): ends the run (set by the server)
        self.io_wait = None  # callable() -> True after waiting for real I/O when nothing else can run (aio)
        # Systematic exploration (dpor) needs each event's touches: [(lane, enabled, touches)] per state.
        self.trace = [] if getattr(strategy, 'records', False) else None
        self.trace_overflow = False
        self._touches = None
        self._serials = {}  # id -> the order in which this run first touched the object (see _stable)
        self._stdout_at = None

    # --- lanes -----------------------------------------------------------------------------
    def add_lane(self, name, parent=None, daemon=False):
        lane = Lane(self, len(self.lanes), name, daemon)
        if parent is not None:
            # Thread start: the child happens after everything its parent did so far.
            races.join_into(lane.vc, parent.vc)
            lane.vc[lane.index] = 1
            parent.vc[parent.index] += 1
        self.lanes.append(lane)
        self.strategy.new_lane(lane)
        return lane

    def attach(self, lane):
        lane.thread = _thread.get_ident()
        self.by_ident[lane.thread] = lane

    def lane_here(self):
        """The calling thread's lane, or None for a thread we don't manage."""
        return self.by_ident.get(_thread.get_ident())

    # --- what an event touches (systematic exploration only) -----------------------------------
    def start_trace(self):
        """The first state: the main lane runs."""
        if self.trace is not None:
            self._touches = {}
            self.trace.append((self.current.index, [self.current.index], self._touches))
            self._stdout_at = _stdout_position()

    def touch(self, key, kind):
        """The running event touches `key` (data, a primitive, the clock, stdout): kind is False (read),
        True (write) or RELEASE (see dpor)."""
        t = self._touches
        if t is not None:
            h = hash(self._stable(key))
            old = t.get(h)
            t[h] = kind if old is None or old == kind else (WRITE if WRITE in (old, kind) else RELEASE)

    def _stable(self, key):
        """The key with its object's id (first or second item) replaced by the order in which this run
        first touched the object. The search compares touches across schedules, and ids differ from one
        forked child to the next (the server's heap changes between forks); the same choices touch the
        same objects in the same order."""
        for i in (0, 1):
            if len(key) > i and type(key[i]) is int:
                serial = self._serials.setdefault(key[i], len(self._serials))
                return key[:i] + (serial,) + key[i + 1:]
        return key

    def touch_sync(self, obj, kind=True):
        """An operation on a model primitive (or a lane, a selector): a look at its state (False: an
        Event's flag read), a change of it (True), or a release that lets a waiting lane go on."""
        if self._touches is not None:
            self.touch(('sync', id(obj)), kind)

    def close_trace(self):
        """The running event ends (at a choice, or when the run ends)."""
        t = self._touches
        if t is None:
            return
        at = _stdout_position()
        if at != self._stdout_at:
            # what the program printed is part of its outcome: printing events are ordered
            self._stdout_at = at
            self.touch(STDOUT, True)
        self.strategy.after_event(self.trace[-1][0], t)
        self._touches = None

    def _open_event(self, pick, enabled):
        if len(self.trace) >= MAX_EVENTS:
            self.trace = self._touches = None
            self.trace_overflow = True
            return
        self._touches = {}
        self.trace.append((pick.index, [l.index for l in enabled], self._touches))

    # --- scheduling points -----------------------------------------------------------------
    def point(self):
        """The holder may be preempted here."""
        self.steps += 1
        if self.steps > self.max_steps:
            self.stop({'kind': 'timeout',
                       'message': 'no end after %d scheduling points (an endless loop or a livelock?)' % self.max_steps})
        self.strategy.on_step(self)
        me = self.current
        me.run_length += 1
        if me.run_length > self.fair_after:
            # A lane spinning without blocking would starve the others forever under strict
            # priorities; a real OS preempts it sooner or later, so do the same.
            me.run_length = 0
            self.strategy.demote(me)
        self._switch(self._choose())

    def block(self, waiting, deadline=None):
        """The holder waits for `waiting` (woken by wake/wake_all) or until virtual `deadline`.
        Returns False when it woke by timeout."""
        me = self.current
        me.state = 'blocked'
        me.waiting = waiting
        me.deadline = deadline
        me.timed_out = False
        me.run_length = 0
        if deadline is not None:
            self.touch(CLOCK, False)
        self._switch(self._choose())
        # the lane looks at what it waited for again
        if waiting is SLEEP:
            self.touch(CLOCK, False)
        else:
            self.touch_sync(getattr(waiting, 'sync_target', waiting), False)
        return not me.timed_out

    def wake(self, lane):
        if lane.state == 'blocked':
            lane.state = 'run'
            lane.waiting = None
            lane.deadline = None

    def wake_all(self, waiting):
        for lane in self.lanes:
            if lane.state == 'blocked' and lane.waiting is waiting:
                self.wake(lane)

    def finish(self, lane):
        """The holder's thread ends: pass the baton on without waiting for it again."""
        lane.state = 'done'
        self.touch_sync(lane, RELEASE)
        self.wake_all(lane)
        if any(l.state != 'done' for l in self.lanes):
            self._switch(self._choose())

    def sleep(self, seconds):
        if seconds <= 0:
            self.point()
        else:
            self.block(SLEEP, self.now + seconds)

    # --- choice ----------------------------------------------------------------------------
    def _enabled(self):
        return [l for l in self.lanes if l.state == 'run' or (l.state == 'blocked' and (l.deadline is not None or _ready(l)))]

    def _choose(self):
        if self.trace is not None:
            self.close_trace()
        enabled = self._enabled()
        if not enabled and self.io_wait is not None and self.io_wait():
            enabled = self._enabled()
        if not enabled:
            self.stop(self.deadlock_failure())
        if len(enabled) == 1:
            pick = enabled[0]
        else:
            pick = self.strategy.pick(enabled, self)
            self.decisions.append(pick.index)
        if self.trace is not None:
            self._open_event(pick, enabled)
        if pick.state == 'blocked' and _ready(pick):
            self.wake(pick)  # what it waits for is there (a lock is free, a thread done)
        elif pick.state == 'blocked':  # woken by its timeout: time moves on to its deadline
            self.touch(CLOCK, True)
            if pick.deadline > self.now:
                self.now = pick.deadline
            pick.timed_out = True
            self.wake(pick)
        return pick

    def _switch(self, nxt):
        me = self.current
        if nxt is me:
            return
        self.current = nxt
        nxt.gate.release()
        if me is not None and me.state != 'done':
            me.gate.acquire()

    # --- ending ----------------------------------------------------------------------------
    def stop(self, failure):
        self.on_stop(failure)
        raise Stop()

    def deadlock_failure(self):
        blocked = [l for l in self.lanes if l.state == 'blocked' and not l.helper]
        entries = {}
        for lane in blocked:
            w = lane.waiting
            entries[lane.index] = {
                'lane': lane.name,
                'holds': held_by(self, lane),
                'waitsFor': w.describe() if hasattr(w, 'describe') else repr(w),
                'line': lane.blocked_line,
            }
        cycle = find_cycle(blocked)
        chosen = [entries[l.index] for l in (cycle or blocked)]
        if not cycle:
            # An event loop waiting for nothing: name its tasks' cycle (asyncio.Lock) if there is one.
            for lane in blocked:
                expand = getattr(lane.waiting, 'deadlock_entries', None)
                found = expand() if expand is not None else None
                if found is not None:
                    tasks, is_cycle = found
                    if is_cycle:
                        cycle, chosen = True, tasks
                        break
                    chosen = [e for e in chosen if e['lane'] != lane.name] + tasks
        if cycle:
            message = '; '.join('%s holds %s and waits for %s' % (
                e['lane'], ', '.join(e['holds']) or 'nothing', e['waitsFor']) for e in chosen)
        else:
            message = 'every thread waits: ' + '; '.join('%s waits for %s' % (e['lane'], e['waitsFor']) for e in chosen)
        return {'kind': 'deadlock', 'message': message, 'cycle': chosen}


def _ready(lane):
    """A blocked lane whose wait is over without anyone waking it: it waits for a state (a lock free,
    a semaphore above 0, a thread done), and is chosen only when the state holds."""
    ready = getattr(lane.waiting, '_cl_ready', None)
    return ready is not None and ready()


def _stdout_position():
    """Where the child's stdout file ends (flushing what the program printed so far)."""
    try:
        sys.stdout.flush()
        return os.lseek(1, 0, os.SEEK_CUR)
    except (OSError, ValueError, AttributeError):
        return None


def held_by(scheduler, lane):
    """Names of the model locks the lane holds (registered by prims)."""
    return [p.describe() for p in getattr(scheduler, 'held', {}).get(lane.index, [])]


def find_cycle(blocked):
    """A wait-for cycle among the blocked lanes: lane -> owners of what it waits for."""
    waits = {}
    for lane in blocked:
        w = lane.waiting
        waits[lane.index] = [o for o in (w.owners() if hasattr(w, 'owners') else []) if o is not None]
    by_index = dict((l.index, l) for l in blocked)
    for start in blocked:
        path = [start.index]
        seen = set(path)
        cur = start.index
        while True:
            nxt = [o.index for o in waits.get(cur, []) if o.index in by_index]
            if not nxt:
                break
            cur = nxt[0]
            if cur in seen:
                loop = path[path.index(cur):]
                return [by_index[i] for i in loop]
            path.append(cur)
            seen.add(cur)
    return None
