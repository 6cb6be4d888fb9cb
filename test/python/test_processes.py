import unittest

from tracing import TraceCase, run_traced


class ProcessesBase(object):
    """Shared checks; subclasses pick the start method."""
    ARGS = ()

    def test_exit_and_output(self):
        self.assertRanOk()
        for line in ('child solo', 'pool [0, 1, 4, 9]', 'executor [0, 1, 4, 9]', 'manager [1]', 'exitcode 0'):
            self.assertIn(line, self.trace.stdout)

    def test_a_lane_per_process(self):
        begins = self.trace.kind('proc_begin')
        by_pid = {}
        for e in begins:
            self.assertNotIn(e[2], by_pid, 'one proc_begin per process')
            by_pid[e[2]] = e[6]
        main = self.trace.main_pid()
        own = [d for pid, d in by_pid.items() if pid != main and not d['internal']]
        self.assertIn('solo', [d['name'] for d in own])
        started = [e for e in self.trace.kind('proc_start') if not e[6]['internal']]
        self.assertGreaterEqual(len([e for e in started if 'PoolWorker' in e[6]['name']]), 2)
        names = {(e[2], e[6]['obj']): e[6]['name'] for e in self.trace.kind('proc_start')}
        for e in self.trace.kind('proc_started'):
            # Pool.terminate() (the with-block exit) may kill a worker before its interpreter has
            # even started; such a worker has no events, its lane comes from proc_start/started.
            if 'PoolWorker' not in names[(e[2], e[6]['obj'])]:
                self.assertIn(e[6]['child_pid'], by_pid, 'every started child has its own lane')
        internal = [d for d in by_pid.values() if d['internal']]
        self.assertTrue(any('Manager' in d['name'] or d['name'].startswith('SyncManager') for d in internal) or
                        any(e[6]['internal'] for e in self.trace.kind('proc_start')), 'the manager server is internal')

    def test_child_begin_after_parent_start(self):
        starts = {}
        for e in self.trace.kind('proc_start'):
            starts[(e[2], e[6]['obj'])] = e
        started = {e[6]['child_pid']: (e[2], e[6]['obj']) for e in self.trace.kind('proc_started')}
        checked = 0
        for b in self.trace.kind('proc_begin'):
            if b[6]['origin'] == 'main':
                continue
            key = started.get(b[2])
            if key is None:
                continue
            self.assertOrdered(starts[key], b, 'child proc_begin after parent proc_start')
            # A forkserver child terminated before its Process object arrived cannot know it.
            if b[6]['parent_obj'] is not None or b[6]['name'] != 'forkserver child':
                self.assertEqual(b[6]['parent_obj'], key[1])
            checked += 1
        self.assertGreaterEqual(checked, 3)

    def test_child_prints_attributed_to_child(self):
        main = self.trace.main_pid()
        solo = [e for e in self.trace.prints() if e[6]['text'] == 'child solo']
        self.assertEqual(len(solo), 1)
        self.assertNotEqual(solo[0][2], main)
        begin = [e for e in self.trace.kind('proc_begin', solo[0][2])]
        self.assertEqual(begin[0][6]['name'], 'solo')

    def test_join_and_end(self):
        joined = self.trace.kind('proc_joined')
        self.assertTrue(joined)
        ends = {e[2]: e for e in self.trace.kind('proc_end')}
        solo_pid = [e[2] for e in self.trace.kind('proc_begin') if e[6]['name'] == 'solo'][0]
        self.assertEqual(ends[solo_pid][6]['exitcode'], 0)
        solo_join = [e for e in joined if e[6]['child_pid'] == solo_pid][0]
        self.assertEqual(solo_join[6]['exitcode'], 0)
        self.assertOrdered(ends[solo_pid], solo_join, 'proc_end before the parent sees the join')

    def test_worker_function_spans_in_children(self):
        codes = self.trace.codes()
        square_calls = [e for e in self.trace.kind('call') if codes[(e[2], e[6][0])]['name'] == 'square']
        self.assertEqual(len(square_calls), 8)
        self.assertTrue(all(e[2] != self.trace.main_pid() for e in square_calls))

    def test_internal_threads(self):
        threads = self.trace.kind('thread_begin', self.trace.main_pid())
        self.assertTrue(threads)
        self.assertTrue(all(e[6]['internal'] for e in threads), [e[6]['name'] for e in threads])


class ForkProcesses(ProcessesBase, TraceCase):
    PROGRAM = 'processes_mp.py'
    ARGS = ('fork',)

    def test_method(self):
        methods = {e[6]['method'] for e in self.trace.kind('proc_start') if not e[6]['internal']}
        self.assertEqual(methods, {'fork'})


class SpawnProcesses(ProcessesBase, TraceCase):
    PROGRAM = 'processes_mp.py'
    ARGS = ('spawn',)

    def test_method_and_helpers(self):
        methods = {e[6]['method'] for e in self.trace.kind('proc_start') if not e[6]['internal']}
        self.assertEqual(methods, {'spawn'})
        helpers = [e[6]['name'] for e in self.trace.kind('proc_begin') if e[6]['internal']]
        self.assertIn('resource_tracker', helpers)


class ForkserverProcesses(ProcessesBase, TraceCase):
    PROGRAM = 'processes_mp.py'
    ARGS = ('forkserver',)

    def test_children_know_their_logical_parent(self):
        main = self.trace.main_pid()
        server = [e for e in self.trace.kind('proc_begin') if e[6]['name'] == 'forkserver']
        self.assertEqual(len(server), 1)
        self.assertTrue(server[0][6]['internal'])
        solo = [e for e in self.trace.kind('proc_begin') if e[6]['name'] == 'solo'][0]
        self.assertEqual(solo[6]['ppid'], server[0][2], 'forked by the server')
        self.assertEqual(solo[6]['parent_pid'], main, 'but started by the program')


class SubprocessChild(TraceCase):
    PROGRAM = 'subprocess_child.py'

    def test_python_child_gets_a_lane(self):
        self.assertRanOk()
        self.assertIn('child said hello from the child exit 0', self.trace.stdout)
        start = self.trace.kind('proc_start')
        self.assertEqual(len(start), 1)
        self.assertEqual(start[0][6]['method'], 'subprocess')
        child = [e for e in self.trace.kind('proc_begin') if e[6]['origin'] == 'subprocess']
        self.assertEqual(len(child), 1)
        self.assertEqual(child[0][6]['parent_obj'], start[0][6]['obj'])
        self.assertOrdered(start[0], child[0])
        prints = [e for e in self.trace.prints() if e[6]['text'] == 'hello from the child']
        self.assertEqual(len(prints), 1)
        self.assertEqual(prints[0][2], child[0][2])
        joined = self.trace.kind('proc_joined')
        self.assertEqual(joined[0][6]['exitcode'], 0)


if __name__ == '__main__':
    unittest.main()
