"""Systematic exploration with dynamic partial-order reduction (source sets and sleep sets).

Two schedules that differ only in the order of independent operations end the same way, so only
one of them is run. A schedule's *events* are what a lane does between two of the scheduler's
choices; each event records what it touched: the program's shared data (accesses), the model
primitives it used (always as writes, so any two operations on one primitive are dependent), the
virtual clock and stdout. Two events of different lanes are dependent when they touch one thing and
one of them writes it.

The search runs in the server (`Search`); each schedule runs in a forked child (`Follow`), which
follows a prefix of choices, then runs the current lane until it blocks (the fewest preemptions),
never picking a lane in the sleep set it was given while another can run, and sends back its trace
of events. After each trace the search finds its races (dependent events of different lanes not
ordered through other events), and for each race adds a lane that can start the reversed order to
the choices still to try at the state before the first event (Abdulla et al., "Optimal dynamic
partial order reduction", POPL 2014, source-DPOR). When no state has a choice left to try, every
order of the program's dependent operations has been run once: the space is covered completely.

Schedules are numbered from 0 in the order the search runs them; the search is deterministic (the
same traces give the same next prefix), so schedule k is found again by running the search up to k.
"""

MAX_EVENTS = 4000  # longer traces are not explored systematically (the search would not end)

# How an event touches a key. RELEASE is a write that only lets another lane go on (a lock's release,
# a thread's start or end): it orders events like a write, but its order against the event it lets go
# on cannot be reversed, so it is no race; two acquires of one lock race across the first's release.
READ, WRITE, RELEASE = False, True, 2


def conflicts(a, b):
    """Two events' touches ({key: kind}) are dependent: a shared key that one of them writes."""
    if len(b) < len(a):
        a, b = b, a
    for key, write in a.items():
        other = b.get(key)
        if other is not None and (write or other):
            return True
    return False


def ready(lane):
    """A blocked lane chosen now goes on (what it waits for is there), not by its timeout."""
    r = getattr(lane.waiting, '_cl_ready', None)
    return r is not None and r()


class Follow(object):
    """The child's strategy: the prefix of choices, then the current lane until it blocks."""

    name = 'dpor'
    records = True

    def __init__(self, prefix, sleep):
        self.prefix = prefix  # lane index at each decision (a state where more than one lane can run)
        self.initial_sleep = sleep  # {lane: touches}: asleep once the last prefix choice is made
        self.sleep = {}
        self.decision = 0
        self.diverged = False
        self.switch_away = None

    def new_lane(self, lane):
        pass

    def on_step(self, scheduler):
        pass

    def demote(self, lane):
        # fairness: a lane spinning without blocking gives way, as an OS would preempt it
        self.switch_away = lane.index

    def after_event(self, lane_index, touches):
        if self.sleep:
            self.sleep = dict((q, t) for q, t in self.sleep.items() if not conflicts(t, touches))

    def pick(self, enabled, scheduler):
        d = self.decision
        self.decision += 1
        if d < len(self.prefix):
            want = self.prefix[d]
            for lane in enabled:
                if lane.index == want:
                    if d == len(self.prefix) - 1:
                        self.sleep = dict((q, t) for q, t in self.initial_sleep.items() if q != want)
                    return lane
            self.diverged = True
        awake = [l for l in enabled if l.index not in self.sleep] or enabled
        current = scheduler.current
        if self.switch_away is not None:
            others = [l for l in awake if l.index != self.switch_away]
            self.switch_away = None
            if others:
                awake = others
        elif current is not None and current in awake and current.state == 'run':
            pick = current
            self.sleep.pop(pick.index, None)
            return pick
        # time passes only when nothing else can run (a lane that would wake by its timeout goes last)
        pick = min(awake, key=lambda l: (l.state == 'blocked' and not ready(l), l.index))
        self.sleep.pop(pick.index, None)
        return pick


class Node(object):
    """One state of the current schedule: who could run, who ran, and what is left to try."""

    __slots__ = ('enabled', 'lane', 'touches', 'backtrack', 'done', 'sleep')

    def __init__(self, enabled, lane, touches, sleep):
        self.enabled = enabled
        self.lane = lane
        self.touches = touches
        self.backtrack = set([lane])
        self.done = {lane: touches}  # lanes run from this state (in order) -> their event's touches
        self.sleep = sleep  # lanes not to run from here -> the event they would run


