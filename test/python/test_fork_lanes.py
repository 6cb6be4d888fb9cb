"""Fork children get lanes of their own and nothing of their parent's: a worker forked from inside a
running event loop has no task of its parent's (3.12+ showed a phantom "Task #1" in every child),
a child that starts its own loop gets its own task lanes, and a double-forked daemon's grandchild
records into its own stream with its real parent, even after that parent exited."""
import os
import unittest

from test_io_integrity import run_both

needs_fork = unittest.skipUnless(hasattr(os, 'fork'), 'needs os.fork')


def child_pids(run):
    main = run.main_pid()
    return sorted({e[2] for e in run.events} - {main})


class ForkedFromEventLoop(unittest.TestCase):
    @needs_fork
    def test_pool_workers_have_no_inherited_task(self):
        untraced, run, traced = run_both('fork_pool_in_event_loop.py', self)
        self.assertEqual(traced, untraced)
        self.assertEqual(untraced[0], '[0, 2, 4, 6]\n')
        children = child_pids(run)
        self.assertTrue(children, 'no worker was traced')
        by_pid = run.by_pid()
        for pid in children:
            self.assertEqual({e[4] for e in by_pid[pid]}, {0}, 'a worker event carries a task: %r' % by_pid[pid][:3])
            self.assertEqual(run.kind('task_create', pid), [])

    @needs_fork
    def test_child_loop_has_its_own_tasks(self):
        untraced, run, traced = run_both('fork_inside_task.py', self)
        self.assertEqual(traced, untraced)
        self.assertIn('child results [1, 2, 3]\n', untraced[0])
        (child,) = child_pids(run)
        names = sorted(e[6]['name'] for e in run.kind('task_create', child))
        self.assertEqual([n for n in names if n.startswith('child-')], ['child-0', 'child-1', 'child-2'])
        begin = run.kind('proc_begin', child)[0]
        self.assertEqual(begin[4], 0, 'the child began inside its parent\'s task')


class DoubleForkedDaemon(unittest.TestCase):
    @needs_fork
    def test_grandchild_has_its_own_lane_and_real_parent(self):
        untraced, run, traced = run_both('fork_double_daemon.py', self)
        self.assertEqual(traced, untraced)
        self.assertEqual(untraced[0], 'grandchild thread ran, new session True\n')
        main = run.main_pid()
        begins = {e[2]: e[6] for e in run.kind('proc_begin')}
        middle = [pid for pid, d in begins.items() if d['origin'] == 'fork' and d['parent_pid'] == main]
        self.assertEqual(len(middle), 1, begins)
        grand = [pid for pid, d in begins.items() if d['origin'] == 'fork' and d['parent_pid'] == middle[0]]
        self.assertEqual(len(grand), 1, 'the grandchild does not name its parent: %r' % begins)
        self.assertEqual(begins[grand[0]]['name'], 'fork of %d' % middle[0])
        self.assertEqual(begins[grand[0]]['ppid'], middle[0])
        self.assertIn('daemon-worker', run.thread_names(grand[0]).values())
        self.assertEqual(len(run.kind('proc_end', grand[0])), 1)


if __name__ == '__main__':
    unittest.main()
