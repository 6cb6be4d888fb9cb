import unittest

from tracing import TraceCase


class ThreadingPrimitives(TraceCase):
    PROGRAM = 'locks_contended.py'

    def prim_events(self, prim):
        objs = {e[6]['obj'] for e in self.trace.events if isinstance(e[6], dict) and e[6].get('prim') == prim}
        self.assertEqual(len(objs), 1, '%s: %r' % (prim, objs))
        return [e for e in self.trace.events if isinstance(e[6], dict) and e[6].get('prim') == prim]

    def test_exit(self):
        self.assertRanOk()
        self.assertIn('counter 1200', self.trace.stdout)

    def test_lock_acquired_only_after_previous_release(self):
        evs = sorted(self.prim_events('Lock'), key=lambda e: e[0])
        holder = None
        acquisitions = 0
        for e in evs:
            if e[5] == 'lock_acquired' and e[6]['ok']:
                self.assertIsNone(holder, 'acquired while tid %s still held it: %r' % (holder, e))
                holder = e[3]
                acquisitions += 1
            elif e[5] == 'lock_release':
                self.assertEqual(holder, e[3])
                holder = None
        self.assertEqual(acquisitions, 1200)

    def test_contention_is_recorded_as_wait_then_acquired(self):
        evs = sorted(self.prim_events('Lock'), key=lambda e: e[0])
        waits = [e for e in evs if e[5] == 'lock_wait']
        contended = [e for e in evs if e[5] == 'lock_acquired' and e[6]['contended']]
        self.assertEqual(len(waits), len(contended))
        for e in contended:
            self.assertGreaterEqual(e[6]['waited_ns'], 0)

    def test_rlock_reentry_counts_once(self):
        evs = self.prim_events('RLock')
        self.assertEqual(len([e for e in evs if e[5] == 'lock_acquired' and e[6]['ok']]), 2)
        self.assertEqual(len([e for e in evs if e[5] == 'lock_release']), 2)

    def test_semaphores(self):
        for prim in ('Semaphore', 'BoundedSemaphore'):
            evs = self.prim_events(prim)
            self.assertEqual(len([e for e in evs if e[5] == 'lock_acquired' and e[6]['ok']]), 3, prim)
            self.assertEqual(len([e for e in evs if e[5] == 'lock_release']), 3, prim)

    def test_condition_and_event(self):
        cond = self.prim_events('Condition')
        kinds = [e[5] for e in cond]
        self.assertIn('cond_notify', kinds)
        notify = [e for e in cond if e[5] == 'cond_notify']
        self.assertEqual(notify[0][6]['n'], -1)
        for w in [e for e in cond if e[5] == 'cond_woken']:
            self.assertTrue(w[6]['ok'])
        ev = self.prim_events('Event')
        sets = [e for e in ev if e[5] == 'event_set']
        woken = [e for e in ev if e[5] == 'event_woken']
        self.assertEqual(len(sets), 1)
        self.assertEqual(len(woken), 1)
        self.assertOrdered(sets[0], woken[0], 'event_woken after event_set')

    def test_barrier(self):
        evs = self.prim_events('Barrier')
        waits = [e for e in evs if e[5] == 'barrier_wait']
        passes = [e for e in evs if e[5] == 'barrier_pass']
        self.assertEqual(len(waits), 3)
        self.assertEqual(sorted(e[6]['index'] for e in passes), [0, 1, 2])
        last_wait = max(waits, key=lambda e: e[0])
        for p in passes:
            self.assertOrdered(last_wait, p, 'nobody passes before the last party arrives')

    def test_stdlib_internal_locks_not_traced(self):
        prims = {e[6].get('prim') for e in self.trace.events if isinstance(e[6], dict) and 'prim' in e[6]}
        self.assertEqual(prims, {'Lock', 'RLock', 'Semaphore', 'BoundedSemaphore', 'Condition', 'Event', 'Barrier'})
        lock_objs = {e[6]['obj'] for e in self.trace.events if isinstance(e[6], dict) and e[6].get('prim') == 'Lock'}
        self.assertEqual(len(lock_objs), 1, 'Thread/Condition/Barrier internals must not show up as Locks')


if __name__ == '__main__':
    unittest.main()