class Search(object):
    """The server's side: the tree of schedules run so far, and the next prefix to run."""

    def __init__(self):
        self.nodes = []
        self.branch = None  # (state index, lane) of the schedule being run
        self.abandoned = None  # why systematic exploration stopped, or None
        self.schedules = 0

    def next_schedule(self):
        """(prefix, sleep) for the next schedule, or None when every choice has been tried."""
        if self.abandoned:
            return None
        if self.schedules == 0:
            self.branch = None
            return [], {}
        for k in range(len(self.nodes) - 1, -1, -1):
            node = self.nodes[k]
            todo = sorted(l for l in node.backtrack if l not in node.done and l not in node.sleep)
            if todo:
                lane = todo[0]
                self.branch = (k, lane)
                prefix = [n.lane for n in self.nodes[:k] if len(n.enabled) > 1] + [lane]
                sleep = dict(node.sleep)
                sleep.update(node.done)
                return prefix, sleep
        return None

    def add_trace(self, trace, diverged):
        """Takes the trace of the schedule just run: [(lane, enabled, touches)] per state."""
        self.schedules += 1
        if trace is None or diverged:
            self.abandoned = 'no trace (longer than %d events, or the run crashed)' % MAX_EVENTS if trace is None else \
                'the program does not run the same way twice from the same choices'
            return
        start = 0
        if self.branch is not None:
            k, lane = self.branch
            if len(trace) <= k or trace[k][0] != lane or any(
                    trace[i][0] != self.nodes[i].lane or trace[i][1] != self.nodes[i].enabled for i in range(k)):
                self.abandoned = 'the program does not run the same way twice from the same choices'
                return
            node = self.nodes[k]
            node.lane = lane
            node.touches = trace[k][2]
            node.done[lane] = trace[k][2]
            del self.nodes[k + 1:]
            start = k + 1
        else:
            self.nodes = []
        for i in range(start, len(trace)):
            lane, enabled, touches = trace[i]
            if i == 0:
                sleep = {}
            else:
                prev = self.nodes[i - 1]
                sleep = {}
                for source in (prev.sleep, prev.done):
                    for q, t in source.items():
                        if q != prev.lane and not conflicts(t, prev.touches):
                            sleep[q] = t
            self.nodes.append(Node(enabled, lane, touches, sleep))
        self._add_reversals()

    def _add_reversals(self):
        """For every race in the current schedule, a lane that starts its reversal, where needed."""
        nodes = self.nodes
        n = len(nodes)
        lanes = 1 + max(max(nd.enabled + [nd.lane]) for nd in nodes)
        seq = [0] * n  # an event's number within its lane, from 1
        clock = [None] * n  # happens-before clock of each event: lane -> highest seq that precedes it
        last_of_lane = {}
        last_write = {}  # key -> event index
        last_acquire = {}  # key -> the last event that wrote it, releases left out
        reads_since = {}  # key -> [event index] since its last write
        counts = [0] * lanes
        for j in range(n):
            nd = nodes[j]
            lj = nd.lane
            counts[lj] += 1
            seq[j] = counts[lj]
            preds = {}  # earlier event -> False when it released something j needed (no reversal)
            for key, kind in nd.touches.items():
                w = last_write.get(key)
                if w is not None and nodes[w].lane != lj:
                    preds[w] = preds.get(w, True) and nodes[w].touches[key] != RELEASE
                    if nodes[w].touches[key] == RELEASE:
                        a = last_acquire.get(key)  # the release hides no earlier acquire of the key
                        if a is not None and nodes[a].lane != lj:
                            preds.setdefault(a, True)
                if kind:
                    for r in reads_since.get(key, ()):
                        if nodes[r].lane != lj:
                            preds.setdefault(r, True)
            prev = last_of_lane.get(lj)
            vc = list(clock[prev]) if prev is not None else [0] * lanes
            # the races of j: direct predecessors not ordered before j through a later one
            acc = list(vc)
            releases = []
            for i in sorted(preds, reverse=True):
                if not preds[i]:
                    # j needed what i released (a lock, a thread's start or end): j cannot come before
                    # i, so no race; nor does i hide one (two acquires race across the first's release)
                    releases.append(i)
                    continue
                if acc[nodes[i].lane] < seq[i]:
                    self._reverse(i, j, seq, clock, acc)
                _join(acc, clock[i])
            vc = acc
            for i in releases:
                _join(vc, clock[i])
            vc[lj] = seq[j]
            clock[j] = vc
            last_of_lane[lj] = j
            for key, write in nd.touches.items():
                if write:
                    last_write[key] = j
                    reads_since[key] = []
                    if write is WRITE:
                        last_acquire[key] = j
                else:
                    reads_since.setdefault(key, []).append(j)

    def _reverse(self, i, j, seq, clock, clock_j):
        """Race (i, j): at the state before i, make sure some lane that can start `v.j` will be tried,
        where v is what ran between i and j without depending on i. clock_j: j's clock from its other
        predecessors (those after i)."""
        node = self.nodes[i]
        if len(node.enabled) < 2:
            return
        li, si = self.nodes[i].lane, seq[i]
        first_in_v = {}  # lane -> seq of its first event in v
        initials = []
        for k in list(range(i + 1, j)) + [j]:  # (the order is v's: i's dependents are left out)
            ck = clock[k] if k != j else clock_j
            if k != j and ck[li] >= si:
                continue  # k happens after i: not in v
            lk = self.nodes[k].lane
            if lk in first_in_v:
                continue
            if not any(ck[q] >= s for q, s in first_in_v.items()):
                initials.append(lk)
            first_in_v[lk] = seq[k]
        enabled = set(node.enabled)
        initials = [l for l in initials if l in enabled]
        if not initials:
            if self.nodes[j].lane not in enabled:
                return  # j's lane could not run before i (what it waited for came later)
            node.backtrack.update(enabled)  # no lane is known to start the reversal: try them all  # no lane is known to start it: try them all
        elif not any(l in node.backtrack or l in node.sleep for l in initials):
            node.backtrack.add(initials[0])


def _join(dst, src):
    for q, v in enumerate(src):
        if v > dst[q]:
            dst[q] = v
