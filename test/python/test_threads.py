import unittest

from tracing import VERSION, TraceCase


class ThreadLanes(TraceCase):
    PROGRAM = 'threads_basic.py'

    def test_exit_and_output(self):
        self.assertRanOk()
        self.assertIn('results [0, 1, 4, 9, 16, 25]', self.trace.stdout)

    def test_one_lane_per_thread_named_as_python_names_them(self):
        names = sorted(self.trace.thread_names().values())
        for expected in ('worker-0', 'worker-1', 'worker-2', 'the-timer'):
            self.assertIn(expected, names)
        pool = [n for n in names if n.startswith('pool_')]
        self.assertEqual(len(pool), 2, names)
        tids = [e[3] for e in self.trace.kind('thread_begin')]
        self.assertEqual(len(tids), len(set(tids)), 'every thread gets its own tid')
        self.assertNotIn(1, tids, 'tid 1 is the main thread')

    def test_begin_after_start_and_joined_after_end(self):
        starts = {e[6]['obj']: e for e in self.trace.kind('thread_start')}
        begins = {e[6]['obj']: e for e in self.trace.kind('thread_begin')}
        ends = {e[6]['obj']: e for e in self.trace.kind('thread_end')}
        self.assertEqual(set(starts), set(begins))
        self.assertEqual(set(begins), set(ends))
        for obj, b in begins.items():
            self.assertOrdered(starts[obj], b)
            self.assertOrdered(b, ends[obj])
        joined = self.trace.kind('thread_joined')
        self.assertGreaterEqual(len(joined), 4)
        for j in joined:
            obj = j[6]['obj']
            self.assertFalse(j[6]['alive'])
            self.assertOrdered(ends[obj], j, 'thread_joined after thread_end')

    def test_prints_attributed_to_the_printing_thread(self):
        names = self.trace.thread_names()
        for e in self.trace.prints():
            text = e[6]['text']
            if text.startswith('hello from worker-'):
                self.assertEqual(names[(e[2], e[3])], text.split()[-1])
            elif text == 'hello from timer':
                self.assertEqual(names[(e[2], e[3])], 'the-timer')
            elif text == 'hello from submitted':
                self.assertTrue(names[(e[2], e[3])].startswith('pool_'))
            elif text.startswith('results'):
                self.assertEqual(e[3], 1)
        self.assertEqual(len(self.trace.prints()), 6)

    def test_calls_have_matching_returns_per_thread(self):
        depth = {}
        for e in sorted(self.trace.events, key=lambda e: e[0]):
            key = e[3]
            if e[5] == 'call':
                depth[key] = depth.get(key, 0) + 1
            elif e[5] == 'return':
                depth[key] = depth.get(key, 0) - 1
                self.assertGreaterEqual(depth[key], 0, 'return without call on tid %d' % key)
        self.assertTrue(all(v == 0 for v in depth.values()), depth)
        greet = [c for c in self.trace.codes().values() if c['name'] == 'greet']
        self.assertEqual(len(greet), 1)
        calls = [e for e in self.trace.kind('call') if e[6][0] == greet[0]['id']]
        self.assertEqual(len(calls), 5)
        self.assertTrue(all(e[6][1] > 0 for e in calls), 'thread CPU time is recorded')

    def test_future_submit_and_done(self):
        subs = {e[6]['obj']: e for e in self.trace.kind('future_submit')}
        dones = {e[6]['obj']: e for e in self.trace.kind('future_done')}
        self.assertGreaterEqual(len(subs), 7)
        for obj, s in subs.items():
            self.assertIn(obj, dones)
            self.assertOrdered(s, dones[obj])
            self.assertEqual(dones[obj][6]['state'], 'ok')

    def test_executor_threads_are_not_internal(self):
        for e in self.trace.kind('thread_begin'):
            self.assertFalse(e[6]['internal'], e)


class OwnThreadsRunningLoops(TraceCase):
    """A thread is internal when the runtime starts it, not because its target is the runtime's: the
    program's thread with target=asyncio.run or loop.run_forever is the program's."""
    PROGRAM = 'threads_own_loops.py'

    def test_the_program_started_threads_are_its_own_and_the_runtime_ones_internal(self):
        self.assertSameStdoutAsUntraced()
        begins = self.trace.kind('thread_begin')
        own = {e[6]['name'] for e in begins if not e[6]['internal']}
        self.assertLessEqual({'by-asyncio-run', 'by-run-forever', 'by-lambda', 'executor-user', 'dummy-process'}, own)
        # besides: the default executor's thread and the thread Pool's 2 workers, which run the program's work
        self.assertEqual(len(own), 5 + 3, own)
        internal = [e[6]['name'] for e in begins if e[6]['internal']]
        # the thread Pool's 3 handlers; 3.9+: asyncio.run's executor shutdown
        self.assertEqual(len(internal), 3 if VERSION < (3, 9) else 4, internal)
        starts = {e[6]['obj']: e[6]['internal'] for e in self.trace.kind('thread_start')}
        self.assertEqual(starts, {e[6]['obj']: e[6]['internal'] for e in begins}, 'start and begin agree')

    def test_the_thread_pool_work_runs_in_the_program_lanes(self):
        codes = self.trace.codes()
        squares = {e[3] for e in self.trace.kind('call') if codes[(e[2], e[6][0])]['name'] == 'square'}
        internal = {e[3] for e in self.trace.kind('thread_begin') if e[6]['internal']}
        self.assertTrue(squares)
        self.assertFalse(squares & internal)


class JoinTimeout(TraceCase):
    """thread_joined's `alive` is is_alive() as threading computes it, read from the Thread's fields."""
    PROGRAM = 'thread_join_timeout.py'

    def test_alive_after_each_join(self):
        self.assertSameStdoutAsUntraced()
        self.assertEqual([j[6]['alive'] for j in self.trace.kind('thread_joined')], [True, False, False])


if __name__ == '__main__':
    unittest.main()
