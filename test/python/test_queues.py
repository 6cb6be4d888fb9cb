import unittest

from tracing import TraceCase


class ThreadQueues(TraceCase):
    PROGRAM = 'queues_threads.py'

    def test_exit(self):
        self.assertRanOk()
        self.assertIn('20 20 20 20 True', self.trace.stdout)

    def test_each_flavour_traced_once(self):
        prims = {}
        for e in self.trace.kind('queue_put'):
            prims.setdefault(e[6]['prim'], set()).add(e[6]['obj'])
        self.assertEqual({k: len(v) for k, v in prims.items()},
                         {'Queue': 1, 'LifoQueue': 1, 'PriorityQueue': 1, 'SimpleQueue': 1})

    def test_every_get_follows_its_put(self):
        puts = {(e[6]['obj'], e[6]['item']): e for e in self.trace.kind('queue_put')}
        gets = [e for e in self.trace.kind('queue_get') if e[6]['ok']]
        self.assertEqual(len(gets), 80)
        for g in gets:
            key = (g[6]['obj'], g[6]['item'])
            self.assertIn(key, puts, 'get of an unknown put %r' % (g,))
            self.assertOrdered(puts[key], g, 'queue_get after its queue_put')
        self.assertEqual(len({(g[6]['obj'], g[6]['item']) for g in gets}), 80, 'each put is received once')

    def test_puts_and_gets_on_their_threads(self):
        names = self.trace.thread_names()
        for e in self.trace.kind('queue_put'):
            self.assertEqual(names[(e[2], e[3])], 'producer')
        for e in self.trace.kind('queue_get'):
            self.assertEqual(names[(e[2], e[3])], 'consumer')

    def test_blocking_get_is_wait_then_get(self):
        waits = self.trace.kind('queue_get_wait')
        self.assertGreater(len(waits), 0, 'the consumer starts first, so it must block at least once')
        gets = sorted(self.trace.kind('queue_get'), key=lambda e: e[0])
        for w in waits:
            after = [g for g in gets if g[0] > w[0] and g[3] == w[3] and g[6]['obj'] == w[6]['obj']]
            self.assertTrue(after, 'a queue_get_wait is followed by its queue_get')


class ReusedQueues(TraceCase):
    """Each put and get names the queue as it is now (its events' head is kept between them)."""
    PROGRAM = 'queues_reused.py'

    def test_events_follow_a_new_serial_and_a_new_class(self):
        self.assertRanOk()
        events = sorted(self.trace.kind('queue_put') + self.trace.kind('queue_get'), key=lambda e: e[0])
        events = events[:8]
        seen = [(e[5], e[6]['prim'], e[6].get('value')) for e in events]
        self.assertEqual(seen,
                         [('queue_put', 'Queue', '1'), ('queue_get', 'Queue', '1'),
                          ('queue_put', 'Queue', '2'), ('queue_get', 'Queue', '2'),
                          ('queue_put', 'Queue', '3'), ('queue_get', 'Queue', '3'),
                          ('queue_put', 'LifoQueue', '4'), ('queue_get', 'LifoQueue', '4')])
        objs = [e[6]['obj'] for e in events]
        self.assertEqual(objs[0], objs[1])
        self.assertEqual(objs[2], objs[3])
        self.assertNotEqual(objs[0], objs[2], '__init__ again gives the queue a new serial')
        self.assertEqual(len(set(objs[4:])), 1)

    def test_a_new_queue_numbers_its_items_from_one(self):
        """Short-lived queues (a new one usually gets a dead one's id): a dead queue's item log is
        forgotten with it, so the next queue's first put is item 1 again, and its get receives it."""
        late = [e for e in self.trace.kind('queue_put') + self.trace.kind('queue_get') if int(e[6]['value']) >= 10]
        self.assertEqual(len(late), 10)
        self.assertEqual([e[6]['item'] for e in late], [1] * 10)


if __name__ == '__main__':
    unittest.main()
