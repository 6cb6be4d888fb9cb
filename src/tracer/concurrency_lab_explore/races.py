"""Happens-before race detection with vector clocks, FastTrack style.

A lane's clock is a list indexed by lane number. Synchronisation joins clocks (lock release ->
acquire, thread start, join, Event set -> wait, semaphore release -> acquire, the event loop's
thread hand-off); every shared access is checked against the last write (and, for a write, the
reads since it). Two accesses race when neither happens before the other and one is a write.
"""


def join_into(dst, src):
    """dst := pointwise max(dst, src), in place; returns dst."""
    if src is None:
        return dst
    if len(dst) < len(src):
        dst.extend([0] * (len(src) - len(dst)))
    for i, v in enumerate(src):
        if v > dst[i]:
            dst[i] = v
    return dst


def happened_before(lane_index, epoch, vc):
    """True when lane `lane_index`'s event at `epoch` happens before the holder of `vc`."""
    return lane_index < len(vc) and epoch <= vc[lane_index]


class Shadow(object):
    __slots__ = ('write', 'reads')

    def __init__(self):
        self.write = None  # (lane, epoch, site)
        self.reads = {}  # lane index -> (epoch, site)


class RaceDetector(object):
    """Keeps one Shadow per location; a location is a hashable key (id of the object and the name)."""

    def __init__(self):
        self.shadows = {}
        self.races = []
        self._seen = set()
        self._keep = []  # the objects behind ids stay alive for this run, so an id is never reused

    def access(self, lane, key, is_write, site, target, obj):
        """site: (line, 'read'|'write'); target: a callable giving the location's display name."""
        sh = self.shadows.get(key)
        if sh is None:
            sh = self.shadows[key] = Shadow()
            if obj is not None:
                self._keep.append(obj)
        vc = lane.vc
        me = lane.index
        w = sh.write
        if w is not None and w[0].index != me and not happened_before(w[0].index, w[1], vc):
            self._report(target, w[0], w[2], lane, site)
        if is_write:
            for other, (epoch, rsite) in sh.reads.items():
                if other != me and not happened_before(other, epoch, vc):
                    self._report(target, lane.scheduler.lanes[other], rsite, lane, site)
            sh.write = (lane, vc[me], site)
            sh.reads = {}
        else:
            sh.reads[me] = (vc[me], site)

    def _report(self, target, first_lane, first_site, second_lane, second_site):
        name = target()
        a = (first_lane.name, first_site[0], first_site[1])
        b = (second_lane.name, second_site[0], second_site[1])
        sig = (name, tuple(sorted([(a[1], a[2]), (b[1], b[2])])))
        if sig in self._seen:
            return
        self._seen.add(sig)
        self.races.append({
            'target': name,
            'accesses': [
                {'lane': a[0], 'line': a[1], 'kind': a[2]},
                {'lane': b[0], 'line': b[1], 'kind': b[2]},
            ],
        })
