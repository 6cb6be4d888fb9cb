import unittest

from tracing import TraceCase


class Keyed(object):
    def keyed(self, prim):
        evs = [e for e in self.trace.events if isinstance(e[6], dict) and e[6].get('prim') == prim]
        keys = {e[6]['key'] for e in evs}
        self.assertEqual(len(keys), 1, '%s has one key in every process: %r' % (prim, keys))
        self.assertGreaterEqual(len({e[2] for e in evs}), 3, '%s is seen in the parent and both children' % prim)
        return evs

    def assertPutsReachGets(self, prim):
        evs = self.keyed(prim)
        puts = {(e[2], e[6]['item']): e for e in evs if e[5] == 'queue_put'}
        gets = [e for e in evs if e[5] == 'queue_get']
        self.assertEqual(len(gets), 2)
        for g in gets:
            put = puts[(g[6]['from_pid'], g[6]['item'])]
            self.assertOrdered(put, g, 'get after its put')
            self.assertEqual(g[2], self.trace.main_pid())


class MpPrimitivesBase(Keyed):
    def test_exit(self):
        self.assertRanOk()
        self.assertIn("['from child 0', 'from child 1']", self.trace.stdout)

    def test_lock_across_processes(self):
        evs = self.keyed('mp.Lock')
        holder = None
        for e in evs:  # trace order across processes is by timestamp
            if e[5] == 'lock_acquired' and e[6]['ok']:
                self.assertIsNone(holder, 'acquired in %d while %s held it' % (e[2], holder))
                holder = e[2]
            elif e[5] == 'lock_release':
                self.assertEqual(holder, e[2])
                holder = None
        self.assertEqual(len([e for e in evs if e[5] == 'lock_acquired' and e[6]['ok']]), 3)

    def test_event_across_processes(self):
        evs = self.keyed('mp.Event')
        sets = [e for e in evs if e[5] == 'event_set']
        woken = [e for e in evs if e[5] == 'event_woken']
        self.assertEqual(len(sets), 1)
        self.assertEqual(len(woken), 2)
        for w in woken:
            self.assertOrdered(sets[0], w)

    def test_queue_items_link_put_to_get(self):
        self.assertPutsReachGets('mp.Queue')


class MpLocksBase(Keyed):
    def assertExclusive(self, prim):
        evs = self.keyed(prim)
        holder = None
        for e in evs:
            if e[5] == 'lock_acquired' and e[6]['ok']:
                self.assertIsNone(holder, '%s acquired in %d while %s held it' % (prim, e[2], holder))
                holder = e[2]
            elif e[5] == 'lock_release':
                self.assertEqual(holder, e[2])
                holder = None
        return evs

    def count(self, evs, kind):
        return len([e for e in evs if e[5] == kind and (kind != 'lock_acquired' or e[6]['ok'])])

    def test_exit(self):
        self.assertRanOk()
        self.assertIn("['from child 0', 'from child 1'] [0, 10] True", self.trace.stdout)

    def test_joinable_queue_items_link_put_to_get(self):
        self.assertPutsReachGets('mp.JoinableQueue')

    def test_simple_queue_items_link_put_to_get(self):
        self.assertPutsReachGets('mp.SimpleQueue')

    def test_rlock_traces_only_the_outer_acquire(self):
        evs = self.assertExclusive('mp.RLock')
        self.assertEqual(self.count(evs, 'lock_acquired'), 3, 'parent + two children, nested acquires not counted')
        self.assertEqual(self.count(evs, 'lock_release'), 3)

    def test_bounded_semaphore_of_one_is_exclusive(self):
        evs = self.assertExclusive('mp.BoundedSemaphore')
        self.assertEqual(self.count(evs, 'lock_acquired'), 3)

    def test_semaphore_and_no_internal_primitives(self):
        evs = self.keyed('mp.Semaphore')
        self.assertEqual(self.count(evs, 'lock_acquired'), 3)
        self.assertEqual(self.count(evs, 'lock_release'), 3)
        prims = {e[6].get('prim') for e in self.trace.events if isinstance(e[6], dict)}
        self.assertNotIn('mp.Lock', prims, 'the queue\'s own lock stays untraced')
        conds = {e[6]['key'] for e in self.trace.events if isinstance(e[6], dict) and e[6].get('prim') == 'mp.Condition'}
        self.assertEqual(len(conds), 1, "the program's Condition, not JoinableQueue's own")


class MpConditionsBase(Keyed):
    def test_exit(self):
        self.assertRanOk()
        self.assertIn('arrived 2', self.trace.stdout)

    def test_condition_notify_wakes_the_waiting_process(self):
        evs = self.keyed('mp.Condition')
        main = self.trace.main_pid()
        waits = [e for e in evs if e[5] == 'cond_wait']
        woken = [e for e in evs if e[5] == 'cond_woken' and e[6]['ok']]
        notifies = [e for e in evs if e[5] == 'cond_notify']
        self.assertGreaterEqual(len(waits), 1)
        self.assertTrue(all(e[2] == main for e in waits + woken), 'only the parent waits')
        self.assertEqual(sorted({e[2] for e in notifies}), sorted({e[2] for e in evs} - {main}), 'each child notifies')
        self.assertTrue(all(e[6]['n'] == -1 for e in notifies), 'notify_all is one record')
        self.assertOrdered(notifies[0], woken[0], 'woken after a notify')

    def test_barrier_passes_after_the_last_arrival(self):
        evs = self.keyed('mp.Barrier')
        arrivals = [e for e in evs if e[5] == 'barrier_wait']
        passes = [e for e in evs if e[5] == 'barrier_pass']
        self.assertEqual(len(arrivals), 3)
        self.assertEqual(sorted(e[6]['index'] for e in passes), [0, 1, 2])
        for p in passes:
            self.assertOrdered(arrivals[-1], p, 'nobody passes before everyone arrived')


def _per_start_method(base, program):
    """ForkX and SpawnX test classes: the same checks under both ways of starting a child."""
    for method in ('fork', 'spawn'):
        name = method.capitalize() + base.__name__[:-len('Base')]
        globals()[name] = type(name, (base, TraceCase), {'PROGRAM': program, 'ARGS': (method,)})


_per_start_method(MpPrimitivesBase, 'mp_primitives.py')
_per_start_method(MpLocksBase, 'mp_locks.py')
_per_start_method(MpConditionsBase, 'mp_conditions.py')


if __name__ == '__main__':
    unittest.main()
